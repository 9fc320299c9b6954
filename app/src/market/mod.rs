//! The brand–creator marketplace: creators' marketplace profiles (reach, engagement, audience,
//! rate card, availability) and discovery that ranks them fairly, explaining every result.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod store;
