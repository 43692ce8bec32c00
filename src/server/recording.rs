//! `GET /calls/{id}/recording`: a call's recording, streamed through our own
//! route. The browser never learns where recordings are kept (the voice
//! platform's URL stays on the server), and the call must belong to the
//! organization of the signed-in member on this host.

use super::host::HostSite;
use super::state::AppState;
use crate::auth::guard::{require_member, RequestCtx};
use crate::db;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::net::SocketAddr;
use tower_sessions::Session;
use uuid::Uuid;

/// Headers passed back from the recording store (others, such as its
/// cookies or server name, are not ours to pass on).
const PASSED_BACK: [header::HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CONTENT_RANGE,
    header::ACCEPT_RANGES,
];

pub async fn recording(
    State(state): State<AppState>,
    Path(call): Path<Uuid>,
    session: Session,
    Extension(site): Extension<HostSite>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let ctx = RequestCtx {
        state: state.clone(),
        session,
        site,
        ip: Some(peer.ip()),
        memo: Default::default(),
    };
    let url = async {
        let user = require_member(&ctx).await?;
        let mut tx = db::tx::tenant(&state.pool, &user.tenant()).await?;
        let url = db::calls::recording_url(&mut tx, user.org.id, call).await?;
        tx.commit().await?;
        url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or(AppError::NotFound)
    }
    .await;
    let url = match url {
        Ok(url) => url,
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
            return (status, e.to_string()).into_response();
        }
    };
    // Seeking in an audio player sends Range requests; pass them through.
    let mut req = state.media.get(&url);
    if let Some(range) = headers.get(header::RANGE) {
        req = req.header(header::RANGE, range.clone());
    }
    let upstream = match req.send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            tracing::warn!(%call, status = %r.status(), "recording store refused a recording");
            return unavailable();
        }
        Err(e) => {
            tracing::warn!(%call, error = %e.without_url(), "could not fetch a recording");
            return unavailable();
        }
    };
    let status = StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::OK);
    let mut res = Response::builder().status(status);
    for name in PASSED_BACK {
        if let Some(v) = upstream.headers().get(&name) {
            res = res.header(name, v.clone());
        }
    }
    res.body(Body::from_stream(upstream.bytes_stream()))
        .unwrap_or_else(|_| unavailable())
}

fn unavailable() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        "The recording is not available right now. Please try again later.",
    )
        .into_response()
}
