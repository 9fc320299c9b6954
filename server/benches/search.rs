//! Creator search over 100,000 listed creators (the demo crowd generator): p50 and p95 of a
//! mix of searches as brands make them, from no filter to five at once, with ranking and the
//! explanations included.
//!
//! `cargo bench -p server --bench search` measures SQLite; with `TREMPLIN_BENCH_POSTGRES` set
//! to an admin URL it measures PostgreSQL too (`.ci/bench.sh` starts a cluster for that).
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/api/common.rs"]
mod common;

use std::time::{Duration, Instant};

use app::market::store;
use app::market::types::{Filters, SearchForm};
use app::ssr::Db;

const CREATORS: usize = 100_000;
/// Each search of the mix runs this many times.
const ROUNDS: usize = 20;

#[tokio::main]
async fn main() {
    let sqlite_dir = tempfile::tempdir().unwrap();
    let mut targets = vec![(
        "SQLite",
        format!("sqlite://{}/search.db", sqlite_dir.path().display()),
    )];
    if let Ok(admin) = std::env::var("TREMPLIN_BENCH_POSTGRES") {
        targets.push(("PostgreSQL", common::fresh_postgres_database(&admin).await));
    }
    println!("creator search over {CREATORS} listed creators, {ROUNDS} rounds of each search\n");
    println!(
        "{:<11} {:>8} {:>10} {:>10} {:>10}",
        "database", "searches", "p50 ms", "p95 ms", "max ms"
    );
    for (name, url) in targets {
        bench(name, &url).await;
    }
}

/// Searches as brands make them: (field, value) pairs of the search form.
const MIX: &[&[(&str, &str)]] = &[
    &[],
    &[("niche", "food")],
    &[("niche", "beauty"), ("network", "instagram")],
    &[("language", "fr"), ("country", "FR")],
    &[("max_followers", "10k")],
    &[("min_followers", "100k"), ("min_engagement", "2")],
    &[
        ("niche", "gaming"),
        ("network", "twitch"),
        ("language", "fr"),
    ],
    &[("max_price", "150"), ("niche", "travel")],
    &[
        ("niche", "art"),
        ("language", "ja"),
        ("country", "JP"),
        ("max_price", "80"),
        ("min_engagement", "3"),
    ],
    &[("niche", "tech"), ("page", "3")],
];

fn form(pairs: &[(&str, &str)]) -> SearchForm {
    let mut f = SearchForm::default();
    for (field, value) in pairs {
        let value = (*value).to_owned();
        match *field {
            "niche" => f.niche = value,
            "network" => f.network = value,
            "language" => f.language = value,
            "country" => f.country = value,
            "min_followers" => f.min_followers = value,
            "max_followers" => f.max_followers = value,
            "min_engagement" => f.min_engagement = value,
            "max_price" => f.max_price = value,
            "page" => f.page = value,
            other => panic!("unknown field {other}"),
        }
    }
    f
}

async fn bench(name: &str, url: &str) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let now = app::ssr::now();
    let started = Instant::now();
    server::demo::crowd::generate(&db, CREATORS, "not a password hash", now)
        .await
        .unwrap();
    println!(
        "{name:<11} generated {CREATORS} creators in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let searches: Vec<Filters> = MIX
        .iter()
        .map(|pairs| Filters::parse(&form(pairs)).unwrap())
        .collect();
    // One warm-up pass, as a running server would have.
    for filters in &searches {
        store::search(&db, filters, now).await.unwrap();
    }
    let mut times: Vec<Duration> = Vec::new();
    let mut slowest: Vec<(Duration, usize)> = Vec::new();
    for _ in 0..ROUNDS {
        for (i, filters) in searches.iter().enumerate() {
            let start = Instant::now();
            store::search(&db, filters, now).await.unwrap();
            times.push(start.elapsed());
            slowest.push((start.elapsed(), i));
        }
    }
    slowest.sort();
    for (t, i) in slowest.iter().rev().take(5) {
        println!("  {:.1} ms {:?}", t.as_secs_f64() * 1e3, MIX[*i]);
    }
    times.sort();
    let at = |q: f64| {
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
    };
    println!(
        "{name:<11} {:>8} {:>10.1} {:>10.1} {:>10.1}\n",
        times.len(),
        at(0.50),
        at(0.95),
        at(1.0)
    );
}
