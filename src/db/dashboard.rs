//! The dashboard's queries (tenant tables `calls` and `call_rollups`).
//!
//! Totals, the time series and the per-agent breakdown come from one query
//! over one source: whole UTC hours from the rollups, plus the calls in the
//! partial hours at either end of the range read directly, so any range in
//! any timezone is exact. When a filter the rollups do not keep is set
//! (direction, status, sentiment, phone), the caller passes an empty rollup
//! range and every call is read directly.
//!
//! Every statement binds the same first nine parameters (`Bound`), so the
//! filter is written once.

use crate::domain::Totals;
use crate::error::AppError;
use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, Row};
use uuid::Uuid;

/// A filter resolved to values the database compares with.
#[derive(Debug, Clone)]
pub struct Bound {
    pub org_id: Uuid,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub agent: Option<Uuid>,
    pub billable: Option<bool>,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub sentiment: Option<String>,
    /// Digits only; matched anywhere in either number.
    pub phone: Option<String>,
}

/// `$1`…`$9` as conditions on `calls` (aliased `c`).
const FILTER: &str = "c.organization_id = $1
    AND ($4::uuid IS NULL OR c.agent_id = $4)
    AND ($5::boolean IS NULL OR c.is_billable = $5)
    AND ($6::text IS NULL OR CASE WHEN c.call_type = 'web_call' THEN 'web'
                                  ELSE coalesce(c.direction, 'inbound') END = $6)
    AND ($7::text IS NULL OR c.call_status = $7)
    AND ($8::text IS NULL OR c.sentiment = $8 OR ($8 = 'Unknown' AND c.sentiment IS NULL))
    AND ($9::text IS NULL OR c.from_number LIKE $9 OR c.to_number LIKE $9)";

fn bind<'q>(sql: &'q str, b: &Bound) -> Query<'q, Postgres, PgArguments> {
    sqlx::query(sql)
        .bind(b.org_id)
        .bind(b.from)
        .bind(b.to)
        .bind(b.agent)
        .bind(b.billable)
        .bind(b.direction.clone())
        .bind(b.status.clone())
        .bind(b.sentiment.clone())
        .bind(b.phone.as_ref().map(|p| format!("%{p}%")))
}

/// What the summary query returns: the whole period, each local bucket
/// (hour or day) that has calls, and each agent that has calls.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub total: Totals,
    pub buckets: Vec<(NaiveDateTime, Totals)>,
    pub agents: Vec<(Option<Uuid>, Totals)>,
}

/// `rollup_from..rollup_to` must be whole UTC hours inside `from..to`
/// (or empty, `rollup_from == rollup_to`, to read every call directly).
pub async fn summary(
    conn: &mut PgConnection,
    b: &Bound,
    rollup_from: DateTime<Utc>,
    rollup_to: DateTime<Utc>,
    unit: &str,
    timezone: &str,
) -> Result<Summary, AppError> {
    let sql = format!(
        "WITH src AS (
           SELECT r.hour AS t, r.agent_id, r.is_billable, r.calls, r.billed_minutes, r.duration_ms,
                  r.timed_calls, r.charge_cents, r.successful, r.evaluated, r.positive, r.neutral,
                  r.negative
             FROM call_rollups r
            WHERE r.organization_id = $1 AND r.hour >= $10 AND r.hour < $11
              AND ($4::uuid IS NULL OR r.agent_id = $4)
              AND ($5::boolean IS NULL OR r.is_billable = $5)
           UNION ALL
           SELECT date_bin('15 minutes', c.occurred_at, timestamptz '2000-01-01 00:00+00'),
                  c.agent_id, c.is_billable, count(*), sum(c.billed_minutes),
                  sum(coalesce(c.duration_ms, 0)), count(c.duration_ms), sum(c.charge_cents),
                  count(*) FILTER (WHERE c.successful), count(c.successful),
                  count(*) FILTER (WHERE c.sentiment = 'Positive'),
                  count(*) FILTER (WHERE c.sentiment = 'Neutral'),
                  count(*) FILTER (WHERE c.sentiment = 'Negative')
             FROM calls c
            WHERE {FILTER}
              AND ((c.occurred_at >= $2 AND c.occurred_at < $10)
                OR (c.occurred_at >= $11 AND c.occurred_at < $3))
            GROUP BY 1, 2, 3
         )
         SELECT GROUPING(s.b) = 1 AS all_buckets, GROUPING(s.agent_id) = 1 AS all_agents,
                s.b, s.agent_id,
                coalesce(sum(s.calls), 0)::bigint AS calls,
                coalesce(sum(s.calls) FILTER (WHERE s.is_billable), 0)::bigint AS billable_calls,
                coalesce(sum(s.billed_minutes) FILTER (WHERE s.is_billable), 0)::bigint
                  AS billable_minutes,
                coalesce(sum(s.billed_minutes), 0)::bigint AS all_minutes,
                coalesce(sum(s.duration_ms), 0)::bigint AS duration_ms,
                coalesce(sum(s.timed_calls), 0)::bigint AS timed_calls,
                coalesce(sum(s.charge_cents), 0)::bigint AS charge_cents,
                coalesce(sum(s.successful), 0)::bigint AS successful,
                coalesce(sum(s.evaluated), 0)::bigint AS evaluated,
                coalesce(sum(s.positive), 0)::bigint AS positive,
                coalesce(sum(s.neutral), 0)::bigint AS neutral,
                coalesce(sum(s.negative), 0)::bigint AS negative
           FROM (SELECT date_trunc($12, src.t AT TIME ZONE $13) AS b, src.* FROM src) s
          GROUP BY GROUPING SETS ((), (s.b), (s.agent_id))"
    );
    let rows = bind(&sql, b)
        .bind(rollup_from)
        .bind(rollup_to)
        .bind(unit)
        .bind(timezone)
        .fetch_all(conn)
        .await?;
    let mut out = Summary::default();
    for row in rows {
        let sums = Totals {
            calls: row.try_get("calls")?,
            billable_calls: row.try_get("billable_calls")?,
            billable_minutes: row.try_get("billable_minutes")?,
            all_minutes: row.try_get("all_minutes")?,
            duration_ms: row.try_get("duration_ms")?,
            timed_calls: row.try_get("timed_calls")?,
            charge_cents: row.try_get("charge_cents")?,
            successful: row.try_get("successful")?,
            evaluated: row.try_get("evaluated")?,
            positive: row.try_get("positive")?,
            neutral: row.try_get("neutral")?,
            negative: row.try_get("negative")?,
        };
        let all_buckets: bool = row.try_get("all_buckets")?;
        let all_agents: bool = row.try_get("all_agents")?;
        match (all_buckets, all_agents) {
            (true, true) => out.total = sums,
            (false, _) => {
                if let Some(b) = row.try_get::<Option<NaiveDateTime>, _>("b")? {
                    out.buckets.push((b, sums));
                }
            }
            (true, false) => out.agents.push((row.try_get("agent_id")?, sums)),
        }
    }
    out.buckets.sort_by_key(|(b, _)| *b);
    Ok(out)
}

