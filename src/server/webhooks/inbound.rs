//! `POST /webhooks/inbound`: the platform's question as a call rings, signed
//! like every request from the platform with the API key of the organization
//! that owns the dialled number. `inbound::service` decides, from the
//! per-process directory (so the caller hears ringing for as short a time as
//! possible); this route answers: the organization's variables or the
//! generic answer with 200, 400 for a body that names no number, 503 (with
//! `Retry-After`) when the database cannot be reached, so the platform
//! retries.

use crate::inbound::service::{self, Answer};
use crate::retell::signature;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn inbound_call(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sig = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    let answer = service::answer(&state.inbound, &state.pool, &state.keys, &body, sig).await;
    state.metrics.inbound(answer.label());
    match answer {
        Answer::Tenant(vars) => Json(vars).into_response(),
        Answer::Generic(_) => Json(crate::inbound::answer::fallback()).into_response(),
        Answer::Malformed => {
            (StatusCode::BAD_REQUEST, "Expected call_inbound.to_number.").into_response()
        }
        Answer::RetryLater => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            "Temporarily unavailable; please retry.",
        )
            .into_response(),
    }
}
