//! Monthly statements (migration 21). Closing runs on the platform path in
//! one transaction per month, under a per-organization advisory lock, so
//! two processes (or a process and the CLI) closing at once make one
//! statement; the unique key makes a second close a no-op.

use crate::domain::statements::{Statement, StatementLine, StatementSummary};
use crate::error::AppError;
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// The organization's timezone (Agent Settings), or the default.
pub async fn timezone(conn: &mut PgConnection, org_id: Uuid) -> Result<String, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce((SELECT timezone FROM agent_settings WHERE organization_id = $1), $2)",
    )
    .bind(org_id)
    .bind(crate::domain::DEFAULT_TIMEZONE)
    .fetch_one(conn)
    .await?)
}

/// This month until now, in the organization's timezone (the Statements
/// page's "so far").
pub async fn so_far(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<crate::domain::statements::SoFar, AppError> {
    let tz = timezone(conn, org_id).await?;
    let (month, billable_calls, billed_minutes, cents): (NaiveDate, i64, i64, i64) =
        sqlx::query_as(
            "WITH b AS (SELECT date_trunc('month', now() AT TIME ZONE $2)::date AS month)
             SELECT b.month, count(c.id) FILTER (WHERE c.is_billable),
                    coalesce(sum(c.billed_minutes) FILTER (WHERE c.is_billable), 0)::bigint,
                    coalesce(sum(c.charge_cents), 0)::bigint
               FROM b LEFT JOIN calls c
                 ON c.organization_id = $1
                AND c.occurred_at >= b.month::timestamp AT TIME ZONE $2
                AND c.occurred_at < now()
              GROUP BY b.month",
        )
        .bind(org_id)
        .bind(&tz)
        .fetch_one(conn)
        .await?;
    Ok(crate::domain::statements::SoFar {
        month,
        billable_calls,
        billed_minutes,
        cents,
    })
}

/// The newest closed month, if any.
pub async fn last_closed(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Option<NaiveDate>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT max(month) FROM statements WHERE organization_id = $1")
            .bind(org_id)
            .fetch_one(conn)
            .await?,
    )
}

