//! The Reservations page's reads and writes of an organization's
//! reservations and drivers (the tool's own reads are in `tool_data`).

use crate::domain::tool_data::{DriverLine, ImportRecord, ToolCallDay, PER_PAGE};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// A search, ready for SQL: `text` matches a confirmation number (by its
/// key or its start), a name (anywhere in it) or, as `phone`, a number.
pub struct Search {
    pub text: String,
    pub key: String,
    pub phone: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

const MATCHES: &str = "organization_id = $1
   AND ($2 = '' OR confirmation_key = $3 OR passenger_phone = $4
        OR confirmation_number ILIKE $5 || '%' ESCAPE '\\'
        OR passenger_name ILIKE '%' || $5 || '%' ESCAPE '\\')
   AND ($6::timestamptz IS NULL OR (pickup_at >= $6 AND pickup_at < $7))";

/// `text` with LIKE's wildcards taken literally.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn bind_search<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    org_id: Uuid,
    s: &'q Search,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    q.bind(org_id)
        .bind(&s.text)
        .bind(&s.key)
        .bind(&s.phone)
        .bind(like_literal(&s.text))
        .bind(s.from)
        .bind(s.to)
}

/// A reservation row as stored (times in UTC).
#[derive(Debug)]
pub struct Stored {
    pub id: Uuid,
    pub confirmation_number: String,
    pub passenger_name: Option<String>,
    pub passenger_phone: Option<String>,
    pub pickup_at: DateTime<Utc>,
    pub pickup_address: Option<String>,
    pub dropoff_address: Option<String>,
    pub status: String,
    pub driver_name: Option<String>,
}

const COLUMNS: &str = "id, confirmation_number, passenger_name, passenger_phone, pickup_at,
       pickup_address, dropoff_address, status, driver_name";

fn stored(r: &sqlx::postgres::PgRow) -> Result<Stored, sqlx::Error> {
    Ok(Stored {
        id: r.try_get("id")?,
        confirmation_number: r.try_get("confirmation_number")?,
        passenger_name: r.try_get("passenger_name")?,
        passenger_phone: r.try_get("passenger_phone")?,
        pickup_at: r.try_get("pickup_at")?,
        pickup_address: r.try_get("pickup_address")?,
        dropoff_address: r.try_get("dropoff_address")?,
        status: r.try_get("status")?,
        driver_name: r.try_get("driver_name")?,
    })
}

/// One page of matching reservations, by pickup time, and how many match.
pub async fn search(
    conn: &mut PgConnection,
    org_id: Uuid,
    s: &Search,
    page: u32,
) -> Result<(Vec<Stored>, i64), AppError> {
    let total: i64 = bind_search(
        sqlx::query(&format!(
            "SELECT count(*) AS n FROM reservations WHERE {MATCHES}"
        )),
        org_id,
        s,
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let rows = bind_search(
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM reservations WHERE {MATCHES}
              ORDER BY pickup_at, confirmation_number LIMIT $8 OFFSET $9"
        )),
        org_id,
        s,
    )
    .bind(i64::from(PER_PAGE))
    .bind(i64::from(page) * i64::from(PER_PAGE))
    .fetch_all(conn)
    .await?;
    let lines = rows.iter().map(stored).collect::<Result<_, _>>()?;
    Ok((lines, total))
}

/// Every matching reservation, a batch at a time after `after` (pickup
/// time, confirmation number), for the export.
pub async fn export_batch(
    conn: &mut PgConnection,
    org_id: Uuid,
    s: &Search,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> Result<Vec<Stored>, AppError> {
    let (at, number) = match after {
        Some((at, n)) => (Some(at), n),
        None => (None, String::new()),
    };
    let rows = bind_search(
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM reservations WHERE {MATCHES}
               AND ($8::timestamptz IS NULL OR (pickup_at, confirmation_number) > ($8, $9))
             ORDER BY pickup_at, confirmation_number LIMIT $10"
        )),
        org_id,
        s,
    )
    .bind(at)
    .bind(number)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(stored).collect::<Result<_, _>>()?)
}

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<Stored>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM reservations WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(stored).transpose()?)
}

