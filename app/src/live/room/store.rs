//! The room's SQL: numbered messages, the gifts a host offers, moderators and sanctions.
//!
//! A message takes the next number from its event's row in its own transaction, so numbers
//! have no gaps and commit in order; on PostgreSQL the same transaction notifies every
//! instance (see `hub`).

use sqlx::FromRow;

use super::hub::{Notice, MESSAGES};
use super::rules::{self, CATALOGUE};
use super::types::*;
use crate::error::AppError;
use crate::ledger::types::{Currency, Money};
use crate::ssr::db::Backend;
use crate::ssr::{internal, Db};

/// A message about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: MessageKind,
    pub author_id: Option<i64>,
    pub body: String,
    pub amount: Option<Money>,
    pub gift: Option<String>,
    pub target: Option<i64>,
    /// For paid messages: the same key again stores nothing more.
    pub request_key: Option<String>,
}

impl NewMessage {
    pub fn new(kind: MessageKind, author_id: Option<i64>, body: String) -> Self {
        Self {
            kind,
            author_id,
            body,
            amount: None,
            gift: None,
            target: None,
            request_key: None,
        }
    }
}

#[derive(FromRow)]
struct MessageRow {
    seq: i64,
    kind: String,
    author_handle: Option<String>,
    author_name: Option<String>,
    body: String,
    amount: Option<i64>,
    gift: Option<String>,
    target: Option<i64>,
    deleted: i64,
    created_at: i64,
}

impl MessageRow {
    fn into_message(self) -> Result<RoomMessage, AppError> {
        let kind = MessageKind::parse(&self.kind)
            .ok_or_else(|| internal(format!("room message kind {:?}", self.kind)))?;
        Ok(RoomMessage {
            seq: self.seq,
            kind,
            author: match (self.author_handle, self.author_name) {
                (Some(handle), Some(name)) => Some(Author { handle, name }),
                _ => None,
            },
            body: self.body,
            amount: self.amount.map(Money::eur),
            gift: self.gift,
            target: self.target,
            deleted: self.deleted != 0,
            at: self.created_at,
        })
    }
}

const MESSAGE_COLUMNS: &str = "m.seq, m.kind, u.handle AS author_handle,
    u.display_name AS author_name, m.body, m.amount, m.gift, m.target, m.deleted, m.created_at";

async fn message_by(
    conn: &mut sqlx::AnyConnection,
    event: i64,
    clause: &str,
    value: impl for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
) -> Result<Option<RoomMessage>, AppError> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM room_messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.event_id = $1 AND {clause} = $2"
    ))
    .bind(event)
    .bind(value)
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .map(MessageRow::into_message)
    .transpose()
}

/// Stores `m` in `event`'s room with the next number; returns it as viewers get it. A deletion
/// also empties the message it takes down.
pub async fn append(db: &Db, event: i64, m: NewMessage, now: i64) -> Result<RoomMessage, AppError> {
    let kind = m.kind;
    let mut tx = db.begin_write().await.map_err(internal)?;
    if let Some(key) = &m.request_key {
        if let Some(first) = message_by(&mut tx, event, "m.request_key", key.clone()).await? {
            return Ok(first);
        }
    }
    let seq: i64 = sqlx::query_scalar(
        "UPDATE live_events SET room_seq = room_seq + 1 WHERE id = $1 RETURNING room_seq",
    )
    .bind(event)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)?;
    sqlx::query(
        "INSERT INTO room_messages
           (event_id, seq, kind, author_id, body, amount, gift, target, request_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(event)
    .bind(seq)
    .bind(kind.as_str())
    .bind(m.author_id)
    .bind(&m.body)
    .bind(m.amount.map(|a| a.minor))
    .bind(&m.gift)
    .bind(m.target)
    .bind(&m.request_key)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if let (MessageKind::Deleted, Some(target)) = (kind, m.target) {
        sqlx::query(
            "UPDATE room_messages SET deleted = 1, body = '' WHERE event_id = $1 AND seq = $2",
        )
        .bind(event)
        .bind(target)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    let message = message_by(&mut tx, event, "m.seq", seq)
        .await?
        .ok_or_else(|| internal("room message vanished"))?;
    if db.backend == Backend::Postgres {
        let notice = Notice {
            event,
            frame: Frame::Message(message.clone()),
        };
        let payload = serde_json::to_string(&notice).map_err(internal)?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(MESSAGES)
            .bind(payload)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(message)
}

/// Messages after number `after`, oldest first, at most `limit`.
pub async fn since(
    db: &Db,
    event: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<RoomMessage>, AppError> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM room_messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.event_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
    ))
    .bind(event)
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(MessageRow::into_message)
    .collect()
}

/// The number of `event`'s last message (0 before the first); not found if there is no such
/// event.
pub async fn last_seq(db: &Db, event: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT room_seq FROM live_events WHERE id = $1")
        .bind(event)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// The last `n` messages, oldest first: what a new viewer is shown.
pub async fn latest(db: &Db, event: i64, n: i64) -> Result<Vec<RoomMessage>, AppError> {
    let last = last_seq(db, event).await?;
    since(db, event, (last - n).max(0), n).await
}

/// When `user` last wrote in `event`'s room, for slow mode.
pub async fn last_said_at(db: &Db, event: i64, user: i64) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar(
        "SELECT MAX(created_at) FROM room_messages
         WHERE event_id = $1 AND author_id = $2 AND kind = 'chat'",
    )
    .bind(event)
    .bind(user)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)
}

