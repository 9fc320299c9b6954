//! The ledger on a real database (SQLite, or PostgreSQL with `TREMPLIN_TEST_POSTGRES`):
//! movements, holds, refusals, idempotency, races, and `verify` on clean and tampered data.

use std::sync::Arc;

use crate::common::{fresh_db, user};
use app::ledger::group::GroupCommit;
use app::ledger::store::{self, ExportFormat};
use app::ledger::types::*;
use app::ssr::db::Backend;
use app::ssr::Db;

const EUR: Currency = Currency::Eur;

fn clearing() -> AccountRef {
    AccountRef::platform(AccountKind::ProcessorClearing, EUR)
}

fn escrow() -> AccountRef {
    AccountRef::platform(AccountKind::Escrow, EUR)
}

fn new(key: &str, debit: AccountRef, credit: AccountRef, minor: i64) -> NewTransfer {
    NewTransfer {
        key: key.to_owned(),
        debit,
        credit,
        amount: Money::eur(minor),
        kind: TransferKind::TopUp,
        cause: format!("test:{key}"),
        hold: None,
    }
}

fn held(t: NewTransfer, expires_at: Option<i64>) -> NewTransfer {
    NewTransfer {
        hold: Some(Hold { expires_at }),
        ..t
    }
}

/// Runs one ledger call in its own transaction, committed when it succeeds.
async fn run(db: &Db, batch: &[NewTransfer]) -> Result<Vec<Transfer>, LedgerError> {
    let mut tx = db.begin_write().await.unwrap();
    let result = store::transfer(&mut tx, batch, app::ssr::now()).await;
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

async fn post(db: &Db, id: i64, amount: Option<i64>) -> Result<Transfer, LedgerError> {
    let mut tx = db.begin_write().await.unwrap();
    let result = store::post(&mut tx, id, amount, app::ssr::now()).await;
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

async fn void(db: &Db, id: i64) -> Result<Transfer, LedgerError> {
    let mut tx = db.begin_write().await.unwrap();
    let result = store::void(&mut tx, id, app::ssr::now()).await;
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

async fn available(db: &Db, account: AccountRef) -> i64 {
    store::balance(db, account).await.unwrap().available()
}

/// A wallet holding 5,000 and a shop's earnings account.
async fn payer_and_shop(db: &Db) -> (AccountRef, AccountRef) {
    let payer = AccountRef::wallet(user(db, "payer").await, EUR);
    let shop = AccountRef::earnings(user(db, "shop").await, EUR);
    run(db, &[new("top-up", clearing(), payer, 5_000)])
        .await
        .unwrap();
    (payer, shop)
}

async fn assert_sound(db: &Db) {
    let report = store::verify(db).await.unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
}

#[tokio::test]
async fn money_moves_and_holds_are_posted_or_voided() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    let bo = AccountRef::earnings(user(&db, "bo").await, EUR);

    run(&db, &[new("top-up", clearing(), ana, 10_000)])
        .await
        .unwrap();
    assert_eq!(available(&db, ana).await, 10_000);

    let hold = run(&db, &[held(new("hold", ana, escrow(), 3_000), None)])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(hold.state, TransferState::Pending);
    let b = store::balance(&db, ana).await.unwrap();
    assert_eq!((b.posted, b.held, b.available()), (10_000, 3_000, 7_000));

    let posted = post(&db, hold.id, Some(2_500)).await.unwrap();
    assert_eq!(
        (posted.state, posted.posted_amount),
        (TransferState::Posted, Some(2_500))
    );
    let b = store::balance(&db, ana).await.unwrap();
    assert_eq!(
        (b.posted, b.held),
        (7_500, 0),
        "the rest of the hold is released"
    );
    assert_eq!(available(&db, escrow()).await, 2_500);
    assert_eq!(
        post(&db, hold.id, Some(2_500)).await.unwrap(),
        posted,
        "posting again is a no-op"
    );

    let hold = run(&db, &[held(new("hold-2", escrow(), bo, 2_000), None)])
        .await
        .unwrap()
        .remove(0);
    void(&db, hold.id).await.unwrap();
    assert_eq!(
        void(&db, hold.id).await.unwrap().state,
        TransferState::Voided
    );
    assert_eq!(available(&db, escrow()).await, 2_500);
    assert_eq!(available(&db, bo).await, 0);
    assert_eq!(
        available(&db, clearing()).await,
        -10_000,
        "the outside world's mirror"
    );
    assert_sound(&db).await;
}

#[tokio::test]
async fn refused_movements_move_nothing() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    let bo = AccountRef::wallet(user(&db, "bo").await, EUR);
    run(&db, &[new("top-up", clearing(), ana, 1_000)])
        .await
        .unwrap();

    let refusals = [
        (new("too-much", ana, bo, 1_001), "insufficient"),
        (new("zero", ana, bo, 0), "amount"),
        (new("negative", ana, bo, -5), "amount"),
        (new("absurd", ana, bo, i64::MAX), "amount"),
        (new("self", ana, ana, 10), "same account"),
        (new("top-up", clearing(), ana, 999), "key reused"),
    ];
    for (t, why) in refusals {
        let err = run(&db, &[t]).await.unwrap_err();
        let expected = match why {
            "insufficient" => matches!(err, LedgerError::InsufficientFunds { .. }),
            "amount" => matches!(err, LedgerError::InvalidAmount { .. }),
            "same account" => err == LedgerError::SameAccount,
            _ => matches!(err, LedgerError::KeyReused { .. }),
        };
        assert!(expected, "{why}: {err:?}");
    }
    let hold = run(&db, &[held(new("hold", ana, bo, 600), None)])
        .await
        .unwrap()
        .remove(0);
    assert!(
        matches!(
            run(&db, &[new("over-hold", ana, bo, 500)]).await,
            Err(LedgerError::InsufficientFunds { .. })
        ),
        "held money cannot be spent"
    );
    assert_eq!(
        post(&db, hold.id, Some(601)).await,
        Err(LedgerError::PostExceedsHold {
            requested: 601,
            held: 600
        })
    );
    void(&db, hold.id).await.unwrap();
    assert_eq!(
        post(&db, hold.id, None).await,
        Err(LedgerError::NotPending {
            id: hold.id,
            state: TransferState::Voided
        })
    );
    assert_eq!(
        post(&db, 999_999, None).await,
        Err(LedgerError::UnknownTransfer { id: 999_999 })
    );
    assert_eq!(available(&db, ana).await, 1_000);
    assert_eq!(available(&db, bo).await, 0);
    assert_sound(&db).await;
}

#[tokio::test]
async fn a_refused_transfer_leaves_nothing_even_if_the_caller_commits() {
    let (_dir, db) = fresh_db().await;
    // The shop's account is older (a lower id), so it is updated before the payer's is refused.
    let shop = AccountRef::earnings(user(&db, "shop").await, EUR);
    run(&db, &[new("opening", clearing(), shop, 100)])
        .await
        .unwrap();
    let payer = AccountRef::wallet(user(&db, "payer").await, EUR);
    run(&db, &[new("top-up", clearing(), payer, 300)])
        .await
        .unwrap();
    for hold in [None, Some(Hold { expires_at: None })] {
        let mut tx = db.begin_write().await.unwrap();
        let too_much = NewTransfer {
            hold,
            ..new("too-much", payer, shop, 500)
        };
        let err = store::transfer(&mut tx, &[too_much], app::ssr::now())
            .await
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::InsufficientFunds { .. }),
            "{err:?}"
        );
        tx.commit().await.unwrap();
        assert_eq!(store::balance(&db, payer).await.unwrap().posted, 300);
        assert_eq!(store::balance(&db, payer).await.unwrap().held, 0);
        assert_eq!(store::balance(&db, shop).await.unwrap().posted, 100);
    }
    // The key is free again: the same request, affordable now, goes through.
    run(&db, &[new("top-up-2", clearing(), payer, 200)])
        .await
        .unwrap();
    run(&db, &[new("too-much", payer, shop, 500)])
        .await
        .unwrap();
    assert_eq!(available(&db, shop).await, 600);
    assert_sound(&db).await;
}

