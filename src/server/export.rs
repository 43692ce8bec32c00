//! `GET /calls/export.csv?<dashboard filter>`: the filtered calls as a CSV
//! download, streamed (see `services::export`). Any member may export.

use super::state::AppState;
use crate::auth::guard::{require_member, RequestCtx};
use crate::domain::CallFilter;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub async fn calls_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let started = async {
        let user = require_member(&ctx).await?;
        let filter = CallFilter::from_query(|k| params.get(k).cloned())
            .map_err(|m| AppError::field("period", m))?;
        crate::services::export::start(
            &state.pool,
            user.tenant(),
            &user.org.slug,
            &filter,
            chrono::Utc::now(),
        )
        .await
    }
    .await;
    let export = match started {
        Ok(export) => export,
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            return (status, e.to_string()).into_response();
        }
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