/// Closes `month` (its first day) for the organization; answers the
/// statement's id and whether this call made it (false: it was closed).
pub async fn close(
    conn: &mut PgConnection,
    org_id: Uuid,
    month: NaiveDate,
    closed_by: &str,
) -> Result<(Uuid, bool), AppError> {
    // One close at a time per organization: adjustments compare every
    // earlier statement's calls, so two months must not close at once.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('statements:' || $1::text, 0))")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    if let Some(id) = sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM statements WHERE organization_id = $1 AND month = $2",
    )
    .bind(org_id)
    .bind(month)
    .fetch_optional(&mut *conn)
    .await?
    {
        return Ok((id, false));
    }
    let tz = timezone(conn, org_id).await?;
    // The month's bounds in the organization's timezone: PostgreSQL's
    // zone rules decide the offset of each end (a DST change inside the
    // month makes it an hour shorter or longer).
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO statements (organization_id, month, timezone, period_start, period_end,
                                 billable_calls, test_calls, billed_minutes, usage_cents,
                                 adjustment_cents, total_cents, closed_by)
         VALUES ($1, $2, $3, $2::timestamp AT TIME ZONE $3,
                 ($2 + interval '1 month')::timestamp AT TIME ZONE $3, 0, 0, 0, 0, 0, 0, $4)
         RETURNING id",
    )
    .bind(org_id)
    .bind(month)
    .bind(&tz)
    .bind(closed_by)
    .fetch_one(&mut *conn)
    .await?;

    // Usage: the month's calls not yet on a statement, per agent and rate;
    // test calls per agent, free.
    sqlx::query(
        "WITH s AS (SELECT period_start, period_end FROM statements WHERE id = $2),
         taken AS (
           SELECT c.id, c.agent_id, c.is_billable, c.billed_minutes, c.charge_cents,
                  c.billing_rate_cents, c.occurred_at, c.from_number
             FROM calls c, s
            WHERE c.organization_id = $1
              AND c.occurred_at >= s.period_start AND c.occurred_at < s.period_end
              AND NOT EXISTS (SELECT 1 FROM statement_calls sc
                               WHERE sc.organization_id = $1 AND sc.call_id = c.id)),
         kept AS (
           INSERT INTO statement_calls (organization_id, call_id, statement_id, billable,
                                        billed_minutes, amount_cents)
           SELECT $1, id, $2, is_billable, billed_minutes, charge_cents FROM taken),
         items AS (
           INSERT INTO statement_items (organization_id, statement_id, call_id, occurred_at,
                                        from_number, agent_name, billable, billed_minutes,
                                        amount_cents)
           SELECT $1, $2, t.id, t.occurred_at, t.from_number, coalesce(a.name, 'Other calls'),
                  t.is_billable, t.billed_minutes, t.charge_cents
             FROM taken t LEFT JOIN agents a ON a.id = t.agent_id),
         grouped AS (
           SELECT CASE WHEN t.is_billable THEN 'usage' ELSE 'test' END AS kind, t.agent_id,
                  coalesce(a.name, 'Other calls') AS agent_name,
                  CASE WHEN t.is_billable THEN t.billing_rate_cents END AS rate,
                  count(*) AS calls, sum(t.billed_minutes)::bigint AS minutes,
                  sum(t.charge_cents)::bigint AS amount
             FROM taken t LEFT JOIN agents a ON a.id = t.agent_id
            GROUP BY 1, 2, 3, 4)
         INSERT INTO statement_lines (organization_id, statement_id, position, kind, agent_id,
                                      agent_name, rate_cents, calls, minutes, amount_cents,
                                      description)
         SELECT $1, $2, row_number() OVER (ORDER BY kind DESC, agent_name, agent_id, rate),
                kind, agent_id, agent_name, rate, calls, minutes, amount,
                CASE WHEN kind = 'usage'
                     THEN agent_name || ': ' || minutes || ' min at $'
                          || CASE WHEN rate = round(rate)
                                  THEN to_char(rate / 100, 'FM999990.00')
                                  ELSE rtrim(to_char(rate / 100, 'FM999990.0000'), '0') END
                          || '/min'
                     ELSE agent_name || ': test calls, free' END
           FROM grouped",
    )
    .bind(org_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;

    // Adjustments: calls on an earlier statement whose billing changed
    // since, and calls of a closed period that arrived after it closed.
    sqlx::query(
        "WITH s AS (SELECT period_start, timezone FROM statements WHERE id = $2),
         first AS (SELECT min(period_start) AS since FROM statements WHERE organization_id = $1),
         changed AS (
           SELECT c.id, c.occurred_at, c.from_number, c.is_billable, c.billed_minutes,
                  c.charge_cents, sc.billed_minutes AS old_minutes, sc.amount_cents AS old_cents
             FROM statement_calls sc JOIN calls c ON c.id = sc.call_id
            WHERE sc.organization_id = $1 AND c.organization_id = $1 AND sc.statement_id <> $2
              AND (sc.billable, sc.billed_minutes, sc.amount_cents)
                  IS DISTINCT FROM (c.is_billable, c.billed_minutes, c.charge_cents)
           UNION ALL
           SELECT c.id, c.occurred_at, c.from_number, c.is_billable, c.billed_minutes,
                  c.charge_cents, 0, 0
             FROM calls c, s, first
            WHERE c.organization_id = $1 AND c.occurred_at >= first.since
              AND c.occurred_at < s.period_start
              AND NOT EXISTS (SELECT 1 FROM statement_calls sc
                               WHERE sc.organization_id = $1 AND sc.call_id = c.id)),
         kept AS (
           INSERT INTO statement_calls (organization_id, call_id, statement_id, billable,
                                        billed_minutes, amount_cents)
           SELECT $1, id, $2, is_billable, billed_minutes, charge_cents FROM changed
           ON CONFLICT (organization_id, call_id) DO UPDATE
              SET statement_id = EXCLUDED.statement_id, billable = EXCLUDED.billable,
                  billed_minutes = EXCLUDED.billed_minutes, amount_cents = EXCLUDED.amount_cents),
         base AS (SELECT coalesce(max(position), 0) AS n FROM statement_lines WHERE statement_id = $2)
         INSERT INTO statement_lines (organization_id, statement_id, position, kind, call_id,
                                      calls, minutes, amount_cents, description)
         SELECT $1, $2, base.n + row_number() OVER (ORDER BY ch.occurred_at, ch.id), 'adjustment',
                ch.id, 1, ch.billed_minutes - ch.old_minutes, ch.charge_cents - ch.old_cents,
                'Call of ' || to_char(ch.occurred_at AT TIME ZONE s.timezone, 'YYYY-MM-DD HH24:MI')
                || coalesce(' from ' || ch.from_number, '') || ': billed '
                || ch.old_minutes || ' min ($' || to_char(ch.old_cents / 100.0, 'FM999999990.00')
                || '), now ' || ch.billed_minutes || ' min ($'
                || to_char(ch.charge_cents / 100.0, 'FM999999990.00') || ')'
           FROM changed ch, base, s",
    )
    .bind(org_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;

    sqlx::query(
        "UPDATE statements st SET
            billable_calls = t.billable_calls, test_calls = t.test_calls,
            billed_minutes = t.minutes, usage_cents = t.usage_cents,
            adjustment_cents = t.adjustment_cents,
            total_cents = t.usage_cents + t.adjustment_cents
           FROM (SELECT coalesce(sum(calls) FILTER (WHERE kind = 'usage'), 0)::bigint AS billable_calls,
                        coalesce(sum(calls) FILTER (WHERE kind = 'test'), 0)::bigint AS test_calls,
                        coalesce(sum(minutes) FILTER (WHERE kind = 'usage'), 0)::bigint AS minutes,
                        coalesce(sum(amount_cents) FILTER (WHERE kind = 'usage'), 0)::bigint AS usage_cents,
                        coalesce(sum(amount_cents) FILTER (WHERE kind = 'adjustment'), 0)::bigint
                          AS adjustment_cents
                   FROM statement_lines WHERE statement_id = $1) t
          WHERE st.id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok((id, true))
}

type SummaryRow = (
    Uuid,
    NaiveDate,
    String,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    chrono::DateTime<chrono::Utc>,
    Option<String>,
);

/// Statements with their invoice's state (a tenant reads its own of both).
const SUMMARY: &str = "SELECT id, month, timezone, period_start, period_end, billable_calls,
        test_calls, billed_minutes, usage_cents, adjustment_cents, total_cents, closed_at,
        invoice_status
   FROM (SELECT st.*, i.status AS invoice_status
           FROM statements st LEFT JOIN statement_invoices i ON i.statement_id = st.id) statements";

fn summary(r: SummaryRow) -> StatementSummary {
    StatementSummary {
        id: r.0,
        month: r.1,
        timezone: r.2,
        period_start: r.3,
        period_end: r.4,
        billable_calls: r.5,
        test_calls: r.6,
        billed_minutes: r.7,
        usage_cents: r.8,
        adjustment_cents: r.9,
        total_cents: r.10,
        closed_at: r.11,
        invoice: r.12,
    }
}

/// The organization's statements, newest month first.
pub async fn list(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Vec<StatementSummary>, AppError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY} WHERE organization_id = $1 ORDER BY month DESC"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// One month's statement with its lines.
pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    month: NaiveDate,
) -> Result<Option<Statement>, AppError> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY} WHERE organization_id = $1 AND month = $2"
    ))
    .bind(org_id)
    .bind(month)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let s = summary(row);
    type LineRow = (
        String,
        Option<String>,
        Option<f64>,
        i64,
        i64,
        i64,
        Option<Uuid>,
        String,
    );
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT kind, agent_name, rate_cents::float8, calls, minutes, amount_cents, call_id,
                description
           FROM statement_lines WHERE organization_id = $1 AND statement_id = $2
          ORDER BY position",
    )
    .bind(org_id)
    .bind(s.id)
    .fetch_all(conn)
    .await?;
    Ok(Some(Statement {
        summary: s,
        lines: lines
            .into_iter()
            .map(
                |(kind, agent, rate, calls, minutes, amount_cents, call_id, description)| {
                    StatementLine {
                        kind,
                        agent,
                        rate_cents: rate,
                        calls,
                        minutes,
                        amount_cents,
                        call_id,
                        description,
                    }
                },
            )
            .collect(),
    }))
}

