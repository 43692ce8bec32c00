//! Server functions for an organization's voice agents, API key and calls.
//! Reading the agents serves the platform console (a super admin names the
//! organization with `org_id`) and an organization's admins on their own
//! subdomain (read-only: `Need::Manager`). Every change — the key,
//! registering, switching off or deleting agents, and billable overrides — is
//! the agency's (`Need::Agency`).

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
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::agents::overview(&app.pool, &who, &app.config.public_url).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            if who.viewing_as() {
                return Err(AppError::Refused(
                    "Credentials cannot be changed while viewing as an organization.".into(),
                ));
            }
            crate::services::agents::set_api_key(&app.pool, &app.keys, &who, &api_key).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::agents::test_connection(&app.pool, &app.keys, &app.voice, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "agents/create")]
pub async fn create_agent(
    #[server(default)] org_id: Option<Uuid>,
    name: String,
    agent_id: String,
) -> Result<crate::domain::AgentRegistered, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::agents::register(
                &app.pool, &app.keys, &app.voice, &who, &agent_id, &name,
            )
            .await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::agents::rename(&app.pool, &who, id, &name).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::agents::set_active(&app.pool, &who, id, active).await?;
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::agents::delete(&app.pool, &who, id).await?;
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
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
            crate::services::calls::set_billable(&app.pool, &who, call_id, value).await
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
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::calls::request_review(&app.pool, &who, call_id, &note).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::calls::open_reviews(&app.pool, &who).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::calls::dismiss_review(&app.pool, &who, call_id).await
        }
        .await,
    )
}
