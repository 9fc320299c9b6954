//! The ledger: double-entry accounts, transfers (pending, posted, voided) and a hash-chained
//! journal. Everything that moves money in Tremplin goes through `store::transfer`,
//! `store::post` and `store::void`;
//! `group::GroupCommit` runs movements that stand alone through the first, many per commit.

pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod group;
#[cfg(feature = "ssr")]
mod hints;
#[cfg(feature = "ssr")]
pub mod journal;
#[cfg(feature = "ssr")]
pub mod store;
