//! Password reset links (platform path only): stored as the token's hash.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A new link for `user_id`; the user's earlier unused links stop working.
pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The link `token_hash` names, locked: (id, user, hash, expires, used).
pub async fn take(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<(Uuid, Uuid, Vec<u8>, DateTime<Utc>, bool)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, token_hash, expires_at, used_at IS NOT NULL
           FROM password_resets WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn mark_used(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    sqlx::query("UPDATE password_resets SET used_at = now() WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Who may reset on this site: the address's user when it is enabled and,
/// on an organization's address, a member of it (on the platform's, a super
/// admin). Answers the user's id.
pub async fn eligible(
    conn: &mut PgConnection,
    email: &str,
    org_id: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.id FROM users u
          WHERE u.email = $1 AND u.disabled_at IS NULL
            AND CASE WHEN $2::uuid IS NULL THEN u.is_super_admin
                     ELSE EXISTS (SELECT 1 FROM memberships m
                                   WHERE m.organization_id = $2 AND m.user_id = u.id) END",
    )
    .bind(email)
    .bind(org_id)
    .fetch_optional(conn)
    .await?)
}
