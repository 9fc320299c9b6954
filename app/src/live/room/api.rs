//! The room's server functions: reading its state, writing in it (chat, donations, gifts) and
//! moderating it. Every write checks the session, the room's rules and a rate limit here, on
//! the server; the page only shows what it is allowed.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{Receipt, Room, Sanction};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{
        post, rules,
        store::{self, NewMessage},
        types::{MessageKind, Mute},
    },
    crate::accounts::{rules::RateLimit, session, types::SessionUser},
    crate::error::Problem,
    crate::ledger::{
        rules::parse_amount,
        types::{AccountRef, Currency, LedgerError, Money, NewTransfer, TransferKind},
    },
    crate::live::{store as live, types::Event, types::EventState},
    crate::ssr::{internal, state, AppState},
};

/// Chat messages one person may send: five in ten seconds, whatever the slow mode.
#[cfg(feature = "ssr")]
const CHAT_PER_USER: RateLimit = RateLimit {
    limit: 5,
    window_secs: 10,
};
/// Donations, gifts and moderation steps one person may take per minute.
#[cfg(feature = "ssr")]
const PAID_PER_USER: RateLimit = RateLimit {
    limit: 30,
    window_secs: 60,
};

/// What the caller is in an event's room.
#[cfg(feature = "ssr")]
struct Member {
    user: SessionUser,
    event: Event,
    moderating: bool,
}

#[cfg(feature = "ssr")]
impl Member {
    async fn of(state: &AppState, id: i64) -> Result<Self, AppError> {
        let user = session::require_user().await?;
        let event = live::event(&state.db, id, Some(user.id), state.clock.now()).await?;
        let moderating =
            event.hosting || store::is_moderator(&state.db, event.host_id, user.id).await?;
        Ok(Self {
            user,
            event,
            moderating,
        })
    }

    /// Refuses a write from someone timed out or banned, or in a room that has closed.
    async fn may_write(&self, state: &AppState) -> Result<(), AppError> {
        if matches!(self.event.state, EventState::Ended | EventState::Cancelled) {
            return Err(AppError::Conflict("the event is over".into()));
        }
        let now = state.clock.now();
        match store::muted(&state.db, self.event.host_id, self.user.id, now).await? {
            Some(until) => Err(AppError::invalid("text", Problem::Muted { until })),
            None => Ok(()),
        }
    }

    /// The caller as a moderator of event `id`'s room (the host or one they named), their
    /// step counted against the rate limit; anyone else is refused.
    async fn moderator(state: &AppState, id: i64) -> Result<Self, AppError> {
        let me = Self::of(state, id).await?;
        if !me.moderating {
            return Err(AppError::Forbidden);
        }
        pace(state, format!("paid:{}", me.user.id), PAID_PER_USER, "form").await?;
        Ok(me)
    }
}

/// Counts one write against `limit`; over it, the wait is an error on `field`.
#[cfg(feature = "ssr")]
async fn pace(
    state: &AppState,
    key: String,
    limit: RateLimit,
    field: &str,
) -> Result<(), AppError> {
    match crate::ssr::limiter::hit(state, &key, limit, state.clock.now()).await? {
        Some(wait) => Err(AppError::invalid(
            field,
            Problem::SlowMode {
                wait_secs: u32::try_from(wait).unwrap_or(u32::MAX),
            },
        )),
        None => Ok(()),
    }
}

