//! Server functions for an organization's own users (on its subdomain).

use crate::domain::Member;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "org/home")]
pub async fn org_home() -> Result<crate::domain::OrgHome, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::team::home(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team")]
pub async fn team_members() -> Result<Vec<Member>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::team::members(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team/role")]
pub async fn team_change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::services::members::{change_role, By};
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            change_role(&app.pool, By::OrgAdmin(&who), who.org_id(), user_id, role).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team/remove")]
pub async fn team_remove(user_id: Uuid) -> Result<(), AppError> {
    use crate::services::members::{remove, By};
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            remove(&app.pool, By::OrgAdmin(&who), who.org_id(), user_id).await
        }
        .await,
    )
}

/// The organization's look, for e-mails sent in its name.
#[cfg(feature = "ssr")]
async fn admin_and_look() -> Result<
    (
        crate::state::AppState,
        crate::auth::Principal,
        crate::domain::Branding,
    ),
    AppError,
> {
    let (app, caller) = crate::state::caller::from_context().await?;
    let who = caller.require(super::Need::OrgAdmin).await?;
    let crate::tenancy::HostSite::Org(org) = &caller.site else {
        return Err(AppError::Forbidden);
    };
    Ok((app, who, org.branding.clone()))
}

#[server(prefix = "/api", endpoint = "org/invitations")]
pub async fn team_invitations() -> Result<Vec<crate::domain::invitations::InvitationLine>, AppError>
{
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::invitations::list(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/create")]
pub async fn team_invite(email: String, role: String) -> Result<(), AppError> {
    use crate::domain::Role;
    super::respond(
        async {
            let (app, who, look) = admin_and_look().await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            crate::services::invitations::invite(&app.pool, &app.config, &who, &look, &email, role)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/resend")]
pub async fn team_invitation_resend(id: Uuid) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who, look) = admin_and_look().await?;
            crate::services::invitations::resend(&app.pool, &app.config, &who, &look, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/revoke")]
pub async fn team_invitation_revoke(id: Uuid) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::invitations::revoke(&app.pool, &who, id).await
        }
        .await,
    )
}
