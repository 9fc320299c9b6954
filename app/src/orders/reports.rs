//! Shop reports: what a creator's links and shop brought (clicks, orders, conversion,
//! commission pending and available, by product and by link), what a seller sold (by creator
//! and by product), month by month; and the same orders as a CSV download.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::AnyConnection;
use tower_sessions::Session;

use super::types::{CommissionReport, ReportLine, SalesReport, ShopReport};
use crate::accounts::session;
use crate::error::AppError;
use crate::ledger::types::Money;
use crate::ssr::{internal, AppState, Db};
use crate::ui::chart::{per_month, CHART_MONTHS};

/// Orders that were paid, whatever happened after.
const PAID: &str = "o.state IN ('paid', 'shipped', 'delivered', 'refunded')";

/// `num / den` in basis points (0 when nothing to divide by).
fn ratio_bp(num: i64, den: i64) -> u32 {
    if den <= 0 {
        0
    } else {
        (i128::from(num) * 10_000 / i128::from(den)).clamp(0, 10_000 * 1_000) as u32
    }
}

type Row = (String, Option<String>, i64, i64, i64, i64, i64);

fn lines(rows: Vec<Row>) -> Vec<ReportLine> {
    rows.into_iter()
        .map(
            |(label, link, clicks, orders, units, sales, commission)| ReportLine {
                label,
                link,
                clicks: clicks as u64,
                orders: orders as u64,
                units: units as u64,
                conversion_bp: (clicks > 0).then(|| ratio_bp(orders, clicks)),
                sales: Money::eur(sales),
                commission: Money::eur(commission),
            },
        )
        .collect()
}

/// Units, orders, sales and commission per product of the paid orders whose `side` (the
/// seller or the creator who brought them) is `user`, most commission first.
async fn by_product(
    conn: &mut AnyConnection,
    side: &str,
    user: i64,
) -> Result<Vec<ReportLine>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT l.title, NULL, CAST(0 AS BIGINT), COUNT(DISTINCT o.id),
           CAST(SUM(l.quantity) AS BIGINT), CAST(SUM(l.quantity * l.unit_price) AS BIGINT),
           CAST(SUM(l.commission) AS BIGINT)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.{side} = $1 AND {PAID}
         GROUP BY l.product_id, l.title ORDER BY 7 DESC, 6 DESC, 1"
    ))
    .bind(user)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(lines(rows))
}

/// What `creator`'s links and shop brought them.
async fn commissions(
    conn: &mut AnyConnection,
    creator: i64,
    now: i64,
) -> Result<CommissionReport, AppError> {
    let clicks: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM link_clicks c JOIN affiliate_links l ON l.code = c.code
         WHERE l.creator_id = $1",
    )
    .bind(creator)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    let (orders, pending, available): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*),
           CAST(COALESCE(SUM(CASE WHEN o.commission_released = 0 AND o.hold_id IS NOT NULL
             THEN o.commission - o.clawed ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN o.commission_released = 1
             THEN o.commission - o.clawed ELSE 0 END), 0) AS BIGINT)
         FROM orders o WHERE o.creator_id = $1 AND {PAID}"
    ))
    .bind(creator)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    let by_product = by_product(conn, "creator_id", creator).await?;
    // Every link, with its clicks and the orders it brought (a sale in the shop reached
    // without a link counts in the totals only).
    let by_link: Vec<Row> = sqlx::query_as(&format!(
        "SELECT COALESCE(p.title, ''), a.code,
           (SELECT COUNT(*) FROM link_clicks c WHERE c.code = a.code),
           (SELECT COUNT(*) FROM orders o WHERE o.link_code = a.code AND {PAID}),
           0,
           (SELECT CAST(COALESCE(SUM(o.total - o.refunded), 0) AS BIGINT) FROM orders o
            WHERE o.link_code = a.code AND {PAID}),
           (SELECT CAST(COALESCE(SUM(o.commission - o.clawed), 0) AS BIGINT) FROM orders o
            WHERE o.link_code = a.code AND {PAID})
         FROM affiliate_links a LEFT JOIN products p ON p.id = a.product_key
         WHERE a.creator_id = $1 ORDER BY 3 DESC, 1"
    ))
    .bind(creator)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let released: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT o.paid_at, o.commission - o.clawed FROM orders o
         WHERE o.creator_id = $1 AND {PAID} AND o.paid_at >= $2"
    ))
    .bind(creator)
    .bind(now - 400 * 86_400)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let via_links: i64 = by_link.iter().map(|l| l.3).sum();
    Ok(CommissionReport {
        clicks: clicks as u64,
        orders: orders as u64,
        conversion_bp: ratio_bp(via_links, clicks),
        pending: Money::eur(pending),
        available: Money::eur(available),
        by_product,
        by_link: lines(by_link),
        monthly: per_month(&released, now, CHART_MONTHS),
    })
}

