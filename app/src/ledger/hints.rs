//! The ids of the accounts this process used, to spare a query per movement. Only a hint: the
//! statement that uses an id checks that it still names the same account, and the store looks
//! the accounts up when it does not. A hint can be wrong after a rollback or because the
//! process talks to several databases (tests): that costs a query, never a wrong write.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::types::AccountRef;

static ACCOUNT_IDS: Mutex<Option<HashMap<AccountRef, i64>>> = Mutex::new(None);

/// Past this many remembered accounts the hints start over, so memory stays bounded however
/// many users move money; the busy accounts are remembered again on their next movement.
const MAX_REMEMBERED: usize = 100_000;

fn known() -> MutexGuard<'static, Option<HashMap<AccountRef, i64>>> {
    // A hint: whatever a panicking holder left is still safe to read.
    ACCOUNT_IDS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The ids of all of `accounts`, if every one is known.
pub fn account_ids(accounts: &[AccountRef]) -> Option<HashMap<AccountRef, i64>> {
    let known = known();
    let known = known.as_ref()?;
    accounts
        .iter()
        .map(|a| known.get(a).map(|id| (*a, *id)))
        .collect()
}

pub fn remember_accounts(ids: &HashMap<AccountRef, i64>) {
    let mut known = known();
    let known = known.get_or_insert_with(HashMap::new);
    if known.len() + ids.len() > MAX_REMEMBERED {
        known.clear();
    }
    known.extend(ids.iter().map(|(a, id)| (*a, *id)));
}