/// Every organization and the month to close through for each: the month
/// before the current one in its timezone.
pub async fn due(conn: &mut PgConnection) -> Result<Vec<(Uuid, NaiveDate, NaiveDate)>, AppError> {
    // (organization, first month to consider, last month to close): from
    // the month after its last statement (or the month it was created) to
    // the month before this one, all in its timezone.
    Ok(sqlx::query_as(
        "WITH o AS (
           SELECT o.id, coalesce(st.timezone, $1) AS tz, o.created_at,
                  (SELECT max(month) FROM statements s WHERE s.organization_id = o.id) AS last
             FROM organizations o
             LEFT JOIN agent_settings st ON st.organization_id = o.id)
         SELECT id,
                coalesce((last + interval '1 month')::date,
                         date_trunc('month', created_at AT TIME ZONE tz)::date),
                (date_trunc('month', now() AT TIME ZONE tz) - interval '1 month')::date
           FROM o
          WHERE coalesce((last + interval '1 month')::date,
                         date_trunc('month', created_at AT TIME ZONE tz)::date)
                <= (date_trunc('month', now() AT TIME ZONE tz) - interval '1 month')::date",
    )
    .bind(crate::domain::DEFAULT_TIMEZONE)
    .fetch_all(conn)
    .await?)
}

