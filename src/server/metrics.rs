//! `/metrics` in Prometheus text format (the `prometheus-client` crate).
//! Exposed to loopback clients, or to anyone presenting
//! `CALLBOARD_METRICS_TOKEN` as a bearer token. The counters themselves are
//! `crate::metrics`, below the server, so the services that count need not
//! know it.

use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Without a token, only a server listening on loopback alone serves
    // metrics (to loopback clients); one reachable from outside requires the
    // token, since a proxy in front would make every client look local.
    let allowed = match &state.config.metrics_token {
        Some(token) => bearer.is_some_and(|b| constant_time_eq(b.as_bytes(), token.as_bytes())),
        None => state.config.site_addr.ip().is_loopback() && peer.ip().is_loopback(),
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
