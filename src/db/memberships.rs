//! Memberships: a tenant table. Used from tenant transactions (an org admin's
//! team page) and from the platform path (the console).

use crate::domain::{Member, Role};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<Member>, AppError> {
    let rows: Vec<(Uuid, String, String, bool, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT u.id, u.email, m.role, u.disabled_at IS NOT NULL, m.created_at
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.organization_id = $1
          ORDER BY u.email",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, email, role, disabled, since)| {
            Some(Member {
                user_id,
                email,
                role: Role::parse(&role)?,
                disabled,
                since,
            })
        })
        .collect())
}

pub async fn count(conn: &mut PgConnection, org_id: Uuid) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM memberships WHERE organization_id = $1")
            .bind(org_id)
            .fetch_one(conn)
            .await?,
    )
}

/// Adds the membership, or changes its role if it exists. Returns the previous role.
pub async fn upsert(
    conn: &mut PgConnection,
    org_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<Option<Role>, AppError> {
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role.as_str())
    .execute(conn)
    .await?;
    Ok(previous.as_deref().and_then(Role::parse))
}

pub async fn set_role(
    conn: &mut PgConnection,
    org_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<u64, AppError> {
    Ok(
        sqlx::query("UPDATE memberships SET role = $3 WHERE organization_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .bind(role.as_str())
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn remove(conn: &mut PgConnection, org_id: Uuid, user_id: Uuid) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Locks the organization's admin memberships and counts them, so two admins
/// demoting each other at once cannot leave the organization without one.
pub async fn lock_admins(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM memberships WHERE organization_id = $1 AND role = 'admin' FOR UPDATE",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?)
}

pub async fn role_of(
    conn: &mut PgConnection,
    org_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Role>, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// The active organizations `user_id` belongs to: (id, name, subdomain),
/// by name (the platform path: memberships across organizations).
pub async fn of_user(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Vec<(Uuid, String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name, o.subdomain FROM memberships m
           JOIN organizations o ON o.id = m.organization_id
          WHERE m.user_id = $1 AND o.status = 'active'
          ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}
