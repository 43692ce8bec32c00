//! The append-only activity log. The app role may only INSERT and SELECT it.

use crate::error::AppError;
use serde_json::Value;
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

/// Who did something. The impersonator, when there is one, is filled in by the
/// database from the transaction's context.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub ip: Option<IpAddr>,
}

impl Actor {
    pub fn operator() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor {
            user_id: None,
            label: format!("cli:{who}"),
            ip: None,
        }
    }
}

pub struct Entry<'a> {
    pub org_id: Option<Uuid>,
    pub action: &'a str,
    pub target: Option<String>,
    pub metadata: Value,
}

pub async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    write(
        conn,
        "INSERT INTO audit_log (organization_id, actor_user_id, actor_label, action, target, metadata, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7::inet)",
        actor,
        entry,
    )
    .await
}

/// Runs `sql` with the entry's seven values, in the order both writers take.
async fn write(
    conn: &mut PgConnection,
    sql: &'static str,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query(sql)
        .bind(entry.org_id)
        .bind(actor.user_id)
        .bind(&actor.label)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.metadata)
        .bind(actor.ip.map(|ip| ip.to_string()))
        .execute(conn)
        .await?;
    Ok(())
}

/// A sign-in or sign-out outcome, from the unauthenticated path (which may
/// write nothing else: `app.record_auth`, migration 12).
pub async fn record_auth(
    conn: &mut PgConnection,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    write(
        conn,
        "SELECT app.record_auth($1, $2, $3, $4, $5, $6, $7::inet)",
        actor,
        entry,
    )
    .await
}
