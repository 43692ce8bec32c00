//! System status for the console (super admins, platform path).

use crate::db::{self, PlatformAccess};
use crate::domain::system::Health;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Instant;

/// Agents (problems first), API reachability, and the database's and this
/// server's state.
pub async fn status(
    pool: &PgPool,
    access: PlatformAccess,
    up_since: DateTime<Utc>,
) -> Result<Health, AppError> {
    let started = Instant::now();
    let mut tx = db::tx::platform(pool, access).await?;
    sqlx::query("SELECT 1").execute(&mut *tx).await?;
    let database_ms = started.elapsed().as_millis() as u64;
    let mut agents = db::system::agents(&mut tx).await?;
    let mut reachability = db::system::reachability(&mut tx).await?;
    tx.commit().await?;
    agents.sort_by_key(|a| a.urgency());
    // Failing keys first, then never tested, then fine.
    reachability.sort_by_key(|r| match (r.has_key, r.ok) {
        (true, Some(false)) => 0,
        (false, _) => 1,
        (true, None) => 2,
        (true, Some(true)) => 3,
    });
    Ok(Health {
        agents,
        reachability,
        database_ms,
        server_version: env!("CARGO_PKG_VERSION").to_string(),
        server_up_since: up_since,
        as_of: chrono::Utc::now(),
    })
}
