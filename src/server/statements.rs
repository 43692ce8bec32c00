//! `GET /statements/{month}/statement.csv`: one month's statement as CSV, for the
//! organization's members on its own address.

use crate::auth::{Caller, Need};
use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn csv(
    State(state): State<AppState>,
    Path(month): Path<String>,
    caller: Caller,
) -> Response {
    let who = match caller.require(Need::Member).await {
        Ok(w) => w,
        Err(e) => return super::refuse(e),
    };
    let Some(month) = crate::domain::statements::parse_month(&month) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let org = match &caller.site {
        HostSite::Org(org) => org.clone(),
        HostSite::Platform => return StatusCode::NOT_FOUND.into_response(),
    };
    let result = crate::services::statements::get(&state.pool, &who, month)
        .await
        .and_then(|s| crate::services::statements::csv(&org.branding.display_name, &s));
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}-statement-{}.csv\"",
                        org.slug,
                        crate::domain::statements::month_key(month)
                    ),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => super::refuse(e),
    }
}
