//! Earnings and payouts over HTTP: the statement by source, payout requests and their bad
//! input, operators sending payouts through the test processor (paid, or failed and returned)
//! or settling them by hand, and concurrent requests. On SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::{spawn_app_with, TestApp};
use app::earnings::types::{PayoutForOperator, PayoutState, Source, Statement};
use app::error::{AppError, Problem};
use app::ledger::store as ledger;
use app::ledger::types::*;
use app::notifications::types::{Notice, Notification};
use app::ssr::Db;
use reqwest::{Client, StatusCode};
use server::payments::test_mode::FAILING_IBAN;

const SECRET: &str = "a webhook secret for tests";
const IBAN: &str = "DE89 3704 0044 0532 0130 00";
const EUR: Currency = Currency::Eur;

async fn app() -> TestApp {
    spawn_app_with(&[("TREMPLIN_PAYMENTS_WEBHOOK_SECRET", SECRET)]).await
}

/// A logged-in creator and their user id.
async fn creator(app: &TestApp, handle: &str) -> (Client, i64) {
    let client = app.client();
    app.sign_up(&client, "creator", handle).await;
    let id = app.me(&client).await.unwrap().id;
    (client, id)
}

/// An operator, granted as the CLI does.
async fn operator(app: &TestApp, db: &Db) -> Client {
    let client = app.client();
    app.sign_up(&client, "fan", "ops").await;
    app::accounts::store::set_operator(db, "ops@example.test", true)
        .await
        .unwrap();
    client
}

/// A fresh app with Ana, a creator who earned `minor` cents in gifts.
async fn ana_with(minor: i64) -> (TestApp, Db, Client) {
    let app = app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (ana, ana_id) = creator(&app, "ana").await;
    earn(&db, ana_id, "g1", minor, TransferKind::Gift).await;
    (app, db, ana)
}

