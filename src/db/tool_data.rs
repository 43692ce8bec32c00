//! Reservations and drivers (tenant tables), their imports, and the
//! `check_reservation` tool's reads: the organization's context in one
//! statement, the reservation (with its driver's phone) in another.

use crate::domain::reservations::{FoundReservation, ToolContext};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// An import as recorded: what, how, how many rows stored (none when it
/// had `errors`), from which file, by whom.
pub struct ImportEntry<'a> {
    pub kind: &'a str,
    pub mode: &'a str,
    pub rows: i32,
    pub errors: i32,
    pub filename: Option<&'a str>,
    pub actor_label: &'a str,
}

/// Records an import (its rows and row errors).
pub async fn record_import(
    conn: &mut PgConnection,
    org_id: Uuid,
    e: ImportEntry<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO tool_data_imports
           (organization_id, kind, mode, rows, errors, filename, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(org_id)
    .bind(e.kind)
    .bind(e.mode)
    .bind(e.rows)
    .bind(e.errors)
    .bind(e.filename)
    .bind(e.actor_label)
    .execute(conn)
    .await?;
    Ok(())
}

/// The organization's timezone, business hours, transfer setting and its
/// reservations' freshness. Without saved Agent Settings the defaults apply
/// (Phoenix, 6–22, transfer on).
const CONTEXT: &str = "SELECT s.timezone, s.business_hours_start, s.business_hours_end,
        s.transfer_enabled, coalesce(t.stale_hours, 24) AS stale_hours,
        (SELECT max(i.created_at) FROM tool_data_imports i
          WHERE i.organization_id = o.id AND i.kind = 'reservations'
            AND i.errors = 0) AS last_import_at
   FROM organizations o
   LEFT JOIN agent_settings s ON s.organization_id = o.id
   LEFT JOIN tool_data_settings t ON t.organization_id = o.id
  WHERE o.id = $1";

fn context_of(r: &sqlx::postgres::PgRow) -> Result<ToolContext, AppError> {
    let zone: Option<String> = r.try_get("timezone")?;
    let timezone = zone
        .as_deref()
        .and_then(crate::domain::time::timezone)
        .or_else(|| crate::domain::time::timezone(crate::domain::DEFAULT_TIMEZONE))
        .ok_or(AppError::Internal)?;
    let hour = |name: &str| -> Result<Option<u8>, sqlx::Error> {
        Ok(r.try_get::<Option<i16>, _>(name)?
            .and_then(|h| u8::try_from(h).ok()))
    };
    Ok(ToolContext {
        timezone,
        business_hours_start: hour("business_hours_start")?.unwrap_or(6),
        business_hours_end: hour("business_hours_end")?.unwrap_or(22),
        transfer_enabled: r
            .try_get::<Option<bool>, _>("transfer_enabled")?
            .unwrap_or(true),
        last_import_at: r.try_get("last_import_at")?,
        stale_hours: r.try_get("stale_hours")?,
    })
}

/// The organization's context (see [`CONTEXT`]).
pub async fn context(conn: &mut PgConnection, org_id: Uuid) -> Result<ToolContext, AppError> {
    let r = sqlx::query(CONTEXT)
        .bind(org_id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    context_of(&r)
}

/// What the tool looks a reservation up by.
pub enum Lookup<'a> {
    /// A confirmation key (`domain::reservations::confirmation_key`).
    Key(&'a str),
    /// The caller's next pickup in `[from, to)`.
    Phone {
        phone: &'a str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

/// The tool's whole read in one statement: the organization's context and
/// the reservation asked for (with its driver's phone), if any.
pub async fn look_up(
    conn: &mut PgConnection,
    org_id: Uuid,
    by: Lookup<'_>,
) -> Result<(ToolContext, Option<FoundReservation>), AppError> {
    let found = match by {
        Lookup::Key(_) => format!(
            "{FOUND} WHERE r.organization_id = $1 AND r.confirmation_key = $2
              ORDER BY r.pickup_at DESC LIMIT 1"
        ),
        Lookup::Phone { .. } => format!(
            "{FOUND} WHERE r.organization_id = $1 AND r.passenger_phone = $2
                AND r.pickup_at >= $3 AND r.pickup_at < $4
              ORDER BY r.pickup_at LIMIT 1"
        ),
    };
    let sql = format!("SELECT c.*, f.* FROM ({CONTEXT}) c LEFT JOIN LATERAL ({found}) f ON true");
    let q = sqlx::query(&sql).bind(org_id);
    let q = match by {
        Lookup::Key(key) => q.bind(key.to_string()),
        Lookup::Phone { phone, from, to } => q.bind(phone.to_string()).bind(from).bind(to),
    };
    let r = q.fetch_optional(conn).await?.ok_or(AppError::NotFound)?;
    let ctx = context_of(&r)?;
    let number: Option<String> = r.try_get("confirmation_number")?;
    let reservation = match number {
        Some(_) => Some(found_of(&r)?),
        None => None,
    };
    Ok((ctx, reservation))
}

const FOUND: &str = "SELECT r.confirmation_number, r.passenger_name, r.pickup_at, r.pickup_address,
        r.dropoff_address, r.status, r.driver_name, d.phone AS driver_phone
   FROM reservations r
   LEFT JOIN drivers d ON d.organization_id = r.organization_id AND d.name = r.driver_name
                      AND d.active";

fn found_of(r: &sqlx::postgres::PgRow) -> Result<FoundReservation, sqlx::Error> {
    Ok(FoundReservation {
        confirmation_number: r.try_get("confirmation_number")?,
        passenger_name: r.try_get("passenger_name")?,
        pickup_at: r.try_get("pickup_at")?,
        pickup_address: r.try_get("pickup_address")?,
        dropoff_address: r.try_get("dropoff_address")?,
        status: r.try_get("status")?,
        driver_name: r.try_get("driver_name")?,
        driver_phone: r.try_get("driver_phone")?,
    })
}

/// An organization's tool calls since the last write: answered (found or
/// not), refused, and the time the answers took.
pub struct Counted {
    pub calls: i32,
    pub found: i32,
    pub refused: i32,
    pub took_ms: i64,
}

/// Adds tool calls to the day's counts (UTC).
pub async fn count_calls(
    conn: &mut PgConnection,
    org_id: Uuid,
    c: Counted,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO tool_call_counts
           (organization_id, day, calls, found, not_found, refused, total_ms)
         VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, $3, $2 - $3, $4, $5)
         ON CONFLICT (organization_id, day) DO UPDATE SET
           calls = tool_call_counts.calls + EXCLUDED.calls,
           found = tool_call_counts.found + EXCLUDED.found,
           not_found = tool_call_counts.not_found + EXCLUDED.not_found,
           refused = tool_call_counts.refused + EXCLUDED.refused,
           total_ms = tool_call_counts.total_ms + EXCLUDED.total_ms",
    )
    .bind(org_id)
    .bind(c.calls)
    .bind(c.found)
    .bind(c.refused)
    .bind(c.took_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows written per statement in a bulk import.
const CHUNK: usize = 5_000;

pub async fn clear_reservations(conn: &mut PgConnection, org_id: Uuid) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM reservations WHERE organization_id = $1")
            .bind(org_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn clear_drivers(conn: &mut PgConnection, org_id: Uuid) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM drivers WHERE organization_id = $1")
            .bind(org_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Inserts or updates reservations by confirmation number, 5,000 a statement.
pub async fn put_reservations(
    conn: &mut PgConnection,
    org_id: Uuid,
    rows: &[crate::domain::tool_import::Reservation],
) -> Result<u64, AppError> {
    let mut stored = 0;
    for chunk in rows.chunks(CHUNK) {
        let col = |f: fn(&crate::domain::tool_import::Reservation) -> Option<String>| {
            chunk.iter().map(f).collect::<Vec<_>>()
        };
        stored += sqlx::query(
            "INSERT INTO reservations (organization_id, confirmation_number, passenger_name,
                                       passenger_phone, pickup_at, pickup_address, dropoff_address,
                                       status, driver_name)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[],
                                      $6::text[], $7::text[], $8::text[], $9::text[])
             ON CONFLICT (organization_id, confirmation_number) DO UPDATE SET
               passenger_name = EXCLUDED.passenger_name, passenger_phone = EXCLUDED.passenger_phone,
               pickup_at = EXCLUDED.pickup_at, pickup_address = EXCLUDED.pickup_address,
               dropoff_address = EXCLUDED.dropoff_address, status = EXCLUDED.status,
               driver_name = EXCLUDED.driver_name, updated_at = now()",
        )
        .bind(org_id)
        .bind(col(|r| Some(r.confirmation_number.clone())))
        .bind(col(|r| r.passenger_name.clone()))
        .bind(col(|r| r.passenger_phone.clone()))
        .bind(chunk.iter().map(|r| r.pickup_at).collect::<Vec<_>>())
        .bind(col(|r| r.pickup_address.clone()))
        .bind(col(|r| r.dropoff_address.clone()))
        .bind(col(|r| Some(r.status.clone())))
        .bind(col(|r| r.driver_name.clone()))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(stored)
}

/// Inserts or updates drivers by name.
pub async fn put_drivers(
    conn: &mut PgConnection,
    org_id: Uuid,
    rows: &[crate::domain::tool_import::Driver],
) -> Result<u64, AppError> {
    let mut stored = 0;
    for chunk in rows.chunks(CHUNK) {
        stored += sqlx::query(
            "INSERT INTO drivers (organization_id, name, phone, active)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bool[])
             ON CONFLICT (organization_id, name) DO UPDATE SET
               phone = EXCLUDED.phone, active = EXCLUDED.active, updated_at = now()",
        )
        .bind(org_id)
        .bind(chunk.iter().map(|d| d.name.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|d| d.phone.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|d| d.active).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(stored)
}
