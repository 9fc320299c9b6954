//! Forms posted without JavaScript.
//!
//! A plain form post to a server function that fails is answered by leptos_axum with a
//! redirect back to the form's page, and the error is lost. This middleware keeps the error and
//! what was typed (never passwords) in the person's session, bound to that page and form, and
//! hands it to the next page they open (`app::ui::flash`), so they see the same messages as
//! with JavaScript and keep their input. Never in the URL: a link must not be able to fill in
//! a form or put words in the site's error banner.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::accounts::rules::RateLimit;
use app::error::AppError;
use app::ssr::limiter::Limiter;
use app::ssr::ClientIp;
use app::ui::flash::FormFlash;

use crate::security::is_local_path;

/// Largest form body read back; server-function forms are far smaller.
const MAX_FORM: usize = 64 * 1024;
/// Largest server-function form taken at all.
const MAX_API_FORM: usize = 1024 * 1024;
/// Where the session keeps the flash until the next page is shown.
const FLASH_KEY: &str = "form_flash";

/// Flashes one client address may leave per 10 minutes: each can open a session row, and a
/// client that never comes back for it would otherwise fill the sessions table.
const FLASHES_PER_ADDRESS: RateLimit = RateLimit {
    limit: 60,
    window_secs: 600,
};
/// What a flash keeps of a form: enough for any of the site's forms, bounded for the rest.
const FLASH_FIELDS: usize = 40;
const FLASH_BYTES: usize = 24 * 1024;

pub async fn keep_errors(
    State(flashes): State<Limiter>,
    mut request: Request,
    next: Next,
) -> Response {
    let wants_html = app::ssr::wants_html(request.headers());
    let session = request.extensions().get::<Session>().cloned();
    if request.method() == Method::GET {
        // Leptos reads a form's error from `__path` and `__err` in the page's URL, where any
        // link could put one: the page is shown without them, and never sent off the site.
        if let Some(clean) = request
            .uri()
            .path_and_query()
            .and_then(|p| without_error(p.as_str()))
        {
            let local = if is_local_path(&clean) {
                clean.as_str()
            } else {
                "/"
            };
            return Redirect::to(local).into_response();
        }
    }
    if request.method() == Method::GET && wants_html {
        if let Some(session) = session {
            // Taken by the first page shown after the post, whichever it is: one time only.
            match session.remove::<FormFlash>(FLASH_KEY).await {
                Ok(Some(flash)) if flash.path == request.uri().path() => {
                    request.extensions_mut().insert(flash);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("reading the form flash failed: {e}"),
            }
        }
        return next.run(request).await;
    }
    let address = request
        .extensions()
        .get::<ClientIp>()
        .map(|ip| format!("flash:{}", ip.bucket()));
    let plain_form_post =
        request.method() == Method::POST && request.uri().path().starts_with("/api/") && wants_html;
    let Some(session) = session.filter(|_| plain_form_post) else {
        return next.run(request).await;
    };
    let action = request.uri().path().to_owned();
    // leptos_axum redirects to the referring page, except when the function set its own
    // status (429 with Retry-After): then the referrer is where to go back.
    let referer = request
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_FORM).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(form.clone())))
        .await;

    // A refusal comes back as a redirect or an error status with the error, which is small; an
    // answer (a success, or a redirect carrying a large result) is passed on untouched.
    let large = axum::body::HttpBody::size_hint(response.body()).lower() > MAX_FORM as u64;
    if response.status().is_success() || large {
        return response;
    }
    let back = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(referer);
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let error = serde_json::from_slice::<AppError>(&bytes).ok();
    // Back to the page, or home when the referrer is not a page of this site.
    let back = back.map(|b| page_of(&b).unwrap_or_else(|| "/".to_owned()));
    if let (Some(error), Some(back)) = (error, back) {
        // Past the address's allowance the person still goes back to the form, without it.
        let allowed = address.is_none_or(|key| flashes.check(&key, FLASHES_PER_ADDRESS).is_none());
        let kept = if allowed {
            session
                .insert(FLASH_KEY, flash_for(&back, &action, error, &form))
                .await
        } else {
            Ok(())
        };
        if let Err(e) = kept {
            tracing::warn!("keeping the form flash failed: {e}");
        }
        if let Ok(location) = HeaderValue::from_str(&back) {
            parts.status = StatusCode::SEE_OTHER;
            parts.headers.insert(header::LOCATION, location);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Refuses text holding a NUL character, in a server function's query or form, with a field
/// error: no field of the product takes one, and PostgreSQL cannot store it (the same request
/// would fail there with a 500, and be stored on SQLite).
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let malformed =
        || AppError::invalid("form", app::error::Problem::Malformed).into_json_response();
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if request.uri().query().is_some_and(has_nul) {
        return malformed();
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_API_FORM).await else {
        return AppError::invalid(
            "form",
            app::error::Problem::TooLarge {
                max_kib: (MAX_API_FORM / 1024) as u32,
            },
        )
        .into_json_response();
    };
    if std::str::from_utf8(&form).is_ok_and(has_nul) || form.contains(&0) {
        return malformed();
    }
    next.run(Request::from_parts(parts, Body::from(form))).await
}

/// Whether URL-encoded `text` decodes to something with a NUL character.
fn has_nul(text: &str) -> bool {
    form_urlencoded::parse(text.as_bytes()).any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

/// The page to go back to: the path and query of `back`, never another host, without the
/// error leptos_axum put in it.
fn page_of(back: &str) -> Option<String> {
    let path_and_query = if back.starts_with('/') {
        back
    } else {
        let after_scheme = back.split_once("://")?.1;
        &after_scheme[after_scheme.find('/')?..]
    };
    is_local_path(path_and_query)
        .then(|| without_error(path_and_query).unwrap_or_else(|| path_and_query.to_owned()))
}

/// `path_and_query` without the `__path` and `__err` parameters, if it has any.
fn without_error(path_and_query: &str) -> Option<String> {
    let (path, query) = path_and_query.split_once('?')?;
    let is_error = |k: &str| k == "__path" || k == "__err";
    let pairs = form_urlencoded::parse(query.as_bytes());
    if !pairs.clone().any(|(k, _)| is_error(&k)) {
        return None;
    }
    let kept = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.filter(|(k, _)| !is_error(k)))
        .finish();
    Some(if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{kept}")
    })
}

