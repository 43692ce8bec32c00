use super::{health, host, metrics, security, state::AppState};
use crate::app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Sessions end after 12 hours without activity.
const SESSION_IDLE_HOURS: i64 = 12;

/// The pages' routes, listed once per process.
///
/// Listing them renders the app with resource loading switched off by a
/// process-wide flag (`leptos_server::SuppressResourceLoad`); a resource
/// first polled on another thread while the flag is up never loads, and its
/// page never finishes. One listing per process, before any router exists,
/// means no page can be rendering meanwhile (the integration tests build a
/// router per test, two tests at a time: one in a few hundred builds hung).
fn routes() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// The whole HTTP surface. The server and the integration tests both use this.
pub fn build(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name("cb_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            SESSION_IDLE_HOURS,
        )));

    let ctx_state = state.clone();
    let context = move || provide_context(ctx_state.clone());
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes().to_vec(), context.clone(), move || {
            shell(options.clone())
        })
        .route("/calls/{id}/recording", get(super::recording::recording))
        .route("/calls/export.csv", get(super::export::calls_csv))
        .route("/events", get(super::live::events))
        .route(
            "/console/orgs/{org}/brand/{kind}",
            post(super::brand::upload).layer(DefaultBodyLimit::max(super::brand::MAX_UPLOAD_BYTES)),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Host resolution runs inside the session layer: on the platform
        // domain, an impersonating super admin's session picks the site.
        .layer(from_fn_with_state(state.clone(), host::resolve))
        .layer(sessions);

    // Machine routes sit outside host resolution and sessions: they are
    // identified by their own signatures, not by cookies or Host.
    let webhooks = Router::new()
        .route(
            "/webhooks/agent/{agent}",
            post(crate::ingest::webhook::agent_event),
        )
        .layer(DefaultBodyLimit::max(
            crate::ingest::webhook::MAX_BODY_BYTES,
        ));

    let inbound = Router::new()
        .route(
            "/webhooks/inbound",
            post(crate::inbound::webhook::inbound_call),
        )
        .layer(DefaultBodyLimit::max(
            crate::inbound::webhook::MAX_BODY_BYTES,
        ));

    Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route("/brand/{org}/{kind}", get(super::brand::asset))
        .merge(webhooks)
        .merge(inbound)
        .merge(pages)
        .layer(from_fn(security::refuse_cross_site))
        .layer(from_fn(security::headers))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
