//! Phone numbers (a tenant table), plus the one cross-tenant lookup the
//! inbound webhook needs: which organization owns the dialled number.

use crate::crypto::Sealed;
use crate::domain::{NumberStatus, PhoneNumber};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

type Row = (Uuid, String, String, Option<DateTime<Utc>>, DateTime<Utc>);

fn number((id, number, status, last_inbound_at, created_at): Row) -> PhoneNumber {
    PhoneNumber {
        id,
        number,
        status: NumberStatus::parse(&status),
        last_inbound_at,
        created_at,
    }
}

pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<PhoneNumber>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, number, status, last_inbound_at, created_at FROM phone_numbers
          WHERE organization_id = $1 ORDER BY created_at, number",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(number).collect())
}

/// Records a number (already in E.164). A number another organization holds
/// violates `phone_numbers_number_key`.
pub async fn insert(
    conn: &mut PgConnection,
    org_id: Uuid,
    e164: &str,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO phone_numbers (organization_id, number) VALUES ($1, $2) RETURNING id",
    )
    .bind(org_id)
    .bind(e164)
    .fetch_one(conn)
    .await
}

/// Deletes a number; returns it, if it was the organization's.
pub async fn delete(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "DELETE FROM phone_numbers WHERE organization_id = $1 AND id = $2 RETURNING number",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Marks a number connected after a correctly signed inbound call.
pub async fn mark_connected(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE phone_numbers SET status = 'connected', last_inbound_at = now()
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The owner of a dialled number: found on the platform path, because the
/// caller is not yet known. The organization's API key stays sealed.
#[derive(Debug, Clone)]
pub struct NumberOwner {
    pub org_id: Uuid,
    pub org_name: String,
    pub org_active: bool,
    pub number_id: Uuid,
    pub connected: bool,
    pub sealed_key: Option<Sealed>,
}

pub async fn owner(conn: &mut PgConnection, e164: &str) -> Result<Option<NumberOwner>, AppError> {
    type OwnerRow = (
        Uuid,
        String,
        String,
        Uuid,
        String,
        Option<String>,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
    );
    let row: Option<OwnerRow> = sqlx::query_as(
        "SELECT p.organization_id, o.name, o.status, p.id, p.status, c.key_id, c.nonce, c.ciphertext
           FROM phone_numbers p
           JOIN organizations o ON o.id = p.organization_id
           LEFT JOIN credentials c
             ON c.organization_id = p.organization_id AND c.kind = 'voice_api_key'
          WHERE p.number = $1",
    )
    .bind(e164)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(org_id, org_name, org_status, number_id, status, key_id, nonce, ciphertext)| {
            NumberOwner {
                org_id,
                org_name,
                org_active: org_status == "active",
                number_id,
                connected: status == "connected",
                sealed_key: match (key_id, nonce, ciphertext) {
                    (Some(key_id), Some(nonce), Some(ciphertext)) => Some(Sealed {
                        key_id,
                        nonce,
                        ciphertext,
                    }),
                    _ => None,
                },
            }
        },
    ))
}
