//! Creating users and managing memberships from the platform side.

use crate::auth::password;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::{validate, Role, UserSummary};
use crate::error::{violated_constraint, AppError};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn create(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    email: &str,
    password: String,
    is_super_admin: bool,
) -> Result<Uuid, AppError> {
    let email = normalize_email(email);
    validate::Checks::new()
        .check("email", validate::email(&email))
        .check("password", validate::new_password(&password))
        .finish()?;
    let hash = password::hash(password).await?;
    let mut tx = db::tx::platform(pool, access).await?;
    let id = db::users::insert(&mut tx, &email, &hash, is_super_admin)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some("users_email_key") => {
                AppError::field("email", "A user with this email already exists.")
            }
            _ => e.into(),
        })?;
    let entry = Entry {
        org_id: None,
        action: "user.create",
        target: Some(email.clone()),
        metadata: json!({ "super_admin": is_super_admin }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the super admin, or promotes and re-passwords an existing user, so
/// `create-super-admin` can be re-run to recover access.
pub async fn ensure_super_admin(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    email: &str,
    password: String,
) -> Result<Uuid, AppError> {
    let email = normalize_email(email);
    validate::Checks::new()
        .check("email", validate::email(&email))
        .check("password", validate::new_password(&password))
        .finish()?;
    let mut tx = db::tx::platform(pool, access).await?;
    let existing = db::users::id_by_email(&mut tx, &email).await?;
    tx.commit().await?;
    let Some(id) = existing else {
        return create(pool, access, actor, &email, password, true).await;
    };
    let hash = password::hash(password).await?;
    let mut tx = db::tx::platform(pool, access).await?;
    db::users::set_password(&mut tx, id, &hash).await?;
    db::users::set_super_admin(&mut tx, id, true).await?;
    db::users::set_disabled(&mut tx, id, false).await?;
    let entry = Entry {
        org_id: None,
        action: "user.promote_super_admin",
        target: Some(email),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list(pool: &PgPool, access: PlatformAccess) -> Result<Vec<UserSummary>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let users = db::users::list(&mut tx).await?;
    tx.commit().await?;
    Ok(users)
}

pub async fn set_disabled(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    user_id: Uuid,
    disabled: bool,
) -> Result<(), AppError> {
    if disabled && actor.user_id == Some(user_id) {
        return Err(AppError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    let mut tx = db::tx::platform(pool, access).await?;
    let email = db::users::email_by_id(&mut tx, user_id).await?;
    db::users::set_disabled(&mut tx, user_id, disabled).await?;
    let entry = Entry {
        org_id: None,
        action: if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        target: Some(email),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds the person with `email` to the organization (or changes their role).
/// Someone without an account yet gets one in the same transaction when
/// `new_password` is given; an existing account keeps its password.
pub async fn add_member(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    org_id: Uuid,
    email: &str,
    role: Role,
    new_password: Option<String>,
) -> Result<(), AppError> {
    let email = normalize_email(email);
    let new_password = new_password.filter(|p| !p.is_empty());
    let mut checks = validate::Checks::new().check("email", validate::email(&email));
    if let Some(p) = &new_password {
        checks = checks.check("password", validate::new_password(p));
    }
    checks.finish()?;
    // Hashing takes a moment of CPU; it happens before the transaction opens.
    let hash = match new_password {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, org_id).await?;
    let user_id = match (db::users::id_by_email(&mut tx, &email).await?, hash) {
        (Some(id), _) => id,
        (None, Some(hash)) => {
            let id = db::users::insert(&mut tx, &email, &hash, false).await?;
            let entry = Entry {
                org_id: None,
                action: "user.create",
                target: Some(email.clone()),
                metadata: json!({ "super_admin": false, "for_org": org.slug }),
            };
            db::audit::record(&mut tx, actor, entry).await?;
            id
        }
        (None, None) => {
            return Err(AppError::field(
                "password",
                "This person has no account yet. Give them a password to create one.",
            ))
        }
    };
    // Re-adding the last admin as a viewer would demote them.
    super::members::keeps_an_admin(&mut tx, org_id, user_id, role == Role::Admin).await?;
    let previous = db::memberships::upsert(&mut tx, org_id, user_id, role).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: if previous.is_some() {
            "member.role_change"
        } else {
            "member.add"
        },
        target: Some(email),
        metadata: json!({ "org": org.slug, "role": role.as_str(), "previous": previous.map(Role::as_str) }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}
