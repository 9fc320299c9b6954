//! A micro-cache for the shop pages anonymous visitors open from a shared link: the same HTML,
//! rendered once per language and shop every couple of seconds instead of on every request.
//! Anyone with a session (logged in, or with a cart) gets the page rendered for them, and
//! checkout reads every price and stock again, so a page at most `TTL` old misleads nobody.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How long a rendered page is served again.
const TTL: Duration = Duration::from_secs(2);
/// Entries kept before the cache starts over, and the largest page kept.
const MAX_ENTRIES: usize = 4_096;
const MAX_BODY: usize = 1024 * 1024;

/// Which request a page was rendered for: its path and query, and what picks its language.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    accept_language: Option<HeaderValue>,
    locale_cookie: Option<String>,
}

struct Page {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
pub struct PageCache(Arc<Mutex<HashMap<Key, Arc<Page>>>>);

/// A shop (`/@handle/shop`) or one of its products (`/@handle/shop/12`).
fn is_shop_page(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(handle), Some("shop"), None | Some(_), None) if handle.starts_with('@')
    )
}

/// The key of a request that may be served from the cache: a GET of a shop page by someone
/// without a session.
fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET || !is_shop_page(request.uri().path()) {
        return None;
    }
    let headers = request.headers();
    if app::ssr::cookie(headers, "tremplin_session").is_some() {
        return None;
    }
    Some(Key {
        uri: request.uri().to_string(),
        accept_language: headers.get(header::ACCEPT_LANGUAGE).cloned(),
        locale_cookie: app::ssr::cookie(headers, "i18n_pref_locale"),
    })
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let fresh = {
        let pages = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        pages.get(&key).filter(|p| p.at.elapsed() < TTL).cloned()
    };
    if let Some(page) = fresh {
        return answer(&page, "hit");
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let page = Arc::new(Page {
        at: Instant::now(),
        headers: parts.headers,
        body,
    });
    {
        let mut pages = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_ENTRIES {
            pages.clear();
        }
        pages.insert(key, page.clone());
    }
    answer(&page, "miss")
}

fn answer(page: &Page, outcome: &'static str) -> Response {
    let mut response = Response::new(Body::from(page.body.clone()));
    *response.headers_mut() = page.headers.clone();
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(outcome));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_shop_pages_are_cached() {
        assert!(is_shop_page("/@julien_velo/shop"));
        assert!(is_shop_page("/@julien_velo/shop/12"));
        assert!(!is_shop_page("/julien_velo/shop"));
        assert!(!is_shop_page("/@julien_velo"));
        assert!(!is_shop_page("/@julien_velo/shop/12/edit"));
        assert!(!is_shop_page("/shop/manage"));
    }

    #[test]
    fn a_session_skips_the_cache_and_the_language_is_part_of_the_key() {
        let request = |cookie: &str| {
            Request::builder()
                .uri("/@a/shop")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap()
        };
        assert!(key_of(&request("tremplin_session=abc; i18n_pref_locale=fr")).is_none());
        let fr = key_of(&request("tremplin_v=1; i18n_pref_locale=fr")).unwrap();
        let en = key_of(&request("i18n_pref_locale=en")).unwrap();
        assert!(fr != en);
        assert_eq!(fr.locale_cookie.as_deref(), Some("fr"));
    }
}
