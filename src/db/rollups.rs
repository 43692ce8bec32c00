//! Folding the rollups of past hours (`call_rollups`, all organizations).
//!
//! Ingestion spreads each current hour over four slots so concurrent
//! transactions rarely wait for one row lock; once an hour is past, the
//! slots only make every long dashboard range read four rows where one
//! would do. Folding moves slots 1–3 of past hours into slot 0 in one
//! statement: the rows it deletes are the rows it adds, so every sum over
//! slots (all any reader takes) is unchanged, before, during and after.
//! Concurrent writers are safe: a writer that updates a row first makes the
//! fold wait and delete the updated row; a writer that comes after the
//! delete inserts a fresh row.

use super::tx::{self, PlatformAccess};
use crate::error::AppError;
use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::PgPool;

/// Rollup columns that hold sums.
const SUMS: [&str; 12] = [
    "calls",
    "billed_minutes",
    "duration_ms",
    "timed_calls",
    "charge_cents",
    "cogs_cents",
    "reported_cost_calls",
    "successful",
    "evaluated",
    "positive",
    "neutral",
    "negative",
];

/// Hours before this are folded: the ingestion trigger writes slots other
/// than 0 only for calls of the last two hours, so three leaves a margin.
pub fn fold_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(Duration::hours(1)).unwrap_or(now) - Duration::hours(3)
}

fn fold_sql() -> String {
    let list = SUMS.join(", ");
    let sums = SUMS
        .iter()
        .map(|c| format!("sum({c})::bigint"))
        .collect::<Vec<_>>()
        .join(", ");
    let add = SUMS
        .iter()
        .map(|c| format!("{c} = r.{c} + EXCLUDED.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // `organization_id IN (…)` lets each organization's part use the
    // (organization_id, hour) index instead of scanning every row.
    format!(
        "WITH moved AS (
           DELETE FROM call_rollups
            WHERE organization_id IN (SELECT id FROM organizations)
              AND hour >= $1 AND hour < $2 AND slot > 0
           RETURNING *
         )
         INSERT INTO call_rollups AS r (organization_id, hour, agent_id, is_billable, slot, {list})
         SELECT organization_id, hour, agent_id, is_billable, 0, {sums}
           FROM moved GROUP BY organization_id, hour, agent_id, is_billable
         ON CONFLICT ON CONSTRAINT call_rollups_key DO UPDATE SET {add}"
    )
}

/// Folds hours in `since..before`, a month per transaction so no one
/// transaction holds many locks; with no `since`, from the oldest row.
/// Returns how many rows were written into slot 0.
pub async fn fold(
    pool: &PgPool,
    since: Option<DateTime<Utc>>,
    before: DateTime<Utc>,
) -> Result<u64, AppError> {
    let access = PlatformAccess::housekeeping();
    let mut from = match since {
        Some(t) => t,
        None => {
            let mut tx = tx::platform(pool, access).await?;
            let oldest: Option<DateTime<Utc>> =
                sqlx::query_scalar("SELECT min(hour) FROM call_rollups WHERE slot > 0")
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            match oldest {
                Some(t) => t,
                None => return Ok(0),
            }
        }
    };
    let sql = fold_sql();
    let mut written = 0;
    while from < before {
        let to = (from + Duration::days(30)).min(before);
        let mut tx = tx::platform(pool, access).await?;
        written += sqlx::query(&sql)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        from = to;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_stops_three_whole_hours_back() {
        let now: DateTime<Utc> = "2026-11-23T10:42:17Z".parse().unwrap();
        let want: DateTime<Utc> = "2026-11-23T07:00:00Z".parse().unwrap();
        assert_eq!(fold_before(now), want);
    }
}
