//! Pure ledger decisions: which amounts are acceptable, and how a transfer's state may change.

use super::types::{LedgerError, NewTransfer, TransferState};

/// The largest amount one transfer may carry: ten million in major units. Far above any real
/// payment on Tremplin, far below where sums of amounts could overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000;

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
