//! The journal: one hash-chained entry per change of a transfer, and its replay, which
//! recomputes every balance from nothing. Pure: the store reads and writes the rows.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::types::{Currency, TransferState};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One journal entry. `moved` goes from the debit to the credit account; `hold_change` is
/// added to the debit account's held amount (positive when a hold is placed, negative when
/// it is posted or voided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub transfer_id: i64,
    pub event: TransferState,
    pub debit_account: i64,
    pub credit_account: i64,
    pub currency: Currency,
    pub moved: i64,
    pub hold_change: i64,
    pub created_at: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// The hash of this entry's content and of the previous entry's hash.
    pub fn compute_hash(&self) -> String {
        let content = format!(
            "v1|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            self.seq,
            self.transfer_id,
            self.event.as_str(),
            self.debit_account,
            self.credit_account,
            self.currency.as_str(),
            self.moved,
            self.hold_change,
            self.created_at,
            self.prev_hash
        );
        hex::encode(Sha256::digest(content.as_bytes()))
    }

    /// Fills `seq`, `prev_hash` and `hash` to follow `prev`.
    pub fn chain(mut self, prev_seq: i64, prev_hash: &str) -> Self {
        self.seq = prev_seq + 1;
        self.prev_hash = prev_hash.to_owned();
        self.hash = self.compute_hash();
        self
    }
}

/// Balances as the journal says they are, and everything wrong found on the way.
#[derive(Debug, Default)]
pub struct Replay {
    /// Account id → (balance, held).
    pub accounts: BTreeMap<i64, (i64, i64)>,
    /// Transfer id → (state, amount moved, amount still held).
    pub transfers: BTreeMap<i64, (TransferState, i64, i64)>,
    pub last_seq: i64,
    pub last_hash: String,
    pub problems: Vec<String>,
}

impl Replay {
    pub fn new() -> Self {
        Self {
            last_hash: GENESIS.to_owned(),
            ..Self::default()
        }
    }

    /// Applies the next entry, noting any break in the chain or an impossible transition.
    pub fn apply(&mut self, e: &Entry) {
        if e.seq != self.last_seq + 1 {
            self.problems.push(format!(
                "entry {}: expected sequence number {} (an entry is missing)",
                e.seq,
                self.last_seq + 1
            ));
        }
        if e.prev_hash != self.last_hash {
            self.problems.push(format!(
                "entry {}: prev_hash does not match the hash of entry {} (the chain is broken)",
                e.seq, self.last_seq
            ));
        }
        if e.compute_hash() != e.hash {
            self.problems.push(format!(
                "entry {}: its content does not match its hash (the entry was altered)",
                e.seq
            ));
        }
        let before = self.transfers.get(&e.transfer_id).copied();
        let valid = match (before, e.event) {
            (None, TransferState::Pending) => e.moved == 0 && e.hold_change > 0,
            (None, TransferState::Posted) => e.moved > 0 && e.hold_change == 0,
            (Some((TransferState::Pending, _, held)), TransferState::Posted) => {
                e.hold_change == -held && e.moved <= held
            }
            (Some((TransferState::Pending, _, held)), TransferState::Voided) => {
                e.hold_change == -held && e.moved == 0
            }
            _ => false,
        };
        if !valid {
            self.problems.push(format!(
                "entry {}: transfer {} cannot go from {} to {} moving {} and changing the hold by {}",
                e.seq,
                e.transfer_id,
                before.map_or("nothing", |b| b.0.as_str()),
                e.event.as_str(),
                e.moved,
                e.hold_change
            ));
        }
        let held_after = before.map_or(0, |b| b.2) + e.hold_change;
        self.transfers
            .insert(e.transfer_id, (e.event, e.moved, held_after));
        let debit = self.accounts.entry(e.debit_account).or_default();
        debit.0 -= e.moved;
        debit.1 += e.hold_change;
        self.accounts.entry(e.credit_account).or_default().0 += e.moved;
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(transfer_id: i64, event: TransferState, moved: i64, hold_change: i64) -> Entry {
        Entry {
            seq: 0,
            transfer_id,
            event,
            debit_account: 1,
            credit_account: 2,
            currency: Currency::Eur,
            moved,
            hold_change,
            created_at: 1_700_000_000,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chained(entries: Vec<Entry>) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for e in entries {
            let (seq, hash) = out
                .last()
                .map_or((0, GENESIS.to_owned()), |p| (p.seq, p.hash.clone()));
            out.push(e.chain(seq, &hash));
        }
        out
    }

    #[test]
    fn a_clean_journal_replays_to_its_balances() {
        let journal = chained(vec![
            entry(1, TransferState::Posted, 1_000, 0),
            entry(2, TransferState::Pending, 0, 300),
            entry(2, TransferState::Posted, 200, -300),
            entry(3, TransferState::Pending, 0, 50),
            entry(3, TransferState::Voided, 0, -50),
        ]);
        let mut replay = Replay::new();
        journal.iter().for_each(|e| replay.apply(e));
        assert_eq!(replay.problems, Vec::<String>::new());
        assert_eq!(replay.accounts[&1], (-1_200, 0));
        assert_eq!(replay.accounts[&2], (1_200, 0));
        assert_eq!(replay.last_seq, 5);
    }

    #[test]
    fn an_altered_or_missing_entry_is_named() {
        let mut journal = chained(vec![
            entry(1, TransferState::Posted, 1_000, 0),
            entry(2, TransferState::Posted, 500, 0),
            entry(3, TransferState::Posted, 10, 0),
        ]);
        journal[1].moved = 5_000;
        let mut replay = Replay::new();
        journal.iter().for_each(|e| replay.apply(e));
        assert_eq!(
            replay.problems,
            vec!["entry 2: its content does not match its hash (the entry was altered)"]
        );

        let mut journal = chained(vec![
            entry(1, TransferState::Posted, 1_000, 0),
            entry(2, TransferState::Posted, 500, 0),
            entry(3, TransferState::Posted, 10, 0),
        ]);
        journal.remove(1);
        let mut replay = Replay::new();
        journal.iter().for_each(|e| replay.apply(e));
        assert_eq!(replay.problems.len(), 2, "{:?}", replay.problems);
        assert!(replay.problems[0].contains("entry 3: expected sequence number 2"));
    }

    #[test]
    fn impossible_transitions_are_named() {
        let journal = chained(vec![
            entry(1, TransferState::Posted, 100, 0),
            entry(1, TransferState::Voided, 0, 0),
        ]);
        let mut replay = Replay::new();
        journal.iter().for_each(|e| replay.apply(e));
        assert_eq!(replay.problems.len(), 1);
        assert!(replay.problems[0].contains("cannot go from posted to voided"));
    }
}
