//! The HTTP server (server only): the router, middleware and the plain
//! routes (webhooks, recordings, exports, live updates, brand assets).

pub mod assets;
pub mod brand;
pub mod client_ip;
pub mod export;
pub mod health;
pub mod host;
pub mod listen;
pub mod live;
pub mod metrics;
pub mod recording;
pub mod router;
pub mod security;
pub mod signup;
pub mod statements;
pub mod tool_data;
pub mod webhooks;

use anyhow::Context;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// A plain route's answer to an error: its status and the message meant
/// for people (never internals; see `AppError`).
pub(crate) fn refuse(e: crate::error::AppError) -> Response {
    let status =
        http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// Runs the server until Ctrl-C / SIGTERM.
pub async fn serve(config: crate::config::Config) -> anyhow::Result<()> {
    // A mistyped SMTP setting is a failed start, not silently kept mail.
    crate::services::outbox::Mailer::new(config.smtp_url.as_deref(), &config.mail_from)?;
    let state = crate::state::AppState::new(config).await?;
    crate::db::roles::check_app_role(&state.pool)
        .await
        .context("checking the database role")?;
    let pending = crate::db::MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .count();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&state.pool)
        .await
        .context("reading the migration table (run `callboard migrate` first)")?;
    if applied < pending as i64 {
        anyhow::bail!(
            "the database is {} migration(s) behind; run `callboard migrate`",
            pending as i64 - applied
        );
    }
    state.spawn_housekeeping();
    listen::spawn(state.clone());
    let addr = state.config.site_addr;
    let app = router::build(state.clone());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(%addr, url = %state.config.public_url, "callboard listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
