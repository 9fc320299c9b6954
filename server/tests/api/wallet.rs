//! Topping up the wallet through the built-in test processor, end to end over HTTP: checkout
//! page, test cards, signed webhooks, balance and receipts. On SQLite and PostgreSQL.

use crate::common::{spawn_app_with, TestApp};
use app::error::{AppError, Problem};
use app::ledger::types::{Money, TransferKind};
use app::wallet::types::{PaymentState, Receipt, Wallet};
use reqwest::{Client, StatusCode};

const SECRET: &str = "a webhook secret for tests";

async fn app() -> TestApp {
    spawn_app_with(&[("TREMPLIN_PAYMENTS_WEBHOOK_SECRET", SECRET)]).await
}

/// Starts a top-up and returns the checkout page's path.
async fn start_top_up(app: &TestApp, client: &Client, amount: &str) -> String {
    let url: String = app.call_ok(client, "top_up", &[("amount", amount)]).await;
    url.strip_prefix(&app.url("")).unwrap().to_owned()
}

async fn wallet(app: &TestApp, client: &Client) -> Wallet {
    app.call_ok(client, "wallet", &[]).await
}

fn receipt_id(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_paid_checkout_whose_webhook_died_with_its_instance_is_redelivered() {
    use app::wallet::rules::FeeSchedule;
    use server::payments::test_mode::TestProcessor;
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "phoenix").await;
    let checkout = start_top_up(&app, &fan, "20").await;

    // An instance takes the card and dies before its webhook arrives: its endpoint does not
    // answer, and its process (here: its server task) is gone before any retry.
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    let secret = SECRET.as_bytes().to_vec();
    let dying = TestProcessor::new(
        db.clone(),
        "http://127.0.0.1:9".into(),
        secret.clone(),
        FeeSchedule::DEFAULT,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, dying.routes::<()>()).await });
    let paid = app
        .client()
        .post(format!("http://{addr}{checkout}"))
        .form(&[
            ("number", "4242424242424242"),
            ("expiry", "12/34"),
            ("cvc", "123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    server.abort();
    assert_eq!(wallet(&app, &fan).await.balance.available(), 0);

    // A fresh instance on the same database delivers it (or the app's own redelivery worker
    // already did: either way, the payment arrives once).
    let fresh = TestProcessor::new(db.clone(), app.url(""), secret, FeeSchedule::DEFAULT);
    let later = app::ssr::now() + 3_600;
    let mut credited = 0;
    for _ in 0..50 {
        fresh.redeliver_due(later).await.unwrap();
        credited = wallet(&app, &fan).await.balance.available();
        if credited != 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(credited, 2_000 - 55);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM test_webhook_deliveries")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "an acknowledged webhook is forgotten");
    assert_eq!(fresh.redeliver_due(later).await.unwrap(), 0);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 2_000 - 55);
}

#[tokio::test]
async fn a_card_top_up_reaches_the_wallet_less_the_processor_fee() {
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "tess").await;

    let checkout = start_top_up(&app, &fan, "20").await;
    assert!(
        checkout.starts_with("/test-processor/checkout/tco_"),
        "{checkout}"
    );
    let html = app.page(&fan, &checkout).await;
    assert!(
        html.contains("€20.00") && html.contains("Test mode"),
        "{html}"
    );

    let paid = app.pay(&fan, &checkout, "4242 4242 4242 4242").await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let id = receipt_id(&paid);

    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), 2_000 - 55);
    assert_eq!(w.history.len(), 1);
    assert_eq!(w.history[0].kind, TransferKind::TopUp);
    assert_eq!(w.history[0].amount, Money::eur(1_945));
    assert_eq!(w.history[0].cause, format!("payment:{id}"));

    let receipt: Receipt = app.call_ok(&fan, "receipt", &[("id", &id)]).await;
    assert_eq!(receipt.state, PaymentState::Succeeded);
    assert_eq!(receipt.gross, Money::eur(2_000));
    assert_eq!(receipt.processor_fee, Some(Money::eur(55)));
    assert_eq!(receipt.platform_fee, Money::eur(0));
    assert_eq!(receipt.received, Some(Money::eur(1_945)));

    // Paying the same checkout again changes nothing.
    app.pay(&fan, &checkout, "4242 4242 4242 4242").await;
    assert_eq!(wallet(&app, &fan).await.balance.available(), 1_945);

    // Someone else cannot read the receipt.
    let other = app.client();
    app.sign_up(&other, "fan", "ugo").await;
    assert_eq!(
        app.call_err(&other, "receipt", &[("id", &id)]).await,
        AppError::NotFound
    );

    // The receipt page, rendered on the server, shows the same figures.
    let html = app.page(&fan, &format!("/wallet/receipts/{id}")).await;
    for figure in ["€20.00", "€0.55", "€0.00", "€19.45"] {
        assert!(
            html.contains(figure),
            "{figure} missing from the receipt page"
        );
    }
}

