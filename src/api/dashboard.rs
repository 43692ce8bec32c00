//! Server functions for the organization dashboard (any member; admins may
//! ask for a call's billing to be reviewed, and the agency viewing as the
//! organization may change it, in `api::agents`). The filter arrives
//! typed and already checked (`domain::dashboard::filter`), written as the
//! page's URL writes it: `filter[period]=custom&filter[from]=…`.

use crate::domain::{CallDetail, CallFilter, CallsPage, Dashboard};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Totals, chart and agent breakdown for `filter`.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard(filter: CallFilter) -> Result<Dashboard, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            // Shared by everyone watching this organization (state::summaries).
            let (org, key) = (who.org_id(), filter.to_query());
            let compute =
                crate::services::dashboard::dashboard(&app.pool, &who, &filter, chrono::Utc::now());
            let mut d = app.summaries.get_or_compute(org, key, compute).await?;
            d.can_edit = who.is_admin();
            Ok(d)
        }
        .await,
    )
}

/// One page of the calls table, newest first, after the cursor `after`.
#[server(prefix = "/api", endpoint = "dashboard/calls")]
pub async fn load_calls(
    filter: CallFilter,
    #[server(default)] after: Option<String>,
) -> Result<CallsPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            // The first page is what every open dashboard shows: shared like
            // the summary. Later pages are read as asked.
            let (org, key) = (who.org_id(), filter.to_query());
            let compute = crate::services::dashboard::calls_page(
                &app.pool,
                &who,
                &filter,
                after.as_deref(),
                chrono::Utc::now(),
            );
            let mut page = if after.is_none() {
                app.first_pages.get_or_compute(org, key, compute).await?
            } else {
                compute.await?
            };
            page.can_edit = who.is_admin();
            page.can_override = who.agency;
            Ok(page)
        }
        .await,
    )
}

/// One call in full.
#[server(prefix = "/api", endpoint = "dashboard/call")]
pub async fn load_call(id: Uuid) -> Result<CallDetail, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::dashboard::call_detail(&app.pool, &who, id).await
        }
        .await,
    )
}
