//! Server-only plumbing shared by every domain: the state handed to server functions, the
//! database handle, and the traits behind which external services sit.

pub mod db;
pub mod limiter;
pub mod mailer;
pub mod payments;
pub mod pictures;
pub mod storage;

use std::sync::Arc;

use crate::error::AppError;

pub use db::Db;
pub use mailer::{Mail, Mailer};
pub use payments::PaymentProvider;
pub use storage::{Storage, StoredFile};

/// Everything a server function may need, provided as Leptos context and axum state.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Movements that stand alone (gifts, donations, tips), many per commit.
    pub ledger: crate::ledger::group::GroupCommit,
    /// Live rooms' fan-out to this instance's viewers (and, on PostgreSQL, to the others').
    pub room: crate::live::room::hub::Hub,
    /// The media server carrying live video.
    pub media: Arc<dyn crate::live::video::MediaServer>,
    pub mailer: Arc<dyn Mailer>,
    pub storage: Storage,
    pub payments: Arc<dyn PaymentProvider>,
    /// Public base URL without a trailing slash, used in links that leave the site (emails).
    pub base_url: String,
    /// The smallest payout, in cents.
    pub payout_minimum: i64,
    /// Hashes and verifies passwords, a bounded number at a time (expensive in production,
    /// cheaper in tests so suites stay fast).
    pub passwords: crate::accounts::password::Hasher,
    /// The time the background workers go by.
    pub clock: Clock,
    /// How long a brand has to review a delivery, for deals opened from now on.
    pub deal_review_secs: i64,
    /// How long a checkout holds its stock while the buyer pays.
    pub checkout_hold_secs: i64,
    /// How long after delivery a buyer may return, before a commission is released.
    pub return_window_secs: i64,
    /// Accounts one client address may open (`TREMPLIN_SIGNUPS_PER_HOUR`).
    pub signups_per_ip: crate::accounts::rules::RateLimit,
    /// The in-memory layer in front of the rate-limit counters (see [`limiter::hit`]).
    pub limiter: limiter::Limiter,
    /// The operator's legal notice and contact, shown in every footer.
    pub operator: crate::site::operator::Operator,
}

/// The time workers act on (holds expiring, review windows ending): the system's, plus an
/// offset that only end-to-end tests move forward, so a 72-hour window can end in a second.
#[derive(Clone, Default)]
pub struct Clock(Arc<std::sync::atomic::AtomicI64>);

impl Clock {
    pub fn now(&self) -> i64 {
        now() + self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves this clock `secs` ahead (back, for a test that puts it back); returns its time.
    pub fn advance(&self, secs: i64) -> i64 {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::Relaxed);
        self.now()
    }
}

/// The address of the person making the request: the peer, or what a trusted proxy in front
/// says it is. Set on every request by the server's middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

impl ClientIp {
    /// The address as per-address limits count it (see [`crate::accounts::rules::address_bucket`]).
    pub fn bucket(self) -> std::net::IpAddr {
        crate::accounts::rules::address_bucket(self.0)
    }
}

/// The value of cookie `name` in a request's `Cookie` headers, if it has one.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    cookies(headers, name).into_iter().next()
}

/// Every value of cookie `name` in a request's `Cookie` headers, in order (the last one is what
/// leptos_i18n reads for the language).
pub fn cookies(headers: &http::HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(::cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .collect()
}

/// Whether a request comes from a plain HTML form (a browser without JavaScript), which wants a
/// redirect, rather than from the page's own code, which wants data.
pub fn wants_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The application state from Leptos context; missing context is a wiring bug, reported as internal.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| internal("AppState missing from context"))
}

/// Logs `cause` under the current request id and returns the error the user sees.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let request_id = request_id();
    tracing::error!(%request_id, "internal error: {cause}");
    AppError::Internal { request_id }
}

/// The id given to this request by the request-id middleware, or "-" outside a request.
pub fn request_id() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "-".to_owned())
}

/// `bytes` random bytes from the OS-seeded generator, as hex: ids, file names and secrets.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut random = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut random);
    hex::encode(random)
}

/// Seconds since the Unix epoch: the one timestamp format stored in both databases.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
