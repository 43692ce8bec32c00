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
use std::collections::HashMap;
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

/// Locks the organization's existing calls among `provider_call_ids`, in
/// the order of their ids (so concurrent batches wait instead of
/// deadlocking), and returns each one's id and merge state. Concurrent
/// deliveries for one call queue here, so each merges against the other's
/// committed result.
pub async fn lock_many(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_call_ids: &[&str],
) -> Result<HashMap<String, (Uuid, Merged)>, AppError> {
    let sql = format!(
        "SELECT id AS call_id, provider_call_id, {MERGE_STATE_COLUMNS} FROM calls
          WHERE organization_id = $1 AND provider_call_id = ANY($2)
          ORDER BY provider_call_id FOR UPDATE"
    );
    let rows = sqlx::query(&sql)
        .bind(org_id)
        .bind(provider_call_ids)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(state) = merge_state(&row)? {
            out.insert(row.try_get("provider_call_id")?, state);
        }
    }
    Ok(out)
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

/// The columns a merge writes: name, SQL type, and the expression around
/// the value (`{}`). Shared by the insert of new calls and the update of
/// existing ones, so the two cannot drift apart. Values travel as one array
/// per column (`unnest`), so one statement writes any number of calls.
const MERGED: &[(&str, &str, &str)] = &[
    ("provider_agent_id", "text", "{}"),
    ("call_type", "text", "coalesce({}, 'unknown')"),
    ("direction", "text", "{}"),
    ("from_number", "text", "{}"),
    ("to_number", "text", "{}"),
    ("call_status", "text", "{}"),
    ("started_at", "timestamptz", "{}"),
    ("ended_at", "timestamptz", "{}"),
    ("reported_duration_ms", "int8", "{}"),
    ("duration_ms", "int8", "{}"),
    ("disconnection_reason", "text", "{}"),
    ("transcript", "text", "{}"),
    ("transcript_turns", "jsonb", "{}"),
    ("summary", "text", "{}"),
    ("sentiment", "text", "{}"),
    ("successful", "bool", "{}"),
    ("in_voicemail", "bool", "{}"),
    ("custom_analysis", "jsonb", "{}"),
    ("recording_url", "text", "{}"),
    ("provider_cost_cents", "text", "{}::numeric"),
    ("metadata", "jsonb", "{}"),
    ("dynamic_variables", "jsonb", "{}"),
    ("merge_ranks", "jsonb", "{}"),
    // A list per call cannot travel in a two-dimensional array (the lists
    // differ in length), so it travels as a JSON array.
    (
        "events_seen",
        "jsonb",
        "ARRAY(SELECT jsonb_array_elements_text({}))",
    ),
];

/// `unnest($2::<key>[], $3::uuid[], $4::text[], …) AS t(key, agent, c4, …)`
/// and, per merged column, its expression over `t`.
fn unnest_merged(key_type: &str) -> (String, Vec<String>) {
    let mut arrays = vec![format!("$2::{key_type}[]"), "$3::uuid[]".to_string()];
    let mut names = vec!["key".to_string(), "agent".to_string()];
    let mut exprs = Vec::new();
    for (i, (_, ty, expr)) in MERGED.iter().enumerate() {
        let n = i + 4;
        arrays.push(format!("${n}::{ty}[]"));
        names.push(format!("c{n}"));
        exprs.push(expr.replace("{}", &format!("t.c{n}")));
    }
    (
        format!("unnest({}) AS t({})", arrays.join(", "), names.join(", ")),
        exprs,
    )
}

// In an ingestion transaction (`db::tx::ingestion`) the rollups' row
// triggers stand aside and both statements pass the rows they wrote (and,
// for an update, the rows as they were: every part of one statement reads
// the same snapshot) to `app.call_rollups_change`, once per statement. In
// any other transaction the triggers count them and the statements do not
// (`rolled` is always one row, calling the function only in an ingestion
// transaction), so a call is never counted twice or not at all.
static INSERT_MERGED: LazyLock<String> = LazyLock::new(|| {
    let (source, exprs) = unnest_merged("text");
    let columns: Vec<&str> = MERGED.iter().map(|(c, _, _)| *c).collect();
    format!(
        "WITH written AS (
           INSERT INTO calls AS n (organization_id, provider_call_id, agent_id, {})
           SELECT $1, t.key, t.agent, {} FROM {source}
           ON CONFLICT (organization_id, provider_call_id) DO NOTHING
           RETURNING n AS rec
         ), rolled AS (
           SELECT CASE WHEN app.rollups_by_statement()
                       THEN app.call_rollups_change(NULL, (SELECT array_agg(rec) FROM written))
                  END
         )
         SELECT (rec).provider_call_id, (rec).id FROM written, rolled",
        columns.join(", "),
        exprs.join(", ")
    )
});

