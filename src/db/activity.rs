//! Reading the activity log: an organization's own (tenant transaction;
//! the app role sees only its organization's rows) or every organization's
//! (platform path).

use crate::domain::activity::ActivityEntry;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// The newest `limit` entries in `[from, to)`, for `org` or (platform path,
/// `None`) everyone, filtered by actor text and action prefix.
pub async fn list(
    conn: &mut PgConnection,
    org: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    actor: Option<&str>,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<ActivityEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT l.created_at, l.actor_label, l.impersonator_user_id IS NOT NULL AS impersonated,
                l.action, l.target, o.name AS org_name, host(l.ip) AS ip
           FROM audit_log l
           LEFT JOIN organizations o ON o.id = l.organization_id
          WHERE ($1::uuid IS NULL OR l.organization_id = $1)
            AND l.created_at >= $2 AND l.created_at < $3
            AND ($4::text IS NULL OR l.actor_label ILIKE '%' || $4 || '%')
            AND ($5::text IS NULL OR l.action LIKE $5 || '%')
          ORDER BY l.created_at DESC, l.id DESC
          LIMIT $6",
    )
    .bind(org)
    .bind(from)
    .bind(to)
    .bind(actor.map(|a| a.replace(['%', '_'], "")))
    .bind(action.map(|a| a.replace(['%', '_'], "")))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ActivityEntry {
                at: r.try_get("created_at")?,
                actor: r.try_get("actor_label")?,
                impersonated: r.try_get("impersonated")?,
                action: r.try_get("action")?,
                target: r.try_get("target")?,
                org: r.try_get("org_name")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
