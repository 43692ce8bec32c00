//! The activity log for an organization's admins and for the console.

use crate::db::{self, PlatformAccess, TenantCtx};
use crate::domain::activity::{ActivityEntry, ActivityFilter};
use crate::domain::Period;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// At most this many entries per view (the newest).
pub const LIMIT: i64 = 500;

/// The entries of `period` (whole UTC days) in whichever transaction the
/// caller opened.
async fn read(
    tx: &mut db::Tx,
    mask_staff: bool,
    org: Option<Uuid>,
    period: Period,
    f: &ActivityFilter,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityEntry>, AppError> {
    let (first, last) = period.days(now.date_naive());
    let from = super::dashboard::day_start(chrono_tz::UTC, first);
    let to = super::dashboard::day_start(chrono_tz::UTC, last + chrono::Days::new(1));
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
    tenant: &TenantCtx,
    period: Period,
    f: &ActivityFilter,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityEntry>, AppError> {
    let mut tx = db::tx::tenant(pool, tenant).await?;
    // The agency's people are "Agency staff" to the organization.
    let list = read(&mut tx, true, Some(tenant.org_id), period, f, now).await?;
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
    let list = read(&mut tx, false, org, period, f, now).await?;
    tx.commit().await?;
    Ok(list)
}
