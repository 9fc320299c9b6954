//! Live-event server functions: creators schedule and run their events; fans book, get ready
//! and cancel their stage slots; anyone reads an event.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{Event, EventState, EventStep, Listed, SlotState, SlotStep, Studio};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{rules, store, types::Offers, types::StagePurpose},
    crate::accounts::{
        api::throttle,
        rules::RateLimit,
        session,
        types::{parse_text, Role, SessionUser},
    },
    crate::error::Problem,
    crate::ledger::{rules::parse_amount, types::Currency},
    crate::ssr::state,
    crate::ui::date::parse_date_time,
    crate::ui::zone::Zone,
};

/// Bookings and stage steps one person may send per minute: far more than any real use, few
/// enough that a script cannot hammer the event's lock.
#[cfg(feature = "ssr")]
const STEPS_PER_USER: RateLimit = RateLimit {
    limit: 60,
    window_secs: 60,
};

#[cfg(feature = "ssr")]
async fn require_creator() -> Result<SessionUser, AppError> {
    let user = session::require_user().await?;
    if user.role == Role::Creator {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A whole number in `range`, or a field error naming `field`.
#[cfg(feature = "ssr")]
fn parse_count(
    field: &str,
    s: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, AppError> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| AppError::invalid(field, Problem::InvalidNumber))
}

/// What a host offers, from the fields of the event form.
#[cfg(feature = "ssr")]
fn parse_offers(
    donation_min: &str,
    donation_message_max: &str,
    slot_count: &str,
    slot_secs: &str,
    slot_price: &str,
    slot_purpose: &str,
    slots_per_fan: &str,
    cancel_cutoff_hours: &str,
    no_show_secs: &str,
) -> Result<Offers, AppError> {
    let money = |field: &str, s: &str, min: i64| {
        parse_amount(s, Currency::Eur, min, crate::ledger::rules::MAX_AMOUNT)
            .map_err(|problem| AppError::invalid(field, problem))
    };
    let hours = parse_count(
        "cancel_cutoff_hours",
        cancel_cutoff_hours,
        0..=rules::MAX_CANCEL_CUTOFF_SECS / 3_600,
    )?;
    Ok(Offers {
        donation_min: money("donation_min", donation_min, 100)?,
        donation_message_max: parse_count(
            "donation_message_max",
            donation_message_max,
            0..=rules::MAX_DONATION_MESSAGE,
        )?,
        slot_count: parse_count("slot_count", slot_count, 0..=rules::MAX_SLOTS)?,
        slot_secs: parse_count("slot_secs", slot_secs, rules::SLOT_SECS)?,
        slot_price: money("slot_price", slot_price, 100)?,
        slot_purpose: StagePurpose::parse(slot_purpose.trim())
            .ok_or_else(|| AppError::invalid("slot_purpose", Problem::Required))?,
        slots_per_fan: parse_count("slots_per_fan", slots_per_fan, 1..=rules::MAX_SLOTS_PER_FAN)?,
        cancel_cutoff_secs: hours * 3_600,
        no_show_secs: parse_count("no_show_secs", no_show_secs, rules::NO_SHOW_SECS)?,
    })
}

/// Schedules an event; returns its id. Creators only.
#[server(prefix = "/api", endpoint = "schedule_event")]
pub async fn schedule_event(
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] starts_at: String,
    #[server(default)] planned_minutes: String,
    #[server(default)] donation_min: String,
    #[server(default)] donation_message_max: String,
    #[server(default)] slot_count: String,
    #[server(default)] slot_secs: String,
    #[server(default)] slot_price: String,
    #[server(default)] slot_purpose: String,
    #[server(default)] slots_per_fan: String,
    #[server(default)] cancel_cutoff_hours: String,
    #[server(default)] no_show_secs: String,
    #[server(default)] time_zone: String,
) -> Result<i64, AppError> {
    let host = require_creator().await?;
    let state = state()?;
    let now = state.clock.now();
    let title = parse_text("title", &title, 3, 120)?;
    let description = parse_text("description", &description, 0, 2_000)?;
    // Typed on the reader's wall clock: a form without a zone (a script) means UTC.
    let zone = match time_zone.trim() {
        "" => Zone::default(),
        name => {
            Zone::parse(name).ok_or_else(|| AppError::invalid("starts_at", Problem::InvalidDate))?
        }
    };
    let local = parse_date_time(&starts_at)
        .ok_or_else(|| AppError::invalid("starts_at", Problem::InvalidDate))?;
    let starts_at = zone
        .instant_of(local)
        .ok_or_else(|| AppError::invalid("starts_at", Problem::SkippedTime))?;
    if starts_at < now - 60 {
        return Err(AppError::invalid("starts_at", Problem::InPast));
    }
    let planned_minutes = parse_count(
        "planned_minutes",
        &planned_minutes,
        rules::PLANNED_SECS.start() / 60..=rules::PLANNED_SECS.end() / 60,
    )?;
    let offers = parse_offers(
        &donation_min,
        &donation_message_max,
        &slot_count,
        &slot_secs,
        &slot_price,
        &slot_purpose,
        &slots_per_fan,
        &cancel_cutoff_hours,
        &no_show_secs,
    )?;
    if !rules::cutoff_open(starts_at, offers.cancel_cutoff_secs, now) {
        return Err(AppError::invalid(
            "cancel_cutoff_hours",
            Problem::CutoffPassed,
        ));
    }
    let event = store::NewEvent {
        title,
        description,
        starts_at,
        planned_secs: planned_minutes * 60,
        offers,
    };
    let id = store::create(&state.db, host.id, &event, now).await?;
    leptos_axum::redirect(&format!("/live/{id}/studio"));
    Ok(id)
}

