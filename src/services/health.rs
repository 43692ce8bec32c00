//! Usage patterns and system health for the console (super admins,
//! platform path).

use crate::db::{self, PlatformAccess};
use crate::domain::health::{peaks, Health, Heatmap};
use crate::domain::Period;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Instant;
use uuid::Uuid;

/// Calls by weekday and hour in `timezone` over `period` (local days there),
/// for one organization or all.
pub async fn usage(
    pool: &PgPool,
    access: PlatformAccess,
    period: Period,
    timezone: &str,
    org: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Heatmap, AppError> {
    let tz: chrono_tz::Tz = timezone.parse().map_err(|_| {
        AppError::field(
            "tz",
            "Choose a timezone from the list, e.g. America/Phoenix.",
        )
    })?;
    let (first, last) = period.days(now.with_timezone(&tz).date_naive());
    let from = super::dashboard::day_start(tz, first);
    let to = super::dashboard::day_start(tz, last + chrono::Days::new(1));
    let mut tx = db::tx::platform(pool, access).await?;
    let orgs = db::console::organizations(&mut tx).await?;
    let ids: Vec<Uuid> = match org {
        Some(o) => vec![o],
        None => orgs.iter().map(|(id, _, _)| *id).collect(),
    };
    let (slots, days) = db::health::usage(&mut tx, from, to, tz.name(), &ids).await?;
    tx.commit().await?;
    let mut cells = vec![vec![0i64; 24]; 7];
    for (dow, hour, calls) in slots {
        let (d, h) = ((dow - 1).clamp(0, 6) as usize, hour.clamp(0, 23) as usize);
        cells[d][h] += calls;
    }
    let span = (last - first).num_days().max(0) as usize + 1;
    let mut trend = vec![0; span];
    for (day, calls) in days {
        if let Some(slot) = usize::try_from((day - first).num_days())
            .ok()
            .and_then(|i| trend.get_mut(i))
        {
            *slot += calls;
        }
    }
    Ok(Heatmap {
        timezone: tz.name().to_string(),
        range_label: format!("{} – {}", first.format("%b %-d"), last.format("%b %-d, %Y")),
        peaks: peaks(&cells, 3),
        cells,
        trend,
        orgs: orgs.into_iter().map(|(id, name, _)| (id, name)).collect(),
        org,
    })
}

/// Agents (problems first), API reachability, and the database's and this
/// server's state.
pub async fn health(
    pool: &PgPool,
    access: PlatformAccess,
    up_since: DateTime<Utc>,
) -> Result<Health, AppError> {
    let started = Instant::now();
    let mut tx = db::tx::platform(pool, access).await?;
    sqlx::query("SELECT 1").execute(&mut *tx).await?;
    let database_ms = started.elapsed().as_millis() as u64;
    let mut agents = db::health::agents(&mut tx).await?;
    let mut reachability = db::health::reachability(&mut tx).await?;
    tx.commit().await?;
    agents.sort_by_key(|a| a.urgency());
    // Failing keys first, then never tested, then fine.
    reachability.sort_by_key(|r| match (r.has_key, r.ok) {
        (true, Some(false)) => 0,
        (false, _) => 1,
        (true, None) => 2,
        (true, Some(true)) => 3,
    });
    Ok(Health {
        agents,
        reachability,
        database_ms,
        server_version: env!("CARGO_PKG_VERSION").to_string(),
        server_up_since: up_since,
        as_of: chrono::Utc::now(),
    })
}
