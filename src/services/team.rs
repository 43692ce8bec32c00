//! An organization's own view of itself: its home page and its team. Every
//! query runs in the tenant transaction of the signed-in member.

use crate::auth::OrgUser;
use crate::db::{self, audit::Entry};
use crate::domain::{Member, OrgHome, Role};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn home(pool: &PgPool, user: &OrgUser) -> Result<OrgHome, AppError> {
    let mut tx = db::tx::tenant(pool, &user.tenant()).await?;
    let members = db::memberships::count(&mut tx, user.org.id).await?;
    tx.commit().await?;
    Ok(OrgHome {
        org_name: user.org.name.clone(),
        role: user.role,
        email: user.email.clone(),
        members,
    })
}

pub async fn members(pool: &PgPool, user: &OrgUser) -> Result<Vec<Member>, AppError> {
    let mut tx = db::tx::tenant(pool, &user.tenant()).await?;
    let members = db::memberships::list(&mut tx, user.org.id).await?;
    tx.commit().await?;
    Ok(members)
}

/// Changes a member's role; the organization always keeps at least one admin.
pub async fn change_role(
    pool: &PgPool,
    admin: &OrgUser,
    user_id: Uuid,
    role: Role,
) -> Result<(), AppError> {
    let org_id = admin.org.id;
    let mut tx = db::tx::tenant(pool, &admin.tenant()).await?;
    let admins = db::memberships::lock_admins(&mut tx, org_id).await?;
    if role == Role::Viewer && admins == [user_id] {
        return Err(AppError::Conflict(
            "The organization needs at least one admin. Make someone else an admin first.".into(),
        ));
    }
    if db::memberships::set_role(&mut tx, org_id, user_id, role).await? == 0 {
        return Err(AppError::NotFound);
    }
    let email = db::users::email_by_id(&mut tx, user_id).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "member.role_change",
        target: Some(email),
        metadata: json!({ "role": role.as_str() }),
    };
    db::audit::record(&mut tx, &admin.actor(), entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(pool: &PgPool, admin: &OrgUser, user_id: Uuid) -> Result<(), AppError> {
    let org_id = admin.org.id;
    let mut tx = db::tx::tenant(pool, &admin.tenant()).await?;
    let admins = db::memberships::lock_admins(&mut tx, org_id).await?;
    if admins == [user_id] {
        return Err(AppError::Conflict(
            "The organization needs at least one admin. Make someone else an admin first.".into(),
        ));
    }
    let email = db::users::email_by_id(&mut tx, user_id).await?;
    if db::memberships::remove(&mut tx, org_id, user_id).await? == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(org_id),
        action: "member.remove",
        target: Some(email),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &admin.actor(), entry).await?;
    tx.commit().await?;
    Ok(())
}
