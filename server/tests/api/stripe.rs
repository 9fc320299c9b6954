//! Stripe as the payment processor, end to end over HTTP: the app runs with
//! `TREMPLIN_PAYMENTS=stripe` against a local stand-in for Stripe's API (nothing reaches the
//! real Stripe), and receives Stripe's events as signed fixtures (`fixtures/stripe/`).
//! On SQLite and PostgreSQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::{spawn_app_with, TestApp};
use app::error::AppError;
use app::ledger::types::Money;
use app::ssr::payments::{
    sign, CheckoutRequest, PaymentError, PaymentProvider, PayoutRequest, RefundRequest,
    WebhookEvent,
};
use app::wallet::types::{PaymentState, Receipt, Wallet};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use server::payments::stripe::{StripeProvider, SIGNATURE_HEADER};

const SECRET_KEY: &str = "sk_test_51TremplinStandInKey";
const WEBHOOK_SECRET: &str = "whsec_tremplin_stand_in";

/// The fee the stand-in's account pays: 2.5% + €0.25, not the test processor's 1.5% + €0.25,
/// so the amount credited shows whose fee was taken.
fn stand_in_fee(amount: i64) -> i64 {
    (amount * 25 + 500) / 1_000 + 25
}

/// One request Tremplin made to the stand-in.
#[derive(Debug, Clone)]
struct Call {
    method: &'static str,
    path: String,
    idempotency_key: Option<String>,
    /// The form body, or the query of a GET.
    fields: Vec<(String, String)>,
}

impl Call {
    fn field(&self, name: &str) -> Option<&str> {
        field(&self.fields, name)
    }
}

/// The value of a form or query field.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A Checkout Session the stand-in opened.
#[derive(Debug, Clone)]
struct Session {
    id: String,
    /// Tremplin's payment id, as sent in `client_reference_id`.
    reference: String,
    payment_intent: String,
    amount: i64,
}

#[derive(Default)]
struct Account {
    calls: Vec<Call>,
    sessions: Vec<Session>,
    refunds: Vec<Value>,
    /// What each idempotency key was first answered, as Stripe replays it.
    replays: HashMap<String, Value>,
    refuse_sessions: bool,
    fail_payment_intents: bool,
}

type Shared = Arc<Mutex<Account>>;

/// A local stand-in for the parts of Stripe's API that Tremplin calls, answering with the
/// shape of Stripe's JSON. The payer's own visit to Stripe's checkout page is not played:
/// a session fetched after its creation is paid.
struct StandIn {
    url: String,
    account: Shared,
}

impl StandIn {
    async fn start() -> Self {
        let account = Shared::default();
        let router = Router::new()
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/checkout/sessions/{id}", get(get_session))
            .route("/v1/payment_intents/{id}", get(get_payment_intent))
            .route("/v1/refunds", get(list_refunds).post(create_refund))
            .with_state(account.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, account }
    }

    fn config(&self, secret_key: &str) -> server::config::Stripe {
        server::config::Stripe {
            secret_key: secret_key.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            api_base: self.url.clone(),
            fee: app::wallet::rules::FeeSchedule::DEFAULT,
        }
    }

    fn calls(&self, method: &str, path: &str) -> Vec<Call> {
        let account = self.account.lock().unwrap();
        account
            .calls
            .iter()
            .filter(|c| c.method == method && c.path == path)
            .cloned()
            .collect()
    }

    fn last_session(&self) -> Session {
        self.account
            .lock()
            .unwrap()
            .sessions
            .last()
            .cloned()
            .unwrap()
    }

    fn refunds(&self) -> Vec<Value> {
        self.account.lock().unwrap().refunds.clone()
    }

    fn set(&self, change: impl FnOnce(&mut Account)) {
        change(&mut self.account.lock().unwrap());
    }
}

fn stripe_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let error = json!({ "error": { "type": kind, "message": message } });
    (status, Json(error)).into_response()
}

/// Records the call and checks its key as Stripe does; returns the answer to send instead if
/// the key is wrong.
fn record(
    account: &mut Account,
    method: &'static str,
    path: String,
    headers: &HeaderMap,
    fields: &[(String, String)],
) -> Option<Response> {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    account.calls.push(Call {
        method,
        path,
        idempotency_key: header("idempotency-key"),
        fields: fields.to_vec(),
    });
    if header("authorization") != Some(format!("Bearer {SECRET_KEY}")) {
        return Some(stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided: sk_test_****",
        ));
    }
    None
}

