//! A micro-cache for the shop pages anonymous visitors open from a shared link: the same HTML,
//! rendered once per language and shop every couple of seconds instead of on every request.
//! Anyone with a cookie besides the language (a session, a cart, a form's errors) gets the page
//! rendered for them, and checkout reads every price and stock again, so a page at most `TTL`
//! old misleads nobody.
//!
//! The key is what the page depends on and nothing else: its path, the language the visitor
//! gets and the time zone their times are shown in. The request is rendered as that key (no query, the language alone), so a query string
//! or an odd `Accept-Language` neither bypasses the cache nor adds entries, and nobody's query
//! ends up in the page served to others. Visitors who arrive together wait for one rendering.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos_i18n::Locale as _;

use app::i18n::Locale;
use app::ui::zone::{self, Zone};

use crate::LANGUAGE_COOKIE;

/// How long a rendered page is served again.
const TTL: Duration = Duration::from_secs(2);
/// The bytes of pages kept, and the largest page kept.
const MAX_BYTES: u64 = 32 * 1024 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    locale: Locale,
    /// The reader's time zone (their browser's, from its cookie), which times are shown in.
    zone: Zone,
}

struct Page {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
pub struct PageCache(moka::future::Cache<Key, Arc<Page>>);

impl Default for PageCache {
    fn default() -> Self {
        Self(
            moka::future::Cache::builder()
                .time_to_live(TTL)
                .max_capacity(MAX_BYTES)
                .weigher(|key: &Key, page: &Arc<Page>| {
                    u32::try_from(key.path.len() + page.body.len()).unwrap_or(u32::MAX)
                })
                .build(),
        )
    }
}

/// A shop (`/@handle/shop`) or one of its products (`/@handle/shop/12`), written the one way
/// links write it: other spellings of the same page (`/@Handle`, `/0012`, `%31`) are rendered
/// each time rather than kept as entries of their own.
fn is_shop_page(path: &str) -> bool {
    let handle_ok = |h: &str| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let id_ok = |id: &str| {
        !id.is_empty()
            && !id.starts_with('0')
            && id.len() <= 18
            && id.bytes().all(|b| b.is_ascii_digit())
    };
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(handle), Some("shop"), id, None) => {
            handle.strip_prefix('@').is_some_and(handle_ok) && id.is_none_or(id_ok)
        }
        _ => false,
    }
}

/// The language a visitor gets, as leptos_i18n picks it: the chosen one (the cookie), else
/// the first of their browser's languages the site has, else the default.
fn locale_of(headers: &HeaderMap) -> Locale {
    let chosen = app::ssr::cookies(headers, LANGUAGE_COOKIE).pop();
    if let Some(chosen) = chosen.and_then(|c| c.parse().ok()) {
        return chosen;
    }
    // Split as leptos-use does: by commas, each up to its `;`, spaces kept (so "de, fr" is
    // English, as the page would be rendered).
    let accepted: Vec<&str> = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(|lang| lang.split(';').next().unwrap_or(lang))
        .collect();
    Locale::find_locale(&accepted)
}

/// The key of a request that may be served from the cache: a GET of a shop page by someone
/// with no cookie but the language.
fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET || !is_shop_page(request.uri().path()) {
        return None;
    }
    // A form posted without JavaScript comes back with its error in the query, for
    // `forms::keep_errors` to take out.
    let query = request.uri().query().unwrap_or("");
    if query.contains("__err") || query.contains("__path") {
        return None;
    }
    let headers = request.headers();
    let other_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .any(|c| {
            c.map_or(true, |c| {
                ![LANGUAGE_COOKIE, zone::COOKIE].contains(&c.name())
            })
        });
    if other_cookie {
        return None;
    }
    Some(Key {
        path: request.uri().path().to_owned(),
        locale: locale_of(headers),
        zone: app::ssr::cookies(headers, zone::COOKIE)
            .into_iter()
            .next()
            .and_then(|name| Zone::parse(&name))
            .unwrap_or_default(),
    })
}

