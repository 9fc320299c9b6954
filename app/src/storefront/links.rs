//! Affiliate links: `/r/{code}` counts the click (once per visitor and day), remembers it in a
//! first-party cookie for the attribution window, and leads to the creator's shop or product.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::store;
use crate::orders::rules::ATTRIBUTION_SECS;
use crate::ssr::{now, AppState};

/// The route, `axum` syntax.
pub const ROUTE: &str = "/r/{code}";
/// The cookie naming the last click, read at checkout.
pub const CLICK_COOKIE: &str = "tremplin_ref";
/// A random id per browser, so that a visitor's repeated clicks count once a day.
const VISITOR_COOKIE: &str = "tremplin_v";

/// The value of cookie `name` in a request's headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub async fn follow(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let visitor = cookie(&headers, VISITOR_COOKIE).unwrap_or_else(|| crate::ssr::random_hex(16));
    match store::click(&state.db, &code, &visitor, now()).await {
        Ok(Some((token, path))) => {
            let secure = if state.base_url.starts_with("https://") {
                "; Secure"
            } else {
                ""
            };
            let set = |name: &str, value: &str, max_age: i64| {
                HeaderValue::from_str(&format!(
                    "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
                ))
            };
            let mut response = Redirect::to(&path).into_response();
            for cookie in [
                set(CLICK_COOKIE, &token, ATTRIBUTION_SECS),
                set(VISITOR_COOKIE, &visitor, 365 * 24 * 3600),
            ]
            .into_iter()
            .flatten()
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "This link does not exist.").into_response(),
        Err(e) => (e.status(), "This link could not be followed.").into_response(),
    }
}
