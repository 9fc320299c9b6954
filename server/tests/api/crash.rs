//! Crash safety: the real binary is killed with SIGKILL while payment webhooks stream in, then
//! restarted on the same database. Every webhook the server acknowledged must have credited the
//! wallet, nothing may be half-applied, `ledger verify` must pass, and delivering every event
//! again afterwards must credit each payment exactly once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::ledger::types::{AccountRef, Currency, Money};
use app::ssr::Db;

use crate::common::Server;

const SECRET: &str = "crash test webhook secret";
const PAYMENTS: usize = 400;
const AMOUNT: i64 = 1_000;
const FEE: i64 = 40;

fn event(i: usize) -> String {
    format!(r#"{{"id":"evt_{i}","type":"payment.succeeded","checkout":"tco_{i}","fee":{FEE}}}"#)
}

/// Delivers event `i`; true if the server acknowledged it.
async fn deliver(client: &reqwest::Client, url: &str, i: usize) -> bool {
    let body = event(i);
    let signature = app::ssr::payments::sign(SECRET.as_bytes(), app::ssr::now(), body.as_bytes());
    client
        .post(format!("{url}/webhooks/payments"))
        .header("tremplin-signature", signature)
        .body(body)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

#[tokio::test]
async fn a_killed_server_keeps_every_acknowledged_payment_and_nothing_half_done() {
    let (dir, database_url, db) = crate::common::fresh_db_with_url().await;
    let user = crate::common::user(&db, "payer").await;
    for i in 0..PAYMENTS {
        let id = app::wallet::store::create_payment(
            &db,
            user,
            Money::eur(AMOUNT),
            &app::wallet::store::PaymentFor::Wallet,
            "test",
            0,
        )
        .await
        .unwrap();
        app::wallet::store::set_provider_ref(&db, &id, &format!("tco_{i}"))
            .await
            .unwrap();
    }

    let mut server = Server::start(
        &database_url,
        dir.path(),
        &[("TREMPLIN_PAYMENTS_WEBHOOK_SECRET", SECRET)],
    );
    server.wait_healthy().await;
    let client = reqwest::Client::new();
    let killed = Arc::new(AtomicBool::new(false));
    let mut acknowledged = Vec::new();
    let mut streams = Vec::new();
    for lane in 0..4 {
        let (client, url, killed) = (client.clone(), server.url.clone(), killed.clone());
        streams.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in (lane..PAYMENTS).step_by(4) {
                if killed.load(Ordering::Relaxed) {
                    break;
                }
                if deliver(&client, &url, i).await {
                    acked.push(i);
                }
            }
            acked
        }));
    }
    // Kill in the middle of the stream.
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    killed.store(true, Ordering::Relaxed);
    for stream in streams {
        acknowledged.extend(stream.await.unwrap());
    }
    assert!(
        !acknowledged.is_empty() && acknowledged.len() < PAYMENTS,
        "the kill landed mid-stream ({} acknowledged)",
        acknowledged.len()
    );

    let mut server = Server::start(
        &database_url,
        dir.path(),
        &[("TREMPLIN_PAYMENTS_WEBHOOK_SECRET", SECRET)],
    );
    server.wait_healthy().await;
    let db = Db::connect(&database_url).await.unwrap();
    let succeeded: Vec<String> = sqlx::query_scalar(
        "SELECT provider_ref FROM payments WHERE state = 'succeeded' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    for i in &acknowledged {
        assert!(
            succeeded.contains(&format!("tco_{i}")),
            "acknowledged payment {i} is there"
        );
    }
    let wallet = AccountRef::wallet(user, Currency::Eur);
    let balance = app::ledger::store::balance(&db, wallet).await.unwrap();
    assert_eq!(
        balance.posted,
        succeeded.len() as i64 * (AMOUNT - FEE),
        "every succeeded payment credited exactly once, no credit without its payment"
    );
    let report = app::ledger::store::verify(&db).await.unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!(
        report.transfers,
        succeeded.len() * 2,
        "a top-up and its fee, never one alone"
    );

    // The processor delivers everything again: each payment counts once.
    for i in 0..PAYMENTS {
        assert!(
            deliver(&client, &server.url, i).await,
            "event {i} after restart"
        );
    }
    let balance = app::ledger::store::balance(&db, wallet).await.unwrap();
    assert_eq!(balance.posted, PAYMENTS as i64 * (AMOUNT - FEE));
    assert_eq!(
        app::ledger::store::verify(&db).await.unwrap().problems,
        Vec::<String>::new()
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
