//! Cart, checkout and order server functions. The cart lives in the session; every price is
//! read again on the server, whatever the page showed.

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{cart, store},
    crate::accounts::{session, types::parse_text},
    crate::error::Problem,
    crate::ledger::{rules::parse_amount, types::Currency},
    crate::ssr::{now, state},
};

/// The caller's cart at today's prices.
#[server(prefix = "/api", endpoint = "cart")]
pub async fn get_cart() -> Result<Cart, AppError> {
    let buyer = session::current_user().await?.map(|u| u.id);
    store::cart(&state()?.db, &cart::lines().await?, buyer).await
}

/// How many items the caller's cart holds, for the header's cart icon.
#[server(prefix = "/api", endpoint = "cart_count")]
pub async fn cart_count() -> Result<u32, AppError> {
    Ok(cart::lines().await?.iter().map(|l| l.quantity).sum())
}

/// Puts `quantity` of a product's choice in the cart; `shop` is the handle of the creator whose
/// shop it was added from.
#[server(prefix = "/api", endpoint = "add_to_cart")]
pub async fn add_to_cart(
    variant: i64,
    #[server(default)] quantity: String,
    #[server(default)] shop: String,
) -> Result<(), AppError> {
    let quantity = cart::parse_quantity(if quantity.is_empty() { "1" } else { &quantity }, false)?;
    let db = &state()?.db;
    let stock = store::stock(db, variant).await?;
    if stock == 0 {
        return Err(AppError::invalid("quantity", Problem::SoldOut));
    }
    if i64::from(quantity) > stock {
        return Err(AppError::invalid(
            "quantity",
            Problem::NotEnoughStock { left: stock },
        ));
    }
    let shop = match shop.trim() {
        "" => None,
        handle => {
            Some(crate::storefront::store::shop_id(db, handle.trim_start_matches('@')).await?)
        }
    };
    cart::add(variant, quantity, shop).await?;
    // Without JavaScript, the form post lands on the cart.
    if use_context::<http::request::Parts>().is_some_and(|p| crate::ssr::wants_html(&p.headers)) {
        leptos_axum::redirect("/cart");
    }
    Ok(())
}

/// Changes a cart line's quantity; 0 removes it.
#[server(prefix = "/api", endpoint = "update_cart")]
pub async fn update_cart(
    variant: i64,
    #[server(default)] quantity: String,
) -> Result<(), AppError> {
    cart::set(variant, cart::parse_quantity(&quantity, true)?).await
}

/// Checks out the cart: reserves the stock, and pays from the wallet at once or opens a card
/// payment. `total` is the total the buyer saw, in cents: if a price changed since, nothing
/// happens and the page shows the new total. A guest gives an `email`, under which an account
/// keeps their orders. Returns where to go next.
#[server(prefix = "/api", endpoint = "checkout")]
pub async fn check_out(
    #[server(default)] total: String,
    #[server(default)] ship_name: String,
    #[server(default)] ship_address: String,
    #[server(default)] pay_with: String,
    #[server(default)] email: String,
) -> Result<String, AppError> {
    let signed_in = session::current_user().await?;
    let pay_with = match pay_with.as_str() {
        "card" => PayWith::Card,
        "wallet" => PayWith::Wallet,
        _ => return Err(AppError::invalid("pay_with", Problem::Required)),
    };
    let expected_total = total
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("total", Problem::Malformed))?;
    let ship_to = store::Address::parse(&ship_name, &ship_address)?;
    let lines = cart::lines().await?;
    if lines.is_empty() {
        return Err(AppError::invalid("cart", Problem::Required));
    }
    let buyer = match signed_in {
        Some(user) => user,
        None => crate::accounts::api::open_guest_account(&email, &ship_to.name).await?,
    };
    let click = match use_context::<http::request::Parts>() {
        Some(parts) => crate::storefront::links::click_token(&parts.headers),
        None => None,
    };
    let st = state()?;
    let request = store::CheckoutRequest {
        buyer: buyer.id,
        lines: &lines,
        click: click.as_deref(),
        expected_total,
        ship_to,
        pay_with,
        reserve_secs: st.checkout_hold_secs,
        event: None,
    };
    let checkout = store::checkout(&st.db, &request, now()).await?;
    cart::clear().await?;
    tracing::info!(buyer = buyer.id, checkout, ?pay_with, "checkout");
    match pay_with {
        PayWith::Wallet => {
            let to = format!("/checkout/{checkout}");
            leptos_axum::redirect(&to);
            Ok(to)
        }
        PayWith::Card => pay_by_card(&buyer, &checkout).await,
    }
}

