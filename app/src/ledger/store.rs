//! The ledger's SQL. [`transfer`], [`post`] and [`void`] are the only ways anything moves
//! money: each takes the caller's transaction, so "mark the order paid" and "move the money"
//! commit together or not at all.
//!
//! Every movement updates the account balances in that same transaction, and the database
//! writes its journal entries into the inbox as the transfer rows change (triggers), so no
//! movement can skip the journal. [`seal`], run every second by a worker and before `verify`
//! and `export`, moves them into the hash-chained journal: movements never wait for each
//! other on the journal, only on the accounts they share, and only from the balance update to
//! their commit.

use std::collections::{BTreeMap, HashMap};

use sqlx::{Acquire, Any, AnyConnection, FromRow, Transaction};

use super::hints;
use super::journal::{Entry, Replay};
use super::rules::{self, Resolution};
use super::types::*;

use crate::ssr::Db;

fn db_err(e: sqlx::Error) -> LedgerError {
    LedgerError::Database(e.to_string())
}

/// Finds one account by owner: bind its kind, its user id or 0, and its currency.
const ONE_ACCOUNT: &str = "kind = $1 AND COALESCE(user_id, 0) = $2 AND currency = $3";

/// Creates `account`, or finds it if a concurrent transaction just did; returns its id.
async fn create_account(conn: &mut AnyConnection, account: AccountRef) -> Result<i64, LedgerError> {
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO ledger_accounts (kind, user_id, currency, may_go_negative)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(account.kind.as_str())
    .bind(account.user_id)
    .bind(account.currency.as_str())
    .bind(i64::from(account.kind.may_go_negative()))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    match created {
        Some(id) => Ok(id),
        None => sqlx::query_scalar(&format!(
            "SELECT id FROM ledger_accounts WHERE {ONE_ACCOUNT}"
        ))
        .bind(account.kind.as_str())
        .bind(account.user_id.unwrap_or(0))
        .bind(account.currency.as_str())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err),
    }
}

