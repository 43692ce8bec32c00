//! Which clock a person reads times by: an organization's users (and a super
//! admin viewing as it) by the organization's timezone, the console by the
//! super admin's own choice (UTC until they make one).

use crate::auth::guard::SuperAdmin;
use crate::db::{self, audit::Entry, TenantCtx};
use crate::domain::time::{timezone, Clock};
use crate::domain::DEFAULT_TIMEZONE;
use crate::error::AppError;
use chrono::Utc;
use serde_json::json;
use sqlx::PgPool;

pub async fn of_org(pool: &PgPool, ctx: &TenantCtx) -> Result<Clock, AppError> {
    let mut tx = db::tx::tenant(pool, ctx).await?;
    let zone = db::settings::timezone(&mut tx, ctx.org_id).await?;
    tx.commit().await?;
    Ok(Clock::named(
        zone.as_deref().unwrap_or(DEFAULT_TIMEZONE),
        Utc::now(),
    ))
}

pub async fn of_super_admin(pool: &PgPool, sa: &SuperAdmin) -> Result<Clock, AppError> {
    let mut tx = db::tx::platform(pool, sa.platform()).await?;
    let zone = db::users::timezone(&mut tx, sa.user_id).await?;
    tx.commit().await?;
    Ok(Clock::named(zone.as_deref().unwrap_or("UTC"), Utc::now()))
}

/// Sets the zone the console shows this super admin's times in (audited).
pub async fn set_super_admin_zone(
    pool: &PgPool,
    sa: &SuperAdmin,
    zone: &str,
) -> Result<Clock, AppError> {
    let zone = zone.trim();
    let Some(tz) = timezone(zone) else {
        return Err(AppError::field(
            "timezone",
            "Choose a timezone from the list, e.g. America/New_York.",
        ));
    };
    let mut tx = db::tx::platform(pool, sa.platform()).await?;
    db::users::set_timezone(&mut tx, sa.user_id, tz.name()).await?;
    db::audit::record(
        &mut tx,
        &sa.actor(),
        Entry {
            org_id: None,
            action: "user.timezone",
            target: Some(sa.email.clone()),
            metadata: json!({ "timezone": tz.name() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Clock::of(tz, Utc::now()))
}
