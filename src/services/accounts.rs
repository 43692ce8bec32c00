//! Forgotten passwords. Asking for a link answers at once and the same way
//! whether or not the address has an account here: the look-up, the link
//! and the e-mail happen after the answer, in the background. A link works
//! once, for 30 minutes, and using it ends every session of the user.

use crate::auth::password;
use crate::config::Config;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::branding::Branding;
use crate::domain::{mail, validate};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

pub const RESET_MINUTES: i64 = 30;

/// Where the person asked: an organization's address (its members may
/// reset there, in its look) or the platform's (super admins).
#[derive(Clone)]
pub struct Site {
    pub org_id: Option<Uuid>,
    pub look: Branding,
}

/// Starts the reset for `email` on `site` and returns at once.
pub fn request(pool: PgPool, config: Arc<Config>, site: Site, email: String) {
    let email = crate::services::users::normalize_email(&email);
    tokio::spawn(async move {
        if let Err(e) = write(&pool, &config, &site, &email).await {
            tracing::warn!(error = ?e, "could not prepare a password reset");
        }
    });
}

async fn write(pool: &PgPool, config: &Config, site: &Site, email: &str) -> Result<(), AppError> {
    if validate::email(email).is_err() {
        return Ok(());
    }
    let mut tx = db::tx::platform(pool, PlatformAccess::account_recovery()).await?;
    let Some(user_id) = db::password_resets::eligible(&mut tx, email, site.org_id).await? else {
        return Ok(());
    };
    let (token, token_hash) = crate::crypto::new_link_token();
    let expires_at = chrono::Utc::now() + chrono::Duration::minutes(RESET_MINUTES);
    db::password_resets::insert(&mut tx, user_id, &token_hash, expires_at).await?;
    let base = match site.org_id {
        Some(org) => config.org_url(&db::invitations::subdomain(&mut tx, org).await?),
        None => config.public_url.trim_end_matches('/').to_string(),
    };
    let link = format!("{base}/reset-password/{token}");
    let logo = site.look.logo_url.as_ref().map(|p| format!("{base}{p}"));
    let m = mail::password_reset(&site.look, logo.as_deref(), email, &link, RESET_MINUTES);
    db::outbox::enqueue(&mut tx, site.org_id, "password_reset", &m).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with link `token`; every session of the user ends.
pub async fn reset(
    pool: &PgPool,
    token: &str,
    password_text: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    validate::Checks::new()
        .check("password", validate::new_password(&password_text))
        .finish()?;
    let new_hash = password::hash(password_text).await?;
    let want = crate::crypto::link_token_hash(token);
    let mut tx = db::tx::platform(pool, PlatformAccess::account_recovery()).await?;
    let refused = || {
        AppError::Refused("This link has expired or was already used. Ask for a new one.".into())
    };
    let (id, user_id, stored, expires_at, used) = db::password_resets::take(&mut tx, &want)
        .await?
        .ok_or_else(refused)?;
    use subtle::ConstantTimeEq;
    let same: bool = stored.ct_eq(&want).into();
    if !same || used || expires_at <= chrono::Utc::now() {
        return Err(refused());
    }
    db::users::set_password(&mut tx, user_id, &new_hash).await?;
    db::password_resets::mark_used(&mut tx, id).await?;
    let email = db::users::email_by_id(&mut tx, user_id).await?;
    let actor = Actor {
        user_id: Some(user_id),
        label: email.clone(),
        ip,
    };
    let entry = Entry {
        org_id: None,
        action: "user.password_reset",
        target: Some(email),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a signed-in user's password, given the current one. Every other
/// session of the user ends; answers the new session epoch, which the
/// caller's own session takes on so that it stays signed in.
pub async fn change_password(
    pool: &PgPool,
    user_id: Uuid,
    email: &str,
    current: String,
    new: String,
    ip: Option<std::net::IpAddr>,
) -> Result<i32, AppError> {
    validate::Checks::new()
        .check("new_password", validate::new_password(&new))
        .finish()?;
    let stored = {
        let mut tx = db::tx::platform(pool, PlatformAccess::sign_in()).await?;
        let c = db::users::credentials(&mut tx, email).await?;
        tx.commit().await?;
        c.filter(|c| c.id == user_id).map(|c| c.password_hash)
    };
    if !password::verify(current, stored).await {
        return Err(AppError::field(
            "current_password",
            "That is not your current password.",
        ));
    }
    let new_hash = password::hash(new).await?;
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    db::users::set_password(&mut tx, user_id, &new_hash).await?;
    let epoch = db::users::session_epoch(&mut tx, user_id).await?;
    let actor = Actor {
        user_id: Some(user_id),
        label: email.to_string(),
        ip,
    };
    let entry = Entry {
        org_id: None,
        action: "user.password_change",
        target: Some(email.to_string()),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &actor, entry).await?;
    tx.commit().await?;
    Ok(epoch)
}

/// The organizations the user belongs to, each at its own address, for the
/// switcher; `here` is the organization whose address asked.
pub async fn organizations(
    pool: &PgPool,
    config: &Config,
    user_id: Uuid,
    here: Uuid,
) -> Result<Vec<crate::domain::OrgLink>, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    let list = db::memberships::of_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(list
        .into_iter()
        .map(|(id, name, subdomain)| crate::domain::OrgLink {
            name,
            url: format!("{}/", config.org_url(&subdomain)),
            current: id == here,
        })
        .collect())
}
