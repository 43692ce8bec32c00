//! The Reservations page: freshness and imports, searching and paging the
//! organization's reservations and drivers, editing or cancelling one, the
//! staleness limit, the tool's daily counts, and CSV exports. Members read;
//! org admins (and the agency) change.

use super::export::cell;
use crate::auth::Principal;
use crate::db::{self, audit::Entry, reservations::Search, reservations::Stored};
use crate::domain::tool_data::{
    freshness, DriversPage, ReservationForm, ReservationLine, ReservationQuery, ReservationsPage,
    ToolCallDay, ToolDataOverview,
};
use crate::domain::tool_import::{self, Kind};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::json;
use sqlx::PgPool;
use tokio::sync::mpsc;
use uuid::Uuid;

async fn zone(tx: &mut db::tx::Tx, org_id: Uuid) -> Result<Tz, AppError> {
    Ok(db::tool_data::context(tx, org_id).await?.timezone)
}

/// Counts, the last import of each kind, freshness and the limit.
pub async fn overview(pool: &PgPool, who: &Principal) -> Result<ToolDataOverview, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let ctx = db::tool_data::context(&mut tx, org_id).await?;
    let (reservations, drivers) = db::reservations::counts(&mut tx, org_id).await?;
    let last_reservations = db::reservations::last_import(&mut tx, org_id, "reservations").await?;
    let last_drivers = db::reservations::last_import(&mut tx, org_id, "drivers").await?;
    tx.commit().await?;
    let mut o = ToolDataOverview {
        reservations,
        drivers,
        last_reservations,
        last_drivers,
        fresh_at: ctx.last_import_at,
        stale_hours: ctx.stale_hours,
        timezone: ctx.timezone.name().to_string(),
        can_edit: who.is_admin(),
        freshness: String::new(),
        stale: true,
    };
    let now = Utc::now();
    o.freshness = freshness(o.fresh_at, now);
    o.stale = o.is_stale(now);
    Ok(o)
}

/// The search as SQL wants it; a date is a whole day in the organization's
/// timezone.
fn search_of(q: &ReservationQuery, tz: Tz) -> Search {
    let text = q.q.trim().to_string();
    let day = |d: chrono::NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0)?;
        tz.from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    Search {
        key: crate::domain::reservations::confirmation_key(&text),
        phone: crate::domain::e164(&text).ok(),
        from: q.date.and_then(day),
        to: q.date.and_then(|d| d.succ_opt()).and_then(day),
        text,
    }
}

fn line(r: Stored, tz: Tz) -> ReservationLine {
    ReservationLine {
        pickup_local: r
            .pickup_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        id: r.id,
        confirmation_number: r.confirmation_number,
        passenger_name: r.passenger_name,
        passenger_phone: r.passenger_phone,
        pickup_at: r.pickup_at,
        pickup_address: r.pickup_address,
        dropoff_address: r.dropoff_address,
        status: r.status,
        driver_name: r.driver_name,
    }
}

pub async fn search(
    pool: &PgPool,
    who: &Principal,
    q: &ReservationQuery,
) -> Result<ReservationsPage, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let tz = zone(&mut tx, org_id).await?;
    let (rows, total) =
        db::reservations::search(&mut tx, org_id, &search_of(q, tz), q.page).await?;
    tx.commit().await?;
    Ok(ReservationsPage {
        lines: rows.into_iter().map(|r| line(r, tz)).collect(),
        total,
        page: q.page,
        can_edit: who.is_admin(),
    })
}

pub async fn drivers(
    pool: &PgPool,
    who: &Principal,
    text: &str,
    page: u32,
) -> Result<DriversPage, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (lines, total) =
        db::reservations::drivers(&mut tx, who.org_id(), text.trim(), page).await?;
    tx.commit().await?;
    Ok(DriversPage { lines, total, page })
}

/// One reservation, for its edit form.
pub async fn get(pool: &PgPool, who: &Principal, id: Uuid) -> Result<ReservationLine, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let tz = zone(&mut tx, org_id).await?;
    let found = db::reservations::get(&mut tx, org_id, id).await?;
    tx.commit().await?;
    found.map(|r| line(r, tz)).ok_or(AppError::NotFound)
}

