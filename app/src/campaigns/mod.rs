//! Brand campaigns: a brief, deliverables, the audience wanted and a budget per creator. A
//! brand drafts, publishes and closes them; creators browse the published ones, each with how
//! it fits them.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod store;