/// The author of message `seq`, to sanction them from it.
pub async fn author_of(db: &Db, event: i64, seq: i64) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar("SELECT author_id FROM room_messages WHERE event_id = $1 AND seq = $2")
        .bind(event)
        .bind(seq)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)
        .map(Option::flatten)
}

/// The catalogue with this event's prices; `on` for the gifts the host offers.
pub async fn gifts(db: &Db, event: i64) -> Result<Vec<GiftOffer>, AppError> {
    let offered: Vec<(String, i64)> =
        sqlx::query_as("SELECT gift, price FROM event_gifts WHERE event_id = $1")
            .bind(event)
            .fetch_all(&db.pool)
            .await
            .map_err(internal)?;
    Ok(CATALOGUE
        .iter()
        .map(|g| {
            let price = offered
                .iter()
                .find(|(code, _)| code == g.code)
                .map(|(_, p)| *p);
            GiftOffer {
                code: g.code.to_owned(),
                animation: g.animation.to_owned(),
                price: Money::eur(price.unwrap_or(g.default_price)),
                on: price.is_some(),
            }
        })
        .collect())
}

/// Offers exactly `offered` (gift code, price in cents) at `event`.
pub async fn set_gifts(db: &Db, event: i64, offered: &[(String, i64)]) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    sqlx::query("DELETE FROM event_gifts WHERE event_id = $1")
        .bind(event)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    for (code, price) in offered {
        sqlx::query("INSERT INTO event_gifts (event_id, gift, price) VALUES ($1, $2, $3)")
            .bind(event)
            .bind(code)
            .bind(price)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

/// Every gift of the catalogue at its usual price: what a new event offers.
pub fn default_gifts() -> Vec<(String, i64)> {
    CATALOGUE
        .iter()
        .map(|g| (g.code.to_owned(), g.default_price))
        .collect()
}

/// The price `event` asks for `gift`, if it offers it.
pub async fn gift_price(db: &Db, event: i64, gift: &str) -> Result<Option<Money>, AppError> {
    let price: Option<i64> =
        sqlx::query_scalar("SELECT price FROM event_gifts WHERE event_id = $1 AND gift = $2")
            .bind(event)
            .bind(gift)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?;
    Ok(price.map(|p| Money::new(p, Currency::Eur)))
}

/// The room's rules and the moderators of `host`.
pub async fn room_rules(db: &Db, event: i64, host: i64) -> Result<RoomRules, AppError> {
    let (slow_mode_secs, blocked): (i64, String) =
        sqlx::query_as("SELECT slow_mode_secs, blocked_words FROM live_events WHERE id = $1")
            .bind(event)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
    let moderators = sqlx::query_scalar(
        "SELECT u.handle FROM room_moderators m JOIN users u ON u.id = m.user_id
         WHERE m.host_id = $1 ORDER BY u.handle",
    )
    .bind(host)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    Ok(RoomRules {
        slow_mode_secs: u32::try_from(slow_mode_secs).unwrap_or(rules::MAX_SLOW_MODE_SECS),
        blocked_words: blocked.lines().map(str::to_owned).collect(),
        moderators,
    })
}

/// Sets the room's slow mode and blocked words, and makes `moderators` (user ids) the host's
/// moderators.
pub async fn set_room_rules(
    db: &Db,
    event: i64,
    host: i64,
    slow_mode_secs: u32,
    blocked_words: &[String],
    moderators: &[i64],
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    sqlx::query("UPDATE live_events SET slow_mode_secs = $1, blocked_words = $2 WHERE id = $3")
        .bind(i64::from(slow_mode_secs))
        .bind(blocked_words.join("\n"))
        .bind(event)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query("DELETE FROM room_moderators WHERE host_id = $1")
        .bind(host)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    for user in moderators {
        sqlx::query("INSERT INTO room_moderators (host_id, user_id) VALUES ($1, $2)")
            .bind(host)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

pub async fn is_moderator(db: &Db, host: i64, user: i64) -> Result<bool, AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM room_moderators WHERE host_id = $1 AND user_id = $2")
            .bind(host)
            .bind(user)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?;
    Ok(found.is_some())
}

/// Times out (`until`) or bans (`None`) `user` in all of `host`'s rooms.
pub async fn sanction(
    db: &Db,
    host: i64,
    user: i64,
    until: Option<i64>,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO room_sanctions (host_id, user_id, until, by_id, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (host_id, user_id) DO UPDATE
           SET until = excluded.until, by_id = excluded.by_id, created_at = excluded.created_at",
    )
    .bind(host)
    .bind(user)
    .bind(until)
    .bind(by)
    .bind(now)
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    Ok(())
}

pub async fn lift(db: &Db, host: i64, user: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM room_sanctions WHERE host_id = $1 AND user_id = $2")
        .bind(host)
        .bind(user)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Whether `user` may not write in `host`'s rooms now: `Some(until)`, `Some(None)` for a ban.
pub async fn muted(
    db: &Db,
    host: i64,
    user: i64,
    now: i64,
) -> Result<Option<Option<i64>>, AppError> {
    let row: Option<Option<i64>> =
        sqlx::query_scalar("SELECT until FROM room_sanctions WHERE host_id = $1 AND user_id = $2")
            .bind(host)
            .bind(user)
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?;
    Ok(row.filter(|until| rules::still_muted(*until, now)))
}
