//! Merch pinned to a live event: the host picks up to a few products from their published
//! shop; fans buy one on the event page without leaving it, paid from their wallet at once,
//! and the room says so. A sale counts for the host's shop like any other, and for the
//! event's running totals.

use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;

pub mod api;
pub mod view;

#[cfg(feature = "ssr")]
pub mod store;

/// One product of the host's shop, in the studio, with whether it is pinned to the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChoice {
    pub product: i64,
    pub title: String,
    pub image: Option<String>,
    pub price: Money,
    pub pinned: bool,
}

/// What the event's merch sold, paid orders only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchSales {
    pub orders: u32,
    pub total: Money,
}

/// What a fan's purchase made: the checkout to follow it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bought {
    pub checkout: String,
    pub title: String,
    pub paid: Money,
}
