//! `GET /welcome/start/{token}`: the hand-off from a confirmed sign-up on
//! the platform's address to the new organization's own. The session cookie
//! is the host's alone, so the person is signed in here, by a one-time link
//! (ten minutes, this organization's only), and lands in the setup wizard.

use crate::auth::{session, Caller};
use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn handoff(
    State(state): State<AppState>,
    Path(token): Path<String>,
    caller: Caller,
) -> Response {
    let HostSite::Org(org) = &caller.site else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = format!("handoff:{}", token.chars().take(64).collect::<String>());
    if !state.limits.allow(caller.ip, &key) {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    match crate::services::signup::handoff(&state.pool, org.id, &token).await {
        Ok((user_id, epoch)) => {
            let auth = session::SessionAuth {
                user_id,
                org_id: Some(org.id),
                signed_in_at: Some(chrono::Utc::now()),
                epoch,
                enrolling: false,
            };
            if let Err(e) = session::start(&caller.session, auth).await {
                tracing::error!(error = %e, "could not start the new organization's session");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            Redirect::to("/welcome").into_response()
        }
        // Used already, or too late: the person signs in with their password.
        Err(_) => Redirect::to("/login").into_response(),
    }
}
