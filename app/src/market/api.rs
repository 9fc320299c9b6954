//! Marketplace server functions: a creator's marketplace profile and creator search.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{MarketProfile, MarketSettings, SearchForm, SearchPage};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{store, types::*},
    crate::accounts::{session, types::Network, types::Role},
    crate::error::Problem,
    crate::ssr::{now, state},
};

/// A creator's marketplace profile for `/@handle`; `None` if they have not saved one.
#[server(prefix = "/api", endpoint = "market_profile")]
pub async fn get_market_profile(handle: String) -> Result<Option<MarketProfile>, AppError> {
    store::profile_of(&state()?.db, &handle.to_lowercase()).await
}

/// The caller's marketplace profile, to edit; creators only.
#[server(prefix = "/api", endpoint = "market_settings")]
pub async fn get_market_settings() -> Result<MarketSettings, AppError> {
    let user = session::require_user().await?;
    if user.role != Role::Creator {
        return Err(AppError::Forbidden);
    }
    store::settings(&state()?.db, user.id).await
}

/// Saves the caller's marketplace profile, listing them in creator search; creators only.
/// Rates and engagement arrive as text so a typo is a field error.
#[server(prefix = "/api", endpoint = "save_market_profile")]
pub async fn save_market_profile(
    #[server(default)] language: String,
    #[server(default)] country: String,
    #[server(default)] availability: String,
    #[server(default)] rate_post: String,
    #[server(default)] rate_story: String,
    #[server(default)] rate_short_video: String,
    #[server(default)] rate_live_mention: String,
    #[server(default)] engagement_instagram: String,
    #[server(default)] engagement_tiktok: String,
    #[server(default)] engagement_youtube: String,
    #[server(default)] engagement_twitch: String,
    #[server(default)] engagement_x: String,
) -> Result<(), AppError> {
    let user = session::require_user().await?;
    if user.role != Role::Creator {
        return Err(AppError::Forbidden);
    }
    let required = |field: &str, value: Option<String>| {
        value.ok_or_else(|| AppError::invalid(field, Problem::Required))
    };
    let language = required("language", parse_language("language", &language)?)?;
    let country = required("country", parse_country("country", &country)?)?;
    let availability = Availability::parse(availability.trim())
        .ok_or_else(|| AppError::invalid("availability", Problem::Required))?;
    let mut rates = Vec::new();
    for (format, raw) in [
        (Format::Post, rate_post),
        (Format::Story, rate_story),
        (Format::ShortVideo, rate_short_video),
        (Format::LiveMention, rate_live_mention),
    ] {
        if let Some(price) = parse_price(&format!("rate_{}", format.as_str()), &raw)? {
            rates.push((format, price));
        }
    }
    let mut engagement = Vec::new();
    for (network, raw) in [
        (Network::Instagram, engagement_instagram),
        (Network::Tiktok, engagement_tiktok),
        (Network::Youtube, engagement_youtube),
        (Network::Twitch, engagement_twitch),
        (Network::X, engagement_x),
    ] {
        let field = format!("engagement_{}", network.as_str());
        engagement.push((network, parse_percentage(&field, &raw)?.unwrap_or(0)));
    }
    let input = store::MarketInput {
        language,
        country,
        availability,
        rates,
        engagement,
    };
    store::save(&state()?.db, user.id, &input, now()).await
}

/// Listed creators matching the search, ranked, with why each is there. Open to anyone:
/// everything it shows is on the creators' public pages.
#[server(prefix = "/api", endpoint = "search_creators")]
pub async fn search_creators(#[server(default)] form: SearchForm) -> Result<SearchPage, AppError> {
    let filters = Filters::parse(&form)?;
    store::search(&state()?.db, &filters, now()).await
}
