//! The built-in test-mode payment processor: a real checkout page, served by Tremplin, where
//! test cards behave like a real processor's (one pays, one is declined, one needs the bank's
//! confirmation), a configurable fee, and signed webhooks sent to Tremplin's own webhook
//! endpoint over HTTP, so payments are confirmed by the same code as in production.

use std::sync::Arc;

use app::ledger::types::Money;
use app::ssr::payments::{
    sign, verify_signature, Checkout, CheckoutRequest, PaymentError, PaymentProvider,
    PayoutRequest, RefundRequest, WebhookEvent,
};
use app::ssr::{now, Db};
use app::wallet::rules::FeeSchedule;
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};

use crate::security::CspNonce;

/// The header carrying the webhook signature (`t=…,v1=…`, as Stripe signs).
pub const SIGNATURE_HEADER: &str = "tremplin-signature";

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Card {
    Pays,
    Declined,
    NeedsConfirmation,
}

/// The test cards, as printed on the checkout page.
const CARDS: [(&str, Card); 3] = [
    ("4242 4242 4242 4242", Card::Pays),
    ("4000 0000 0000 0002", Card::Declined),
    ("4000 0025 0000 3155", Card::NeedsConfirmation),
];

/// Payouts to this IBAN fail, as if the account were closed; any other valid IBAN is paid.
pub const FAILING_IBAN: &str = "FR1420041010050500013M02606";

fn card(number: &str) -> Option<Card> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    CARDS
        .iter()
        .find(|(n, _)| n.replace(' ', "") == digits)
        .map(|(_, c)| *c)
}

pub struct TestProcessor {
    db: Db,
    base_url: String,
    secret: Vec<u8>,
    fee: FeeSchedule,
    hooks: Webhooks,
}

impl TestProcessor {
    /// `base_url` is where payers are sent and where webhooks are delivered.
    pub fn new(db: Db, base_url: String, secret: Vec<u8>, fee: FeeSchedule) -> Arc<Self> {
        let hooks = Webhooks {
            db: db.clone(),
            url: format!("{base_url}/webhooks/payments"),
            secret: secret.clone(),
            // Every delivery attempt is bounded; an unanswered one is retried later.
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        };
        Arc::new(Self {
            db,
            base_url,
            secret,
            fee,
            hooks,
        })
    }

    /// The processor's pages.
    pub fn routes<S>(self: Arc<Self>) -> Router<S> {
        Router::new()
            .route("/test-processor/checkout/{id}", get(page).post(pay))
            .route("/test-processor/checkout/{id}/confirm", post(confirm))
            .route("/test-processor/checkout/{id}/cancel", post(cancel))
            .with_state(self)
    }

    /// Redelivers the webhooks left unacknowledged (by this instance, or by one that died),
    /// now and every few seconds, for as long as the process runs.
    pub fn spawn_redelivery(&self) {
        let hooks = self.hooks.clone();
        crate::workers::every(
            std::time::Duration::from_secs(5),
            "redeliver test-processor webhooks",
            move || {
                let hooks = hooks.clone();
                async move { hooks.redeliver_due(now()).await.map_err(|e| e.to_string()) }
            },
        );
    }

    /// Attempts every unacknowledged webhook due at `now`; returns how many Tremplin took.
    pub async fn redeliver_due(&self, now: i64) -> Result<u64, sqlx::Error> {
        self.hooks.redeliver_due(now).await
    }

    fn event(body: serde_json::Value) -> Event {
        let id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let mut body = body;
        body["id"] = serde_json::Value::String(id.clone());
        Event {
            id,
            body: body.to_string(),
        }
    }

