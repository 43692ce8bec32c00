//! Changing who belongs to an organization, one implementation for both ways
//! in: an organization's own admin on its Team page (its tenant transaction)
//! and the agency in the console or from the shell (the platform path).
//!
//! The rule is the same for everyone: an organization always keeps at least
//! one admin. The agency offboards a client by suspending or deleting the
//! organization, never by leaving it without anyone who can manage it.

use crate::auth::Principal;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess, Tx};
use crate::domain::Role;
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Who makes the change, and so which transaction it runs in.
pub enum By<'a> {
    OrgAdmin(&'a Principal),
    Agency {
        access: PlatformAccess,
        actor: &'a Actor,
    },
}

impl By<'_> {
    async fn begin(&self, pool: &PgPool) -> Result<(Tx, Actor), AppError> {
        Ok(match self {
            By::OrgAdmin(admin) => (
                db::tx::tenant(pool, &admin.tenant).await?,
                admin.actor.clone(),
            ),
            By::Agency { access, actor } => {
                (db::tx::platform(pool, *access).await?, (*actor).clone())
            }
        })
    }
}

fn needs_an_admin() -> AppError {
    AppError::Conflict(
        "The organization needs at least one admin. Make someone else an admin first.".into(),
    )
}

/// Refuses a change that would leave `org_id` without an admin: `user_id`
/// stops being one (`stays_admin` false) and is the only one. Locks the
/// admins' rows so two concurrent changes cannot each leave the other last.
pub(crate) async fn keeps_an_admin(
    tx: &mut Tx,
    org_id: Uuid,
    user_id: Uuid,
    stays_admin: bool,
) -> Result<(), AppError> {
    let admins = db::memberships::lock_admins(tx, org_id).await?;
    if !stays_admin && admins == [user_id] {
        return Err(needs_an_admin());
    }
    Ok(())
}

pub async fn change_role(
    pool: &PgPool,
    by: By<'_>,
    org_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<(), AppError> {
    let (mut tx, actor) = by.begin(pool).await?;
    keeps_an_admin(&mut tx, org_id, user_id, role == Role::Admin).await?;
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
    db::audit::record(&mut tx, &actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(
    pool: &PgPool,
    by: By<'_>,
    org_id: Uuid,
    user_id: Uuid,
) -> Result<(), AppError> {
    let (mut tx, actor) = by.begin(pool).await?;
    keeps_an_admin(&mut tx, org_id, user_id, false).await?;
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
    db::audit::record(&mut tx, &actor, entry).await?;
    tx.commit().await?;
    Ok(())
}
