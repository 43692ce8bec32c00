//! Invitations (a tenant table): the link's token is stored as its SHA-256
//! only, and found by it.

use crate::domain::invitations::{InvitationLine, InvitationState};
use crate::domain::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a [u8],
    pub invited_by: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Adds an invitation; earlier pending ones to the same address are revoked
/// (only the newest link works).
pub async fn insert(
    conn: &mut PgConnection,
    org_id: Uuid,
    n: NewInvitation<'_>,
) -> Result<Uuid, AppError> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = now()
          WHERE organization_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(org_id)
    .bind(n.email)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO invitations (organization_id, email, role, token_hash, invited_by_label,
                                  expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(n.email)
    .bind(n.role.as_str())
    .bind(n.token_hash)
    .bind(n.invited_by)
    .bind(n.expires_at)
    .fetch_one(conn)
    .await?)
}

/// A new link for a pending invitation: (email, role), or `None` when it is
/// not pending (accepted or revoked).
pub async fn renew(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<Option<(String, Role)>, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "UPDATE invitations SET token_hash = $3, expires_at = $4
          WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
          RETURNING email, role",
    )
    .bind(org_id)
    .bind(id)
    .bind(token_hash)
    .bind(expires_at)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(email, role)| Role::parse(&role).map(|r| (email, r))))
}

pub async fn revoke(conn: &mut PgConnection, org_id: Uuid, id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE invitations SET revoked_at = now()
          WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// The organization's invitations: every pending one and the last 30 days'.
pub async fn list(
    conn: &mut PgConnection,
    org_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<InvitationLine>, AppError> {
    let rows = sqlx::query(
        "SELECT id, email, role, invited_by_label, created_at, expires_at,
                accepted_at IS NOT NULL AS accepted, revoked_at IS NOT NULL AS revoked
           FROM invitations
          WHERE organization_id = $1
            AND ((accepted_at IS NULL AND revoked_at IS NULL)
                 OR created_at > now() - interval '30 days')
          ORDER BY created_at DESC LIMIT 200",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(InvitationLine {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
                invited_by: r.try_get("invited_by_label")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
                state: InvitationState::of(
                    r.try_get("accepted")?,
                    r.try_get("revoked")?,
                    r.try_get("expires_at")?,
                    now,
                ),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// An invitation found by its link.
pub struct ByToken {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub accepted: bool,
    pub revoked: bool,
    pub token_hash: Vec<u8>,
}

/// The organization's invitation whose token hashes to `hash`, locked for
/// the rest of the transaction when `lock`.
pub async fn by_token(
    conn: &mut PgConnection,
    org_id: Uuid,
    hash: &[u8],
    lock: bool,
) -> Result<Option<ByToken>, AppError> {
    let sql = format!(
        "SELECT id, email, role, expires_at, accepted_at IS NOT NULL AS accepted,
                revoked_at IS NOT NULL AS revoked, token_hash
           FROM invitations WHERE organization_id = $1 AND token_hash = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = sqlx::query(&sql)
        .bind(org_id)
        .bind(hash)
        .fetch_optional(conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    Ok(Some(ByToken {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        expires_at: r.try_get("expires_at")?,
        accepted: r.try_get("accepted")?,
        revoked: r.try_get("revoked")?,
        token_hash: r.try_get("token_hash")?,
    }))
}

pub async fn mark_accepted(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    user_id: Uuid,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE invitations SET accepted_at = now(), accepted_user_id = $3
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Where the organization's users sign in: its subdomain.
pub async fn subdomain(conn: &mut PgConnection, org_id: Uuid) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT subdomain FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_one(conn)
            .await?,
    )
}