#[tokio::test]
async fn linked_transfers_happen_together_or_not_at_all() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    let bo = AccountRef::wallet(user(&db, "bo").await, EUR);
    run(&db, &[new("top-up", clearing(), ana, 1_000)])
        .await
        .unwrap();

    // The caller goes on and commits after the refusal: still nothing of the batch remains.
    let mut tx = db.begin_write().await.unwrap();
    let err = store::transfer(
        &mut tx,
        &[new("a", ana, bo, 800), new("b", bo, escrow(), 900)],
        app::ssr::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, LedgerError::InsufficientFunds { .. }),
        "{err:?}"
    );
    tx.commit().await.unwrap();
    assert_eq!(available(&db, ana).await, 1_000);
    assert_eq!(available(&db, bo).await, 0);

    let linked = run(&db, &[new("a", ana, bo, 800), new("b", bo, escrow(), 700)])
        .await
        .unwrap();
    assert_eq!(linked.len(), 2);
    assert_eq!(available(&db, bo).await, 100);
    assert_sound(&db).await;
}

#[tokio::test]
async fn two_hundred_concurrent_spenders_get_exactly_what_the_wallet_affords() {
    let (_dir, db) = fresh_db().await;
    let (payer, shop) = payer_and_shop(&db).await;

    let db = Arc::new(db);
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(
                async move { run(&db, &[new(&format!("buy-{i}"), payer, shop, 100)]).await },
            )
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(LedgerError::InsufficientFunds { .. }) => refused += 1,
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!((ok, refused), (50, 150));
    assert_eq!(available(&db, payer).await, 0);
    assert_eq!(available(&db, shop).await, 5_000);
    assert_sound(&db).await;
}

