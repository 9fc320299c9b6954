//! Deals between a brand and a creator: an offer or an application, a thread of messages and
//! counter-offers, then escrow (a hold on the brand's wallet), delivery, approval or revision,
//! and release to the creator's earnings, by the brand or by the clock.

pub mod api;
#[cfg(feature = "ssr")]
pub mod files;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod store;

/// Where the creator uploads a delivery's files (`{id}`: the deal): a plain endpoint, for
/// upload progress.
pub fn files_path(deal: i64) -> String {
    format!("/api/deals/{deal}/files")
}
