//! The activity log: an organization's admins read their own; super admins
//! read everyone's on the platform domain. `query` carries the period
//! (as on the dashboard), `actor`, `action` and, in the console, `org`.

use crate::domain::activity::ActivityEntry;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn parse(
    query: &str,
) -> Result<
    (
        crate::domain::Period,
        crate::domain::activity::ActivityFilter,
        Option<uuid::Uuid>,
    ),
    AppError,
> {
    let get = |k: &str| crate::domain::dashboard::query_value(query, k);
    let filter =
        crate::domain::CallFilter::from_query(get).map_err(|m| AppError::field("period", m))?;
    let activity = crate::domain::activity::ActivityFilter::from_query(get);
    let org = get("org").and_then(|o| uuid::Uuid::parse_str(&o).ok());
    Ok((filter.period, activity, org))
}

#[server(prefix = "/api", endpoint = "org/activity")]
pub async fn org_activity(query: String) -> Result<Vec<ActivityEntry>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            let (period, f, _) = parse(&query)?;
            crate::services::activity::for_org(&app.pool, &who, period, &f, chrono::Utc::now())
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/activity")]
pub async fn platform_activity(query: String) -> Result<Vec<ActivityEntry>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let (period, f, org) = parse(&query)?;
            crate::services::activity::platform(
                &app.pool,
                sa.platform(),
                org,
                period,
                &f,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}
