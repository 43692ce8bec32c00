//! Statements and reports to download, for the organization's members on
//! its own address: a month's statement as CSV or PDF, and the call report
//! PDF for a dashboard filter.

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

/// `GET /statements/{month}/statement.pdf`: the statement in the
/// organization's look.
pub async fn pdf(
    State(state): State<AppState>,
    Path(month): Path<String>,
    caller: Caller,
) -> Response {
    let who = match caller.require(Need::Member).await {
        Ok(w) => w,
        Err(e) => return super::refuse(e),
    };
    let (Some(month), HostSite::Org(org)) =
        (crate::domain::statements::parse_month(&month), &caller.site)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match crate::services::documents::statement(
        &state.pool,
        &state.config,
        &who,
        &org.branding,
        month,
    )
    .await
    {
        Ok(doc) => pdf_response(doc),
        Err(e) => super::refuse(e),
    }
}

/// `GET /calls/report.pdf?<dashboard filter>`: the call report.
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let who = match caller.require(Need::Member).await {
        Ok(w) => w,
        Err(e) => return super::refuse(e),
    };
    let HostSite::Org(org) = &caller.site else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let filter = match crate::domain::CallFilter::from_query(|k| params.get(k).cloned()) {
        Ok(f) => f,
        Err(m) => return super::refuse(crate::error::AppError::field("period", m)),
    };
    match crate::services::documents::report(
        &state.pool,
        &state.config,
        &who,
        &org.branding,
        &filter,
    )
    .await
    {
        Ok(doc) => pdf_response(doc),
        Err(e) => super::refuse(e),
    }
}

fn pdf_response(doc: crate::services::documents::Pdf) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", doc.filename),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        doc.bytes,
    )
        .into_response()
}
