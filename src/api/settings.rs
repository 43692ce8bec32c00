//! Server functions for Agent Settings (members read, admins save) and for
//! an organization's phone numbers (managers: a super admin naming the
//! organization, or the organization's own admins).

use crate::domain::{PhoneNumber, SettingsForm, SettingsPage};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;

/// The Agent Settings page's data (any member; viewers get it read-only).
#[server(prefix = "/api", endpoint = "settings")]
pub async fn agent_settings() -> Result<SettingsPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::settings::page(&app.pool, &who).await
        }
        .await,
    )
}

/// Saves the settings (organization admins only); returns when.
#[server(prefix = "/api", endpoint = "settings/save")]
pub async fn save_agent_settings(form: SettingsForm) -> Result<DateTime<Utc>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::settings::save(&app.pool, &who, &form).await
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
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::settings::numbers(&app.pool, &who).await
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            let id = crate::services::settings::add_number(&app.pool, &who, &number).await?;
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
            let (app, who) = super::require(super::Need::Agency(org_id)).await?;
            crate::services::settings::remove_number(&app.pool, &who, id).await?;
            Ok(())
        }
        .await,
    )
}
