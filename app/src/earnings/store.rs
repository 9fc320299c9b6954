//! Earnings statements and payouts. A payout moves its amount out of the earnings when it is
//! requested (into "payouts in flight"), then out of Tremplin when paid, or back when failed:
//! each step one ledger transfer, committed with the payout's new state.

use sqlx::FromRow;

use super::rules::{self, PayoutStep};
use super::types::*;
use crate::error::{AppError, Problem};
use crate::ledger::store as ledger;
use crate::ledger::types::*;
use crate::notifications::store as notifications;
use crate::notifications::types::Notice;
use crate::ssr::db::Tx;
use crate::ssr::{internal, Db};

/// `user_id`'s earnings over `filter`'s period, with their payouts and the payout `form`.
pub async fn statement(
    db: &Db,
    user_id: i64,
    currency: Currency,
    filter: MovementFilter,
    form: PayoutForm,
) -> Result<Statement, AppError> {
    let account = AccountRef::earnings(user_id, currency);
    let balance = ledger::balance(db, account).await.map_err(internal)?;
    let totals = ledger::totals_by_kind(db, account, filter)
        .await
        .map_err(internal)?;
    let income: Vec<Income> = Source::ALL
        .into_iter()
        .map(|source| {
            let of_source = totals
                .iter()
                .filter(|(kind, ..)| rules::source_of(*kind) == Some(source));
            Income {
                source,
                amount: Money::new(of_source.clone().map(|(_, net, _)| net).sum(), currency),
                count: of_source.map(|(.., count)| count).sum(),
            }
        })
        .collect();
    let total = Money::new(income.iter().map(|i| i.amount.minor).sum(), currency);
    let events = events(db, account, filter).await?;
    let movements = ledger::movements(db, account, filter, 100)
        .await
        .map_err(internal)?;
    let payouts = payouts(db, Some(user_id), None).await?;
    let in_flight: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payouts
         WHERE user_id = $1 AND currency = $2 AND state IN ('requested', 'processing')",
    )
    .bind(user_id)
    .bind(currency.as_str())
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    let held = crate::orders::store::held_commissions(db, user_id, currency).await?;
    Ok(Statement {
        balance,
        in_flight: Money::new(in_flight, currency),
        held,
        income,
        total,
        events,
        movements,
        payouts: payouts.into_iter().map(|p| p.payout).collect(),
        form,
    })
}

/// What each live event brought into `account` over `filter`'s period: the transfers of an event
/// name it as their cause (`event:{id}`).
async fn events(
    db: &Db,
    account: AccountRef,
    filter: MovementFilter,
) -> Result<Vec<EventIncome>, AppError> {
    let totals = ledger::totals_by_cause(db, account, filter, "event:%")
        .await
        .map_err(internal)?;
    let mut events: Vec<EventIncome> = Vec::new();
    for (cause, kind, net) in totals {
        let Some(id) = cause
            .strip_prefix("event:")
            .and_then(|id| id.parse::<i64>().ok())
        else {
            continue;
        };
        if events.last().is_none_or(|e| e.id != id) {
            let (title, starts_at): (String, i64) =
                sqlx::query_as("SELECT title, starts_at FROM live_events WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await
                    .map_err(internal)?
                    .unwrap_or_default();
            let zero = Money::new(0, account.currency);
            events.push(EventIncome {
                id,
                title,
                starts_at,
                gifts: zero,
                donations: zero,
                stage_slots: zero,
                total: zero,
            });
        }
        if let Some(e) = events.last_mut() {
            let line = match kind {
                TransferKind::Gift => &mut e.gifts,
                TransferKind::Donation => &mut e.donations,
                _ => &mut e.stage_slots,
            };
            line.minor += net;
            e.total.minor += net;
        }
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.starts_at));
    Ok(events)
}

/// A payout to ask for: checked at the boundary, not yet in the database.
pub struct PayoutOrder {
    pub amount: Money,
    pub iban: Iban,
    pub holder: AccountHolder,
    /// The request form's one-time key: the same form sent twice asks for one payout.
    pub key: String,
}

