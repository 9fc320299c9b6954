//! Paid live events: a creator schedules an event, sets what they offer (donations, stage
//! slots with a price, a length and a purpose), fans book slots with their money held, and
//! during the event the host brings fans backstage and on stage; a slot that happens is
//! charged, every other end refunds it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cover;
pub mod merch;
pub mod pages;
pub mod room;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod stage;
pub mod types;
pub mod video;

#[cfg(feature = "ssr")]
pub mod store;

/// Where a host uploads event `event`'s cover image.
pub fn cover_path(event: i64) -> String {
    format!("/api/events/{event}/cover")
}