/// Through the group commit, many movements share a transaction, yet each keeps its own
/// outcome: 150 different purchases and 50 retries of one gift race for a wallet that affords
/// 50 of them; exactly 50 movements happen, and every retry of the gift agrees.
#[tokio::test]
async fn grouped_movements_each_keep_their_own_outcome() {
    let (_dir, db) = fresh_db().await;
    let (payer, shop) = payer_and_shop(&db).await;

    let group = GroupCommit::start(db.clone());
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let group = group.clone();
            let key = if i < 150 {
                format!("buy-{i}")
            } else {
                "gift".to_owned()
            };
            tokio::spawn(async move {
                let outcome = group
                    .transfer(vec![new(&key, payer, shop, 100)], app::ssr::now())
                    .await;
                (key, outcome)
            })
        })
        .collect();
    let (mut moved, mut gift) = (std::collections::BTreeSet::new(), Vec::new());
    for task in tasks {
        let (key, outcome) = task.await.unwrap();
        let id = match outcome {
            Ok(done) => Some(done[0].id),
            Err(LedgerError::InsufficientFunds { .. }) => None,
            Err(e) => panic!("unexpected: {e:?}"),
        };
        moved.extend(id);
        if key == "gift" {
            gift.push(id);
        }
    }
    assert_eq!(moved.len(), 50, "exactly what the wallet affords");
    gift.dedup();
    assert_eq!(
        gift.len(),
        1,
        "every retry of the gift got the same outcome"
    );
    assert_eq!(available(&db, payer).await, 0);
    assert_eq!(available(&db, shop).await, 5_000);
    assert_sound(&db).await;
}

