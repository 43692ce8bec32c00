//! `POST /webhooks/inbound`: the platform's question as a call rings. Signed
//! like every request from the platform, with the API key of the
//! organization that owns the dialled number; answered from the per-process
//! directory, so the caller hears ringing for as short a time as possible.
//!
//! * a number nobody owns (or whose organization is suspended) gets the
//!   generic answer (`answer::fallback`), 200, and a warning in the log;
//! * so does a request for an owned number whose signature is missing, wrong
//!   or stale (counted as `rejected_*`): to a request without a valid
//!   signature, a client's number and a stranger's look the same, so nobody
//!   can ask us which numbers are our clients';
//! * the dialled number is read in E.164 whatever its spacing (`+1 520 555
//!   0731`); anything that is not a phone number gets the generic answer
//!   without a lookup (and is never cached);
//! * a body without `call_inbound.to_number` gets 400;
//! * a database failure gets 503, so the platform retries.

use crate::db::{self, TenantCtx};
use crate::inbound::answer;
use crate::retell::signature;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
struct Request {
    call_inbound: Call,
}

#[derive(Deserialize)]
struct Call {
    to_number: String,
}

pub async fn inbound_call(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (label, response) = respond(&state, &headers, &body).await;
    state.metrics.inbound(label);
    response
}

async fn respond(state: &AppState, headers: &HeaderMap, body: &[u8]) -> (&'static str, Response) {
    let Ok(req) = serde_json::from_slice::<Request>(body) else {
        return (
            "malformed",
            (StatusCode::BAD_REQUEST, "Expected call_inbound.to_number.").into_response(),
        );
    };
    let Some(number) = dialled(&req.call_inbound.to_number) else {
        return ("unknown_number", Json(answer::fallback()).into_response());
    };
    let line = match state.inbound.get(&state.pool, &number).await {
        Ok(line) => line,
        Err(e) => {
            tracing::error!(error = ?e, "could not look up an inbound number; asking to retry");
            return (
                "failed",
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "1")],
                    "Temporarily unavailable; please retry.",
                )
                    .into_response(),
            );
        }
    };
    let Some(line) = line else {
        tracing::warn!(%number, "inbound call to a number no organization owns; generic answer");
        return ("unknown_number", Json(answer::fallback()).into_response());
    };
    let org_id = line.owner.org_id;
    let sig = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    let verdict = crate::retell::verify::verify(
        &state.keys,
        org_id,
        line.owner.sealed_key.as_ref(),
        body,
        sig,
        chrono::Utc::now().timestamp_millis(),
    );
    if let Err(refusal) = verdict {
        let reason = refusal.as_str();
        tracing::warn!(%org_id, reason, "inbound call request without a valid signature; generic answer");
        return (reason, Json(answer::fallback()).into_response());
    }
    if !line.owner.org_active {
        tracing::warn!(%org_id, %number, "inbound call for a suspended organization; generic answer");
        return ("suspended", Json(answer::fallback()).into_response());
    }
    if !line.owner.connected {
        mark_connected(state, &line.owner).await;
    }
    let vars = answer::for_tenant(org_id, &line.settings, chrono::Utc::now());
    ("answered", Json(vars).into_response())
}

/// The dialled number in E.164, if it is one. Typed numbers arrive with
/// spaces or punctuation now and then; the directory holds E.164.
fn dialled(raw: &str) -> Option<String> {
    if raw.len() > 40 {
        return None;
    }
    crate::domain::settings::e164(raw.trim()).ok()
}

/// The first correctly signed call proves the number is wired up. Failing to
/// record that must not fail the call, so errors are only logged.
async fn mark_connected(state: &AppState, owner: &db::numbers::NumberOwner) {
    let ctx = TenantCtx::without_user(owner.org_id);
    let result = async {
        let mut tx = db::tx::tenant(&state.pool, &ctx).await?;
        db::numbers::mark_connected(&mut tx, owner.org_id, owner.number_id).await?;
        db::notify::config_changed(&mut tx, owner.org_id).await?;
        tx.commit().await?;
        Ok::<_, crate::error::AppError>(())
    }
    .await;
    match result {
        Ok(()) => state.inbound.forget_org(owner.org_id),
        Err(e) => {
            tracing::warn!(org_id = %owner.org_id, error = ?e, "could not mark a number connected")
        }
    }
}
