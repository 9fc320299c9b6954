//! An external WHIP/WHEP server (MediaMTX and the like) carries the video; it asks Tremplin,
//! through its HTTP authentication callback, whether each publisher or viewer may proceed, and
//! Tremplin ends a stream (a slot over, a key replaced) through its control API.

use app::live::video::{store, stream, Endpoints, IceServers, MediaServer, Seat};
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
    pub ice_servers: IceServers,
    /// Its control API (MediaMTX's `api`, such as `http://127.0.0.1:9997`), to end streams.
    pub api: Option<String>,
}

/// The sessions MediaMTX lists at a time (its default page size).
const PAGE: usize = 100;

#[derive(serde::Deserialize)]
struct SessionList {
    #[serde(rename = "pageCount")]
    pages: usize,
    items: Vec<SessionItem>,
}

#[derive(serde::Deserialize)]
struct SessionItem {
    id: String,
    path: String,
    state: String,
}

/// Kicks whatever publishes to `path` off MediaMTX at `api`: its WebRTC sessions (WHIP from
/// browsers and OBS) in the `publish` state on that path.
async fn kick(http: &reqwest::Client, api: &str, path: &str) -> Result<usize, reqwest::Error> {
    let (mut page, mut kicked) = (0, 0);
    loop {
        let list: SessionList = http
            .get(format!("{api}/v3/webrtcsessions/list"))
            .query(&[("page", page), ("itemsPerPage", PAGE)])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        for session in list.items {
            if session.path == path && session.state == "publish" {
                http.post(format!("{api}/v3/webrtcsessions/kick/{}", session.id))
                    .send()
                    .await?
                    .error_for_status()?;
                kicked += 1;
            }
        }
        page += 1;
        if page >= list.pages {
            return Ok(kicked);
        }
    }
}

impl MediaServer for External {
    fn endpoints(&self) -> Endpoints {
        Endpoints {
            base: self.base.clone(),
            ice_servers: self.ice_servers.clone(),
        }
    }

    /// From now on the token is refused, so the stream cannot come back; the session already
    /// in is kicked through the control API. Without one it lasts until its publisher leaves.
    fn end_stream(&self, event: i64, seat: Seat) {
        let Some(api) = self.api.clone() else {
            return tracing::warn!(
                event,
                ?seat,
                "no TREMPLIN_MEDIA_API: the external server keeps the stream until it ends"
            );
        };
        let path = format!("{event}/{}", seat.as_str());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            match kick(&http, &api, &path).await {
                Ok(kicked) => tracing::info!(path, kicked, "stream ended on the external server"),
                Err(e) => tracing::error!(path, "the external server did not end the stream: {e}"),
            }
        });
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
        .and_then(|(event, seat)| stream(event, seat))
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
