//! Call records (a tenant table). The merge itself is in `ingest::merge`;
//! this file turns a row into merge state and back, exactly, so that merging
//! against a stored row equals merging against the state in memory.

use crate::error::AppError;
use crate::ingest::merge::{self, Merged};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, Row};
use std::sync::LazyLock;
use uuid::Uuid;

fn ms_to_time(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.and_then(DateTime::from_timestamp_millis)
}

/// The columns a merge state is read from.
const MERGE_STATE_COLUMNS: &str = "merge_ranks, events_seen, agent_id, provider_agent_id,
    call_type, direction, from_number, to_number, call_status, started_at, ended_at,
    reported_duration_ms, disconnection_reason, transcript, transcript_turns, summary, sentiment,
    successful, in_voicemail, custom_analysis, recording_url, provider_cost_cents::text AS cost,
    metadata, dynamic_variables";

/// Locks an existing call's row for this transaction and returns its id and
/// merge state; `None` if the organization has no such call yet.
/// Concurrent deliveries for one call queue here, so each merges against the
/// other's committed result.
pub async fn lock(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_call_id: &str,
) -> Result<Option<(Uuid, Merged)>, AppError> {
    let sql = format!(
        "SELECT id AS call_id, {MERGE_STATE_COLUMNS} FROM calls
          WHERE organization_id = $1 AND provider_call_id = $2 FOR UPDATE"
    );
    let row = sqlx::query(&sql)
        .bind(org_id)
        .bind(provider_call_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => merge_state(&row),
        None => Ok(None),
    }
}

/// Reads `call_id` and [`MERGE_STATE_COLUMNS`] from a row; `None` when
/// `call_id` is null (no call yet).
fn merge_state(row: &PgRow) -> Result<Option<(Uuid, Merged)>, AppError> {
    let Some(id) = row.try_get::<Option<Uuid>, _>("call_id")? else {
        return Ok(None);
    };
    let ranks: Value = row.try_get("merge_ranks")?;
    let events: Vec<String> = row.try_get("events_seen")?;
    let mut state = Merged {
        events_seen: events.into_iter().collect(),
        ..Default::default()
    };
    let Some(ranks) = ranks.as_object() else {
        return Ok(Some((id, state)));
    };
    for (name, rank) in ranks {
        let Some(name) = merge::static_name(name) else {
            continue;
        };
        let rank = rank.as_u64().unwrap_or(0).min(u8::MAX as u64) as u8;
        let text = |col: &str| -> Result<Value, sqlx::Error> {
            Ok(row
                .try_get::<Option<String>, _>(col)?
                .map(Value::String)
                .unwrap_or(Value::Null))
        };
        let json = |col: &str| -> Result<Value, sqlx::Error> {
            Ok(row.try_get::<Option<Value>, _>(col)?.unwrap_or(Value::Null))
        };
        let time = |col: &str| -> Result<Value, sqlx::Error> {
            Ok(row
                .try_get::<Option<DateTime<Utc>>, _>(col)?
                .map(|t| Value::from(t.timestamp_millis()))
                .unwrap_or(Value::Null))
        };
        let flag = |col: &str| -> Result<Value, sqlx::Error> {
            Ok(row
                .try_get::<Option<bool>, _>(col)?
                .map(Value::Bool)
                .unwrap_or(Value::Null))
        };
        let value = match name {
            "start_ms" => time("started_at")?,
            "end_ms" => time("ended_at")?,
            "duration_ms" => row
                .try_get::<Option<i64>, _>("reported_duration_ms")?
                .map(Value::from)
                .unwrap_or(Value::Null),
            "successful" | "in_voicemail" => flag(name)?,
            "transcript_turns" | "custom_analysis" | "metadata" | "dynamic_variables" => {
                json(name)?
            }
            "cost_cents" => row
                .try_get::<Option<String>, _>("cost")?
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null),
            other => text(other)?,
        };
        if !value.is_null() {
            state.fields.insert(name, (rank, value));
        }
    }
    Ok(Some((id, state)))
}

/// The columns a merge writes, each with the expression for its parameter
/// (`$4` onwards, in [`bind_merged`]'s order). Shared by the insert of a new
/// call and the update of an existing one, so the two cannot drift apart.
const MERGED: &[(&str, &str)] = &[
    ("provider_agent_id", "$4"),
    ("call_type", "coalesce($5, 'unknown')"),
    ("direction", "$6"),
    ("from_number", "$7"),
    ("to_number", "$8"),
    ("call_status", "$9"),
    ("started_at", "$10"),
    ("ended_at", "$11"),
    ("reported_duration_ms", "$12"),
    ("duration_ms", "$13"),
    ("disconnection_reason", "$14"),
    ("transcript", "$15"),
    ("transcript_turns", "$16"),
    ("summary", "$17"),
    ("sentiment", "$18"),
    ("successful", "$19"),
    ("in_voicemail", "$20"),
    ("custom_analysis", "$21"),
    ("recording_url", "$22"),
    ("provider_cost_cents", "$23::numeric"),
    ("metadata", "$24"),
    ("dynamic_variables", "$25"),
    ("merge_ranks", "$26"),
    ("events_seen", "$27"),
];

