//! WHIP (RFC 9725) and WHEP over the built-in media server: `POST` an SDP offer to
//! `/stream/{event}/{seat}/whip` (with a bearer token) or `/whep`, get `201 Created` with the
//! answer and the session's `Location`; `DELETE` that location to end it. Trickle ICE is not
//! offered (`PATCH` gets 405): the server is ICE-lite and learns the peer from its checks.

use app::accounts::rules::RateLimit;
use app::live::video::store::{self, Refusal};
use app::live::video::{self, Seat, EMBEDDED_BASE};
use app::ssr::{AppState, ClientIp};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use bytes::Bytes;
use uuid::Uuid;

use super::{Embedded, OpenError};

/// An SDP offer is a few kilobytes; anything far larger is not one.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Where sessions live under the built-in server's base; `DELETE` there ends one.
pub const SESSIONS: &str = "sessions";
/// The whole answer to an offer that does not parse.
pub const MALFORMED_OFFER: &str = "malformed SDP offer";
/// How long a viewer waits before asking again for an event that is not live.
const RETRY_SECS: &str = "5";

#[derive(Clone)]
pub struct MediaState {
    pub app: AppState,
    pub sfu: Embedded,
    pub per_ip: RateLimit,
}

/// A short reason, the status's body.
fn refuse(status: StatusCode, reason: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain")],
        reason.to_owned(),
    )
        .into_response()
}

/// A refusal that tells the peer one more thing in `header` (when to retry, how to log in).
fn refuse_with(
    status: StatusCode,
    reason: &str,
    header: header::HeaderName,
    value: HeaderValue,
) -> Response {
    let mut response = refuse(status, reason);
    response.headers_mut().insert(header, value);
    response
}

/// What a refusal says to the peer.
pub fn reason(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::UnknownEvent => "no such event",
        Refusal::WrongToken => "this token does not publish this stream",
        Refusal::NotLive => "not on air now",
        Refusal::Unavailable => "try again shortly",
    }
}

/// Checks what every session request shares: the stream named, the body an SDP offer, the
/// caller within its rate. Returns the stream.
async fn admit(
    media: &MediaState,
    ip: ClientIp,
    (event, seat): &(String, String),
    headers: &HeaderMap,
) -> Result<(i64, Seat), Response> {
    let Some(stream) = video::stream(event, seat) else {
        return Err(refuse(StatusCode::NOT_FOUND, "no such stream"));
    };
    let sdp = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/sdp"));
    if !sdp {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send an SDP offer as application/sdp",
        ));
    }
    let now = app::ssr::now();
    let key = format!("media:{}", ip.bucket());
    match app::ssr::limiter::hit(&media.app, &key, media.per_ip, now).await {
        Ok(None) => Ok(stream),
        Ok(Some(wait)) => Err(refuse_with(
            StatusCode::TOO_MANY_REQUESTS,
            "too many sessions",
            header::RETRY_AFTER,
            HeaderValue::from(wait),
        )),
        Err(e) => {
            tracing::error!("media rate limit: {e}");
            Err(refused(Refusal::Unavailable, false))
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// `POST /stream/{event}/{seat}/whip`: a publisher's offer.
pub async fn whip(
    State(media): State<MediaState>,
    Extension(ip): Extension<ClientIp>,
    Path(stream): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    offer(&media, ip, &stream, &headers, &body, true).await
}

/// `POST /stream/{event}/{seat}/whep`: a viewer's offer.
pub async fn whep(
    State(media): State<MediaState>,
    Extension(ip): Extension<ClientIp>,
    Path(stream): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    offer(&media, ip, &stream, &headers, &body, false).await
}

/// Answers an offer to publish (with a bearer token) or to watch `stream`.
async fn offer(
    media: &MediaState,
    ip: ClientIp,
    stream: &(String, String),
    headers: &HeaderMap,
    body: &[u8],
    publisher: bool,
) -> Response {
    let (event, seat) = match admit(media, ip, stream, headers).await {
        Ok(stream) => stream,
        Err(refused) => return refused,
    };
    let allowed = if publisher {
        let Some(token) = bearer(headers) else {
            return refuse_with(
                StatusCode::UNAUTHORIZED,
                "a bearer token is required",
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer"),
            );
        };
        store::may_publish(&media.app.db, event, seat, token).await
    } else {
        store::may_watch(&media.app.db, event, seat).await
    };
    match allowed {
        Ok(()) => answer(media, event, seat, publisher, body).await,
        Err(refusal) => refused(refusal, publisher),
    }
}

/// How a refusal is answered. A stream that is not on air is forbidden to its publisher for
/// now; a viewer is told to come back.
fn refused(refusal: Refusal, publisher: bool) -> Response {
    let later = |status| {
        refuse_with(
            status,
            reason(refusal),
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_SECS),
        )
    };
    match refusal {
        Refusal::UnknownEvent => refuse(StatusCode::NOT_FOUND, reason(refusal)),
        Refusal::WrongToken => refuse(StatusCode::UNAUTHORIZED, reason(refusal)),
        Refusal::NotLive if publisher => refuse(StatusCode::FORBIDDEN, reason(refusal)),
        Refusal::NotLive => later(StatusCode::CONFLICT),
        Refusal::Unavailable => later(StatusCode::SERVICE_UNAVAILABLE),
    }
}

async fn answer(
    media: &MediaState,
    event: i64,
    seat: Seat,
    publisher: bool,
    body: &[u8],
) -> Response {
    let Ok(offer) = std::str::from_utf8(body) else {
        return refuse(StatusCode::BAD_REQUEST, "the offer is not UTF-8 text");
    };
    match media.sfu.open(event, seat, publisher, offer).await {
        Ok((id, answer)) => {
            let location = format!("{EMBEDDED_BASE}/{SESSIONS}/{id}");
            (
                StatusCode::CREATED,
                [
                    (header::CONTENT_TYPE, "application/sdp".to_owned()),
                    (header::LOCATION, location),
                    (header::ETAG, format!("\"{id}\"")),
                ],
                answer,
            )
                .into_response()
        }
        // The parser's message quotes its own internals (heap addresses among them): the peer
        // gets a fixed reason, the log the detail.
        Err(OpenError::Sdp(detail)) => {
            tracing::info!(event, publisher, "malformed SDP offer: {detail}");
            refuse(StatusCode::BAD_REQUEST, MALFORMED_OFFER)
        }
        Err(e @ OpenError::Taken) => refuse(StatusCode::CONFLICT, &e.to_string()),
        Err(e @ (OpenError::Full | OpenError::Down)) => refuse_with(
            StatusCode::SERVICE_UNAVAILABLE,
            &e.to_string(),
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_SECS),
        ),
    }
}

/// `DELETE /stream/sessions/{id}`: ends a session. Its unguessable id is what lets the peer
/// that opened it end it. Idempotent: a session the server already ended (the stream stopped,
/// the slot finished) answers 204 rather than an error in every leaving viewer's console; 200
/// means this request ended it.
pub async fn end(State(media): State<MediaState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return refuse(StatusCode::NOT_FOUND, "no such session");
    };
    match media.sfu.close(id).await {
        true => StatusCode::OK.into_response(),
        false => StatusCode::NO_CONTENT.into_response(),
    }
}
