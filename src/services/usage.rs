//! Usage patterns for the console (super admins, platform path).

use crate::db::{self, PlatformAccess};
use crate::domain::usage::{peaks, Heatmap};
use crate::domain::Period;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
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
    let orgs = db::revenue::organizations(&mut tx).await?;
    let ids: Vec<Uuid> = match org {
        Some(o) => vec![o],
        None => orgs.iter().map(|(id, _, _)| *id).collect(),
    };
    let (slots, days) = db::usage::usage(&mut tx, from, to, tz.name(), &ids).await?;
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
