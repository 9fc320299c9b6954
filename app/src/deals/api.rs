//! Deal server functions. Only the two parties can read a deal or act on it; which side may
//! take which step is decided by `rules::next` on the server.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{Dashboard, Deal, DealLine, DealState, DealStep, Disputed, Reputation};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::rules::{OPENINGS_PER_USER, WRITES_PER_USER},
    super::store::{self, Opening, Terms},
    super::types::{Party, Stars},
    crate::accounts::{api::throttle, session, types::parse_text, types::Role},
    crate::error::Problem,
    crate::market::types::parse_price,
    crate::ssr::{now, state},
    crate::ui::date::parse_date,
};

/// Reads the terms of an offer: a price, what is to be made, a due date not in the past.
#[cfg(feature = "ssr")]
fn terms(amount: &str, deliverables: &str, due_on: &str) -> Result<Terms, AppError> {
    let amount = parse_price("amount", amount)?
        .ok_or_else(|| AppError::invalid("amount", Problem::Required))?;
    let deliverables = parse_text("deliverables", deliverables, 3, 1_000)?;
    let due_at =
        parse_date(due_on).ok_or_else(|| AppError::invalid("due_on", Problem::InvalidDate))?;
    if due_at < now().div_euclid(86_400) * 86_400 {
        return Err(AppError::invalid("due_on", Problem::InPast));
    }
    Ok(Terms {
        amount,
        deliverables,
        due_at,
    })
}

/// A brand invites a creator (`handle`) with an offer; returns the deal's id.
#[server(prefix = "/api", endpoint = "offer_deal")]
pub async fn offer_deal(
    #[server(default)] handle: String,
    #[server(default)] amount: String,
    #[server(default)] deliverables: String,
    #[server(default)] due_on: String,
    #[server(default)] message: String,
) -> Result<i64, AppError> {
    let brand = session::require_user().await?;
    if brand.role != Role::Brand {
        return Err(AppError::Forbidden);
    }
    let terms = terms(&amount, &deliverables, &due_on)?;
    let message = parse_text("message", &message, 0, 2_000)?;
    throttle(&format!("deal-openings:{}", brand.id), OPENINGS_PER_USER).await?;
    let st = state()?;
    let db = &st.db;
    let creator = crate::accounts::store::user_id_by_handle(db, &handle.to_lowercase())
        .await?
        .ok_or(AppError::NotFound)?;
    let opening = Opening {
        review_secs: st.deal_review_secs,
        brand_id: brand.id,
        creator_id: creator,
        campaign_id: None,
        by: Party::Brand,
        terms,
        message,
    };
    store::open(db, &opening, now()).await
}

/// A creator applies to a published campaign with a pitch and a price; returns the deal's id.
#[server(prefix = "/api", endpoint = "apply_to_campaign")]
pub async fn apply_to_campaign(
    campaign: i64,
    #[server(default)] amount: String,
    #[server(default)] deliverables: String,
    #[server(default)] due_on: String,
    #[server(default)] message: String,
) -> Result<i64, AppError> {
    let creator = session::require_user().await?;
    if creator.role != Role::Creator {
        return Err(AppError::Forbidden);
    }
    let terms = terms(&amount, &deliverables, &due_on)?;
    let message = parse_text("message", &message, 10, 2_000)?;
    throttle(&format!("deal-openings:{}", creator.id), OPENINGS_PER_USER).await?;
    let st = state()?;
    let db = &st.db;
    let brand = crate::campaigns::store::brand_of(db, campaign)
        .await?
        .ok_or(AppError::NotFound)?;
    let opening = Opening {
        review_secs: st.deal_review_secs,
        brand_id: brand,
        creator_id: creator.id,
        campaign_id: Some(campaign),
        by: Party::Creator,
        terms,
        message,
    };
    store::open(db, &opening, now()).await
}

/// Takes a step on a deal: accept, cancel, fund, deliver (with links), approve, ask a revision,
/// dispute, or counter with new terms.
#[server(prefix = "/api", endpoint = "deal_step")]
pub async fn take_deal_step(
    id: i64,
    step: DealStep,
    #[server(default)] amount: String,
    #[server(default)] deliverables: String,
    #[server(default)] due_on: String,
    #[server(default)] body: String,
) -> Result<DealState, AppError> {
    let user = session::require_user().await?;
    throttle(&format!("deal-writes:{}", user.id), WRITES_PER_USER).await?;
    let counter = match step {
        DealStep::Counter => Some(terms(&amount, &deliverables, &due_on)?),
        DealStep::AutoRelease => return Err(AppError::Forbidden),
        _ => None,
    };
    // A delivery is links, files or both: the store checks that there is something.
    let body = parse_text("body", &body, 0, 2_000)?;
    store::step(
        &state()?.db,
        id,
        Some(user.id),
        step,
        counter.as_ref(),
        &body,
        now(),
    )
    .await
}

