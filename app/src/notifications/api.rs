//! Notification server functions: always the caller's own.

use leptos::prelude::*;

use super::types::Notification;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::store,
    crate::accounts::session,
    crate::ssr::{now, state},
};

/// How many notifications the caller has not seen; 0 when logged out (the header asks).
#[server(prefix = "/api", endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<u64, AppError> {
    let Some(user) = session::current_user().await? else {
        return Ok(0);
    };
    store::unread_count(&state()?.db, user.id).await
}

/// The caller's latest notifications, which are read from now on; each says whether it was
/// read before.
#[server(prefix = "/api", endpoint = "notifications")]
pub async fn notifications() -> Result<Vec<Notification>, AppError> {
    let user = session::require_user().await?;
    let db = &state()?.db;
    let latest = store::recent(db, user.id, 50).await?;
    if let Some(newest) = latest.first() {
        store::mark_read(db, user.id, newest.id, now()).await?;
    }
    Ok(latest)
}
