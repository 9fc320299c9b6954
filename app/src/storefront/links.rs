//! Affiliate links: `/r/{code}` counts the click (once per client address and day), remembers it
//! in a first-party cookie for the attribution window, and leads to the creator's shop or
//! product.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::store;
use crate::orders::rules::ATTRIBUTION_SECS;
use crate::ssr::{now, AppState, ClientIp};

/// The route, `axum` syntax.
pub const ROUTE: &str = "/r/{code}";
/// The cookie naming the last click, read at checkout.
pub const CLICK_COOKIE: &str = "tremplin_ref";

/// The token of the last affiliate click the browser remembers, if it looks like one.
pub fn click_token(headers: &HeaderMap) -> Option<String> {
    crate::ssr::cookie(headers, CLICK_COOKIE)
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Who a click is counted for: the client's address (an IPv6 one by its /64), hashed so that
/// the table holds no address. Not a cookie, which the client can drop or make up for each
/// request to count as many clicks as it likes; people sharing an address count once a day,
/// and each still gets the click's cookie, so their purchases are attributed all the same.
fn visitor(ip: ClientIp) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("link-click:{}", ip.bucket()).as_bytes());
    hex::encode(&digest[..16])
}

pub async fn follow(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Extension(ip): Extension<ClientIp>,
) -> Response {
    match store::click(&state.db, &code, &visitor(ip), now()).await {
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
            if let Ok(cookie) = set(CLICK_COOKIE, &token, ATTRIBUTION_SECS) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "This link does not exist.").into_response(),
        Err(e) => (e.status(), "This link could not be followed.").into_response(),
    }
}
