//! What browsers keep, and how much crosses the wire.
//!
//! The build's files carry a hash of their content in their name (`/pkg/tremplin.<hash>.wasm`):
//! a name never changes meaning, so browsers keep them a year without asking. Everything else is
//! checked on each use, cheaply: a page carries an `ETag` and an unchanged one costs a 304, other
//! files their `Last-Modified`. So a deploy is seen at once and a second visit downloads the
//! HTML alone. Text answers are compressed (gzip); the build's own files were compressed at
//! build time (Brotli and gzip) and are sent as they are.

use std::hash::{Hash, Hasher};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;

use crate::security::{CspNonce, SESSION_COOKIE};
use crate::LANGUAGE_COOKIE;

const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// Pages may be someone's own (their orders, their wallet): browsers only, never a shared cache.
const PAGE: HeaderValue = HeaderValue::from_static("private, no-cache");
/// The largest page given a validator; a larger one would be a bug, and is refused.
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// Marks a response that must go out exactly as its handler wrote it: the payments webhook's
/// answer, a WebSocket upgrade.
#[derive(Clone, Copy)]
pub struct Uncompressed;

pub async fn uncompressed(mut response: Response) -> Response {
    response.extensions_mut().insert(Uncompressed);
    response
}

/// Compresses text answers for clients that accept it, with gzip: Brotli (even at quality 4)
/// cut a signed-in shop page's throughput by 28% against 2% for gzip, for a page 1 KB smaller.
/// The build's files are Brotli, made once at build time. Pictures and archives are compressed
/// already; the default predicate also leaves out tiny bodies and event streams.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let not_marked =
        |_: StatusCode, _: http::Version, headers: &HeaderMap, ext: &http::Extensions| {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            ext.get::<Uncompressed>().is_none()
                && !content_type.is_empty()
                && ![
                    "video/",
                    "audio/",
                    "application/zip",
                    "application/gzip",
                    // A precompressed file asked for by its own name (`.wasm.br`).
                    "application/octet-stream",
                ]
                .iter()
                .any(|t| content_type.starts_with(t))
        };
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_marked))
}

/// Whether a build file's name carries its content hash, as cargo-leptos writes it: a 22
/// character base64url MD5 between the name and the extension (`tremplin.<hash>.wasm`).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Sets how long static files are kept, and gives pages a validator (see the module's
/// comment). Inside the page cache, which keeps a page with its validator and checks it again
/// on every hit, so a page is hashed once per rendering.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request.uri().path().to_owned();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let language = app::ssr::cookies(request.headers(), LANGUAGE_COOKIE).pop();
    let breach_exposed = breach_exposed(request.headers());
    let mut response = next.run(request).await;
    if breach_exposed {
        response.extensions_mut().insert(Uncompressed);
    }
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    // Someone's own data (server functions' answers, the orders CSV): never kept anywhere.
    if path.starts_with("/api/") || path == app::orders::CSV_PATH {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, NO_STORE);
        return response;
    }
    if !readable {
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        drop_repeated_language(response.headers_mut(), language.as_deref());
        return validated_page(response, if_none_match).await;
    }
    let ok = matches!(
        response.status(),
        StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
    );
    if ok && path.starts_with("/pkg/") {
        let value = if is_hashed(&path) {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, value);
        // The file was chosen (.br, .gz or plain) by the client's Accept-Encoding: a shared
        // cache must not hand one client's choice to another.
        if !headers.contains_key(header::VARY) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    } else if ok && response.headers().contains_key(header::LAST_MODIFIED) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, REVALIDATE);
    }
    response
}

/// Whether compressing the answer could leak a secret to someone watching its size (BREACH): it
/// is someone's own (the request carries a session) and another site may have sent the request,
/// with text of the attacker's choosing in its URL that the page repeats. Browsers say where a
/// request comes from (`Sec-Fetch-Site`); a request that does not say is treated as exposed.
fn breach_exposed(headers: &HeaderMap) -> bool {
    let own = app::ssr::cookie(headers, SESSION_COOKIE).is_some();
    let ours = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site == "same-origin" || site == "none");
    own && !ours
}