/// The request as the key describes it: its path without the query, its language alone.
fn as_key(mut request: Request, key: &Key) -> Request {
    if let Ok(uri) = key.path.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    let headers = request.headers_mut();
    headers.remove(header::COOKIE);
    // What one visitor has is no part of the page shared with others: each is answered a 304
    // from the kept page afterwards.
    for name in [
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_RANGE,
        header::RANGE,
    ] {
        headers.remove(name);
    }
    if let Ok(locale) = HeaderValue::from_str(key.locale.as_str()) {
        headers.insert(header::ACCEPT_LANGUAGE, locale);
    }
    if let Ok(zone) = HeaderValue::from_str(&format!("{}={}", zone::COOKIE, key.zone.name())) {
        headers.insert(header::COOKIE, zone);
    }
    request
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    // Only one of the visitors asking at once renders; the others get its page. A page that
    // may not be kept (an error, a cookie set) goes back to the one who rendered it, and the
    // others render their own.
    let mut mine = Some((as_key(request, &key), next));
    let mut uncached = None;
    let rendered = cache
        .0
        .try_get_with(key, async {
            let (request, next) = mine.take().ok_or(())?;
            let response = next.run(request).await;
            if response.status() != StatusCode::OK
                || response.headers().contains_key(header::SET_COOKIE)
            {
                uncached = Some(response);
                return Err(());
            }
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| ())?;
            Ok(Arc::new(Page {
                headers: parts.headers,
                body,
            }))
        })
        .await;
    let outcome = if mine.is_some() { "hit" } else { "miss" };
    match (rendered, uncached, mine) {
        (Ok(page), _, _) => crate::caching::not_modified(if_none_match.as_ref(), &page.headers)
            .unwrap_or_else(|| answer(&page, outcome)),
        (Err(_), Some(response), _) => response,
        (Err(_), None, Some((request, next))) => next.run(request).await,
        (Err(_), None, None) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
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
        for alias in [
            "/@julien_velo/shop/012",
            "/@julien_velo/shop/+12",
            "/@julien_velo/shop/%31",
            "/@Julien_velo/shop",
            "/@julien%5Fvelo/shop",
            "/@/shop",
            "/@julien_velo/shop/",
            "/@julien_velo/shop/1234567890123456789",
        ] {
            assert!(!is_shop_page(alias), "{alias}");
        }
    }

    fn request(uri: &str, headers: &[(header::HeaderName, &str)]) -> Request {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn any_cookie_but_the_language_skips_the_cache() {
        let with = |cookie: &str| key_of(&request("/@a/shop", &[(header::COOKIE, cookie)]));
        assert!(with("tremplin_session=abc; i18n_pref_locale=fr").is_none());
        assert!(with("tremplin_flash=x").is_none());
        assert!(with("not a cookie").is_none());
        assert!(with("i18n_pref_locale=fr").is_some());
        assert!(key_of(&request("/@a/shop", &[])).is_some());
    }

    #[test]
    fn the_key_is_the_path_and_the_language_the_visitor_gets() {
        let key = |uri: &str, headers: &[(header::HeaderName, &str)]| {
            key_of(&request(uri, headers)).unwrap()
        };
        let fr = key("/@a/shop", &[(header::COOKIE, "i18n_pref_locale=fr")]);
        assert_eq!(fr.locale, Locale::fr);
        assert!(
            fr == key(
                "/@a/shop?utm=%3C%2Ftitle%3E%3Cscript%3E",
                &[(header::ACCEPT_LANGUAGE, "fr-CA,fr;q=0.9")]
            )
        );
        assert!(fr == key("/@a/shop", &[(header::ACCEPT_LANGUAGE, "de,fr")]));
        // As leptos-use splits it: " fr" is no language, so the page is English.
        assert_eq!(
            key("/@a/shop", &[(header::ACCEPT_LANGUAGE, "de, fr")]).locale,
            Locale::en
        );
        // The last cookie wins, as leptos_i18n reads it.
        let last = key(
            "/@a/shop",
            &[(header::COOKIE, "i18n_pref_locale=fr; i18n_pref_locale=en")],
        );
        assert_eq!(last.locale, Locale::en);
        // The chosen language wins over the browser's; nonsense falls back to the default.
        let en = key(
            "/@a/shop",
            &[
                (header::COOKIE, "i18n_pref_locale=en"),
                (header::ACCEPT_LANGUAGE, "fr"),
            ],
        );
        assert_eq!(en.locale, Locale::en);
        let odd = key(
            "/@a/shop",
            &[(header::ACCEPT_LANGUAGE, "x;q=;,,zz-ZZ-ZZZZ, ;;")],
        );
        assert_eq!(odd.locale, Locale::default());
        assert!(fr != en);

        let rendered = as_key(
            request(
                "/@a/shop?next=//evil",
                &[(header::ACCEPT_LANGUAGE, "fr-CA")],
            ),
            &fr,
        );
        assert_eq!(rendered.uri(), "/@a/shop");
        assert_eq!(rendered.headers()[header::ACCEPT_LANGUAGE], "fr");
    }
}