/// Opens the card payment of a checkout waiting for one: what the wallet lacks, plus the
/// processor's fee on it.
#[cfg(feature = "ssr")]
async fn pay_by_card(
    buyer: &crate::accounts::types::SessionUser,
    checkout: &str,
) -> Result<String, AppError> {
    let owed = store::to_pay(&state()?.db, checkout, buyer.id).await?;
    // A wallet that covers it meanwhile still gets the smallest top-up: the page asked for a card.
    let charge = crate::wallet::api::shortfall_charge(buyer.id, owed)
        .await?
        .unwrap_or(crate::ledger::types::Money::new(
            crate::wallet::rules::TOP_UP_MIN,
            owed.currency,
        ));
    crate::wallet::api::start_card_payment(
        buyer,
        charge,
        crate::wallet::store::PaymentFor::Checkout(checkout.to_owned()),
        format!("Tremplin order {checkout}"),
        None,
    )
    .await
}

/// Pays by card a checkout of the caller still waiting for its payment (after a declined card).
#[server(prefix = "/api", endpoint = "pay_checkout")]
pub async fn pay_checkout(id: String) -> Result<String, AppError> {
    let buyer = session::require_user().await?;
    pay_by_card(&buyer, &id).await
}

/// What a checkout made, for its buyer.
#[server(prefix = "/api", endpoint = "get_checkout")]
pub async fn get_checkout(id: String) -> Result<Checkout, AppError> {
    let buyer = session::require_user().await?;
    store::checkout_view(&state()?.db, &id, buyer.id).await
}

/// One order, for its buyer, its seller or the creator who brought it.
#[server(prefix = "/api", endpoint = "order")]
pub async fn get_order(id: String) -> Result<Order, AppError> {
    let user = session::require_user().await?;
    store::order(&state()?.db, &id, user.id).await
}

/// The caller's orders: bought, sold and brought.
#[server(prefix = "/api", endpoint = "orders")]
pub async fn my_orders() -> Result<Vec<OrderSummary>, AppError> {
    let user = session::require_user().await?;
    store::orders(&state()?.db, user.id).await
}

/// The seller ships an order.
#[server(prefix = "/api", endpoint = "ship_order")]
pub async fn ship_order(
    id: String,
    #[server(default)] carrier: String,
    #[server(default)] tracking: String,
) -> Result<(), AppError> {
    let seller = session::require_user().await?;
    let carrier = parse_text("carrier", &carrier, 2, 60)?;
    let tracking = parse_text("tracking", &tracking, 4, 60)?;
    store::ship(&state()?.db, seller.id, &id, &carrier, &tracking, now()).await
}

/// The seller or the buyer says the parcel arrived.
#[server(prefix = "/api", endpoint = "order_delivered")]
pub async fn mark_delivered(id: String) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let st = state()?;
    store::deliver(&st.db, user.id, &id, st.return_window_secs, now()).await
}

/// The caller's shop report: as a creator, what their links and shop brought; as a seller,
/// what they sold.
#[server(prefix = "/api", endpoint = "shop_report")]
pub async fn get_shop_report() -> Result<ShopReport, AppError> {
    use crate::accounts::types::Role;
    let user = session::require_user().await?;
    if user.role == Role::Fan {
        return Err(AppError::Forbidden);
    }
    super::reports::report(&state()?.db, user.id, user.role == Role::Creator, now()).await
}

/// The seller refunds part of an order (`amount`), or all that is left (`amount` empty).
#[server(prefix = "/api", endpoint = "refund_order")]
pub async fn refund_order(
    id: String,
    #[server(default)] amount: String,
) -> Result<OrderState, AppError> {
    let seller = session::require_user().await?;
    let amount = match amount.trim() {
        "" => None,
        s => Some(
            parse_amount(s, Currency::Eur, 1, i64::MAX / 4)
                .map_err(|p| AppError::invalid("amount", p))?
                .minor,
        ),
    };
    store::refund(&state()?.db, seller.id, &id, amount, now()).await
}
