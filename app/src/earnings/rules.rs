//! Earnings rules: which transfers are income, payout limits and the payout state machine.

use super::types::{PayoutState, Source};
use crate::error::{AppError, Problem};
use crate::ledger::types::TransferKind;

/// The smallest payout by default, in cents (`TREMPLIN_PAYOUT_MINIMUM` changes it): banks
/// charge per transfer, so tiny payouts cost more than they bring.
pub const PAYOUT_MINIMUM: i64 = 2_000;

/// The income source a transfer into earnings belongs to; `None` for movements that are not
/// income (payouts and their returns).
pub fn source_of(kind: TransferKind) -> Option<Source> {
    match kind {
        TransferKind::Escrow => Some(Source::Deals),
        TransferKind::Commission | TransferKind::Clawback => Some(Source::Commissions),
        // A seller's share of an order, less what they refunded of it.
        TransferKind::Purchase | TransferKind::Refund => Some(Source::ShopSales),
        TransferKind::Gift => Some(Source::Gifts),
        TransferKind::Donation => Some(Source::Donations),
        TransferKind::StageSlot => Some(Source::StageSlots),
        TransferKind::TopUp
        | TransferKind::ProcessorFee
        | TransferKind::Payout
        | TransferKind::PayoutReturned => None,
    }
}

/// What happens to a payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutStep {
    /// An operator hands it to the payment processor.
    Send,
    /// The processor said no before taking it: it waits again.
    SendRefused,
    /// The processor reports the bank account received it.
    ProcessorPaid,
    /// The processor reports the bank refused it; the money goes back to the earnings.
    ProcessorFailed,
    /// An operator paid it outside the processor (a bank transfer).
    MarkedPaid,
    /// An operator gives up on it; the money goes back to the earnings.
    MarkedFailed,
}

/// The state after `step`, or a conflict naming why it cannot happen now. Once a processor
/// holds a payout only the processor settles it: settling it by hand as well could pay twice.
pub fn next(state: PayoutState, step: PayoutStep) -> Result<PayoutState, AppError> {
    use PayoutState as S;
    use PayoutStep as P;
    match (state, step) {
        (S::Requested, P::Send) => Ok(S::Processing),
        (S::Processing, P::SendRefused) => Ok(S::Requested),
        (S::Processing, P::ProcessorPaid) | (S::Requested, P::MarkedPaid) => Ok(S::Paid),
        (S::Processing, P::ProcessorFailed) | (S::Requested, P::MarkedFailed) => Ok(S::Failed),
        (state, step) => Err(AppError::Conflict(format!(
            "a {} payout cannot be {step:?}",
            state.as_str()
        ))),
    }
}

/// A payout form's one-time key: 16 to 64 letters and digits.
pub fn parse_request_key(s: &str) -> Result<String, AppError> {
    let valid = (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if valid {
        Ok(s.to_owned())
    } else {
        Err(AppError::invalid("key", Problem::Malformed))
    }
}

/// An IBAN in groups of four, as printed on bank details: `FR76 3000 6000 …`.
pub fn iban_groups(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What its owner sees of an IBAN: `FR76 •••• 0189`.
pub fn iban_hint(iban: &str) -> String {
    let country = iban.get(..4).unwrap_or(iban);
    let last = iban.get(iban.len().saturating_sub(4)..).unwrap_or("");
    format!("{country} •••• {last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payouts_move_forward_only() {
        use PayoutState as S;
        use PayoutStep as P;
        assert_eq!(next(S::Requested, P::Send), Ok(S::Processing));
        assert_eq!(next(S::Processing, P::SendRefused), Ok(S::Requested));
        assert_eq!(next(S::Processing, P::ProcessorPaid), Ok(S::Paid));
        assert_eq!(next(S::Processing, P::ProcessorFailed), Ok(S::Failed));
        assert_eq!(next(S::Requested, P::MarkedPaid), Ok(S::Paid));
        assert_eq!(next(S::Requested, P::MarkedFailed), Ok(S::Failed));
        let all = [
            P::Send,
            P::SendRefused,
            P::ProcessorPaid,
            P::ProcessorFailed,
            P::MarkedPaid,
            P::MarkedFailed,
        ];
        for done in [S::Paid, S::Failed] {
            for step in all {
                assert!(next(done, step).is_err(), "{done:?} {step:?}");
            }
        }
        assert!(next(S::Processing, P::Send).is_err(), "sent twice");
        assert!(next(S::Requested, P::SendRefused).is_err());
        // A processor's payout is not settled by hand, nor one it does not hold by its webhook.
        assert!(next(S::Processing, P::MarkedFailed).is_err());
        assert!(next(S::Processing, P::MarkedPaid).is_err());
        assert!(next(S::Requested, P::ProcessorPaid).is_err());
    }

    #[test]
    fn every_income_kind_has_one_source_and_payouts_are_not_income() {
        assert_eq!(source_of(TransferKind::Clawback), Some(Source::Commissions));
        assert_eq!(source_of(TransferKind::Refund), Some(Source::ShopSales));
        assert_eq!(source_of(TransferKind::PayoutReturned), None);
        assert_eq!(source_of(TransferKind::Payout), None);
        for source in Source::ALL {
            assert!(TransferKind::ALL
                .iter()
                .any(|k| source_of(*k) == Some(source)));
        }
    }

    #[test]
    fn ibans_are_hidden_or_grouped() {
        assert_eq!(iban_hint("FR1420041010050500013M02606"), "FR14 •••• 2606");
        assert_eq!(
            iban_groups("FR1420041010050500013M02606"),
            "FR14 2004 1010 0505 0001 3M02 606"
        );
    }
}