static INSERT_MERGED: LazyLock<String> = LazyLock::new(|| {
    let columns: Vec<&str> = MERGED.iter().map(|(c, _)| *c).collect();
    let values: Vec<&str> = MERGED.iter().map(|(_, v)| *v).collect();
    format!(
        "INSERT INTO calls (organization_id, provider_call_id, agent_id, {})
         VALUES ($1, $2, $3, {})
         ON CONFLICT (organization_id, provider_call_id) DO NOTHING
         RETURNING id",
        columns.join(", "),
        values.join(", ")
    )
});

static UPDATE_MERGED: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = MERGED.iter().map(|(c, v)| format!("{c} = {v}")).collect();
    format!(
        "UPDATE calls SET agent_id = coalesce(agent_id, $3), {}, updated_at = now()
          WHERE organization_id = $1 AND id = $2",
        sets.join(", ")
    )
});

fn bind_merged<'q>(
    q: Query<'q, Postgres, PgArguments>,
    agent_id: Uuid,
    m: &'q Merged,
) -> Query<'q, Postgres, PgArguments> {
    let events: Vec<&str> = m.events_seen.iter().map(String::as_str).collect();
    q.bind(agent_id)
        .bind(m.str("provider_agent_id"))
        .bind(m.str("call_type"))
        .bind(m.str("direction"))
        .bind(m.str("from_number"))
        .bind(m.str("to_number"))
        .bind(m.str("call_status"))
        .bind(ms_to_time(m.i64("start_ms")))
        .bind(ms_to_time(m.i64("end_ms")))
        .bind(m.i64("duration_ms"))
        .bind(m.duration_ms())
        .bind(m.str("disconnection_reason"))
        .bind(m.str("transcript"))
        .bind(m.value("transcript_turns"))
        .bind(m.str("summary"))
        .bind(m.str("sentiment"))
        .bind(m.bool("successful"))
        .bind(m.bool("in_voicemail"))
        .bind(m.value("custom_analysis"))
        .bind(m.str("recording_url"))
        .bind(m.value("cost_cents").map(|v| v.to_string()))
        .bind(m.value("metadata"))
        .bind(m.value("dynamic_variables"))
        .bind(m.ranks())
        .bind(events)
}

/// Creates a call from its first merged state, written once (so the
/// rollups' trigger runs once). `None` if another delivery created the call
/// meanwhile: lock it and merge again.
pub async fn create_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_call_id: &str,
    agent_id: Uuid,
    m: &Merged,
) -> Result<Option<Uuid>, AppError> {
    let q = sqlx::query(&INSERT_MERGED)
        .bind(org_id)
        .bind(provider_call_id);
    let row = bind_merged(q, agent_id, m).fetch_optional(conn).await?;
    Ok(row.map(|r| r.get::<Uuid, _>("id")))
}

/// Writes the merged state back to a locked call's row.
pub async fn store_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    call_id: Uuid,
    agent_id: Uuid,
    m: &Merged,
) -> Result<(), AppError> {
    let q = sqlx::query(&UPDATE_MERGED).bind(org_id).bind(call_id);
    bind_merged(q, agent_id, m).execute(conn).await?;
    Ok(())
}

/// A call's recording URL, if the organization has that call.
pub async fn recording_url(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<String>, AppError> {
    let url: Option<Option<String>> = sqlx::query_scalar(
        "SELECT recording_url FROM calls WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(url.flatten())
}

/// A call as the console and the CLI show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRow {
    pub id: Uuid,
    pub provider_call_id: String,
    pub agent_id: Option<Uuid>,
    pub call_type: String,
    pub direction: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub call_status: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub disconnection_reason: Option<String>,
    pub transcript: Option<String>,
    pub transcript_turns: Option<Value>,
    pub summary: Option<String>,
    pub sentiment: Option<String>,
    pub successful: Option<bool>,
    pub in_voicemail: Option<bool>,
    pub recording_url: Option<String>,
    pub provider_cost_cents: Option<String>,
    pub metadata: Option<Value>,
    pub is_billable: bool,
    pub billable_override: Option<bool>,
    pub billed_minutes: i32,
    pub events_seen: Vec<String>,
    pub occurred_at: DateTime<Utc>,
    pub charge_cents: i64,
}

const CALL_COLUMNS: &str = "id, provider_call_id, agent_id, call_type, direction, from_number,
    to_number, call_status, started_at, ended_at, duration_ms, disconnection_reason, transcript,
    transcript_turns, summary, sentiment, successful, in_voicemail, recording_url,
    provider_cost_cents::text AS provider_cost_cents, metadata, is_billable, billable_override,
    billed_minutes, events_seen, occurred_at, charge_cents";

pub async fn by_provider_id(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_call_id: &str,
) -> Result<Option<CallRow>, AppError> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE organization_id = $1 AND provider_call_id = $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(org_id)
        .bind(provider_call_id)
        .fetch_optional(conn)
        .await?)
}

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<CallRow>, AppError> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE organization_id = $1 AND id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(org_id)
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Sets or clears an admin's billable override. Returns the rows changed.
pub async fn set_billable_override(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    value: Option<bool>,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE calls SET billable_override = $3, updated_at = now()
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(value)
    .execute(conn)
    .await?
    .rows_affected())
}
