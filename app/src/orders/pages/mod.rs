//! What the user sees of orders.