#[tokio::test]
async fn the_test_processor_refunds_a_paid_checkout_up_to_its_amount_once_per_reference() {
    use app::ssr::payments::{PaymentError, PaymentProvider, RefundRequest};
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "rhea").await;
    let checkout = start_top_up(&app, &fan, "20").await;
    let provider_ref = checkout.rsplit('/').next().unwrap().to_owned();
    // The processor as the server built it: its state is in the database.
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    let processor = server::payments::test_mode::TestProcessor::new(
        db,
        app.url(""),
        SECRET.as_bytes().to_vec(),
        app::wallet::rules::FeeSchedule::DEFAULT,
    );
    let refund = |reference: &str, minor: i64| RefundRequest {
        reference: reference.into(),
        provider_ref: provider_ref.clone(),
        amount: Money::eur(minor),
    };
    // Nothing to refund before the card paid.
    assert!(matches!(
        processor.refund(refund("rf_early", 500)).await,
        Err(PaymentError::Refused(_))
    ));
    app.pay(&fan, &checkout, "4242 4242 4242 4242").await;

    let first = processor.refund(refund("rf_1", 1_500)).await.unwrap();
    assert!(first.starts_with("tre_"), "{first}");
    assert_eq!(
        processor.refund(refund("rf_1", 1_500)).await.unwrap(),
        first,
        "asked again, the same refund"
    );
    assert!(
        matches!(
            processor.refund(refund("rf_2", 501)).await,
            Err(PaymentError::Refused(_))
        ),
        "only 5 € are left to refund"
    );
    assert!(processor.refund(refund("rf_3", 500)).await.is_ok());
}

#[tokio::test]
async fn without_javascript_the_top_up_form_redirects_to_the_checkout() {
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "zora").await;
    let response = fan
        .post(app.url("/api/top_up"))
        .header("accept", "text/html")
        .header("referer", app.url("/wallet"))
        .form(&[("amount", "20")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("/test-processor/checkout/tco_"),
        "{location}"
    );
}

#[tokio::test]
async fn a_declined_card_moves_nothing_and_says_so() {
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "vera").await;
    let checkout = start_top_up(&app, &fan, "50").await;
    let declined = app.pay(&fan, &checkout, "4000 0000 0000 0002").await;
    assert_eq!(declined.status(), StatusCode::PAYMENT_REQUIRED);
    assert!(declined
        .text()
        .await
        .unwrap()
        .contains("Your card was declined"));
    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), 0);
    assert!(w.history.is_empty());
    assert_eq!(w.failed.len(), 1);
    assert_eq!(w.failed[0].state, PaymentState::Failed);
    assert_eq!(
        w.failed[0].failure.as_deref(),
        Some("Your card was declined.")
    );

    // An unknown card or a missing CVC is refused on the checkout page, and nothing happens.
    let checkout = start_top_up(&app, &fan, "10").await;
    assert_eq!(
        app.pay(&fan, &checkout, "1234 5678 9012 3456")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let no_cvc = fan
        .post(app.url(&checkout))
        .form(&[
            ("number", "4242424242424242"),
            ("expiry", "12/34"),
            ("cvc", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_cvc.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 0);
}

#[tokio::test]
async fn a_card_needing_the_banks_confirmation_pays_once_confirmed() {
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "wren").await;
    let checkout = start_top_up(&app, &fan, "10").await;
    let asked = app.pay(&fan, &checkout, "4000 0025 0000 3155").await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let page = app.page(&fan, &checkout).await;
    assert!(page.contains("Confirm this payment"), "{page}");
    assert_eq!(
        wallet(&app, &fan).await.balance.available(),
        0,
        "not before confirming"
    );
    let confirmed = fan
        .post(app.url(&format!("{checkout}/confirm")))
        .form(&[("outcome", "complete")])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 1_000 - 40);
}

#[tokio::test]
async fn bad_top_up_amounts_are_refused_next_to_the_field() {
    let app = app().await;
    let fan = app.client();
    assert_eq!(
        app.call_err(&fan, "top_up", &[("amount", "20")]).await,
        AppError::Unauthenticated
    );
    app.sign_up(&fan, "fan", "xia").await;
    for (amount, problem) in [
        ("", Problem::InvalidAmount),
        ("abc", Problem::InvalidAmount),
        ("-5", Problem::InvalidAmount),
        ("0", Problem::AmountTooSmall { min_minor: 500 }),
        ("4,99", Problem::AmountTooSmall { min_minor: 500 }),
        ("1000.01", Problem::AmountTooLarge { max_minor: 100_000 }),
        (
            "99999999999999999999",
            Problem::AmountTooLarge { max_minor: 100_000 },
        ),
    ] {
        assert_eq!(
            app.call_err(&fan, "top_up", &[("amount", amount)]).await,
            AppError::invalid("amount", problem),
            "{amount:?}"
        );
    }
}

/// Sends a webhook as the processor would, signed with `secret`.
async fn webhook(app: &TestApp, secret: &str, body: &str) -> StatusCode {
    let signature = app::ssr::payments::sign(secret.as_bytes(), app::ssr::now(), body.as_bytes());
    app.client()
        .post(app.url("/webhooks/payments"))
        .header("tremplin-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn webhooks_need_a_valid_signature_and_count_once() {
    let app = app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "yael").await;
    let checkout = start_top_up(&app, &fan, "30").await;
    let reference = checkout.rsplit('/').next().unwrap();
    let event = format!(
        r#"{{"id":"evt_forged","type":"payment.succeeded","checkout":"{reference}","fee":0}}"#
    );
    assert_eq!(
        webhook(&app, "not the secret", &event).await,
        StatusCode::BAD_REQUEST
    );
    let unsigned = app
        .client()
        .post(app.url("/webhooks/payments"))
        .body(event.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::BAD_REQUEST);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 0);

    // The same event delivered many times at once credits the wallet once.
    let deliveries: Vec<_> = (0..20)
        .map(|_| {
            let (app, event) = (&app, event.clone());
            async move { webhook(app, SECRET, &event).await }
        })
        .collect();
    for status in futures::future::join_all(deliveries).await {
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(wallet(&app, &fan).await.balance.available(), 3_000);
    let report =
        app::ledger::store::verify(&app::ssr::Db::connect(&app.database_url).await.unwrap())
            .await
            .unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
}
