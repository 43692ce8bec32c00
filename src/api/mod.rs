//! Server functions: the application's public HTTP API (`POST /api/...`).
//! Each one is thin: one line checks who may call it ([`require`]), then it
//! calls a service and returns a wire type. See docs/api.md for the list.

pub mod activity;
pub mod agents;
pub mod auth;
pub mod dashboard;
pub mod impersonation;
pub mod numbers;
pub mod org;
pub mod platform;
pub mod reservations;
pub mod revenue;
pub mod settings;
pub mod signup;
pub mod statements;
pub mod system;
pub mod two_factor;
pub mod usage;

#[cfg(feature = "ssr")]
pub(crate) use crate::auth::Need;

/// The opening line of every server function that acts on an organization:
/// checks the caller against `need` and answers with the process's state and
/// who acts (`let (app, who) = require(Need::OrgAdmin).await?;`).
#[cfg(feature = "ssr")]
pub(crate) async fn require(
    need: Need,
) -> Result<(crate::state::AppState, crate::auth::Principal), crate::error::AppError> {
    let (app, caller) = crate::state::caller::from_context().await?;
    let who = caller.require(need).await?;
    Ok((app, who))
}

/// The same for the console's platform-wide functions: a super admin on the
/// platform domain.
#[cfg(feature = "ssr")]
pub(crate) async fn require_super_admin(
) -> Result<(crate::state::AppState, crate::auth::SuperAdmin), crate::error::AppError> {
    let (app, caller) = crate::state::caller::from_context().await?;
    let sa = caller.super_admin().await?;
    Ok((app, sa))
}

/// Sets the HTTP status of the response from the error, so that API clients
/// (and SSR pages) see 401/403/422/429 rather than a generic 500.
#[cfg(feature = "ssr")]
pub(crate) fn respond<T>(
    result: Result<T, crate::error::AppError>,
) -> Result<T, crate::error::AppError> {
    if let Err(e) = &result {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(
                http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}