/// The ids of every account named in `batch`, found in one query, created when missing.
async fn account_ids(
    conn: &mut AnyConnection,
    batch: &[NewTransfer],
) -> Result<HashMap<AccountRef, i64>, LedgerError> {
    let mut wanted: Vec<AccountRef> = batch.iter().flat_map(|t| [t.debit, t.credit]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let condition = (0..wanted.len())
        .map(|i| {
            let p = i * 3;
            format!(
                "(kind = ${} AND COALESCE(user_id, 0) = ${} AND currency = ${})",
                p + 1,
                p + 2,
                p + 3
            )
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    let sql = format!("SELECT id, kind, user_id, currency FROM ledger_accounts WHERE {condition}");
    let mut query = sqlx::query_as::<_, (i64, String, Option<i64>, String)>(&sql);
    for a in &wanted {
        query = query
            .bind(a.kind.as_str())
            .bind(a.user_id.unwrap_or(0))
            .bind(a.currency.as_str());
    }
    let mut ids = HashMap::new();
    for (id, kind, user_id, currency) in query.fetch_all(&mut *conn).await.map_err(db_err)? {
        if let (Some(kind), Some(currency)) =
            (AccountKind::parse(&kind), Currency::parse(&currency))
        {
            ids.insert(
                AccountRef {
                    kind,
                    user_id,
                    currency,
                },
                id,
            );
        }
    }
    for a in wanted {
        if let std::collections::hash_map::Entry::Vacant(slot) = ids.entry(a) {
            slot.insert(create_account(conn, a).await?);
        }
    }
    hints::remember_accounts(&ids);
    Ok(ids)
}

const TRANSFER_COLUMNS: &str = "id, idempotency_key, debit_account, credit_account, amount, \
     currency, kind, cause, state, posted_amount, expires_at, created_at, resolved_at";

#[derive(FromRow)]
struct TransferRow {
    id: i64,
    idempotency_key: String,
    debit_account: i64,
    credit_account: i64,
    amount: i64,
    currency: String,
    kind: String,
    cause: String,
    state: String,
    posted_amount: Option<i64>,
    expires_at: Option<i64>,
    created_at: i64,
    resolved_at: Option<i64>,
}

impl TransferRow {
    fn into_transfer(self) -> Result<(Transfer, bool), LedgerError> {
        let id = self.id;
        let bad = |what: &str| LedgerError::Database(format!("unknown {what} in transfer {id}"));
        let state = TransferState::parse(&self.state).ok_or_else(|| bad("state"))?;
        // A hold that ended has a resolution time; a transfer posted at once has none.
        let was_hold = state == TransferState::Pending || self.resolved_at.is_some();
        let transfer = Transfer {
            id: self.id,
            amount: Money::new(
                self.amount,
                Currency::parse(&self.currency).ok_or_else(|| bad("currency"))?,
            ),
            kind: TransferKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            key: self.idempotency_key,
            debit_account: self.debit_account,
            credit_account: self.credit_account,
            cause: self.cause,
            state,
            posted_amount: self.posted_amount,
            expires_at: self.expires_at,
            created_at: self.created_at,
        };
        Ok((transfer, was_hold))
    }
}

async fn load(conn: &mut AnyConnection, id: i64) -> Result<(Transfer, bool), LedgerError> {
    sqlx::query_as::<_, TransferRow>(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(LedgerError::UnknownTransfer { id })?
    .into_transfer()
}

/// Records `batch` (linked transfers: all happen or none does) and returns them as stored.
///
/// A transfer whose key was already used with the same content is not applied again: the
/// first result is returned. The same key with other content is [`LedgerError::KeyReused`].
/// On any error nothing of the batch remains, even if the caller goes on with the transaction.
pub async fn transfer(
    tx: &mut Transaction<'_, Any>,
    batch: &[NewTransfer],
    now: i64,
) -> Result<Vec<Transfer>, LedgerError> {
    for t in batch {
        rules::check_new(t)?;
    }
    if let [single] = batch {
        // One transfer needs no savepoint (two statements fewer on the hottest path): a
        // refusal after its row was written is undone on the spot.
        return record_single(tx, single, now).await.map(|t| vec![t]);
    }
    let mut savepoint = tx.begin().await.map_err(db_err)?;
    let done = record(&mut savepoint, batch, now).await?;
    savepoint.commit().await.map_err(db_err)?;
    Ok(done)
}

async fn record_single(
    conn: &mut AnyConnection,
    t: &NewTransfer,
    now: i64,
) -> Result<Transfer, LedgerError> {
    match record(conn, std::slice::from_ref(t), now).await {
        Ok(mut done) => done
            .pop()
            .ok_or_else(|| LedgerError::Database("the transfer was not recorded".into())),
        Err(refused @ LedgerError::InsufficientFunds { .. }) => {
            // `apply` undid its balance changes; the transfer's row goes too.
            sqlx::query("DELETE FROM ledger_transfers WHERE idempotency_key = $1")
                .bind(&t.key)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            Err(refused)
        }
        Err(e) => Err(e),
    }
}

async fn record(
    conn: &mut AnyConnection,
    batch: &[NewTransfer],
    now: i64,
) -> Result<Vec<Transfer>, LedgerError> {
    let mut done = Vec::with_capacity(batch.len());
    let mut changes = Changes::default();
    let accounts: Vec<AccountRef> = batch.iter().flat_map(|t| [t.debit, t.credit]).collect();
    let (mut ids, mut looked_up) = match hints::account_ids(&accounts) {
        Some(ids) => (ids, false),
        None => (account_ids(conn, batch).await?, true),
    };
    for t in batch {
        let mut inserted = insert(conn, t, &ids, now).await?;
        if inserted.is_none() && !looked_up {
            // A wrong hint or an idempotent retry: look the accounts up and try again.
            ids = account_ids(conn, batch).await?;
            looked_up = true;
            inserted = insert(conn, t, &ids, now).await?;
        }
        let (debit, credit) = (ids[&t.debit], ids[&t.credit]);
        let Some(row) = inserted else {
            done.push(replayed(conn, t, debit, credit).await?);
            continue;
        };
        let (stored, _) = row.into_transfer()?;
        match t.hold {
            Some(_) => changes.add(&stored, 0, t.amount.minor),
            None => changes.add(&stored, t.amount.minor, 0),
        }
        done.push(stored);
    }
    changes.apply(conn).await?;
    Ok(done)
}

/// Inserts `t` between the accounts `ids` gives, if those ids still name those accounts
/// (they may come from a hint) and its key is new; `None` if not. The database adds its
/// journal entry.
async fn insert(
    conn: &mut AnyConnection,
    t: &NewTransfer,
    ids: &HashMap<AccountRef, i64>,
    now: i64,
) -> Result<Option<TransferRow>, LedgerError> {
    let state = match t.hold {
        Some(_) => TransferState::Pending,
        None => TransferState::Posted,
    };
    sqlx::query_as(&format!(
        "INSERT INTO ledger_transfers (idempotency_key, debit_account, credit_account, amount,
           currency, kind, cause, state, posted_amount, expires_at, created_at)
         SELECT $1, d.id, c.id, $4, $5, $6, $7, $8, $9, $10, $11
         FROM ledger_accounts d, ledger_accounts c
         WHERE d.id = $2 AND d.kind = $12 AND COALESCE(d.user_id, 0) = $13 AND d.currency = $14
           AND c.id = $3 AND c.kind = $15 AND COALESCE(c.user_id, 0) = $16 AND c.currency = $17
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING {TRANSFER_COLUMNS}"
    ))
    .bind(&t.key)
    .bind(ids[&t.debit])
    .bind(ids[&t.credit])
    .bind(t.amount.minor)
    .bind(t.amount.currency.as_str())
    .bind(t.kind.as_str())
    .bind(&t.cause)
    .bind(state.as_str())
    .bind(t.hold.is_none().then_some(t.amount.minor))
    .bind(t.hold.and_then(|h| h.expires_at))
    .bind(now)
    .bind(t.debit.kind.as_str())
    .bind(t.debit.user_id.unwrap_or(0))
    .bind(t.debit.currency.as_str())
    .bind(t.credit.kind.as_str())
    .bind(t.credit.user_id.unwrap_or(0))
    .bind(t.credit.currency.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)
}

/// The earlier transfer recorded under `t.key`, if it was the same request.
async fn replayed(
    conn: &mut AnyConnection,
    t: &NewTransfer,
    debit: i64,
    credit: i64,
) -> Result<Transfer, LedgerError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM ledger_transfers WHERE idempotency_key = $1")
        .bind(&t.key)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    let (first, was_hold) = load(conn, id).await?;
    let same = first.debit_account == debit
        && first.credit_account == credit
        && first.amount == t.amount
        && first.kind == t.kind
        && first.cause == t.cause
        && was_hold == t.hold.is_some()
        && first.expires_at == t.hold.and_then(|h| h.expires_at);
    if same {
        Ok(first)
    } else {
        Err(LedgerError::KeyReused { key: t.key.clone() })
    }
}

/// Posts a pending transfer: moves `amount` (all of it when `None`) and releases the hold.
/// Posting again with the same amount returns the transfer unchanged.
pub async fn post(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    amount: Option<i64>,
    now: i64,
) -> Result<Transfer, LedgerError> {
    resolve(
        tx,
        id,
        |held| Resolution::Post {
            amount: amount.unwrap_or(held),
        },
        now,
    )
    .await
}

/// Voids a pending transfer: releases the hold, moves nothing. Voiding again is a no-op.
pub async fn void(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    now: i64,
) -> Result<Transfer, LedgerError> {
    resolve(tx, id, |_| Resolution::Void, now).await
}

async fn resolve(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    resolution: impl Fn(i64) -> Resolution,
    now: i64,
) -> Result<Transfer, LedgerError> {
    let mut savepoint = tx.begin().await.map_err(db_err)?;
    let conn: &mut AnyConnection = &mut savepoint;
    let (current, _) = load(conn, id).await?;
    let held = current.amount.minor;
    let wanted = resolution(held);
    if already_done(&current, wanted) {
        return Ok(current);
    }
    let target = rules::resolve(id, current.state, held, wanted)?;
    let moved = match wanted {
        Resolution::Post { amount } => amount,
        Resolution::Void => 0,
    };
    // Guarded: of two concurrent resolutions, one finds the transfer no longer pending.
    let updated = sqlx::query(
        "UPDATE ledger_transfers SET state = $1, posted_amount = $2, resolved_at = $3
         WHERE id = $4 AND state = 'pending'",
    )
    .bind(target.as_str())
    .bind((target == TransferState::Posted).then_some(moved))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    if updated.rows_affected() == 0 {
        let (now_current, _) = load(conn, id).await?;
        return if already_done(&now_current, wanted) {
            Ok(now_current)
        } else {
            Err(LedgerError::NotPending {
                id,
                state: now_current.state,
            })
        };
    }
    let mut changes = Changes::default();
    changes.add(&current, moved, -held);
    changes.apply(conn).await?;
    savepoint.commit().await.map_err(db_err)?;
    Ok(Transfer {
        state: target,
        posted_amount: (target == TransferState::Posted).then_some(moved),
        ..current
    })
}

/// Whether `t` already ended the way `wanted` asks (a retried post or void).
fn already_done(t: &Transfer, wanted: Resolution) -> bool {
    match wanted {
        Resolution::Post { amount } => {
            t.state == TransferState::Posted && t.posted_amount == Some(amount)
        }
        Resolution::Void => t.state == TransferState::Voided,
    }
}

/// The balance changes of one movement: account id → (balance change, held change).
#[derive(Default)]
struct Changes(BTreeMap<i64, (i64, i64)>);

impl Changes {
    /// `moved` goes from the transfer's debit account to its credit account; `hold_change`
    /// is added to what the debit account holds.
    fn add(&mut self, t: &Transfer, moved: i64, hold_change: i64) {
        let debit = self.0.entry(t.debit_account).or_default();
        debit.0 -= moved;
        debit.1 += hold_change;
        self.0.entry(t.credit_account).or_default().0 += moved;
    }

    async fn apply(self, conn: &mut AnyConnection) -> Result<(), LedgerError> {
        let changes: Vec<(i64, i64, i64)> = self
            .0
            .into_iter()
            .map(|(account, (balance, held))| (account, balance, held))
            .collect();
        let shifted = shift(conn, &changes).await?;
        if shifted.len() == changes.len() {
            return Ok(());
        }
        // Undo what this movement changed, so a caller without a savepoint is left as before.
        // Going back to a state that passed the guard passes it again.
        let undo: Vec<_> = changes
            .iter()
            .filter(|(account, ..)| shifted.contains(account))
            .map(|&(account, balance, held)| (account, -balance, -held))
            .collect();
        shift(conn, &undo).await?;
        let refused = changes
            .iter()
            .map(|&(account, ..)| account)
            .find(|account| !shifted.contains(account))
            .unwrap_or_default();
        Err(LedgerError::InsufficientFunds { account: refused })
    }
}

/// Adds each `(account, balance, held)` change in one statement, except to an account it would
/// leave unable to cover its holds; returns the accounts changed. The guard is the code's
/// check; the table's CHECK is the last line behind it.
///
/// On PostgreSQL all the accounts are locked first, in id order (the uncorrelated count runs
/// once, before any row is updated), so concurrent movements wait for each other instead of
/// deadlocking. The lock is the one an UPDATE takes: FOR UPDATE would also wait for transfers
/// that merely reference the account. SQLite's write transactions hold the whole database.
async fn shift(
    conn: &mut AnyConnection,
    changes: &[(i64, i64, i64)],
) -> Result<Vec<i64>, LedgerError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    // Change i binds $3i+1 (the account), $3i+2 (the balance change), $3i+3 (the held one).
    let case = |column: usize| {
        let arms: String = (0..changes.len())
            .map(|i| format!(" WHEN ${} THEN ${}", 3 * i + 1, 3 * i + 1 + column))
            .collect();
        format!("CASE id{arms} END")
    };
    let (balance, held) = (case(1), case(2));
    let ids = (0..changes.len())
        .map(|i| format!("${}", 3 * i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR NO KEY UPDATE"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE ledger_accounts SET balance = balance + {balance}, held = held + {held}
         WHERE id IN ({ids})
           AND (SELECT COUNT(*) FROM (SELECT id FROM ledger_accounts WHERE id IN ({ids})
                                      ORDER BY id{lock}) AS locked) > 0
           AND (may_go_negative = 1 OR balance + {balance} - held - {held} >= 0)
         RETURNING id"
    );
    let mut query = sqlx::query_scalar(&sql);
    for &(account, balance, held) in changes {
        query = query.bind(account).bind(balance).bind(held);
    }
    query.fetch_all(&mut *conn).await.map_err(db_err)
}

const SEAL_BATCH: i64 = 1_000;

/// Moves the entries waiting in the inbox into the journal, in the order they were written,
/// each chained to the one before; returns how many. Safe on several instances at once: the
/// journal head orders sealers.
pub async fn seal(db: &Db) -> Result<u64, LedgerError> {
    let mut sealed = 0;
    loop {
        let mut tx = db.begin_write().await.map_err(db_err)?;
        let head: (i64, String) =
            sqlx::query_as("UPDATE ledger_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        // Taken out in one statement: exactly what was deleted gets sealed. On PostgreSQL an
        // entry committed late with a smaller id is sealed by a later round.
        // The inbox id stands in for the sequence number until the entry is chained.
        let mut waiting: Vec<JournalRow> = sqlx::query_as(
            "DELETE FROM ledger_inbox
             WHERE id IN (SELECT id FROM ledger_inbox ORDER BY id LIMIT $1)
             RETURNING id AS seq, transfer_id, event, debit_account, credit_account, currency,
                       moved, hold_change, created_at, '' AS prev_hash, '' AS hash",
        )
        .bind(SEAL_BATCH)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        if waiting.is_empty() {
            tx.commit().await.map_err(db_err)?;
            return Ok(sealed);
        }
        waiting.sort_unstable_by_key(|row| row.seq);
        let count = waiting.len() as u64;
        let (mut seq, mut hash) = head;
        let mut entries = Vec::with_capacity(waiting.len());
        for row in waiting {
            let entry = row
                .into_entry()
                .map_err(|e| LedgerError::Database(format!("in the inbox, {e}")))?
                .chain(seq, &hash);
            seq = entry.seq;
            hash.clone_from(&entry.hash);
            entries.push(entry);
        }
        append(&mut tx, &entries).await?;
        tx.commit().await.map_err(db_err)?;
        sealed += count;
    }
}

/// Appends chained entries after the head and moves the head to the last one. A few entries
/// per statement: SQLite's driver binds parameters in time that grows with their square.
async fn append(conn: &mut AnyConnection, entries: &[Entry]) -> Result<(), LedgerError> {
    const PER_STATEMENT: usize = 20;
    let Some(last) = entries.last() else {
        return Ok(());
    };
    for chunk in entries.chunks(PER_STATEMENT) {
        let rows = (0..chunk.len())
            .map(|i| {
                let params: Vec<String> = (i * 11 + 1..=i * 11 + 11)
                    .map(|n| format!("${n}"))
                    .collect();
                format!("({})", params.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO ledger_journal (seq, transfer_id, event, debit_account, credit_account,
               currency, moved, hold_change, created_at, prev_hash, hash) VALUES {rows}"
        );
        let mut insert = sqlx::query(&sql);
        for e in chunk {
            insert = insert
                .bind(e.seq)
                .bind(e.transfer_id)
                .bind(e.event.as_str())
                .bind(e.debit_account)
                .bind(e.credit_account)
                .bind(e.currency.as_str())
                .bind(e.moved)
                .bind(e.hold_change)
                .bind(e.created_at)
                .bind(e.prev_hash.as_str())
                .bind(e.hash.as_str());
        }
        insert.execute(&mut *conn).await.map_err(db_err)?;
    }
    sqlx::query("UPDATE ledger_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(last.seq)
        .bind(last.hash.as_str())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The balances of `account` (zero if it was never used).
pub async fn balance(db: &Db, account: AccountRef) -> Result<Balance, LedgerError> {
    let row: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT balance, held FROM ledger_accounts WHERE {ONE_ACCOUNT}"
    ))
    .bind(account.kind.as_str())
    .bind(account.user_id.unwrap_or(0))
    .bind(account.currency.as_str())
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)?;
    let (posted, held) = row.unwrap_or_default();
    Ok(Balance {
        posted,
        held,
        currency: account.currency,
    })
}

#[derive(FromRow)]
struct MovementRow {
    created_at: i64,
    kind: String,
    moved: i64,
    currency: String,
    state: String,
    incoming: i64,
    cause: String,
    resolved_at: Option<i64>,
}

/// Keeps the transfers of the account bound as $1-$3 that match the filter bound as $4-$6.
const ACCOUNT_TRANSFERS: &str = "FROM ledger_accounts a
     JOIN ledger_transfers t ON t.debit_account = a.id OR t.credit_account = a.id
     WHERE a.kind = $1 AND COALESCE(a.user_id, 0) = $2 AND a.currency = $3
       AND ($4 = '' OR t.kind = $4) AND t.created_at >= $5 AND t.created_at < $6";

/// The arguments of [`ACCOUNT_TRANSFERS`].
fn account_transfer_args(
    account: AccountRef,
    filter: MovementFilter,
) -> Result<sqlx::any::AnyArguments<'static>, LedgerError> {
    use sqlx::Arguments;
    let mut args = sqlx::any::AnyArguments::default();
    let bound = args
        .add(account.kind.as_str())
        .and_then(|()| args.add(account.user_id.unwrap_or(0)))
        .and_then(|()| args.add(account.currency.as_str()))
        .and_then(|()| args.add(filter.kind.map_or("", TransferKind::as_str)))
        .and_then(|()| args.add(filter.from.unwrap_or(i64::MIN)))
        .and_then(|()| args.add(filter.until.unwrap_or(i64::MAX)));
    bound.map_err(|e| LedgerError::Database(e.to_string()))?;
    Ok(args)
}

/// The latest `limit` transfers in or out of `account` that match `filter`, newest first.
pub async fn movements(
    db: &Db,
    account: AccountRef,
    filter: MovementFilter,
    limit: i64,
) -> Result<Vec<Movement>, LedgerError> {
    let rows: Vec<MovementRow> = sqlx::query_as_with(
        &format!(
            "SELECT t.created_at, t.kind, COALESCE(t.posted_amount, t.amount) AS moved, t.currency,
                t.state, CAST(CASE WHEN t.credit_account = a.id THEN 1 ELSE 0 END AS BIGINT)
                  AS incoming, t.cause, t.resolved_at
         {ACCOUNT_TRANSFERS} ORDER BY t.id DESC LIMIT {limit}"
        ),
        account_transfer_args(account, filter)?,
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|r| {
            let unknown = || LedgerError::Database(format!("unknown value in {}", r.cause));
            let currency = Currency::parse(&r.currency).ok_or_else(unknown)?;
            Ok(Movement {
                at: r.created_at,
                kind: TransferKind::parse(&r.kind).ok_or_else(unknown)?,
                amount: Money::new(if r.incoming == 1 { r.moved } else { -r.moved }, currency),
                state: TransferState::parse(&r.state).ok_or_else(unknown)?,
                cause: r.cause,
                resolved_at: r.resolved_at,
            })
        })
        .collect()
}

/// What posted transfers of each kind added to `account` (net of what they took out) within
/// `filter`'s period, and how many there were.
pub async fn totals_by_kind(
    db: &Db,
    account: AccountRef,
    filter: MovementFilter,
) -> Result<Vec<(TransferKind, i64, i64)>, LedgerError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as_with(
        &format!(
            "SELECT t.kind,
                CAST(SUM(CASE WHEN t.credit_account = a.id THEN t.posted_amount
                              ELSE -t.posted_amount END) AS BIGINT),
                CAST(COUNT(*) AS BIGINT)
         {ACCOUNT_TRANSFERS} AND t.state = 'posted' GROUP BY t.kind"
        ),
        account_transfer_args(account, filter)?,
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(kind, net, count)| {
            let kind = TransferKind::parse(&kind)
                .ok_or_else(|| LedgerError::Database(format!("unknown transfer kind {kind}")))?;
            Ok((kind, net, count))
        })
        .collect()
}

/// The net posted amount in or out of `account` per cause matching `cause` (an SQL `LIKE`
/// pattern: `event:%` for every event, `event:7` for one) and per kind, over `filter`'s period:
/// (cause, kind, net).
pub async fn totals_by_cause(
    db: &Db,
    account: AccountRef,
    filter: MovementFilter,
    cause: &str,
) -> Result<Vec<(String, TransferKind, i64)>, LedgerError> {
    use sqlx::Arguments;
    let mut args = account_transfer_args(account, filter)?;
    args.add(cause.to_owned())
        .map_err(|e| LedgerError::Database(e.to_string()))?;
    let rows: Vec<(String, String, i64)> = sqlx::query_as_with(
        &format!(
            "SELECT t.cause, t.kind,
                CAST(SUM(CASE WHEN t.credit_account = a.id THEN t.posted_amount
                              ELSE -t.posted_amount END) AS BIGINT)
         {ACCOUNT_TRANSFERS} AND t.state = 'posted' AND t.cause LIKE $7
         GROUP BY t.cause, t.kind ORDER BY t.cause"
        ),
        args,
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(cause, kind, net)| {
            let kind = TransferKind::parse(&kind)
                .ok_or_else(|| LedgerError::Database(format!("unknown transfer kind {kind}")))?;
            Ok((cause, kind, net))
        })
        .collect()
}

/// Voids holds whose time ran out; returns how many. Safe on several instances at once.
pub async fn expire_holds(db: &Db, now: i64) -> Result<u64, LedgerError> {
    let mut expired = 0;
    loop {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM ledger_transfers
             WHERE state = 'pending' AND expires_at <= $1 ORDER BY id LIMIT 100",
        )
        .bind(now)
        .fetch_all(&db.pool)
        .await
        .map_err(db_err)?;
        for &id in &ids {
            let mut tx = db.begin_write().await.map_err(db_err)?;
            match void(&mut tx, id, now).await {
                Ok(_) => {
                    tx.commit().await.map_err(db_err)?;
                    expired += 1;
                }
                // Resolved meanwhile by its owner or another instance.
                Err(LedgerError::NotPending { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        if ids.len() < 100 {
            return Ok(expired);
        }
    }
}

#[derive(FromRow)]
struct AccountRow {
    id: i64,
    kind: String,
    user_id: Option<i64>,
    currency: String,
    balance: i64,
    held: i64,
    may_go_negative: i64,
}

/// What `ledger verify` found.
#[derive(Debug)]
pub struct Report {
    pub entries: i64,
    pub accounts: usize,
    pub transfers: usize,
    /// The last entry of the journal: its number and hash, to record outside the database.
    pub head: Anchor,
    /// Empty when the ledger is sound.
    pub problems: Vec<String>,
}

/// An entry of the journal as recorded outside the database (`ledger verify` prints the head
/// to keep). The hash chain alone proves the journal consistent with itself: whoever can write
/// the database could rewrite it whole and chain it again. An anchor kept elsewhere proves the
/// journal up to it is still the one that was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;

    /// `SEQ:HASH`, as `ledger verify` prints it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (seq, hash) = s.split_once(':').ok_or("expected SEQ:HASH")?;
        let seq = seq.parse().map_err(|_| "SEQ must be a number")?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("HASH must be 64 hexadecimal digits".into());
        }
        Ok(Self {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

#[derive(FromRow)]
struct JournalRow {
    seq: i64,
    transfer_id: i64,
    event: String,
    debit_account: i64,
    credit_account: i64,
    currency: String,
    moved: i64,
    hold_change: i64,
    created_at: i64,
    prev_hash: String,
    hash: String,
}

impl JournalRow {
    fn into_entry(self) -> Result<Entry, String> {
        Ok(Entry {
            event: TransferState::parse(&self.event)
                .ok_or_else(|| format!("entry {}: unknown event {:?}", self.seq, self.event))?,
            currency: Currency::parse(&self.currency).ok_or_else(|| {
                format!("entry {}: unknown currency {:?}", self.seq, self.currency)
            })?,
            seq: self.seq,
            transfer_id: self.transfer_id,
            debit_account: self.debit_account,
            credit_account: self.credit_account,
            moved: self.moved,
            hold_change: self.hold_change,
            created_at: self.created_at,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

const JOURNAL_PAGE: i64 = 10_000;

/// Journal entries after `after`, in order, a page at a time.
async fn journal_page(db: &Db, after: i64) -> Result<Vec<JournalRow>, LedgerError> {
    sqlx::query_as(
        "SELECT seq, transfer_id, event, debit_account, credit_account, currency, moved,
                hold_change, created_at, prev_hash, hash
         FROM ledger_journal WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(JOURNAL_PAGE)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)
}

/// Seals what waits in the inbox, then replays the whole journal and compares it with the
/// stored balances and transfers: the chain, every balance and hold, every transfer's state,
/// the zero sum, and that no account that must not go negative did.
pub async fn verify(db: &Db) -> Result<Report, LedgerError> {
    verify_anchored(db, None).await
}

/// [`verify`], and that the journal still holds `anchor` as it was recorded.
pub async fn verify_anchored(db: &Db, anchor: Option<&Anchor>) -> Result<Report, LedgerError> {
    seal(db).await?;
    let transfers: Vec<TransferRow> =
        sqlx::query_as(&format!("SELECT {TRANSFER_COLUMNS} FROM ledger_transfers"))
            .fetch_all(&db.pool)
            .await
            .map_err(db_err)?;
    let transfers: BTreeMap<i64, TransferRow> = transfers.into_iter().map(|t| (t.id, t)).collect();

    let mut replay = Replay::new();
    let mut entries = 0;
    loop {
        let page = journal_page(db, replay.last_seq).await?;
        let full = page.len() as i64 == JOURNAL_PAGE;
        for row in page {
            entries += 1;
            let entry = match row.into_entry() {
                Ok(e) => e,
                Err(problem) => {
                    replay.problems.push(problem);
                    continue;
                }
            };
            match transfers.get(&entry.transfer_id) {
                Some(t)
                    if t.debit_account == entry.debit_account
                        && t.credit_account == entry.credit_account
                        && t.currency == entry.currency.as_str() => {}
                _ => replay.problems.push(format!(
                    "entry {}: accounts or currency differ from transfer {}",
                    entry.seq, entry.transfer_id
                )),
            }
            if anchor.is_some_and(|a| a.seq == entry.seq && a.hash != entry.hash) {
                replay.problems.push(format!(
                    "entry {}: its hash is not the one recorded (the journal was rewritten)",
                    entry.seq
                ));
            }
            replay.apply(&entry);
        }
        if !full {
            break;
        }
    }
    let mut problems = std::mem::take(&mut replay.problems);
    if let Some(anchor) = anchor.filter(|a| a.seq > replay.last_seq) {
        problems.push(format!(
            "entry {} was recorded but the journal ends at entry {} (entries were removed)",
            anchor.seq, replay.last_seq
        ));
    }

    let head: (i64, String) = sqlx::query_as("SELECT seq, hash FROM ledger_head WHERE id = 1")
        .fetch_one(&db.pool)
        .await
        .map_err(db_err)?;
    if head != (replay.last_seq, replay.last_hash.clone()) {
        problems.push(format!(
            "the head says entry {} but the journal ends at entry {} (entries were removed or the head was changed)",
            head.0, replay.last_seq
        ));
    }

    for (id, t) in &transfers {
        let expected = match (t.state.as_str(), t.posted_amount) {
            ("pending", _) => Some((TransferState::Pending, 0, t.amount)),
            ("posted", Some(moved)) => Some((TransferState::Posted, moved, 0)),
            ("voided", _) => Some((TransferState::Voided, 0, 0)),
            _ => None,
        };
        match (expected, replay.transfers.get(id)) {
            (Some(e), Some(r)) if e == *r => {}
            (_, None) => problems.push(format!("transfer {id}: not in the journal")),
            (_, Some(r)) => problems.push(format!(
                "transfer {id}: stored as {} (posted {:?}) but the journal says {} moving {} holding {}",
                t.state,
                t.posted_amount,
                r.0.as_str(),
                r.1,
                r.2
            )),
        }
    }

    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT id, kind, user_id, currency, balance, held, may_go_negative FROM ledger_accounts",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for a in &accounts {
        let AccountRow {
            id,
            kind,
            currency,
            balance,
            held,
            ..
        } = a;
        let name = match a.user_id {
            Some(user) => format!("account {id} ({kind} of user {user}, {currency})"),
            None => format!("account {id} ({kind}, {currency})"),
        };
        let (journal_balance, journal_held) = replay.accounts.remove(id).unwrap_or_default();
        if (*balance, *held) != (journal_balance, journal_held) {
            problems.push(format!(
                "{name}: stored balance {balance} held {held}, the journal says balance {journal_balance} held {journal_held}"
            ));
        }
        let allowed = AccountKind::parse(kind).is_some_and(AccountKind::may_go_negative);
        if (a.may_go_negative == 1) != allowed {
            problems.push(format!(
                "{name}: wrongly marked as allowed to go negative or not"
            ));
        }
        if !allowed && balance - held < 0 {
            problems.push(format!(
                "{name}: negative available balance {}",
                balance - held
            ));
        }
        *sums.entry(currency.clone()).or_default() += balance;
    }
    for id in replay.accounts.keys() {
        problems.push(format!(
            "account {id}: in the journal but not in the accounts table"
        ));
    }
    for (currency, sum) in sums {
        if sum != 0 {
            problems.push(format!("{currency}: the accounts sum to {sum}, not zero"));
        }
    }
    Ok(Report {
        entries,
        accounts: accounts.len(),
        transfers: transfers.len(),
        head: Anchor {
            seq: replay.last_seq,
            hash: replay.last_hash,
        },
        problems,
    })
}

/// One exported journal entry with its transfer's key, kind and cause.
#[derive(FromRow, serde::Serialize)]
struct ExportRow {
    seq: i64,
    created_at: i64,
    transfer_id: i64,
    idempotency_key: String,
    kind: String,
    cause: String,
    event: String,
    debit_account: i64,
    credit_account: i64,
    currency: String,
    moved: i64,
    hold_change: i64,
    hash: String,
}

/// How `ledger export` writes the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

/// Seals what waits in the inbox, then writes every journal entry, with its transfer's key,
/// kind and cause, in order.
pub async fn export(
    db: &Db,
    format: ExportFormat,
    out: &mut (dyn std::io::Write + Send),
) -> Result<i64, LedgerError> {
    seal(db).await?;
    let io = |e: std::io::Error| LedgerError::Database(format!("writing the export: {e}"));
    if format == ExportFormat::Csv {
        writeln!(
            out,
            "seq,created_at,transfer_id,idempotency_key,kind,cause,event,debit_account,\
             credit_account,currency,moved,hold_change,hash"
        )
        .map_err(io)?;
    }
    let mut after = 0;
    loop {
        let rows: Vec<ExportRow> = sqlx::query_as(
            "SELECT j.seq, j.created_at, j.transfer_id, t.idempotency_key, t.kind, t.cause,
                    j.event, j.debit_account, j.credit_account, j.currency, j.moved,
                    j.hold_change, j.hash
             FROM ledger_journal j JOIN ledger_transfers t ON t.id = j.transfer_id
             WHERE j.seq > $1 ORDER BY j.seq LIMIT $2",
        )
        .bind(after)
        .bind(JOURNAL_PAGE)
        .fetch_all(&db.pool)
        .await
        .map_err(db_err)?;
        let full = rows.len() as i64 == JOURNAL_PAGE;
        for r in rows {
            after = r.seq;
            match format {
                ExportFormat::JsonLines => {
                    let line = serde_json::to_string(&r).map_err(|e| io(e.into()))?;
                    writeln!(out, "{line}").map_err(io)?;
                }
                ExportFormat::Csv => {
                    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
                    writeln!(
                        out,
                        "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                        r.seq,
                        r.created_at,
                        r.transfer_id,
                        quote(&r.idempotency_key),
                        r.kind,
                        quote(&r.cause),
                        r.event,
                        r.debit_account,
                        r.credit_account,
                        r.currency,
                        r.moved,
                        r.hold_change,
                        r.hash
                    )
                    .map_err(io)?;
                }
            }
        }
        if !full {
            return Ok(after);
        }
    }
}
