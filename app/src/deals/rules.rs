//! The deal state machine, pure: who may take which step from which state.

use super::types::{DealState, DealStep, Party};
use crate::error::AppError;

/// How many revisions a brand may ask for on one deal.
pub const MAX_REVISIONS: u32 = 2;
/// How long a brand has, unless the deployment says otherwise (`TREMPLIN_DEAL_REVIEW_HOURS`), to
/// approve a delivery before the escrow is released on its own.
pub const REVIEW_WINDOW_SECS: i64 = 72 * 3600;

/// Messages and steps one person may post in deal threads per ten minutes: plenty for a real
/// conversation, too few to flood the other side's inbox and mailbox.
#[cfg(feature = "ssr")]
pub const WRITES_PER_USER: crate::accounts::rules::RateLimit = crate::accounts::rules::RateLimit {
    limit: 60,
    window_secs: 10 * 60,
};

/// Deals one person may open (offers made, campaign applications sent) per hour: each mails
/// the other side, so an unlimited number would let anyone flood an inbox.
#[cfg(feature = "ssr")]
pub const OPENINGS_PER_USER: crate::accounts::rules::RateLimit =
    crate::accounts::rules::RateLimit {
        limit: 20,
        window_secs: 60 * 60,
    };

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

/// A line of a deal thread, as responsiveness reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub deal: i64,
    /// Written by the person whose answers are measured.
    pub mine: bool,
    pub at: i64,
}

/// How long, in seconds, a person took to answer each time the other side wrote to them: from
/// the first message they had not answered to their next one. `thread` is in order within each
/// deal; what is not answered yet does not count.
pub fn answer_delays(thread: &[Line]) -> Vec<i64> {
    let mut delays = Vec::new();
    let mut waiting: Option<(i64, i64)> = None;
    for line in thread {
        if waiting.is_some_and(|(deal, _)| deal != line.deal) {
            waiting = None;
        }
        match (line.mine, waiting) {
            (false, None) => waiting = Some((line.deal, line.at)),
            (true, Some((_, since))) => {
                delays.push((line.at - since).max(0));
                waiting = None;
            }
            _ => {}
        }
    }
    delays
}

/// The middle value (the lower of the two middles for an even count); `None` for none.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

/// The largest file a creator may deliver, and how many files one deal may hold.
pub const FILE_MAX_MIB: u32 = 25;
pub const FILES_PER_DEAL: i64 = 20;
/// What one creator may keep in delivery files over all their deals: 2 GiB.
pub const FILE_BYTES_PER_USER: i64 = 2 * 1024 * 1024 * 1024;
/// Delivery files one person may upload per hour.
#[cfg(feature = "ssr")]
pub const FILE_UPLOADS_PER_USER: crate::accounts::rules::RateLimit =
    crate::accounts::rules::RateLimit {
        limit: 60,
        window_secs: 60 * 60,
    };

/// A delivered file's name as shown and sent back: its last path component, without control
/// characters, at most 120 characters; `file` when nothing is left.
pub fn file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    match clean.trim().trim_start_matches('.') {
        "" => "file".to_owned(),
        name => name.to_owned(),
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

    fn line(deal: i64, mine: bool, at: i64) -> Line {
        Line { deal, mine, at }
    }

    #[test]
    fn an_answer_is_timed_from_the_first_message_it_answers() {
        let thread = [
            line(1, false, 100),
            line(1, false, 150),
            line(1, true, 400),
            line(1, true, 500),
            line(1, false, 600),
            line(1, true, 660),
        ];
        assert_eq!(answer_delays(&thread), vec![300, 60]);
    }

    #[test]
    fn what_is_unanswered_in_one_deal_is_not_answered_in_another() {
        let thread = [line(1, false, 100), line(2, true, 200), line(2, false, 300)];
        assert_eq!(answer_delays(&thread), Vec::<i64>::new());
    }

    #[test]
    fn median_takes_the_middle() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![9, 1, 5, 7]), Some(5));
    }

    #[test]
    fn file_names_keep_only_what_is_safe_to_show_and_send_back() {
        assert_eq!(file_name("final cut.mp4"), "final cut.mp4");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(file_name("a\"b\r\nc.png"), "abc.png");
        assert_eq!(file_name(".."), "file");
        assert_eq!(file_name(""), "file");
        assert_eq!(file_name(&"x".repeat(300)).len(), 120);
    }
}
