//! Cross-organization reads for the console's usage patterns (platform path
//! only, like `db::revenue`).

use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Calls by ISO weekday (1 = Monday) and local hour in `timezone`, and by
/// local day, over `[from, to)`, for the organizations named (each an
/// index-only range scan). Hourly
/// rollups are attributed by the local time their hour starts.
pub async fn usage(
    conn: &mut PgConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    timezone: &str,
    orgs: &[Uuid],
) -> Result<(Vec<(i32, i32, i64)>, Vec<(chrono::NaiveDate, i64)>), AppError> {
    let rows = sqlx::query(
        "SELECT GROUPING(local::date) = 1 AS by_slot,
                extract(isodow FROM local)::int AS dow, extract(hour FROM local)::int AS hr,
                local::date AS day, sum(calls)::bigint AS calls
           FROM (SELECT hour AT TIME ZONE $3 AS local, calls FROM call_rollups
                  WHERE hour >= $1 AND hour < $2
                    AND organization_id = ANY($4)) r
          GROUP BY GROUPING SETS ((extract(isodow FROM local), extract(hour FROM local)), (local::date))",
    )
    .bind(from)
    .bind(to)
    .bind(timezone)
    .bind(orgs)
    .fetch_all(conn)
    .await?;
    let mut slots = Vec::new();
    let mut days = Vec::new();
    for r in rows {
        let calls: i64 = r.try_get("calls")?;
        if r.try_get::<bool, _>("by_slot")? {
            slots.push((r.try_get("dow")?, r.try_get("hr")?, calls));
        } else if let Some(day) = r.try_get::<Option<chrono::NaiveDate>, _>("day")? {
            days.push((day, calls));
        }
    }
    Ok((slots, days))
}