/// One call as a statement billed it (its itemised pages).
#[derive(Debug, Clone)]
pub struct Item {
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub from_number: Option<String>,
    pub agent_name: String,
    pub billable: bool,
    pub billed_minutes: i64,
    pub amount_cents: i64,
}

/// A statement's calls in time order.
pub async fn items(
    conn: &mut PgConnection,
    org_id: Uuid,
    statement_id: Uuid,
) -> Result<Vec<Item>, AppError> {
    type Row = (
        chrono::DateTime<chrono::Utc>,
        Option<String>,
        String,
        bool,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT occurred_at, from_number, agent_name, billable, billed_minutes, amount_cents
           FROM statement_items WHERE organization_id = $1 AND statement_id = $2
          ORDER BY occurred_at, call_id",
    )
    .bind(org_id)
    .bind(statement_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(occurred_at, from_number, agent_name, billable, billed_minutes, amount_cents)| Item {
                occurred_at,
                from_number,
                agent_name,
                billable,
                billed_minutes,
                amount_cents,
            },
        )
        .collect())
}

/// The platform's statements per month: how many organizations, calls,
/// minutes and the total billed, newest month first.
pub async fn platform_months(
    conn: &mut PgConnection,
) -> Result<Vec<crate::domain::statements::PlatformMonth>, AppError> {
    let rows: Vec<(NaiveDate, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT month, count(*), sum(billable_calls)::bigint, sum(billed_minutes)::bigint,
                sum(total_cents)::bigint
           FROM statements GROUP BY month ORDER BY month DESC LIMIT 36",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(month, organizations, billable_calls, billed_minutes, total_cents)| {
                crate::domain::statements::PlatformMonth {
                    month,
                    organizations,
                    billable_calls,
                    billed_minutes,
                    total_cents,
                }
            },
        )
        .collect())
}

/// Every organization's statement for `month`, largest first; or, with no
/// month, every statement whose invoice is unpaid.
pub async fn platform_month(
    conn: &mut PgConnection,
    month: Option<NaiveDate>,
) -> Result<Vec<crate::domain::statements::OrgStatement>, AppError> {
    type Row = (
        Uuid,
        String,
        NaiveDate,
        Option<String>,
        i64,
        i64,
        i64,
        chrono::DateTime<chrono::Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id, o.name, s.month, i.status, s.billable_calls, s.billed_minutes,
                s.total_cents, s.closed_at
           FROM statements s JOIN organizations o ON o.id = s.organization_id
           LEFT JOIN statement_invoices i ON i.statement_id = s.id
          WHERE CASE WHEN $1::date IS NULL THEN i.status IN ('open', 'failed')
                     ELSE s.month = $1 END
          ORDER BY s.month DESC, s.total_cents DESC, o.name",
    )
    .bind(month)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                org_id,
                org_name,
                month,
                invoice,
                billable_calls,
                billed_minutes,
                total_cents,
                closed_at,
            )| {
                crate::domain::statements::OrgStatement {
                    org_id,
                    org_name,
                    month,
                    invoice,
                    billable_calls,
                    billed_minutes,
                    total_cents,
                    closed_at,
                }
            },
        )
        .collect())
}