/// The answer already given under this request's idempotency key, if any.
fn replay(account: &Account, headers: &HeaderMap) -> Option<Response> {
    let key = headers.get("idempotency-key")?.to_str().unwrap();
    let first = account.replays.get(key)?;
    Some(Json(first.clone()).into_response())
}

fn remember(account: &mut Account, headers: &HeaderMap, answer: &Value) {
    if let Some(key) = headers.get("idempotency-key") {
        let key = key.to_str().unwrap().to_owned();
        account.replays.insert(key, answer.clone());
    }
}

fn session_json(session: &Session, paid: bool) -> Value {
    json!({
        "id": session.id,
        "object": "checkout.session",
        "amount_subtotal": session.amount,
        "amount_total": session.amount,
        "client_reference_id": session.reference,
        "currency": "eur",
        "livemode": false,
        "metadata": { "reference": session.reference },
        "mode": "payment",
        "payment_intent": if paid { json!(session.payment_intent) } else { Value::Null },
        "payment_method_types": ["card"],
        "payment_status": if paid { "paid" } else { "unpaid" },
        "status": if paid { "complete" } else { "open" },
        "url": if paid {
            Value::Null
        } else {
            json!(format!("https://checkout.stripe.com/c/pay/{}", session.id))
        },
    })
}

async fn create_session(
    State(account): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let mut account = account.lock().unwrap();
    let path = "/v1/checkout/sessions".to_owned();
    if let Some(refused) = record(&mut account, "POST", path, &headers, &fields) {
        return refused;
    }
    if account.refuse_sessions {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Your account cannot currently make live charges.",
        );
    }
    if let Some(first) = replay(&account, &headers) {
        return first;
    }
    let n = account.sessions.len() + 1;
    let session = Session {
        id: format!("cs_test_a1StandIn{n:04}"),
        reference: field(&fields, "client_reference_id").unwrap().to_owned(),
        payment_intent: format!("pi_3StandIn{n:04}"),
        amount: field(&fields, "line_items[0][price_data][unit_amount]")
            .unwrap()
            .parse()
            .unwrap(),
    };
    let answer = session_json(&session, false);
    account.sessions.push(session);
    remember(&mut account, &headers, &answer);
    Json(answer).into_response()
}

async fn get_session(
    State(account): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut account = account.lock().unwrap();
    let path = format!("/v1/checkout/sessions/{id}");
    if let Some(refused) = record(&mut account, "GET", path, &headers, &[]) {
        return refused;
    }
    match account.sessions.iter().find(|s| s.id == id) {
        Some(session) => Json(session_json(session, true)).into_response(),
        None => stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such checkout.session: '{id}'"),
        ),
    }
}

