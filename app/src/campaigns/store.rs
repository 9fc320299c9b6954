//! The campaigns' SQL.

use std::collections::HashMap;

use super::rules::{self, CreatorFacts};
use super::types::*;
use crate::accounts::store as accounts;
use crate::accounts::types::{Network, Niche};
use crate::error::AppError;
use crate::ledger::types::Money;
use crate::market::store::{mask, unmask};
use crate::market::types::Format;
use crate::ssr::{internal, Db};

fn db_err(e: sqlx::Error) -> AppError {
    internal(e)
}

/// A campaign as the brand wrote it, parsed.
pub struct NewCampaign {
    pub title: String,
    pub brief: String,
    pub niches: Vec<Niche>,
    pub min_audience: u64,
    pub max_audience: Option<u64>,
    pub budget: Money,
    pub creators_wanted: u32,
    pub starts_at: i64,
    pub ends_at: i64,
    pub free_product: String,
    pub deliverables: Vec<Deliverable>,
}

/// Saves a draft campaign of `brand_id`; returns its id.
pub async fn create(db: &Db, brand_id: i64, c: &NewCampaign, now: i64) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaigns (brand_id, title, brief, niches, min_audience, max_audience, budget,
                                creators_wanted, starts_at, ends_at, free_product, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(brand_id)
    .bind(&c.title)
    .bind(&c.brief)
    .bind(mask(&Niche::ALL, c.niches.iter().copied()))
    .bind(c.min_audience as i64)
    .bind(c.max_audience.map(|m| m as i64))
    .bind(c.budget.minor)
    .bind(i64::from(c.creators_wanted))
    .bind(c.starts_at)
    .bind(c.ends_at)
    .bind(&c.free_product)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    for d in &c.deliverables {
        sqlx::query(
            "INSERT INTO campaign_deliverables (campaign_id, format, network, count)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(d.format.as_str())
        .bind(d.network.as_str())
        .bind(i64::from(d.count))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(id)
}

/// Publishes or closes campaign `id` of `brand_id`. The update is guarded by the state it was
/// read in, so of two concurrent changes the second is refused, not applied twice.
pub async fn act(
    db: &Db,
    brand_id: i64,
    id: i64,
    action: CampaignAction,
    now: i64,
) -> Result<CampaignState, AppError> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM campaigns WHERE id = $1 AND brand_id = $2")
            .bind(id)
            .bind(brand_id)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_err)?;
    let from = state
        .as_deref()
        .and_then(CampaignState::parse)
        .ok_or(AppError::NotFound)?;
    let to = rules::transition(from, action)?;
    let changed = sqlx::query(
        "UPDATE campaigns SET state = $1,
                published_at = CASE WHEN $1 = 'published' THEN $2 ELSE published_at END
         WHERE id = $3 AND brand_id = $4 AND state = $5",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(brand_id)
    .bind(from.as_str())
    .execute(&db.pool)
    .await
    .map_err(db_err)?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict("the campaign changed meanwhile".into()));
    }
    Ok(to)
}

const COLUMNS: &str = "c.id, b.company_name, b.slug, c.title, c.brief, c.niches, c.min_audience,
     c.max_audience, c.budget, c.creators_wanted, c.starts_at, c.ends_at, c.free_product, c.state
     FROM campaigns c JOIN brands b ON b.user_id = c.brand_id";

type Row = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
);

async fn load(db: &Db, rows: Vec<Row>) -> Result<Vec<Campaign>, AppError> {
    let mut deliverables =
        deliverables_of(db, &rows.iter().map(|r| r.0).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| Campaign {
            id: r.0,
            brand_name: r.1,
            brand_slug: r.2,
            title: r.3,
            brief: r.4,
            niches: unmask(&Niche::ALL, r.5),
            min_audience: r.6.max(0) as u64,
            max_audience: r.7.map(|m| m.max(0) as u64),
            budget: Money::eur(r.8),
            creators_wanted: r.9.clamp(0, i64::from(u32::MAX)) as u32,
            starts_at: r.10,
            ends_at: r.11,
            free_product: r.12,
            state: CampaignState::parse(&r.13).unwrap_or(CampaignState::Closed),
            deliverables: deliverables.remove(&r.0).unwrap_or_default(),
        })
        .collect())
}

async fn deliverables_of(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<Deliverable>>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT campaign_id, format, network, count FROM campaign_deliverables
         WHERE campaign_id IN ({}) ORDER BY campaign_id, format",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, i64)>(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let mut by_campaign: HashMap<i64, Vec<Deliverable>> = HashMap::new();
    for (id, format, network, count) in query.fetch_all(&db.pool).await.map_err(db_err)? {
        if let (Some(format), Some(network)) = (Format::parse(&format), Network::parse(&network)) {
            by_campaign.entry(id).or_default().push(Deliverable {
                format,
                network,
                count: count.clamp(0, 50) as u32,
            });
        }
    }
    Ok(by_campaign)
}

/// The brand behind a published campaign.
pub async fn brand_of(db: &Db, id: i64) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar("SELECT brand_id FROM campaigns WHERE id = $1 AND state = 'published'")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)
}

/// The brand's campaigns, newest first.
pub async fn mine(db: &Db, brand_id: i64) -> Result<Vec<Campaign>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE c.brand_id = $1 ORDER BY c.id DESC LIMIT 200"
    ))
    .bind(brand_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    load(db, rows).await
}

/// The brand's campaigns open to creators, newest first, for its public page.
pub async fn open_of(db: &Db, brand_id: i64) -> Result<Vec<Campaign>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE c.brand_id = $1 AND c.state = 'published'
         ORDER BY c.published_at DESC, c.id DESC LIMIT 20"
    ))
    .bind(brand_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    load(db, rows).await
}

/// One campaign: published ones for anyone, the others only for their brand.
pub async fn one(db: &Db, id: i64, viewer: Option<i64>) -> Result<Campaign, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE c.id = $1 AND (c.state = 'published' OR c.brand_id = $2)"
    ))
    .bind(id)
    .bind(viewer.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    load(db, rows).await?.pop().ok_or(AppError::NotFound)
}

/// Published campaigns, newest first; for a creator, best fit first, each with its checks.
pub async fn published(db: &Db, creator: Option<i64>) -> Result<Vec<Listed>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE c.state = 'published' ORDER BY c.published_at DESC, c.id DESC
         LIMIT 100"
    ))
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    let campaigns = load(db, rows).await?;
    let facts = match creator {
        Some(id) => Some(creator_facts(db, id).await?),
        None => None,
    };
    let mut listed: Vec<Listed> = campaigns
        .into_iter()
        .map(|campaign| Listed {
            fit: facts.as_ref().map(|f| rules::fit(f, &campaign)),
            campaign,
        })
        .collect();
    // Stable: equally fitting campaigns stay newest first.
    listed.sort_by_key(|l| std::cmp::Reverse(l.fit.as_deref().map_or(0, rules::fit_count)));
    Ok(listed)
}

async fn creator_facts(db: &Db, user_id: i64) -> Result<CreatorFacts, AppError> {
    let networks = accounts::networks(db, user_id).await?;
    let cheapest: Option<i64> =
        sqlx::query_scalar("SELECT MIN(price) FROM creator_rates WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db.pool)
            .await
            .map_err(db_err)?;
    Ok(CreatorFacts {
        niches: accounts::niches(db, user_id).await?,
        audience: networks.iter().map(|a| a.followers).sum(),
        networks: networks.iter().map(|a| a.network).collect(),
        cheapest_rate: cheapest.map(Money::eur),
    })
}
