//! The notification centre: what happened that concerns a user, with an unread count in the
//! header. Other domains call `store::notify` inside their own transaction.

pub mod api;
pub mod pages;
pub mod types;

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod store;
