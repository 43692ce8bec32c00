//! Sealed third-party credentials (a tenant table). Plaintext never reaches
//! this module: callers seal and open with `crypto::Keyring`.

use crate::crypto::{Keyring, Sealed};
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

/// The agency's shared voice-platform key (`platform_credentials`), sealed
/// for no organization: the nil id and this name are its associated data.
pub const SHARED_VOICE_API_KEY: &str = "platform_voice_api_key";

/// The key a request from or to the voice platform is checked or made with:
/// the organization's own, or, when it has none, the agency's shared one.
#[derive(Debug, Clone)]
pub enum VoiceKey {
    Own(Sealed),
    Shared(Sealed),
}

impl VoiceKey {
    /// Prefers the organization's own key.
    pub fn pick(own: Option<Sealed>, shared: Option<Sealed>) -> Option<VoiceKey> {
        own.map(VoiceKey::Own).or(shared.map(VoiceKey::Shared))
    }

    pub fn open(&self, keys: &Keyring, org_id: Uuid) -> Result<String, crate::crypto::CryptoError> {
        match self {
            VoiceKey::Own(s) => keys.open(org_id, VOICE_API_KEY, s),
            VoiceKey::Shared(s) => keys.open(Uuid::nil(), SHARED_VOICE_API_KEY, s),
        }
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, VoiceKey::Shared(_))
    }
}

/// Three nullable columns of a sealed value, as a `LEFT JOIN` reads them.
pub fn sealed_from(
    key_id: Option<String>,
    nonce: Option<Vec<u8>>,
    ciphertext: Option<Vec<u8>>,
) -> Option<Sealed> {
    match (key_id, nonce, ciphertext) {
        (Some(key_id), Some(nonce), Some(ciphertext)) => Some(Sealed {
            key_id,
            nonce,
            ciphertext,
        }),
        _ => None,
    }
}

/// The columns and joins that read the key an organization's requests are
/// checked with, beside a query's own: its own key (`c`) and the agency's
/// shared one (`s`). `{org}` names the query's organization id column.
pub fn voice_key_sql(org: &str) -> (String, String) {
    (
        "c.key_id AS own_key_id, c.nonce AS own_nonce, c.ciphertext AS own_ciphertext,
         s.key_id AS shared_key_id, s.nonce AS shared_nonce, s.ciphertext AS shared_ciphertext"
            .to_string(),
        format!(
            "LEFT JOIN credentials c ON c.organization_id = {org} AND c.kind = 'voice_api_key'
             LEFT JOIN platform_credentials s ON s.kind = 'voice_api_key'"
        ),
    )
}

/// The key read by [`voice_key_sql`]'s columns: the organization's own,
/// else the shared one.
pub fn voice_key_from(r: &sqlx::postgres::PgRow) -> Result<Option<VoiceKey>, sqlx::Error> {
    use sqlx::Row;
    let own = sealed_from(
        r.try_get("own_key_id")?,
        r.try_get("own_nonce")?,
        r.try_get("own_ciphertext")?,
    );
    let shared = sealed_from(
        r.try_get("shared_key_id")?,
        r.try_get("shared_nonce")?,
        r.try_get("shared_ciphertext")?,
    );
    Ok(VoiceKey::pick(own, shared))
}

/// The shared key, sealed, with its last four characters and when it was
/// stored (platform or lookup path).
pub async fn shared_get(
    conn: &mut PgConnection,
) -> Result<Option<(Sealed, String, DateTime<Utc>)>, AppError> {
    type SharedRow = (String, Vec<u8>, Vec<u8>, String, DateTime<Utc>);
    let row: Option<SharedRow> = sqlx::query_as(
        "SELECT key_id, nonce, ciphertext, last4, updated_at FROM platform_credentials
          WHERE kind = 'voice_api_key'",
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(key_id, nonce, ciphertext, last4, at)| {
        (
            Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            last4,
            at,
        )
    }))
}

pub async fn shared_put(
    conn: &mut PgConnection,
    sealed: &Sealed,
    last4: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO platform_credentials (kind, key_id, nonce, ciphertext, last4)
         VALUES ('voice_api_key', $1, $2, $3, $4)
         ON CONFLICT (kind) DO UPDATE SET key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce,
           ciphertext = EXCLUDED.ciphertext, last4 = EXCLUDED.last4, updated_at = now()",
    )
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(last4)
    .execute(conn)
    .await?;
    Ok(())
}

/// Re-seals the shared key in place (key rotation).
pub async fn shared_reseal(conn: &mut PgConnection, sealed: &Sealed) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE platform_credentials SET key_id = $1, nonce = $2, ciphertext = $3
          WHERE kind = 'voice_api_key'",
    )
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .execute(conn)
    .await?;
    Ok(())
}

/// An organization's key to check signed requests with (its own, else the
/// shared one) and whether it is active (lookup path).
pub async fn voice_key_of(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Option<(Option<VoiceKey>, bool)>, AppError> {
    use sqlx::Row;
    let (columns, joins) = voice_key_sql("o.id");
    let row = sqlx::query(&format!(
        "SELECT o.status, {columns} FROM organizations o {joins} WHERE o.id = $1"
    ))
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    let read = |r: &sqlx::postgres::PgRow| -> Result<_, sqlx::Error> {
        Ok((
            voice_key_from(r)?,
            r.try_get::<String, _>("status")? == "active",
        ))
    };
    Ok(row.as_ref().map(read).transpose()?)
}
