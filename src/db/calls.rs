//! Call records (a tenant table). The merge itself is in `ingest::merge`,
//! which turns its state into a [`MergedRow`] and back, exactly, so that
//! merging against a stored row equals merging against the state in memory.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, Row};
use std::collections::HashMap;
use std::sync::LazyLock;
use uuid::Uuid;

/// One declaration of the columns a merge writes and reads back (which merge
/// field goes in which column is `ingest::fields`'s one declaration): for each,
/// its SQL type, the expression around the value when written (`{}`), and
/// the expression it is read as. It makes [`MergedRow`] (one typed field
/// per column), the statements' column lists and `unnest` arrays, the binds
/// in the same order, and reading a locked row — so none can drift from
/// another. Values travel as one array per column, so one statement writes
/// any number of calls.
macro_rules! merged_columns {
    ($( $(#[$doc:meta])* $col:ident: $ty:ty = $sql:literal, $write:literal, $read:literal; )*) => {
        /// A call's merged columns, as stored (`None`: no value).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct MergedRow {
            $( $(#[$doc])* pub $col: Option<$ty>, )*
        }

        /// (column, SQL type, write expression, read expression).
        const MERGED: &[(&str, &str, &str, &str)] = &[
            $( (stringify!($col), $sql, $write, $read), )*
        ];

        /// Several calls' rows as one array per column.
        #[derive(Default)]
        struct MergedColumns {
            agent: Vec<Uuid>,
            $( $col: Vec<Option<$ty>>, )*
        }

        impl MergedColumns {
            fn push(&mut self, agent_id: Uuid, row: MergedRow) {
                self.agent.push(agent_id);
                $( self.$col.push(row.$col); )*
            }

            /// Binds `$3` onwards: the agents, then [`MERGED`]'s columns.
            fn bind<'q>(
                &'q self,
                q: Query<'q, Postgres, PgArguments>,
            ) -> Query<'q, Postgres, PgArguments> {
                q.bind(&self.agent) $( .bind(&self.$col) )*
            }
        }

        impl MergedRow {
            /// Reads the columns selected by [`merged_reads`].
            fn read(row: &PgRow) -> Result<Self, sqlx::Error> {
                Ok(MergedRow { $( $col: row.try_get(stringify!($col))?, )* })
            }
        }
    };
}

merged_columns! {
    provider_agent_id: String = "text", "{}", "provider_agent_id";
    call_type: String = "text", "coalesce({}, 'unknown')", "call_type";
    direction: String = "text", "{}", "direction";
    from_number: String = "text", "{}", "from_number";
    to_number: String = "text", "{}", "to_number";
    call_status: String = "text", "{}", "call_status";
    started_at: DateTime<Utc> = "timestamptz", "{}", "started_at";
    ended_at: DateTime<Utc> = "timestamptz", "{}", "ended_at";
    /// As the platform reported it.
    reported_duration_ms: i64 = "int8", "{}", "reported_duration_ms";
    /// As billed: reported, else end − start (derived, never read back).
    duration_ms: i64 = "int8", "{}", "duration_ms";
    disconnection_reason: String = "text", "{}", "disconnection_reason";
    transcript: String = "text", "{}", "transcript";
    transcript_turns: Value = "jsonb", "{}", "transcript_turns";
    summary: String = "text", "{}", "summary";
    sentiment: String = "text", "{}", "sentiment";
    successful: bool = "bool", "{}", "successful";
    in_voicemail: bool = "bool", "{}", "in_voicemail";
    custom_analysis: Value = "jsonb", "{}", "custom_analysis";
    recording_url: String = "text", "{}", "recording_url";
    /// The platform's figure as JSON number text (numeric in the table), so
    /// it reads back exactly as it came.
    provider_cost_cents: String = "text", "{}::numeric", "provider_cost_cents::text";
    metadata: Value = "jsonb", "{}", "metadata";
    dynamic_variables: Value = "jsonb", "{}", "dynamic_variables";
    /// `{field: rank}` of the merge (see `ingest::merge`).
    merge_ranks: Value = "jsonb", "{}", "merge_ranks";
    /// The events seen, as a JSON array of names: lists of different lengths
    /// cannot travel in one two-dimensional array (a `text[]` column).
    events_seen: Value = "jsonb", "ARRAY(SELECT jsonb_array_elements_text({}))",
        "to_jsonb(events_seen)";
}

/// The select list that [`MergedRow::read`] reads.
fn merged_reads() -> String {
    MERGED
        .iter()
        .map(|(col, _, _, read)| {
            if read == col {
                col.to_string()
            } else {
                format!("{read} AS {col}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Locks the organization's existing calls among `provider_call_ids`, in
/// the order of their ids (so concurrent batches wait instead of
/// deadlocking), and returns each one's id and merged row. Concurrent
/// deliveries for one call queue here, so each merges against the other's
/// committed result.
pub async fn lock_many(
    conn: &mut PgConnection,
    org_id: Uuid,
    provider_call_ids: &[&str],
) -> Result<HashMap<String, (Uuid, MergedRow)>, AppError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT id, provider_call_id, {} FROM calls
              WHERE organization_id = $1 AND provider_call_id = ANY($2)
              ORDER BY provider_call_id FOR UPDATE",
            merged_reads()
        )
    });
    let rows = sqlx::query(&SQL)
        .bind(org_id)
        .bind(provider_call_ids)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: Uuid = row.try_get("id")?;
        out.insert(
            row.try_get("provider_call_id")?,
            (id, MergedRow::read(&row)?),
        );
    }
    Ok(out)
}

/// `unnest($2::<key>[], $3::uuid[], $4::text[], …) AS t(key, agent, c4, …)`
/// and, per merged column, its expression over `t`.
fn unnest_merged(key_type: &str) -> (String, Vec<String>) {
    let mut arrays = vec![format!("$2::{key_type}[]"), "$3::uuid[]".to_string()];
    let mut names = vec!["key".to_string(), "agent".to_string()];
    let mut exprs = Vec::new();
    for (i, (_, ty, write, _)) in MERGED.iter().enumerate() {
        let n = i + 4;
        arrays.push(format!("${n}::{ty}[]"));
        names.push(format!("c{n}"));
        exprs.push(write.replace("{}", &format!("t.c{n}")));
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
    let columns: Vec<&str> = MERGED.iter().map(|(c, _, _, _)| *c).collect();
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
        .map(|((c, _, _, _), e)| format!("{c} = {e}"))
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

/// The keys (provider ids or ids) and the columns of `(key, agent, row)` triples.
fn columns_of<K>(calls: Vec<(K, Uuid, MergedRow)>) -> (Vec<K>, MergedColumns) {
    let mut keys = Vec::with_capacity(calls.len());
    let mut columns = MergedColumns::default();
    for (key, agent_id, row) in calls {
        keys.push(key);
        columns.push(agent_id, row);
    }
    (keys, columns)
}

/// Creates calls from their first merged rows, each written once, in one
/// statement that also adds them to the rollups (in a `db::tx::ingestion`
/// transaction; elsewhere the row triggers do). Returns the
/// provider ids created, with their ids; a call missing from the answer was
/// created by another delivery meanwhile: lock it and merge again.
pub async fn create_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    calls: Vec<(&str, Uuid, MergedRow)>,
) -> Result<HashMap<String, Uuid>, AppError> {
    let (keys, columns) = columns_of(calls);
    let q = sqlx::query(&INSERT_MERGED).bind(org_id).bind(&keys);
    let rows = columns.bind(q).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("provider_call_id")?, r.try_get("id")?)))
        .collect()
}

/// Writes merged rows back to locked calls, in one statement that
/// also moves the rollups from what the rows were to what they are (in a
/// `db::tx::ingestion` transaction; elsewhere the row triggers do). The
/// rows must be locked ([`lock_many`]).
pub async fn store_merged(
    conn: &mut PgConnection,
    org_id: Uuid,
    calls: Vec<(Uuid, Uuid, MergedRow)>,
) -> Result<(), AppError> {
    let (ids, columns) = columns_of(calls);
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
