//! Cross-organization reads for the console's system status (platform path
//! only, like `db::revenue`).

use crate::domain::system::{AgentHealth, Reachability};
use crate::domain::AgentStatus;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};

/// Every agent with its deliveries in the last hour and day.
pub async fn agents(conn: &mut PgConnection) -> Result<Vec<AgentHealth>, AppError> {
    let rows = sqlx::query(
        "SELECT o.id AS org_id, o.name AS org_name, a.id, a.name, a.status, a.status_message,
                a.last_webhook_at, a.created_at,
                (SELECT count(*) FROM webhook_events e WHERE e.organization_id = a.organization_id
                   AND e.agent_id = a.id AND e.received_at > now() - interval '1 hour'
                   AND e.outcome <> 'malformed') AS accepted_hour,
                (SELECT count(*) FROM webhook_events e WHERE e.organization_id = a.organization_id
                   AND e.agent_id = a.id AND e.received_at > now() - interval '1 day'
                   AND e.outcome <> 'malformed') AS accepted_day,
                (SELECT count(*) FROM webhook_events e WHERE e.organization_id = a.organization_id
                   AND e.agent_id = a.id AND e.received_at > now() - interval '1 hour'
                   AND e.outcome = 'malformed') AS failed_hour,
                (SELECT count(*) FROM webhook_events e WHERE e.organization_id = a.organization_id
                   AND e.agent_id = a.id AND e.received_at > now() - interval '1 day'
                   AND e.outcome = 'malformed') AS failed_day,
                (SELECT coalesce(sum(c.count), 0)::bigint FROM webhook_counters c
                  WHERE c.organization_id = a.organization_id AND c.agent_id = a.id
                    AND c.outcome LIKE 'rejected%' AND c.hour >= date_trunc('hour', now())) AS rejected_hour,
                (SELECT coalesce(sum(c.count), 0)::bigint FROM webhook_counters c
                  WHERE c.organization_id = a.organization_id AND c.agent_id = a.id
                    AND c.outcome LIKE 'rejected%' AND c.hour > now() - interval '1 day') AS rejected_day
           FROM agents a JOIN organizations o ON o.id = a.organization_id
          ORDER BY o.name, a.name",
    )
    .fetch_all(conn)
    .await?;
    let now = Utc::now();
    rows.iter()
        .map(|r| {
            let status = AgentStatus::parse(r.try_get::<String, _>("status")?.as_str());
            let last: Option<DateTime<Utc>> = r.try_get("last_webhook_at")?;
            let created: DateTime<Utc> = r.try_get("created_at")?;
            let day = chrono::Duration::days(1);
            let silent = status != AgentStatus::Inactive
                && match last {
                    Some(t) => now - t > day,
                    None => now - created > day,
                };
            Ok(AgentHealth {
                org_id: r.try_get("org_id")?,
                org_name: r.try_get("org_name")?,
                agent_id: r.try_get("id")?,
                agent_name: r.try_get("name")?,
                status,
                status_message: r.try_get("status_message")?,
                last_webhook_at: last,
                accepted_hour: r.try_get("accepted_hour")?,
                accepted_day: r.try_get("accepted_day")?,
                rejected_hour: r.try_get("rejected_hour")?,
                rejected_day: r.try_get("rejected_day")?,
                failed_hour: r.try_get("failed_hour")?,
                failed_day: r.try_get("failed_day")?,
                silent,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Each organization's stored key and its last connection test.
pub async fn reachability(conn: &mut PgConnection) -> Result<Vec<Reachability>, AppError> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, c.organization_id IS NOT NULL AS has_key, c.checked_at, c.check_ok,
                c.check_message,
                EXISTS (SELECT 1 FROM platform_credentials s WHERE s.kind = 'voice_api_key')
                  AS shared_key,
                coalesce((SELECT u.calls FROM voice_api_usage u WHERE u.organization_id = o.id
                            AND u.day = (now() AT TIME ZONE 'UTC')::date), 0)::bigint AS api_calls_today,
                e.last_error AS api_last_error, e.last_error_at AS api_last_error_at
           FROM organizations o
           LEFT JOIN credentials c ON c.organization_id = o.id AND c.kind = 'voice_api_key'
           LEFT JOIN LATERAL (
             SELECT u.last_error, u.last_error_at FROM voice_api_usage u
              WHERE u.organization_id = o.id AND u.last_error_at IS NOT NULL
              ORDER BY u.last_error_at DESC LIMIT 1) e ON true
          ORDER BY o.name",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Reachability {
                org_id: r.try_get("id")?,
                org_name: r.try_get("name")?,
                has_key: r.try_get("has_key")?,
                checked_at: r.try_get("checked_at")?,
                ok: r.try_get("check_ok")?,
                message: r.try_get("check_message")?,
                uses_shared_key: !r.try_get::<bool, _>("has_key")?
                    && r.try_get::<bool, _>("shared_key")?,
                api_calls_today: r.try_get("api_calls_today")?,
                api_last_error: r.try_get("api_last_error")?,
                api_last_error_at: r.try_get("api_last_error_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
