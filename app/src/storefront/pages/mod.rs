//! What the user sees of storefronts.

pub mod catalogue;
pub mod desk;
pub mod shop;
pub mod showcase;