/// Funds a deal's escrow by card: the brand pays what its wallet lacks, plus the processor's
/// fee on it, and the escrow is funded from the wallet as the payment settles. Returns the
/// checkout URL (a plain form post is redirected there).
#[server(prefix = "/api", endpoint = "fund_deal_by_card")]
pub async fn fund_deal_by_card(id: i64) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let st = state()?;
    let amount = store::to_fund(&st.db, id, user.id).await?;
    let Some(charge) = crate::wallet::api::shortfall_charge(user.id, amount).await? else {
        return Err(AppError::Conflict(
            "your wallet already holds the amount: fund the escrow from it".into(),
        ));
    };
    let description = format!("Tremplin escrow for deal {id}");
    crate::wallet::api::start_card_payment(
        &user,
        charge,
        crate::wallet::store::PaymentFor::Deal(id),
        description,
        None,
    )
    .await
}

/// Writes in a deal's thread.
#[server(prefix = "/api", endpoint = "deal_message")]
pub async fn write_in_deal(id: i64, #[server(default)] body: String) -> Result<(), AppError> {
    let user = session::require_user().await?;
    throttle(&format!("deal-writes:{}", user.id), WRITES_PER_USER).await?;
    let body = parse_text("body", &body, 1, 2_000)?;
    store::message(&state()?.db, id, user.id, &body, now()).await
}

/// Rates the other party of a completed deal, once.
#[server(prefix = "/api", endpoint = "rate_deal")]
pub async fn rate_deal(
    id: i64,
    #[server(default)] stars: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let stars = Stars::parse(&stars)?;
    let comment = parse_text("comment", &comment, 0, 1_000)?;
    store::rate(&state()?.db, id, user.id, stars, &comment, now()).await
}

/// The public reputation of a creator (by handle) or a brand (by page slug).
#[server(prefix = "/api", endpoint = "reputation")]
pub async fn get_reputation(handle: String, brand: bool) -> Result<Reputation, AppError> {
    let db = &state()?.db;
    let user = if brand {
        crate::accounts::store::brand_user_by_slug(db, &handle).await?
    } else {
        crate::accounts::store::user_id_by_handle(db, &handle).await?
    };
    store::reputation_with_reviews(db, user.ok_or(AppError::NotFound)?).await
}

/// One deal, with its thread; only for its two parties.
#[server(prefix = "/api", endpoint = "deal")]
pub async fn get_deal(id: i64) -> Result<Deal, AppError> {
    let user = session::require_user().await?;
    store::get(&state()?.db, id, user.id).await
}

/// The caller's deals.
#[server(prefix = "/api", endpoint = "deals")]
pub async fn my_deals() -> Result<Vec<DealLine>, AppError> {
    let user = session::require_user().await?;
    store::inbox(&state()?.db, user.id).await
}

/// The caller's deals at a glance: a brand's spending, campaigns and creators, or a creator's
/// earnings and deadlines.
#[server(prefix = "/api", endpoint = "deal_dashboard")]
pub async fn deal_dashboard() -> Result<Dashboard, AppError> {
    let user = session::require_user().await?;
    let viewer = match user.role {
        Role::Brand => Party::Brand,
        Role::Creator => Party::Creator,
        Role::Fan => return Err(AppError::Forbidden),
    };
    store::dashboard(&state()?.db, user.id, viewer, now()).await
}

/// Disputed deals, frozen until settled; operators only.
#[server(prefix = "/api", endpoint = "disputed_deals")]
pub async fn disputed_deals() -> Result<Vec<Disputed>, AppError> {
    session::require_operator().await?;
    store::disputed(&state()?.db).await
}

/// Settles a disputed deal: the escrow goes to the creator or back to the brand; operators only.
#[server(prefix = "/api", endpoint = "settle_dispute")]
pub async fn settle_dispute(id: i64, how: super::rules::Settlement) -> Result<DealState, AppError> {
    let operator = session::require_operator().await?;
    store::settle(&state()?.db, id, operator.id, how, now()).await
}
