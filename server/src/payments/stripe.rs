//! Stripe as the payment processor: card payments on Stripe Checkout, confirmed by Stripe's
//! signed webhooks, and refunds through its API. Payouts to creators' bank accounts would need
//! Stripe Connect, which is not set up: they are refused, and paid by hand.

use std::time::Duration;

use app::ledger::types::{Currency, Money};
use app::ssr::payments::{
    verify_signature, Checkout, CheckoutRequest, PaymentError, PaymentProvider, PayoutRequest,
    RefundRequest, WebhookEvent,
};
use async_trait::async_trait;
use axum::http::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::Stripe;

/// The header carrying Stripe's webhook signature (`t=…,v1=…`).
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// The API version the answers below are read in. Pinned, so that upgrading the account's
/// default version in the dashboard cannot change their shape (`latest_charge` needs
/// 2022-11-15 or later).
const API_VERSION: &str = "2024-06-20";

pub struct StripeProvider {
    fee: app::wallet::rules::FeeSchedule,
    api_base: String,
    secret_key: String,
    webhook_secret: String,
    http: reqwest::Client,
}

impl StripeProvider {
    pub fn new(config: &Stripe) -> Result<Self, reqwest::Error> {
        Ok(Self {
            fee: config.fee,
            api_base: config.api_base.clone(),
            secret_key: config.secret_key.clone(),
            webhook_secret: config.webhook_secret.clone(),
            // The payer waits on a top-up while it waits on Stripe: bound both.
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.api_base))
            .bearer_auth(&self.secret_key)
            .header("stripe-version", API_VERSION)
    }

    /// Stripe's fee on a paid session, from the balance transaction of its charge.
    async fn fee(&self, session: &Session) -> Result<Money, PaymentError> {
        let intent = session.payment_intent.as_deref().ok_or_else(|| {
            PaymentError::BadEvent(format!("paid session {} names no payment", session.id))
        })?;
        let paid: PaymentIntent = answer(
            self.request(Method::GET, &format!("/v1/payment_intents/{intent}"))
                .query(&[("expand[]", "latest_charge.balance_transaction")]),
        )
        .await?;
        // An error makes Stripe deliver the event again later, when the fee is known.
        let transaction = paid
            .latest_charge
            .and_then(|charge| charge.balance_transaction)
            .ok_or_else(|| {
                PaymentError::Processor(format!("Stripe knows no fee yet for {intent}"))
            })?;
        // The fee is in the account's settlement currency; Tremplin cannot convert it.
        let currency = Currency::parse(&transaction.currency.to_ascii_uppercase())
            .filter(|c| c.as_str().eq_ignore_ascii_case(&session.currency))
            .ok_or_else(|| {
                PaymentError::Processor(format!(
                    "Stripe took its fee on {} in {}, the payment was in {}: settle it by hand",
                    session.id, transaction.currency, session.currency
                ))
            })?;
        Ok(Money::new(transaction.fee, currency))
    }
}

/// Sends a request and reads Stripe's answer, or turns its error into ours.
async fn answer<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, PaymentError> {
    let response = request
        .send()
        .await
        .map_err(|e| PaymentError::Processor(format!("Stripe did not answer: {e}")))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| PaymentError::Processor(format!("Stripe's answer was cut short: {e}")))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| PaymentError::Processor(format!("unexpected answer from Stripe: {e}")));
    }
    let message = serde_json::from_slice::<ErrorAnswer>(&body)
        .ok()
        .and_then(|a| a.error.message)
        .unwrap_or_else(|| format!("HTTP {status}"));
    Err(match status.as_u16() {
        // Stripe understood and said no (a parameter, a declined card, no such object):
        // asking again would change nothing.
        400 | 402 | 404 => PaymentError::Refused(message),
        // A wrong key, a rate limit, a clash of idempotent requests or Stripe's own trouble.
        _ => PaymentError::Processor(format!("Stripe answered {status}: {message}")),
    })
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: Option<String>,
}

/// A Checkout Session, as created, fetched, or carried by an event.
#[derive(Deserialize)]
struct Session {
    id: String,
    /// The payer's page, while the session is open.
    url: Option<String>,
    /// Set once the payer confirms.
    payment_intent: Option<String>,
    /// `paid`, or `unpaid` until a delayed method (SEPA debit...) is confirmed.
    payment_status: String,
    currency: String,
}

#[derive(Deserialize)]
struct PaymentIntent {
    latest_charge: Option<Charge>,
}

#[derive(Deserialize)]
struct Charge {
    balance_transaction: Option<BalanceTransaction>,
}

