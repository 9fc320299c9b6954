//! Pinned merch's server functions: the host pins and unpins products of their shop; a fan
//! buys one from the event page, paid from their wallet in the same step.

use leptos::prelude::*;

use super::{Bought, PinChoice};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::store,
    crate::accounts::{api::throttle, rules::RateLimit, session},
    crate::error::Problem,
    crate::live::room::{self, store::NewMessage, types::MessageKind},
    crate::live::{store as live, types::EventState},
    crate::orders::{store as orders, types::CartLine, types::PayWith},
    crate::ssr::state,
};

/// Purchases and pins one person may send per minute.
#[cfg(feature = "ssr")]
const MERCH_PER_USER: RateLimit = RateLimit {
    limit: 30,
    window_secs: 60,
};

/// The host's shop, each product marked pinned to event `id` or not. Host only.
#[server(prefix = "/api", endpoint = "merch_choices")]
pub async fn merch_choices(id: i64) -> Result<Vec<PinChoice>, AppError> {
    let host = session::require_user().await?;
    let db = &state()?.db;
    live::check_host(db, id, host.id).await?;
    store::choices(db, id, host.id).await
}

/// Pins (`on`) or unpins `product` of the host's shop on event `id`. Host only.
#[server(prefix = "/api", endpoint = "pin_merch")]
pub async fn pin_merch(id: i64, product: i64, on: bool) -> Result<(), AppError> {
    let host = session::require_user().await?;
    throttle(&format!("merch:{}", host.id), MERCH_PER_USER).await?;
    let state = state()?;
    store::pin(&state.db, id, host.id, product, on, state.clock.now()).await?;
    room::announce(&state, id, None).await;
    Ok(())
}

/// Buys one of `variant` of a product pinned to event `id`, shipped to `ship_name` at
/// `ship_address`, paid from the caller's wallet at once. `total` is what the page showed, in
/// cents (price and shipping): a price changed since buys nothing. The room is told.
#[server(prefix = "/api", endpoint = "buy_merch")]
pub async fn buy_merch(
    id: i64,
    variant: i64,
    #[server(default)] total: String,
    #[server(default)] ship_name: String,
    #[server(default)] ship_address: String,
) -> Result<Bought, AppError> {
    let buyer = session::require_user().await?;
    throttle(&format!("merch:{}", buyer.id), MERCH_PER_USER).await?;
    let state = state()?;
    let now = state.clock.now();
    let event = live::event(&state.db, id, Some(buyer.id), now).await?;
    let mut conn = state
        .db
        .pool
        .acquire()
        .await
        .map_err(crate::ssr::internal)?;
    if event.hosting || live::banned(&mut conn, event.host_id, buyer.id).await? {
        return Err(AppError::Forbidden);
    }
    drop(conn);
    if matches!(event.state, EventState::Ended | EventState::Cancelled) {
        return Err(AppError::Conflict("this event is over".into()));
    }
    let Some(product) = event
        .merch
        .into_iter()
        .find(|p| p.variants.iter().any(|v| v.id == variant))
    else {
        return Err(AppError::invalid("variant", Problem::NotOffered));
    };
    let expected_total = total
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("total", Problem::Malformed))?;
    let ship_to = orders::Address::parse(&ship_name, &ship_address)?;
    let line = CartLine {
        variant,
        quantity: 1,
        shop: Some(event.host_id),
    };
    let request = orders::CheckoutRequest {
        buyer: buyer.id,
        lines: &[line],
        click: None,
        expected_total,
        ship_to,
        pay_with: PayWith::Wallet,
        reserve_secs: state.checkout_hold_secs,
        event: Some(id),
    };
    let checkout = orders::checkout(&state.db, &request, now)
        .await
        .map_err(|e| match e {
            // The checkout names the cart's line; here the form has one choice.
            AppError::Invalid { field, problem } if field.starts_with("line_") => {
                AppError::invalid("variant", problem)
            }
            e => e,
        })?;
    tracing::info!(buyer = buyer.id, event = id, checkout, "merch bought live");
    let news = NewMessage::new(MessageKind::Purchase, Some(buyer.id), product.title.clone());
    // Bought is bought: a chat line that did not make it is logged, not an error.
    if let Err(e) = room::post(&state, id, news).await {
        tracing::error!(event = id, "purchase not announced: {e}");
    }
    Ok(Bought {
        checkout,
        title: product.title,
        paid: crate::ledger::types::Money::eur(expected_total),
    })
}
