//! Pinned merch's SQL. A pin holds only while the product stays on the host's published shelf
//! and on sale: whatever the host withdraws from the shop leaves the event page with it.

use sqlx::AnyConnection;

use super::{MerchSales, PinChoice};
use crate::error::{AppError, Problem};
use crate::ledger::types::{Currency, Money};
use crate::live::rules::MAX_PINNED;
use crate::ssr::storage::media_url;
use crate::ssr::{internal, Db};
use crate::storefront::types::Product;

/// The products pinned to event `event` of `host` that can still be bought, in pin order.
pub async fn pinned(
    conn: &mut AnyConnection,
    event: i64,
    host: i64,
) -> Result<Vec<Product>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT m.product_id FROM event_merch m
         JOIN shop_items s ON s.product_id = m.product_id AND s.creator_id = $2 AND s.published = 1
         JOIN products p ON p.id = m.product_id AND p.active = 1
         WHERE m.event_id = $1 ORDER BY m.pinned_at, m.product_id",
    )
    .bind(event)
    .bind(host)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut found = crate::storefront::store::products(conn, &ids).await?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The host's published shop, each product with whether it is pinned to `event`.
pub async fn choices(db: &Db, event: i64, host: i64) -> Result<Vec<PinChoice>, AppError> {
    let rows: Vec<(i64, String, Option<String>, i64, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.title,
           (SELECT storage_key FROM product_images i WHERE i.product_id = p.id
            ORDER BY position, id LIMIT 1),
           p.price, p.currency,
           CASE WHEN m.product_id IS NULL THEN 0 ELSE 1 END
         FROM shop_items s JOIN products p ON p.id = s.product_id AND p.active = 1
         LEFT JOIN event_merch m ON m.event_id = $1 AND m.product_id = p.id
         WHERE s.creator_id = $2 AND s.published = 1
         ORDER BY s.position, p.id",
    )
    .bind(event)
    .bind(host)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|(product, title, image, price, currency, pinned)| {
            let currency = Currency::parse(&currency).ok_or_else(|| internal("currency"))?;
            Ok(PinChoice {
                product,
                title,
                image: image.as_deref().map(media_url),
                price: Money::new(price, currency),
                pinned: pinned != 0,
            })
        })
        .collect()
}

/// Pins (`on`) or unpins `product` on `host`'s event `event`. Only a product of their
/// published shop, and at most [`MAX_PINNED`] at once; pinning twice is harmless.
pub async fn pin(
    db: &Db,
    event: i64,
    host: i64,
    product: i64,
    on: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    // The event's row lock: two pins at once cannot both take the last place.
    crate::live::store::lock_hosted(&mut tx, event, host, now).await?;
    if !on {
        sqlx::query("DELETE FROM event_merch WHERE event_id = $1 AND product_id = $2")
            .bind(event)
            .bind(product)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        return tx.commit().await.map_err(internal);
    }
    if !crate::storefront::store::on_shelf(&mut tx, host, product).await? {
        return Err(AppError::invalid("product", Problem::NotOffered));
    }
    let pinned: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM event_merch WHERE event_id = $1 AND product_id <> $2",
    )
    .bind(event)
    .bind(product)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    if pinned >= MAX_PINNED as i64 {
        return Err(AppError::invalid(
            "product",
            Problem::TooMany {
                max: MAX_PINNED as u32,
            },
        ));
    }
    sqlx::query(
        "INSERT INTO event_merch (event_id, product_id, pinned_at) VALUES ($1, $2, $3)
         ON CONFLICT (event_id, product_id) DO NOTHING",
    )
    .bind(event)
    .bind(product)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// What the merch of `event` sold: its paid orders, shipped or not, refunds excluded.
pub async fn sales(db: &Db, event: i64) -> Result<MerchSales, AppError> {
    let (orders, total): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders
         WHERE event_id = $1 AND state IN ('paid', 'shipped', 'delivered')",
    )
    .bind(event)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    Ok(MerchSales {
        orders: u32::try_from(orders).map_err(internal)?,
        total: Money::eur(total),
    })
}