    /// Moves checkout `id` from `from` to `to` and, if this request got there first, records
    /// `event` in the same transaction and sends it. False if another request got there first.
    async fn settle(
        &self,
        id: &str,
        from: &str,
        to: &str,
        event: Option<serde_json::Value>,
    ) -> bool {
        let event = event.map(Self::event);
        let moved = async {
            let mut tx = self.db.begin_write().await?;
            let moved =
                sqlx::query("UPDATE test_checkouts SET state = $1 WHERE id = $2 AND state = $3")
                    .bind(to)
                    .bind(id)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
            if let (true, Some(event)) = (moved, &event) {
                record(&mut tx, event, now() + backoff_secs(1)).await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(moved)
        }
        .await;
        match (moved, event) {
            (Ok(true), Some(event)) => {
                self.hooks.send(&event).await;
                true
            }
            (Ok(moved), _) => moved,
            (Err(e), _) => {
                tracing::error!(checkout = id, "test checkout not settled: {e}");
                false
            }
        }
    }
}

/// Delivers the processor's webhooks to Tremplin's endpoint, at least once: each is recorded
/// (see [`record`]) before it is sent and forgotten only once the endpoint takes it.
#[derive(Clone)]
struct Webhooks {
    db: Db,
    url: String,
    secret: Vec<u8>,
    http: reqwest::Client,
}

impl Webhooks {
    async fn redeliver_due(&self, now: i64) -> Result<u64, sqlx::Error> {
        let due: Vec<Pending> = sqlx::query_as(
            "SELECT id, body, attempts, next_at FROM test_webhook_deliveries
             WHERE next_at <= $1 ORDER BY next_at LIMIT 100",
        )
        .bind(now)
        .fetch_all(&self.db.pool)
        .await?;
        let mut delivered = 0;
        for Pending {
            id,
            body,
            attempts,
            next_at,
        } in due
        {
            // Claimed first, so two instances do not both attempt it (the endpoint would
            // take both anyway: events are settled once by id).
            let claimed = sqlx::query(
                "UPDATE test_webhook_deliveries SET attempts = attempts + 1, next_at = $1
                 WHERE id = $2 AND next_at = $3",
            )
            .bind(now + backoff_secs(attempts + 2))
            .bind(&id)
            .bind(next_at)
            .execute(&self.db.pool)
            .await?;
            if claimed.rows_affected() == 1 && self.attempt(&id, &body).await? {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    /// Sends the recorded webhook `id` once, signed now; true if Tremplin took it, and then
    /// the record is gone.
    async fn attempt(&self, id: &str, body: &str) -> Result<bool, sqlx::Error> {
        if !self.post(body).await {
            return Ok(false);
        }
        sqlx::query("DELETE FROM test_webhook_deliveries WHERE id = $1")
            .bind(id)
            .execute(&self.db.pool)
            .await?;
        Ok(true)
    }

    /// Sends a webhook just recorded; a failure is left to the redelivery worker.
    async fn send(&self, event: &Event) {
        match self.attempt(&event.id, &event.body).await {
            Ok(true) => {}
            Ok(false) => tracing::info!(event = event.id, "webhook left for redelivery"),
            Err(e) => tracing::error!(event = event.id, "webhook delivered, record kept: {e}"),
        }
    }

    /// Posts `body` to Tremplin's webhook endpoint once, signed now; true if it took it.
    async fn post(&self, body: &str) -> bool {
        let sent = self
            .http
            .post(&self.url)
            .header(SIGNATURE_HEADER, sign(&self.secret, now(), body.as_bytes()))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => true,
            Ok(r) => {
                tracing::warn!(status = %r.status(), "webhook refused, will retry");
                false
            }
            Err(e) => {
                tracing::warn!("webhook not delivered, will retry: {e}");
                false
            }
        }
    }
}

/// A recorded webhook not yet acknowledged.
#[derive(sqlx::FromRow)]
struct Pending {
    id: String,
    body: String,
    attempts: i64,
    next_at: i64,
}

/// A webhook event with its id, as recorded for delivery.
struct Event {
    id: String,
    body: String,
}

/// Seconds before attempt `n` of a webhook: doubling from 2 s, at most 10 minutes, never
/// giving up (a real processor retries for days).
fn backoff_secs(n: i64) -> i64 {
    (1_i64 << n.clamp(1, 10)).min(600)
}

/// Records `event` for delivery in `tx`, due at `due`: with the outcome it reports, so a
/// crash cannot keep one without the other.
async fn record(tx: &mut app::ssr::db::Tx, event: &Event, due: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO test_webhook_deliveries (id, body, attempts, next_at, created_at)
         VALUES ($1, $2, 0, $3, $4)",
    )
    .bind(&event.id)
    .bind(&event.body)
    .bind(due)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl PaymentProvider for TestProcessor {
    fn name(&self) -> &'static str {
        "test"
    }

    fn fee_schedule(&self) -> FeeSchedule {
        self.fee
    }

    async fn checkout(&self, request: CheckoutRequest) -> Result<Checkout, PaymentError> {
        let id = format!("tco_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(
            "INSERT INTO test_checkouts (id, reference, amount, currency, description,
               success_url, cancel_url, state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)",
        )
        .bind(&id)
        .bind(&request.reference)
        .bind(request.amount.minor)
        .bind(request.amount.currency.as_str())
        .bind(&request.description)
        .bind(&request.success_url)
        .bind(&request.cancel_url)
        .bind(now())
        .execute(&self.db.pool)
        .await
        .map_err(|e| PaymentError::Processor(e.to_string()))?;
        Ok(Checkout {
            url: format!("{}/test-processor/checkout/{id}", self.base_url),
            provider_ref: id,
        })
    }

