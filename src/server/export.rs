//! `GET /calls/export.csv?<dashboard filter>`: the filtered calls as a CSV
//! download, streamed (see `services::export`). Any member may export.

use crate::auth::{Caller, Need};
use crate::domain::CallFilter;
use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub async fn calls_csv(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let started = async {
        let who = caller.require(Need::Member).await?;
        let HostSite::Org(org) = &caller.site else {
            return Err(AppError::Forbidden);
        };
        let filter = CallFilter::from_query(|k| params.get(k).cloned())
            .map_err(|m| AppError::field("period", m))?;
        crate::services::export::start(&state.pool, &who, &org.slug, &filter, chrono::Utc::now())
            .await
    }
    .await;
    let export = match started {
        Ok(export) => export,
        Err(e) => return super::refuse(e),
    };
    let chunks = tokio_stream::wrappers::ReceiverStream::new(export.chunks);
    let body = Body::from_stream(futures_util::StreamExt::map(chunks, |chunk| {
        chunk.map_err(|e| std::io::Error::other(e.to_string()))
    }));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.filename),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
