//! The payment processor sits behind a trait: the built-in test-mode processor by default,
//! Stripe by configuration. Both confirm payments and payouts the same way, with a signed
//! webhook.

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ledger::types::Money;

/// A card payment to start on the processor's checkout page.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// Tremplin's id for the payment, echoed back in webhooks.
    pub reference: String,
    pub amount: Money,
    /// What the payer sees on the checkout page.
    pub description: String,
    /// Where the payer comes back to after paying, or after giving up.
    pub success_url: String,
    pub cancel_url: String,
}

/// A checkout the processor opened.
#[derive(Debug, Clone)]
pub struct Checkout {
    /// The processor's id for it, named again by its webhooks.
    pub provider_ref: String,
    /// The processor's page to send the payer to.
    pub url: String,
}

/// Money to give back to the card a payment came from.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// Tremplin's id for the refund: the processor refunds it once, however often asked.
    pub reference: String,
    /// The processor's id for the payment's checkout.
    pub provider_ref: String,
    pub amount: Money,
}

/// Money to send to a bank account.
#[derive(Debug, Clone)]
pub struct PayoutRequest {
    /// Tremplin's id for the payout, echoed back in the webhook telling how it ended.
    pub reference: String,
    pub amount: Money,
    /// The account's IBAN, without spaces.
    pub iban: String,
    /// The account holder's name.
    pub holder: String,
}

/// What a webhook tells us. Each event has an id, processed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    PaymentSucceeded {
        event_id: String,
        provider_ref: String,
        /// The processor's fee, taken from the amount.
        fee: Money,
    },
    PaymentFailed {
        event_id: String,
        provider_ref: String,
        reason: String,
    },
    /// The payout Tremplin calls `reference` reached the bank account.
    PayoutPaid { event_id: String, reference: String },
    /// The bank refused the payout Tremplin calls `reference`.
    PayoutFailed {
        event_id: String,
        reference: String,
        reason: String,
    },
    /// An event Tremplin does not act on.
    Ignored { event_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("webhook signature is missing, wrong or too old")]
    BadSignature,
    #[error("webhook body is not an event we understand: {0}")]
    BadEvent(String),
    #[error("the payment processor failed: {0}")]
    Processor(String),
    /// The processor understood and said no (a refund larger than what is left...).
    #[error("the payment processor refused: {0}")]
    Refused(String),
}

/// What a payer is told when the processor fails: [`USER_REFUSED`] or [`USER_UNAVAILABLE`].
pub const USER_REFUSED: &str = "the payment processor refused";
pub const USER_UNAVAILABLE: &str = "the payment processor is unavailable, try again later";

impl PaymentError {
    /// The fixed reason a user is shown. The processor's own text can name the platform's
    /// account, its configuration or a network address; callers log it, users never see it.
    pub fn user_reason(&self) -> &'static str {
        match self {
            Self::Refused(_) => USER_REFUSED,
            _ => USER_UNAVAILABLE,
        }
    }
}

impl From<PaymentError> for crate::error::AppError {
    fn from(e: PaymentError) -> Self {
        Self::Payment(e.user_reason().to_owned())
    }
}

impl WebhookEvent {
    pub fn id(&self) -> &str {
        match self {
            Self::PaymentSucceeded { event_id, .. }
            | Self::PaymentFailed { event_id, .. }
            | Self::PayoutPaid { event_id, .. }
            | Self::PayoutFailed { event_id, .. }
            | Self::Ignored { event_id } => event_id,
        }
    }
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The name stored with each payment (`test`, `stripe`).
    fn name(&self) -> &'static str;

    /// What the processor keeps of a card payment.
    fn fee_schedule(&self) -> crate::wallet::rules::FeeSchedule;

    /// Opens a checkout for a card payment; the payer is then sent to its URL.
    async fn checkout(&self, request: CheckoutRequest) -> Result<Checkout, PaymentError>;

    /// Gives back part or all of a card payment; done when this returns `Ok` with the
    /// processor's id for the refund.
    async fn refund(&self, request: RefundRequest) -> Result<String, PaymentError>;

    /// Starts a bank transfer and returns the processor's id for it; a webhook later says
    /// whether it was paid or failed.
    async fn payout(&self, request: PayoutRequest) -> Result<String, PaymentError>;

    /// Checks a webhook's signature (at time `now`) and reads its event. It may ask the
    /// processor for details the event leaves out (such as its fee).
    async fn webhook_event(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookEvent, PaymentError>;
}

/// How old a signed webhook may be: older ones may be replays.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

/// Signs `body` at time `t` the way Stripe does: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`.
/// The test-mode processor signs its webhooks like this too, so both share one check.
pub fn sign(secret: &[u8], t: i64, body: &[u8]) -> String {
    let signature = mac(secret, t, body).finalize().into_bytes();
    format!("t={t},v1={}", hex::encode(signature))
}

/// The HMAC of `"t.body"`, ready to finalize or to verify against.
fn mac(secret: &[u8], t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks a `t=…,v1=…` signature header: one `v1` must match, in constant time, and `t` must
/// be within the tolerance of `now`.
pub fn verify_signature(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), PaymentError> {
    let header = header.ok_or(PaymentError::BadSignature)?;
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let t = t.ok_or(PaymentError::BadSignature)?;
    if now.abs_diff(t) > SIGNATURE_TOLERANCE_SECS.unsigned_abs() {
        return Err(PaymentError::BadSignature);
    }
    let expected = mac(secret, t, body);
    if candidates
        .iter()
        .any(|c| expected.clone().verify_slice(c).is_ok())
    {
        Ok(())
    } else {
        Err(PaymentError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_check_the_secret_the_body_and_the_time() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(b"whsec_test", 1_000, body);
        assert_eq!(
            verify_signature(b"whsec_test", Some(&header), body, 1_100),
            Ok(())
        );
        let bad = Err(PaymentError::BadSignature);
        assert_eq!(verify_signature(b"other", Some(&header), body, 1_100), bad);
        assert_eq!(
            verify_signature(b"whsec_test", Some(&header), b"{}", 1_100),
            bad
        );
        assert_eq!(
            verify_signature(b"whsec_test", Some(&header), body, 1_400),
            bad
        );
        assert_eq!(verify_signature(b"whsec_test", None, body, 1_000), bad);
        assert_eq!(
            verify_signature(b"whsec_test", Some("t=1000,v1=zz"), body, 1_000),
            bad
        );
        // A header may carry several signatures during a secret rotation.
        let rotated = format!("{header},v1={}", hex::encode([0u8; 32]));
        assert_eq!(
            verify_signature(b"whsec_test", Some(&rotated), body, 1_000),
            Ok(())
        );
    }
}
