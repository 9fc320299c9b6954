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
pub mod store;
