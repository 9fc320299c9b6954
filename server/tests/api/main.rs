//! The black-box tests, through HTTP against the real router and on a real database (SQLite,
//! or PostgreSQL with `TREMPLIN_TEST_POSTGRES`). One test binary for all of them: each binary
//! links the whole application, so one per file multiplied the link time and the disk used.
// Helpers fail the test on an unexpected answer, like the tests themselves.
#![allow(clippy::unwrap_used)]

mod common;

mod accounts;
mod authorization;
mod caching;
mod campaigns;
mod crash;
mod deals;
mod earnings;
mod email_links;
mod hostile;
mod ledger;
mod limits;
mod live;
mod market;
mod merch;
mod notifications;
mod pictures;
mod platform;
mod profiles;
mod room;
mod shop;
mod stripe;
mod video;
mod wallet;
