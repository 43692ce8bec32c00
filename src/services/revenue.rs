//! The console's money overview and per-organization rates (super admins,
//! platform path).

use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::revenue::{sort_orgs, Figures, OrgFigures, RateValue, Rates, Revenue};
use crate::domain::Period;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Revenue, COGS and margin for `period` in whole UTC days, per
/// organization (sorted by `sort`) and in total.
pub async fn revenue(
    pool: &PgPool,
    access: PlatformAccess,
    period: Period,
    sort: &str,
    now: DateTime<Utc>,
) -> Result<Revenue, AppError> {
    let (first, last) = period.days(now.date_naive());
    let from = super::dashboard::day_start(chrono_tz::UTC, first);
    let to = super::dashboard::day_start(chrono_tz::UTC, last + chrono::Days::new(1));
    let mut tx = db::tx::platform(pool, access).await?;
    let orgs = db::revenue::organizations(&mut tx).await?;
    let ids: Vec<Uuid> = orgs.iter().map(|(id, _, _)| *id).collect();
    let (figures, days) = db::revenue::figures(&mut tx, &ids, from, to).await?;
    tx.commit().await?;
    let span = (last - first).num_days().max(0) as usize + 1;
    let mut total = Figures::default();
    let mut rows: Vec<OrgFigures> = orgs
        .into_iter()
        .map(|(id, name, last_call)| {
            let f = figures
                .iter()
                .find(|(o, _)| *o == id)
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            total.add(&f);
            let mut trend = vec![0; span];
            for (_, day, calls) in days.iter().filter(|(o, _, _)| *o == id) {
                let i = (*day - first).num_days();
                if let Some(slot) = usize::try_from(i).ok().and_then(|i| trend.get_mut(i)) {
                    *slot = *calls;
                }
            }
            OrgFigures {
                org_id: id,
                name,
                figures: f,
                last_call,
                trend,
            }
        })
        .collect();
    sort_orgs(&mut rows, sort);
    Ok(Revenue {
        range_label: format!(
            "{} – {} (UTC)",
            first.format("%b %-d, %Y"),
            last.format("%b %-d, %Y")
        ),
        total,
        orgs: rows,
    })
}

pub async fn rates(pool: &PgPool, access: PlatformAccess, org: Uuid) -> Result<Rates, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    db::orgs::get(&mut tx, org).await?;
    let history = db::revenue::rate_history(&mut tx, org).await?;
    tx.commit().await?;
    Ok(match history.first() {
        Some(now) => Rates {
            billing: now.billing,
            cogs: now.cogs,
            since: Some(now.from),
            history,
        },
        None => Rates {
            billing: RateValue::DEFAULT_BILLING,
            cogs: RateValue::DEFAULT_COGS,
            since: None,
            history,
        },
    })
}

/// Sets new rates from now on (`billing` empty: twice the COGS). Audited.
pub async fn set_rates(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    org: Uuid,
    billing: &str,
    cogs: &str,
) -> Result<(), AppError> {
    let message = "Enter dollars per minute, e.g. 0.20 (at most four decimals).";
    let cogs_rate =
        RateValue::parse_dollars(cogs).ok_or_else(|| AppError::field("cogs", message))?;
    let billing_rate = if billing.trim().is_empty() {
        RateValue(cogs_rate.0 * 2)
    } else {
        RateValue::parse_dollars(billing).ok_or_else(|| AppError::field("billing", message))?
    };
    let before = rates(pool, access, org).await?;
    let mut tx = db::tx::platform(pool, access).await?;
    let at = db::revenue::set_rates(&mut tx, org, billing_rate, cogs_rate).await?;
    db::audit::record(
        &mut tx,
        actor,
        Entry {
            org_id: Some(org),
            action: "org.rates",
            target: Some(org.to_string()),
            metadata: json!({
                "billing_was": before.billing.dollars(), "billing": billing_rate.dollars(),
                "cogs_was": before.cogs.dollars(), "cogs": cogs_rate.dollars(),
                "effective_from": at,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
