//! Reading the activity log: an organization's own (tenant transaction;
//! the app role sees only its organization's rows) or every organization's
//! (platform path).

use crate::domain::activity::ActivityEntry;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Whose entries an organization sees without a name: the agency's (a super
/// admin viewing as the organization, or acting on it from the console —
/// anyone signed in who is not one of its members).
pub const AGENCY_STAFF: &str = "Agency staff";

/// The newest `limit` entries in `[from, to)`, for `org` or (platform path,
/// `None`) everyone, filtered by actor text and action prefix. With
/// `mask_staff` (an organization's own view) the agency's people appear as
/// [`AGENCY_STAFF`], without their address, and the actor filter sees only
/// that label.
#[allow(clippy::too_many_arguments)]
pub async fn list(
    conn: &mut PgConnection,
    mask_staff: bool,
    org: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    actor: Option<&str>,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<ActivityEntry>, AppError> {
    let rows = sqlx::query(
        "WITH l AS (
           SELECT l.*, $7 AND (l.impersonator_user_id IS NOT NULL
                               OR (l.actor_user_id IS NOT NULL AND NOT EXISTS (
                                     SELECT 1 FROM memberships m
                                      WHERE m.organization_id = l.organization_id
                                        AND m.user_id = l.actor_user_id))) AS masked
             FROM audit_log l
            WHERE ($1::uuid IS NULL OR l.organization_id = $1)
              AND l.created_at >= $2 AND l.created_at < $3
              AND ($5::text IS NULL OR l.action LIKE $5 || '%'))
         SELECT l.created_at,
                CASE WHEN l.masked THEN $8 ELSE l.actor_label END AS actor_label,
                l.impersonator_user_id IS NOT NULL AS impersonated,
                l.action, l.target, o.name AS org_name,
                CASE WHEN l.masked THEN NULL ELSE host(l.ip) END AS ip
           FROM l
           LEFT JOIN organizations o ON o.id = l.organization_id
          WHERE ($4::text IS NULL
                 OR CASE WHEN l.masked THEN $8 ELSE l.actor_label END ILIKE '%' || $4 || '%')
          ORDER BY l.created_at DESC, l.id DESC
          LIMIT $6",
    )
    .bind(org)
    .bind(from)
    .bind(to)
    .bind(actor.map(|a| a.replace(['%', '_'], "")))
    .bind(action.map(|a| a.replace(['%', '_'], "")))
    .bind(limit)
    .bind(mask_staff)
    .bind(AGENCY_STAFF)
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
