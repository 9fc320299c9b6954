//! Forms posted without JavaScript.
//!
//! A plain form post to a server function that fails is answered by leptos_axum with a
//! redirect back to the form's page, and the error is lost. This middleware puts the error
//! and what was typed (never passwords) in that redirect's query, where the form's fields
//! read them (`app::ui::form`), so the person sees the same messages as with JavaScript and
//! keeps their input.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::AppError;

/// Largest form body read back; server-function forms are far smaller.
const MAX_FORM: usize = 64 * 1024;

pub async fn keep_errors(request: Request, next: Next) -> Response {
    let plain_form_post = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && app::ssr::wants_html(request.headers());
    if !plain_form_post {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
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
    if let (Some(error), Some(back)) = (error, back) {
        if let Some(location) = back_with_error(&back, &path, &error, &form) {
            if let Ok(value) = HeaderValue::from_str(&location) {
                parts.status = StatusCode::SEE_OTHER;
                parts.headers.insert(header::LOCATION, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The page to go back to (path and query of `back` only, never another host), with the
/// error and the non-secret fields of `form` added to its query.
fn back_with_error(back: &str, action: &str, error: &AppError, form: &[u8]) -> Option<String> {
    let after_scheme = back.split_once("://").map_or(back, |(_, rest)| rest);
    let path_and_query = if back.starts_with('/') {
        back
    } else {
        &after_scheme[after_scheme.find('/')?..]
    };
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "form" && k != "form_error" && !k.starts_with("v.") {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("form", action);
    out.append_pair("form_error", &serde_json::to_string(error).ok()?);
    for (k, v) in form_urlencoded::parse(form) {
        if !k.contains("password") && k != "confirm" && k != "current" && k != "token" {
            out.append_pair(&format!("v.{k}"), &v);
        }
    }
    Some(format!("{path}?{}", out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::Problem;

    #[test]
    fn the_error_and_typed_fields_go_back_but_not_passwords_or_other_hosts() {
        let error = AppError::invalid("email", Problem::EmailTaken);
        let back = back_with_error(
            "https://evil.example/signup?role=fan&form_error=old",
            "/api/signup",
            &error,
            b"email=a%40b.c&password=secret+words&handle=zoe",
        )
        .unwrap();
        assert!(
            back.starts_with("/signup?role=fan&form=%2Fapi%2Fsignup&form_error="),
            "{back}"
        );
        assert!(back.contains("v.email=a%40b.c"), "{back}");
        assert!(back.contains("v.handle=zoe"), "{back}");
        assert!(!back.contains("secret"), "{back}");
        assert!(!back.contains("old"), "{back}");
    }
}
