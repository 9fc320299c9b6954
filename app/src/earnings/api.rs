//! Earnings server functions: the statement and payout requests for everyone with earnings;
//! seeing and settling payouts for operators.

use leptos::prelude::*;

use super::types::{PayoutForOperator, Statement};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{
        rules::{self, PayoutStep},
        store::{self, PayoutOrder, StepDetail},
        types::{AccountHolder, Iban, PayoutForm, PayoutState},
    },
    crate::accounts::session,
    crate::error::Problem,
    crate::ledger::{
        rules::{parse_amount, MAX_AMOUNT},
        types::*,
    },
    crate::ssr::{
        now,
        payments::{PaymentError, PayoutRequest},
        state,
    },
    crate::ui::date::parse_period,
};

/// The caller's earnings between two days (`2026-11-01`, both included; empty for no bound).
#[server(prefix = "/api", endpoint = "statement")]
pub async fn get_statement(
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Statement, AppError> {
    let user = session::require_user().await?;
    let st = state()?;
    let (from, until) = parse_period(&from, &to)?;
    let filter = MovementFilter {
        kind: None,
        from,
        until,
    };
    let form = PayoutForm {
        minimum: Money::new(st.payout_minimum, Currency::Eur),
        test_mode: st.payments.name() == "test",
        key: uuid::Uuid::new_v4().simple().to_string(),
        email_confirmed: crate::accounts::store::email_confirmed(&st.db, user.id).await?,
    };
    store::statement(&st.db, user.id, Currency::Eur, filter, form).await
}

/// Asks for `amount` of the caller's earnings to be paid to a bank account. `key` is the
/// form's one-time key from the statement: sent twice, it still asks for one payout.
#[server(prefix = "/api", endpoint = "request_payout")]
pub async fn request_payout(
    amount: String,
    iban: String,
    holder: String,
    key: String,
) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let st = state()?;
    // Money leaves only for someone who reads the account's mail, where payouts are reported.
    if !crate::accounts::store::email_confirmed(&st.db, user.id).await? {
        return Err(AppError::invalid("email", Problem::EmailUnconfirmed));
    }
    let amount = parse_amount(&amount, Currency::Eur, st.payout_minimum, MAX_AMOUNT)
        .map_err(|p| AppError::invalid("amount", p))?;
    let order = PayoutOrder {
        amount,
        iban: Iban::parse(&iban)?,
        holder: AccountHolder::parse(&holder)?,
        key: rules::parse_request_key(&key)?,
    };
    let id = store::request_payout(&st.db, user.id, order, now()).await?;
    tracing::info!(
        user_id = user.id,
        payout = id,
        amount = amount.minor,
        "payout requested"
    );
    Ok(id)
}

/// Every payout in `state` (all if empty), for operators.
#[server(prefix = "/api", endpoint = "operator_payouts")]
pub async fn operator_payouts(
    #[server(default)] state: String,
) -> Result<Vec<PayoutForOperator>, AppError> {
    session::require_operator().await?;
    store::payouts(&crate::ssr::state()?.db, None, PayoutState::parse(&state)).await
}

/// Hands a requested payout to the payment processor, which reports later whether it was paid.
#[server(prefix = "/api", endpoint = "send_payout")]
pub async fn send_payout(id: String) -> Result<(), AppError> {
    let operator = session::require_operator().await?;
    let st = state()?;
    let provider = st.payments.clone();
    let p = store::payout(&st.db, &id).await?;
    let claimed = StepDetail {
        provider: Some(provider.name()),
        ..StepDetail::default()
    };
    // Claimed first, so two operators cannot both send it.
    store::advance_now(&st.db, &id, PayoutStep::Send, claimed, now()).await?;
    let request = PayoutRequest {
        reference: id.clone(),
        amount: p.payout.amount,
        iban: p.iban,
        holder: p.payout.holder,
    };
    match provider.payout(request).await {
        Ok(provider_ref) => {
            store::set_provider_ref(&st.db, &id, &provider_ref).await?;
            tracing::info!(
                payout = id,
                operator = operator.id,
                provider_ref,
                "payout sent"
            );
            Ok(())
        }
        Err(e @ PaymentError::Refused(_)) => {
            let refused = StepDetail {
                failure: Some(&e.to_string()),
                ..StepDetail::default()
            };
            store::advance_now(&st.db, &id, PayoutStep::SendRefused, refused, now()).await?;
            tracing::warn!(payout = id, "payout refused by the processor: {e}");
            Err(e.into())
        }
        // No clear answer: the processor may have taken it. It stays sent, for the processor's
        // webhook to settle; sending it again names the same reference, paid once.
        Err(e) => {
            tracing::error!(payout = id, "payout sent without a clear answer: {e}");
            Err(e.into())
        }
    }
}

/// Settles by hand a payout no processor holds (the bank transfer was made, or refused, outside
/// the processor).
/// `outcome` is `paid` or `failed`; a failure needs its reason.
#[server(prefix = "/api", endpoint = "settle_payout")]
pub async fn settle_payout(
    id: String,
    outcome: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let operator = session::require_operator().await?;
    let reason = reason.trim();
    let step = match outcome.as_str() {
        "paid" => PayoutStep::MarkedPaid,
        "failed" if reason.is_empty() => {
            return Err(AppError::invalid("reason", Problem::Required))
        }
        "failed" => PayoutStep::MarkedFailed,
        _ => return Err(AppError::invalid("outcome", Problem::Malformed)),
    };
    let detail = StepDetail {
        failure: (step == PayoutStep::MarkedFailed).then_some(reason),
        operator: Some(operator.id),
        ..StepDetail::default()
    };
    let to = store::advance_now(&state()?.db, &id, step, detail, now()).await?;
    tracing::info!(
        payout = id,
        operator = operator.id,
        state = to.as_str(),
        "payout settled by hand"
    );
    Ok(())
}
