//! Server functions for Agent Settings (members read, admins save). Phone
//! numbers have their own: `api::numbers`.

use crate::domain::{SettingsForm, SettingsPage};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

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
