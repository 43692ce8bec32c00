//! Server functions: the application's public HTTP API (`POST /api/...`).
//! Each one is thin: build the request context, check who may call it, call
//! a service, and return a wire type. See docs/api.md for the list.

pub mod activity;
pub mod agents;
pub mod auth;
pub mod dashboard;
pub mod impersonation;
pub mod org;
pub mod platform;
pub mod revenue;
pub mod settings;
pub mod system;
pub mod usage;

/// The request and the scope the services act in for whoever passed its guard.
#[cfg(feature = "ssr")]
pub(crate) type Acting = (
    crate::auth::guard::RequestCtx,
    crate::services::agents::Scope,
);

/// A manager of one organization (a super admin naming it on the platform
/// host, or its own admin on its host) and the scope the services act in.
#[cfg(feature = "ssr")]
pub(crate) async fn manager(org_id: Option<uuid::Uuid>) -> Result<Acting, crate::error::AppError> {
    let ctx = crate::auth::guard::request_ctx().await?;
    let scope = crate::auth::guard::require_manager(&ctx, org_id)
        .await?
        .scope();
    Ok((ctx, scope))
}

/// The agency (a super admin in the console, or viewing as the
/// organization) acting on it; see `auth::guard::require_agency`.
#[cfg(feature = "ssr")]
pub(crate) async fn agency(org_id: Option<uuid::Uuid>) -> Result<Acting, crate::error::AppError> {
    let ctx = crate::auth::guard::request_ctx().await?;
    let scope = crate::auth::guard::require_agency(&ctx, org_id)
        .await?
        .scope();
    Ok((ctx, scope))
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
