//! Who is calling: the login kept in the tower-sessions session.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::types::SessionUser;
use crate::error::AppError;
use crate::ssr::{internal, state, Db};

const LOGIN: &str = "login";

/// What a session remembers of its login. The epoch ties it to the password of that moment:
/// a password change or reset elsewhere ends every other session of the account.
#[derive(Serialize, Deserialize)]
struct Login {
    user_id: i64,
    epoch: i64,
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The user logged in on `session`, if the login is still valid.
pub async fn user_on(db: &Db, session: &Session) -> Result<Option<SessionUser>, AppError> {
    let Some(login) = session.get::<Login>(LOGIN).await.map_err(internal)? else {
        return Ok(None);
    };
    let user = super::store::session_user(db, login.user_id, login.epoch).await?;
    if user.is_none() {
        // Outdated or deleted account: forget the login rather than checking it on every request.
        session.flush().await.map_err(internal)?;
    }
    Ok(user)
}

/// The logged-in user, if any.
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    user_on(&state()?.db, &session().await?).await
}

/// The logged-in user, or `Unauthenticated`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The logged-in user if they are an operator; `Forbidden` for anyone else.
pub async fn require_operator() -> Result<SessionUser, AppError> {
    let user = require_user().await?;
    if user.operator {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Starts an authenticated session under a new id, so an id planted before login is useless.
/// `epoch` is the account's session epoch read with its password.
pub async fn log_in(user_id: i64, epoch: i64) -> Result<(), AppError> {
    // Mail sent later (deal news) goes out in the language of this visit.
    let locale: crate::i18n::Locale = leptos_i18n::locale::resolve_locale();
    let db = &state()?.db;
    super::store::set_locale(db, user_id, leptos_i18n::Locale::as_str(locale)).await?;
    // And the zone its browser keeps, which a visitor had before they had an account.
    let zone = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            crate::ssr::cookies(&parts.headers, crate::ui::zone::COOKIE)
                .into_iter()
                .next()
        })
        .and_then(|name| crate::ui::zone::Zone::parse(&name));
    match zone {
        Some(zone) => super::store::set_time_zone(db, user_id, zone.name()).await?,
        // A browser without the cookie (JavaScript off, or a new one) gets the account's zone,
        // so the pages and the schedule form speak the person's time from this login on.
        None => {
            let remembered = super::store::time_zone(db, user_id).await?;
            let zone = remembered.as_deref().and_then(crate::ui::zone::Zone::parse);
            let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
            if let (Some(zone), Some(response)) = (zone, response) {
                if let Ok(cookie) = http::HeaderValue::from_str(&crate::ui::zone::set_cookie(&zone))
                {
                    response.append_header(http::header::SET_COOKIE, cookie);
                }
            }
        }
    }
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(LOGIN, Login { user_id, epoch })
        .await
        .map_err(internal)
}

pub async fn log_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}