async fn get_payment_intent(
    State(account): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let mut account = account.lock().unwrap();
    let path = format!("/v1/payment_intents/{id}");
    let expanded = field(&query, "expand[]") == Some("latest_charge.balance_transaction");
    if let Some(refused) = record(&mut account, "GET", path, &headers, &query) {
        return refused;
    }
    if account.fail_payment_intents {
        return stripe_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "An unknown error occurred",
        );
    }
    let Some(session) = account.sessions.iter().find(|s| s.payment_intent == id) else {
        return stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such payment_intent: '{id}'"),
        );
    };
    let fee = stand_in_fee(session.amount);
    let charge = if expanded {
        json!({
            "id": format!("ch_{}", &id[3..]),
            "object": "charge",
            "amount": session.amount,
            "balance_transaction": {
                "id": format!("txn_{}", &id[3..]),
                "object": "balance_transaction",
                "amount": session.amount,
                "currency": "eur",
                "fee": fee,
                "fee_details": [{
                    "amount": fee, "currency": "eur", "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }],
                "net": session.amount - fee,
                "reporting_category": "charge",
                "status": "pending",
                "type": "charge",
            },
            "currency": "eur",
            "paid": true,
            "status": "succeeded",
        })
    } else {
        json!(format!("ch_{}", &id[3..]))
    };
    Json(json!({
        "id": id,
        "object": "payment_intent",
        "amount": session.amount,
        "amount_received": session.amount,
        "currency": "eur",
        "latest_charge": charge,
        "metadata": { "reference": session.reference },
        "status": "succeeded",
    }))
    .into_response()
}

async fn list_refunds(
    State(account): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let mut account = account.lock().unwrap();
    let intent = field(&query, "payment_intent").map(str::to_owned);
    let path = "/v1/refunds".to_owned();
    if let Some(refused) = record(&mut account, "GET", path, &headers, &query) {
        return refused;
    }
    let data: Vec<Value> = account
        .refunds
        .iter()
        .filter(|r| intent.is_none() || r["payment_intent"].as_str() == intent.as_deref())
        .cloned()
        .collect();
    Json(json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/refunds" }))
        .into_response()
}

async fn create_refund(
    State(account): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let mut account = account.lock().unwrap();
    let (intent, amount, reference) = (
        field(&fields, "payment_intent").unwrap().to_owned(),
        field(&fields, "amount").unwrap().parse::<i64>().unwrap(),
        field(&fields, "metadata[reference]").map(str::to_owned),
    );
    let path = "/v1/refunds".to_owned();
    if let Some(refused) = record(&mut account, "POST", path, &headers, &fields) {
        return refused;
    }
    if let Some(first) = replay(&account, &headers) {
        return first;
    }
    let Some(paid) = account
        .sessions
        .iter()
        .find(|s| s.payment_intent == intent)
        .map(|s| s.amount)
    else {
        return stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such payment_intent: '{intent}'"),
        );
    };
    let refunded: i64 = account
        .refunds
        .iter()
        .filter(|r| r["payment_intent"] == intent.as_str())
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    if amount > paid - refunded {
        let euros = |cents: i64| format!("€{}.{:02}", cents / 100, cents % 100);
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                euros(amount),
                euros(paid - refunded)
            ),
        );
    }
    let refund = json!({
        "id": format!("re_3StandIn{:04}", account.refunds.len() + 1),
        "object": "refund",
        "amount": amount,
        "currency": "eur",
        "metadata": reference.map_or(json!({}), |r| json!({ "reference": r })),
        "payment_intent": intent,
        "reason": null,
        "status": "succeeded",
    });
    account.refunds.push(refund.clone());
    remember(&mut account, &headers, &refund);
    Json(refund).into_response()
}

