//! Server functions for the organization dashboard (any member; admins may
//! ask for a call's billing to be reviewed, and the agency viewing as the
//! organization may change it, in `api::agents`). The filter travels
//! as the page's own query string, so what the URL says is what is shown.

use crate::domain::{CallDetail, CallsPage, Dashboard};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The signed-in member of this host's organization, as a dashboard reader.
#[cfg(feature = "ssr")]
async fn reader() -> Result<
    (
        crate::auth::guard::RequestCtx,
        crate::services::dashboard::Reader,
    ),
    AppError,
> {
    use crate::auth::guard::{request_ctx, require_member};
    let ctx = request_ctx().await?;
    let user = require_member(&ctx).await?;
    let reader = crate::services::dashboard::Reader {
        tenant: user.tenant(),
        can_edit: user.role == crate::domain::Role::Admin,
        can_override: user.impersonator.is_some(),
    };
    Ok((ctx, reader))
}

#[cfg(feature = "ssr")]
fn filter(query: &str) -> Result<crate::domain::CallFilter, AppError> {
    crate::domain::CallFilter::from_query_string(query).map_err(|m| AppError::field("period", m))
}

/// Totals, chart and agent breakdown for the filter in `query`.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard(query: String) -> Result<Dashboard, AppError> {
    super::respond(
        async {
            let (ctx, reader) = reader().await?;
            let filter = filter(&query)?;
            // Shared by everyone watching this organization (server::summaries).
            let (org, key) = (reader.tenant.org_id, filter.to_query());
            let compute = crate::services::dashboard::dashboard(
                &ctx.state.pool,
                &reader,
                &filter,
                chrono::Utc::now(),
            );
            let mut d = ctx
                .state
                .summaries
                .get_or_compute(org, key, compute)
                .await?;
            d.can_edit = reader.can_edit;
            Ok(d)
        }
        .await,
    )
}

/// One page of the calls table, newest first, after the cursor `after`.
#[server(prefix = "/api", endpoint = "dashboard/calls")]
pub async fn load_calls(
    query: String,
    #[server(default)] after: Option<String>,
) -> Result<CallsPage, AppError> {
    super::respond(
        async {
            let (ctx, reader) = reader().await?;
            let filter = filter(&query)?;
            // The first page is what every open dashboard shows: shared like
            // the summary. Later pages are read as asked.
            let (org, key) = (reader.tenant.org_id, filter.to_query());
            let compute = crate::services::dashboard::calls_page(
                &ctx.state.pool,
                &reader,
                &filter,
                after.as_deref(),
                chrono::Utc::now(),
            );
            let mut page = if after.is_none() {
                ctx.state
                    .first_pages
                    .get_or_compute(org, key, compute)
                    .await?
            } else {
                compute.await?
            };
            page.can_edit = reader.can_edit;
            page.can_override = reader.can_override;
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
            let (ctx, reader) = reader().await?;
            crate::services::dashboard::call_detail(&ctx.state.pool, &reader, id).await
        }
        .await,
    )
}
