//! Avatar upload: a plain HTTP endpoint (not a server function) so the browser can report
//! upload progress. The body is the image itself, bounded in size and checked from its bytes.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

use super::rules::{AVATAR_MAX_KIB, PICTURE_UPLOADS_PER_HOUR};
use super::{session, store};
use crate::error::{AppError, Problem};
use crate::ssr::{now, AppState};

/// The request-body limit for the route: the largest avatar plus nothing.
pub const BODY_LIMIT: usize = AVATAR_MAX_KIB as usize * 1024;

/// Answers 413 when the body is over `BODY_LIMIT` (axum's `DefaultBodyLimit` on the route).
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return error_response(AppError::invalid(
            "avatar",
            Problem::TooLarge {
                max_kib: AVATAR_MAX_KIB,
            },
        ));
    };
    match save(&state, &session, body).await {
        Ok(url) => Json(serde_json::json!({ "avatar_url": url })).into_response(),
        Err(e) => error_response(e),
    }
}

async fn save(state: &AppState, session: &Session, body: Bytes) -> Result<String, AppError> {
    let user_id = session::user_on(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?
        .id;
    let limit_key = format!("avatar-uploads:{user_id}");
    crate::ssr::limiter::enforce(state, &limit_key, PICTURE_UPLOADS_PER_HOUR, now()).await?;
    let key = state
        .storage
        .put_image(body, "avatar", &format!("avatars/{user_id}"))
        .await?;
    let old = match store::set_avatar(&state.db, user_id, &key).await {
        Ok(old) => old,
        Err(e) => {
            if let Err(gone) = state.storage.delete_picture(&key).await {
                tracing::warn!(key, "could not delete a refused avatar: {gone}");
            }
            return Err(e);
        }
    };
    if let Some(old) = old {
        // A stale file is harmless; failing the upload for it would not be.
        if let Err(e) = state.storage.delete_picture(&old).await {
            tracing::warn!(key = old, "could not delete old avatar: {e}");
        }
    }
    Ok(store::avatar_url(Some(key)).unwrap_or_default())
}

fn error_response(e: AppError) -> Response {
    (e.status(), Json(e)).into_response()
}