/// One line of the calls table or the export.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub agent_name: Option<String>,
    pub call_type: String,
    pub direction: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub duration_ms: Option<i64>,
    pub billed_minutes: i32,
    pub charge_cents: i64,
    pub call_status: Option<String>,
    pub sentiment: Option<String>,
    pub successful: Option<bool>,
    pub disconnection_reason: Option<String>,
    pub is_billable: bool,
}

const LINE_COLUMNS: &str = "c.id, c.occurred_at, c.started_at, c.ended_at, a.name AS agent_name,
    c.call_type, c.direction, c.from_number, c.to_number, c.duration_ms, c.billed_minutes,
    c.charge_cents, c.call_status, c.sentiment, c.successful, c.disconnection_reason, c.is_billable";

/// The filtered calls, newest first, as SQL (for a page or a cursor).
/// With `after`, only lines older than the cursor `($10, $11)`.
fn lines_sql(after: bool) -> String {
    let after = if after {
        "AND (c.occurred_at, c.id) < ($10, $11)"
    } else {
        ""
    };
    format!(
        "SELECT {LINE_COLUMNS}
           FROM calls c
           LEFT JOIN agents a ON a.organization_id = c.organization_id AND a.id = c.agent_id
          WHERE {FILTER} AND c.occurred_at >= $2 AND c.occurred_at < $3 {after}
          ORDER BY c.occurred_at DESC, c.id DESC"
    )
}

/// Up to `limit` lines after the cursor (or from the newest).
pub async fn page(
    conn: &mut PgConnection,
    b: &Bound,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Line>, AppError> {
    let rows = match after {
        Some((at, id)) => {
            let sql = format!("{} LIMIT $12", lines_sql(true));
            bind(&sql, b)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(conn)
                .await?
        }
        None => {
            let sql = format!("{} LIMIT $10", lines_sql(false));
            bind(&sql, b).bind(limit).fetch_all(conn).await?
        }
    };
    rows.iter()
        .map(|r| <Line as sqlx::FromRow<_>>::from_row(r).map_err(AppError::from))
        .collect()
}

/// Opens a server-side cursor over every filtered line (for the export).
/// Fetch with [`fetch_cursor`]; it lives until the transaction ends.
pub async fn open_cursor(conn: &mut PgConnection, b: &Bound) -> Result<(), AppError> {
    let sql = format!(
        "DECLARE export_lines NO SCROLL CURSOR FOR {}",
        lines_sql(false)
    );
    bind(&sql, b).execute(conn).await?;
    Ok(())
}

pub async fn fetch_cursor(conn: &mut PgConnection, n: u32) -> Result<Vec<Line>, AppError> {
    Ok(
        sqlx::query_as(&format!("FETCH FORWARD {n} FROM export_lines"))
            .fetch_all(conn)
            .await?,
    )
}

/// The organization's name and dashboard timezone (Agent Settings, or the
/// default before they are saved), and its agents by name.
pub async fn context(
    conn: &mut PgConnection,
    org_id: Uuid,
    default_timezone: &str,
) -> Result<(String, String, Vec<(Uuid, String)>), AppError> {
    let row = sqlx::query(
        "SELECT o.name, coalesce(s.timezone, $2) AS timezone
           FROM organizations o
           LEFT JOIN agent_settings s ON s.organization_id = o.id
          WHERE o.id = $1",
    )
    .bind(org_id)
    .bind(default_timezone)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let agents: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, name FROM agents WHERE organization_id = $1 ORDER BY name, id")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok((row.try_get("name")?, row.try_get("timezone")?, agents))
}

pub async fn any_calls(conn: &mut PgConnection, org_id: Uuid) -> Result<bool, AppError> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM calls WHERE organization_id = $1)")
            .bind(org_id)
            .fetch_one(conn)
            .await?,
    )
}