static UPDATE_MERGED: LazyLock<String> = LazyLock::new(|| {
    let (source, exprs) = unnest_merged("uuid");
    let sets: Vec<String> = MERGED
        .iter()
        .zip(exprs)
        .map(|((c, _, _), e)| format!("{c} = {e}"))
        .collect();
    format!(
        "WITH was AS (
           SELECT array_agg(o) AS recs FROM calls o
            WHERE o.organization_id = $1 AND o.id = ANY($2)
         ), written AS (
           UPDATE calls c SET agent_id = coalesce(c.agent_id, t.agent), {}, updated_at = now()
             FROM {source}
            WHERE c.organization_id = $1 AND c.id = t.key
           RETURNING c AS rec
         ), rolled AS (
           SELECT CASE WHEN app.rollups_by_statement()
                       THEN app.call_rollups_change((SELECT recs FROM was),
                                                    (SELECT array_agg(rec) FROM written))
                  END
         )
         SELECT count(*) FROM rolled",
        sets.join(", ")
    )
});

/// The merged states of several calls as one array per column, in
/// [`MERGED`]'s order.
#[derive(Default)]
struct MergedColumns {
    agent: Vec<Uuid>,
    text: [Vec<Option<String>>; 12],
    time: [Vec<Option<DateTime<Utc>>>; 2],
    int: [Vec<Option<i64>>; 2],
    flag: [Vec<Option<bool>>; 2],
    json: [Vec<Option<Value>>; 6],
}

impl MergedColumns {
    /// The keys (provider ids or ids) and the columns of `(key, agent, state)` triples.
    fn of<K: Copy>(calls: &[(K, Uuid, &Merged)]) -> (Vec<K>, Self) {
        let mut keys = Vec::with_capacity(calls.len());
        let mut columns = MergedColumns::default();
        for (key, agent_id, m) in calls {
            keys.push(*key);
            columns.push(*agent_id, m);
        }
        (keys, columns)
    }

    fn push(&mut self, agent_id: Uuid, m: &Merged) {
        let text = |name: &str| m.str(name).map(str::to_owned);
        self.agent.push(agent_id);
        let texts = [
            text("provider_agent_id"),
            text("call_type"),
            text("direction"),
            text("from_number"),
            text("to_number"),
            text("call_status"),
            text("disconnection_reason"),
            text("transcript"),
            text("summary"),
            text("sentiment"),
            text("recording_url"),
            m.value("cost_cents").map(|v| v.to_string()),
        ];
        for (column, v) in self.text.iter_mut().zip(texts) {
            column.push(v);
        }
        self.time[0].push(ms_to_time(m.i64("start_ms")));
        self.time[1].push(ms_to_time(m.i64("end_ms")));
        self.int[0].push(m.i64("duration_ms"));
        self.int[1].push(m.duration_ms());
        self.flag[0].push(m.bool("successful"));
        self.flag[1].push(m.bool("in_voicemail"));
        let events: Vec<&str> = m.events_seen.iter().map(String::as_str).collect();
        let jsons = [
            m.value("transcript_turns").cloned(),
            m.value("custom_analysis").cloned(),
            m.value("metadata").cloned(),
            m.value("dynamic_variables").cloned(),
            Some(m.ranks()),
            Some(Value::from(events)),
        ];
        for (column, v) in self.json.iter_mut().zip(jsons) {
            column.push(v);
        }
    }

    /// Binds `$3` onwards in [`MERGED`]'s order.
    fn bind<'q>(&'q self, q: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        let [provider_agent_id, call_type, direction, from, to, status, reason, transcript, summary, sentiment, recording, cost] =
            &self.text;
        let [turns, analysis, metadata, variables, ranks, events] = &self.json;
        q.bind(&self.agent)
            .bind(provider_agent_id)
            .bind(call_type)
            .bind(direction)
            .bind(from)
            .bind(to)
            .bind(status)
            .bind(&self.time[0])
            .bind(&self.time[1])
            .bind(&self.int[0])
            .bind(&self.int[1])
            .bind(reason)
            .bind(transcript)
            .bind(turns)
            .bind(summary)
            .bind(sentiment)
            .bind(&self.flag[0])
            .bind(&self.flag[1])
            .bind(analysis)
            .bind(recording)
            .bind(cost)
            .bind(metadata)
            .bind(variables)
            .bind(ranks)
            .bind(events)
    }
}

/// Creates calls from their first merged states, each written once, in one
/// statement that also adds them to the rollups (in a `db::tx::ingestion`
/// transaction; elsewhere the row triggers do). Returns the
/// provider ids created, with their ids; a call missing from the answer was
/// created by another delivery meanwhile: lock it and merge again.
pub async fn create_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    calls: &[(&str, Uuid, &Merged)],
) -> Result<HashMap<String, Uuid>, AppError> {
    let (keys, columns) = MergedColumns::of(calls);
    let q = sqlx::query(&INSERT_MERGED).bind(org_id).bind(&keys);
    let rows = columns.bind(q).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("provider_call_id")?, r.try_get("id")?)))
        .collect()
}

/// Writes merged states back to locked calls' rows, in one statement that
/// also moves the rollups from what the rows were to what they are (in a
/// `db::tx::ingestion` transaction; elsewhere the row triggers do). The
/// rows must be locked ([`lock_many`]).
pub async fn store_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    calls: &[(Uuid, Uuid, &Merged)],
) -> Result<(), AppError> {
    let (ids, columns) = MergedColumns::of(calls);
    let q = sqlx::query(&UPDATE_MERGED).bind(org_id).bind(&ids);
    columns.bind(q).fetch_one(conn).await?;
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
