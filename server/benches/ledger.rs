//! Posted ledger transfers per second, hot (every transfer into one account: fans' wallets pay
//! one creator, as during a live event) and spread (between random wallets), against plain
//! single-row inserts into the same database in the same run. Each movement is recorded the
//! two ways the product does: in a transaction of its own (as when it commits with other
//! writes, an order or a payout), and through the group commit (a gift, a donation: many
//! movements per commit, each acknowledged once committed). The journal's sealer runs every
//! second during the transfers, as the worker does, and the clock stops only once everything is
//! sealed. Afterwards `verify` must find nothing wrong and every acknowledged transfer must be
//! there.
//!
//! `cargo bench -p server --bench ledger` measures SQLite; with `TREMPLIN_BENCH_POSTGRES` set
//! to an admin URL it measures PostgreSQL too (`.ci/bench.sh` starts a cluster for that).
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/api/common.rs"]
mod common;

use std::future::Future;
use std::time::Instant;

use app::ledger::group::GroupCommit;
use app::ledger::store;
use app::ledger::types::*;
use app::ssr::Db;

/// Concurrent clients, as the app instances' request handlers would be.
const CLIENTS: usize = 8;
const WALLETS: i64 = 100;

#[tokio::main]
async fn main() {
    let sqlite_dir = tempfile::tempdir().unwrap();
    let mut targets = vec![(
        "SQLite",
        format!("sqlite://{}/bench.db", sqlite_dir.path().display()),
        20_000,
    )];
    if let Ok(admin) = std::env::var("TREMPLIN_BENCH_POSTGRES") {
        targets.push((
            "PostgreSQL",
            common::fresh_postgres_database(&admin).await,
            10_000,
        ));
    }
    println!("{CLIENTS} concurrent clients, one transaction per operation\n");
    println!(
        "{:<11} {:<24} {:>8} {:>10} {:>14}",
        "database", "operation", "count", "per second", "vs inserts"
    );
    for (name, url, count) in targets {
        bench(name, &url, count).await;
    }
}

async fn bench(name: &str, url: &str, count: usize) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    sqlx::query("CREATE TABLE bench_rows (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();
    let mut wallets = Vec::new();
    for i in 0..WALLETS {
        let id = common::user(&db, &format!("w{i}")).await;
        let wallet = AccountRef::wallet(id, Currency::Eur);
        let top_up = transfer(&format!("fund-{i}"), clearing(), wallet, 1_000_000_000);
        commit(&db, &top_up).await;
        wallets.push(wallet);
    }
    let shop = AccountRef::earnings(common::user(&db, "shop").await, Currency::Eur);

    let inserts = measure(&db, count, false, |db, i| async move {
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO bench_rows (k, v) VALUES ($1, $2)")
            .bind(format!("row-{i}"))
            .bind(i as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    })
    .await;
    let group = GroupCommit::start(db.clone());
    let mut rates = vec![("plain insert", inserts)];
    for (operation, grouped) in [("hot, own transaction", false), ("hot, group commit", true)] {
        let (fans, group) = (wallets.clone(), group.clone());
        let rate = measure(&db, count, true, move |db, i| {
            let t = transfer(&format!("{operation}-{i}"), fans[i % fans.len()], shop, 1);
            let group = group.clone();
            async move { record(&db, &group, grouped, t).await }
        })
        .await;
        rates.push((operation, rate));
    }
    for (operation, grouped) in [
        ("spread, own transaction", false),
        ("spread, group commit", true),
    ] {
        let (wallets, group) = (wallets.clone(), group.clone());
        let rate = measure(&db, count, true, move |db, i| {
            let from = wallets[i % wallets.len()];
            let to = wallets[(i * 7 + 3) % wallets.len()];
            let to = if to == from { shop } else { to };
            let t = transfer(&format!("{operation}-{i}"), from, to, 1);
            let group = group.clone();
            async move { record(&db, &group, grouped, t).await }
        })
        .await;
        rates.push((operation, rate));
    }

    for (operation, rate) in rates {
        println!(
            "{name:<11} {operation:<24} {count:>8} {rate:>10.0} {:>13.2}x",
            rate / inserts
        );
    }
    let report = store::verify(&db).await.unwrap();
    let expected = WALLETS as usize + 4 * count;
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!(
        report.transfers, expected,
        "every acknowledged transfer is there"
    );
    println!(
        "{name:<11} verify: {} entries, {} transfers, no problem\n",
        report.entries, report.transfers
    );
}

fn clearing() -> AccountRef {
    AccountRef::platform(AccountKind::ProcessorClearing, Currency::Eur)
}

fn transfer(key: &str, debit: AccountRef, credit: AccountRef, minor: i64) -> NewTransfer {
    NewTransfer {
        key: key.to_owned(),
        debit,
        credit,
        amount: Money::eur(minor),
        kind: TransferKind::Purchase,
        cause: format!("bench:{key}"),
        hold: None,
    }
}

async fn commit(db: &Db, t: &NewTransfer) {
    let mut tx = db.begin_write().await.unwrap();
    store::transfer(&mut tx, std::slice::from_ref(t), app::ssr::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Records `t` in a transaction of its own, or through the group commit.
async fn record(db: &Db, group: &GroupCommit, grouped: bool, t: NewTransfer) {
    if grouped {
        group.transfer(vec![t], app::ssr::now()).await.unwrap();
    } else {
        commit(db, &t).await;
    }
}

/// Runs `op` `count` times over `CLIENTS` concurrent tasks, with the sealer if `seal`;
/// returns operations per second.
async fn measure<F, Fut>(db: &Db, count: usize, seal: bool, op: F) -> f64
where
    F: Fn(Db, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let start = Instant::now();
    let sealer = seal.then(|| {
        let db = db.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                store::seal(&db).await.unwrap();
            }
        })
    });
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (db, op) = (db.clone(), op.clone());
            tokio::spawn(async move {
                for i in (client..count).step_by(CLIENTS) {
                    op(db.clone(), i).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    if let Some(sealer) = sealer {
        sealer.abort();
        store::seal(db).await.unwrap();
    }
    count as f64 / start.elapsed().as_secs_f64()
}