/// A movement the database itself rejects (PostgreSQL refuses a NUL byte in text, which ends
/// the whole shared transaction) does not take the movements grouped with it down.
#[tokio::test]
async fn a_movement_the_database_rejects_does_not_sink_its_group() {
    let (_dir, db) = fresh_db().await;
    let (payer, shop) = payer_and_shop(&db).await;

    let group = GroupCommit::start(db.clone());
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let group = group.clone();
            let mut t = new(&format!("tip-{i}"), payer, shop, 10);
            if i % 3 == 1 {
                t.cause = "bad\0cause".to_owned();
            }
            tokio::spawn(async move { (i, group.transfer(vec![t], app::ssr::now()).await) })
        })
        .collect();
    let (mut moved, mut rejected) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (_, Ok(_)) => moved += 10,
            (i, Err(LedgerError::Database(_))) if i % 3 == 1 => rejected += 1,
            (i, Err(e)) => panic!("tip {i}: {e:?}"),
        }
    }
    // SQLite stores the NUL byte.
    let expected_rejections = if db.backend == Backend::Postgres {
        10
    } else {
        0
    };
    assert_eq!(rejected, expected_rejections);
    assert_eq!(moved, 300 - 10 * rejected, "every sound tip moved");
    assert_eq!(available(&db, shop).await, moved);
    assert_eq!(available(&db, payer).await, 5_000 - moved);
    assert_sound(&db).await;
}

