//! CSV export of an organization's filtered calls, for the browser download
//! and the command line alike. Rows come from a database cursor in batches
//! and leave as CSV chunks through a small bounded channel, so memory stays
//! flat however many calls there are, and a slow reader slows the query
//! instead of filling memory.
//!
//! Columns (docs/api.md): times are ISO 8601 with the organization's offset;
//! numbers are plain numbers (no thousands separators or currency signs).

use super::dashboard::{bound, resolve, zone};
use crate::auth::Principal;
use crate::db::{self, dashboard::Line, TenantCtx};
use crate::domain::{dashboard as d, CallFilter, Direction, DEFAULT_TIMEZONE};
use crate::error::AppError;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use tokio::sync::mpsc;

pub const COLUMNS: [&str; 17] = [
    "call_id",
    "time",
    "started_at",
    "ended_at",
    "agent",
    "direction",
    "from_number",
    "to_number",
    "status",
    "duration_seconds",
    "billed_minutes",
    "cost_usd",
    "billable",
    "sentiment",
    "successful",
    "ended_because",
    "time_zone",
];

/// Rows fetched from the cursor per round trip.
const BATCH: u32 = 2000;

pub struct Export {
    /// `<org>-calls-<first day>-<last day>.csv`.
    pub filename: String,
    /// CSV chunks, header first. An `Err` means the export broke off.
    pub chunks: mpsc::Receiver<Result<Vec<u8>, AppError>>,
}

/// Starts an export. Checks happen before the first byte: a bad filter or
/// an unavailable database is an error here, not a truncated file.
pub async fn start(
    pool: &PgPool,
    who: &Principal,
    org_slug: &str,
    filter: &CallFilter,
    now: DateTime<Utc>,
) -> Result<Export, AppError> {
    let tenant = who.tenant;
    let mut tx = db::tx::tenant(pool, &tenant).await?;
    let (_, tz_name, _) = db::dashboard::context(&mut tx, tenant.org_id, DEFAULT_TIMEZONE).await?;
    tx.commit().await?;
    let tz = zone(&tz_name);
    let (from, to, first, last) = resolve(filter, tz, now);
    let b = bound(tenant.org_id, filter, from, to);
    let (send, chunks) = mpsc::channel(4);
    let pool = pool.clone();
    tokio::spawn(async move {
        if let Err(e) = stream(&pool, &tenant, &b, tz, &send).await {
            tracing::error!(error = ?e, "call export broke off");
            let _ = send.send(Err(e)).await;
        }
    });
    Ok(Export {
        filename: format!("{org_slug}-calls-{first}-{last}.csv"),
        chunks,
    })
}

async fn stream(
    pool: &PgPool,
    tenant: &TenantCtx,
    b: &db::dashboard::Bound,
    tz: Tz,
    send: &mpsc::Sender<Result<Vec<u8>, AppError>>,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, tenant).await?;
    db::dashboard::open_cursor(&mut tx, b).await?;
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(COLUMNS).map_err(csv_error)?;
    if send.send(Ok(finish(header)?)).await.is_err() {
        return Ok(()); // the reader went away
    }
    // The next batch is fetched while this one is written as CSV, on the
    // other core: the two take about as long as each other.
    let (batches, pending) = mpsc::channel(1);
    let writer = tokio::spawn(write_batches(pending, tz, send.clone()));
    loop {
        let lines = db::dashboard::fetch_cursor(&mut tx, BATCH).await?;
        if lines.is_empty() || batches.send(lines).await.is_err() {
            break; // the end, or the reader went away
        }
    }
    drop(batches);
    writer.await.map_err(|e| {
        tracing::error!(error = %e, "CSV writer task failed");
        AppError::Internal
    })??;
    tx.commit().await?;
    Ok(())
}

/// Turns batches of lines into CSV chunks until the batches end or the
/// reader goes away.
async fn write_batches(
    mut pending: mpsc::Receiver<Vec<Line>>,
    tz: Tz,
    send: mpsc::Sender<Result<Vec<u8>, AppError>>,
) -> Result<(), AppError> {
    while let Some(lines) = pending.recv().await {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(lines.len() * 200));
        for l in &lines {
            write_line(&mut w, l, tz).map_err(csv_error)?;
        }
        if send.send(Ok(finish(w)?)).await.is_err() {
            break;
        }
    }
    Ok(())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, AppError> {
    w.into_inner().map_err(|e| csv_error(e.into_error().into()))
}

fn csv_error(e: csv::Error) -> AppError {
    tracing::error!(error = %e, "could not write CSV");
    AppError::Internal
}

fn iso(t: Option<DateTime<Utc>>, tz: Tz) -> String {
    t.map(|t| {
        t.with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    })
    .unwrap_or_default()
}

/// Text from calls (names, numbers, reasons) as a spreadsheet cell: a cell
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as
/// a formula by spreadsheet programs, so it gets a leading apostrophe. A
/// phone number in E.164 (`+` and digits only) is a number to them, not a
/// formula, and stays as it is.
pub(super) fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    let e164 = text
        .strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !e164 => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn write_line(w: &mut csv::Writer<Vec<u8>>, l: &Line, tz: Tz) -> Result<(), csv::Error> {
    let direction = match Direction::of(l.direction.as_deref(), &l.call_type) {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
        Direction::Web => "web",
    };
    let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    let cents = l.charge_cents;
    w.write_field(l.id.to_string())?;
    // When it happened: its start, or its end for calls that never connected.
    w.write_field(iso(Some(l.occurred_at), tz))?;
    w.write_field(iso(l.started_at, tz))?;
    w.write_field(iso(l.ended_at, tz))?;
    w.write_field(cell(l.agent_name.as_deref().unwrap_or("")).as_ref())?;
    w.write_field(direction)?;
    w.write_field(cell(l.from_number.as_deref().unwrap_or("")).as_ref())?;
    w.write_field(cell(l.to_number.as_deref().unwrap_or("")).as_ref())?;
    w.write_field(cell(l.call_status.as_deref().unwrap_or("")).as_ref())?;
    w.write_field(
        l.duration_ms
            .map(|ms| format!("{}.{:03}", ms / 1000, ms % 1000))
            .unwrap_or_default(),
    )?;
    // What the client pays for: a test call is free, whatever its length
    // (which the duration column keeps).
    let billed = if l.is_billable { l.billed_minutes } else { 0 };
    w.write_field(billed.to_string())?;
    w.write_field(format!("{}.{:02}", cents / 100, cents % 100))?;
    w.write_field(l.is_billable.to_string())?;
    w.write_field(cell(l.sentiment.as_deref().unwrap_or("")).as_ref())?;
    w.write_field(flag(l.successful))?;
    let reason = l
        .disconnection_reason
        .as_deref()
        .map(d::ended_because)
        .unwrap_or_default();
    w.write_field(cell(&reason).as_ref())?;
    w.write_field(tz.name())?;
    w.write_record(None::<&[u8]>)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised_and_phone_numbers_kept() {
        for bad in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "+",
        ] {
            assert_eq!(cell(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["+15205550101", "Front desk", "", "user hangup", "5"] {
            assert_eq!(cell(fine), fine);
        }
    }
}
