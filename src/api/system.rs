//! The server function for the console's system status (super admins,
//! platform domain).

use crate::domain::system::Health;
use crate::error::AppError;
use leptos::prelude::*;

/// Agents' deliveries (problems first), API reachability, database and
/// server state.
#[server(prefix = "/api", endpoint = "platform/health")]
pub async fn load_health() -> Result<Health, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::system::status(&app.pool, sa.platform(), app.started_at).await
        }
        .await,
    )
}

/// The e-mail outbox, newest first: sent, waiting, failing (with the error),
/// and whether SMTP is configured at all.
#[server(prefix = "/api", endpoint = "platform/outbox")]
pub async fn load_outbox() -> Result<(bool, Vec<crate::domain::system::OutboxLine>), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let list = crate::services::outbox::recent(&app.pool, sa.platform(), 100).await?;
            Ok((app.mail_configured, list))
        }
        .await,
    )
}