async fn app(stripe: &StandIn) -> TestApp {
    spawn_app_with(&[
        ("TREMPLIN_PAYMENTS", "stripe"),
        ("TREMPLIN_STRIPE_SECRET_KEY", SECRET_KEY),
        ("TREMPLIN_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("TREMPLIN_STRIPE_API_BASE", &stripe.url),
    ])
    .await
}

/// A Stripe event from `fixtures/stripe/`, as it is.
fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/stripe/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

/// A Stripe event from `fixtures/stripe/`, about `session`.
fn fixture(name: &str, session: &Session) -> String {
    let mut event: Value = serde_json::from_str(&fixture_text(name)).unwrap();
    let object = &mut event["data"]["object"];
    object["id"] = json!(session.id);
    object["client_reference_id"] = json!(session.reference);
    object["metadata"]["reference"] = json!(session.reference);
    if object["payment_intent"].is_string() {
        object["payment_intent"] = json!(session.payment_intent);
    }
    event.to_string()
}

fn signed_at(t: i64, body: &str) -> String {
    sign(WEBHOOK_SECRET.as_bytes(), t, body.as_bytes())
}

fn signed(body: &str) -> String {
    signed_at(app::ssr::now(), body)
}

/// Delivers an event to the webhook endpoint as Stripe does, with this signature header.
async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> StatusCode {
    let mut request = app
        .client()
        .post(app.url("/webhooks/payments"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("Stripe-Signature", signature);
    }
    request.send().await.unwrap().status()
}

/// Delivers an event signed now, as Stripe does.
async fn deliver_signed(app: &TestApp, body: &str) -> StatusCode {
    deliver(app, body, Some(signed(body))).await
}

async fn receipt_of(app: &TestApp, client: &reqwest::Client, id: &str) -> Receipt {
    app.call_ok(client, "receipt", &[("id", id)]).await
}

async fn wallet(app: &TestApp, client: &reqwest::Client) -> Wallet {
    app.call_ok(client, "wallet", &[]).await
}

/// The stand-in, the app using it, and a fan whose €20 top-up opened a Checkout Session.
async fn top_up_started(handle: &str) -> (StandIn, TestApp, reqwest::Client, Session) {
    let stripe = StandIn::start().await;
    let app = app(&stripe).await;
    let fan = app.client();
    app.sign_up(&fan, "fan", handle).await;
    let url: String = app.call_ok(&fan, "top_up", &[("amount", "20")]).await;
    let session = stripe.last_session();
    assert_eq!(
        url,
        format!("https://checkout.stripe.com/c/pay/{}", session.id)
    );
    (stripe, app, fan, session)
}

/// What a €20 top-up leaves in the wallet once Stripe has taken its fee.
const CREDITED: i64 = 2_000 - 75;

#[tokio::test]
async fn a_top_up_opens_a_stripe_checkout_and_is_credited_once_less_stripes_fee() {
    let (stripe, app, fan, session) = top_up_started("tess").await;

    let created = stripe.calls("POST", "/v1/checkout/sessions");
    assert_eq!(created.len(), 1);
    let call = &created[0];
    let reference = session.reference.as_str();
    assert!(reference.starts_with("pay_"), "{reference}");
    assert_eq!(call.field("mode"), Some("payment"));
    assert_eq!(
        call.field("line_items[0][price_data][currency]"),
        Some("eur")
    );
    assert_eq!(
        call.field("line_items[0][price_data][unit_amount]"),
        Some("2000")
    );
    assert_eq!(call.field("line_items[0][quantity]"), Some("1"));
    assert_eq!(
        call.field("line_items[0][price_data][product_data][name]"),
        Some("Tremplin wallet top-up for @tess")
    );
    assert_eq!(call.field("client_reference_id"), Some(reference));
    assert_eq!(call.field("metadata[reference]"), Some(reference));
    let receipt_url = app.url(&format!("/wallet/receipts/{reference}"));
    assert_eq!(call.field("success_url"), Some(receipt_url.as_str()));
    assert_eq!(call.field("cancel_url"), Some(receipt_url.as_str()));
    assert_eq!(
        call.idempotency_key.as_deref(),
        Some(format!("checkout-{reference}").as_str())
    );
    assert_eq!(
        wallet(&app, &fan).await.balance.available(),
        0,
        "not before Stripe says so"
    );

    let event = fixture("checkout.session.completed.json", &session);
    assert_eq!(deliver_signed(&app, &event).await, StatusCode::OK);
    let fee = stand_in_fee(2_000);
    assert_eq!(2_000 - fee, CREDITED);
    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), CREDITED);
    assert_eq!(w.history.len(), 1);
    assert_eq!(w.history[0].cause, format!("payment:{reference}"));
    let receipt = receipt_of(&app, &fan, reference).await;
    assert_eq!(receipt.state, PaymentState::Succeeded);
    assert_eq!(receipt.processor_fee, Some(Money::eur(fee)));
    assert_eq!(receipt.received, Some(Money::eur(CREDITED)));
    // The fee was read from the charge's balance transaction, expanded in one request.
    let lookups = stripe.calls(
        "GET",
        &format!("/v1/payment_intents/{}", session.payment_intent),
    );
    assert_eq!(
        lookups[0].field("expand[]"),
        Some("latest_charge.balance_transaction")
    );

    // Stripe delivers at least once: the same event again, even freshly signed, moves nothing.
    assert_eq!(deliver_signed(&app, &event).await, StatusCode::OK);
    let again = wallet(&app, &fan).await;
    assert_eq!(again.balance.available(), CREDITED);
    assert_eq!(again.history.len(), 1);
}

#[tokio::test]
async fn a_delayed_payment_is_credited_when_stripe_confirms_it() {
    let (_stripe, app, fan, session) = top_up_started("sepa").await;

    // A SEPA debit completes the checkout unpaid: nothing yet.
    let completed = fixture("checkout.session.completed.sepa_debit.json", &session);
    assert_eq!(deliver_signed(&app, &completed).await, StatusCode::OK);
    let receipt = receipt_of(&app, &fan, &session.reference).await;
    assert_eq!(receipt.state, PaymentState::Created);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 0);

    let paid = fixture("checkout.session.async_payment_succeeded.json", &session);
    assert_eq!(deliver_signed(&app, &paid).await, StatusCode::OK);
    assert_eq!(wallet(&app, &fan).await.balance.available(), CREDITED);
}

