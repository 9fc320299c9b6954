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
    sqlx::query("INSERT INTO notifications (user_id, notice, created_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(json)
        .bind(now)
        .execute(conn)
        .await
        .map_err(internal)?;
    Ok(())
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
