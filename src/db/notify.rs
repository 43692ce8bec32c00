//! Change notifications: `NOTIFY callboard_events, '<org>:<kind>'` inside the
//! writing transaction, so listeners hear only committed changes. Kinds:
//! `calls` (live views) and `config` (settings or numbers changed: every
//! server process drops what it cached for the organization).

use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub const CHANNEL: &str = "callboard_events";

pub async fn calls_changed(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    notify(conn, org_id, "calls").await
}

pub async fn config_changed(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    notify(conn, org_id, "config").await
}

async fn notify(conn: &mut PgConnection, org_id: Uuid, kind: &str) -> Result<(), AppError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(format!("{org_id}:{kind}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// A notification's organization and kind, if it is well formed.
pub fn parse(payload: &str) -> Option<(Uuid, &str)> {
    let (org, kind) = payload.split_once(':')?;
    Some((Uuid::parse_str(org).ok()?, kind))
}
