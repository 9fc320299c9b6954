//! Accounts: sign-up, login, sessions, password reset, profiles and follows.

/// Where the browser posts a new avatar (a plain endpoint, for upload progress).
pub const AVATAR_PATH: &str = "/api/avatar";

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod avatar;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
