//! Pure ledger decisions: which amounts are acceptable, and how a transfer's state may change.

use super::types::{Currency, LedgerError, Money, NewTransfer, TransferState};
use crate::error::Problem;

/// The largest amount one transfer may carry: ten million in major units. Far above any real
/// payment on Tremplin, far below where sums of amounts could overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// Reads an amount typed by a person in major units: `15`, `15.5`, `15,50`, `1 000`, `€20`.
/// The result lies within `min..=max` (in minor units).
pub fn parse_amount(s: &str, currency: Currency, min: i64, max: i64) -> Result<Money, Problem> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '\u{202f}'))
        .collect();
    let (whole, fraction) = cleaned.split_once(['.', ',']).unwrap_or((&cleaned, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return Err(Problem::InvalidAmount);
    }
    let per_major = currency.minor_per_major();
    let cents: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| Problem::InvalidAmount)?;
    let minor = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(per_major))
        .and_then(|w| w.checked_add(cents))
        .ok_or(Problem::AmountTooLarge { max_minor: max })?;
    if minor < min {
        Err(Problem::AmountTooSmall { min_minor: min })
    } else if minor > max {
        Err(Problem::AmountTooLarge { max_minor: max })
    } else {
        Ok(Money::new(minor, currency))
    }
}

/// Checks what a transfer request says before anything touches the database.
pub fn check_new(t: &NewTransfer) -> Result<(), LedgerError> {
    if t.amount.minor <= 0 || t.amount.minor > MAX_AMOUNT {
        return Err(LedgerError::InvalidAmount { max: MAX_AMOUNT });
    }
    if t.debit.currency != t.amount.currency || t.credit.currency != t.amount.currency {
        return Err(LedgerError::CurrencyMismatch);
    }
    if t.debit == t.credit {
        return Err(LedgerError::SameAccount);
    }
    for account in [t.debit, t.credit] {
        if account.kind.is_personal() != account.user_id.is_some() {
            return Err(LedgerError::BadOwner);
        }
    }
    Ok(())
}

/// How a pending transfer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Move `amount` (at most what was held); the rest of the hold is released.
    Post { amount: i64 },
    /// Release the whole hold.
    Void,
}

/// The state a transfer in `state`, holding `held`, reaches by `resolution`.
pub fn resolve(
    id: i64,
    state: TransferState,
    held: i64,
    resolution: Resolution,
) -> Result<TransferState, LedgerError> {
    if state != TransferState::Pending {
        return Err(LedgerError::NotPending { id, state });
    }
    match resolution {
        Resolution::Post { amount } if amount < 0 || amount > held => {
            Err(LedgerError::PostExceedsHold {
                requested: amount,
                held,
            })
        }
        Resolution::Post { .. } => Ok(TransferState::Posted),
        Resolution::Void => Ok(TransferState::Voided),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::types::{AccountKind, AccountRef, Currency, Money, TransferKind};

    fn transfer(amount: i64) -> NewTransfer {
        NewTransfer {
            key: "k".into(),
            debit: AccountRef::wallet(1, Currency::Eur),
            credit: AccountRef::earnings(2, Currency::Eur),
            amount: Money::eur(amount),
            kind: TransferKind::Gift,
            cause: "test".into(),
            hold: None,
        }
    }

    #[test]
    fn typed_amounts_are_read_in_either_notation() {
        let parse = |s: &str| parse_amount(s, Currency::Eur, 100, 100_000).map(|m| m.minor);
        for (input, minor) in [
            ("15", 1_500),
            ("15.5", 1_550),
            ("15,50", 1_550),
            (" 1 000 ", 100_000),
            ("€20", 2_000),
            ("20 €", 2_000),
            ("1", 100),
        ] {
            assert_eq!(parse(input), Ok(minor), "{input:?}");
        }
        for input in ["", "abc", "-5", "1.234", "1e3", ".5", "1,2,3"] {
            assert_eq!(parse(input), Err(Problem::InvalidAmount), "{input:?}");
        }
        assert_eq!(parse("0"), Err(Problem::AmountTooSmall { min_minor: 100 }));
        assert_eq!(
            parse("0,99"),
            Err(Problem::AmountTooSmall { min_minor: 100 })
        );
        assert_eq!(
            parse("1000.01"),
            Err(Problem::AmountTooLarge { max_minor: 100_000 })
        );
        assert_eq!(
            parse("99999999999999999999"),
            Err(Problem::AmountTooLarge { max_minor: 100_000 })
        );
    }

    #[test]
    fn amounts_are_positive_and_bounded() {
        assert_eq!(check_new(&transfer(1)), Ok(()));
        assert_eq!(check_new(&transfer(MAX_AMOUNT)), Ok(()));
        for bad in [0, -1, MAX_AMOUNT + 1, i64::MIN] {
            assert_eq!(
                check_new(&transfer(bad)),
                Err(LedgerError::InvalidAmount { max: MAX_AMOUNT })
            );
        }
    }

    #[test]
    fn accounts_must_differ_and_have_the_right_owner() {
        let mut t = transfer(5);
        t.credit = t.debit;
        assert_eq!(check_new(&t), Err(LedgerError::SameAccount));
        let mut t = transfer(5);
        t.credit = AccountRef {
            kind: AccountKind::Escrow,
            user_id: Some(3),
            currency: Currency::Eur,
        };
        assert_eq!(check_new(&t), Err(LedgerError::BadOwner));
    }

    #[test]
    fn only_pending_transfers_resolve_and_never_above_the_hold() {
        use TransferState::*;
        assert_eq!(
            resolve(1, Pending, 500, Resolution::Post { amount: 500 }),
            Ok(Posted)
        );
        assert_eq!(
            resolve(1, Pending, 500, Resolution::Post { amount: 0 }),
            Ok(Posted)
        );
        assert_eq!(resolve(1, Pending, 500, Resolution::Void), Ok(Voided));
        assert_eq!(
            resolve(1, Pending, 500, Resolution::Post { amount: 501 }),
            Err(LedgerError::PostExceedsHold {
                requested: 501,
                held: 500
            })
        );
        for state in [Posted, Voided] {
            assert_eq!(
                resolve(7, state, 500, Resolution::Void),
                Err(LedgerError::NotPending { id: 7, state })
            );
        }
    }
}
