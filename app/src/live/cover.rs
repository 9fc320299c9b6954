//! An event's cover image: uploaded by its host through a plain HTTP endpoint (so the browser
//! shows progress), checked from its bytes, bounded in size; a new one replaces the old.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

use super::rules::COVER_MAX_KIB;
use super::store;
use crate::accounts::session;
use crate::error::{AppError, Problem};
use crate::ssr::storage::media_url;
use crate::ssr::{now, AppState};

/// The route, `axum` syntax.
pub const ROUTE: &str = "/api/events/{id}/cover";
/// The request-body limit for the route: the largest cover and nothing more.
pub const BODY_LIMIT: usize = COVER_MAX_KIB as usize * 1024;

/// Answers the cover's URL as JSON, or the error: 413 when the body is over `BODY_LIMIT`.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(event): Path<i64>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let saved = match body {
        Ok(body) => save(&state, &session, event, body).await,
        Err(_) => Err(AppError::invalid(
            "cover",
            Problem::TooLarge {
                max_kib: COVER_MAX_KIB,
            },
        )),
    };
    match saved {
        Ok(url) => Json(serde_json::json!({ "url": url })).into_response(),
        Err(e) => (e.status(), Json(e)).into_response(),
    }
}

async fn save(
    state: &AppState,
    session: &Session,
    event: i64,
    body: Bytes,
) -> Result<String, AppError> {
    let host = session::user_on(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // Checked before storing, so a stranger's upload never reaches the storage.
    store::check_host(&state.db, event, host.id).await?;
    let limit_key = format!("cover-uploads:{}", host.id);
    let limit = crate::accounts::rules::PICTURE_UPLOADS_PER_HOUR;
    crate::ssr::limiter::enforce(state, &limit_key, limit, now()).await?;
    let key = state
        .storage
        .put_image(body, "cover", &format!("events/{event}"))
        .await?;
    let old = match store::set_cover(&state.db, event, host.id, &key).await {
        Ok(old) => old,
        Err(e) => {
            if let Err(gone) = state.storage.delete_picture(&key).await {
                tracing::warn!(key, "could not delete a refused cover: {gone}");
            }
            return Err(e);
        }
    };
    if let Some(old) = old {
        // A stale file is harmless; failing the upload for it would not be.
        if let Err(e) = state.storage.delete_picture(&old).await {
            tracing::warn!(key = old, "could not delete an old cover: {e}");
        }
    }
    Ok(media_url(&key))
}
