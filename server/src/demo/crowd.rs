//! A crowd of generated creators, listed on the marketplace, for discovery to be meaningful
//! in the demo and for the search benchmark (`--crowd 100000`). The same count gives the same
//! crowd: the generator is seeded.

use app::accounts::types::{Network, Niche};
use app::market::rules::{self, Signals};
use app::market::store::mask;
use app::market::types::{Availability, Format, COUNTRIES, LANGUAGES};
use app::ssr::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const FIRST: [&str; 16] = [
    "Alice", "Bilal", "Chloé", "Diego", "Emma", "Farah", "Gabriel", "Hana", "Ilyes", "Jade",
    "Kenji", "Louise", "Malik", "Noémie", "Oscar", "Priya",
];
const LAST: [&str; 12] = [
    "Bernard", "Diallo", "Dubois", "Fontaine", "Garcia", "Lambert", "Moreau", "Nguyen", "Petit",
    "Rossi", "Silva", "Tanaka",
];
/// Rows per insert statement, well under SQLite's limit on bound values.
const BATCH: usize = 500;

struct Creator {
    handle: String,
    name: String,
    joined_at: i64,
    niches: Vec<Niche>,
    networks: Vec<(Network, u64, u32)>,
    language: &'static str,
    country: &'static str,
    availability: Availability,
    rates: Vec<(Format, i64)>,
}

fn creator(rng: &mut StdRng, i: usize, now: i64) -> Creator {
    let mut niches: Vec<Niche> = (0..rng.gen_range(1..=3))
        .map(|_| Niche::ALL[rng.gen_range(0..Niche::ALL.len())])
        .collect();
    niches.sort();
    niches.dedup();
    let mut networks: Vec<(Network, u64, u32)> = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let network = Network::ALL[rng.gen_range(0..Network::ALL.len())];
        if networks.iter().any(|(n, ..)| *n == network) {
            continue;
        }
        // Log-uniform from 100 to 5 million: most creators are small, as in life.
        let followers = 10f64.powf(rng.gen_range(2.0..6.7)) as u64;
        // Small audiences engage more.
        let engagement = (rng.gen_range(0.3..1.0) * 1_800.0 / (followers as f64).log10()) as u32;
        networks.push((network, followers, engagement));
    }
    let audience: u64 = networks.iter().map(|(_, f, _)| f).sum();
    let (language, country) = match rng.gen_range(0..10) {
        0..=3 => (
            "fr",
            ["FR", "FR", "FR", "BE", "CH", "CA", "MA", "SN"][rng.gen_range(0..8)],
        ),
        4..=6 => ("en", ["GB", "US", "CA", "IN"][rng.gen_range(0..4)]),
        _ => {
            let (code, _) = LANGUAGES[rng.gen_range(2..LANGUAGES.len())];
            (code, COUNTRIES[rng.gen_range(0..COUNTRIES.len())])
        }
    };
    let availability = match rng.gen_range(0..10) {
        0..=6 => Availability::Open,
        7..=8 => Availability::Busy,
        _ => Availability::Away,
    };
    // About one euro per hundred followers for a post, never under 20 €.
    let post = ((audience / 100) as i64).max(20) * 100;
    let rates = Format::ALL
        .iter()
        .zip([100, 40, 150, 60])
        .filter(|_| rng.gen_bool(0.7))
        .map(|(format, percent)| (*format, (post * percent / 100).max(1_000)))
        .collect();
    Creator {
        handle: format!("crowd_{i:06}"),
        name: format!(
            "{} {}",
            FIRST[rng.gen_range(0..FIRST.len())],
            LAST[rng.gen_range(0..LAST.len())]
        ),
        // Up to two years ago; a few joined in the last weeks.
        joined_at: now - rng.gen_range(3_600..2 * 365 * 24 * 3_600),
        niches,
        networks,
        language,
        country,
        availability,
        rates,
    }
}

/// Adds `count` generated creators with marketplace profiles, unless they are there already.
/// They share `password_hash`, so they can log in like the other demo accounts.
pub async fn generate(db: &Db, count: usize, password_hash: &str, now: i64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(2026);
    let creators: Vec<Creator> = (0..count).map(|i| creator(&mut rng, i, now)).collect();
    for chunk in creators.chunks(BATCH) {
        insert(db, chunk, password_hash, now).await?;
    }
    // Fresh statistics after a bulk load, so both planners pick the selective indexes.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(())
}