/// Changes what the caller offers at their event `id`, while it is scheduled or live.
#[server(prefix = "/api", endpoint = "update_offers")]
pub async fn update_offers(
    id: i64,
    #[server(default)] donation_min: String,
    #[server(default)] donation_message_max: String,
    #[server(default)] slot_count: String,
    #[server(default)] slot_secs: String,
    #[server(default)] slot_price: String,
    #[server(default)] slot_purpose: String,
    #[server(default)] slots_per_fan: String,
    #[server(default)] cancel_cutoff_hours: String,
    #[server(default)] no_show_secs: String,
) -> Result<(), AppError> {
    let host = session::require_user().await?;
    let offers = parse_offers(
        &donation_min,
        &donation_message_max,
        &slot_count,
        &slot_secs,
        &slot_price,
        &slot_purpose,
        &slots_per_fan,
        &cancel_cutoff_hours,
        &no_show_secs,
    )?;
    let state = state()?;
    store::update_offers(&state.db, host.id, id, &offers, state.clock.now()).await
}

/// Event `id`, with the caller's own slots.
#[server(prefix = "/api", endpoint = "get_event")]
pub async fn get_event(id: i64) -> Result<Event, AppError> {
    let viewer = session::current_user().await?.map(|u| u.id);
    let state = state()?;
    store::event(&state.db, id, viewer, state.clock.now()).await
}

/// Events live now and coming up, everyone's or one creator's (by handle).
#[server(prefix = "/api", endpoint = "list_events")]
pub async fn list_events(#[server(default)] handle: String) -> Result<Vec<Listed>, AppError> {
    let state = state()?;
    let host = match handle.trim() {
        "" => None,
        handle => Some(
            crate::accounts::store::user_id_by_handle(&state.db, handle)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    store::listed(&state.db, host, state.clock.now()).await
}

/// Asks (`on`) or stops asking to be told, by a notification and an email, when event `id`
/// goes live.
#[server(prefix = "/api", endpoint = "remind_me")]
pub async fn remind_me(id: i64, on: bool) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let state = state()?;
    store::remind(&state.db, id, user.id, on, state.clock.now()).await
}

/// Books a stage slot at event `id`, holding its price on the caller's wallet; returns the
/// slot's id. `key` is the form's one-time key: sending the form twice books one slot. `price`
/// is the price in cents the page showed: if the host changed it since, nothing is held.
#[server(prefix = "/api", endpoint = "book_slot")]
pub async fn book_slot(
    id: i64,
    #[server(default)] key: String,
    #[server(default)] price: String,
) -> Result<i64, AppError> {
    let fan = session::require_user().await?;
    throttle(&format!("stage:{}", fan.id), STEPS_PER_USER).await?;
    let key = key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid("form", Problem::Malformed));
    }
    let Ok(price) = price.trim().parse::<i64>() else {
        return Err(AppError::invalid("slot", Problem::PriceChanged));
    };
    let state = state()?;
    let slot = store::book(&state.db, id, fan.id, key, price, state.clock.now()).await?;
    super::room::announce(&state, id, None).await;
    Ok(slot)
}

