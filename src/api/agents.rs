//! Server functions for an organization's voice agents, API key and calls.
//! Reading the agents serves the platform console (a super admin names the
//! organization with `org_id`) and an organization's admins on their own
//! subdomain (read-only: see `auth::guard::require_manager`). Every change —
//! the key, registering, switching off or deleting agents, and billable
//! overrides — is the agency's (`auth::guard::require_agency`).

use crate::domain::{AgentsOverview, BillingReview, ConnectionCheck};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "agents")]
pub async fn load_agents(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<AgentsOverview, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::manager(org_id).await?;
            crate::services::agents::overview(&ctx.state.pool, &scope, &ctx.state.config.public_url)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/api-key")]
pub async fn set_api_key(
    #[server(default)] org_id: Option<Uuid>,
    api_key: String,
) -> Result<String, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            if scope.tenant.impersonator_id.is_some() {
                return Err(AppError::Refused(
                    "Credentials cannot be changed while viewing as an organization.".into(),
                ));
            }
            let s = &ctx.state;
            let last4 =
                crate::services::agents::set_api_key(&s.pool, &s.keys, &scope, &api_key).await?;
            s.forget_org(scope.tenant.org_id);
            Ok(last4)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/test-connection")]
pub async fn test_connection(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<ConnectionCheck, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            let s = &ctx.state;
            crate::services::agents::test_connection(&s.pool, &s.keys, &s.voice, &scope).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/create")]
pub async fn create_agent(
    #[server(default)] org_id: Option<Uuid>,
    name: String,
    agent_id: String,
) -> Result<Uuid, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::agents::create(&ctx.state.pool, &scope, &agent_id, &name).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/rename")]
pub async fn rename_agent(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
    name: String,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::agents::rename(&ctx.state.pool, &scope, id, &name).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/active")]
pub async fn set_agent_active(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
    active: bool,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::agents::set_active(&ctx.state.pool, &scope, id, active).await?;
            ctx.state.forget_org(scope.tenant.org_id);
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/delete")]
pub async fn delete_agent(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::agents::delete(&ctx.state.pool, &scope, id).await?;
            ctx.state.forget_org(scope.tenant.org_id);
            Ok(())
        }
        .await,
    )
}

/// Marks a call billable (`true`), test (`false`) or back to the default (`default`).
#[server(prefix = "/api", endpoint = "calls/billable")]
pub async fn set_call_billable(
    #[server(default)] org_id: Option<Uuid>,
    call_id: Uuid,
    billable: String,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            let value = match billable.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                "default" => None,
                _ => {
                    return Err(AppError::field(
                        "billable",
                        "Choose billable, test or default.",
                    ))
                }
            };
            crate::services::calls::set_billable(
                &ctx.state.pool,
                &scope.tenant,
                &scope.actor,
                call_id,
                value,
            )
            .await
        }
        .await,
    )
}

/// An organization's admin asks the agency to review whether a call is
/// billed. `false` when a request for it is already open.
#[server(prefix = "/api", endpoint = "calls/review")]
pub async fn request_billing_review(
    call_id: Uuid,
    #[server(default)] note: String,
) -> Result<bool, AppError> {
    use crate::auth::guard::{request_ctx, require_org_admin};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let admin = require_org_admin(&ctx).await?;
            let (tenant, actor) = (admin.tenant(), admin.actor());
            crate::services::calls::request_review(&ctx.state.pool, &tenant, &actor, call_id, &note)
                .await
        }
        .await,
    )
}

/// The organization's open billing review requests (the agency's console).
#[server(prefix = "/api", endpoint = "platform/reviews")]
pub async fn billing_reviews(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<Vec<BillingReview>, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::calls::open_reviews(&ctx.state.pool, &scope.tenant).await
        }
        .await,
    )
}

/// Closes a review request without changing the call.
#[server(prefix = "/api", endpoint = "platform/reviews/dismiss")]
pub async fn dismiss_billing_review(
    #[server(default)] org_id: Option<Uuid>,
    call_id: Uuid,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::calls::dismiss_review(
                &ctx.state.pool,
                &scope.tenant,
                &scope.actor,
                call_id,
            )
            .await
        }
        .await,
    )
}
