//! Video server functions: the host's publishing setup and the fan's stage token.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Endpoints;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {super::store, super::Seat, crate::accounts::session, crate::ssr::state};

/// What a host needs to publish: from the studio, or from OBS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publishing {
    pub endpoints: Endpoints,
    /// The WHIP URL to paste into an encoder, absolute.
    pub whip_url: String,
    /// The bearer token that goes with it.
    pub stream_key: String,
}

#[cfg(feature = "ssr")]
fn absolute(base_url: &str, url: String) -> String {
    if url.starts_with('/') {
        format!("{base_url}{url}")
    } else {
        url
    }
}

/// Where the browser reaches the media server.
#[server(prefix = "/api", endpoint = "video_endpoints")]
pub async fn video_endpoints() -> Result<Endpoints, AppError> {
    Ok(state()?.media.endpoints())
}

/// The caller's publishing setup for their event `id`.
#[server(prefix = "/api", endpoint = "get_publishing")]
pub async fn get_publishing(id: i64) -> Result<Publishing, AppError> {
    let host = session::require_user().await?;
    let state = state()?;
    let stream_key = store::stream_key(&state.db, id, host.id).await?;
    let endpoints = state.media.endpoints();
    Ok(Publishing {
        whip_url: absolute(&state.base_url, endpoints.url(id, Seat::Host, true)),
        endpoints,
        stream_key,
    })
}

/// Replaces the stream key of the caller's event `id` and ends what the old key publishes.
#[server(prefix = "/api", endpoint = "new_stream_key")]
pub async fn new_stream_key(id: i64) -> Result<(), AppError> {
    let host = session::require_user().await?;
    let state = state()?;
    store::new_stream_key(&state.db, id, host.id).await?;
    state.media.end_stream(id, Seat::Host);
    Ok(())
}

/// The token the caller publishes their camera with during their stage slot `slot`.
#[server(prefix = "/api", endpoint = "get_stage_token")]
pub async fn get_stage_token(slot: i64) -> Result<String, AppError> {
    let fan = session::require_user().await?;
    let state = state()?;
    store::stage_token(&state.db, slot, fan.id).await
}
