//! Billing review requests (`billing_reviews`): an organization's admin asks
//! the agency to look at a call's billable status.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// An open request with what the agency needs to decide it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenReview {
    pub id: Uuid,
    pub call_id: Uuid,
    pub requested_by: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub call_started_at: Option<DateTime<Utc>>,
    pub from_number: Option<String>,
    pub billed_minutes: i32,
    pub is_billable: bool,
}

/// Opens a request for a call, unless one is open already. Returns whether
/// this made a new one.
pub async fn open(
    conn: &mut PgConnection,
    org_id: Uuid,
    call_id: Uuid,
    requested_by: &str,
    note: &str,
) -> Result<bool, AppError> {
    let n = sqlx::query(
        "INSERT INTO billing_reviews (organization_id, call_id, requested_by, note)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, call_id) WHERE resolved_at IS NULL DO NOTHING",
    )
    .bind(org_id)
    .bind(call_id)
    .bind(requested_by)
    .bind(note)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Closes a call's open request with the agency's decision.
pub async fn resolve(
    conn: &mut PgConnection,
    org_id: Uuid,
    call_id: Uuid,
    resolution: &str,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE billing_reviews SET resolved_at = now(), resolution = $3
          WHERE organization_id = $1 AND call_id = $2 AND resolved_at IS NULL",
    )
    .bind(org_id)
    .bind(call_id)
    .bind(resolution)
    .execute(conn)
    .await?
    .rows_affected())
}

/// The organization's open requests, oldest first.
pub async fn list_open(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<OpenReview>, AppError> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.call_id, r.requested_by, r.note, r.created_at,
                c.started_at AS call_started_at, c.from_number, c.billed_minutes, c.is_billable
           FROM billing_reviews r
           JOIN calls c ON c.organization_id = r.organization_id AND c.id = r.call_id
          WHERE r.organization_id = $1 AND r.resolved_at IS NULL
          ORDER BY r.created_at
          LIMIT 200",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?)
}