/// `INSERT … VALUES (…), (…)` with `width` placeholders per row for `rows` rows.
fn values(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn insert(db: &Db, chunk: &[Creator], password_hash: &str, now: i64) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let sql = format!(
        "INSERT INTO users (email, handle, display_name, password_hash, role, created_at,
                            email_confirmed_at)
         VALUES {} ON CONFLICT DO NOTHING RETURNING id, handle",
        values(chunk.len(), 7)
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for c in chunk {
        query = query
            .bind(format!("{}@demo.tremplin.test", c.handle.replace('_', ".")))
            .bind(&c.handle)
            .bind(&c.name)
            .bind(password_hash)
            .bind("creator")
            .bind(c.joined_at)
            .bind(c.joined_at);
    }
    let ids: std::collections::HashMap<String, i64> = query
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(id, h)| (h, id))
        .collect();
    let fresh: Vec<(i64, &Creator)> = chunk
        .iter()
        .filter_map(|c| Some((*ids.get(&c.handle)?, c)))
        .collect();
    if fresh.is_empty() {
        return Ok(());
    }

    let niches: Vec<(i64, &str)> = fresh
        .iter()
        .flat_map(|(id, c)| c.niches.iter().map(move |n| (*id, n.as_str())))
        .collect();
    let sql = format!(
        "INSERT INTO creator_niches (user_id, niche) VALUES {}",
        values(niches.len(), 2)
    );
    let mut query = sqlx::query(&sql);
    for (id, niche) in niches {
        query = query.bind(id).bind(niche);
    }
    query.execute(&mut *tx).await?;

    let networks: Vec<(i64, &str, i64, i64)> = fresh
        .iter()
        .flat_map(|(id, c)| {
            c.networks
                .iter()
                .map(move |(n, f, e)| (*id, n.as_str(), *f as i64, i64::from(*e)))
        })
        .collect();
    let sql = format!(
        "INSERT INTO social_accounts (user_id, network, followers, engagement_bp) VALUES {}",
        values(networks.len(), 4)
    );
    let mut query = sqlx::query(&sql);
    for (id, network, followers, engagement) in networks {
        query = query
            .bind(id)
            .bind(network)
            .bind(followers)
            .bind(engagement);
    }
    query.execute(&mut *tx).await?;

    let rates: Vec<(i64, &str, i64)> = fresh
        .iter()
        .flat_map(|(id, c)| c.rates.iter().map(move |(f, p)| (*id, f.as_str(), *p)))
        .collect();
    if !rates.is_empty() {
        let sql = format!(
            "INSERT INTO creator_rates (user_id, format, price) VALUES {}",
            values(rates.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (id, format, price) in rates {
            query = query.bind(id).bind(format).bind(price);
        }
        query.execute(&mut *tx).await?;
    }

    let sql = format!(
        "INSERT INTO creator_markets (user_id, language, country, availability, audience,
             engagement_bp, niches, networks, min_price, base_score, joined_at, updated_at)
         VALUES {}",
        values(fresh.len(), 12)
    );
    let mut query = sqlx::query(&sql);
    for (id, c) in &fresh {
        let reach: Vec<app::market::types::Reach> = c
            .networks
            .iter()
            .map(
                |&(network, followers, engagement_bp)| app::market::types::Reach {
                    network,
                    followers,
                    engagement_bp,
                },
            )
            .collect();
        let audience: u64 = reach.iter().map(|r| r.followers).sum();
        let engagement_bp = app::market::store::weighted_engagement(&reach);
        let base = rules::base_score(&Signals::listed(
            audience,
            engagement_bp,
            rules::Record::default(),
        ));
        query = query
            .bind(*id)
            .bind(c.language)
            .bind(c.country)
            .bind(c.availability.as_str())
            .bind(audience as i64)
            .bind(i64::from(engagement_bp))
            .bind(mask(&Niche::ALL, c.niches.iter().copied()))
            .bind(mask(&Network::ALL, c.networks.iter().map(|(n, ..)| *n)))
            .bind(c.rates.iter().map(|(_, p)| *p).min())
            .bind(i64::from(base))
            .bind(c.joined_at)
            .bind(now);
    }
    query.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
