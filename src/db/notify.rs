//! Change notifications for live views: `NOTIFY callboard_events, '<org>:<kind>'`
//! inside the writing transaction, so listeners hear only committed changes.

use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub const CHANNEL: &str = "callboard_events";

pub async fn calls_changed(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(format!("{org_id}:calls"))
        .execute(conn)
        .await?;
    Ok(())
}
