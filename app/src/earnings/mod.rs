//! Earnings: what creators and sellers earned (by source), and payouts to their bank account,
//! settled by the payment processor or by an operator.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod store;
