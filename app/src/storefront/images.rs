//! Product images: uploaded by the seller through a plain HTTP endpoint (so the browser can
//! show progress), checked from their bytes, bounded in size and number, served as public media.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

use super::rules::{self, IMAGE_MAX_KIB};
use super::store;
use crate::accounts::session;
use crate::error::{AppError, Problem};
use crate::ssr::{now, AppState};

/// The route, `axum` syntax.
pub const ROUTE: &str = "/api/products/{id}/images";
/// The request-body limit for the route: the largest image and nothing more.
pub const BODY_LIMIT: usize = IMAGE_MAX_KIB as usize * 1024;

/// Answers the image's URL as JSON (201), or the error: 413 when the body is over `BODY_LIMIT`.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(product): Path<i64>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let saved = match body {
        Ok(body) => save(&state, &session, product, body).await,
        Err(_) => Err(AppError::invalid(
            "images",
            Problem::TooLarge {
                max_kib: IMAGE_MAX_KIB,
            },
        )),
    };
    match saved {
        Ok(url) => (StatusCode::CREATED, Json(serde_json::json!({ "url": url }))).into_response(),
        Err(e) => e.into_json_response(),
    }
}

async fn save(
    state: &AppState,
    session: &Session,
    product: i64,
    body: Bytes,
) -> Result<String, AppError> {
    let seller = session::user_on(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // Whose product it is, and room for another image, before anything is stored: a
    // stranger's upload must cost no storage, and neither may a seller's past their quota.
    store::may_add_image(&state.db, seller.id, product).await?;
    let limit_key = format!("product-images:{}", seller.id);
    let limit = rules::IMAGE_UPLOADS_PER_SELLER;
    crate::ssr::limiter::enforce(state, &limit_key, limit, now()).await?;
    // Stored before its row, which `add_image` checks again: a file without its row is
    // invisible and harmless; the reverse is not.
    let key = state
        .storage
        .put_image(body, "images", &format!("products/{product}"))
        .await?;
    match store::add_image(&state.db, seller.id, product, &key, now()).await {
        Ok(url) => Ok(url),
        Err(e) => {
            if let Err(gone) = state.storage.delete_picture(&key).await {
                tracing::warn!(key, "could not delete a refused image: {gone}");
            }
            Err(e)
        }
    }
}
