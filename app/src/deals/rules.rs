//! The deal state machine, pure: who may take which step from which state.

use super::types::{DealState, DealStep, Party};
use crate::error::AppError;

/// How many revisions a brand may ask for on one deal.
pub const MAX_REVISIONS: u32 = 2;
/// How long a brand has to approve a delivery before the escrow is released on its own.
pub const REVIEW_WINDOW_SECS: i64 = 72 * 3600;

/// The state `step` by `by` leads to from `from`; `proposed_by` is who made the terms on the
/// table. Anything else is refused with a clear error, never ignored.
pub fn next(
    from: DealState,
    step: DealStep,
    by: Option<Party>,
    proposed_by: Party,
    revisions: u32,
) -> Result<DealState, AppError> {
    use DealState::*;
    use DealStep::*;
    let refused = || {
        AppError::Conflict(format!(
            "{step:?} is not possible on a deal that is {}",
            from.as_str()
        ))
    };
    let brand = by == Some(Party::Brand);
    let creator = by == Some(Party::Creator);
    match (from, step) {
        (Offered, Counter) if by.is_some() => Ok(Offered),
        // Terms are accepted by the party who did not propose them.
        (Offered, Accept) if by.is_some_and(|p| p != proposed_by) => Ok(Accepted),
        (Offered, Accept) if by.is_some() => Err(AppError::Forbidden),
        (Offered | Accepted, Cancel) if by.is_some() => Ok(Cancelled),
        (Accepted, Fund) if brand => Ok(Funded),
        (Funded, Deliver) if creator => Ok(Delivered),
        (Delivered, Approve) if brand => Ok(Completed),
        (Delivered, AskRevision) if brand && revisions < MAX_REVISIONS => Ok(Funded),
        (Delivered, AskRevision) if brand => Err(AppError::Conflict(format!(
            "the {MAX_REVISIONS} revisions of this deal were already asked"
        ))),
        (Funded | Delivered, Dispute) if by.is_some() => Ok(Disputed),
        (Delivered, AutoRelease) if by.is_none() => Ok(Completed),
        (_, Fund | Approve | AskRevision) if creator => Err(AppError::Forbidden),
        (_, Deliver) if brand => Err(AppError::Forbidden),
        _ => Err(refused()),
    }
}

/// How an operator settles a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// The escrow goes to the creator: the deal completes.
    Release,
    /// The hold is voided: the brand keeps its money and the deal is cancelled.
    Refund,
}

/// Where settling leads; only a disputed deal can be settled.
pub fn settle(from: DealState, how: Settlement) -> Result<DealState, AppError> {
    match (from, how) {
        (DealState::Disputed, Settlement::Release) => Ok(DealState::Completed),
        (DealState::Disputed, Settlement::Refund) => Ok(DealState::Cancelled),
        (from, _) => Err(AppError::Conflict(format!(
            "only a disputed deal can be settled, not one that is {}",
            from.as_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DealState::*;
    use DealStep::*;

    const B: Option<Party> = Some(Party::Brand);
    const C: Option<Party> = Some(Party::Creator);

    #[test]
    fn only_disputes_are_settled() {
        assert_eq!(settle(Disputed, Settlement::Release).unwrap(), Completed);
        assert_eq!(settle(Disputed, Settlement::Refund).unwrap(), Cancelled);
        assert!(settle(Delivered, Settlement::Release).is_err());
    }

    #[test]
    fn the_happy_path_from_offer_to_payment() {
        assert_eq!(next(Offered, Counter, C, Party::Brand, 0).unwrap(), Offered);
        assert_eq!(
            next(Offered, Accept, B, Party::Creator, 0).unwrap(),
            Accepted
        );
        assert_eq!(next(Accepted, Fund, B, Party::Creator, 0).unwrap(), Funded);
        assert_eq!(
            next(Funded, Deliver, C, Party::Creator, 0).unwrap(),
            Delivered
        );
        assert_eq!(
            next(Delivered, AskRevision, B, Party::Creator, 0).unwrap(),
            Funded
        );
        assert_eq!(
            next(Delivered, Approve, B, Party::Creator, 1).unwrap(),
            Completed
        );
        assert_eq!(
            next(Delivered, AutoRelease, None, Party::Creator, 1).unwrap(),
            Completed
        );
    }

    #[test]
    fn each_side_does_only_its_part() {
        assert_eq!(
            next(Offered, Accept, B, Party::Brand, 0),
            Err(AppError::Forbidden),
            "own terms"
        );
        assert_eq!(
            next(Accepted, Fund, C, Party::Brand, 0),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            next(Delivered, Approve, C, Party::Brand, 0),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            next(Funded, Deliver, B, Party::Brand, 0),
            Err(AppError::Forbidden)
        );
        assert!(matches!(
            next(Delivered, AutoRelease, B, Party::Brand, 0),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn steps_out_of_turn_are_refused_not_ignored() {
        for (from, step) in [
            (Funded, Cancel),
            (Completed, Approve),
            (Cancelled, Accept),
            (Offered, Fund),
            (Disputed, Approve),
            (Completed, Dispute),
        ] {
            assert!(
                next(from, step, B, Party::Creator, 0).is_err(),
                "{from:?} {step:?}"
            );
        }
        assert!(matches!(
            next(Delivered, AskRevision, B, Party::Creator, MAX_REVISIONS),
            Err(AppError::Conflict(_))
        ));
    }
}