/// Writers on different pairs of accounts (each task pays its neighbour, half of the time
/// through a hold posted in a later transaction) while two sealers chain their entries: every
/// entry is sealed once, each hold before its posting, and the chain stays whole.
#[tokio::test]
async fn concurrent_writers_and_sealers_keep_the_chain_whole() {
    let (_dir, db) = fresh_db().await;
    let mut wallets = Vec::new();
    for i in 0..16 {
        let wallet = AccountRef::wallet(user(&db, &format!("w{i}")).await, EUR);
        run(
            &db,
            &[new(&format!("fund-{i}"), clearing(), wallet, 100_000)],
        )
        .await
        .unwrap();
        wallets.push(wallet);
    }
    let db = Arc::new(db);
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sealers: Vec<_> = (0..2)
        .map(|_| {
            let (db, writing) = (db.clone(), writing.clone());
            tokio::spawn(async move {
                let mut sealed = 0;
                while writing.load(std::sync::atomic::Ordering::Relaxed) {
                    sealed += store::seal(&db).await.unwrap();
                    tokio::task::yield_now().await;
                }
                sealed
            })
        })
        .collect();
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let (db, from, to) = (db.clone(), wallets[i], wallets[(i + 1) % 16]);
            tokio::spawn(async move {
                for n in 0..40 {
                    let t = new(&format!("move-{i}-{n}"), from, to, 10);
                    if n % 2 == 0 {
                        run(&db, &[t]).await.unwrap();
                    } else {
                        let hold = run(&db, &[held(t, None)]).await.unwrap().remove(0);
                        post(&db, hold.id, None).await.unwrap();
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut sealed = 0;
    for sealer in sealers {
        sealed += sealer.await.unwrap();
    }
    sealed += store::seal(&db).await.unwrap();
    // The 16 fundings, then per writer 20 transfers, 20 holds and 20 postings.
    assert_eq!(sealed, 16 + 16 * 60);
    for wallet in wallets {
        assert_eq!(available(&db, wallet).await, 100_000);
    }
    assert_sound(&db).await;
}

/// The account ids the store remembers are hints: with two databases in one process, where
/// Ana's wallet has another id in each and her id in `a` is Bo's wallet in `b`, every movement
/// still lands on the right account.
#[tokio::test]
async fn remembered_account_ids_never_send_money_to_the_wrong_account() {
    let (_dir_a, a) = fresh_db().await;
    let (_dir_b, b) = fresh_db().await;
    let ana = user(&a, "ana").await;
    assert_eq!(user(&b, "ana").await, ana);
    let bo = user(&b, "bo").await;
    run(&b, &[new("bo", clearing(), AccountRef::wallet(bo, EUR), 7)])
        .await
        .unwrap();
    for round in 0..3 {
        for db in [&a, &b] {
            let wallet = AccountRef::wallet(ana, EUR);
            run(db, &[new(&format!("ana-{round}"), clearing(), wallet, 100)])
                .await
                .unwrap();
        }
    }
    let wallet_id = |db: &Db, user: i64| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = $1",
            )
            .bind(user)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(wallet_id(&a, ana).await, wallet_id(&b, bo).await);
    assert_eq!(available(&a, AccountRef::wallet(ana, EUR)).await, 300);
    assert_eq!(available(&b, AccountRef::wallet(ana, EUR)).await, 300);
    assert_eq!(available(&b, AccountRef::wallet(bo, EUR)).await, 7);
    assert_sound(&a).await;
    assert_sound(&b).await;
}

#[tokio::test]
async fn ledger_accounts_cannot_be_deleted_or_given_to_someone_else() {
    let (_dir, db) = fresh_db().await;
    let ana = user(&db, "ana").await;
    let bo = user(&db, "bo").await;
    run(
        &db,
        &[new("top-up", clearing(), AccountRef::wallet(ana, EUR), 100)],
    )
    .await
    .unwrap();
    let delete = sqlx::query("DELETE FROM ledger_accounts WHERE user_id = $1")
        .bind(ana)
        .execute(&db.pool)
        .await;
    assert!(delete.unwrap_err().to_string().contains("permanent"));
    let give = sqlx::query("UPDATE ledger_accounts SET user_id = $1 WHERE user_id = $2")
        .bind(bo)
        .bind(ana)
        .execute(&db.pool)
        .await;
    assert!(give.unwrap_err().to_string().contains("permanent"));
    assert_eq!(available(&db, AccountRef::wallet(ana, EUR)).await, 100);
}

#[tokio::test]
async fn a_request_retried_concurrently_moves_money_once() {
    let (_dir, db) = fresh_db().await;
    let (payer, shop) = payer_and_shop(&db).await;
    let hold = run(&db, &[held(new("slot", payer, escrow(), 1_000), None)])
        .await
        .unwrap()
        .remove(0);

    let db = Arc::new(db);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let paid = run(&db, &[new("order-7", payer, shop, 700)]).await.unwrap();
                let posted = post(&db, hold.id, Some(1_000)).await.unwrap();
                (paid[0].id, posted.posted_amount)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let (id, posted) = task.await.unwrap();
        assert_eq!(posted, Some(1_000));
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the first transfer");
    assert_eq!(available(&db, payer).await, 5_000 - 700 - 1_000);
    assert_eq!(available(&db, shop).await, 700);
    assert_eq!(available(&db, escrow()).await, 1_000);
    assert_sound(&db).await;
}

#[tokio::test]
async fn expired_holds_are_voided_by_the_worker() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    run(&db, &[new("top-up", clearing(), ana, 1_000)])
        .await
        .unwrap();
    let now = app::ssr::now();
    let soon = run(&db, &[held(new("soon", ana, escrow(), 300), Some(now - 1))])
        .await
        .unwrap()
        .remove(0);
    let later = run(
        &db,
        &[held(new("later", ana, escrow(), 200), Some(now + 3_600))],
    )
    .await
    .unwrap()
    .remove(0);
    assert_eq!(store::expire_holds(&db, now).await.unwrap(), 1);
    assert_eq!(store::expire_holds(&db, now).await.unwrap(), 0);
    assert_eq!(
        void(&db, soon.id).await.unwrap().state,
        TransferState::Voided
    );
    assert_eq!(
        post(&db, later.id, None).await.unwrap().state,
        TransferState::Posted
    );
    assert_eq!(available(&db, ana).await, 800);
    assert_sound(&db).await;
}

#[tokio::test]
async fn verify_names_what_was_tampered_with() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    for i in 0..5 {
        run(&db, &[new(&format!("t{i}"), clearing(), ana, 100)])
            .await
            .unwrap();
    }
    assert_sound(&db).await;
    let tamper = match db.backend {
        app::ssr::db::Backend::Sqlite => vec![
            "DROP TRIGGER ledger_journal_no_update",
            "UPDATE ledger_journal SET moved = 5000 WHERE seq = 3",
        ],
        app::ssr::db::Backend::Postgres => vec![
            "DROP TRIGGER ledger_journal_no_change ON ledger_journal",
            "UPDATE ledger_journal SET moved = 5000 WHERE seq = 3",
        ],
    };
    // The journal refuses edits while its trigger is in place.
    assert!(sqlx::query(tamper[1]).execute(&db.pool).await.is_err());
    for sql in tamper {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    sqlx::query("UPDATE ledger_accounts SET balance = balance + 1 WHERE kind = 'wallet'")
        .execute(&db.pool)
        .await
        .unwrap();
    let problems = store::verify(&db).await.unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p == "entry 3: its content does not match its hash (the entry was altered)"),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("wallet of user") && p.contains("stored balance 501")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("not zero")),
        "{problems:#?}"
    );
}