/// The room of event `id` as the caller sees it: the gifts, the rules, and whether they
/// moderate or may not write.
#[server(prefix = "/api", endpoint = "get_room")]
pub async fn get_room(id: i64) -> Result<Room, AppError> {
    let state = state()?;
    let viewer = session::current_user().await?;
    let now = state.clock.now();
    let event = live::event(&state.db, id, viewer.as_ref().map(|u| u.id), now).await?;
    let (moderating, muted) = match &viewer {
        Some(u) => (
            event.hosting || store::is_moderator(&state.db, event.host_id, u.id).await?,
            store::muted(&state.db, event.host_id, u.id, now)
                .await?
                .map(|until| Mute { until }),
        ),
        None => (false, None),
    };
    let mut gifts = store::gifts(&state.db, id).await?;
    if !event.hosting {
        gifts.retain(|g| g.on);
    }
    Ok(Room {
        event_id: id,
        host_name: event.host_name.clone(),
        gifts,
        donation_min: event.offers.donation_min,
        donation_message_max: event.offers.donation_message_max,
        moderating,
        hosting: event.hosting,
        open: matches!(event.state, EventState::Scheduled | EventState::Live),
        muted,
        rules: store::room_rules(&state.db, id, event.host_id).await?,
        backlog: store::latest(&state.db, id, rules::BACKLOG).await?,
        key: uuid::Uuid::new_v4().simple().to_string(),
    })
}

/// Says `text` in the room of event `id`; returns the message's number.
#[server(prefix = "/api", endpoint = "send_chat")]
pub async fn send_chat(id: i64, #[server(default)] text: String) -> Result<i64, AppError> {
    let state = state()?;
    let me = Member::of(&state, id).await?;
    me.may_write(&state).await?;
    let room = store::room_rules(&state.db, id, me.event.host_id).await?;
    let text = rules::parse_chat(&text, &room.blocked_words)?;
    pace(
        &state,
        format!("chat:{}", me.user.id),
        CHAT_PER_USER,
        "text",
    )
    .await?;
    if room.slow_mode_secs > 0 && !me.moderating {
        let now = state.clock.now();
        if let Some(at) = store::last_said_at(&state.db, id, me.user.id).await? {
            let wait = at + i64::from(room.slow_mode_secs) - now;
            if wait > 0 {
                return Err(AppError::invalid(
                    "text",
                    Problem::SlowMode {
                        wait_secs: wait as u32,
                    },
                ));
            }
        }
    }
    post(
        &state,
        id,
        NewMessage::new(MessageKind::Chat, Some(me.user.id), text),
    )
    .await
}

/// Moves `amount` from the fan's wallet to the host's earnings at once, through the ledger's
/// group commit; the platform takes nothing.
#[cfg(feature = "ssr")]
async fn pay_host(
    state: &AppState,
    me: &Member,
    key: &str,
    amount: Money,
    kind: TransferKind,
    field: &str,
) -> Result<Receipt, AppError> {
    let transfer = NewTransfer {
        key: key.to_owned(),
        debit: AccountRef::wallet(me.user.id, Currency::Eur),
        credit: AccountRef::earnings(me.event.host_id, Currency::Eur),
        amount,
        kind,
        cause: format!("event:{}", me.event.id),
        hold: None,
    };
    match state
        .ledger
        .transfer(vec![transfer], state.clock.now())
        .await
    {
        Ok(_) => Ok(Receipt {
            paid: amount,
            platform_fee: Money::eur(0),
            host_receives: amount,
            host_name: me.event.host_name.clone(),
        }),
        Err(LedgerError::InsufficientFunds { .. }) => {
            Err(AppError::invalid(field, Problem::InsufficientFunds))
        }
        Err(LedgerError::KeyReused { .. }) => Err(AppError::invalid("form", Problem::Malformed)),
        Err(e) => Err(internal(e)),
    }
}

/// A fan about to pay the host of event `id`, with their form's one-time key. The host does
/// not pay their own event, and nor does someone who may not write in its room.
#[cfg(feature = "ssr")]
async fn payer(state: &AppState, id: i64, key: &str) -> Result<(Member, String), AppError> {
    let me = Member::of(state, id).await?;
    let key = key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid("form", Problem::Malformed));
    }
    if me.event.hosting {
        return Err(AppError::Forbidden);
    }
    me.may_write(state).await?;
    Ok((me, key.to_owned()))
}

