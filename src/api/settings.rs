//! Server functions for Agent Settings (members read, admins save) and for
//! an organization's phone numbers (managers: a super admin naming the
//! organization, or the organization's own admins).

use crate::domain::{PhoneNumber, SettingsForm, SettingsPage};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::auth::guard::OrgUser;
    use crate::services::agents::Scope;

    pub fn admin_scope(admin: &OrgUser) -> Scope {
        Scope {
            tenant: admin.tenant(),
            actor: admin.actor(),
            privileged: false,
        }
    }
}

/// The Agent Settings page's data (any member; viewers get it read-only).
#[server(prefix = "/api", endpoint = "settings")]
pub async fn agent_settings() -> Result<SettingsPage, AppError> {
    use crate::auth::guard::{request_ctx, require_member};
    use crate::services::settings::{page, Viewer};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let user = require_member(&ctx).await?;
            let viewer = Viewer {
                tenant: user.tenant(),
                org_name: &user.org.name,
                email: &user.email,
                can_edit: user.role == crate::domain::Role::Admin,
            };
            page(&ctx.state.pool, &viewer).await
        }
        .await,
    )
}

/// Saves the settings (organization admins only); returns when.
#[server(prefix = "/api", endpoint = "settings/save")]
pub async fn save_agent_settings(form: SettingsForm) -> Result<DateTime<Utc>, AppError> {
    use crate::auth::guard::{request_ctx, require_org_admin};
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let admin = require_org_admin(&ctx).await?;
            let scope = ssr::admin_scope(&admin);
            let saved = crate::services::settings::save(&ctx.state.pool, &scope, &form).await?;
            ctx.state.forget_org(admin.org.id);
            Ok(saved)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers")]
pub async fn phone_numbers(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<Vec<PhoneNumber>, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::manager(org_id).await?;
            crate::services::settings::numbers(&ctx.state.pool, &scope).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/add")]
pub async fn add_phone_number(
    #[server(default)] org_id: Option<Uuid>,
    number: String,
) -> Result<Uuid, AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            let id =
                crate::services::settings::add_number(&ctx.state.pool, &scope, &number).await?;
            ctx.state.forget_org(scope.tenant.org_id);
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/remove")]
pub async fn remove_phone_number(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (ctx, scope) = super::agency(org_id).await?;
            crate::services::settings::remove_number(&ctx.state.pool, &scope, id).await?;
            ctx.state.forget_org(scope.tenant.org_id);
            Ok(())
        }
        .await,
    )
}