/// Writes an edited reservation (the confirmation number stays); `false`
/// when there is no such reservation.
pub async fn update(conn: &mut PgConnection, org_id: Uuid, r: &Stored) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE reservations SET passenger_name = $3, passenger_phone = $4, pickup_at = $5,
                pickup_address = $6, dropoff_address = $7, status = $8, driver_name = $9,
                updated_at = now()
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(r.id)
    .bind(&r.passenger_name)
    .bind(&r.passenger_phone)
    .bind(r.pickup_at)
    .bind(&r.pickup_address)
    .bind(&r.dropoff_address)
    .bind(&r.status)
    .bind(&r.driver_name)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// One page of drivers by name, matching `text` in the name or the phone.
pub async fn drivers(
    conn: &mut PgConnection,
    org_id: Uuid,
    text: &str,
    page: u32,
) -> Result<(Vec<DriverLine>, i64), AppError> {
    const WHERE: &str = "organization_id = $1
        AND ($2 = '' OR name ILIKE '%' || $2 || '%' ESCAPE '\\' OR phone LIKE '%' || $2 || '%' ESCAPE '\\')";
    let text = like_literal(text);
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM drivers WHERE {WHERE}"))
        .bind(org_id)
        .bind(&text)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT id, name, phone, active FROM drivers WHERE {WHERE}
          ORDER BY name LIMIT $3 OFFSET $4"
    ))
    .bind(org_id)
    .bind(&text)
    .bind(i64::from(PER_PAGE))
    .bind(i64::from(page) * i64::from(PER_PAGE))
    .fetch_all(conn)
    .await?;
    let lines = rows
        .iter()
        .map(|r| {
            Ok(DriverLine {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                phone: r.try_get("phone")?,
                active: r.try_get("active")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((lines, total))
}

/// How many reservations and drivers the organization has.
pub async fn counts(conn: &mut PgConnection, org_id: Uuid) -> Result<(i64, i64), AppError> {
    let r = sqlx::query(
        "SELECT (SELECT count(*) FROM reservations WHERE organization_id = $1) AS r,
                (SELECT count(*) FROM drivers WHERE organization_id = $1) AS d",
    )
    .bind(org_id)
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("r")?, r.try_get("d")?))
}

/// The latest import of `kind` (refused attempts included).
pub async fn last_import(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
) -> Result<Option<ImportRecord>, AppError> {
    let row = sqlx::query(
        "SELECT kind, mode, rows, errors, filename, actor_label, created_at
           FROM tool_data_imports WHERE organization_id = $1 AND kind = $2
          ORDER BY created_at DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(ImportRecord {
        kind: r.try_get("kind")?,
        mode: r.try_get("mode")?,
        rows: r.try_get("rows")?,
        errors: r.try_get("errors")?,
        filename: r.try_get("filename")?,
        actor: r.try_get("actor_label")?,
        at: r.try_get("created_at")?,
    }))
}

pub async fn set_stale_hours(
    conn: &mut PgConnection,
    org_id: Uuid,
    hours: i32,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO tool_data_settings (organization_id, stale_hours) VALUES ($1, $2)
         ON CONFLICT (organization_id) DO UPDATE SET stale_hours = $2, updated_at = now()",
    )
    .bind(org_id)
    .bind(hours)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tool's daily counts from `from` to `to` (inclusive), newest first.
pub async fn tool_call_days(
    conn: &mut PgConnection,
    org_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ToolCallDay>, AppError> {
    let rows = sqlx::query(
        "SELECT day, calls, found, not_found, refused,
                CASE WHEN calls > 0 THEN total_ms / calls ELSE 0 END AS mean_ms
           FROM tool_call_counts
          WHERE organization_id = $1 AND day BETWEEN $2 AND $3
          ORDER BY day DESC",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ToolCallDay {
                day: r.try_get("day")?,
                calls: r.try_get("calls")?,
                found: r.try_get("found")?,
                not_found: r.try_get("not_found")?,
                refused: r.try_get("refused")?,
                mean_ms: r.try_get("mean_ms")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