/// Pays `m.amount` of `kind` to the host, then posts `m` in the room under the same key (a
/// retried form pays and posts once). Errors name `field`.
#[cfg(feature = "ssr")]
async fn pay_and_post(
    state: &AppState,
    me: &Member,
    kind: TransferKind,
    key: &str,
    mut m: NewMessage,
    field: &str,
) -> Result<Receipt, AppError> {
    let amount = m
        .amount
        .ok_or_else(|| internal("a paid message without its amount"))?;
    pace(state, format!("paid:{}", me.user.id), PAID_PER_USER, field).await?;
    let key = format!("{}:{}:{key}", kind.as_str(), me.user.id);
    let receipt = pay_host(state, me, &key, amount, kind, field).await?;
    m.request_key = Some(key);
    post(state, me.event.id, m).await?;
    Ok(receipt)
}

/// Donates `amount` to the host of event `id`, with `message` highlighted in the room.
/// `key` is the form's one-time key: sending it twice donates once.
#[server(prefix = "/api", endpoint = "donate")]
pub async fn donate(
    id: i64,
    #[server(default)] amount: String,
    #[server(default)] message: String,
    #[server(default)] key: String,
) -> Result<Receipt, AppError> {
    let state = state()?;
    let (me, key) = payer(&state, id, &key).await?;
    let amount = parse_amount(
        &amount,
        Currency::Eur,
        me.event.offers.donation_min.minor,
        crate::ledger::rules::MAX_AMOUNT,
    )
    .map_err(|problem| AppError::invalid("amount", problem))?;
    let max = me.event.offers.donation_message_max;
    let message = message.trim();
    if message.chars().count() > max as usize {
        return Err(AppError::invalid("message", Problem::TooLong { max }));
    }
    let blocked = store::room_rules(&state.db, id, me.event.host_id)
        .await?
        .blocked_words;
    if rules::has_blocked_word(message, &blocked) {
        return Err(AppError::invalid("message", Problem::BlockedWord));
    }
    let mut m = NewMessage::new(MessageKind::Donation, Some(me.user.id), message.to_owned());
    m.amount = Some(amount);
    pay_and_post(&state, &me, TransferKind::Donation, &key, m, "amount").await
}

/// Sends gift `gift` to the host of event `id` at `price` (in cents, as the page showed it: a
/// price changed since is refused, nothing charged). `key` is the form's one-time key.
#[server(prefix = "/api", endpoint = "send_gift")]
pub async fn send_gift(
    id: i64,
    #[server(default)] gift: String,
    #[server(default)] price: String,
    #[server(default)] key: String,
) -> Result<Receipt, AppError> {
    let state = state()?;
    let (me, key) = payer(&state, id, &key).await?;
    let Some(asked) = store::gift_price(&state.db, id, gift.trim()).await? else {
        return Err(AppError::invalid("gift", Problem::NotOffered));
    };
    if price.trim().parse::<i64>().ok() != Some(asked.minor) {
        return Err(AppError::invalid("gift", Problem::PriceChanged));
    }
    let mut m = NewMessage::new(MessageKind::Gift, Some(me.user.id), String::new());
    m.amount = Some(asked);
    m.gift = Some(gift.trim().to_owned());
    pay_and_post(&state, &me, TransferKind::Gift, &key, m, "gift").await
}

/// Takes down message `seq` of event `id`'s room. Host and moderators only.
#[server(prefix = "/api", endpoint = "delete_message")]
pub async fn delete_message(id: i64, seq: i64) -> Result<(), AppError> {
    let state = state()?;
    let me = Member::moderator(&state, id).await?;
    if store::since(&state.db, id, seq - 1, 1)
        .await?
        .first()
        .map(|m| m.seq)
        != Some(seq)
    {
        return Err(AppError::NotFound);
    }
    let mut m = NewMessage::new(MessageKind::Deleted, Some(me.user.id), String::new());
    m.target = Some(seq);
    post(&state, id, m).await.map(|_| ())
}