#[tokio::test]
async fn unsigned_forged_stale_or_malformed_events_are_refused_and_move_nothing() {
    let (stripe, app, fan, session) = top_up_started("ugo").await;
    let event = fixture("checkout.session.completed.json", &session);

    let forged = sign(b"whsec_not_the_secret", app::ssr::now(), event.as_bytes());
    assert_eq!(
        deliver(&app, &event, Some(forged)).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(deliver(&app, &event, None).await, StatusCode::BAD_REQUEST);
    // Signed more than 5 minutes ago: perhaps a replay.
    let stale = signed_at(app::ssr::now() - 301, &event);
    assert_eq!(
        deliver(&app, &event, Some(stale)).await,
        StatusCode::BAD_REQUEST
    );
    // Signed over another body.
    let other = fixture("checkout.session.expired.json", &session);
    assert_eq!(
        deliver(&app, &event, Some(signed(&other))).await,
        StatusCode::BAD_REQUEST
    );
    let malformed = r#"{"id": "evt_1", "type": "checkout.session.completed""#;
    assert_eq!(
        deliver_signed(&app, malformed).await,
        StatusCode::BAD_REQUEST
    );
    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), 0);
    assert!(w.history.is_empty());
    assert!(
        stripe
            .calls(
                "GET",
                &format!("/v1/payment_intents/{}", session.payment_intent)
            )
            .is_empty(),
        "nothing is asked of Stripe for an event that is not Stripe's"
    );

    // The refused event, properly signed, still counts: nothing was recorded of it before.
    assert_eq!(deliver_signed(&app, &event).await, StatusCode::OK);
    assert_eq!(wallet(&app, &fan).await.balance.available(), CREDITED);
}

#[tokio::test]
async fn expired_and_failed_checkouts_mark_the_payment_failed_and_other_events_are_ignored() {
    let (stripe, app, fan, expiring) = top_up_started("vera").await;

    // An event Tremplin does not act on is acknowledged, so Stripe stops sending it.
    let other = fixture("payment_intent.succeeded.json", &expiring);
    assert_eq!(deliver_signed(&app, &other).await, StatusCode::OK);
    let receipt = receipt_of(&app, &fan, &expiring.reference).await;
    assert_eq!(receipt.state, PaymentState::Created);

    let expired = fixture("checkout.session.expired.json", &expiring);
    assert_eq!(deliver_signed(&app, &expired).await, StatusCode::OK);
    let receipt = receipt_of(&app, &fan, &expiring.reference).await;
    assert_eq!(receipt.state, PaymentState::Failed);
    assert_eq!(
        receipt.failure.as_deref(),
        Some("The payment was not completed in time.")
    );

    let _: String = app.call_ok(&fan, "top_up", &[("amount", "20")]).await;
    let declined = stripe.last_session();
    let failed = fixture("checkout.session.async_payment_failed.json", &declined);
    assert_eq!(deliver_signed(&app, &failed).await, StatusCode::OK);
    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), 0);
    assert!(w.history.is_empty());
    assert_eq!(w.failed.len(), 2);
    let receipt = receipt_of(&app, &fan, &declined.reference).await;
    assert_eq!(
        receipt.failure.as_deref(),
        Some("Your bank did not confirm the payment.")
    );
}

#[tokio::test]
async fn when_stripe_cannot_tell_its_fee_the_event_is_retried_later() {
    let (stripe, app, fan, session) = top_up_started("wren").await;
    let event = fixture("checkout.session.completed.json", &session);

    stripe.set(|a| a.fail_payment_intents = true);
    // An error status makes Stripe deliver the event again later.
    assert_eq!(deliver_signed(&app, &event).await, StatusCode::BAD_GATEWAY);
    assert_eq!(wallet(&app, &fan).await.balance.available(), 0);

    stripe.set(|a| a.fail_payment_intents = false);
    assert_eq!(deliver_signed(&app, &event).await, StatusCode::OK);
    assert_eq!(wallet(&app, &fan).await.balance.available(), CREDITED);
}

#[tokio::test]
async fn a_checkout_stripe_refuses_fails_the_top_up_with_a_fixed_reason_and_moves_nothing() {
    let stripe = StandIn::start().await;
    stripe.set(|a| a.refuse_sessions = true);
    let app = app(&stripe).await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "xia").await;
    // Stripe's text is about the platform's account, not for the fan: it is logged only.
    assert_eq!(
        app.call_err(&fan, "top_up", &[("amount", "20")]).await,
        AppError::Payment(app::ssr::payments::USER_REFUSED.into())
    );
    let w = wallet(&app, &fan).await;
    assert_eq!(w.balance.available(), 0);
    assert!(w.history.is_empty());
    // The payment is recorded as failed, for the wallet page to say so, with the same reason.
    assert_eq!(w.failed.len(), 1);
    assert_eq!(
        w.failed[0].failure.as_deref(),
        Some(app::ssr::payments::USER_REFUSED)
    );
}

