//! The wallet: topping up by card, the balance and its history, receipts.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod store;
