//! Phone numbers (a tenant table), plus the cross-tenant lookups: which
//! organization owns a dialled number (the inbound webhook), whether any
//! organization holds a number (before importing it), and which numbers are
//! due a check (the background check).

use crate::crypto::Sealed;
use crate::db::credentials::{sealed_from, VoiceKey};
use crate::domain::{Carrier, NumberStatus, PhoneNumber};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// The associated data a number's SIP password is sealed with: the number's
/// own id, so a sealed value cannot be moved to another row.
pub fn sip_column(id: Uuid) -> String {
    format!("sip_password:{id}")
}

const COLUMNS: &str =
    "p.id, p.number, p.status, p.last_inbound_at, p.created_at, p.termination_uri,
    p.provider, p.sip_username, p.sip_key_id IS NOT NULL AS has_sip_password, p.agent_id,
    a.name AS agent_name, p.platform_label, p.checked_at, p.last_error";

fn number(r: &sqlx::postgres::PgRow) -> Result<PhoneNumber, sqlx::Error> {
    Ok(PhoneNumber {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        status: NumberStatus::parse(r.try_get("status")?),
        last_inbound_at: r.try_get("last_inbound_at")?,
        created_at: r.try_get("created_at")?,
        termination_uri: r.try_get("termination_uri")?,
        provider: Carrier::parse(r.try_get("provider")?).unwrap_or(Carrier::Other),
        sip_username: r.try_get("sip_username")?,
        has_sip_password: r.try_get("has_sip_password")?,
        agent_id: r.try_get("agent_id")?,
        agent_name: r.try_get("agent_name")?,
        platform_label: r.try_get("platform_label")?,
        checked_at: r.try_get("checked_at")?,
        last_error: r.try_get("last_error")?,
    })
}

pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<PhoneNumber>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM phone_numbers p
           LEFT JOIN agents a ON a.organization_id = p.organization_id AND a.id = p.agent_id
          WHERE p.organization_id = $1 ORDER BY p.created_at, p.number"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(number).collect::<Result<_, _>>()?)
}

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<PhoneNumber>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM phone_numbers p
           LEFT JOIN agents a ON a.organization_id = p.organization_id AND a.id = p.agent_id
          WHERE p.organization_id = $1 AND p.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(number).transpose()?)
}

/// A number's sealed SIP password, if it has one.
pub async fn sip_password(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<Sealed>, AppError> {
    type SealedColumns = (Option<String>, Option<Vec<u8>>, Option<Vec<u8>>);
    let row: Option<SealedColumns> = sqlx::query_as(
        "SELECT sip_key_id, sip_nonce, sip_ciphertext FROM phone_numbers
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(k, n, c)| sealed_from(k, n, c)))
}

/// A number the platform accepted, as we record it.
pub struct NewNumber<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub termination_uri: &'a str,
    pub provider: Carrier,
    pub sip_username: Option<&'a str>,
    pub sip_password: Option<&'a Sealed>,
    pub agent_id: Option<Uuid>,
    pub platform_label: Option<&'a str>,
}

/// Records a connected number. A number another organization holds
/// violates `phone_numbers_number_key`.
pub async fn insert(
    conn: &mut PgConnection,
    org_id: Uuid,
    n: &NewNumber<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO phone_numbers (organization_id, id, number, status, termination_uri, provider,
                                    sip_username, sip_key_id, sip_nonce, sip_ciphertext, agent_id,
                                    platform_label, checked_at)
         VALUES ($1, $2, $3, 'connected', $4, $5, $6, $7, $8, $9, $10, $11, now())",
    )
    .bind(org_id)
    .bind(n.id)
    .bind(n.number)
    .bind(n.termination_uri)
    .bind(n.provider.as_str())
    .bind(n.sip_username)
    .bind(n.sip_password.map(|s| s.key_id.as_str()))
    .bind(n.sip_password.map(|s| s.nonce.as_slice()))
    .bind(n.sip_password.map(|s| s.ciphertext.as_slice()))
    .bind(n.agent_id)
    .bind(n.platform_label)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a number the platform was not asked about (`pending`).
pub async fn insert_pending(
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

/// A change the platform accepted. The password: `None` keeps it,
/// `Some(None)` drops it, `Some(Some(_))` replaces it.
pub struct Change<'a> {
    pub termination_uri: &'a str,
    pub provider: Carrier,
    pub sip_username: Option<&'a str>,
    pub sip_password: Option<Option<&'a Sealed>>,
    pub agent_id: Option<Uuid>,
}

