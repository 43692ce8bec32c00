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

/// Who manages the organization's team (its admins on its address, or a
/// super admin naming it in the console) and its look, for e-mails sent in
/// its name.
#[cfg(feature = "ssr")]
async fn manager_and_look(
    org_id: Option<Uuid>,
) -> Result<
    (
        crate::state::AppState,
        crate::auth::Principal,
        crate::domain::Branding,
    ),
    AppError,
> {
    use crate::tenancy::HostSite;
    let (app, caller) = crate::state::caller::from_context().await?;
    let who = caller.require(super::Need::Manager(org_id)).await?;
    let look = match &caller.site {
        HostSite::Org(org) => org.branding.clone(),
        HostSite::Platform => {
            let sa = caller.super_admin().await?;
            crate::services::branding::editor(&app.pool, sa.platform(), who.org_id())
                .await?
                .branding
        }
    };
    Ok((app, who, look))
}

#[server(prefix = "/api", endpoint = "org/invitations")]
pub async fn team_invitations(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<Vec<crate::domain::invitations::InvitationLine>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::invitations::list(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/create")]
pub async fn team_invite(
    email: String,
    role: String,
    #[server(default)] org_id: Option<Uuid>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    super::respond(
        async {
            let (app, who, look) = manager_and_look(org_id).await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            crate::services::invitations::invite(&app.pool, &app.config, &who, &look, &email, role)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/resend")]
pub async fn team_invitation_resend(
    id: Uuid,
    #[server(default)] org_id: Option<Uuid>,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who, look) = manager_and_look(org_id).await?;
            crate::services::invitations::resend(&app.pool, &app.config, &who, &look, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/invitations/revoke")]
pub async fn team_invitation_revoke(
    id: Uuid,
    #[server(default)] org_id: Option<Uuid>,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::invitations::revoke(&app.pool, &who, id).await
        }
        .await,
    )
}
