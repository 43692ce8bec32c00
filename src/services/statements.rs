//! Monthly statements: closing months (housekeeping, the CLI, a super
//! admin), and reading them (the organization's members, the console).
//! Money is the calls' own integer cents, so a statement's usage equals the
//! dashboard's figure for the same month to the cent.

use crate::auth::Principal;
use crate::db::{self, PlatformAccess};
use crate::domain::statements::{Statement, StatementsPage};
use crate::error::AppError;
use chrono::{Datelike, NaiveDate};
use sqlx::PgPool;
use uuid::Uuid;

/// What a close did for one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub month: NaiveDate,
    pub statement_id: Uuid,
    /// False when the month was already closed (by this or another process).
    pub made: bool,
}

fn next_month(m: NaiveDate) -> NaiveDate {
    if m.month() == 12 {
        NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
    }
    .expect("the first of a month exists")
}

/// Closes every open month of the organization up to and including
/// `through`, oldest first (a month's adjustments assume the months before
/// it are closed). With no statement yet, the first is `through` itself.
/// Each month is its own transaction.
pub async fn close_through(
    pool: &PgPool,
    access: PlatformAccess,
    org_id: Uuid,
    through: NaiveDate,
    closed_by: &str,
) -> Result<Vec<Closed>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let last = db::statements::last_closed(&mut tx, org_id).await?;
    tx.commit().await?;
    let mut month = last.map_or(through, next_month);
    let mut done = Vec::new();
    if last.is_some_and(|l| l >= through) {
        // Already closed: the same answer as closing it again.
        let mut tx = db::tx::platform(pool, access).await?;
        let (id, made) = db::statements::close(&mut tx, org_id, through, closed_by).await?;
        tx.commit().await?;
        return Ok(vec![Closed {
            month: through,
            statement_id: id,
            made,
        }]);
    }
    while month <= through {
        let mut tx = db::tx::platform(pool, access).await?;
        let (id, made) = db::statements::close(&mut tx, org_id, month, closed_by).await?;
        tx.commit().await?;
        done.push(Closed {
            month,
            statement_id: id,
            made,
        });
        month = next_month(month);
    }
    Ok(done)
}

/// Housekeeping: closes every organization's finished months (in its own
/// timezone). Safe with several processes: the advisory lock and the unique
/// key leave one statement per month.
pub async fn close_due(pool: &PgPool) -> Result<usize, AppError> {
    let access = PlatformAccess::housekeeping();
    let mut tx = db::tx::platform(pool, access).await?;
    let due = db::statements::due(&mut tx).await?;
    tx.commit().await?;
    let mut made = 0;
    for (org_id, first, through) in due {
        let mut month = first;
        while month <= through {
            let mut tx = db::tx::platform(pool, access).await?;
            let (_, new) = db::statements::close(&mut tx, org_id, month, "housekeeping").await?;
            tx.commit().await?;
            made += usize::from(new);
            month = next_month(month);
        }
    }
    Ok(made)
}

/// The organization's statements and this month so far.
pub async fn page(pool: &PgPool, who: &Principal) -> Result<StatementsPage, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let statements = db::statements::list(&mut tx, org_id).await?;
    let so_far = db::statements::so_far(&mut tx, org_id).await?;
    tx.commit().await?;
    Ok(StatementsPage { statements, so_far })
}

/// One month's statement (404 when that month has none).
pub async fn get(pool: &PgPool, who: &Principal, month: NaiveDate) -> Result<Statement, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let s = db::statements::get(&mut tx, who.org_id(), month).await?;
    tx.commit().await?;
    s.ok_or(AppError::NotFound)
}

/// A statement as CSV: a header block, then one row per line.
pub fn csv(org_name: &str, s: &Statement) -> Result<Vec<u8>, AppError> {
    use crate::domain::statements::{money, month_label};
    // A header block of label–value pairs above the lines: rows of two lengths.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "could not write a statement's CSV");
        AppError::Internal
    };
    let safe = |t: &str| super::export::cell(t).into_owned();
    w.write_record(["organization", &safe(org_name)])
        .map_err(fail)?;
    w.write_record(["month", &month_label(s.summary.month)])
        .map_err(fail)?;
    w.write_record(["timezone", &s.summary.timezone])
        .map_err(fail)?;
    w.write_record(["total", &money(s.summary.total_cents)])
        .map_err(fail)?;
    w.write_record(["", ""]).map_err(fail)?;
    w.write_record([
        "kind",
        "description",
        "agent",
        "rate_per_minute",
        "calls",
        "minutes",
        "amount_cents",
        "amount",
        "call_id",
    ])
    .map_err(fail)?;
    for l in &s.lines {
        let rate = l
            .rate_cents
            .map(|r| format!("{:.4}", r / 100.0))
            .unwrap_or_default();
        w.write_record([
            l.kind.clone(),
            safe(&l.description),
            safe(l.agent.as_deref().unwrap_or("")),
            rate,
            l.calls.to_string(),
            l.minutes.to_string(),
            l.amount_cents.to_string(),
            money(l.amount_cents),
            l.call_id.map(|c| c.to_string()).unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|_| AppError::Internal)
}

/// The console's billing page: revenue per month, and one month's
/// statements by organization.
pub async fn platform(
    pool: &PgPool,
    access: PlatformAccess,
    month: Option<NaiveDate>,
) -> Result<crate::domain::statements::PlatformBilling, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let months = db::statements::platform_months(&mut tx).await?;
    let month = month.or_else(|| months.first().map(|m| m.month));
    let statements = match month {
        Some(m) => db::statements::platform_month(&mut tx, Some(m)).await?,
        None => vec![],
    };
    let unpaid = db::statements::platform_month(&mut tx, None).await?;
    let organizations = db::orgs::list(&mut tx)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    tx.commit().await?;
    Ok(crate::domain::statements::PlatformBilling {
        months,
        month,
        statements,
        unpaid,
        organizations,
    })
}
