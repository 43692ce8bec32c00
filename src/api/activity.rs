//! The activity log: an organization's admins read their own; super admins
//! read everyone's on the platform domain. The filter's period is the
//! dashboard's; `activity` narrows by who and what; in the console, `org`
//! picks one organization.

use crate::domain::activity::{ActivityEntry, ActivityFilter};
use crate::domain::CallFilter;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "org/activity")]
pub async fn org_activity(
    filter: CallFilter,
    #[server(default)] activity: ActivityFilter,
) -> Result<Vec<ActivityEntry>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            let f = activity.cleaned();
            crate::services::activity::for_org(
                &app.pool,
                &who,
                filter.period,
                &f,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/activity")]
pub async fn platform_activity(
    filter: CallFilter,
    #[server(default)] activity: ActivityFilter,
    #[server(default)] org: Option<Uuid>,
) -> Result<Vec<ActivityEntry>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::activity::platform(
                &app.pool,
                sa.platform(),
                org,
                filter.period,
                &activity.cleaned(),
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}
