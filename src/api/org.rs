//! Server functions for an organization's own users (on its subdomain).

use crate::domain::Member;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "org/home")]
pub async fn org_home() -> Result<crate::domain::OrgHome, AppError> {
    use crate::auth::guard::{request_ctx, require_member};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let user = require_member(&ctx).await?;
            crate::services::team::home(&ctx.state.pool, &user).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team")]
pub async fn team_members() -> Result<Vec<Member>, AppError> {
    use crate::auth::guard::{request_ctx, require_org_admin};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let admin = require_org_admin(&ctx).await?;
            crate::services::team::members(&ctx.state.pool, &admin).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team/role")]
pub async fn team_change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::auth::guard::{request_ctx, require_org_admin};
    use crate::domain::Role;
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let admin = require_org_admin(&ctx).await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            {
                use crate::services::members::{change_role, By};
                change_role(
                    &ctx.state.pool,
                    By::OrgAdmin(&admin),
                    admin.org.id,
                    user_id,
                    role,
                )
                .await
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/team/remove")]
pub async fn team_remove(user_id: Uuid) -> Result<(), AppError> {
    use crate::auth::guard::{request_ctx, require_org_admin};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let admin = require_org_admin(&ctx).await?;
            {
                use crate::services::members::{remove, By};
                remove(&ctx.state.pool, By::OrgAdmin(&admin), admin.org.id, user_id).await
            }
        }
        .await,
    )
}