/// Times out, bans or lets back the author of message `seq` in all of the host's rooms. Host
/// and moderators only; nobody sanctions the host, and only the host sanctions a moderator.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(id: i64, seq: i64, sanction: Sanction) -> Result<(), AppError> {
    let state = state()?;
    let me = Member::moderator(&state, id).await?;
    let host = me.event.host_id;
    let target = store::author_of(&state.db, id, seq)
        .await?
        .ok_or(AppError::NotFound)?;
    if target == host
        || target == me.user.id
        || (!me.event.hosting && store::is_moderator(&state.db, host, target).await?)
    {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let word = match sanction {
        Sanction::Timeout => {
            store::sanction(
                &state.db,
                host,
                target,
                Some(now + rules::TIMEOUT_SECS),
                me.user.id,
                now,
            )
            .await?;
            "timeout"
        }
        Sanction::Ban => {
            store::sanction(&state.db, host, target, None, me.user.id, now).await?;
            "ban"
        }
        Sanction::Lift => {
            store::lift(&state.db, host, target).await?;
            "lift"
        }
    };
    post(
        &state,
        id,
        NewMessage::new(MessageKind::Sanction, Some(target), word.to_owned()),
    )
    .await
    .map(|_| ())
}

/// Sets the room's slow mode (seconds), blocked words and moderators (handles, separated by
/// commas or spaces). The host only.
#[server(prefix = "/api", endpoint = "set_room_rules")]
pub async fn set_room_rules(
    id: i64,
    #[server(default)] slow_mode_secs: String,
    #[server(default)] blocked_words: String,
    #[server(default)] moderators: String,
) -> Result<(), AppError> {
    let state = state()?;
    let me = Member::of(&state, id).await?;
    if !me.event.hosting {
        return Err(AppError::Forbidden);
    }
    let slow = slow_mode_secs
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|s| *s <= rules::MAX_SLOW_MODE_SECS)
        .ok_or_else(|| AppError::invalid("slow_mode_secs", Problem::InvalidNumber))?;
    let words = rules::parse_blocked_words(&blocked_words)?;
    let mut ids = Vec::new();
    for handle in moderators
        .split([',', ' ', '\n'])
        .map(|h| h.trim().trim_start_matches('@'))
    {
        if handle.is_empty() {
            continue;
        }
        let user = crate::accounts::store::user_id_by_handle(&state.db, &handle.to_lowercase())
            .await?
            .filter(|u| *u != me.user.id)
            .ok_or_else(|| AppError::invalid("moderators", Problem::InvalidHandle))?;
        if !ids.contains(&user) {
            ids.push(user);
        }
    }
    store::set_room_rules(&state.db, id, me.user.id, slow, &words, &ids).await
}

/// Chooses the gifts event `id` offers (`on`, by code) and the price of each gift of the
/// catalogue (`prices`, in its order). The host only.
#[server(prefix = "/api", endpoint = "set_gifts")]
pub async fn set_gifts(
    id: i64,
    #[server(default)] on: Vec<String>,
    #[server(default)] prices: Vec<String>,
) -> Result<(), AppError> {
    let state = state()?;
    let me = Member::of(&state, id).await?;
    if !me.event.hosting {
        return Err(AppError::Forbidden);
    }
    if prices.len() != rules::CATALOGUE.len() || on.iter().any(|c| rules::gift(c).is_none()) {
        return Err(AppError::invalid("form", Problem::Malformed));
    }
    let mut offered = Vec::new();
    for (gift, price) in rules::CATALOGUE.iter().zip(&prices) {
        let price = parse_amount(
            price,
            Currency::Eur,
            rules::GIFT_PRICE_MIN,
            rules::GIFT_PRICE_MAX,
        )
        .map_err(|problem| AppError::invalid(gift.code, problem))?;
        if on.iter().any(|c| c == gift.code) {
            offered.push((gift.code.to_owned(), price.minor));
        }
    }
    store::set_gifts(&state.db, id, &offered).await
}
