//! The server function for the console's usage patterns (super admins,
//! platform domain).

use crate::domain::usage::Heatmap;
use crate::domain::CallFilter;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Calls by weekday and hour in `tz` over the filter's period, for the
/// organization `org` or all.
#[server(prefix = "/api", endpoint = "platform/usage")]
pub async fn load_usage(
    filter: CallFilter,
    tz: String,
    #[server(default)] org: Option<Uuid>,
) -> Result<Heatmap, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::usage::usage(
                &app.pool,
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
