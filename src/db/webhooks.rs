//! Raw webhook events and per-agent counters (tenant tables).

use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct NewEvent<'a> {
    pub org_id: Uuid,
    pub agent_id: Uuid,
    pub body: &'a [u8],
    pub body_sha256: &'a [u8],
    pub event: Option<&'a str>,
    pub provider_call_id: Option<&'a str>,
    pub outcome: &'a str,
}

/// One round trip for what a delivery does before merging: store the raw
/// event unless the identical body is already stored (a retry), and note
/// that the agent is receiving (at most once a second, so a busy agent's row
/// is not rewritten on every event). Returns whether the event was new.
///
/// The order of the locks matters: the event's unique key, then the agent's
/// row (an unreferenced data-modifying `WITH` part runs after the main
/// query), then — in the caller's next statement — the call's row. Taking
/// the call's row in this statement too let its lock come first, and
/// concurrent deliveries of one call deadlocked.
pub async fn receive(conn: &mut PgConnection, e: &NewEvent<'_>) -> Result<bool, AppError> {
    let new: bool = sqlx::query_scalar(
        "WITH stored AS (
           INSERT INTO webhook_events
             (organization_id, agent_id, body_sha256, body, event, provider_call_id, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (organization_id, body_sha256) DO NOTHING
           RETURNING 1
         ), seen AS (
           UPDATE agents SET
             status = CASE WHEN status = 'inactive' THEN status ELSE 'active' END,
             status_message = NULL, failed_streak = 0, last_webhook_at = now()
            WHERE organization_id = $1 AND id = $2
              AND (status IN ('pending_validation', 'error') OR failed_streak > 0
                   OR last_webhook_at IS NULL OR last_webhook_at < now() - interval '1 second')
           RETURNING 1
         )
         SELECT EXISTS (SELECT 1 FROM stored)",
    )
    .bind(e.org_id)
    .bind(e.agent_id)
    .bind(e.body_sha256)
    .bind(e.body)
    .bind(e.event)
    .bind(e.provider_call_id)
    .bind(e.outcome)
    .fetch_one(conn)
    .await?;
    Ok(new)
}

/// Adds one to this hour's counter for an agent and an outcome that stores
/// no event (a rejection or a duplicate delivery).
pub async fn count(
    conn: &mut PgConnection,
    org_id: Uuid,
    agent_id: Uuid,
    outcome: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO webhook_counters (organization_id, agent_id, hour, outcome, count)
         VALUES ($1, $2, date_trunc('hour', now()), $3, 1)
         ON CONFLICT (organization_id, agent_id, hour, outcome)
         DO UPDATE SET count = webhook_counters.count + 1",
    )
    .bind(org_id)
    .bind(agent_id)
    .bind(outcome)
    .execute(conn)
    .await?;
    Ok(())
}

/// An agent's counts by outcome since `hours` hours ago: stored events by
/// their outcome (`merged`, `stored`, `malformed`), plus the counters kept for
/// what is not stored (rejections, duplicates).
pub async fn totals(
    conn: &mut PgConnection,
    org_id: Uuid,
    agent_id: Uuid,
    hours: i32,
) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT outcome, sum(n)::bigint FROM (
           SELECT outcome, count(*) AS n FROM webhook_events
            WHERE organization_id = $1 AND agent_id = $2
              AND received_at > now() - make_interval(hours => $3)
            GROUP BY outcome
           UNION ALL
           SELECT outcome, sum(count) FROM webhook_counters
            WHERE organization_id = $1 AND agent_id = $2
              AND hour > date_trunc('hour', now()) - make_interval(hours => $3)
            GROUP BY outcome
         ) t GROUP BY outcome ORDER BY outcome",
    )
    .bind(org_id)
    .bind(agent_id)
    .bind(hours)
    .fetch_all(conn)
    .await?)
}
