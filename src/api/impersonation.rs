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
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            let minutes = ctx.state.config.impersonation_minutes;
            crate::services::impersonation::start(
                &ctx.state.pool,
                &ctx.session,
                &sa,
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
            let ctx = crate::auth::guard::request_ctx().await?;
            let org =
                crate::services::impersonation::stop(&ctx.state.pool, &ctx.session, ctx.ip).await?;
            leptos_axum::redirect(
                &org.map(|o| format!("/orgs/{o}"))
                    .unwrap_or_else(|| "/".into()),
            );
            Ok(())
        }
        .await,
    )
}
