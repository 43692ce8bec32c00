//! `POST /webhooks/agent/{uuid}`: answers 2xx only after the event is
//! committed; 503 (with `Retry-After`) when the database cannot be reached,
//! so the sender retries. The agent is looked up from the path before the
//! body is read, and a request without a signature header is counted without
//! reading it: an unknown or unsigned post costs a cached lookup, no more.

use crate::ingest::service::{Delivery, Outcome};
use crate::retell::signature;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// The largest body accepted: a one-hour call with word-level timings runs to
/// several MB; anything above gets 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub async fn agent_event(
    State(state): State<AppState>,
    Path(agent): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(agent_id) = Uuid::parse_str(&agent) else {
        state.metrics.webhook(Outcome::UnknownAgent.label());
        return StatusCode::NOT_FOUND.into_response();
    };
    let owner = match state.owners.get(&state.pool, agent_id).await {
        Ok(Some(owner)) => owner,
        Ok(None) => {
            state.metrics.webhook(Outcome::UnknownAgent.label());
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(e) => {
            state.metrics.webhook("failed");
            return retry_later(agent_id, e);
        }
    };
    let signature = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    let body = match signature {
        None => Bytes::new(),
        Some(_) => match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                state.metrics.webhook("too_large");
                return (StatusCode::PAYLOAD_TOO_LARGE, "The event is too large.").into_response();
            }
        },
    };
    let delivery = Delivery {
        agent_id,
        body: &body,
        signature,
        now_ms: chrono::Utc::now().timestamp_millis(),
    };
    let result = state.ingest.accept(&state.keys, &owner, delivery).await;
    let label = match &result {
        Ok(outcome) => outcome.label(),
        Err(_) => "failed",
    };
    state.metrics.webhook(label);
    match result {
        Ok(Outcome::Merged | Outcome::Stored | Outcome::Duplicate) => {
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(Outcome::Malformed(why)) => {
            tracing::warn!(%agent_id, %why, "stored a malformed webhook body");
            (
                StatusCode::BAD_REQUEST,
                "Malformed event; it was stored for diagnosis.",
            )
                .into_response()
        }
        Ok(Outcome::UnknownAgent) => StatusCode::NOT_FOUND.into_response(),
        Ok(Outcome::Inactive) => (StatusCode::GONE, "This agent is switched off.").into_response(),
        Ok(Outcome::WrongAgent) => {
            tracing::warn!(%agent_id, "refused an event about another agent's call");
            (
                StatusCode::CONFLICT,
                "This event is about another agent's call; send it to that agent's address.",
            )
                .into_response()
        }
        Ok(Outcome::Rejected(refusal)) => {
            tracing::warn!(%agent_id, reason = refusal.as_str(), "rejected a webhook");
            (StatusCode::UNAUTHORIZED, "Invalid signature.").into_response()
        }
        Err(e) => retry_later(agent_id, e),
    }
}

fn retry_later(agent_id: Uuid, e: crate::error::AppError) -> Response {
    tracing::error!(%agent_id, error = ?e, "could not store a webhook; asking the sender to retry");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "Temporarily unavailable; please retry.",
    )
        .into_response()
}
