//! `GET /calls/{id}/recording`: a call's recording, streamed through our own
//! route. The browser never learns where recordings are kept (the voice
//! platform's URL stays on the server), and the call must belong to the
//! organization of the signed-in member on this host. What may be fetched is
//! `media`'s decision: a refused or failed fetch is "unavailable",
//! never the upstream's body.

use crate::auth::{Caller, Need};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub async fn recording(
    State(state): State<AppState>,
    Path(call): Path<Uuid>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let url = async {
        let who = caller.require(Need::Member).await?;
        crate::services::dashboard::recording_url(&state.pool, &who, call).await
    }
    .await;
    let url = match url {
        Ok(url) => url,
        Err(e) => return super::refuse(e),
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let fetched = match state.media.fetch(&url, range).await {
        Ok(f) => f,
        Err(why) => {
            // The URL itself stays out of the log: it is a signed link.
            tracing::warn!(%call, reason = %why, "recording not fetched");
            return unavailable();
        }
    };
    let mut res = Response::builder()
        .status(StatusCode::from_u16(fetched.status).unwrap_or(StatusCode::OK))
        // Audio only, and never sniffed into anything else.
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CONTENT_DISPOSITION, "inline");
    for (name, value) in fetched.headers {
        res = res.header(name, value);
    }
    res.body(Body::from_stream(fetched.body))
        .unwrap_or_else(|_| unavailable())
}

fn unavailable() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        "Recording unavailable. Please try again later.",
    )
        .into_response()
}
