//! Who may publish which stream: the host with the event's stream key, the fan on stage with
//! their slot's token.

use super::Seat;
use crate::error::AppError;
use crate::live::store::on_stage;
use crate::live::types::{EventState, SlotState};
use crate::ssr::{internal, random_hex, Db};

/// Why a publisher or viewer is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such event.
    UnknownEvent,
    /// The bearer token is not this stream's.
    WrongToken,
    /// The event is not live, or nobody is on stage.
    NotLive,
    /// The database did not answer (logged): the peer may try again shortly.
    Unavailable,
}

fn unavailable(e: impl std::fmt::Display) -> Refusal {
    tracing::error!("media authorisation: {e}");
    Refusal::Unavailable
}

/// The stream key of `host`'s event `id`, made on first use.
pub async fn stream_key(db: &Db, id: i64, host: i64) -> Result<String, AppError> {
    let read = || {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT stream_key FROM live_events WHERE id = $1 AND host_id = $2",
        )
        .bind(id)
        .bind(host)
        .fetch_optional(&db.pool)
    };
    if let Some(key) = read().await.map_err(internal)?.ok_or(AppError::Forbidden)? {
        return Ok(key);
    }
    sqlx::query(
        "UPDATE live_events SET stream_key = $1 WHERE id = $2 AND host_id = $3 AND stream_key IS NULL",
    )
    .bind(random_hex(24))
    .bind(id)
    .bind(host)
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    // Two first calls at once: the one that wrote wins, both return it.
    read()
        .await
        .map_err(internal)?
        .flatten()
        .ok_or_else(|| internal("stream key not stored"))
}

/// Replaces the stream key of `host`'s event `id`; the old one no longer publishes.
pub async fn new_stream_key(db: &Db, id: i64, host: i64) -> Result<String, AppError> {
    let key = random_hex(24);
    let changed =
        sqlx::query("UPDATE live_events SET stream_key = $1 WHERE id = $2 AND host_id = $3")
            .bind(&key)
            .bind(id)
            .bind(host)
            .execute(&db.pool)
            .await
            .map_err(internal)?;
    match changed.rows_affected() {
        1 => Ok(key),
        _ => Err(AppError::Forbidden),
    }
}

/// The token `fan` publishes their camera with during slot `slot`, made on first use. Only a
/// fan called backstage or on stage has one.
pub async fn stage_token(db: &Db, slot: i64, fan: i64) -> Result<String, AppError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT state, stage_token FROM stage_slots WHERE id = $1 AND fan_id = $2")
            .bind(slot)
            .bind(fan)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?;
    let (state, token) = row.ok_or(AppError::NotFound)?;
    let state = SlotState::parse(&state).ok_or_else(|| internal("unknown slot state"))?;
    if !state.is_called() {
        return Err(AppError::Conflict(
            "only a fan called backstage goes on stage".into(),
        ));
    }
    if let Some(token) = token {
        return Ok(token);
    }
    let token = random_hex(24);
    sqlx::query("UPDATE stage_slots SET stage_token = $1 WHERE id = $2 AND stage_token IS NULL")
        .bind(&token)
        .bind(slot)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    // Two first calls at once: the one that wrote wins, both return it.
    sqlx::query_scalar("SELECT stage_token FROM stage_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)
}

/// Whether `token` may publish `event`'s stream for `seat` now: the event's key for the host
/// (while it is scheduled or live, so a host can test their setup), the token of the slot on
/// stage for the guest.
pub async fn may_publish(db: &Db, event: i64, seat: Seat, token: &str) -> Result<(), Refusal> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT state, stream_key FROM live_events WHERE id = $1")
            .bind(event)
            .fetch_optional(&db.pool)
            .await
            .map_err(unavailable)?;
    let (state, key) = row.ok_or(Refusal::UnknownEvent)?;
    let state = EventState::parse(&state).ok_or_else(|| unavailable("unknown event state"))?;
    match seat {
        Seat::Host => {
            if !key.is_some_and(|key| same(&key, token)) {
                return Err(Refusal::WrongToken);
            }
            match state {
                EventState::Scheduled | EventState::Live => Ok(()),
                _ => Err(Refusal::NotLive),
            }
        }
        Seat::Guest => {
            let slot: Option<String> = sqlx::query_scalar(
                "SELECT state FROM stage_slots WHERE event_id = $1 AND stage_token = $2",
            )
            .bind(event)
            .bind(token)
            .fetch_optional(&db.pool)
            .await
            .map_err(unavailable)?;
            match slot.as_deref().map(SlotState::parse) {
                None => Err(Refusal::WrongToken),
                Some(Some(SlotState::OnStage)) if state == EventState::Live => Ok(()),
                Some(_) => Err(Refusal::NotLive),
            }
        }
    }
}

/// Whether `event`'s stream for `seat` can be watched now: the event is live, and for the
/// guest's, a fan is on stage.
pub async fn may_watch(db: &Db, event: i64, seat: Seat) -> Result<(), Refusal> {
    let mut conn = db.pool.acquire().await.map_err(unavailable)?;
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM live_events WHERE id = $1")
        .bind(event)
        .fetch_optional(&mut *conn)
        .await
        .map_err(unavailable)?;
    if EventState::parse(&state.ok_or(Refusal::UnknownEvent)?) != Some(EventState::Live) {
        return Err(Refusal::NotLive);
    }
    if seat == Seat::Guest
        && on_stage(&mut conn, event)
            .await
            .map_err(unavailable)?
            .is_none()
    {
        return Err(Refusal::NotLive);
    }
    Ok(())
}

/// Compares secrets in constant time.
fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