pub async fn update(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    c: &Change<'_>,
) -> Result<(), AppError> {
    let replace = c.sip_password.is_some();
    let sealed = c.sip_password.flatten();
    sqlx::query(
        "UPDATE phone_numbers SET termination_uri = $3, provider = $4, sip_username = $5,
                agent_id = $6, status = 'connected', last_error = NULL, checked_at = now(),
                sip_key_id = CASE WHEN $7 THEN $8 ELSE sip_key_id END,
                sip_nonce = CASE WHEN $7 THEN $9 ELSE sip_nonce END,
                sip_ciphertext = CASE WHEN $7 THEN $10 ELSE sip_ciphertext END
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(c.termination_uri)
    .bind(c.provider.as_str())
    .bind(c.sip_username)
    .bind(c.agent_id)
    .bind(replace)
    .bind(sealed.map(|s| s.key_id.as_str()))
    .bind(sealed.map(|s| s.nonce.as_slice()))
    .bind(sealed.map(|s| s.ciphertext.as_slice()))
    .execute(conn)
    .await?;
    Ok(())
}

/// What the last check found: connected (with the platform's label), or an
/// error in words.
pub async fn record_check(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    result: Result<Option<&str>, &str>,
) -> Result<(), AppError> {
    let (status, label, error) = match result {
        Ok(label) => ("connected", label, None),
        Err(why) => ("error", None, Some(why)),
    };
    sqlx::query(
        "UPDATE phone_numbers SET status = $3, platform_label = coalesce($4, platform_label),
                last_error = $5, checked_at = now()
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(status)
    .bind(label)
    .bind(error.map(|e| e.chars().take(500).collect::<String>()))
    .execute(conn)
    .await?;
    Ok(())
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

/// Whether some organization holds `e164`, and which (lookup path: a number
/// is one organization's on the whole platform, and an import must not claim
/// a number another holds).
pub async fn holder(conn: &mut PgConnection, e164: &str) -> Result<Option<Uuid>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT organization_id FROM phone_numbers WHERE number = $1")
            .bind(e164)
            .fetch_optional(conn)
            .await?,
    )
}

/// Numbers not checked since `before`, oldest first (platform path; the
/// background check).
pub async fn due(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT organization_id, id FROM phone_numbers
          WHERE checked_at IS NULL OR checked_at < $1
          ORDER BY checked_at NULLS FIRST LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Every number's sealed SIP password (platform path; key rotation).
pub async fn all_sip_passwords(
    conn: &mut PgConnection,
) -> Result<Vec<(Uuid, Uuid, Sealed)>, AppError> {
    type SipRow = (Uuid, Uuid, String, Vec<u8>, Vec<u8>);
    let rows: Vec<SipRow> = sqlx::query_as(
        "SELECT organization_id, id, sip_key_id, sip_nonce, sip_ciphertext FROM phone_numbers
          WHERE sip_key_id IS NOT NULL ORDER BY organization_id, id FOR UPDATE",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(org, id, key_id, nonce, ciphertext)| {
            (
                org,
                id,
                Sealed {
                    key_id,
                    nonce,
                    ciphertext,
                },
            )
        })
        .collect())
}

pub async fn reseal_sip_password(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    sealed: &Sealed,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE phone_numbers SET sip_key_id = $3, sip_nonce = $4, sip_ciphertext = $5
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .execute(conn)
    .await?;
    Ok(())
}

/// The owner of a dialled number: found on the lookup path, because the
/// caller is not yet known. The key to check the request with (the
/// organization's own, else the agency's shared one) stays sealed.
#[derive(Debug, Clone)]
pub struct NumberOwner {
    pub org_id: Uuid,
    pub org_name: String,
    pub org_active: bool,
    pub number_id: Uuid,
    pub connected: bool,
    pub key: Option<VoiceKey>,
}

pub async fn owner(conn: &mut PgConnection, e164: &str) -> Result<Option<NumberOwner>, AppError> {
    let (columns, joins) = crate::db::credentials::voice_key_sql("p.organization_id");
    let row = sqlx::query(&format!(
        "SELECT p.organization_id, o.name, o.status AS org_status, p.id, p.status, {columns}
           FROM phone_numbers p
           JOIN organizations o ON o.id = p.organization_id
           {joins}
          WHERE p.number = $1"
    ))
    .bind(e164)
    .fetch_optional(conn)
    .await?;
    let read = |r: &sqlx::postgres::PgRow| -> Result<NumberOwner, sqlx::Error> {
        Ok(NumberOwner {
            org_id: r.try_get("organization_id")?,
            org_name: r.try_get("name")?,
            org_active: r.try_get::<String, _>("org_status")? == "active",
            number_id: r.try_get("id")?,
            connected: r.try_get::<String, _>("status")? == "connected",
            key: crate::db::credentials::voice_key_from(r)?,
        })
    };
    Ok(row.as_ref().map(read).transpose()?)
}
