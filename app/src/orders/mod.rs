//! Orders: the cart (in the session), checkout with stock reserved atomically, payment from
//! the wallet or by card, fulfilment by the seller, refunds, and the creator's commission held
//! through the return window and clawed back by a refund.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod cart;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod store;

/// Where the caller's sold and brought orders download as CSV.
pub const CSV_PATH: &str = "/reports/orders.csv";