    async fn refund(&self, request: RefundRequest) -> Result<String, PaymentError> {
        let processor = |e: sqlx::Error| PaymentError::Processor(e.to_string());
        let mut tx = self.db.begin_write().await.map_err(processor)?;
        // The same refund asked again is the refund already made.
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM test_refunds WHERE reference = $1")
                .bind(&request.reference)
                .fetch_optional(&mut *tx)
                .await
                .map_err(processor)?;
        if let Some(id) = known {
            return Ok(id);
        }
        let taken = sqlx::query(
            "UPDATE test_checkouts SET refunded = refunded + $1
             WHERE id = $2 AND state = 'succeeded' AND refunded + $1 <= amount",
        )
        .bind(request.amount.minor)
        .bind(&request.provider_ref)
        .execute(&mut *tx)
        .await
        .map_err(processor)?;
        if taken.rows_affected() != 1 {
            return Err(PaymentError::Refused(
                "the payment is not paid, or less than that is left to refund".into(),
            ));
        }
        let id = format!("tre_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(
            "INSERT INTO test_refunds (id, reference, checkout, amount) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(&request.reference)
        .bind(&request.provider_ref)
        .bind(request.amount.minor)
        .execute(&mut *tx)
        .await
        .map_err(processor)?;
        tx.commit().await.map_err(processor)?;
        Ok(id)
    }

    async fn payout(&self, request: PayoutRequest) -> Result<String, PaymentError> {
        let processor = |e: sqlx::Error| PaymentError::Processor(e.to_string());
        let id = format!("tpo_{}", uuid::Uuid::new_v4().simple());
        let event = Self::event(if request.iban == FAILING_IBAN {
            serde_json::json!({
                "type": "payout.failed", "reference": request.reference,
                "reason": "The bank account is closed.",
            })
        } else {
            serde_json::json!({ "type": "payout.paid", "reference": request.reference })
        });
        let mut tx = self.db.begin_write().await.map_err(processor)?;
        // A payout asked again under the same reference is sent once.
        let created: Option<String> = sqlx::query_scalar(
            "INSERT INTO test_payouts (id, reference, amount, iban, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reference) DO NOTHING RETURNING id",
        )
        .bind(&id)
        .bind(&request.reference)
        .bind(request.amount.minor)
        .bind(&request.iban)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await
        .map_err(processor)?;
        let Some(id) = created else {
            return sqlx::query_scalar("SELECT id FROM test_payouts WHERE reference = $1")
                .bind(&request.reference)
                .fetch_one(&mut *tx)
                .await
                .map_err(processor);
        };
        record(&mut tx, &event, now() + backoff_secs(1))
            .await
            .map_err(processor)?;
        tx.commit().await.map_err(processor)?;
        // Banks answer later: the outcome arrives after the caller has recorded the payout.
        let hooks = self.hooks.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            hooks.send(&event).await;
        });
        Ok(id)
    }

    async fn webhook_event(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookEvent, PaymentError> {
        let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
        verify_signature(&self.secret, signature, body, now)?;
        let event: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| PaymentError::BadEvent(e.to_string()))?;
        let text = |key: &str| {
            event[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| PaymentError::BadEvent(format!("no {key}")))
        };
        let event_id = text("id")?;
        match event["type"].as_str() {
            Some("payment.succeeded") => Ok(WebhookEvent::PaymentSucceeded {
                event_id,
                provider_ref: text("checkout")?,
                fee: Money::eur(
                    event["fee"]
                        .as_i64()
                        .ok_or_else(|| PaymentError::BadEvent("no fee".into()))?,
                ),
            }),
            Some("payment.failed") => Ok(WebhookEvent::PaymentFailed {
                event_id,
                provider_ref: text("checkout")?,
                reason: text("reason")?,
            }),
            Some("payout.paid") => Ok(WebhookEvent::PayoutPaid {
                event_id,
                reference: text("reference")?,
            }),
            Some("payout.failed") => Ok(WebhookEvent::PayoutFailed {
                event_id,
                reference: text("reference")?,
                reason: text("reason")?,
            }),
            _ => Ok(WebhookEvent::Ignored { event_id }),
        }
    }
}

#[derive(sqlx::FromRow)]
struct CheckoutRow {
    amount: i64,
    description: String,
    success_url: String,
    cancel_url: String,
    state: String,
}

