//! An external WHIP/WHEP server (MediaMTX and the like) carries the video; it asks Tremplin,
//! through its HTTP authentication callback, whether each publisher or viewer may proceed.

use app::live::video::{store, Endpoints, MediaServer, Seat};
use app::ssr::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Where browsers reach the external server.
#[derive(Clone, Debug)]
pub struct External {
    /// Its public base URL, such as `https://media.example.org:8889`.
    pub base: String,
    pub ice_servers: Vec<String>,
}

impl MediaServer for External {
    fn endpoints(&self) -> Endpoints {
        Endpoints {
            base: self.base.clone(),
            ice_servers: self.ice_servers.clone(),
        }
    }

    /// The external server keeps a session it has let in; from now on it is refused the
    /// token, so the stream cannot come back.
    fn end_stream(&self, event: i64, seat: Seat) {
        tracing::info!(
            event,
            ?seat,
            "stream ended: the external server refuses its token now"
        );
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// What MediaMTX's `authHTTPAddress` callback posts.
#[derive(serde::Deserialize)]
pub struct AuthRequest {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    action: String,
    path: String,
}

/// `POST /stream/auth`: 200 lets the publisher or viewer in, 401 turns them away.
pub async fn auth(State(state): State<AppState>, Json(request): Json<AuthRequest>) -> Response {
    let Some((event, seat)) = request
        .path
        .split_once('/')
        .and_then(|(event, seat)| Some((event.parse::<i64>().ok()?, Seat::parse(seat)?)))
    else {
        return (StatusCode::UNAUTHORIZED, "unknown stream").into_response();
    };
    // OBS and browsers send the key as a bearer token; other clients as a password.
    let token = if request.token.is_empty() {
        &request.password
    } else {
        &request.token
    };
    let allowed = match request.action.as_str() {
        "publish" => store::may_publish(&state.db, event, seat, token).await,
        "read" => store::may_watch(&state.db, event, seat).await,
        _ => return (StatusCode::UNAUTHORIZED, "not allowed").into_response(),
    };
    match allowed {
        Ok(()) => StatusCode::OK.into_response(),
        Err(refusal) => (StatusCode::UNAUTHORIZED, super::http::reason(refusal)).into_response(),
    }
}