/// Opens a card payment that tops up the caller's wallet by what it lacks to book a slot of
/// event `id` (with the processor's fee), coming back to the event page. Returns the checkout
/// URL (a plain form post is redirected there).
#[server(prefix = "/api", endpoint = "top_up_to_book")]
pub async fn top_up_to_book(id: i64) -> Result<String, AppError> {
    let fan = session::require_user().await?;
    throttle(&format!("stage:{}", fan.id), STEPS_PER_USER).await?;
    let state = state()?;
    let event = store::event(&state.db, id, Some(fan.id), state.clock.now()).await?;
    if event.hosting {
        return Err(AppError::Forbidden);
    }
    let Some(charge) =
        crate::wallet::api::shortfall_charge(fan.id, event.offers.slot_price).await?
    else {
        return Err(AppError::Conflict(
            "your wallet already holds the price: book the slot".into(),
        ));
    };
    let back = format!("/@{}/live/{id}", event.host_handle);
    crate::wallet::api::start_card_payment(
        &fan,
        charge,
        crate::wallet::store::PaymentFor::Wallet,
        format!("Tremplin wallet top-up for @{}", fan.handle),
        Some(&back),
    )
    .await
}

/// Takes `step` on stage slot `id`: the host calls, brings on, extends, finishes or skips; the
/// fan says they are ready or cancels. The clock's own steps are not for callers.
#[server(prefix = "/api", endpoint = "take_slot_step")]
pub async fn take_slot_step(id: i64, step: SlotStep) -> Result<SlotState, AppError> {
    let user = session::require_user().await?;
    if matches!(
        step,
        SlotStep::TimeUp | SlotStep::NoShow | SlotStep::EventOver
    ) {
        return Err(AppError::Forbidden);
    }
    throttle(&format!("stage:{}", user.id), STEPS_PER_USER).await?;
    let state = state()?;
    let to = store::take(&state.db, id, user.id, step, state.clock.now()).await?;
    super::stage::slot_moved(&state, id).await;
    Ok(to)
}

/// Moves queued slot `id` one place up or down the queue of the caller's event.
#[server(prefix = "/api", endpoint = "move_slot")]
pub async fn move_slot(id: i64, up: bool) -> Result<(), AppError> {
    let host = session::require_user().await?;
    let state = state()?;
    let slot = store::whereabouts(&state.db, id).await?;
    store::move_slot(&state.db, id, host.id, up, state.clock.now()).await?;
    super::room::announce(&state, slot.event, None).await;
    Ok(())
}

/// Starts, ends or cancels the caller's event `id`.
#[server(prefix = "/api", endpoint = "run_event")]
pub async fn run_event(id: i64, step: EventStep) -> Result<EventState, AppError> {
    let host = session::require_user().await?;
    let state = state()?;
    let to = store::run_event(&state.db, id, Some(host.id), step, state.clock.now()).await?;
    let news = match to {
        EventState::Live => super::room::types::StageChange::Live,
        EventState::Ended => super::room::types::StageChange::Ended,
        _ => super::room::types::StageChange::Cancelled,
    };
    super::stage::event_moved(&state, id, news).await;
    Ok(to)
}

/// The studio of the caller's event `id`: the queue and the running totals.
#[server(prefix = "/api", endpoint = "get_studio")]
pub async fn get_studio(id: i64) -> Result<Studio, AppError> {
    let host = session::require_user().await?;
    let state = state()?;
    store::studio(&state.db, id, host.id, state.clock.now()).await
}
