//! Wallet server functions.

use leptos::prelude::*;

use super::types::{Receipt, Wallet};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{rules, store},
    crate::accounts::session,
    crate::ledger::{rules::parse_amount, types::*},
    crate::ssr::{now, payments::CheckoutRequest, state, wants_html},
    crate::ui::date::parse_period,
};

/// The caller's wallet; `kind` narrows the history to one kind of movement, `from` and `to`
/// to a period (days such as `2026-11-01`, both included).
#[server(prefix = "/api", endpoint = "wallet")]
pub async fn get_wallet(
    #[server(default)] kind: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Wallet, AppError> {
    let user = session::require_user().await?;
    let (from, until) = parse_period(&from, &to)?;
    let filter = MovementFilter {
        kind: TransferKind::parse(&kind),
        from,
        until,
    };
    store::wallet(&state()?.db, user.id, Currency::Eur, filter).await
}

/// Starts a top-up: records the payment and returns the processor's checkout URL. A plain
/// form post (no JavaScript) is redirected there; the page sends the browser itself, since
/// the client router would otherwise try to render the processor's page as one of its own.
/// `amount` is a preset or what the person typed.
#[server(prefix = "/api", endpoint = "top_up")]
pub async fn top_up(amount: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let amount = parse_amount(&amount, Currency::Eur, rules::TOP_UP_MIN, rules::TOP_UP_MAX)
        .map_err(|p| AppError::invalid("amount", p))?;
    crate::accounts::api::throttle(&format!("top-up:{}", user.id), rules::TOP_UPS_PER_USER).await?;
    let description = format!("Tremplin wallet top-up for @{}", user.handle);
    start_card_payment(&user, amount, store::PaymentFor::Wallet, description, None).await
}

/// What a card must be charged for `user`'s wallet to cover `owed`: what the wallet lacks plus
/// the processor's fee on it, at least the smallest top-up; `None` when the wallet covers it.
#[cfg(feature = "ssr")]
pub async fn shortfall_charge(user: i64, owed: Money) -> Result<Option<Money>, AppError> {
    use crate::ledger::types::AccountRef;
    let st = state()?;
    let wallet = crate::ledger::store::balance(&st.db, AccountRef::wallet(user, owed.currency))
        .await
        .map_err(crate::ssr::internal)?;
    let missing = owed.minor - wallet.available();
    Ok((missing > 0).then(|| {
        let gross = st.payments.fee_schedule().gross_for(missing);
        Money::new(gross.max(rules::TOP_UP_MIN), owed.currency)
    }))
}

/// Records a card payment of `amount` into the wallet of `user` and opens its checkout; returns
/// the checkout URL (a plain form post is redirected there). The payer comes back to `back` (a
/// path of this site) if given, else to the payment's receipt, or to the deal or checkout the
/// payment then pays for.
#[cfg(feature = "ssr")]
pub async fn start_card_payment(
    user: &crate::accounts::types::SessionUser,
    amount: Money,
    purpose: store::PaymentFor,
    description: String,
    back: Option<&str>,
) -> Result<String, AppError> {
    let st = state()?;
    let provider = st.payments.clone();
    let id =
        store::create_payment(&st.db, user.id, amount, &purpose, provider.name(), now()).await?;
    let back = match (back, &purpose) {
        (Some(path), _) => format!("{}{path}", st.base_url),
        (None, store::PaymentFor::Deal(deal)) => format!("{}/deals/{deal}", st.base_url),
        (None, store::PaymentFor::Checkout(checkout)) => {
            format!("{}/checkout/{checkout}", st.base_url)
        }
        (None, store::PaymentFor::Wallet) => format!("{}/wallet/receipts/{id}", st.base_url),
    };
    let opened = provider
        .checkout(CheckoutRequest {
            reference: id.clone(),
            amount,
            description,
            success_url: back.clone(),
            cancel_url: back,
        })
        .await;
    let checkout = match opened {
        Ok(checkout) => checkout,
        Err(e) => {
            tracing::error!(payment = id, "checkout failed: {e}");
            // The wallet page shows the recorded reason: the fixed one, as the error does.
            store::abandon_payment(&st.db, &id, e.user_reason(), now()).await?;
            return Err(e.into());
        }
    };
    store::set_provider_ref(&st.db, &id, &checkout.provider_ref).await?;
    tracing::info!(
        user_id = user.id,
        payment = id,
        amount = amount.minor,
        ?purpose,
        "card payment started"
    );
    if use_context::<http::request::Parts>().is_some_and(|parts| wants_html(&parts.headers)) {
        leptos_axum::redirect(&checkout.url);
    }
    Ok(checkout.url)
}

/// The receipt of one of the caller's payments.
#[server(prefix = "/api", endpoint = "receipt")]
pub async fn get_receipt(id: String) -> Result<Receipt, AppError> {
    let user = session::require_user().await?;
    store::receipt(&state()?.db, user.id, &id).await
}
