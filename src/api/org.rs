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
