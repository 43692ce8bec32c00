//! Users are global identities; what a tenant may see of them is decided by
//! the `users_visible` policy, and password hashes only by the platform path.

use crate::domain::{MembershipBrief, Role, UserSummary};
use crate::error::AppError;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// What sign-in needs. Not `Serialize`: a hash can never reach a response.
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: String,
    pub disabled: bool,
    pub is_super_admin: bool,
    pub session_epoch: i32,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Sign-in's lookup path only (`PlatformAccess::sign_in`).
pub async fn credentials(
    conn: &mut PgConnection,
    email: &str,
) -> Result<Option<Credentials>, AppError> {
    // The one way to a password hash (migration 12): the lookup role reads
    // no user columns at all, the console none of the hashes.
    let row: Option<(Uuid, String, bool, bool, i32)> = sqlx::query_as(
        "SELECT id, password_hash, disabled, is_super_admin, session_epoch
           FROM app.sign_in_credentials($1)",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(id, password_hash, disabled, is_super_admin, session_epoch)| Credentials {
            id,
            password_hash,
            disabled,
            is_super_admin,
            session_epoch,
        },
    ))
}

pub async fn insert(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    is_super_admin: bool,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, is_super_admin) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(is_super_admin)
    .fetch_one(conn)
    .await
}

pub async fn set_password(
    conn: &mut PgConnection,
    id: Uuid,
    password_hash: &str,
) -> Result<u64, AppError> {
    Ok(
        // Every session signed in before now ends with the old password.
        sqlx::query(
            "UPDATE users SET password_hash = $2, updated_at = now(),
                    session_epoch = session_epoch + 1
              WHERE id = $1",
        )
        .bind(id)
        .bind(password_hash)
        .execute(conn)
        .await?
        .rows_affected(),
    )
}

/// The user's session epoch (moved on by every password change).
pub async fn session_epoch(conn: &mut PgConnection, id: Uuid) -> Result<i32, AppError> {
    Ok(
        sqlx::query_scalar("SELECT session_epoch FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn set_super_admin(conn: &mut PgConnection, id: Uuid, on: bool) -> Result<u64, AppError> {
    Ok(
        sqlx::query("UPDATE users SET is_super_admin = $2, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(on)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn set_disabled(
    conn: &mut PgConnection,
    id: Uuid,
    disabled: bool,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
                          updated_at = now()
          WHERE id = $1",
    )
    .bind(id)
    .bind(disabled)
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn id_by_email(conn: &mut PgConnection, email: &str) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

pub async fn email_by_id(conn: &mut PgConnection, id: Uuid) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?)
}

/// Every user with their memberships, in two queries.
pub async fn list(conn: &mut PgConnection) -> Result<Vec<UserSummary>, AppError> {
    type UserRow = (Uuid, String, bool, bool, chrono::DateTime<chrono::Utc>);
    let users: Vec<UserRow> = sqlx::query_as(
        "SELECT id, email, is_super_admin, disabled_at IS NOT NULL, created_at FROM users ORDER BY email",
    )
    .fetch_all(&mut *conn)
    .await?;
    let links: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT m.user_id, o.slug, o.name, m.role
           FROM memberships m JOIN organizations o ON o.id = m.organization_id
          ORDER BY o.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_user: HashMap<Uuid, Vec<MembershipBrief>> = HashMap::new();
    for (user_id, org_slug, org_name, role) in links {
        if let Some(role) = Role::parse(&role) {
            by_user.entry(user_id).or_default().push(MembershipBrief {
                org_slug,
                org_name,
                role,
            });
        }
    }
    Ok(users
        .into_iter()
        .map(
            |(id, email, is_super_admin, disabled, created_at)| UserSummary {
                memberships: by_user.remove(&id).unwrap_or_default(),
                id,
                email,
                is_super_admin,
                disabled,
                created_at,
            },
        )
        .collect())
}

/// The signed-in user as seen from the current transaction's context: their
/// role is their membership in `app.current_org()`, if any.
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub is_super_admin: bool,
    pub disabled: bool,
    pub role: Option<Role>,
    /// Sessions signed in under another epoch (a password was set since) are over.
    pub session_epoch: i32,
}

pub async fn current(conn: &mut PgConnection) -> Result<Option<SessionUser>, AppError> {
    type Row = (Uuid, String, bool, bool, Option<String>, i32);
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.id, u.email, u.is_super_admin, u.disabled_at IS NOT NULL, m.role,
                u.session_epoch
           FROM users u
           LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = app.current_org()
          WHERE u.id = app.current_user_id()",
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(id, email, is_super_admin, disabled, role, epoch)| SessionUser {
            id,
            email,
            is_super_admin,
            disabled,
            role: role.as_deref().and_then(Role::parse),
            session_epoch: epoch,
        },
    ))
}

/// The timezone a super admin chose for the console (None: UTC). Platform path.
pub async fn timezone(conn: &mut PgConnection, id: Uuid) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT timezone FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

pub async fn set_timezone(conn: &mut PgConnection, id: Uuid, zone: &str) -> Result<u64, AppError> {
    Ok(
        sqlx::query("UPDATE users SET timezone = $2, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(zone)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
