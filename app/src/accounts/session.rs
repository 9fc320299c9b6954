//! Who is calling: the user id kept in the tower-sessions session.

use tower_sessions::Session;

use super::types::SessionUser;
use crate::error::AppError;
use crate::ssr::{internal, state};

const USER_ID: &str = "user_id";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The id of the user logged in on `session`, if any.
pub async fn user_id(session: &Session) -> Result<Option<i64>, AppError> {
    session.get::<i64>(USER_ID).await.map_err(internal)
}

/// The logged-in user, if any.
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let Some(id) = user_id(&session().await?).await? else {
        return Ok(None);
    };
    super::store::session_user(&state()?.db, id).await
}

/// The logged-in user, or `Unauthenticated`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// Starts an authenticated session under a new id, so an id planted before login is useless.
pub async fn log_in(user_id: i64) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, user_id).await.map_err(internal)
}

pub async fn log_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}
