//! The activity log for an organization's admins and for the console.

use crate::auth::Principal;
use crate::db::{self, PlatformAccess};
use crate::domain::activity::{ActivityEntry, ActivityFilter};
use crate::domain::Period;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// At most this many entries per view (the newest).
pub const LIMIT: i64 = 500;

/// The entries of `period` (whole days in `zone`, the reader's timezone) in
/// whichever transaction the caller opened.
#[allow(clippy::too_many_arguments)]
async fn read(
    tx: &mut db::Tx,
    mask_staff: bool,
    org: Option<Uuid>,
    zone: Option<String>,
    period: Period,
    f: &ActivityFilter,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityEntry>, AppError> {
    let tz = zone
        .as_deref()
        .and_then(crate::domain::time::timezone)
        .unwrap_or(chrono_tz::UTC);
    let (first, last) = period.days(now.with_timezone(&tz).date_naive());
    let from = super::dashboard::day_start(tz, first);
    let to = super::dashboard::day_start(tz, last + chrono::Days::new(1));
    db::activity::list(
        tx,
        mask_staff,
        org,
        from,
        to,
        f.actor.as_deref(),
        f.action.as_deref(),
        LIMIT,
    )
    .await
}

/// One organization's log, read in its tenant transaction.
pub async fn for_org(
    pool: &PgPool,
    who: &Principal,
    period: Period,
    f: &ActivityFilter,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityEntry>, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let zone = db::settings::timezone(&mut tx, who.org_id())
        .await?
        .or_else(|| Some(crate::domain::DEFAULT_TIMEZONE.into()));
    // The agency's people are "Agency staff" to the organization.
    let list = read(&mut tx, true, Some(who.org_id()), zone, period, f, now).await?;
    tx.commit().await?;
    Ok(list)
}

/// Every organization's log (or one's), for super admins.
pub async fn platform(
    pool: &PgPool,
    access: PlatformAccess,
    org: Option<Uuid>,
    period: Period,
    f: &ActivityFilter,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityEntry>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    // The console's days are the super admin's own.
    let zone = match access.actor() {
        Some(id) => db::users::timezone(&mut tx, id).await?,
        None => None,
    };
    let list = read(&mut tx, false, org, zone, period, f, now).await?;
    tx.commit().await?;
    Ok(list)
}
