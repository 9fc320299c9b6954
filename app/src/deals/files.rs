//! A delivery's files: uploaded by the creator through a plain HTTP endpoint (so the browser
//! can show progress), bounded in size, stored privately and served only to the deal's two
//! parties, always as a download.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

use super::rules::{self, FILE_MAX_MIB};
use super::store::{self, NewFile};
use crate::accounts::session;
use crate::error::{AppError, Problem};
use crate::ssr::{internal, now, AppState};

/// The upload route, `axum` syntax.
pub const UPLOAD_ROUTE: &str = "/api/deals/{id}/files";
/// The download route.
pub const DOWNLOAD_ROUTE: &str = "/deals/{id}/files/{file}";
/// The request-body limit for the upload route: the largest file and nothing more.
pub const BODY_LIMIT: usize = FILE_MAX_MIB as usize * 1024 * 1024;

/// Answers the new file as JSON (201), or the error: 413 when the body is over `BODY_LIMIT`.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(deal): Path<i64>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return error_response(AppError::invalid(
            "files",
            Problem::TooLarge {
                max_kib: FILE_MAX_MIB * 1024,
            },
        ));
    };
    match save(&state, &session, deal, &headers, body).await {
        Ok(file) => (StatusCode::CREATED, Json(file)).into_response(),
        Err(e) => error_response(e),
    }
}

async fn save(
    state: &AppState,
    session: &Session,
    deal: i64,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<super::types::DealFile, AppError> {
    let user = session::user_on(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if body.is_empty() {
        return Err(AppError::invalid("files", Problem::Required));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let raw_name = header("x-file-name").unwrap_or_default();
    let name =
        rules::file_name(&percent_encoding::percent_decode_str(raw_name).decode_utf8_lossy());
    // Only stored and sent back as a download, so any type is harmless; keep a sane one.
    let content_type = header("content-type")
        .filter(|t| t.len() <= 100 && t.contains('/') && !t.contains(['\r', '\n']))
        .unwrap_or("application/octet-stream")
        .to_owned();
    let size = body.len() as u64;
    // Who may add it, and room for it, before anything is stored: a stranger's upload must
    // cost no storage, and neither may a party's past their quota.
    store::may_add_file(&state.db, deal, user.id, size).await?;
    let key_of_limit = format!("deal-files:{}", user.id);
    crate::ssr::limiter::enforce(state, &key_of_limit, rules::FILE_UPLOADS_PER_USER, now()).await?;
    let key = format!("deliveries/{deal}/{}", crate::ssr::random_hex(12));
    let file = NewFile {
        key: key.clone(),
        name,
        content_type,
        size,
    };
    // Stored before its row, which `add_file` checks again: a file without its row is
    // invisible and harmless; the reverse is not.
    state.storage.put(&key, body).await.map_err(internal)?;
    match store::add_file(&state.db, deal, user.id, &file, now()).await {
        Ok(file) => Ok(file),
        Err(e) => {
            if let Err(gone) = state.storage.delete(&key).await {
                tracing::warn!(key, "could not delete a refused upload: {gone}");
            }
            Err(e)
        }
    }
}

/// Sends a deal's file to one of its two parties, as an attachment.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path((deal, file)): Path<(i64, i64)>,
) -> Response {
    let result = async {
        let user = session::user_on(&state.db, &session)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (key, name, content_type) = store::file(&state.db, deal, user.id, file).await?;
        let stored = state
            .storage
            .get(&key)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        Ok::<_, AppError>((name, content_type, stored.bytes))
    }
    .await;
    match result {
        Ok((name, content_type, bytes)) => {
            let encoded =
                percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC);
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename*=UTF-8''{encoded}"),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => (e.status(), e.to_string()).into_response(),
    }
}

fn error_response(e: AppError) -> Response {
    e.into_json_response()
}
