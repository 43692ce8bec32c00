//! Raw webhook events and per-agent counters (tenant tables).

use crate::error::AppError;
use sqlx::PgConnection;
use std::collections::HashSet;
use uuid::Uuid;

pub struct NewEvent<'a> {
    pub agent_id: Uuid,
    pub body: &'a [u8],
    pub body_sha256: &'a [u8],
    pub event: Option<&'a str>,
    pub provider_call_id: Option<&'a str>,
    pub outcome: &'a str,
}

/// One round trip for what deliveries do before merging: store each raw
/// event unless the identical body is already stored (a retry), and note
/// that their agents are receiving (at most once a second, so a busy
/// agent's row is not rewritten on every event). Returns the digests of the
/// events that were new. Pass each digest once, in ascending order, so that
/// concurrent transactions meet the same keys in the same order.
///
/// The order of the locks matters: the events' unique keys, then the agents'
/// rows (an unreferenced data-modifying `WITH` part runs after the main
/// query), then — in the caller's next statement — the calls' rows. Taking
/// the call's row in this statement too let its lock come first, and
/// concurrent deliveries of one call deadlocked.
pub async fn receive(
    conn: &mut PgConnection,
    org_id: Uuid,
    events: &[NewEvent<'_>],
) -> Result<HashSet<Vec<u8>>, AppError> {
    let agents: Vec<Uuid> = events.iter().map(|e| e.agent_id).collect();
    let digests: Vec<&[u8]> = events.iter().map(|e| e.body_sha256).collect();
    let bodies: Vec<&[u8]> = events.iter().map(|e| e.body).collect();
    let names: Vec<Option<&str>> = events.iter().map(|e| e.event).collect();
    let calls: Vec<Option<&str>> = events.iter().map(|e| e.provider_call_id).collect();
    let outcomes: Vec<&str> = events.iter().map(|e| e.outcome).collect();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar(
        "WITH input AS (
           SELECT * FROM unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::text[], $6::text[],
                                $7::text[])
             AS t(agent_id, body_sha256, body, event, provider_call_id, outcome)
         ), stored AS (
           INSERT INTO webhook_events
             (organization_id, agent_id, body_sha256, body, event, provider_call_id, outcome)
           SELECT $1, agent_id, body_sha256, body, event, provider_call_id, outcome FROM input
           ON CONFLICT (organization_id, body_sha256) DO NOTHING
           RETURNING body_sha256
         ), seen AS (
           UPDATE agents SET
             status = CASE WHEN status = 'inactive' THEN status ELSE 'active' END,
             status_message = NULL, failed_streak = 0, last_webhook_at = now()
            WHERE organization_id = $1 AND id IN (SELECT agent_id FROM input)
              AND (status IN ('pending_validation', 'error') OR failed_streak > 0
                   OR last_webhook_at IS NULL OR last_webhook_at < now() - interval '1 second')
           RETURNING 1
         )
         SELECT body_sha256 FROM stored",
    )
    .bind(org_id)
    .bind(&agents)
    .bind(&digests)
    .bind(&bodies)
    .bind(&names)
    .bind(&calls)
    .bind(&outcomes)
    .fetch_all(conn)
    .await?;
    Ok(stored.into_iter().collect())
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