#[tokio::test]
async fn export_writes_every_entry() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    run(&db, &[new("t1", clearing(), ana, 100)]).await.unwrap();
    let hold = run(&db, &[held(new("t2, \"quoted\"", ana, escrow(), 40), None)])
        .await
        .unwrap()
        .remove(0);
    void(&db, hold.id).await.unwrap();
    let mut csv = Vec::new();
    assert_eq!(
        store::export(&db, ExportFormat::Csv, &mut csv)
            .await
            .unwrap(),
        3
    );
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains(",\"t2, \"\"quoted\"\"\",top_up,"), "{csv}");
    let mut lines = Vec::new();
    store::export(&db, ExportFormat::JsonLines, &mut lines)
        .await
        .unwrap();
    let last: serde_json::Value =
        serde_json::from_str(String::from_utf8(lines).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "voided");
    assert_eq!(last["hold_change"], -40);
}

mod random {
    //! Thousands of random transfers, posts and voids: afterwards the journal replays to the
    //! stored balances, nobody is below zero and the accounts sum to zero.
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        TopUp { to: usize, amount: i64 },
        Pay { from: usize, to: usize, amount: i64 },
        Hold { from: usize, amount: i64 },
        Post { hold: usize, percent: i64 },
        Void { hold: usize },
        Retry { earlier: usize },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..4usize, 1..5_000i64).prop_map(|(to, amount)| Op::TopUp { to, amount }),
            (0..4usize, 0..4usize, 1..3_000i64).prop_map(|(from, to, amount)| Op::Pay {
                from,
                to,
                amount
            }),
            (0..4usize, 1..3_000i64).prop_map(|(from, amount)| Op::Hold { from, amount }),
            (0..64usize, 0..=100i64).prop_map(|(hold, percent)| Op::Post { hold, percent }),
            (0..64usize).prop_map(|hold| Op::Void { hold }),
            (0..64usize).prop_map(|earlier| Op::Retry { earlier }),
        ]
    }

    async fn play(ops: Vec<Op>) {
        let (_dir, db) = fresh_db().await;
        let mut people = Vec::new();
        for i in 0..4 {
            people.push(AccountRef::wallet(user(&db, &format!("p{i}")).await, EUR));
        }
        let mut holds: Vec<i64> = Vec::new();
        let mut sent: Vec<NewTransfer> = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            let key = format!("op-{i}");
            let result = match op {
                Op::TopUp { to, amount } => run(&db, &[new(&key, clearing(), people[to], amount)])
                    .await
                    .map(|_| ()),
                Op::Pay { from, to, amount } if from != to => {
                    let t = new(&key, people[from], people[to], amount);
                    sent.push(t.clone());
                    run(&db, &[t]).await.map(|_| ())
                }
                Op::Pay { .. } => Ok(()),
                Op::Hold { from, amount } => {
                    let t = held(new(&key, people[from], escrow(), amount), None);
                    run(&db, &[t]).await.map(|t| holds.push(t[0].id))
                }
                Op::Post { hold, percent } if !holds.is_empty() => {
                    let id = holds[hold % holds.len()];
                    let full = sqlx::query_scalar::<_, i64>(
                        "SELECT amount FROM ledger_transfers WHERE id = $1",
                    )
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
                    post(&db, id, Some(full * percent / 100)).await.map(|_| ())
                }
                Op::Void { hold } if !holds.is_empty() => {
                    void(&db, holds[hold % holds.len()]).await.map(|_| ())
                }
                Op::Retry { earlier } if !sent.is_empty() => {
                    run(&db, &[sent[earlier % sent.len()].clone()])
                        .await
                        .map(|_| ())
                }
                _ => Ok(()),
            };
            match result {
                Ok(())
                | Err(LedgerError::InsufficientFunds { .. })
                | Err(LedgerError::NotPending { .. }) => {}
                Err(e) => panic!("op {i}: {e:?}"),
            }
        }
        for person in &people {
            assert!(available(&db, *person).await >= 0);
        }
        assert_sound(&db).await;
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4, max_shrink_iters: 20, ..ProptestConfig::default() })]
        #[test]
        fn random_movements_keep_the_ledger_sound(ops in proptest::collection::vec(op(), 800..1200)) {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(play(ops));
        }
    }
}