/// The flash of a post to `action` refused with `error`, for the page `back`.
fn flash_for(back: &str, action: &str, error: AppError, form: &[u8]) -> FormFlash {
    let path = back.split_once('?').map_or(back, |(path, _)| path);
    FormFlash {
        path: path.to_owned(),
        form: action.to_owned(),
        error,
        values: form_urlencoded::parse(form)
            .filter(|(k, _)| {
                !k.contains("password") && k != "confirm" && k != "current" && k != "token"
            })
            .scan(0, |bytes, (k, v)| {
                *bytes += k.len() + v.len();
                (*bytes <= FLASH_BYTES).then(|| (k.into_owned(), v.into_owned()))
            })
            .take(FLASH_FIELDS)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::Problem;

    #[test]
    fn the_page_is_a_local_path_never_another_host() {
        assert_eq!(
            page_of("https://evil.example/signup?role=fan").as_deref(),
            Some("/signup?role=fan")
        );
        assert_eq!(page_of("/cart").as_deref(), Some("/cart"));
        for hostile in [
            "//evil.example/x",
            "/\\evil.example",
            "/\t/evil.example",
            "evil",
        ] {
            assert_eq!(page_of(hostile), None, "{hostile:?}");
        }
        assert_eq!(
            page_of("http://h/signup?role=fan&__path=%2Fapi%2Fsignup&__err=eyJ9").as_deref(),
            Some("/signup?role=fan")
        );
        assert_eq!(page_of("/login?__err=x").as_deref(), Some("/login"));
    }

    #[test]
    fn a_flash_keeps_a_bounded_part_of_an_oversized_form() {
        let huge = format!("a={}&b=1&c=2", "x".repeat(FLASH_BYTES));
        let flash = flash_for("/", "/api/x", AppError::NotFound, huge.as_bytes());
        assert!(flash.values.is_empty(), "{:?}", flash.values.len());
        let many: String = (0..100).map(|i| format!("f{i}=v&")).collect();
        let flash = flash_for("/", "/api/x", AppError::NotFound, many.as_bytes());
        assert_eq!(flash.values.len(), FLASH_FIELDS);
    }

    #[test]
    fn a_nul_character_is_found_however_it_is_encoded() {
        assert!(has_nul("title=a%00b"));
        assert!(has_nul("a%00=1"));
        assert!(!has_nul("title=a%2500b&n=0"));
    }

    #[test]
    fn the_flash_keeps_typed_fields_but_not_passwords() {
        let error = AppError::invalid("email", Problem::EmailTaken);
        let flash = flash_for(
            "/signup?role=fan",
            "/api/signup",
            error.clone(),
            b"email=a%40b.c&password=secret+words&handle=zoe&confirm=x",
        );
        assert_eq!(flash.path, "/signup");
        assert_eq!(flash.form, "/api/signup");
        assert_eq!(flash.error, error);
        assert_eq!(flash.value("email"), Some("a@b.c"));
        assert_eq!(flash.value("handle"), Some("zoe"));
        assert_eq!(flash.value("password"), None);
        assert_eq!(flash.value("confirm"), None);
    }
}
