//! Agents (a tenant table), plus the one cross-tenant lookup the webhook route
//! needs: which organization owns the agent in a URL.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgentRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub provider_agent_id: String,
    pub name: String,
    pub status: String,
    pub status_message: Option<String>,
    pub last_webhook_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub call_count: i64,
}

const COLUMNS: &str = "a.id, a.organization_id, a.provider_agent_id, a.name, a.status,
    a.status_message, a.last_webhook_at, a.created_at,
    (SELECT count(*) FROM calls c WHERE c.organization_id = a.organization_id AND c.agent_id = a.id)
      AS call_count";

pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<AgentRow>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agents a WHERE a.organization_id = $1 ORDER BY a.name, a.id"
    );
    Ok(sqlx::query_as(&sql).bind(org_id).fetch_all(conn).await?)
}

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<AgentRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM agents a WHERE a.organization_id = $1 AND a.id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(org_id)
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn insert(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_agent_id: &str,
    name: &str,
) -> Result<Uuid, sqlx::Error> {
    let (id,): (Uuid,) = sqlx::query_as(
        "INSERT INTO agents (organization_id, provider_agent_id, name) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(org_id)
    .bind(provider_agent_id)
    .bind(name)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn rename(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    name: &str,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE agents SET name = $3, updated_at = now() WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(name)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Switches an agent off (`inactive`) or back on. Back on means waiting for
/// the next correctly signed event again, unless one has arrived before.
pub async fn set_active(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    active: bool,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE agents SET
            status = CASE WHEN NOT $3 THEN 'inactive'
                          WHEN last_webhook_at IS NULL THEN 'pending_validation'
                          ELSE 'active' END,
            status_message = NULL, failed_streak = 0, updated_at = now()
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(active)
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn delete(conn: &mut PgConnection, org_id: Uuid, id: Uuid) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM agents WHERE organization_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Which organization owns the agent in a webhook URL, whether it takes
/// events, the platform's id for it (an event must name it), and the key to
/// verify events with: the organization's own, else the agency's shared one.
/// Runs on the lookup path (the caller is not yet known); keys stay sealed.
#[derive(Debug, Clone)]
pub struct Owner {
    pub org_id: Uuid,
    pub inactive: bool,
    pub provider_agent_id: String,
    pub key: Option<crate::db::credentials::VoiceKey>,
}

pub async fn owner(conn: &mut PgConnection, id: Uuid) -> Result<Option<Owner>, AppError> {
    use sqlx::Row;
    let (columns, joins) = crate::db::credentials::voice_key_sql("a.organization_id");
    let row = sqlx::query(&format!(
        "SELECT a.organization_id, a.status, a.provider_agent_id, {columns}
           FROM agents a {joins} WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let read = |r: &sqlx::postgres::PgRow| -> Result<Owner, sqlx::Error> {
        Ok(Owner {
            org_id: r.try_get("organization_id")?,
            inactive: r.try_get::<String, _>("status")? == "inactive",
            provider_agent_id: r.try_get("provider_agent_id")?,
            key: crate::db::credentials::voice_key_from(r)?,
        })
    };
    Ok(row.as_ref().map(read).transpose()?)
}

/// How many failed verifications in a row turn an agent to `error`.
pub const ERROR_AFTER_FAILURES: i32 = 5;

/// After a request that failed verification: count it, and after enough in a
/// row (with no good event between), put the agent in `error` with a reason.
pub async fn mark_rejected(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE agents SET
            failed_streak = failed_streak + 1,
            status = CASE WHEN status <> 'inactive' AND failed_streak + 1 >= $3 THEN 'error' ELSE status END,
            status_message = CASE WHEN status <> 'inactive' AND failed_streak + 1 >= $3 THEN $4
                                  ELSE status_message END
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(ERROR_AFTER_FAILURES)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// The organizations that registered the platform's agent `provider_id`, at
/// most two (lookup path; the tool calls of a shared agent name it).
pub async fn orgs_of_provider_agent(
    conn: &mut PgConnection,
    provider_id: &str,
) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT organization_id FROM agents WHERE provider_agent_id = $1 LIMIT 2",
    )
    .bind(provider_id)
    .fetch_all(conn)
    .await?)
}