async fn load(p: &TestProcessor, id: &str) -> Option<CheckoutRow> {
    sqlx::query_as(
        "SELECT amount, description, success_url, cancel_url, state FROM test_checkouts
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&p.db.pool)
    .await
    .ok()
    .flatten()
}

/// What a paid checkout reports: the processor's fee with it.
fn succeeded(p: &TestProcessor, id: &str, checkout: &CheckoutRow) -> serde_json::Value {
    serde_json::json!({
        "type": "payment.succeeded", "checkout": id, "fee": p.fee.fee(checkout.amount),
    })
}

fn failed(id: &str, reason: &str) -> serde_json::Value {
    serde_json::json!({ "type": "payment.failed", "checkout": id, "reason": reason })
}

#[derive(serde::Deserialize)]
struct CardForm {
    number: String,
    expiry: String,
    cvc: String,
}

/// The nonce of the response's Content-Security-Policy, for the page's `<style>`.
type Nonce = Option<Extension<CspNonce>>;

async fn page(
    State(p): State<Arc<TestProcessor>>,
    nonce: Nonce,
    Path(id): Path<String>,
) -> Response {
    let Some(c) = load(&p, &id).await else {
        return (StatusCode::NOT_FOUND, "no such checkout").into_response();
    };
    match c.state.as_str() {
        "open" => Html(card_page(&nonce, &id, &c, None)).into_response(),
        "needs_confirmation" => Html(confirm_page(&nonce, &id, &c)).into_response(),
        _ => Redirect::to(&c.success_url).into_response(),
    }
}

