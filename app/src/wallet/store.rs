//! Payments and the wallet's view of the ledger.

use sqlx::FromRow;

use super::types::*;
use crate::earnings::rules::PayoutStep;
use crate::earnings::store::{self as payouts, StepDetail};
use crate::earnings::types::PayoutState;
use crate::error::AppError;
use crate::ledger::store as ledger;
use crate::ledger::types::*;
use crate::ssr::payments::WebhookEvent;
use crate::ssr::{internal, Db};

/// What a card payment tops the wallet up for: once it succeeds, the money pays for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentFor {
    Wallet,
    /// Funds this deal's escrow.
    Deal(i64),
    /// Pays this checkout's orders.
    Checkout(String),
}

/// Records a card payment about to be sent to the processor; returns its public id.
pub async fn create_payment(
    db: &Db,
    user_id: i64,
    amount: Money,
    purpose: &PaymentFor,
    provider: &str,
    now: i64,
) -> Result<String, AppError> {
    let public_id = format!("pay_{}", crate::ssr::random_hex(16));
    sqlx::query(
        "INSERT INTO payments (public_id, user_id, purpose, amount, currency, state, provider,
           created_at, deal_id, checkout_id)
         VALUES ($1, $2, 'top_up', $3, $4, 'created', $5, $6, $7, $8)",
    )
    .bind(&public_id)
    .bind(user_id)
    .bind(amount.minor)
    .bind(amount.currency.as_str())
    .bind(provider)
    .bind(now)
    .bind(match purpose {
        PaymentFor::Deal(deal) => Some(*deal),
        _ => None,
    })
    .bind(match purpose {
        PaymentFor::Checkout(checkout) => Some(checkout.as_str()),
        _ => None,
    })
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    Ok(public_id)
}

/// Remembers the processor's id for the payment, which its webhooks will name.
pub async fn set_provider_ref(
    db: &Db,
    public_id: &str,
    provider_ref: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE payments SET provider_ref = $1 WHERE public_id = $2")
        .bind(provider_ref)
        .bind(public_id)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Marks a payment failed before it reached the processor (the checkout could not open).
pub async fn abandon_payment(
    db: &Db,
    public_id: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE payments SET state = 'failed', failure = $1, completed_at = $2
         WHERE public_id = $3 AND state = 'created'",
    )
    .bind(reason)
    .bind(now)
    .bind(public_id)
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    Ok(())
}

/// What processing a webhook event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Applied,
    /// The same event came before: nothing more was done.
    AlreadyProcessed,
    /// The event names no payment of ours, or one already settled otherwise.
    NothingToDo,
}

