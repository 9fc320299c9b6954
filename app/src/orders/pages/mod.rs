//! What the user sees of orders.

pub mod cart;
pub mod order;
pub mod reports;
