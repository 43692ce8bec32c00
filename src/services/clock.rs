//! Which clock a person reads times by: an organization's users (and a super
//! admin viewing as it) by the organization's timezone, the console by the
//! super admin's own choice (UTC until they make one).

use crate::auth::Principal;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::time::{timezone, Clock};
use crate::domain::DEFAULT_TIMEZONE;
use crate::error::AppError;
use chrono::Utc;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn of_org(pool: &PgPool, who: &Principal) -> Result<Clock, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let zone = db::settings::timezone(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(Clock::named(
        zone.as_deref().unwrap_or(DEFAULT_TIMEZONE),
        Utc::now(),
    ))
}

/// A super admin's clock in the console (`user_id` is theirs).
pub async fn of_super_admin(
    pool: &PgPool,
    access: PlatformAccess,
    user_id: Uuid,
) -> Result<Clock, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let zone = db::users::timezone(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(Clock::named(zone.as_deref().unwrap_or("UTC"), Utc::now()))
}

/// Sets the zone the console shows a super admin's times in (audited; the
/// actor is the super admin).
pub async fn set_super_admin_zone(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    zone: &str,
) -> Result<Clock, AppError> {
    let zone = zone.trim();
    let Some(tz) = timezone(zone) else {
        return Err(AppError::field(
            "timezone",
            "Choose a timezone from the list, e.g. America/New_York.",
        ));
    };
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let mut tx = db::tx::platform(pool, access).await?;
    db::users::set_timezone(&mut tx, user_id, tz.name()).await?;
    db::audit::record(
        &mut tx,
        actor,
        Entry {
            org_id: None,
            action: "user.timezone",
            target: Some(actor.label.clone()),
            metadata: json!({ "timezone": tz.name() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Clock::of(tz, Utc::now()))
}