/// leptos_i18n sets the language cookie again on every page it renders for a visitor who has it:
/// a `Set-Cookie` that only repeats what the browser sent would make every page uncacheable.
fn drop_repeated_language(headers: &mut HeaderMap, sent: Option<&str>) {
    let Some(sent) = sent else { return };
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|value| {
            let repeated = value
                .to_str()
                .ok()
                .and_then(|v| cookie::Cookie::parse(v).ok())
                .is_some_and(|c| c.name() == LANGUAGE_COOKIE && c.value() == sent);
            !repeated
        })
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for value in kept {
        headers.append(header::SET_COOKIE, value);
    }
}

/// A page's `ETag` is a hash of its HTML without the response's CSP nonce, which changes on
/// every request while the page does not. A 304 leaves the Content-Security-Policy out: the
/// browser keeps the page it has with the policy that came with it, whose nonce it carries.
async fn validated_page(response: Response, if_none_match: Option<HeaderValue>) -> Response {
    let cacheable =
        response.status() == StatusCode::OK && !response.headers().contains_key(header::SET_COOKIE);
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(header::CACHE_CONTROL, PAGE);
    if !cacheable {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!("a page could not be read whole: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone());
    let Ok(etag) = HeaderValue::from_str(&etag_of(&bytes, nonce.as_deref())) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, etag);
    not_modified(if_none_match.as_ref(), &parts.headers)
        .unwrap_or_else(|| Response::from_parts(parts, Body::from(bytes)))
}

/// A 304 for a page the browser already has (`if_none_match` names the ETag among `headers`):
/// only the validator and caching headers, not the Content-Security-Policy (see above).
pub fn not_modified(if_none_match: Option<&HeaderValue>, headers: &HeaderMap) -> Option<Response> {
    let etag = headers.get(header::ETAG)?;
    let known = if_none_match
        .and_then(|v| v.to_str().ok())?
        .split(',')
        .map(str::trim)
        .any(|tag| tag == etag || tag == "*");
    if !known {
        return None;
    }
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    for name in [header::ETAG, header::CACHE_CONTROL] {
        if let Some(value) = headers.get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    // As the 200 would say: the page is sent compressed or not by Accept-Encoding.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Some(response)
}

/// A weak validator (the same page, not necessarily the same bytes on the wire once
/// compressed), from the HTML with every occurrence of the nonce left out.
fn etag_of(html: &[u8], nonce: Option<&str>) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    match nonce.filter(|n| !n.is_empty()) {
        Some(nonce) => {
            let mut rest = html;
            while let Some(at) = memchr::memmem::find(rest, nonce.as_bytes()) {
                rest[..at].hash(&mut hasher);
                rest = &rest[at + nonce.len()..];
            }
            rest.hash(&mut hasher);
        }
        None => html.hash(&mut hasher),
    }
    format!("W/\"{:016x}\"", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_hashed("/pkg/tremplin.AbCdEfGhIjKlMnOpQrSt_-.wasm"));
        assert!(is_hashed("/pkg/tremplin.AbCdEfGhIjKlMnOpQrSt_-.css"));
        assert!(!is_hashed("/pkg/tremplin.wasm"));
        assert!(!is_hashed("/pkg/tremplin_bg.wasm"));
        assert!(!is_hashed("/pkg/AbCdEfGhIjKlMnOpQrSt_-.wasm"));
        assert!(!is_hashed("/pkg/tremplin.AbCdEfGhIjKlMnOpQrSt.wasm"));
        assert!(!is_hashed("/pkg/tremplin.AbCdEfGhIjKlMnOpQrS/t_-.wasm"));
    }

    #[test]
    fn the_nonce_does_not_change_a_page_s_validator() {
        let page = |nonce: &str| format!("<script nonce=\"{nonce}\">a</script><p>{nonce}</p>");
        let a = etag_of(page("0123abcd").as_bytes(), Some("0123abcd"));
        let b = etag_of(page("ffff9999").as_bytes(), Some("ffff9999"));
        assert_eq!(a, b);
        let other = etag_of(
            b"<script nonce=\"0123abcd\">b</script><p>0123abcd</p>",
            Some("0123abcd"),
        );
        assert_ne!(a, other, "another page, another validator");
        assert!(a.starts_with("W/\""));
    }
}
