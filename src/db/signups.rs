//! Self-serve sign-ups and the platform's sign-up settings (migration 20).
//! Only the platform path reaches them (`PlatformAccess::signup` for the
//! public pages, the super admin's for the console).

use crate::domain::revenue::RateValue;
use crate::domain::signup::{SignupRow, SignupState};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct Settings {
    pub open: bool,
    pub billing: RateValue,
    pub cogs: RateValue,
}

pub async fn settings(conn: &mut PgConnection) -> Result<Settings, AppError> {
    // Cents with four decimals, read as hundredths of a cent (`RateValue`).
    let (open, billing, cogs): (bool, i64, i64) = sqlx::query_as(
        "SELECT signup_open, round(signup_billing_cents_per_minute * 100)::int8,
                round(signup_cogs_cents_per_minute * 100)::int8
           FROM platform_settings",
    )
    .fetch_one(conn)
    .await?;
    Ok(Settings {
        open,
        billing: RateValue(billing),
        cogs: RateValue(cogs),
    })
}

pub async fn save_settings(conn: &mut PgConnection, s: &Settings) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE platform_settings
            SET signup_open = $1, signup_billing_cents_per_minute = $2::numeric,
                signup_cogs_cents_per_minute = $3::numeric, updated_at = now()",
    )
    .bind(s.open)
    .bind(s.billing.cents_text())
    .bind(s.cogs.cents_text())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether an organization has this subdomain (or slug).
pub async fn subdomain_taken(conn: &mut PgConnection, subdomain: &str) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM organizations WHERE subdomain = $1 OR slug = $1)",
    )
    .bind(subdomain)
    .fetch_one(conn)
    .await?)
}

pub struct NewSignup<'a> {
    pub company_name: &'a str,
    pub subdomain: &'a str,
    pub person_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub token_hash: &'a [u8],
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub ip: Option<std::net::IpAddr>,
}

pub async fn insert(conn: &mut PgConnection, s: &NewSignup<'_>) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO signups (company_name, subdomain, person_name, email, password_hash,
                              token_hash, expires_at, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::inet) RETURNING id",
    )
    .bind(s.company_name)
    .bind(s.subdomain)
    .bind(s.person_name)
    .bind(s.email)
    .bind(s.password_hash)
    .bind(s.token_hash)
    .bind(s.expires_at)
    .bind(s.ip.map(|ip| ip.to_string()))
    .fetch_one(conn)
    .await?)
}

/// A sign-up waiting for its confirmation, by its link.
pub struct Pending {
    pub id: Uuid,
    pub company_name: String,
    pub subdomain: String,
    pub person_name: String,
    pub email: String,
    pub password_hash: String,
    pub token_hash: Vec<u8>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub confirmed: bool,
}

/// The sign-up with link hash `hash`, locked for the confirmation.
pub async fn by_token(conn: &mut PgConnection, hash: &[u8]) -> Result<Option<Pending>, AppError> {
    type Row = (
        Uuid,
        String,
        String,
        String,
        String,
        String,
        Vec<u8>,
        chrono::DateTime<chrono::Utc>,
        bool,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, company_name, subdomain, person_name, email, password_hash, token_hash,
                expires_at, confirmed_at IS NOT NULL
           FROM signups WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(hash)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(
            id,
            company_name,
            subdomain,
            person_name,
            email,
            password_hash,
            token_hash,
            expires_at,
            confirmed,
        )| Pending {
            id,
            company_name,
            subdomain,
            person_name,
            email,
            password_hash,
            token_hash,
            expires_at,
            confirmed,
        },
    ))
}

/// Records the confirmation, the organization it made and the one-time
/// hand-off that signs the person in on its address.
pub async fn confirm(
    conn: &mut PgConnection,
    id: Uuid,
    org_id: Uuid,
    handoff_hash: &[u8],
    handoff_expires: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE signups SET confirmed_at = now(), organization_id = $2, handoff_hash = $3,
                handoff_expires = $4, password_hash = ''
          WHERE id = $1",
    )
    .bind(id)
    .bind(org_id)
    .bind(handoff_hash)
    .bind(handoff_expires)
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses up a hand-off for organization `org_id`: the user to sign in, if
/// the link is this organization's, unused and in time.
pub async fn take_handoff(
    conn: &mut PgConnection,
    org_id: Uuid,
    hash: &[u8],
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE signups SET handoff_hash = NULL, handoff_expires = NULL
          WHERE handoff_hash = $1 AND organization_id = $2 AND handoff_expires > now()
          RETURNING email",
    )
    .bind(hash)
    .bind(org_id)
    .fetch_optional(conn)
    .await?)
}

/// The newest sign-ups first, with their organization's state.
pub async fn list(conn: &mut PgConnection, limit: i64) -> Result<Vec<SignupRow>, AppError> {
    type Row = (
        Uuid,
        String,
        String,
        String,
        String,
        chrono::DateTime<chrono::Utc>,
        bool,
        bool,
        Option<Uuid>,
        Option<String>,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.company_name, s.subdomain, s.person_name, s.email, s.created_at,
                s.confirmed_at IS NOT NULL, s.expires_at <= now(), o.id, o.status,
                coalesce(st.completed_at IS NOT NULL, false)
           FROM signups s
           LEFT JOIN organizations o ON o.id = s.organization_id
           LEFT JOIN org_setup st ON st.organization_id = o.id
          ORDER BY s.created_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                company_name,
                subdomain,
                person_name,
                email,
                created_at,
                confirmed,
                expired,
                org_id,
                status,
                setup_done,
            )| {
                let state = match (confirmed, status.as_deref()) {
                    (false, _) if expired => SignupState::Expired,
                    (false, _) => SignupState::Waiting,
                    (true, Some("suspended")) => SignupState::Suspended,
                    (true, Some(_)) => SignupState::Active,
                    (true, None) => SignupState::Deleted,
                };
                SignupRow {
                    id,
                    company_name,
                    subdomain,
                    person_name,
                    email,
                    created_at,
                    state,
                    org_id,
                    setup_done,
                }
            },
        )
        .collect())
}
