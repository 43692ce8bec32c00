//! `POST /tools/check-reservation`: a tool call from the voice agent,
//! signed like every request from the platform. `tools::reservation`
//! decides; this route answers 200 with text for the agent to speak, 401
//! when the call's organization cannot be told or the signature does not
//! verify with its key (the reason is logged, never sent), 400 for a body
//! that is not JSON, 503 with `Retry-After` when the database fails.

use crate::retell::signature;
use crate::state::AppState;
use crate::tools::reservation::{self, ToolAnswer};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn check_reservation(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = std::time::Instant::now();
    let sig = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now();
    let answer =
        reservation::answer(&state.inbound, &state.pool, &state.keys, &body, sig, now).await;
    match answer {
        ToolAnswer::Spoken {
            org_id,
            text,
            found,
        } => {
            let took = started.elapsed();
            state
                .metrics
                .tool_call(if found { "found" } else { "not_found" }, took);
            // Counted in memory and written in batches: not part of the answer.
            let ms = i64::try_from(took.as_millis()).unwrap_or(i64::MAX);
            state.tool_counts.add(org_id, found, ms);
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        ToolAnswer::Refused { reason, org_id } => {
            state.metrics.tool_call("refused", started.elapsed());
            if let Some(org_id) = org_id {
                state.tool_counts.refused(org_id);
            }
            tracing::warn!(reason, "refused a tool call");
            (
                StatusCode::UNAUTHORIZED,
                "This request could not be verified.",
            )
                .into_response()
        }
        ToolAnswer::Malformed => {
            state.metrics.tool_call("malformed", started.elapsed());
            (StatusCode::BAD_REQUEST, "Expected a JSON tool call.").into_response()
        }
        ToolAnswer::RetryLater => {
            state.metrics.tool_call("failed", started.elapsed());
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "Temporarily unavailable; please retry.",
            )
                .into_response()
        }
    }
}
