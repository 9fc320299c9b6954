//! Live events' SQL. Booking a stage slot takes a place with a guarded increment on the event
//! and puts the price on hold on the fan's wallet, in one transaction: of 50 fans racing for 5
//! slots, 5 hold one. Every later step on a slot locks its event's row first (so steps on one
//! event never deadlock each other), is guarded on the state it read, and settles the hold in
//! the same transaction: a skip racing the end of the timer gives one outcome.

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::rules::{self, Actor};
use super::types::*;
use crate::error::{AppError, Problem};
use crate::ledger::store as ledger;
use crate::ledger::types::{
    AccountRef, Currency, Hold, LedgerError, Money, MovementFilter, NewTransfer, TransferKind,
};
use crate::notifications::store::notify;
use crate::notifications::types::{Notice, StageNews};
use crate::ssr::storage::media_url;
use crate::ssr::{internal, Db};

/// An event as a host schedules it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub title: String,
    pub description: String,
    pub starts_at: i64,
    pub planned_secs: u32,
    pub offers: Offers,
}

#[derive(FromRow)]
struct EventRow {
    id: i64,
    host_id: i64,
    host_handle: String,
    host_name: String,
    title: String,
    description: String,
    starts_at: i64,
    planned_secs: i64,
    state: String,
    currency: String,
    donation_min: i64,
    donation_message_max: i64,
    slot_count: i64,
    slot_secs: i64,
    slot_price: i64,
    slot_purpose: String,
    slots_per_fan: i64,
    cancel_cutoff_secs: i64,
    no_show_secs: i64,
    slots_taken: i64,
    cover_key: Option<String>,
}

const EVENT_COLUMNS: &str = "e.id, e.host_id, u.handle AS host_handle, u.display_name AS host_name,
    e.title, e.description, e.starts_at, e.planned_secs, e.state, e.currency, e.donation_min,
    e.donation_message_max, e.slot_count, e.slot_secs, e.slot_price, e.slot_purpose,
    e.slots_per_fan, e.cancel_cutoff_secs, e.no_show_secs, e.slots_taken, e.cover_key";

impl EventRow {
    fn state(&self) -> Result<EventState, AppError> {
        EventState::parse(&self.state).ok_or_else(|| internal("unknown event state"))
    }

    fn currency(&self) -> Result<Currency, AppError> {
        Currency::parse(&self.currency).ok_or_else(|| internal("unknown currency"))
    }

    fn into_event(
        self,
        viewer: Option<i64>,
        my_slots: Vec<MySlot>,
        now: i64,
    ) -> Result<Event, AppError> {
        let currency = self.currency()?;
        let count = |n: i64| u32::try_from(n).map_err(internal);
        Ok(Event {
            state: self.state()?,
            offers: Offers {
                donation_min: Money::new(self.donation_min, currency),
                donation_message_max: count(self.donation_message_max)?,
                slot_count: count(self.slot_count)?,
                slot_secs: count(self.slot_secs)?,
                slot_price: Money::new(self.slot_price, currency),
                slot_purpose: StagePurpose::parse(&self.slot_purpose)
                    .ok_or_else(|| internal("unknown stage purpose"))?,
                slots_per_fan: count(self.slots_per_fan)?,
                cancel_cutoff_secs: count(self.cancel_cutoff_secs)?,
                no_show_secs: count(self.no_show_secs)?,
            },
            slots_taken: count(self.slots_taken)?,
            planned_secs: count(self.planned_secs)?,
            hosting: viewer == Some(self.host_id),
            reminding: false,
            cover_url: self.cover_key.as_deref().map(media_url),
            merch: Vec::new(),
            guest: None,
            id: self.id,
            host_id: self.host_id,
            host_handle: self.host_handle,
            host_name: self.host_name,
            title: self.title,
            description: self.description,
            starts_at: self.starts_at,
            my_slots,
            now,
        })
    }
}

async fn event_row(conn: &mut AnyConnection, id: i64) -> Result<EventRow, AppError> {
    sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM live_events e JOIN users u ON u.id = e.host_id WHERE e.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)
}