#[tokio::test]
async fn a_recorded_head_catches_a_journal_rewritten_and_chained_again() {
    let (_dir, db) = fresh_db().await;
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    for i in 0..3 {
        run(&db, &[new(&format!("a{i}"), clearing(), ana, 100)])
            .await
            .unwrap();
    }
    let head = store::verify(&db).await.unwrap().head;
    assert_eq!(head.seq, 3);
    let recorded: store::Anchor = head.to_string().parse().unwrap();
    assert!(store::verify_anchored(&db, Some(&recorded))
        .await
        .unwrap()
        .problems
        .is_empty());
    // Someone with the database's keys rewrites the journal whole, hashes chained again: the
    // chain alone is consistent, the recorded head is not in it any more.
    let forged = store::Anchor {
        seq: 2,
        hash: "ab".repeat(32),
    };
    let problems = store::verify_anchored(&db, Some(&forged))
        .await
        .unwrap()
        .problems;
    assert_eq!(
        problems,
        vec!["entry 2: its hash is not the one recorded (the journal was rewritten)".to_owned()]
    );
    let ahead = store::Anchor {
        seq: 9,
        hash: recorded.hash.clone(),
    };
    let problems = store::verify_anchored(&db, Some(&ahead))
        .await
        .unwrap()
        .problems;
    assert!(problems[0].contains("entry 9 was recorded"), "{problems:?}");
    for bad in ["3", "x:ab", "3:zz", &format!("3:{}", "a".repeat(63))] {
        assert!(bad.parse::<store::Anchor>().is_err(), "{bad}");
    }
}

#[tokio::test]
async fn the_ledger_commands_verify_and_export() {
    let app = crate::common::spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let ana = AccountRef::wallet(user(&db, "ana").await, EUR);
    run(&db, &[new("t1", clearing(), ana, 100)]).await.unwrap();
    run(&db, &[new("t2", clearing(), ana, 250)]).await.unwrap();
    let tremplin = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tremplin"))
            .args(args)
            .env("TREMPLIN_DATABASE_URL", &app.database_url)
            .env("TREMPLIN_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap()
    };
    let ok = tremplin(&["ledger", "verify"]);
    let stdout = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert!(ok.status.success(), "{stdout}");
    assert!(
        stdout.starts_with("2 journal entries, 2 transfers, 2 accounts"),
        "{stdout}"
    );
    let head = stdout
        .lines()
        .find_map(|l| l.strip_prefix("head: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let anchored = tremplin(&["ledger", "verify", "--anchor", &head]);
    assert!(anchored.status.success());
    let csv = tremplin(&["ledger", "export", "--format", "csv"]);
    assert_eq!(String::from_utf8_lossy(&csv.stdout).lines().count(), 3);

    sqlx::query("UPDATE ledger_accounts SET balance = 0 WHERE kind = 'wallet'")
        .execute(&db.pool)
        .await
        .unwrap();
    let bad = tremplin(&["ledger", "verify"]);
    let stdout = String::from_utf8_lossy(&bad.stdout).into_owned();
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("PROBLEM account")
            && stdout.contains("stored balance 0 held 0, the journal says balance 350"),
        "{stdout}"
    );
}
