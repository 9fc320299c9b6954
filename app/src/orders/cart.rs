//! The cart, kept in the visitor's session: variants, quantities and the shop each came from,
//! never prices.

use tower_sessions::Session;

use super::rules::{MAX_LINES, MAX_QUANTITY};
use super::types::CartLine;
use crate::error::{AppError, Problem};
use crate::ssr::internal;

const CART: &str = "cart";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The lines of the caller's cart.
pub async fn lines() -> Result<Vec<CartLine>, AppError> {
    Ok(session()
        .await?
        .get::<Vec<CartLine>>(CART)
        .await
        .map_err(internal)?
        .unwrap_or_default())
}

async fn save(lines: &[CartLine]) -> Result<(), AppError> {
    session().await?.insert(CART, lines).await.map_err(internal)
}

/// Adds `quantity` of a variant; the same variant again adds to its line (and keeps the
/// latest shop it came from).
pub async fn add(variant: i64, quantity: u32, shop: Option<i64>) -> Result<(), AppError> {
    let mut lines = lines().await?;
    let full = lines.len() >= MAX_LINES;
    match lines.iter_mut().find(|l| l.variant == variant) {
        Some(line) => {
            line.quantity = (line.quantity + quantity).min(MAX_QUANTITY);
            line.shop = shop.or(line.shop);
        }
        None if full => {
            return Err(AppError::invalid(
                "quantity",
                Problem::TooMany {
                    max: MAX_LINES as u32,
                },
            ))
        }
        None => lines.push(CartLine {
            variant,
            quantity,
            shop,
        }),
    }
    save(&lines).await
}

/// Sets a line's quantity; zero removes it.
pub async fn set(variant: i64, quantity: u32) -> Result<(), AppError> {
    let mut lines = lines().await?;
    match quantity {
        0 => lines.retain(|l| l.variant != variant),
        n => lines
            .iter_mut()
            .filter(|l| l.variant == variant)
            .for_each(|l| l.quantity = n),
    }
    save(&lines).await
}

/// Empties the cart once its checkout went through.
pub async fn clear() -> Result<(), AppError> {
    save(&[]).await
}

/// A quantity as typed: a whole number from 1 (0 too, with `zero_ok`) to the most one line holds.
pub fn parse_quantity(s: &str, zero_ok: bool) -> Result<u32, AppError> {
    let min = u32::from(!zero_ok);
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=MAX_QUANTITY).contains(n))
        .ok_or_else(|| AppError::invalid("quantity", Problem::InvalidNumber))
}