/// Schedules an event for `host`; returns its id.
pub async fn create(db: &Db, host: i64, e: &NewEvent, now: i64) -> Result<i64, AppError> {
    let o = &e.offers;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO live_events (host_id, title, description, starts_at, planned_secs, currency,
           donation_min, donation_message_max, slot_count, slot_secs, slot_price, slot_purpose,
           slots_per_fan, cancel_cutoff_secs, no_show_secs, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
    )
    .bind(host)
    .bind(&e.title)
    .bind(&e.description)
    .bind(e.starts_at)
    .bind(i64::from(e.planned_secs))
    .bind(o.slot_price.currency.as_str())
    .bind(o.donation_min.minor)
    .bind(i64::from(o.donation_message_max))
    .bind(i64::from(o.slot_count))
    .bind(i64::from(o.slot_secs))
    .bind(o.slot_price.minor)
    .bind(o.slot_purpose.as_str())
    .bind(i64::from(o.slots_per_fan))
    .bind(i64::from(o.cancel_cutoff_secs))
    .bind(i64::from(o.no_show_secs))
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    // A new event offers the whole gift catalogue at its usual prices until the host changes it.
    super::room::store::set_gifts(db, id, &super::room::store::default_gifts()).await?;
    Ok(id)
}

/// Changes what `host` offers at their event while it is scheduled or live. Fewer slots than
/// are already taken is refused; the price and length of slots already booked do not change.
pub async fn update_offers(
    db: &Db,
    host: i64,
    event: i64,
    o: &Offers,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let row = lock_event(&mut tx, event, now).await?;
    if row.host_id != host {
        return Err(AppError::NotFound);
    }
    if !rules::bookable(row.state()?) {
        return Err(AppError::Conflict(format!("the event is {}", row.state)));
    }
    // A cut-off changed to one already past would sell slots nobody can cancel; one that
    // passed with time is the rule working.
    if i64::from(o.cancel_cutoff_secs) != row.cancel_cutoff_secs
        && !rules::cutoff_open(row.starts_at, o.cancel_cutoff_secs, now)
    {
        return Err(AppError::invalid(
            "cancel_cutoff_hours",
            Problem::CutoffPassed,
        ));
    }
    if i64::from(o.slot_count) < row.slots_taken {
        return Err(AppError::invalid(
            "slot_count",
            Problem::AmountTooSmall {
                min_minor: row.slots_taken,
            },
        ));
    }
    sqlx::query(
        "UPDATE live_events SET donation_min = $1, donation_message_max = $2, slot_count = $3,
           slot_secs = $4, slot_price = $5, slot_purpose = $6, slots_per_fan = $7,
           cancel_cutoff_secs = $8, no_show_secs = $9, updated_at = $10
         WHERE id = $11",
    )
    .bind(o.donation_min.minor)
    .bind(i64::from(o.donation_message_max))
    .bind(i64::from(o.slot_count))
    .bind(i64::from(o.slot_secs))
    .bind(o.slot_price.minor)
    .bind(o.slot_purpose.as_str())
    .bind(i64::from(o.slots_per_fan))
    .bind(i64::from(o.cancel_cutoff_secs))
    .bind(i64::from(o.no_show_secs))
    .bind(now)
    .bind(event)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Locks event `id` for the rest of the transaction (a write that changes nothing) and reads
/// it as it now stands.
async fn lock_event(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    now: i64,
) -> Result<EventRow, AppError> {
    let locked = sqlx::query("UPDATE live_events SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    if locked.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    event_row(tx, id).await
}

/// Locks event `id` for the rest of the transaction, as [`lock_event`], and refuses anyone but
/// its host.
pub(crate) async fn lock_hosted(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    host: i64,
    now: i64,
) -> Result<(), AppError> {
    match lock_event(tx, id, now).await?.host_id == host {
        true => Ok(()),
        false => Err(AppError::Forbidden),
    }
}

/// Books a stage slot at `event` for `fan`, putting its price on hold on their wallet; returns
/// the slot's id. `request_key` is the booking form's one-time key: the same key again returns
/// the first booking and holds nothing more.
/// Whether `host` banned `fan` from their rooms (a ban, not a timeout): a banned fan takes no
/// part in the host's events, on stage or at the merch table.
pub async fn banned(conn: &mut AnyConnection, host: i64, fan: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM room_sanctions WHERE host_id = $1 AND user_id = $2 AND until IS NULL",
    )
    .bind(host)
    .bind(fan)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(found.is_some())
}

pub async fn book(
    db: &Db,
    event: i64,
    fan: i64,
    request_key: &str,
    price: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    // Taking the place first locks the event: concurrent bookings queue up behind it, and what
    // follows reads what they committed.
    let taken = sqlx::query(
        "UPDATE live_events SET slots_taken = slots_taken + 1, updated_at = $1
         WHERE id = $2 AND slots_taken < slot_count AND state IN ('scheduled', 'live')
           AND host_id <> $3
           AND NOT EXISTS (SELECT 1 FROM room_sanctions s
                           WHERE s.host_id = live_events.host_id AND s.user_id = $3
                             AND s.until IS NULL)",
    )
    .bind(now)
    .bind(event)
    .bind(fan)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected()
        == 1;
    let e = event_row(&mut tx, event).await?;
    let earlier: Option<i64> =
        sqlx::query_scalar("SELECT id FROM stage_slots WHERE fan_id = $1 AND request_key = $2")
            .bind(fan)
            .bind(request_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    if let Some(id) = earlier {
        // The place taken above is given back with the rollback.
        return Ok(id);
    }
    if !taken {
        return Err(
            if e.host_id == fan || banned(&mut tx, e.host_id, fan).await? {
                AppError::Forbidden
            } else if !rules::bookable(e.state()?) {
                AppError::Conflict(format!("the event is {}", e.state))
            } else {
                AppError::invalid("slot", Problem::SoldOut)
            },
        );
    }
    // The fan pays what the page showed them, or nothing.
    if e.slot_price != price {
        return Err(AppError::invalid("slot", Problem::PriceChanged));
    }
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stage_slots
         WHERE event_id = $1 AND fan_id = $2 AND state IN ('queued', 'backstage', 'ready', 'on_stage')",
    )
    .bind(event)
    .bind(fan)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    if held >= e.slots_per_fan {
        let max = u32::try_from(e.slots_per_fan).map_err(internal)?;
        return Err(AppError::invalid("slot", Problem::TooMany { max }));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stage_slots (event_id, fan_id, position, price, currency, secs, cancel_until,
           booked_at, changed_at, request_key)
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM stage_slots WHERE event_id = $1),
           $3, $4, $5, $6, $7, $7, $8)
         RETURNING id",
    )
    .bind(event)
    .bind(fan)
    .bind(e.slot_price)
    .bind(&e.currency)
    .bind(e.slot_secs)
    .bind(rules::cancel_until(e.starts_at, cutoff(&e)?))
    .bind(now)
    .bind(request_key)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let currency = e.currency()?;
    let hold = NewTransfer {
        key: format!("stage_slot:{id}:hold"),
        debit: AccountRef::wallet(fan, currency),
        credit: AccountRef::earnings(e.host_id, currency),
        amount: Money::new(e.slot_price, currency),
        kind: TransferKind::StageSlot,
        cause: format!("event:{event}"),
        hold: Some(Hold { expires_at: None }),
    };
    let done = ledger::transfer(&mut tx, &[hold], now)
        .await
        .map_err(|e| match e {
            LedgerError::InsufficientFunds { .. } => {
                AppError::invalid("slot", Problem::InsufficientFunds)
            }
            other => internal(other),
        })?;
    sqlx::query("UPDATE stage_slots SET hold_id = $1 WHERE id = $2")
        .bind(done[0].id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

#[derive(FromRow)]
struct SlotRow {
    id: i64,
    fan_id: i64,
    state: String,
    price: i64,
    currency: String,
    secs: i64,
    /// The cancellation deadline the fan booked under.
    cancel_until: i64,
    extensions: i64,
    hold_id: Option<i64>,
    started_at: Option<i64>,
}

impl SlotRow {
    fn state(&self) -> Result<SlotState, AppError> {
        SlotState::parse(&self.state).ok_or_else(|| internal("unknown slot state"))
    }
}

async fn slot_row(conn: &mut AnyConnection, id: i64) -> Result<SlotRow, AppError> {
    sqlx::query_as(
        "SELECT id, fan_id, state, price, currency, secs, cancel_until, extensions, hold_id, started_at
         FROM stage_slots WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)
}

/// Takes `step` on slot `id` as `user` (its event's host or its fan); returns the new state.
/// To anyone else the slot does not exist.
pub async fn take(
    db: &Db,
    id: i64,
    user: i64,
    step: SlotStep,
    now: i64,
) -> Result<SlotState, AppError> {
    let event: i64 = sqlx::query_scalar("SELECT event_id FROM stage_slots WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await.map_err(internal)?;
    let e = lock_event(&mut tx, event, now).await?;
    let slot = slot_row(&mut tx, id).await?;
    let by = if user == e.host_id {
        Actor::Host
    } else if user == slot.fan_id {
        Actor::Fan
    } else {
        return Err(AppError::NotFound);
    };
    if step == SlotStep::Cancel && now > slot_cancel_until(&e, slot.cancel_until)? {
        return Err(AppError::Conflict(
            "the cancellation cut-off has passed".into(),
        ));
    }
    let to = apply(&mut tx, &e, &slot, step, by, now).await?;
    tx.commit().await.map_err(internal)?;
    Ok(to)
}

fn cutoff(e: &EventRow) -> Result<u32, AppError> {
    u32::try_from(e.cancel_cutoff_secs).map_err(internal)
}

/// Until when a slot booked under the deadline `booked` may be cancelled: that deadline, fixed
/// when the fan paid, unless the host has since made the event's terms kinder (a shorter
/// cut-off, a later start).
fn slot_cancel_until(e: &EventRow, booked: i64) -> Result<i64, AppError> {
    Ok(booked.max(rules::cancel_until(e.starts_at, cutoff(e)?)))
}

/// Applies `step` by `by` to `slot` of event `e` (locked by the caller), guarded on the state
/// it read, with the slot's money and the fan's notification in the same transaction.
async fn apply(
    tx: &mut Transaction<'_, Any>,
    e: &EventRow,
    slot: &SlotRow,
    step: SlotStep,
    by: Actor,
    now: i64,
) -> Result<SlotState, AppError> {
    let from = slot.state()?;
    let to = rules::next(from, step, by, e.state()?)?;
    let changed = match step {
        SlotStep::Call => guarded(tx, slot, from, SlotChange::Called, now).await?,
        SlotStep::Ready => guarded(tx, slot, from, SlotChange::Ready, now).await?,
        SlotStep::OnStage => {
            // Under the event's lock, so no other slot can go on meanwhile.
            if on_stage(tx, e.id).await?.is_some() {
                return Err(AppError::Conflict("another fan is on stage".into()));
            }
            guarded(tx, slot, from, SlotChange::OnStage, now).await?
        }
        SlotStep::Extend => {
            if slot.extensions >= i64::from(rules::MAX_EXTENSIONS) {
                return Err(AppError::Conflict(format!(
                    "a slot is extended {} times at most",
                    rules::MAX_EXTENSIONS
                )));
            }
            guarded(tx, slot, from, SlotChange::Extended, now).await?
        }
        _ => {
            let on_stage = slot.started_at.map_or(0, |at| now - at);
            let secs = u32::try_from(slot.secs).map_err(internal)?;
            let charged = rules::charge(to, step, slot.price, secs, on_stage);
            let changed = guarded(tx, slot, from, SlotChange::Settled { to, charged }, now).await?;
            if changed {
                settle(tx, e, slot, to, step, charged, now).await?;
            }
            changed
        }
    };
    if !changed {
        return Err(AppError::Conflict(
            "the stage slot changed meanwhile".into(),
        ));
    }
    if step == SlotStep::Call {
        tell(tx, e, slot, StageNews::Called, slot.price, now).await?;
    }
    Ok(to)
}

/// What a step changes in a slot's row.
#[derive(Clone, Copy)]
enum SlotChange {
    Called,
    Ready,
    OnStage,
    Extended,
    Settled { to: SlotState, charged: i64 },
}

/// Applies `change` to `slot` if it is still `from`; whether it was.
async fn guarded(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
    from: SlotState,
    change: SlotChange,
    now: i64,
) -> Result<bool, AppError> {
    // `$1` is the slot, `$2` the state it must still be in, `$3` now; then the change's values.
    let sql = match change {
        SlotChange::Called => {
            "UPDATE stage_slots SET state = 'backstage', called_at = $3, changed_at = $3
             WHERE id = $1 AND state = $2"
        }
        SlotChange::Ready => {
            "UPDATE stage_slots SET state = 'ready', changed_at = $3 WHERE id = $1 AND state = $2"
        }
        SlotChange::OnStage => {
            "UPDATE stage_slots SET state = 'on_stage', started_at = $3, ends_at = $3 + secs,
               changed_at = $3
             WHERE id = $1 AND state = $2"
        }
        SlotChange::Extended => {
            "UPDATE stage_slots SET secs = secs + $4, ends_at = ends_at + $4,
               extensions = extensions + 1, changed_at = $3
             WHERE id = $1 AND state = $2"
        }
        SlotChange::Settled { .. } => {
            "UPDATE stage_slots SET state = $4, charged = $5, settled_at = $3, ends_at = NULL,
               changed_at = $3
             WHERE id = $1 AND state = $2"
        }
    };
    let mut query = sqlx::query(sql).bind(slot.id).bind(from.as_str()).bind(now);
    match change {
        SlotChange::Extended => query = query.bind(i64::from(rules::EXTENSION_SECS)),
        SlotChange::Settled { to, charged } => query = query.bind(to.as_str()).bind(charged),
        SlotChange::Called | SlotChange::Ready | SlotChange::OnStage => {}
    }
    let changed = query.execute(&mut **tx).await.map_err(internal)?;
    Ok(changed.rows_affected() == 1)
}

/// Captures what a slot that ended charges (voiding the hold when that is nothing), gives the
/// place back when a refunded slot's event still sells slots, and tells the fan.
async fn settle(
    tx: &mut Transaction<'_, Any>,
    e: &EventRow,
    slot: &SlotRow,
    to: SlotState,
    step: SlotStep,
    charged: i64,
    now: i64,
) -> Result<(), AppError> {
    let hold = slot
        .hold_id
        .ok_or_else(|| internal("a booked slot without its hold"))?;
    if charged > 0 {
        ledger::post(tx, hold, Some(charged), now)
            .await
            .map_err(internal)?;
    } else {
        ledger::void(tx, hold, now).await.map_err(internal)?;
        if rules::bookable(e.state()?) && step != SlotStep::EventOver {
            sqlx::query("UPDATE live_events SET slots_taken = slots_taken - 1 WHERE id = $1")
                .bind(e.id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
    }
    let news = match (to, step) {
        (SlotState::Done, _) => Some(StageNews::Charged),
        (SlotState::Skipped, _) => Some(StageNews::Skipped),
        (SlotState::NoShow, _) => Some(StageNews::NoShow),
        (SlotState::Unplayed, _) => Some(StageNews::Unplayed),
        // A fan who cancels knows.
        _ => None,
    };
    match news {
        Some(StageNews::Charged) => tell(tx, e, slot, StageNews::Charged, charged, now).await,
        Some(news) => tell(tx, e, slot, news, slot.price, now).await,
        None => Ok(()),
    }
}

async fn tell(
    conn: &mut AnyConnection,
    e: &EventRow,
    slot: &SlotRow,
    news: StageNews,
    amount: i64,
    now: i64,
) -> Result<(), AppError> {
    let currency = Currency::parse(&slot.currency).ok_or_else(|| internal("unknown currency"))?;
    let notice = Notice::Stage {
        event: e.id,
        title: e.title.clone(),
        news,
        amount: Money::new(amount, currency),
    };
    notify(conn, slot.fan_id, &notice, now).await
}

/// Starts, ends or cancels `host`'s event `id`. Ending or cancelling settles every open slot
/// in the same transaction: the one on stage is done, the others are refunded.
pub async fn run_event(
    db: &Db,
    id: i64,
    host: Option<i64>,
    step: EventStep,
    now: i64,
) -> Result<EventState, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let e = lock_event(&mut tx, id, now).await?;
    if host.is_some_and(|h| h != e.host_id) {
        return Err(AppError::NotFound);
    }
    let from = e.state()?;
    let to = match (from, step) {
        (EventState::Scheduled, EventStep::Start) => EventState::Live,
        (EventState::Live, EventStep::End) => EventState::Ended,
        (EventState::Scheduled, EventStep::Cancel) => EventState::Cancelled,
        _ => {
            return Err(AppError::Conflict(format!(
                "{step:?} is not possible on an event that is {}",
                from.as_str()
            )))
        }
    };
    let stamp = match to {
        EventState::Live => "started_at = $3",
        _ => "ended_at = $3",
    };
    sqlx::query(&format!(
        "UPDATE live_events SET state = $1, {stamp} WHERE id = $2"
    ))
    .bind(to.as_str())
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if to == EventState::Live {
        // Told in the transaction that starts the event: a reminder exists if it went live.
        let waiting: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM event_reminders WHERE event_id = $1 ORDER BY user_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
        let notice = Notice::Live {
            event: id,
            title: e.title.clone(),
            host: e.host_name.clone(),
        };
        for user in waiting {
            notify(&mut tx, user, &notice, now).await?;
        }
    }
    if matches!(to, EventState::Ended | EventState::Cancelled) {
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM stage_slots
             WHERE event_id = $1 AND state IN ('queued', 'backstage', 'ready', 'on_stage')
             ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
        // The slots are settled against the event as it was, so a slot on stage counts its
        // time up to now.
        for slot in open {
            let slot = slot_row(&mut tx, slot).await?;
            apply(&mut tx, &e, &slot, SlotStep::EventOver, Actor::Clock, now).await?;
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(to)
}

/// Something the clock settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Slot(i64),
    Event(i64),
}

/// Where a slot stands, as the room announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whereabouts {
    pub event: i64,
    pub fan: i64,
    pub state: SlotState,
    /// Whether it ever went on stage.
    pub was_on_stage: bool,
}

pub async fn whereabouts(db: &Db, id: i64) -> Result<Whereabouts, AppError> {
    let (event, fan, state, started_at): (i64, i64, String, Option<i64>) =
        sqlx::query_as("SELECT event_id, fan_id, state, started_at FROM stage_slots WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
    Ok(Whereabouts {
        event,
        fan,
        state: SlotState::parse(&state).ok_or_else(|| internal(format!("slot state {state:?}")))?,
        was_on_stage: started_at.is_some(),
    })
}

/// What the clock settles: stage timers that ran out, fans called backstage who did not
/// answer, and events left live long after their planned end. Returns how many it settled;
/// each in its own transaction, so a step a host takes meanwhile wins or loses whole.
pub async fn settle_due(db: &Db, now: i64) -> Result<Vec<Settled>, AppError> {
    let due: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.id, s.state FROM stage_slots s JOIN live_events e ON e.id = s.event_id
         WHERE (s.state = 'on_stage' AND s.ends_at <= $1)
            OR (s.state = 'backstage' AND s.called_at + e.no_show_secs <= $1)
         ORDER BY s.id LIMIT 200",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let mut settled = Vec::new();
    for (id, state) in due {
        let step = if state == "on_stage" {
            SlotStep::TimeUp
        } else {
            SlotStep::NoShow
        };
        if clock_step(db, id, step, now).await? {
            settled.push(Settled::Slot(id));
        }
    }
    let overdue: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM live_events WHERE state = 'live' AND starts_at + planned_secs + $1 <= $2
         ORDER BY id LIMIT 50",
    )
    .bind(rules::OVERTIME_SECS)
    .bind(now)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    for id in overdue {
        match run_event(db, id, None, EventStep::End, now).await {
            Ok(_) => settled.push(Settled::Event(id)),
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(settled)
}

/// Takes a clock step on slot `id`; false when a step by someone else came first.
async fn clock_step(db: &Db, id: i64, step: SlotStep, now: i64) -> Result<bool, AppError> {
    let event: i64 = sqlx::query_scalar("SELECT event_id FROM stage_slots WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    let mut tx = db.begin_write().await.map_err(internal)?;
    let e = lock_event(&mut tx, event, now).await?;
    let slot = slot_row(&mut tx, id).await?;
    // Read again under the lock: a host's skip or an extension may have come first.
    let still_due = match step {
        SlotStep::TimeUp => {
            let ends_at: Option<i64> =
                sqlx::query_scalar("SELECT ends_at FROM stage_slots WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(internal)?;
            slot.state == "on_stage" && ends_at.is_some_and(|at| at <= now)
        }
        _ => slot.state == "backstage",
    };
    if !still_due {
        return Ok(false);
    }
    match apply(&mut tx, &e, &slot, step, Actor::Clock, now).await {
        Ok(_) => {
            tx.commit().await.map_err(internal)?;
            Ok(true)
        }
        Err(AppError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Moves queued slot `id` of `host`'s event one place up or down the queue.
pub async fn move_slot(db: &Db, id: i64, host: i64, up: bool, now: i64) -> Result<(), AppError> {
    let event: i64 = sqlx::query_scalar("SELECT event_id FROM stage_slots WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await.map_err(internal)?;
    let e = lock_event(&mut tx, event, now).await?;
    if e.host_id != host {
        return Err(AppError::NotFound);
    }
    let queued: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, position FROM stage_slots WHERE event_id = $1 AND state = 'queued'
         ORDER BY position",
    )
    .bind(event)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let at = queued
        .iter()
        .position(|(slot, _)| *slot == id)
        .ok_or_else(|| AppError::Conflict("only a queued slot moves in the queue".into()))?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(&(other, other_position)) = other.and_then(|i| queued.get(i)) else {
        return Ok(());
    };
    for (slot, position) in [(id, other_position), (other, queued[at].1)] {
        sqlx::query("UPDATE stage_slots SET position = $1 WHERE id = $2")
            .bind(position)
            .bind(slot)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

/// One of the viewer's slots, with its place in the queue.
#[derive(sqlx::FromRow)]
struct MySlotRow {
    id: i64,
    state: String,
    price: i64,
    cancel_until: i64,
    place: i64,
}

/// Event `id` as `viewer` sees it at `now`, with their own slots.
pub async fn event(db: &Db, id: i64, viewer: Option<i64>, now: i64) -> Result<Event, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let row = event_row(&mut conn, id).await?;
    let mut mine = Vec::new();
    if let Some(fan) = viewer {
        let currency = row.currency()?;
        let slots: Vec<MySlotRow> = sqlx::query_as(
            "SELECT s.id, s.state, s.price, s.cancel_until,
               (SELECT COUNT(*) FROM stage_slots o WHERE o.event_id = s.event_id
                  AND o.state IN ('queued', 'backstage', 'ready', 'on_stage')
                  AND o.position < s.position) + 1 AS place
             FROM stage_slots s WHERE s.event_id = $1 AND s.fan_id = $2 ORDER BY s.position",
        )
        .bind(id)
        .bind(fan)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)?;
        for slot in slots {
            let state =
                SlotState::parse(&slot.state).ok_or_else(|| internal("unknown slot state"))?;
            mine.push(MySlot {
                id: slot.id,
                state,
                place: (state == SlotState::Queued)
                    .then(|| u32::try_from(slot.place).unwrap_or(u32::MAX)),
                price: Money::new(slot.price, currency),
                cancel_until: slot_cancel_until(&row, slot.cancel_until)?,
            });
        }
    }
    let mut event = row.into_event(viewer, mine, now)?;
    if let Some(user) = viewer {
        let asked: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM event_reminders WHERE event_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
        event.reminding = asked.is_some();
    }
    event.merch = super::merch::store::pinned(&mut conn, id, event.host_id).await?;
    if event.state == EventState::Live {
        event.guest = on_stage(&mut conn, id).await?;
    }
    Ok(event)
}

/// The name of the fan on `event`'s stage, if one is.
pub async fn on_stage(conn: &mut AnyConnection, event: i64) -> Result<Option<String>, AppError> {
    sqlx::query_scalar(
        "SELECT u.display_name FROM stage_slots s JOIN users u ON u.id = s.fan_id
         WHERE s.event_id = $1 AND s.state = 'on_stage'",
    )
    .bind(event)
    .fetch_optional(conn)
    .await
    .map_err(internal)
}

/// Refuses anyone but the host of event `id`, which must exist.
pub async fn check_host(db: &Db, id: i64, host: i64) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    match event_row(&mut conn, id).await?.host_id == host {
        true => Ok(()),
        false => Err(AppError::Forbidden),
    }
}

/// Sets the cover of `host`'s event `id` to the file at `key`; returns the old one's key.
pub async fn set_cover(db: &Db, id: i64, host: i64, key: &str) -> Result<Option<String>, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let old: Option<Option<String>> =
        sqlx::query_scalar("SELECT cover_key FROM live_events WHERE id = $1 AND host_id = $2")
            .bind(id)
            .bind(host)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    let old = old.ok_or(AppError::Forbidden)?;
    sqlx::query("UPDATE live_events SET cover_key = $1 WHERE id = $2")
        .bind(key)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(old)
}

/// `user` asks (`on`) or stops asking to be told when event `id` goes live. The host needs no
/// reminder, and an event that started or ended takes none.
pub async fn remind(db: &Db, id: i64, user: i64, on: bool, now: i64) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let row = event_row(&mut conn, id).await?;
    if row.host_id == user {
        return Err(AppError::Forbidden);
    }
    if row.state()? != EventState::Scheduled {
        return Err(AppError::Conflict(
            "the event is not coming up any more".into(),
        ));
    }
    let change = if on {
        sqlx::query(
            "INSERT INTO event_reminders (event_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (event_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user)
        .bind(now)
    } else {
        sqlx::query("DELETE FROM event_reminders WHERE event_id = $1 AND user_id = $2")
            .bind(id)
            .bind(user)
    };
    change.execute(&mut *conn).await.map_err(internal)?;
    Ok(())
}

/// The queue of event `id`, in order: open slots first, then the settled ones.
pub async fn queue(db: &Db, id: i64) -> Result<Vec<QueuedSlot>, AppError> {
    #[derive(FromRow)]
    struct Row {
        id: i64,
        handle: String,
        display_name: String,
        state: String,
        price: i64,
        currency: String,
        secs: i64,
        booked_at: i64,
        ends_at: Option<i64>,
        answer_by: Option<i64>,
        charged: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, u.handle, u.display_name, s.state, s.price, s.currency, s.secs, s.booked_at,
           s.ends_at, CASE WHEN s.state = 'backstage' THEN s.called_at + e.no_show_secs END AS answer_by,
           s.charged
         FROM stage_slots s JOIN users u ON u.id = s.fan_id JOIN live_events e ON e.id = s.event_id
         WHERE s.event_id = $1
         ORDER BY CASE WHEN s.state IN ('queued', 'backstage', 'ready', 'on_stage') THEN 0 ELSE 1 END,
           s.position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            let currency = Currency::parse(&r.currency).ok_or_else(|| internal("currency"))?;
            Ok(QueuedSlot {
                id: r.id,
                fan_handle: r.handle,
                fan_name: r.display_name,
                state: SlotState::parse(&r.state).ok_or_else(|| internal("slot state"))?,
                price: Money::new(r.price, currency),
                secs: u32::try_from(r.secs).map_err(internal)?,
                booked_at: r.booked_at,
                ends_at: r.ends_at,
                answer_by: r.answer_by,
                charged: r.charged.map(|c| Money::new(c, currency)),
            })
        })
        .collect()
}

/// The studio of `host`'s event `id`.
pub async fn studio(db: &Db, id: i64, host: i64, now: i64) -> Result<Studio, AppError> {
    let event = event(db, id, Some(host), now).await?;
    if !event.hosting {
        return Err(AppError::NotFound);
    }
    let queue = queue(db, id).await?;
    let currency = event.offers.slot_price.currency;
    let earned = queue
        .iter()
        .filter_map(|s| s.charged)
        .map(|m| m.minor)
        .sum();
    let held = queue
        .iter()
        .filter(|s| s.state.is_open())
        .map(|s| s.price.minor)
        .sum();
    // Gifts and donations are read from the ledger, where they are money, not from the chat.
    let income = ledger::totals_by_cause(
        db,
        AccountRef::earnings(host, currency),
        MovementFilter::default(),
        &format!("event:{id}"),
    )
    .await
    .map_err(internal)?;
    let sum = |kind: TransferKind| {
        let minor = income
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(_, _, net)| net)
            .sum();
        Money::new(minor, currency)
    };
    Ok(Studio {
        slots_earned: Money::new(earned, currency),
        slots_held: Money::new(held, currency),
        gifts: sum(TransferKind::Gift),
        donations: sum(TransferKind::Donation),
        merch: super::merch::store::sales(db, id).await?,
        event,
        queue,
    })
}

/// Events live now and the next upcoming ones, for the home page; `host` narrows to one host.
pub async fn listed(db: &Db, host: Option<i64>, now: i64) -> Result<Vec<Listed>, AppError> {
    #[derive(FromRow)]
    struct Row {
        id: i64,
        handle: String,
        display_name: String,
        title: String,
        starts_at: i64,
        state: String,
        slots_left: i64,
        slot_price: i64,
        currency: String,
        cover_key: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.id, u.handle, u.display_name, e.title, e.starts_at, e.state,
           e.slot_count - e.slots_taken AS slots_left, e.slot_price, e.currency, e.cover_key
         FROM live_events e JOIN users u ON u.id = e.host_id
         WHERE (e.state = 'live' OR (e.state = 'scheduled' AND e.starts_at + e.planned_secs > $1))
           AND ($2 = 0 OR e.host_id = $2)
         ORDER BY CASE WHEN e.state = 'live' THEN 0 ELSE 1 END, e.starts_at LIMIT 24",
    )
    .bind(now)
    .bind(host.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            let currency = Currency::parse(&r.currency).ok_or_else(|| internal("currency"))?;
            Ok(Listed {
                id: r.id,
                host_handle: r.handle,
                host_name: r.display_name,
                title: r.title,
                starts_at: r.starts_at,
                state: EventState::parse(&r.state).ok_or_else(|| internal("event state"))?,
                slots_left: u32::try_from(r.slots_left).map_err(internal)?,
                slot_price: Money::new(r.slot_price, currency),
                cover_url: r.cover_key.as_deref().map(media_url),
            })
        })
        .collect()
}