/// Income for `user_id`: a fan's wallet is topped up, then pays the creator `kind`.
async fn earn(db: &Db, user_id: i64, key: &str, minor: i64, kind: TransferKind) {
    let fan = crate::common::user(db, &format!("payer-{key}")).await;
    let mut tx = db.begin_write().await.unwrap();
    let clearing = AccountRef::platform(AccountKind::ProcessorClearing, EUR);
    ledger::transfer(
        &mut tx,
        &[
            NewTransfer {
                key: format!("{key}:top-up"),
                debit: clearing,
                credit: AccountRef::wallet(fan, EUR),
                amount: Money::eur(minor),
                kind: TransferKind::TopUp,
                cause: format!("test:{key}"),
                hold: None,
            },
            NewTransfer {
                key: format!("{key}:pay"),
                debit: AccountRef::wallet(fan, EUR),
                credit: AccountRef::earnings(user_id, EUR),
                amount: Money::eur(minor),
                kind,
                cause: format!("test:{key}"),
                hold: None,
            },
        ],
        app::ssr::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn statement(app: &TestApp, client: &Client) -> Statement {
    app.call_ok(client, "statement", &[]).await
}

/// A payout form's one-time key, as the statement hands out.
fn form_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

async fn request(app: &TestApp, client: &Client, amount: &str, iban: &str) -> reqwest::Response {
    let key = form_key();
    app.call(
        client,
        "request_payout",
        &[
            ("amount", amount),
            ("iban", iban),
            ("holder", "Ana Lopez"),
            ("key", &key),
        ],
    )
    .await
}

/// Waits for the test processor's webhook to settle the payout.
async fn wait_for_state(app: &TestApp, client: &Client, want: PayoutState) -> Statement {
    for _ in 0..100 {
        let s = statement(app, client).await;
        if s.payouts[0].state == want {
            // Read again: the statement's queries are not one snapshot, so on PostgreSQL the
            // one that saw the new state may have read the balance just before its commit.
            return statement(app, client).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the payout never became {want:?}");
}

async fn assert_ledger_ok(db: &Db) {
    let report = ledger::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn the_statement_adds_income_by_source_within_the_period() {
    let app = app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (ana, ana_id) = creator(&app, "ana").await;
    earn(&db, ana_id, "g1", 500, TransferKind::Gift).await;
    earn(&db, ana_id, "g2", 250, TransferKind::Gift).await;
    earn(&db, ana_id, "d1", 1_000, TransferKind::Donation).await;
    earn(&db, ana_id, "s1", 3_000, TransferKind::StageSlot).await;
    // Another creator's income is not Ana's.
    let (_, bo_id) = creator(&app, "bob").await;
    earn(&db, bo_id, "b1", 9_900, TransferKind::Gift).await;

    let s = statement(&app, &ana).await;
    let of = |source| s.income.iter().find(|i| i.source == source).unwrap();
    assert_eq!(of(Source::Gifts).amount, Money::eur(750));
    assert_eq!(of(Source::Gifts).count, 2);
    assert_eq!(of(Source::Donations).amount, Money::eur(1_000));
    assert_eq!(of(Source::StageSlots).amount, Money::eur(3_000));
    assert_eq!(of(Source::Deals).count, 0, "every source is listed");
    assert_eq!(s.income.len(), Source::ALL.len());
    assert_eq!(s.total, Money::eur(4_750));
    assert_eq!(s.balance.available(), 4_750);
    assert_eq!(s.movements.len(), 4);
    assert_eq!(s.form.minimum, Money::eur(2_000));

    // A period that ends before today holds nothing; a reversed or made-up one is refused.
    let past: Statement = app
        .call_ok(
            &ana,
            "statement",
            &[("from", "2020-01-01"), ("to", "2020-12-31")],
        )
        .await;
    assert_eq!(past.total, Money::eur(0));
    assert!(past.movements.is_empty());
    assert_eq!(past.balance.available(), 4_750, "the balance is today's");
    let reversed = app
        .call_err(
            &ana,
            "statement",
            &[("from", "2026-02-01"), ("to", "2026-01-01")],
        )
        .await;
    assert_eq!(reversed, AppError::invalid("to", Problem::DatesReversed));
    let bad = app
        .call_err(&ana, "statement", &[("from", "2026-02-30")])
        .await;
    assert_eq!(bad, AppError::invalid("from", Problem::InvalidDate));

    // The wallet's history takes the same period filter.
    let wallet_err = app.call_err(&ana, "wallet", &[("to", "yesterday")]).await;
    assert_eq!(wallet_err, AppError::invalid("to", Problem::InvalidDate));

    let anonymous = app.call(&app.client(), "statement", &[]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_payout_requests_are_refused_and_move_nothing() {
    let (app, db, ana) = ana_with(5_000).await;

    let cases: [(&str, &str, AppError); 6] = [
        (
            "19.99",
            IBAN,
            AppError::invalid("amount", Problem::AmountTooSmall { min_minor: 2_000 }),
        ),
        (
            "50.01",
            IBAN,
            AppError::invalid("amount", Problem::AmountTooLarge { max_minor: 5_000 }),
        ),
        (
            "-30",
            IBAN,
            AppError::invalid("amount", Problem::InvalidAmount),
        ),
        (
            "thirty",
            IBAN,
            AppError::invalid("amount", Problem::InvalidAmount),
        ),
        (
            "30",
            "DE89 3704 0044 0532 0130 01",
            AppError::invalid("iban", Problem::InvalidIban),
        ),
        (
            "99999999999",
            IBAN,
            AppError::invalid(
                "amount",
                Problem::AmountTooLarge {
                    max_minor: 1_000_000_000,
                },
            ),
        ),
    ];
    for (amount, iban, want) in cases {
        let response = request(&app, &ana, amount, iban).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount} {iban}"
        );
        assert_eq!(
            response.json::<AppError>().await.unwrap(),
            want,
            "{amount} {iban}"
        );
    }
    let s = statement(&app, &ana).await;
    assert_eq!(s.balance.available(), 5_000);
    assert!(s.payouts.is_empty());
    assert_ledger_ok(&db).await;
}

#[tokio::test]
async fn a_sent_payout_is_paid_by_the_processor_webhook() {
    let (app, db, ana) = ana_with(5_000).await;

    let id: String = app
        .call_ok(
            &ana,
            "request_payout",
            &[
                ("amount", "30"),
                ("iban", IBAN),
                ("holder", "Ana Lopez"),
                ("key", &form_key()),
            ],
        )
        .await;
    let s = statement(&app, &ana).await;
    assert_eq!(s.balance.available(), 2_000);
    assert_eq!(s.in_flight, Money::eur(3_000));
    assert_eq!(s.payouts[0].state, PayoutState::Requested);
    assert_eq!(s.payouts[0].iban_hint, "DE89 •••• 3000");

    // Only operators see and send payouts.
    let forbidden = app.call(&ana, "send_payout", &[("id", &id)]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let forbidden = app.call(&ana, "operator_payouts", &[]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    let ops = operator(&app, &db).await;
    let waiting: Vec<PayoutForOperator> = app
        .call_ok(&ops, "operator_payouts", &[("state", "requested")])
        .await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].iban, "DE89370400440532013000");
    assert_eq!(waiting[0].handle, "ana");
    let _: () = app.call_ok(&ops, "send_payout", &[("id", &id)]).await;
    // Sending it twice is a conflict, not a second transfer; nor may it be settled by hand
    // while the processor holds it, which could pay it twice.
    let again = app.call_err(&ops, "send_payout", &[("id", &id)]).await;
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
    let by_hand = app
        .call_err(
            &ops,
            "settle_payout",
            &[("id", &id), ("outcome", "failed"), ("reason", "impatient")],
        )
        .await;
    assert!(matches!(by_hand, AppError::Conflict(_)), "{by_hand:?}");

    let s = wait_for_state(&app, &ana, PayoutState::Paid).await;
    assert_eq!(s.balance.available(), 2_000);
    assert_eq!(s.in_flight, Money::eur(0));
    let paid: Vec<PayoutForOperator> = app
        .call_ok(&ops, "operator_payouts", &[("state", "paid")])
        .await;
    assert!(paid[0].provider_ref.as_deref().unwrap().starts_with("tpo_"));
    // Settled means settled: marking it failed now changes nothing.
    let late = app
        .call_err(
            &ops,
            "settle_payout",
            &[("id", &id), ("outcome", "failed"), ("reason", "late")],
        )
        .await;
    assert!(matches!(late, AppError::Conflict(_)), "{late:?}");
    let in_flight = ledger::balance(&db, AccountRef::platform(AccountKind::PayoutsInFlight, EUR))
        .await
        .unwrap();
    assert_eq!(in_flight.posted, 0);
    assert_ledger_ok(&db).await;
}

#[tokio::test]
async fn a_failed_payout_gives_the_money_back() {
    let (app, db, ana) = ana_with(5_000).await;
    let id: String = app
        .call_ok(
            &ana,
            "request_payout",
            &[
                ("amount", "50"),
                ("iban", FAILING_IBAN),
                ("holder", "Ana Lopez"),
                ("key", &form_key()),
            ],
        )
        .await;
    assert_eq!(statement(&app, &ana).await.balance.available(), 0);
    let ops = operator(&app, &db).await;
    let _: () = app.call_ok(&ops, "send_payout", &[("id", &id)]).await;

    let s = wait_for_state(&app, &ana, PayoutState::Failed).await;
    assert_eq!(s.balance.available(), 5_000, "the money is back");
    assert_eq!(
        s.payouts[0].failure.as_deref(),
        Some("The bank account is closed.")
    );
    assert!(s
        .movements
        .iter()
        .any(|m| m.kind == TransferKind::PayoutReturned && m.amount == Money::eur(5_000)));
    assert_eq!(
        s.total,
        Money::eur(5_000),
        "a returned payout is not income"
    );
    assert_ledger_ok(&db).await;
}

#[tokio::test]
async fn operators_settle_payouts_by_hand() {
    let (app, db, ana) = ana_with(10_000).await;
    let ops = operator(&app, &db).await;
    let first: String = app
        .call_ok(
            &ana,
            "request_payout",
            &[
                ("amount", "40"),
                ("iban", IBAN),
                ("holder", "Ana"),
                ("key", &form_key()),
            ],
        )
        .await;
    let second: String = app
        .call_ok(
            &ana,
            "request_payout",
            &[
                ("amount", "60"),
                ("iban", IBAN),
                ("holder", "Ana"),
                ("key", &form_key()),
            ],
        )
        .await;

    let no_reason = app
        .call_err(
            &ops,
            "settle_payout",
            &[("id", &second), ("outcome", "failed")],
        )
        .await;
    assert_eq!(no_reason, AppError::invalid("reason", Problem::Required));
    let _: () = app
        .call_ok(
            &ops,
            "settle_payout",
            &[("id", &first), ("outcome", "paid")],
        )
        .await;
    let _: () = app
        .call_ok(
            &ops,
            "settle_payout",
            &[
                ("id", &second),
                ("outcome", "failed"),
                ("reason", "Wrong name on the account"),
            ],
        )
        .await;
    let unknown = app
        .call(
            &ops,
            "settle_payout",
            &[("id", "po_nope"), ("outcome", "paid")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let s = statement(&app, &ana).await;
    assert_eq!(s.balance.available(), 6_000);
    let states: Vec<PayoutState> = s.payouts.iter().map(|p| p.state).collect();
    assert_eq!(states, [PayoutState::Failed, PayoutState::Paid]);
    // Ana hears of both, newest first, the failure with its reason.
    let told: Vec<Notification> = app.call_ok(&ana, "notifications", &[]).await;
    let notices: Vec<Notice> = told.into_iter().map(|n| n.notice).collect();
    assert_eq!(
        notices,
        [
            Notice::PayoutFailed {
                amount: Money::eur(6_000),
                reason: "Wrong name on the account".into()
            },
            Notice::PayoutPaid {
                amount: Money::eur(4_000)
            },
        ]
    );
    // Paid by hand, from the platform's bank: the processor's account is not involved.
    let bank = ledger::balance(&db, AccountRef::platform(AccountKind::BankTransfers, EUR));
    assert_eq!(bank.await.unwrap().posted, 4_000);
    let in_flight = ledger::balance(&db, AccountRef::platform(AccountKind::PayoutsInFlight, EUR));
    assert_eq!(in_flight.await.unwrap().posted, 0);
    assert_ledger_ok(&db).await;
}

#[tokio::test]
async fn concurrent_payout_requests_never_pay_out_more_than_was_earned() {
    let (app, db, ana) = ana_with(50_000).await;
    // 40 requests of 30 € against 500 €: exactly 16 fit.
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let (app, ana) = (&app, ana.clone());
            async move { request(app, &ana, "30", IBAN).await.status() }
        })
        .collect();
    let statuses = futures::future::join_all(tasks).await;
    let ok = statuses.iter().filter(|s| s.is_success()).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((ok, refused), (16, 24), "{statuses:?}");
    let s = statement(&app, &ana).await;
    assert_eq!(s.balance.available(), 2_000);
    assert_eq!(s.payouts.len(), 16);

    // Two operators settle the same payout at once, one each way: one of them wins.
    let ops = operator(&app, &db).await;
    let id = s.payouts[0].id.clone();
    let as_paid = [("id", id.as_str()), ("outcome", "paid")];
    let as_failed = [
        ("id", id.as_str()),
        ("outcome", "failed"),
        ("reason", "bank said no"),
    ];
    let (paid, failed) = tokio::join!(
        app.call(&ops, "settle_payout", &as_paid),
        app.call(&ops, "settle_payout", &as_failed),
    );
    let wins = [paid.status(), failed.status()]
        .iter()
        .filter(|s| s.is_success())
        .count();
    assert_eq!(wins, 1, "{} {}", paid.status(), failed.status());
    assert_ledger_ok(&db).await;
}

#[tokio::test]
async fn a_payout_form_sent_many_times_at_once_asks_for_one_payout() {
    let (app, _db, ana) = ana_with(10_000).await;
    let key = form_key();
    let form = [
        ("amount", "30"),
        ("iban", IBAN),
        ("holder", "Ana Lopez"),
        ("key", key.as_str()),
    ];
    let tasks: Vec<_> = (0..10)
        .map(|_| app.call_ok::<String>(&ana, "request_payout", &form))
        .collect();
    let ids = futures::future::join_all(tasks).await;
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let s = statement(&app, &ana).await;
    assert_eq!(s.payouts.len(), 1);
    assert_eq!(s.balance.available(), 7_000);

    // The same form with another amount is a conflict, and moves nothing.
    let other = [
        ("amount", "40"),
        ("iban", IBAN),
        ("holder", "Ana Lopez"),
        ("key", key.as_str()),
    ];
    let again = app.call_err(&ana, "request_payout", &other).await;
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
    assert_eq!(statement(&app, &ana).await.balance.available(), 7_000);
    // A form without its key is refused.
    let keyless = app
        .call_err(
            &ana,
            "request_payout",
            &[
                ("amount", "30"),
                ("iban", IBAN),
                ("holder", "Ana Lopez"),
                ("key", "x"),
            ],
        )
        .await;
    assert_eq!(keyless, AppError::invalid("key", Problem::Malformed));
}

/// Security #15: money leaves only for an account whose owner proved the address is theirs.
#[tokio::test]
async fn no_payout_before_the_address_is_confirmed() {
    let app = app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let rita = app.client();
    app.sign_up_unconfirmed(&rita, "creator", "rita").await;
    let rita_id = app.me(&rita).await.unwrap().id;
    earn(&db, rita_id, "g1", 5_000, TransferKind::Gift).await;

    assert!(!statement(&app, &rita).await.form.email_confirmed);
    let page = app.page(&rita, "/earnings").await;
    assert!(
        page.contains(r#"data-testid="payout-needs-email""#),
        "said before typing"
    );
    let refused = request(&app, &rita, "20", IBAN).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: AppError = refused.json().await.unwrap();
    assert_eq!(err, AppError::invalid("email", Problem::EmailUnconfirmed));
    let s = statement(&app, &rita).await;
    assert!(s.payouts.is_empty(), "nothing was asked for");

    let token = app.mailed_token("rita@example.test", "/confirm/").await;
    let _: String = app
        .call_ok(&rita, "confirm_email", &[("token", &token)])
        .await;
    assert!(statement(&app, &rita).await.form.email_confirmed);
    let asked = request(&app, &rita, "20", IBAN).await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert_eq!(statement(&app, &rita).await.payouts.len(), 1);
    assert_ledger_ok(&db).await;
}