/// What `seller` sold, net of refunds, by creator who brought it and by product.
async fn sales(conn: &mut AnyConnection, seller: i64, now: i64) -> Result<SalesReport, AppError> {
    let (orders, total, commission): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(o.total - o.refunded), 0) AS BIGINT),
           CAST(COALESCE(SUM(o.commission - o.clawed), 0) AS BIGINT)
         FROM orders o WHERE o.seller_id = $1 AND {PAID}"
    ))
    .bind(seller)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    let by_creator: Vec<Row> = sqlx::query_as(&format!(
        "SELECT COALESCE(u.handle, ''), NULL, CAST(0 AS BIGINT), COUNT(*), CAST(0 AS BIGINT),
           CAST(SUM(o.total - o.refunded) AS BIGINT), CAST(SUM(o.commission - o.clawed) AS BIGINT)
         FROM orders o LEFT JOIN users u ON u.id = o.creator_id
         WHERE o.seller_id = $1 AND {PAID}
         GROUP BY u.handle ORDER BY 6 DESC, 1"
    ))
    .bind(seller)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let by_product = by_product(conn, "seller_id", seller).await?;
    let sold: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT o.paid_at, o.total - o.refunded FROM orders o
         WHERE o.seller_id = $1 AND {PAID} AND o.paid_at >= $2"
    ))
    .bind(seller)
    .bind(now - 400 * 86_400)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(SalesReport {
        orders: orders as u64,
        sales: Money::eur(total),
        commission: Money::eur(commission),
        by_creator: lines(by_creator),
        by_product,
        monthly: per_month(&sold, now, CHART_MONTHS),
    })
}

/// `user`'s report: what they brought as a creator, and what they sold, when they did either.
pub async fn report(db: &Db, user: i64, creator: bool, now: i64) -> Result<ShopReport, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let commissions = match creator {
        true => Some(commissions(&mut conn, user, now).await?),
        false => None,
    };
    let sales = sales(&mut conn, user, now).await?;
    Ok(ShopReport {
        commissions,
        sales: (sales.orders > 0 || !creator).then_some(sales),
    })
}

/// Every paid order the caller sold or brought, one line per product, as CSV.
pub async fn csv(State(state): State<AppState>, session: Session) -> Response {
    match orders_csv(&state, &session).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"tremplin-orders.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(AppError::Unauthenticated) => {
            (StatusCode::UNAUTHORIZED, "log in first").into_response()
        }
        Err(e) => (e.status(), e.to_string()).into_response(),
    }
}

async fn orders_csv(state: &AppState, session: &Session) -> Result<Vec<u8>, AppError> {
    let user = session::user_on(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        i64,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        Option<String>,
        Option<String>,
        i64,
    )> = sqlx::query_as(&format!(
        "SELECT o.public_id, o.state, o.paid_at, l.title, l.variant,
               CASE WHEN o.seller_id = $1 THEN 'sold' ELSE 'brought' END,
               l.quantity, l.unit_price, l.commission_bp, l.commission, c.handle, o.link_code,
               o.refunded
             FROM orders o JOIN order_lines l ON l.order_id = o.id
             LEFT JOIN users c ON c.id = o.creator_id
             WHERE (o.seller_id = $1 OR o.creator_id = $1) AND {PAID}
             ORDER BY o.paid_at DESC, o.id, l.id LIMIT 100000"
    ))
    .bind(user.id)
    .fetch_all(&state.db.pool)
    .await
    .map_err(internal)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let cents = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
    out.write_record([
        "order",
        "state",
        "paid_on",
        "product",
        "choice",
        "role",
        "quantity",
        "unit_price_eur",
        "commission_percent",
        "commission_eur",
        "creator",
        "link",
        "order_refunded_eur",
    ])
    .map_err(internal)?;
    for (
        id,
        st,
        paid_at,
        title,
        variant,
        role,
        qty,
        unit,
        bp,
        commission,
        creator,
        link,
        refunded,
    ) in rows
    {
        out.write_record([
            id,
            st,
            crate::ui::date::format_date_input(paid_at),
            safe(&title),
            safe(&variant),
            role,
            qty.to_string(),
            cents(unit),
            format!("{}.{:02}", bp / 100, bp % 100),
            cents(commission),
            creator.unwrap_or_default(),
            link.unwrap_or_default(),
            cents(refunded),
        ])
        .map_err(internal)?;
    }
    out.into_inner().map_err(internal)
}

/// A spreadsheet runs a cell that starts like a formula: text typed by sellers is kept as text.
fn safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}
