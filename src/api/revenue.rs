//! Server functions for the console's money overview and per-organization
//! rates (super admins, platform domain; see `api::platform`).

use crate::domain::revenue::{Rates, Revenue};
use crate::domain::CallFilter;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Revenue, COGS and margin across organizations over the filter's period
/// (as on the dashboard, in whole UTC days); `sort` names a column of the
/// comparison (revenue when not given).
#[server(prefix = "/api", endpoint = "platform/revenue")]
pub async fn load_revenue(
    filter: CallFilter,
    #[server(default)] sort: Option<String>,
) -> Result<Revenue, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let sort = sort.unwrap_or_else(|| "revenue".into());
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
