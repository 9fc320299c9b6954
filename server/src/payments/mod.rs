//! Payment processors and the webhook through which they confirm payments.

pub mod stripe;
pub mod test_mode;

use app::ssr::payments::PaymentError;
use app::ssr::{now, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Largest webhook body accepted; processor events are a few kilobytes.
pub const WEBHOOK_BODY_LIMIT: usize = 64 * 1024;

/// `POST /webhooks/payments`: a processor reports a payment's outcome. A bad signature is
/// refused (400) and changes nothing; an event seen before is acknowledged and ignored; when
/// the processor cannot tell what the event leaves out (Stripe's fee), 502 asks it to retry.
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let provider = state.payments.clone();
    let t = now();
    let event = match provider.webhook_event(&headers, &body, t).await {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!("webhook refused: {e}");
            let status = match e {
                PaymentError::Processor(_) => StatusCode::BAD_GATEWAY,
                _ => StatusCode::BAD_REQUEST,
            };
            return (status, e.to_string()).into_response();
        }
    };
    match app::wallet::store::settle(&state.db, provider.name(), &event, t).await {
        Ok(settled) => {
            tracing::info!(?event, ?settled, "webhook processed");
            (StatusCode::OK, format!("{settled:?}")).into_response()
        }
        // The processor retries on an error status.
        Err(e) => (e.status(), e.to_string()).into_response(),
    }
}
