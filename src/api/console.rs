//! Server functions for the console's money overview and per-organization
//! rates (super admins, platform domain; see `api::platform`).

use crate::domain::console::{Rates, Revenue};
use crate::domain::health::{Health, Heatmap};
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
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            let filter = crate::domain::CallFilter::from_query_string(&query)
                .map_err(|m| AppError::field("period", m))?;
            let sort = crate::domain::dashboard::query_value(&query, "sort")
                .unwrap_or_else(|| "revenue".into());
            crate::services::console::revenue(
                &ctx.state.pool,
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
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            crate::services::console::rates(&ctx.state.pool, sa.platform(), id).await
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
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            crate::services::console::set_rates(
                &ctx.state.pool,
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

/// Calls by weekday and hour in `tz` over the period in `query`, for the
/// organization `org` or all.
#[server(prefix = "/api", endpoint = "platform/usage")]
pub async fn load_usage(
    query: String,
    tz: String,
    #[server(default)] org: Option<Uuid>,
) -> Result<Heatmap, AppError> {
    super::respond(
        async {
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            let filter = crate::domain::CallFilter::from_query_string(&query)
                .map_err(|m| AppError::field("period", m))?;
            crate::services::health::usage(
                &ctx.state.pool,
                sa.platform(),
                filter.period,
                &tz,
                org,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}

/// Agents' deliveries (problems first), API reachability, database and
/// server state.
#[server(prefix = "/api", endpoint = "platform/health")]
pub async fn load_health() -> Result<Health, AppError> {
    super::respond(
        async {
            let (ctx, sa) = super::platform::ssr::super_admin().await?;
            crate::services::health::health(&ctx.state.pool, sa.platform(), ctx.state.started_at)
                .await
        }
        .await,
    )
}