async fn pay(
    State(p): State<Arc<TestProcessor>>,
    nonce: Nonce,
    Path(id): Path<String>,
    Form(form): Form<CardForm>,
) -> Response {
    let Some(c) = load(&p, &id).await else {
        return (StatusCode::NOT_FOUND, "no such checkout").into_response();
    };
    if c.state != "open" {
        return Redirect::to(&c.success_url).into_response();
    }
    let expiry_ok = form.expiry.trim().len() >= 4;
    let cvc_ok = form.cvc.trim().len() == 3 && form.cvc.trim().chars().all(|c| c.is_ascii_digit());
    let error = match card(&form.number) {
        _ if !expiry_ok => Some("Enter the card's expiry date, such as 12/34."),
        _ if !cvc_ok => Some("Enter the 3 digits on the back of the card."),
        None => Some("This is a test processor: use one of the test cards below."),
        Some(Card::Declined) => {
            let declined = failed(&id, "Your card was declined.");
            p.settle(&id, "open", "declined", Some(declined)).await;
            let page = declined_page(&nonce, &c);
            return (StatusCode::PAYMENT_REQUIRED, Html(page)).into_response();
        }
        Some(Card::NeedsConfirmation) => {
            p.settle(&id, "open", "needs_confirmation", None).await;
            return Redirect::to(&format!("/test-processor/checkout/{id}")).into_response();
        }
        Some(Card::Pays) => {
            let paid = succeeded(&p, &id, &c);
            p.settle(&id, "open", "succeeded", Some(paid)).await;
            return Redirect::to(&c.success_url).into_response();
        }
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Html(card_page(&nonce, &id, &c, error)),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct ConfirmForm {
    outcome: String,
}

async fn confirm(
    State(p): State<Arc<TestProcessor>>,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let Some(c) = load(&p, &id).await else {
        return (StatusCode::NOT_FOUND, "no such checkout").into_response();
    };
    if form.outcome == "complete" {
        let paid = succeeded(&p, &id, &c);
        p.settle(&id, "needs_confirmation", "succeeded", Some(paid))
            .await;
    } else {
        let refused = failed(&id, "Your bank did not confirm the payment.");
        p.settle(&id, "needs_confirmation", "declined", Some(refused))
            .await;
    }
    Redirect::to(&c.success_url).into_response()
}

async fn cancel(State(p): State<Arc<TestProcessor>>, Path(id): Path<String>) -> Response {
    let Some(c) = load(&p, &id).await else {
        return (StatusCode::NOT_FOUND, "no such checkout").into_response();
    };
    for from in ["open", "needs_confirmation"] {
        let cancelled = failed(&id, "You cancelled the payment.");
        p.settle(&id, from, "declined", Some(cancelled)).await;
    }
    Redirect::to(&c.cancel_url).into_response()
}

fn frame(nonce: &Nonce, title: &str, body: &str) -> String {
    let nonce = nonce.as_ref().map_or("", |Extension(n)| &*n.0);
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/assets/icon.svg">
<title>{title} · Test payment</title>
<style nonce="{nonce}">
body {{ margin: 0; font: 16px/1.5 system-ui, sans-serif; background: #eef2f7; color: #1a2233; }}
main {{ max-width: 420px; margin: 40px auto; background: #fff; border-radius: 14px; padding: 28px;
  box-shadow: 0 10px 30px rgba(20, 30, 60, .12); }}
.mode {{ display: inline-block; background: #fff4d6; color: #7a5200; border-radius: 999px;
  padding: 2px 10px; font-size: 13px; font-weight: 600; }}
.amount {{ font-size: 34px; font-weight: 800; margin: 8px 0 0; }}
label {{ display: block; font-weight: 600; font-size: 14px; margin-top: 14px; }}
input {{ width: 100%; box-sizing: border-box; font: inherit; padding: 10px 12px; border: 1px solid #c9d2e0;
  border-radius: 8px; margin-top: 4px; }}
.row {{ display: flex; gap: 12px; }} .row > div {{ flex: 1; }}
button {{ width: 100%; margin-top: 20px; font: inherit; font-weight: 700; padding: 12px; border: 0;
  border-radius: 8px; background: #1f5eff; color: #fff; cursor: pointer; }}
button.secondary {{ background: #e8ecf3; color: #1a2233; }}
.error {{ background: #fde8e8; color: #9b1c1c; padding: 10px 12px; border-radius: 8px; margin-top: 14px; }}
.cards {{ font-size: 13px; color: #5a6478; margin-top: 22px; }} code {{ font-size: 13px; }}
@media (max-width: 460px) {{ main {{ margin: 0; border-radius: 0; min-height: 100vh; }} }}
</style></head><body><main>{body}</main></body></html>"#
    )
}

fn card_page(nonce: &Nonce, id: &str, c: &CheckoutRow, error: Option<&str>) -> String {
    let amount = app::ui::money::format_money(Money::eur(c.amount), app::i18n::Locale::en);
    let error = error.map_or(String::new(), |e| {
        format!(
            r#"<p class="error" role="alert">{}</p>"#,
            html_escape::encode_text(e)
        )
    });
    let cards = CARDS
        .iter()
        .map(|(n, what)| {
            let what = match what {
                Card::Pays => "pays",
                Card::Declined => "is declined",
                Card::NeedsConfirmation => "asks for the bank's confirmation",
            };
            format!("<li><code>{n}</code> {what}</li>")
        })
        .collect::<String>();
    frame(
        nonce,
        "Pay",
        &format!(
            r#"<span class="mode">Test mode: no real money moves</span>
<p class="amount">{amount}</p><p>{description}</p>{error}
<form method="post" action="/test-processor/checkout/{id}">
<label for="number">Card number</label>
<input id="number" name="number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
<div class="row"><div><label for="expiry">Expiry</label>
<input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" required></div>
<div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required></div></div>
<button type="submit">Pay {amount}</button></form>
<form method="post" action="/test-processor/checkout/{id}/cancel"><button class="secondary" type="submit">Cancel and go back</button></form>
<div class="cards">Test cards (any future expiry, any 3-digit CVC):<ul>{cards}</ul></div>"#,
            description = html_escape::encode_text(&c.description),
        ),
    )
}

fn confirm_page(nonce: &Nonce, id: &str, c: &CheckoutRow) -> String {
    let amount = app::ui::money::format_money(Money::eur(c.amount), app::i18n::Locale::en);
    frame(
        nonce,
        "Confirm",
        &format!(
            r#"<span class="mode">Test mode: your bank asks</span>
<h1>Confirm this payment</h1><p>Your bank wants you to approve {amount} to Tremplin.</p>
<form method="post" action="/test-processor/checkout/{id}/confirm">
<button name="outcome" value="complete" type="submit">Approve</button>
<button class="secondary" name="outcome" value="fail" type="submit">Refuse</button></form>"#
        ),
    )
}

fn declined_page(nonce: &Nonce, c: &CheckoutRow) -> String {
    frame(
        nonce,
        "Declined",
        &format!(
            r#"<span class="mode">Test mode</span>
<h1>Payment declined</h1><p class="error" role="alert">Your card was declined. Nothing was charged.</p>
<p><a href="{}">Back to Tremplin</a></p>"#,
            html_escape::encode_double_quoted_attribute(&c.cancel_url)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_are_read_with_or_without_spaces() {
        assert_eq!(card("4242424242424242"), Some(Card::Pays));
        assert_eq!(card("4000 0000 0000 0002"), Some(Card::Declined));
        assert_eq!(card("4000-0025-0000-3155"), Some(Card::NeedsConfirmation));
        assert_eq!(card("5555 5555 5555 4444"), None);
    }
}
