//! Forms posted without JavaScript.
//!
//! A plain form post to a server function that fails is answered by leptos_axum with a
//! redirect back to the form's page, and the error is lost. This middleware keeps the error and
//! what was typed (never passwords) in the person's session, bound to that page and form, and
//! hands it to the next page they open (`app::ui::flash`), so they see the same messages as
//! with JavaScript and keep their input. Never in the URL: a link must not be able to fill in
//! a form or put words in the site's error banner.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error::AppError;
use app::ui::flash::FormFlash;

use crate::security::is_local_path;

/// Largest form body read back; server-function forms are far smaller.
const MAX_FORM: usize = 64 * 1024;
/// Where the session keeps the flash until the next page is shown.
const FLASH_KEY: &str = "form_flash";

pub async fn keep_errors(mut request: Request, next: Next) -> Response {
    let wants_html = app::ssr::wants_html(request.headers());
    let session = request.extensions().get::<Session>().cloned();
    if request.method() == Method::GET {
        // Leptos reads a form's error from `__path` and `__err` in the page's URL, where any
        // link could put one: the page is shown without them.
        if let Some(clean) = request
            .uri()
            .path_and_query()
            .and_then(|p| without_error(p.as_str()))
        {
            return Redirect::to(&clean).into_response();
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
        let flash = flash_for(&back, &action, error, &form);
        match session.insert(FLASH_KEY, flash).await {
            Ok(()) => {
                if let Ok(location) = HeaderValue::from_str(&back) {
                    parts.status = StatusCode::SEE_OTHER;
                    parts.headers.insert(header::LOCATION, location);
                }
            }
            Err(e) => tracing::warn!("keeping the form flash failed: {e}"),
        }
    }
    Response::from_parts(parts, Body::from(bytes))
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
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
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
