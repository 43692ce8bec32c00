//! Server functions of the platform console (super admins, root domain).

use crate::domain::{OrgDetail, OrgSummary, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "platform/orgs")]
pub async fn list_orgs() -> Result<Vec<OrgSummary>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::orgs::list(&app.pool, sa.platform()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/orgs/get")]
pub async fn get_org(id: Uuid) -> Result<OrgDetail, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let config = app.config.clone();
            crate::services::orgs::detail(&app.pool, sa.platform(), id, |s| config.org_url(s)).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/orgs/create")]
pub async fn create_org(
    name: String,
    slug: String,
    subdomain: String,
    custom_domain: String,
) -> Result<OrgSummary, AppError> {
    use crate::services::orgs::OrgInput;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let input = OrgInput {
                name,
                slug,
                subdomain,
                custom_domain,
            };
            let org = crate::services::orgs::create(&app.pool, sa.platform(), &sa.actor(), &input)
                .await?;
            // The operator goes on to set it up: its page (also without JavaScript).
            leptos_axum::redirect(&format!("/orgs/{}", org.id));
            Ok(org)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/orgs/update")]
pub async fn update_org(
    id: Uuid,
    name: String,
    slug: String,
    subdomain: String,
    custom_domain: String,
) -> Result<OrgSummary, AppError> {
    use crate::services::orgs::OrgInput;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let input = OrgInput {
                name,
                slug,
                subdomain,
                custom_domain,
            };
            let org =
                crate::services::orgs::update(&app.pool, sa.platform(), &sa.actor(), id, &input)
                    .await?;
            Ok(org)
        }
        .await,
    )
}

/// Suspends or reactivates an organization; suspending may also release its
/// numbers from the voice platform (`release_numbers`).
#[server(prefix = "/api", endpoint = "platform/orgs/status")]
pub async fn set_org_status(
    id: Uuid,
    status: String,
    #[server(default)] release_numbers: bool,
) -> Result<OrgSummary, AppError> {
    use crate::domain::OrgStatus;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let status = OrgStatus::parse(&status)
                .ok_or_else(|| AppError::field("status", "Unknown status."))?;
            let org = crate::services::orgs::set_status(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                id,
                status,
            )
            .await?;
            if release_numbers && status == OrgStatus::Suspended {
                let (app, who) = super::require(super::Need::Agency(Some(id))).await?;
                let kept =
                    crate::services::numbers::release_all(&app.pool, app.voice_platform(), &who)
                        .await?;
                if !kept.is_empty() {
                    return Err(AppError::Refused(format!(
                        "The organization is suspended, but the voice platform could not release {}. \
                         Try again from its phone numbers.",
                        kept.join(", ")
                    )));
                }
            }
            Ok(org)
        }
        .await,
    )
}

/// Deletes an organization: its numbers are released from the voice
/// platform first; if some cannot be, nothing is deleted unless the super
/// admin confirms `delete_anyway`.
#[server(prefix = "/api", endpoint = "platform/orgs/delete")]
pub async fn delete_org(
    id: Uuid,
    confirm_slug: String,
    #[server(default)] delete_anyway: bool,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::orgs::check_delete(&app.pool, sa.platform(), id, &confirm_slug)
                .await?;
            let (_, who) = super::require(super::Need::Agency(Some(id))).await?;
            let kept = crate::services::numbers::release_all(&app.pool, app.voice_platform(), &who)
                .await?;
            if !kept.is_empty() && !delete_anyway {
                return Err(AppError::Conflict(format!(
                    "The voice platform could not release {}, so nothing was deleted. Try again, \
                     or confirm \u{201c}delete anyway\u{201d} to leave them in the platform account.",
                    kept.join(", ")
                )));
            }
            crate::services::orgs::delete(&app.pool, sa.platform(), &sa.actor(), id, &confirm_slug)
                .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::users::list(&app.pool, sa.platform()).await
        }
        .await,
    )
}

/// Creates a user; with `org_id` and `role`, also adds them to that organization.
#[server(prefix = "/api", endpoint = "platform/users/create")]
pub async fn create_user(
    email: String,
    password: String,
    #[server(default)] super_admin: Option<String>,
) -> Result<Uuid, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let make_super = super_admin.is_some_and(|v| v == "on" || v == "true");
            crate::services::users::create(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                &email,
                password,
                make_super,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/users/disabled")]
pub async fn set_user_disabled(user_id: Uuid, disabled: bool) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::users::set_disabled(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                user_id,
                disabled,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/members/add")]
pub async fn add_member(
    org_id: Uuid,
    email: String,
    role: String,
    #[server(default)] password: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            crate::services::users::add_member(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                org_id,
                &email,
                role,
                password,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/members/role")]
pub async fn change_member_role(org_id: Uuid, user_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::domain::Role;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", "Choose admin or viewer."))?;
            use crate::services::members::{change_role, By};
            let actor = sa.actor();
            let by = By::Agency {
                access: sa.platform(),
                actor: &actor,
            };
            change_role(&app.pool, by, org_id, user_id, role).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/members/remove")]
pub async fn remove_member(org_id: Uuid, user_id: Uuid) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            use crate::services::members::{remove, By};
            let actor = sa.actor();
            let by = By::Agency {
                access: sa.platform(),
                actor: &actor,
            };
            remove(&app.pool, by, org_id, user_id).await
        }
        .await,
    )
}

/// The branding editor's data for one organization.
#[server(prefix = "/api", endpoint = "platform/orgs/branding")]
pub async fn org_branding(id: Uuid) -> Result<crate::domain::BrandingEditor, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::branding::editor(&app.pool, sa.platform(), id).await
        }
        .await,
    )
}

/// Saves an organization's display name and colours.
#[server(prefix = "/api", endpoint = "platform/orgs/branding/save")]
pub async fn save_branding(
    id: Uuid,
    brand_name: String,
    primary_color: String,
    secondary_color: String,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::branding::set_look(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                id,
                &brand_name,
                &primary_color,
                &secondary_color,
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

/// Removes an organization's logo or favicon (`kind`: `logo` | `favicon`).
#[server(prefix = "/api", endpoint = "platform/orgs/branding/remove")]
pub async fn remove_brand_asset(id: Uuid, kind: String) -> Result<(), AppError> {
    use crate::services::branding::AssetKind;
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let kind = AssetKind::parse(&kind).ok_or(AppError::NotFound)?;
            crate::services::branding::remove_asset(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                id,
                kind,
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

/// Sets the timezone the console shows this super admin's times in; returns its name.
#[server(prefix = "/api", endpoint = "platform/timezone")]
pub async fn set_my_timezone(timezone: String) -> Result<String, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let clock = crate::services::clock::set_super_admin_zone(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                &timezone,
            )
            .await?;
            Ok(clock.zone)
        }
        .await,
    )
}

/// Every timezone name the picker offers.
#[server(prefix = "/api", endpoint = "platform/timezone/names")]
pub async fn timezone_names() -> Result<Vec<String>, AppError> {
    super::respond(
        async {
            super::require_super_admin().await?;
            Ok(crate::domain::time::timezone_names())
        }
        .await,
    )
}