fn optional(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

/// Checks an edit; every problem by field.
fn checked(form: &ReservationForm, tz: Tz, mut r: Stored) -> Result<Stored, AppError> {
    let mut problems = vec![];
    let mut problem = |field: &str, message: String| {
        problems.push(FieldError {
            field: field.into(),
            message,
        })
    };
    match tool_import::pickup_at(&form.pickup_at.replace('T', " "), tz) {
        Ok(t) => r.pickup_at = t,
        Err(m) => problem("pickup_at", m),
    }
    match optional(&form.passenger_phone).map(|p| crate::domain::e164(&p)) {
        None => r.passenger_phone = None,
        Some(Ok(p)) => r.passenger_phone = Some(p),
        Some(Err(m)) => problem("passenger_phone", m),
    }
    let status = form.status.trim();
    if status.is_empty() || status.chars().count() > 40 {
        problem("status", "Give a status of at most 40 characters.".into());
    } else {
        r.status = status.to_string();
    }
    for (field, value, max) in [
        ("passenger_name", &form.passenger_name, 200),
        ("pickup_address", &form.pickup_address, 500),
        ("dropoff_address", &form.dropoff_address, 500),
        ("driver_name", &form.driver_name, 200),
    ] {
        if value.chars().count() > max {
            problem(field, format!("At most {max} characters."));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    r.passenger_name = optional(&form.passenger_name);
    r.pickup_address = optional(&form.pickup_address);
    r.dropoff_address = optional(&form.dropoff_address);
    r.driver_name = optional(&form.driver_name);
    Ok(r)
}

/// Saves an edit of reservation `id` (the confirmation number stays).
pub async fn save(
    pool: &PgPool,
    who: &Principal,
    id: Uuid,
    form: &ReservationForm,
) -> Result<ReservationLine, AppError> {
    who.must_be_admin()?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let tz = zone(&mut tx, org_id).await?;
    let stored = db::reservations::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let number = stored.confirmation_number.clone();
    let edited = checked(form, tz, stored)?;
    db::reservations::update(&mut tx, org_id, &edited).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "reservation.update",
        target: Some(number),
        metadata: json!({ "status": edited.status }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(line(edited, tz))
}

/// Marks reservation `id` cancelled (the tool then says so).
pub async fn cancel(pool: &PgPool, who: &Principal, id: Uuid) -> Result<(), AppError> {
    who.must_be_admin()?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let mut r = db::reservations::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    r.status = "cancelled".into();
    db::reservations::update(&mut tx, org_id, &r).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "reservation.cancel",
        target: Some(r.confirmation_number),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// After how many hours without an import the data counts as stale.
pub async fn set_stale_hours(pool: &PgPool, who: &Principal, hours: i32) -> Result<(), AppError> {
    who.must_be_admin()?;
    if !(1..=8760).contains(&hours) {
        return Err(AppError::field(
            "hours",
            "Give a number of hours from 1 to 8760 (a year).",
        ));
    }
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    db::reservations::set_stale_hours(&mut tx, who.org_id(), hours).await?;
    let entry = Entry {
        org_id: Some(who.org_id()),
        action: "tool_data.stale_hours",
        target: None,
        metadata: json!({ "hours": hours }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The tool's calls per day over the last `days` days.
pub async fn tool_calls(
    pool: &PgPool,
    who: &Principal,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<ToolCallDay>, AppError> {
    who.must_be_admin()?;
    let to = now.date_naive();
    let from = to - chrono::Duration::days(i64::from(days.clamp(1, 366)) - 1);
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let list = db::reservations::tool_call_days(&mut tx, who.org_id(), from, to).await?;
    tx.commit().await?;
    Ok(list)
}

/// A CSV download: its name and its chunks (an `Err` means it broke off).
pub struct Download {
    pub filename: String,
    pub chunks: mpsc::Receiver<Result<Vec<u8>, AppError>>,
}

const EXPORT_BATCH: i64 = 2_000;

/// The matching reservations as a CSV in the import's format (pickup times
/// with the organization's offset), so an export can be edited and
/// imported again. Any member may export.
pub async fn export(
    pool: &PgPool,
    who: &Principal,
    slug: &str,
    q: &ReservationQuery,
) -> Result<Download, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let tz = zone(&mut tx, org_id).await?;
    tx.commit().await?;
    let search = search_of(q, tz);
    let (send, chunks) = mpsc::channel(4);
    let (pool, tenant) = (pool.clone(), who.tenant);
    tokio::spawn(async move {
        let written = async {
            let mut tx = db::tx::tenant(&pool, &tenant).await?;
            if send
                .send(Ok(csv_line(Kind::Reservations.columns())?))
                .await
                .is_err()
            {
                return Ok(());
            }
            let mut after = None;
            loop {
                let rows =
                    db::reservations::export_batch(&mut tx, org_id, &search, after, EXPORT_BATCH)
                        .await?;
                let Some(last) = rows.last() else { break };
                after = Some((last.pickup_at, last.confirmation_number.clone()));
                let mut chunk = Vec::new();
                for r in &rows {
                    chunk.extend(reservation_csv(r, tz)?);
                }
                if send.send(Ok(chunk)).await.is_err() {
                    break;
                }
            }
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = written {
            tracing::error!(error = ?e, "reservations export broke off");
            let _ = send.send(Err(e)).await;
        }
    });
    Ok(Download {
        filename: format!("{slug}-reservations.csv"),
        chunks,
    })
}

/// Every driver as a CSV in the import's format.
pub async fn export_drivers(
    pool: &PgPool,
    who: &Principal,
    slug: &str,
) -> Result<Download, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let mut out = csv_line(Kind::Drivers.columns())?;
    let mut page = 0;
    loop {
        let (lines, _) = db::reservations::drivers(&mut tx, who.org_id(), "", page).await?;
        if lines.is_empty() {
            break;
        }
        for d in &lines {
            let active = if d.active { "yes" } else { "no" };
            out.extend(csv_line(&[
                &cell(&d.name),
                &cell(d.phone.as_deref().unwrap_or_default()),
                active,
            ])?);
        }
        page += 1;
    }
    tx.commit().await?;
    let (send, chunks) = mpsc::channel(1);
    let _ = send.send(Ok(out)).await;
    Ok(Download {
        filename: format!("{slug}-drivers.csv"),
        chunks,
    })
}

fn csv_line(fields: &[&str]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields).map_err(|_| AppError::Internal)?;
    w.into_inner().map_err(|_| AppError::Internal)
}

fn reservation_csv(r: &Stored, tz: Tz) -> Result<Vec<u8>, AppError> {
    let text = |v: &Option<String>| cell(v.as_deref().unwrap_or_default()).into_owned();
    let at = r
        .pickup_at
        .with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    // The template's order: confirmation_number, pickup_at, passenger_name,
    // passenger_phone, pickup_address, dropoff_address, status, driver_name.
    csv_line(&[
        &cell(&r.confirmation_number),
        &at,
        &text(&r.passenger_name),
        &text(&r.passenger_phone),
        &text(&r.pickup_address),
        &text(&r.dropoff_address),
        &cell(&r.status),
        &text(&r.driver_name),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Stored {
        Stored {
            id: Uuid::nil(),
            confirmation_number: "=HYPERLINK(1)".into(),
            passenger_name: Some("@Jane".into()),
            passenger_phone: Some("+15555550101".into()),
            pickup_at: "2026-12-05T13:30:00Z".parse().unwrap(),
            pickup_address: Some("-12 Saguaro Way".into()),
            dropoff_address: None,
            status: "confirmed".into(),
            driver_name: None,
        }
    }

    #[test]
    fn an_exported_row_neutralises_formulas_and_keeps_the_offset() {
        let row = reservation_csv(&stored(), chrono_tz::America::Phoenix).unwrap();
        assert_eq!(
            String::from_utf8(row).unwrap(),
            "'=HYPERLINK(1),2026-12-05T06:30:00-07:00,'@Jane,+15555550101,'-12 Saguaro Way,,confirmed,\n"
        );
    }

    #[test]
    fn an_edit_is_checked_field_by_field() {
        let tz = chrono_tz::America::Phoenix;
        let form = ReservationForm {
            pickup_at: "2026-12-05T07:15".into(),
            passenger_phone: "555".into(),
            status: "".into(),
            ..ReservationForm::default()
        };
        let e = checked(&form, tz, stored()).unwrap_err();
        assert!(e.field_message("passenger_phone").is_some());
        assert!(e.field_message("status").is_some());
        assert!(e.field_message("pickup_at").is_none());
        let ok = ReservationForm {
            pickup_at: "2026-12-05T07:15".into(),
            status: "on the way".into(),
            passenger_name: "  Jane Roe ".into(),
            ..ReservationForm::default()
        };
        let r = checked(&ok, tz, stored()).unwrap();
        assert_eq!(
            r.pickup_at,
            "2026-12-05T14:15:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(r.passenger_name.as_deref(), Some("Jane Roe"));
        assert_eq!(r.passenger_phone, None);
    }
}
