//! The marketplace's SQL: marketplace profiles and creator search.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;

use super::rules::{self, Record, Signals, PAGE};
use super::types::*;
use crate::accounts::store::avatar_url;
use crate::accounts::types::{Network, Niche};
use crate::error::AppError;
use crate::ledger::types::Money;
use crate::ssr::{internal, Db};

fn db_err(e: sqlx::Error) -> AppError {
    internal(e)
}

/// Search looks at this many creators by base score, and this many rising ones besides, then
/// ranks them with the full score: enough for every page anyone reads, cheap over 100,000.
const POOL: i64 = 200;
const RISING_POOL: i64 = 40;

/// What a creator sets on their marketplace profile.
pub struct MarketInput {
    pub language: String,
    pub country: String,
    pub availability: Availability,
    pub rates: Vec<(Format, Money)>,
    /// Engagement per declared network; networks not declared on the account are ignored.
    pub engagement: Vec<(Network, u32)>,
}

/// Saves the creator's marketplace profile (listing them in search) in one transaction.
pub async fn save(db: &Db, user_id: i64, input: &MarketInput, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    sqlx::query(
        "INSERT INTO creator_markets (user_id, language, country, availability, joined_at,
                                      updated_at)
         SELECT id, $2, $3, $4, created_at, $5 FROM users WHERE id = $1
         ON CONFLICT (user_id) DO UPDATE SET language = excluded.language,
             country = excluded.country, availability = excluded.availability,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(&input.language)
    .bind(&input.country)
    .bind(input.availability.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    sqlx::query("DELETE FROM creator_rates WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for (format, price) in &input.rates {
        sqlx::query("INSERT INTO creator_rates (user_id, format, price) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(format.as_str())
            .bind(price.minor)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    for (network, engagement_bp) in &input.engagement {
        sqlx::query(
            "UPDATE social_accounts SET engagement_bp = $1 WHERE user_id = $2 AND network = $3",
        )
        .bind(i64::from(*engagement_bp))
        .bind(user_id)
        .bind(network.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    refresh(&mut tx, user_id).await?;
    tx.commit().await.map_err(db_err)
}

/// Recomputes what search reads from a listed creator's row (audience, engagement, cheapest
/// rate, base score) after their networks or rates changed; nothing for creators not listed.
pub async fn refresh(conn: &mut AnyConnection, user_id: i64) -> Result<(), AppError> {
    let reach = reach(&mut *conn, user_id).await?;
    let audience: u64 = reach.iter().map(|r| r.followers).sum();
    let engagement_bp = weighted_engagement(&reach);
    let niches: Vec<String> =
        sqlx::query_scalar("SELECT niche FROM creator_niches WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
    let niches = mask(&Niche::ALL, niches.iter().filter_map(|n| Niche::parse(n)));
    let networks = mask(&Network::ALL, reach.iter().map(|r| r.network));
    let (min_price, joined_at): (Option<i64>, i64) = sqlx::query_as(
        "SELECT (SELECT MIN(price) FROM creator_rates WHERE user_id = $1), created_at
         FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    let record = record(&mut *conn, user_id).await?;
    let base = rules::base_score(&Signals::listed(audience, engagement_bp, record));
    sqlx::query(
        "UPDATE creator_markets SET audience = $1, engagement_bp = $2, min_price = $3,
                base_score = $4, joined_at = $5, niches = $6, networks = $7,
                rating_centi = $9, response_mins = $10
         WHERE user_id = $8",
    )
    .bind(audience as i64)
    .bind(i64::from(engagement_bp))
    .bind(min_price)
    .bind(i64::from(base))
    .bind(joined_at)
    .bind(niches)
    .bind(networks)
    .bind(user_id)
    .bind(record.rating_centi.map(i64::from))
    .bind(record.response_mins.map(i64::from))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// What the creator's deals say of them, as ranking reads it.
async fn record(conn: &mut AnyConnection, user_id: i64) -> Result<Record, AppError> {
    let reputation = crate::deals::store::reputation(conn, user_id).await?;
    Ok(Record {
        rating_centi: reputation.rating_centi,
        response_mins: reputation.response_mins,
    })
}

/// After a deal changed what is known of a creator (a rating, an answer in a thread): their
/// record and base score, from the audience their row already holds; nothing for creators
/// not listed. Lighter than [`refresh`], which deal threads would otherwise run on every line.
pub async fn refresh_record(conn: &mut AnyConnection, user_id: i64) -> Result<(), AppError> {
    let listed: Option<(i64, i64)> =
        sqlx::query_as("SELECT audience, engagement_bp FROM creator_markets WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
    let Some((audience, engagement_bp)) = listed else {
        return Ok(());
    };
    let record = record(&mut *conn, user_id).await?;
    let signals = Signals::listed(
        audience.max(0) as u64,
        engagement_bp.clamp(0, 10_000) as u32,
        record,
    );
    sqlx::query(
        "UPDATE creator_markets SET base_score = $1, rating_centi = $2, response_mins = $3
         WHERE user_id = $4",
    )
    .bind(i64::from(rules::base_score(&signals)))
    .bind(record.rating_centi.map(i64::from))
    .bind(record.response_mins.map(i64::from))
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// One bit per item, by its place in `all` (so new niches and networks go at the end).
pub fn mask<T: PartialEq>(all: &[T], items: impl IntoIterator<Item = T>) -> i64 {
    items
        .into_iter()
        .filter_map(|item| all.iter().position(|a| *a == item))
        .fold(0, |m, bit| m | 1 << bit)
}

/// The items of `all` whose bits are set in `mask`: the reverse of [`mask`].
pub fn unmask<T: Copy>(all: &[T], mask: i64) -> Vec<T> {
    all.iter()
        .enumerate()
        .filter(|(bit, _)| mask & (1 << bit) != 0)
        .map(|(_, item)| *item)
        .collect()
}

/// The engagement rate over every network, each weighted by its audience.
pub fn weighted_engagement(reach: &[Reach]) -> u32 {
    let followers: u64 = reach.iter().map(|r| r.followers).sum();
    if followers == 0 {
        return 0;
    }
    let engaged: u128 = reach
        .iter()
        .map(|r| u128::from(r.followers) * u128::from(r.engagement_bp))
        .sum();
    (engaged / u128::from(followers)) as u32
}

async fn reach(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Reach>, AppError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT network, followers, engagement_bp FROM social_accounts WHERE user_id = $1
         ORDER BY followers DESC, network",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .filter_map(|(network, followers, engagement_bp)| {
            Some(Reach {
                network: Network::parse(&network)?,
                followers: followers.max(0) as u64,
                engagement_bp: engagement_bp.clamp(0, 10_000) as u32,
            })
        })
        .collect())
}

/// The creator's marketplace profile, if they saved one.
pub async fn profile(db: &Db, user_id: i64) -> Result<Option<MarketProfile>, AppError> {
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT language, country, availability FROM creator_markets WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    let Some((language, country, availability)) = row else {
        return Ok(None);
    };
    let rates: Vec<(String, i64)> = sqlx::query_as(
        "SELECT format, price FROM creator_rates WHERE user_id = $1 ORDER BY price, format",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(Some(MarketProfile {
        language,
        country,
        availability: Availability::parse(&availability).unwrap_or(Availability::Away),
        reach: reach(&mut conn, user_id).await?,
        rates: rates
            .into_iter()
            .filter_map(|(f, price)| Some((Format::parse(&f)?, Money::eur(price))))
            .collect(),
    }))
}

pub async fn settings(db: &Db, user_id: i64) -> Result<MarketSettings, AppError> {
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    Ok(MarketSettings {
        profile: profile(db, user_id).await?,
        reach: reach(&mut conn, user_id).await?,
    })
}

/// A listed creator as search reads them.
#[derive(sqlx::FromRow)]
struct Row {
    user_id: i64,
    handle: String,
    display_name: String,
    avatar_key: Option<String>,
    language: String,
    country: String,
    availability: String,
    audience: i64,
    engagement_bp: i64,
    min_price: Option<i64>,
    joined_at: i64,
    rating_centi: Option<i64>,
    response_mins: Option<i64>,
}

/// Listed creators matching `filters`, ranked by [`rules::rank`]; the page asked for.
pub async fn search(db: &Db, filters: &Filters, now: i64) -> Result<SearchPage, AppError> {
    let mut rows = candidates(db, filters, None).await?;
    let rising_since = now - rules::RISING_NEW_SECS;
    let mut seen: HashSet<i64> = rows.iter().map(|r| r.user_id).collect();
    for row in candidates(db, filters, Some(rising_since)).await? {
        if seen.insert(row.user_id) {
            rows.push(row);
        }
    }
    let signals: Vec<Signals> = rows
        .iter()
        .map(|r| Signals {
            niches: if filters.niche.is_some() {
                (1, 1)
            } else {
                (0, 0)
            },
            network: filters.network.map(|_| true),
            language: filters.language.as_ref().map(|_| true),
            country: filters.country.as_ref().map(|_| true),
            availability: Availability::parse(&r.availability).unwrap_or(Availability::Away),
            engagement_bp: r.engagement_bp.clamp(0, 10_000) as u32,
            response_hours: r.response_mins.map(|m| m.max(0) as f64 / 60.0),
            rating: r.rating_centi.map(|c| c.clamp(100, 500) as f64 / 100.0),
            audience: r.audience.max(0) as u64,
            rising: rules::is_rising(r.audience.max(0) as u64, r.joined_at, now),
        })
        .collect();
    let ranked = rules::rank(&signals);
    let total = usize::try_from(matching(db, filters).await?)
        .unwrap_or(0)
        .max(ranked.len());
    let pages = ranked.len().div_ceil(PAGE).max(1);
    let page = filters.page.clamp(1, pages);
    let chosen: Vec<_> = ranked
        .into_iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .collect();
    let ids: Vec<i64> = chosen.iter().map(|(i, _)| rows[*i].user_id).collect();
    let mut niches = niches_of(db, &ids).await?;
    let creators = chosen
        .into_iter()
        .map(|(i, why)| {
            let r = &rows[i];
            Found {
                handle: r.handle.clone(),
                display_name: r.display_name.clone(),
                avatar_url: avatar_url(r.avatar_key.clone()),
                niches: niches.remove(&r.user_id).unwrap_or_default(),
                language: r.language.clone(),
                country: r.country.clone(),
                availability: signals[i].availability,
                audience: signals[i].audience,
                engagement_bp: signals[i].engagement_bp,
                from_price: r.min_price.map(Money::eur),
                rising: signals[i].rising,
                why,
            }
        })
        .collect();
    Ok(SearchPage {
        ranked: rows.len(),
        creators,
        total,
        page,
        pages,
    })
}

/// A bound value of a search query.
enum Arg {
    Text(String),
    Int(i64),
}

/// The SQL conditions (numbered placeholders) and their values that select the listed creators
/// passing `filters`; only rising ones when `rising_since` is given (small, or joined since).
fn conditions(filters: &Filters, rising_since: Option<i64>) -> (String, Vec<Arg>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    // Each `?` becomes the next numbered placeholder, bound to the next argument.
    let mut add = |condition: &str, values: Vec<Arg>| {
        let mut sql = condition.to_owned();
        for value in values {
            args.push(value);
            sql = sql.replacen('?', &format!("${}", args.len()), 1);
        }
        conditions.push(sql);
    };
    let text = |s: &str| Arg::Text(s.to_owned());
    // Niches and networks are bits of the row itself: no lookup per candidate.
    if let Some(niche) = filters.niche {
        add(
            "(m.niches & ?) <> 0",
            vec![Arg::Int(mask(&Niche::ALL, [niche]))],
        );
    }
    if let Some(network) = filters.network {
        add(
            "(m.networks & ?) <> 0",
            vec![Arg::Int(mask(&Network::ALL, [network]))],
        );
    }
    if let Some(language) = &filters.language {
        add("m.language = ?", vec![text(language)]);
    }
    if let Some(country) = &filters.country {
        add("m.country = ?", vec![text(country)]);
    }
    if let Some(min) = filters.min_followers {
        add("m.audience >= ?", vec![Arg::Int(min as i64)]);
    }
    if let Some(max) = filters.max_followers {
        add("m.audience <= ?", vec![Arg::Int(max as i64)]);
    }
    if let Some(min) = filters.min_engagement_bp {
        add("m.engagement_bp >= ?", vec![Arg::Int(i64::from(min))]);
    }
    if let Some(max) = filters.max_price {
        add("m.min_price <= ?", vec![Arg::Int(max.minor)]);
    }
    if let Some(since) = rising_since {
        add(
            "(m.audience < ? OR m.joined_at > ?)",
            vec![Arg::Int(rules::RISING_AUDIENCE as i64), Arg::Int(since)],
        );
    }
    add("1 = 1", Vec::new());
    (conditions.join(" AND "), args)
}

fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Text(t) => query.bind(t),
            Arg::Int(n) => query.bind(n),
        };
    }
    query
}

/// How many listed creators pass `filters`, all of them (the ranking reads only the best few
/// hundred).
async fn matching(db: &Db, filters: &Filters) -> Result<i64, AppError> {
    let (conditions, args) = conditions(filters, None);
    let sql = format!("SELECT COUNT(*) AS n FROM creator_markets m WHERE {conditions}");
    let (n,): (i64,) = bind_all(sqlx::query_as(&sql), args)
        .fetch_one(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(n)
}

/// The best listed creators by base score that pass `filters`; only rising ones when
/// `rising_since` is given (small, or joined since then).
async fn candidates(
    db: &Db,
    filters: &Filters,
    rising_since: Option<i64>,
) -> Result<Vec<Row>, AppError> {
    let (conditions, mut args) = conditions(filters, rising_since);
    let limit = if rising_since.is_some() {
        RISING_POOL
    } else {
        POOL
    };
    args.push(Arg::Int(limit));
    let sql = format!(
        "SELECT m.user_id, u.handle, u.display_name, u.avatar_key, m.language, m.country,
                m.availability, m.audience, m.engagement_bp, m.min_price, m.joined_at,
                m.rating_centi, m.response_mins
         FROM creator_markets m JOIN users u ON u.id = m.user_id
         WHERE {conditions}
         ORDER BY m.base_score DESC, m.user_id
         LIMIT ${}",
        args.len()
    );
    bind_all(sqlx::query_as::<_, Row>(&sql), args)
        .fetch_all(&db.pool)
        .await
        .map_err(db_err)
}

async fn niches_of(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<Niche>>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, niche FROM creator_niches WHERE user_id IN ({}) ORDER BY niche",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let mut by_user: HashMap<i64, Vec<Niche>> = HashMap::new();
    for (user, niche) in query.fetch_all(&db.pool).await.map_err(db_err)? {
        if let Some(niche) = Niche::parse(&niche) {
            by_user.entry(user).or_default().push(niche);
        }
    }
    Ok(by_user)
}

/// The marketplace profile of the creator with this handle, if they saved one.
pub async fn profile_of(db: &Db, handle: &str) -> Result<Option<MarketProfile>, AppError> {
    match crate::accounts::store::user_id_by_handle(db, handle).await? {
        Some(id) => profile(db, id).await,
        None => Ok(None),
    }
}