#[derive(Deserialize)]
struct BalanceTransaction {
    fee: i64,
    currency: String,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Payout {
    metadata: Option<Metadata>,
    failure_message: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    reference: Option<String>,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

fn bad_event(e: serde_json::Error) -> PaymentError {
    PaymentError::BadEvent(e.to_string())
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn fee_schedule(&self) -> app::wallet::rules::FeeSchedule {
        self.fee
    }

    async fn checkout(&self, request: CheckoutRequest) -> Result<Checkout, PaymentError> {
        let reference = request.reference.as_str();
        let amount = request.amount.minor.to_string();
        let currency = request.amount.currency.as_str().to_ascii_lowercase();
        let session: Session = answer(
            self.request(Method::POST, "/v1/checkout/sessions")
                // A top-up sent twice opens one checkout.
                .header("idempotency-key", format!("checkout-{reference}"))
                .form(&[
                    ("mode", "payment"),
                    ("line_items[0][price_data][currency]", &currency),
                    ("line_items[0][price_data][unit_amount]", &amount),
                    (
                        "line_items[0][price_data][product_data][name]",
                        &request.description,
                    ),
                    ("line_items[0][quantity]", "1"),
                    ("success_url", &request.success_url),
                    ("cancel_url", &request.cancel_url),
                    ("client_reference_id", reference),
                    ("metadata[reference]", reference),
                    // The dashboard lists payments, not sessions: name ours there too.
                    ("payment_intent_data[metadata][reference]", reference),
                ]),
        )
        .await?;
        let url = session.url.ok_or_else(|| {
            PaymentError::Processor(format!("Stripe opened {} without a page", session.id))
        })?;
        Ok(Checkout {
            provider_ref: session.id,
            url,
        })
    }

    async fn refund(&self, request: RefundRequest) -> Result<String, PaymentError> {
        let session: Session = answer(self.request(
            Method::GET,
            &format!("/v1/checkout/sessions/{}", request.provider_ref),
        ))
        .await?;
        let intent = session.payment_intent.ok_or_else(|| {
            PaymentError::Refused(format!("{} was never paid", request.provider_ref))
        })?;
        // Stripe forgets idempotency keys after 24 hours: a refund asked again later is
        // found by its reference instead of being made twice.
        let made: List<Refund> = answer(
            self.request(Method::GET, "/v1/refunds")
                .query(&[("payment_intent", intent.as_str()), ("limit", "100")]),
        )
        .await?;
        let known = made.data.into_iter().find(|r| {
            r.metadata
                .as_ref()
                .and_then(|m| m.reference.as_deref())
                .is_some_and(|r| r == request.reference)
        });
        if let Some(refund) = known {
            return Ok(refund.id);
        }
        let refund: Refund = answer(
            self.request(Method::POST, "/v1/refunds")
                .header("idempotency-key", &request.reference)
                .form(&[
                    ("payment_intent", intent.as_str()),
                    ("amount", &request.amount.minor.to_string()),
                    ("metadata[reference]", &request.reference),
                ]),
        )
        .await?;
        Ok(refund.id)
    }

    async fn payout(&self, _request: PayoutRequest) -> Result<String, PaymentError> {
        Err(PaymentError::Refused(
            "payouts through Stripe need Stripe Connect; pay by bank transfer and mark the \
             payout paid on the operator page"
                .into(),
        ))
    }

    async fn webhook_event(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookEvent, PaymentError> {
        let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
        verify_signature(self.webhook_secret.as_bytes(), signature, body, now)?;
        let Event {
            id: event_id,
            kind,
            data: EventData { object },
        } = serde_json::from_slice(body).map_err(bad_event)?;
        match kind.as_str() {
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
                let session: Session = serde_json::from_value(object).map_err(bad_event)?;
                // A delayed method completes the session unpaid; the money comes with
                // `async_payment_succeeded`.
                if session.payment_status != "paid" {
                    return Ok(WebhookEvent::Ignored { event_id });
                }
                Ok(WebhookEvent::PaymentSucceeded {
                    fee: self.fee(&session).await?,
                    event_id,
                    provider_ref: session.id,
                })
            }
            "checkout.session.async_payment_failed" | "checkout.session.expired" => {
                let session: Session = serde_json::from_value(object).map_err(bad_event)?;
                let reason = if kind == "checkout.session.expired" {
                    "The payment was not completed in time."
                } else {
                    "Your bank did not confirm the payment."
                };
                Ok(WebhookEvent::PaymentFailed {
                    event_id,
                    provider_ref: session.id,
                    reason: reason.into(),
                })
            }
            "payout.paid" | "payout.failed" => {
                let payout: Payout = serde_json::from_value(object).map_err(bad_event)?;
                // Stripe's own payouts of the balance to the platform's bank name none of
                // Tremplin's payouts.
                let Some(reference) = payout.metadata.and_then(|m| m.reference) else {
                    return Ok(WebhookEvent::Ignored { event_id });
                };
                Ok(if kind == "payout.paid" {
                    WebhookEvent::PayoutPaid {
                        event_id,
                        reference,
                    }
                } else {
                    WebhookEvent::PayoutFailed {
                        event_id,
                        reference,
                        reason: payout
                            .failure_message
                            .unwrap_or_else(|| "The bank returned the payout.".into()),
                    }
                })
            }
            _ => Ok(WebhookEvent::Ignored { event_id }),
        }
    }
}
