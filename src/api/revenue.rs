//! Server functions for the console's money overview and per-organization
//! rates (super admins, platform domain; see `api::platform`).

use crate::domain::revenue::{Rates, Revenue};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Revenue, COGS and margin across organizations. `period` as on the
/// dashboard (`today`, `7d`, `30d`, `month`, `custom` with `from`/`to`),
/// in whole UTC days; `sort` names a column of the comparison.
#[server(prefix = "/api", endpoint = "platform/revenue")]
pub async fn load_revenue(query: String) -> Result<Revenue, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let filter = crate::domain::CallFilter::from_query_string(&query)
                .map_err(|m| AppError::field("period", m))?;
            let sort = crate::domain::dashboard::query_value(&query, "sort")
                .unwrap_or_else(|| "revenue".into());
            crate::services::revenue::revenue(
                &app.pool,
                sa.platform(),
                filter.period,
                &sort,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/orgs/rates")]
pub async fn load_rates(id: Uuid) -> Result<Rates, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::revenue::rates(&app.pool, sa.platform(), id).await
        }
        .await,
    )
}

/// New per-minute rates (dollars) from now on; `billing` empty means twice
/// the COGS. Calls already made keep the rates of their time. Audited.
#[server(prefix = "/api", endpoint = "platform/orgs/rates/save")]
pub async fn save_rates(id: Uuid, billing: String, cogs: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::revenue::set_rates(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                id,
                &billing,
                &cogs,
            )
            .await
        }
        .await,
    )
}
