//! Campaign server functions: brands write and run their own campaigns; anyone reads the
//! published ones.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{Campaign, CampaignAction, CampaignState, Listed};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{rules, store, types::Deliverable},
    crate::accounts::{
        session,
        types::{FollowerCount, Network, Niche, Role, SessionUser},
    },
    crate::error::Problem,
    crate::market::types::{parse_price, Format},
    crate::ssr::{now, state},
    crate::ui::date::parse_date,
};

#[cfg(feature = "ssr")]
async fn require_brand() -> Result<SessionUser, AppError> {
    let user = session::require_user().await?;
    if user.role == Role::Brand {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Saves a draft campaign; returns its id. Brands only.
#[server(prefix = "/api", endpoint = "create_campaign")]
pub async fn create_campaign(
    #[server(default)] title: String,
    #[server(default)] brief: String,
    #[server(default)] niches: Vec<String>,
    #[server(default)] min_audience: String,
    #[server(default)] max_audience: String,
    #[server(default)] budget: String,
    #[server(default)] creators_wanted: String,
    #[server(default)] starts_on: String,
    #[server(default)] ends_on: String,
    #[server(default)] free_product: String,
    #[server(default)] count_post: String,
    #[server(default)] network_post: String,
    #[server(default)] count_story: String,
    #[server(default)] network_story: String,
    #[server(default)] count_short_video: String,
    #[server(default)] network_short_video: String,
    #[server(default)] count_live_mention: String,
    #[server(default)] network_live_mention: String,
) -> Result<i64, AppError> {
    use crate::accounts::types::parse_text;
    let brand = require_brand().await?;
    let title = parse_text("title", &title, 3, 120)?;
    let brief = parse_text("brief", &brief, 10, 2_000)?;
    let free_product = parse_text("free_product", &free_product, 0, 200)?;
    let mut niches: Vec<Niche> = niches.iter().filter_map(|n| Niche::parse(n)).collect();
    niches.sort();
    niches.dedup();
    let min_audience =
        FollowerCount::parse("min_audience", &min_audience)?.map_or(0, FollowerCount::get);
    let max_audience = FollowerCount::parse("max_audience", &max_audience)?.map(FollowerCount::get);
    if max_audience.is_some_and(|max| max < min_audience) {
        return Err(AppError::invalid("max_audience", Problem::RangeReversed));
    }
    let budget = parse_price("budget", &budget)?
        .ok_or_else(|| AppError::invalid("budget", Problem::Required))?;
    let creators_wanted: u32 = creators_wanted
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=rules::MAX_CREATORS).contains(n))
        .ok_or_else(|| AppError::invalid("creators_wanted", Problem::InvalidNumber))?;
    let starts_at = parse_date(&starts_on)
        .ok_or_else(|| AppError::invalid("starts_on", Problem::InvalidDate))?;
    let ends_at =
        parse_date(&ends_on).ok_or_else(|| AppError::invalid("ends_on", Problem::InvalidDate))?;
    let today = now().div_euclid(86_400) * 86_400;
    if starts_at < today {
        return Err(AppError::invalid("starts_on", Problem::InPast));
    }
    if ends_at < starts_at {
        return Err(AppError::invalid("ends_on", Problem::DatesReversed));
    }
    let mut deliverables = Vec::new();
    for (format, count, network) in [
        (Format::Post, count_post, network_post),
        (Format::Story, count_story, network_story),
        (Format::ShortVideo, count_short_video, network_short_video),
        (
            Format::LiveMention,
            count_live_mention,
            network_live_mention,
        ),
    ] {
        let field = format!("count_{}", format.as_str());
        let count: u32 = match count.trim() {
            "" | "0" => continue,
            n => n
                .parse()
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| AppError::invalid(&field, Problem::InvalidNumber))?,
        };
        let network = Network::parse(network.trim()).ok_or_else(|| {
            AppError::invalid(&format!("network_{}", format.as_str()), Problem::Required)
        })?;
        deliverables.push(Deliverable {
            format,
            network,
            count,
        });
    }
    if deliverables.is_empty() {
        return Err(AppError::invalid("count_post", Problem::NoDeliverable));
    }
    let campaign = store::NewCampaign {
        title,
        brief,
        niches,
        min_audience,
        max_audience,
        budget,
        creators_wanted,
        starts_at,
        ends_at,
        free_product,
        deliverables,
    };
    store::create(&state()?.db, brand.id, &campaign, now()).await
}

/// Publishes or closes one of the caller's campaigns; a change the campaign's state does not
/// allow is refused.
#[server(prefix = "/api", endpoint = "change_campaign")]
pub async fn change_campaign(id: i64, action: CampaignAction) -> Result<CampaignState, AppError> {
    let brand = require_brand().await?;
    store::act(&state()?.db, brand.id, id, action, now()).await
}

/// The caller's campaigns, drafts included. Brands only.
#[server(prefix = "/api", endpoint = "my_campaigns")]
pub async fn my_campaigns() -> Result<Vec<Campaign>, AppError> {
    let brand = require_brand().await?;
    store::mine(&state()?.db, brand.id).await
}

/// Published campaigns; a creator sees the best fit first, with why.
#[server(prefix = "/api", endpoint = "campaigns")]
pub async fn list_campaigns() -> Result<Vec<Listed>, AppError> {
    let creator = session::current_user()
        .await?
        .filter(|u| u.role == Role::Creator)
        .map(|u| u.id);
    store::published(&state()?.db, creator).await
}

/// A brand's campaigns open to creators, for its public page.
#[server(prefix = "/api", endpoint = "open_campaigns_of")]
pub async fn open_campaigns_of(slug: String) -> Result<Vec<Campaign>, AppError> {
    let db = &state()?.db;
    let brand = crate::accounts::store::brand_of_slug(db, &slug).await?;
    store::open_of(db, brand).await
}

/// One campaign: published, or the caller's own.
#[server(prefix = "/api", endpoint = "campaign")]
pub async fn get_campaign(id: i64) -> Result<Campaign, AppError> {
    let viewer = session::current_user().await?.map(|u| u.id);
    store::one(&state()?.db, id, viewer).await
}
