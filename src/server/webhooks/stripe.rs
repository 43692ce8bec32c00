//! `POST /webhooks/stripe`: Stripe's events about our invoices. Answered
//! 2xx only once the event is stored (once: Stripe may send it again);
//! refused without a valid `Stripe-Signature` within five minutes.

use crate::error::AppError;
use crate::services::invoicing;
use crate::state::AppState;
use crate::stripe::signature;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Stripe's events are small; a full invoice with many lines stays far
/// below this.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub async fn event(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.config.stripe_webhook_secret.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Err(e) = signature::verify(header, &body, secret, chrono::Utc::now().timestamp()) {
        tracing::info!(reason = %e, "refused a Stripe webhook");
        return (StatusCode::BAD_REQUEST, "bad signature").into_response();
    }
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    match invoicing::receive(&state.pool, &event).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(AppError::Validation { .. }) => {
            (StatusCode::BAD_REQUEST, "no event id").into_response()
        }
        Err(e) => {
            tracing::warn!(error = ?e, "could not store a Stripe event");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
