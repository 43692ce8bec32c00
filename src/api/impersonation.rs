//! Starting and ending "View as organization" (see
//! `services::impersonation`).

use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Super admins, on the platform domain: view `org_id` as its admin.
/// Redirects to the organization's dashboard (still on the platform domain).
#[server(prefix = "/api", endpoint = "platform/impersonate")]
pub async fn impersonate(org_id: Uuid) -> Result<(), AppError> {
    super::respond(
        async {
            // A super admin; the session is the one the view lives in.
            let (app, caller) = crate::state::caller::from_context().await?;
            let sa = caller.super_admin().await?;
            let minutes = app.config.impersonation_minutes;
            crate::services::impersonation::start(
                &app.pool,
                &caller.session,
                sa.platform(),
                &sa.actor(),
                org_id,
                minutes,
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Ends viewing as an organization and goes back to its console page.
#[server(prefix = "/api", endpoint = "impersonation/exit")]
pub async fn exit_impersonation() -> Result<(), AppError> {
    super::respond(
        async {
            // Whoever holds the session may end what it says (nothing else is
            // reachable by it); the entry names the super admin it records.
            let (app, caller) = crate::state::caller::from_context().await?;
            let org =
                crate::services::impersonation::stop(&app.pool, &caller.session, caller.ip).await?;
            leptos_axum::redirect(
                &org.map(|o| format!("/orgs/{o}"))
                    .unwrap_or_else(|| "/".into()),
            );
            Ok(())
        }
        .await,
    )
}