/// Moves `order.amount` out of `user_id`'s earnings into a new payout; returns its id. More
/// than what is available is refused with the available amount, and nothing moves. The same
/// order sent again returns the first payout.
pub async fn request_payout(
    db: &Db,
    user_id: i64,
    order: PayoutOrder,
    now: i64,
) -> Result<String, AppError> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{user_id}:{}", order.key));
    let public_id = format!("po_{}", hex::encode(&digest[..16]));
    let currency = order.amount.currency;
    let mut tx = db.begin_write().await.map_err(internal)?;
    let moved = ledger::transfer(
        &mut tx,
        &[NewTransfer {
            key: format!("payout:{public_id}:request"),
            debit: AccountRef::earnings(user_id, currency),
            credit: AccountRef::platform(AccountKind::PayoutsInFlight, currency),
            amount: order.amount,
            kind: TransferKind::Payout,
            cause: format!("payout:{public_id}"),
            hold: None,
        }],
        now,
    )
    .await;
    match moved {
        Ok(_) => {}
        Err(LedgerError::InsufficientFunds { .. }) => {
            drop(tx);
            let available = ledger::balance(db, AccountRef::earnings(user_id, currency))
                .await
                .map_err(internal)?
                .available();
            return Err(AppError::invalid(
                "amount",
                Problem::AmountTooLarge {
                    max_minor: available,
                },
            ));
        }
        Err(LedgerError::KeyReused { .. }) => {
            return Err(AppError::Conflict(
                "this payout form was already sent with other values".into(),
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    sqlx::query(
        "INSERT INTO payouts (public_id, user_id, amount, currency, iban, holder, state,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $7)
         ON CONFLICT (public_id) DO NOTHING",
    )
    .bind(&public_id)
    .bind(user_id)
    .bind(order.amount.minor)
    .bind(currency.as_str())
    .bind(order.iban.as_str())
    .bind(order.holder.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(public_id)
}

#[derive(FromRow)]
struct PayoutRow {
    public_id: String,
    amount: i64,
    currency: String,
    iban: String,
    holder: String,
    state: String,
    failure: Option<String>,
    provider: Option<String>,
    provider_ref: Option<String>,
    created_at: i64,
    updated_at: i64,
    handle: String,
    display_name: String,
}

impl PayoutRow {
    fn into_payout(self) -> Result<PayoutForOperator, AppError> {
        let currency =
            Currency::parse(&self.currency).ok_or_else(|| internal("unknown currency"))?;
        let state = PayoutState::parse(&self.state).ok_or_else(|| internal("unknown state"))?;
        Ok(PayoutForOperator {
            payout: Payout {
                id: self.public_id,
                amount: Money::new(self.amount, currency),
                iban_hint: rules::iban_hint(&self.iban),
                holder: self.holder,
                state,
                failure: self.failure,
                created_at: self.created_at,
                updated_at: self.updated_at,
            },
            handle: self.handle,
            display_name: self.display_name,
            iban: self.iban,
            provider: self.provider,
            provider_ref: self.provider_ref,
        })
    }
}

const PAYOUT_QUERY: &str = "SELECT p.public_id, p.amount, p.currency, p.iban, p.holder, p.state,
       p.failure, p.provider, p.provider_ref, p.created_at, p.updated_at, u.handle, u.display_name
     FROM payouts p JOIN users u ON u.id = p.user_id";

/// The latest 200 payouts, newest first: of one person, or everyone's; in one state, or all.
pub async fn payouts(
    db: &Db,
    user_id: Option<i64>,
    state: Option<PayoutState>,
) -> Result<Vec<PayoutForOperator>, AppError> {
    let rows: Vec<PayoutRow> = sqlx::query_as(&format!(
        "{PAYOUT_QUERY} WHERE ($1 = 0 OR p.user_id = $1) AND ($2 = '' OR p.state = $2)
         ORDER BY p.id DESC LIMIT 200"
    ))
    .bind(user_id.unwrap_or(0))
    .bind(state.map_or("", PayoutState::as_str))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter().map(PayoutRow::into_payout).collect()
}

/// One payout, by id.
pub async fn payout(db: &Db, public_id: &str) -> Result<PayoutForOperator, AppError> {
    sqlx::query_as::<_, PayoutRow>(&format!("{PAYOUT_QUERY} WHERE p.public_id = $1"))
        .bind(public_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?
        .into_payout()
}

/// Applies `step` to the payout if its current state allows it (checked again in the UPDATE,
/// so of two concurrent steps one wins and the other gets a conflict). Paying and failing
/// move the money in the same transaction. Returns the new state.
pub async fn advance(
    tx: &mut Tx,
    public_id: &str,
    step: PayoutStep,
    detail: StepDetail<'_>,
    now: i64,
) -> Result<PayoutState, AppError> {
    let current: Option<(String, i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT state, user_id, amount, currency, provider FROM payouts WHERE public_id = $1",
    )
    .bind(public_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    let (state, user_id, amount, currency, provider) = current.ok_or(AppError::NotFound)?;
    let state = PayoutState::parse(&state).ok_or_else(|| internal("unknown payout state"))?;
    let currency = Currency::parse(&currency).ok_or_else(|| internal("unknown currency"))?;
    let to = rules::next(state, step)?;
    // A processor settles only the payouts it was given.
    if matches!(
        step,
        PayoutStep::ProcessorPaid | PayoutStep::ProcessorFailed
    ) && provider.as_deref() != detail.provider
    {
        return Err(AppError::Conflict(format!(
            "payout {public_id} was not sent through {:?}",
            detail.provider
        )));
    }
    // Each step says why it ended as it did, or clears an older reason.
    let updated = sqlx::query(
        "UPDATE payouts SET state = $1, updated_at = $2,
           provider = COALESCE($3, provider), provider_ref = COALESCE($4, provider_ref),
           failure = $5, settled_by = COALESCE($6, settled_by)
         WHERE public_id = $7 AND state = $8",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(detail.provider)
    .bind(detail.provider_ref)
    .bind(detail.failure)
    .bind(detail.operator)
    .bind(public_id)
    .bind(state.as_str())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    if updated.rows_affected() != 1 {
        return Err(AppError::Conflict("the payout changed meanwhile".into()));
    }
    let in_flight = AccountRef::platform(AccountKind::PayoutsInFlight, currency);
    let money = Money::new(amount, currency);
    // Paid by hand means paid from the platform's bank, not through the processor.
    let paid_from = match step {
        PayoutStep::MarkedPaid => AccountKind::BankTransfers,
        _ => AccountKind::ProcessorClearing,
    };
    let (key, credit, kind, notice) = match to {
        PayoutState::Paid => (
            "paid",
            AccountRef::platform(paid_from, currency),
            TransferKind::Payout,
            Notice::PayoutPaid { amount: money },
        ),
        PayoutState::Failed => (
            "returned",
            AccountRef::earnings(user_id, currency),
            TransferKind::PayoutReturned,
            Notice::PayoutFailed {
                amount: money,
                reason: detail.failure.unwrap_or_default().to_owned(),
            },
        ),
        PayoutState::Requested | PayoutState::Processing => return Ok(to),
    };
    notifications::notify(tx, user_id, &notice, now).await?;
    ledger::transfer(
        tx,
        &[NewTransfer {
            key: format!("payout:{public_id}:{key}"),
            debit: in_flight,
            credit,
            amount: money,
            kind,
            cause: format!("payout:{public_id}"),
            hold: None,
        }],
        now,
    )
    .await
    .map_err(internal)?;
    Ok(to)
}

/// Remembers the processor's id for a payout it took.
pub async fn set_provider_ref(
    db: &Db,
    public_id: &str,
    provider_ref: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE payouts SET provider_ref = $1 WHERE public_id = $2")
        .bind(provider_ref)
        .bind(public_id)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// What is recorded along with a step.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepDetail<'a> {
    pub provider: Option<&'a str>,
    pub provider_ref: Option<&'a str>,
    pub failure: Option<&'a str>,
    /// The operator who settled it by hand.
    pub operator: Option<i64>,
}

/// [`advance`] in a transaction of its own.
pub async fn advance_now(
    db: &Db,
    public_id: &str,
    step: PayoutStep,
    detail: StepDetail<'_>,
    now: i64,
) -> Result<PayoutState, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let state = advance(&mut tx, public_id, step, detail, now).await?;
    tx.commit().await.map_err(internal)?;
    Ok(state)
}