/// Applies a processor's event, once: a success credits the wallet (less the processor's fee)
/// in the same transaction that marks the payment succeeded.
pub async fn settle(
    db: &Db,
    provider: &str,
    event: &WebhookEvent,
    now: i64,
) -> Result<Settled, AppError> {
    let event_id = event.id();
    let mut tx = db.begin_write().await.map_err(internal)?;
    let first: Option<String> = sqlx::query_scalar(
        "INSERT INTO webhook_events (provider, event_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id",
    )
    .bind(provider)
    .bind(event_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    if first.is_none() {
        return Ok(Settled::AlreadyProcessed);
    }
    let outcome = match event {
        WebhookEvent::PaymentSucceeded {
            provider_ref, fee, ..
        } => {
            #[allow(clippy::type_complexity)]
            let paid: Option<(
                i64,
                String,
                i64,
                i64,
                String,
                Option<i64>,
                Option<String>,
            )> = sqlx::query_as(
                "UPDATE payments SET state = 'succeeded', fee = $1, completed_at = $2
                 WHERE provider = $3 AND provider_ref = $4 AND state = 'created' AND $1 <= amount
                 RETURNING id, public_id, user_id, amount, currency, deal_id, checkout_id",
            )
            .bind(fee.minor)
            .bind(now)
            .bind(provider)
            .bind(provider_ref)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
            match paid {
                Some((id, public_id, user_id, amount, currency, deal, checkout)) => {
                    let currency = Currency::parse(&currency)
                        .ok_or_else(|| internal("unknown currency in payments"))?;
                    let clearing = AccountRef::platform(AccountKind::ProcessorClearing, currency);
                    let cause = format!("payment:{public_id}");
                    let mut batch = vec![NewTransfer {
                        key: format!("payment:{id}:top_up"),
                        debit: clearing,
                        credit: AccountRef::wallet(user_id, currency),
                        amount: Money::new(amount - fee.minor, currency),
                        kind: TransferKind::TopUp,
                        cause: cause.clone(),
                        hold: None,
                    }];
                    if fee.minor > 0 {
                        batch.push(NewTransfer {
                            key: format!("payment:{id}:fee"),
                            debit: clearing,
                            credit: AccountRef::platform(AccountKind::ProcessorFees, currency),
                            amount: Money::new(fee.minor, currency),
                            kind: TransferKind::ProcessorFee,
                            cause,
                            hold: None,
                        });
                    }
                    ledger::transfer(&mut tx, &batch, now)
                        .await
                        .map_err(internal)?;
                    if let Some(deal) = deal {
                        fund_deal(&mut tx, deal, user_id, now).await?;
                    }
                    if let Some(checkout) = checkout {
                        crate::orders::store::pay_checkout(&mut tx, &checkout, user_id, now)
                            .await?;
                    }
                    Settled::Applied
                }
                None => Settled::NothingToDo,
            }
        }
        WebhookEvent::PaymentFailed {
            provider_ref,
            reason,
            ..
        } => {
            let failed = sqlx::query(
                "UPDATE payments SET state = 'failed', failure = $1, completed_at = $2
                 WHERE provider = $3 AND provider_ref = $4 AND state = 'created'",
            )
            .bind(reason)
            .bind(now)
            .bind(provider)
            .bind(provider_ref)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            if failed.rows_affected() == 1 {
                Settled::Applied
            } else {
                Settled::NothingToDo
            }
        }
        WebhookEvent::PayoutPaid { reference, .. } => {
            let detail = StepDetail {
                provider: Some(provider),
                ..StepDetail::default()
            };
            let paid = payouts::advance(&mut tx, reference, PayoutStep::ProcessorPaid, detail, now);
            payout_settled(reference, paid.await)?
        }
        WebhookEvent::PayoutFailed {
            reference, reason, ..
        } => {
            let detail = StepDetail {
                provider: Some(provider),
                failure: Some(reason),
                ..StepDetail::default()
            };
            let failed =
                payouts::advance(&mut tx, reference, PayoutStep::ProcessorFailed, detail, now);
            payout_settled(reference, failed.await)?
        }
        WebhookEvent::Ignored { .. } => Settled::NothingToDo,
    };
    tx.commit().await.map_err(internal)?;
    Ok(outcome)
}

/// Funds `deal` from the wallet of `brand`, which a card payment made for it just topped up. A
/// deal that can no longer be funded (cancelled, or funded from the wallet meanwhile) is left
/// as it is, and the money stays in the wallet: the payment itself succeeded.
async fn fund_deal(
    tx: &mut crate::ssr::db::Tx,
    deal: i64,
    brand: i64,
    now: i64,
) -> Result<(), AppError> {
    use sqlx::Connection;
    let mut savepoint = tx.begin().await.map_err(internal)?;
    let step = crate::deals::types::DealStep::Fund;
    match crate::deals::store::step_in(&mut savepoint, deal, Some(brand), step, None, "", now).await
    {
        Ok(_) => savepoint.commit().await.map_err(internal),
        Err(e) => {
            tracing::warn!(deal, "a card payment could not fund its deal: {e}");
            savepoint.rollback().await.map_err(internal)
        }
    }
}

/// A payout the processor reports on may not be one of ours (Stripe's own payouts to the
/// platform): nothing to do. One it does not hold is worse, and said loudly.
fn payout_settled(
    reference: &str,
    outcome: Result<PayoutState, AppError>,
) -> Result<Settled, AppError> {
    match outcome {
        Ok(_) => Ok(Settled::Applied),
        Err(AppError::NotFound) => Ok(Settled::NothingToDo),
        Err(AppError::Conflict(why)) => {
            tracing::error!(
                payout = reference,
                "processor's payout event not applied: {why}"
            );
            Ok(Settled::NothingToDo)
        }
        Err(e) => Err(e),
    }
}

#[derive(FromRow)]
struct PaymentRow {
    public_id: String,
    amount: i64,
    currency: String,
    fee: Option<i64>,
    state: String,
    failure: Option<String>,
    created_at: i64,
    completed_at: Option<i64>,
}

impl PaymentRow {
    fn into_receipt(self) -> Result<Receipt, AppError> {
        let currency =
            Currency::parse(&self.currency).ok_or_else(|| internal("unknown currency"))?;
        let state = PaymentState::parse(&self.state).ok_or_else(|| internal("unknown state"))?;
        let fee = self.fee.map(|f| Money::new(f, currency));
        Ok(Receipt {
            id: self.public_id,
            state,
            gross: Money::new(self.amount, currency),
            processor_fee: fee,
            platform_fee: Money::new(0, currency),
            received: fee
                .filter(|_| state == PaymentState::Succeeded)
                .map(|f| Money::new(self.amount - f.minor, currency)),
            failure: self.failure,
            created_at: self.created_at,
            completed_at: self.completed_at,
        })
    }
}

const PAYMENT_COLUMNS: &str =
    "public_id, amount, currency, fee, state, failure, created_at, completed_at";

/// The receipt of one of `user_id`'s payments; another person's is not found.
pub async fn receipt(db: &Db, user_id: i64, public_id: &str) -> Result<Receipt, AppError> {
    sqlx::query_as::<_, PaymentRow>(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE public_id = $1 AND user_id = $2"
    ))
    .bind(public_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)?
    .into_receipt()
}

/// The wallet of `user_id`: balance, the latest movements that match `filter`, and recent
/// failed card payments.
pub async fn wallet(
    db: &Db,
    user_id: i64,
    currency: Currency,
    filter: MovementFilter,
) -> Result<Wallet, AppError> {
    let account = AccountRef::wallet(user_id, currency);
    let balance = ledger::balance(db, account).await.map_err(internal)?;
    let mut history = ledger::movements(db, account, filter, 100)
        .await
        .map_err(internal)?;
    if filter.kind == Some(TransferKind::Purchase) {
        // A buyer's purchase includes the commission its creator gets: one price.
        let commissions = MovementFilter {
            kind: Some(TransferKind::Commission),
            ..filter
        };
        history.extend(
            ledger::movements(db, account, commissions, 100)
                .await
                .map_err(internal)?,
        );
        history.sort_by_key(|m| std::cmp::Reverse(m.at));
    }
    let failed: Vec<PaymentRow> = sqlx::query_as(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments
         WHERE user_id = $1 AND state = 'failed' ORDER BY id DESC LIMIT 3"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    Ok(Wallet {
        balance,
        history,
        failed: failed
            .into_iter()
            .map(PaymentRow::into_receipt)
            .collect::<Result<_, _>>()?,
    })
}
