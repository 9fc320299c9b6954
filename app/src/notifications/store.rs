//! SQL for notifications.

use sqlx::AnyConnection;

use super::types::{Notice, Notification};
use crate::error::AppError;
use crate::ssr::{internal, Db};

/// Tells `user_id` about `notice`, in the caller's transaction: the notification exists if and
/// only if what it tells happened.
pub async fn notify(
    conn: &mut AnyConnection,
    user_id: i64,
    notice: &Notice,
    now: i64,
) -> Result<(), AppError> {
    let json = serde_json::to_string(notice).map_err(internal)?;
    sqlx::query(
        "INSERT INTO notifications (user_id, notice, created_at, mailed_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(json)
    .bind(now)
    .bind((!notice.mailed()).then_some(now))
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// A notification waiting to be mailed, with where to.
pub struct ToMail {
    pub id: i64,
    pub email: String,
    /// Whether the owner proved `email` is theirs.
    pub confirmed: bool,
    pub locale: String,
    pub notice: Notice,
}

#[derive(sqlx::FromRow)]
struct ToMailRow {
    id: i64,
    email: String,
    email_confirmed_at: Option<i64>,
    locale: String,
    notice: String,
}

/// The oldest notifications not mailed yet, up to `limit`.
pub async fn to_mail(db: &Db, limit: i64) -> Result<Vec<ToMail>, AppError> {
    let rows: Vec<ToMailRow> = sqlx::query_as(
        "SELECT n.id, u.email, u.email_confirmed_at, u.locale, n.notice
         FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE n.mailed_at IS NULL ORDER BY n.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|row| {
            Ok(ToMail {
                id: row.id,
                email: row.email,
                confirmed: row.email_confirmed_at.is_some(),
                locale: row.locale,
                notice: serde_json::from_str(&row.notice).map_err(internal)?,
            })
        })
        .collect()
}

/// Claims notification `id` for mailing at `now` (false if another instance did first), or,
/// with `None`, gives it back after a failed send.
pub async fn mark_mailed(db: &Db, id: i64, now: Option<i64>) -> Result<bool, AppError> {
    let sql = match now {
        Some(_) => "UPDATE notifications SET mailed_at = $1 WHERE id = $2 AND mailed_at IS NULL",
        None => "UPDATE notifications SET mailed_at = $1 WHERE id = $2",
    };
    let done = sqlx::query(sql)
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(done.rows_affected() == 1)
}

/// The latest `limit` notifications of `user_id`, newest first.
pub async fn recent(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Notification>, AppError> {
    let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, notice, created_at, read_at FROM notifications
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|(id, notice, at, read_at)| {
            Ok(Notification {
                id,
                notice: serde_json::from_str(&notice).map_err(internal)?,
                at,
                read: read_at.is_some(),
            })
        })
        .collect()
}

pub async fn unread_count(db: &Db, user_id: i64) -> Result<u64, AppError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    Ok(count.max(0) as u64)
}

/// Marks every notification of `user_id` up to `up_to` (an id) as read.
pub async fn mark_read(db: &Db, user_id: i64, up_to: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1
         WHERE user_id = $2 AND id <= $3 AND read_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(up_to)
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    Ok(())
}
