use super::{assets, health, host, metrics, security};
use crate::app::{shell, App};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderName, Request, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every body but call events and brand uploads: forms, server functions and
/// inbound-call questions are a few KB.
pub const SMALL_BODY_BYTES: usize = 64 * 1024;

/// Refuses a request at once (503, `Retry-After`) when the server already
/// has `CALLBOARD_MAX_CONCURRENT_REQUESTS` under way, rather than queueing
/// work it cannot finish in time. A permit is held until the response's head
/// is ready.
async fn shed_load(
    State(in_flight): State<Arc<Semaphore>>,
    req: Request<axum::body::Body>,
    next: Next,
) -> Response {
    match in_flight.try_acquire() {
        Ok(_permit) => next.run(req).await,
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            "The server is busy. Please retry in a moment.",
        )
            .into_response(),
    }
}

/// A server function whose arguments do not decode (a filter that does not
/// check out, a malformed id) is answered by the framework before our code
/// runs, as a 500. It is the caller's mistake: answer 400, with the same
/// body (an `AppError` the page knows how to show).
async fn malformed_arguments(req: Request<axum::body::Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let from_framework = res
        .headers()
        .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER);
    if from_framework && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        let (mut parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, SMALL_BODY_BYTES)
            .await
            .unwrap_or_default();
        if let Ok(e) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
            parts.status = StatusCode::from_u16(e.status()).unwrap_or(parts.status);
        }
        res = Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    res
}

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
        .route("/welcome/start/{token}", get(super::signup::handoff))
        .route(
            "/statements/{month}/statement.csv",
            get(super::statements::csv),
        )
        .route(
            "/statements/{month}/statement.pdf",
            get(super::statements::pdf),
        )
        .route("/calls/report.pdf", get(super::statements::report))
        .route("/reservations/export.csv", get(super::tool_data::export))
        .route(
            "/reservations/drivers.csv",
            get(super::tool_data::export_drivers),
        )
        .route(
            "/reservations/templates/{file}",
            get(super::tool_data::template),
        )
        .route(
            "/reservations/uploads/{id}/confirm",
            post(super::tool_data::confirm),
        )
        .layer(RequestBodyLimitLayer::new(SMALL_BODY_BYTES))
        .layer(axum::middleware::from_fn(malformed_arguments))
        .route(
            "/console/orgs/{org}/brand/{kind}",
            post(super::brand::upload).layer(DefaultBodyLimit::max(super::brand::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/reservations/upload/{kind}",
            post(super::tool_data::upload)
                .layer(DefaultBodyLimit::max(super::tool_data::MAX_UPLOAD_BYTES)),
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
    // Call events read their own body, after the agent is known, up to
    // `webhooks::calls::MAX_BODY_BYTES`.
    let webhooks = Router::new()
        .route(
            "/webhooks/agent/{agent}",
            post(super::webhooks::calls::agent_event),
        )
        .route(
            "/webhooks/stripe",
            post(super::webhooks::stripe::event).layer(DefaultBodyLimit::max(
                super::webhooks::stripe::MAX_BODY_BYTES,
            )),
        );

    let small = Router::new()
        .route(
            "/webhooks/inbound",
            post(super::webhooks::inbound::inbound_call),
        )
        .route(
            "/tools/check-reservation",
            post(super::webhooks::tools::check_reservation),
        )
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route("/brand/{org}/{kind}", get(super::brand::asset))
        .layer(RequestBodyLimitLayer::new(SMALL_BODY_BYTES));

    // The same for every host (the unknown-host page uses the stylesheet too).
    let pkg_dir = format!("/{}", state.leptos_options.site_pkg_dir);
    let bundle = assets::pkg(
        &state.leptos_options.site_root,
        &state.leptos_options.site_pkg_dir,
    );

    let timeout = Duration::from_secs(state.config.request_timeout_secs.max(1));
    let in_flight = Arc::new(Semaphore::new(state.config.max_concurrent_requests));
    let trusted = Arc::new(state.config.trusted_proxies.clone());
    let served = security::Served {
        https: state.config.secure_cookies(),
    };
    Router::new()
        .merge(webhooks)
        .merge(small)
        .merge(pages)
        .nest_service(&pkg_dir, bundle)
        .layer(assets::compression())
        .layer(from_fn_with_state(served, security::refuse_cross_site))
        .layer(from_fn_with_state(served, security::headers))
        // Bounds the time to a response's head; streamed bodies (live
        // updates, exports, recordings) go on as long as they need.
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(from_fn_with_state(in_flight, shed_load))
        .layer(from_fn_with_state(trusted, super::client_ip::stamp))
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
