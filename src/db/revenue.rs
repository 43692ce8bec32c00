//! Cross-organization reads for the console's money overview, and the rate
//! history. Platform path only: every function here runs in a transaction
//! from `db::tx::platform`, which needs a `PlatformAccess`.

use crate::domain::revenue::{Figures, RateChange, RateValue};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Figures per organization over `[from, to)` (whole UTC hours: read from
/// the rollups alone), and calls per organization per UTC day. Naming the
/// organizations lets each be an index-only range scan of the covering
/// index, instead of a scan of every organization's whole history.
pub async fn figures(
    conn: &mut PgConnection,
    orgs: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Vec<(Uuid, Figures)>, Vec<(Uuid, NaiveDate, i64)>), AppError> {
    let rows = sqlx::query(
        "SELECT organization_id,
                GROUPING(date_trunc('day', hour AT TIME ZONE 'UTC')) = 1 AS whole,
                (date_trunc('day', hour AT TIME ZONE 'UTC'))::date AS day,
                sum(calls)::bigint AS calls,
                coalesce(sum(billed_minutes) FILTER (WHERE is_billable), 0)::bigint AS minutes,
                sum(charge_cents)::bigint AS revenue, sum(cogs_cents)::bigint AS cogs,
                sum(reported_cost_calls)::bigint AS reported, sum(successful)::bigint AS successful,
                sum(evaluated)::bigint AS evaluated, sum(duration_ms)::bigint AS duration_ms,
                sum(timed_calls)::bigint AS timed
           FROM call_rollups
          WHERE organization_id = ANY($3) AND hour >= $1 AND hour < $2
          GROUP BY GROUPING SETS ((organization_id), (organization_id, date_trunc('day', hour AT TIME ZONE 'UTC')))",
    )
    .bind(from)
    .bind(to)
    .bind(orgs)
    .fetch_all(conn)
    .await?;
    let mut totals = Vec::new();
    let mut days = Vec::new();
    for r in rows {
        let org: Uuid = r.try_get("organization_id")?;
        if r.try_get::<bool, _>("whole")? {
            totals.push((
                org,
                Figures {
                    calls: r.try_get("calls")?,
                    billable_minutes: r.try_get("minutes")?,
                    revenue_cents: r.try_get("revenue")?,
                    cogs_cents: r.try_get("cogs")?,
                    reported_cost_calls: r.try_get("reported")?,
                    successful: r.try_get("successful")?,
                    evaluated: r.try_get("evaluated")?,
                    duration_ms: r.try_get("duration_ms")?,
                    timed_calls: r.try_get("timed")?,
                },
            ));
        } else if let Some(day) = r.try_get::<Option<NaiveDate>, _>("day")? {
            days.push((org, day, r.try_get("calls")?));
        }
    }
    Ok((totals, days))
}

/// Every organization with its name and its latest call (an index probe each).
pub async fn organizations(
    conn: &mut PgConnection,
) -> Result<Vec<(Uuid, String, Option<DateTime<Utc>>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name,
                (SELECT c.occurred_at FROM calls c WHERE c.organization_id = o.id
                  ORDER BY c.occurred_at DESC LIMIT 1)
           FROM organizations o ORDER BY o.name",
    )
    .fetch_all(conn)
    .await?)
}

/// The organization's rate changes, newest first.
pub async fn rate_history(conn: &mut PgConnection, org: Uuid) -> Result<Vec<RateChange>, AppError> {
    let rows = sqlx::query(
        "SELECT effective_from, (billing_cents_per_minute * 100)::bigint AS billing,
                (cogs_cents_per_minute * 100)::bigint AS cogs
           FROM org_rates WHERE organization_id = $1 ORDER BY effective_from DESC",
    )
    .bind(org)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RateChange {
                from: r.try_get("effective_from")?,
                billing: RateValue(r.try_get("billing")?),
                cogs: RateValue(r.try_get("cogs")?),
            })
        })
        .collect()
}

/// New rates from now on. Calls already made keep the rates of their time.
pub async fn set_rates(
    conn: &mut PgConnection,
    org: Uuid,
    billing: RateValue,
    cogs: RateValue,
) -> Result<DateTime<Utc>, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO org_rates (organization_id, effective_from, billing_cents_per_minute,
            cogs_cents_per_minute)
         VALUES ($1, clock_timestamp(), $2::numeric, $3::numeric)
         RETURNING effective_from",
    )
    .bind(org)
    .bind(billing.cents_text())
    .bind(cogs.cents_text())
    .fetch_one(conn)
    .await?)
}