#[tokio::test]
async fn refunds_go_to_the_payment_once_per_reference() {
    let stripe = StandIn::start().await;
    let provider = StripeProvider::new(&stripe.config(SECRET_KEY)).unwrap();
    let checkout = provider
        .checkout(CheckoutRequest {
            reference: "pay_refund_test".into(),
            amount: Money::eur(2_000),
            description: "Tremplin wallet top-up for @yael".into(),
            success_url: "https://tremplin.example/wallet".into(),
            cancel_url: "https://tremplin.example/wallet".into(),
        })
        .await
        .unwrap();
    let session = stripe.last_session();
    assert_eq!(checkout.provider_ref, session.id);
    let refund = |reference: &str, minor: i64| RefundRequest {
        reference: reference.into(),
        provider_ref: checkout.provider_ref.clone(),
        amount: Money::eur(minor),
    };

    let id = provider.refund(refund("rf_first", 500)).await.unwrap();
    assert!(id.starts_with("re_"), "{id}");
    let created = stripe.calls("POST", "/v1/refunds");
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].field("payment_intent"),
        Some(session.payment_intent.as_str())
    );
    assert_eq!(created[0].field("amount"), Some("500"));
    assert_eq!(created[0].field("metadata[reference]"), Some("rf_first"));
    assert_eq!(created[0].idempotency_key.as_deref(), Some("rf_first"));

    // Asked again, at once or after Stripe has forgotten the idempotency key: one refund.
    assert_eq!(provider.refund(refund("rf_first", 500)).await.unwrap(), id);
    stripe.set(|a| a.replays.clear());
    assert_eq!(provider.refund(refund("rf_first", 500)).await.unwrap(), id);
    assert_eq!(stripe.refunds().len(), 1);

    // More than is left: Stripe refuses, and says why.
    assert_eq!(
        provider.refund(refund("rf_second", 1_600)).await,
        Err(PaymentError::Refused(
            "Refund amount (€16.00) is greater than unrefunded amount on charge (€15.00)".into()
        ))
    );
    assert!(provider.refund(refund("rf_second", 1_500)).await.is_ok());

    // A wrong key is Tremplin's configuration problem, not a refusal.
    let misconfigured = StripeProvider::new(&stripe.config("sk_test_wrong")).unwrap();
    assert!(matches!(
        misconfigured.refund(refund("rf_third", 100)).await,
        Err(PaymentError::Processor(message)) if message.contains("Invalid API Key")
    ));
}

#[tokio::test]
async fn payouts_are_refused_and_stripes_payout_events_read_tremplins_reference() {
    let stripe = StandIn::start().await;
    let provider = StripeProvider::new(&stripe.config(SECRET_KEY)).unwrap();
    let refused = provider
        .payout(PayoutRequest {
            reference: "pout_test".into(),
            amount: Money::eur(4_500),
            iban: "FR7630006000011234567890189".into(),
            holder: "Test Person".into(),
        })
        .await;
    assert_eq!(
        refused,
        Err(PaymentError::Refused(
            "payouts through Stripe need Stripe Connect; pay by bank transfer and mark the \
             payout paid on the operator page"
                .into()
        ))
    );
    assert!(stripe.account.lock().unwrap().calls.is_empty());

    let read = |name: &str| {
        let body = fixture_text(name);
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, signed(&body).parse().unwrap());
        (headers, body)
    };
    let (headers, body) = read("payout.failed.json");
    assert_eq!(
        provider
            .webhook_event(&headers, body.as_bytes(), app::ssr::now())
            .await,
        Ok(WebhookEvent::PayoutFailed {
            event_id: "evt_1QOeTremplinPayoutFailed".into(),
            reference: "pout_89abcdef0123456789abcdef01234567".into(),
            reason: "The bank account has been closed.".into(),
        })
    );
    // Stripe's automatic payout of the balance to the platform's own bank is none of ours.
    let (headers, body) = read("payout.paid.automatic.json");
    assert_eq!(
        provider
            .webhook_event(&headers, body.as_bytes(), app::ssr::now())
            .await,
        Ok(WebhookEvent::Ignored {
            event_id: "evt_1QOfTremplinPayoutPaid01".into()
        })
    );
}
