//! Sealed third-party credentials (a tenant table). Plaintext never reaches
//! this module: callers seal and open with `crypto::Keyring`.

use crate::crypto::Sealed;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub const VOICE_API_KEY: &str = "voice_api_key";

#[derive(Debug, Clone)]
pub struct StoredCredential {
    pub sealed: Sealed,
    pub last4: String,
    pub checked_at: Option<DateTime<Utc>>,
    pub check_ok: Option<bool>,
    pub check_message: Option<String>,
    pub updated_at: DateTime<Utc>,
}

type Row = (
    String,
    Vec<u8>,
    Vec<u8>,
    String,
    Option<DateTime<Utc>>,
    Option<bool>,
    Option<String>,
    DateTime<Utc>,
);

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
) -> Result<Option<StoredCredential>, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT key_id, nonce, ciphertext, last4, checked_at, check_ok, check_message, updated_at
           FROM credentials WHERE organization_id = $1 AND kind = $2",
    )
    .bind(org_id)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(key_id, nonce, ciphertext, last4, checked_at, check_ok, check_message, updated_at)| {
            StoredCredential {
                sealed: Sealed {
                    key_id,
                    nonce,
                    ciphertext,
                },
                last4,
                checked_at,
                check_ok,
                check_message,
                updated_at,
            }
        },
    ))
}

/// Stores a new sealed value; the previous connection check no longer applies.
pub async fn put(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
    sealed: &Sealed,
    last4: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO credentials (organization_id, kind, key_id, nonce, ciphertext, last4)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organization_id, kind) DO UPDATE SET
           key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext,
           last4 = EXCLUDED.last4, checked_at = NULL, check_ok = NULL, check_message = NULL,
           updated_at = now()",
    )
    .bind(org_id)
    .bind(kind)
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(last4)
    .execute(conn)
    .await?;
    Ok(())
}

/// Re-seals in place (key rotation); the value itself is unchanged.
pub async fn reseal(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
    sealed: &Sealed,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE credentials SET key_id = $3, nonce = $4, ciphertext = $5
          WHERE organization_id = $1 AND kind = $2",
    )
    .bind(org_id)
    .bind(kind)
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_check(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
    ok: bool,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE credentials SET checked_at = now(), check_ok = $3, check_message = $4
          WHERE organization_id = $1 AND kind = $2",
    )
    .bind(org_id)
    .bind(kind)
    .bind(ok)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every sealed credential of every organization (platform path; rotation).
pub async fn all_sealed(conn: &mut PgConnection) -> Result<Vec<(Uuid, String, Sealed)>, AppError> {
    type SealedRow = (Uuid, String, String, Vec<u8>, Vec<u8>);
    let rows: Vec<SealedRow> = sqlx::query_as(
        "SELECT organization_id, kind, key_id, nonce, ciphertext FROM credentials ORDER BY organization_id, kind FOR UPDATE",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(org, kind, key_id, nonce, ciphertext)| {
            (
                org,
                kind,
                Sealed {
                    key_id,
                    nonce,
                    ciphertext,
                },
            )
        })
        .collect())
}
