//! The organization dashboard: a filter from the URL, resolved in the
//! organization's timezone, answered from its tenant transaction.

use crate::auth::Principal;
use crate::db::{self, dashboard::Bound};
use crate::domain::{
    dashboard as d, AgentShare, Bucket, CallDetail, CallFilter, CallLine, CallsPage, Dashboard,
    Direction, Point, Totals, DEFAULT_TIMEZONE,
};
use crate::error::AppError;
use chrono::{DateTime, Duration, DurationRound, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

/// Lines per page of the calls table.
pub const PAGE_SIZE: i64 = 50;

/// The organization's zone, falling back to the default for a name chrono-tz
/// does not know (settings are checked when saved, so this is belt and braces).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::America::Phoenix)
}

/// The UTC instant a local day starts (the first existing local instant, for
/// days that begin inside a daylight-saving gap).
pub fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The filter's period as UTC instants `[from, to)`, and its local days.
pub fn resolve(
    filter: &CallFilter,
    tz: Tz,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>, NaiveDate, NaiveDate) {
    let today = now.with_timezone(&tz).date_naive();
    let (first, last) = filter.period.days(today);
    let from = day_start(tz, first);
    let to = day_start(tz, last + chrono::Days::new(1));
    (from, to, first, last)
}

pub fn bound(org_id: Uuid, filter: &CallFilter, from: DateTime<Utc>, to: DateTime<Utc>) -> Bound {
    Bound {
        org_id,
        from,
        to,
        agent: filter.agent,
        billable: filter.kind.billable(),
        direction: filter.direction.clone(),
        status: filter.status.clone(),
        sentiment: filter.sentiment.clone(),
        phone: filter.phone.clone(),
    }
}

/// The whole UTC hours inside `[from, to)` the rollups may answer for, or an
/// empty range when they cannot: a filter they do not keep, or a timezone
/// whose offset is not whole hours (its local days split UTC hours).
pub fn rollup_range(
    filter: &CallFilter,
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let whole_hours = |t: DateTime<Utc>| {
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc()
            % 3600
            == 0
    };
    let hour = Duration::hours(1);
    let lo = from
        .duration_trunc(hour)
        .map(|t| if t < from { t + hour } else { t })
        .unwrap_or(to);
    let hi = to.duration_trunc(hour).unwrap_or(to);
    if filter.rollups_suffice() && whole_hours(from) && whole_hours(to) && lo < hi {
        (lo, hi)
    } else {
        (to, to)
    }
}

/// "Nov 1 – Nov 30, 2026", or one day.
fn range_label(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        first.format("%a, %b %-d, %Y").to_string()
    } else if first.format("%Y").to_string() == last.format("%Y").to_string() {
        format!("{} – {}", first.format("%b %-d"), last.format("%b %-d, %Y"))
    } else {
        format!(
            "{} – {}",
            first.format("%b %-d, %Y"),
            last.format("%b %-d, %Y")
        )
    }
}

/// Every bar of the chart, zeros included, in order.
fn series(
    bucket: Bucket,
    first: NaiveDate,
    last: NaiveDate,
    found: &[(chrono::NaiveDateTime, Totals)],
) -> Vec<Point> {
    let get = |key: chrono::NaiveDateTime| {
        found
            .iter()
            .find(|(b, _)| *b == key)
            .map(|(_, s)| (s.calls, s.all_minutes))
            .unwrap_or((0, 0))
    };
    match bucket {
        Bucket::Hour => (0..24)
            .map(|h| {
                let key = first.and_hms_opt(h, 0, 0).unwrap_or_default();
                let (calls, minutes) = get(key);
                Point {
                    label: format!("{h:02}:00"),
                    calls,
                    minutes,
                }
            })
            .collect(),
        Bucket::Day => first
            .iter_days()
            .take_while(|day| *day <= last)
            .map(|day| {
                let (calls, minutes) = get(day.and_hms_opt(0, 0, 0).unwrap_or_default());
                Point {
                    label: day.format("%b %-d").to_string(),
                    calls,
                    minutes,
                }
            })
            .collect(),
    }
}

pub async fn dashboard(
    pool: &PgPool,
    who: &Principal,
    filter: &CallFilter,
    now: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (org_name, tz_name, agents) =
        db::dashboard::context(&mut tx, org_id, DEFAULT_TIMEZONE).await?;
    let tz = zone(&tz_name);
    let (from, to, first, last) = resolve(filter, tz, now);
    let bucket = if first == last {
        Bucket::Hour
    } else {
        Bucket::Day
    };
    let unit = match bucket {
        Bucket::Hour => "hour",
        Bucket::Day => "day",
    };
    let (lo, hi) = rollup_range(filter, tz, from, to);
    let b = bound(org_id, filter, from, to);
    let s = db::dashboard::summary(&mut tx, &b, lo, hi, unit, tz.name()).await?;
    tx.commit().await?;

    let name_of = |id: Option<Uuid>| {
        id.and_then(|id| agents.iter().find(|(a, _)| *a == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "Removed agent".into())
    };
    let mut shares: Vec<AgentShare> = s
        .agents
        .iter()
        .filter(|(_, sums)| sums.calls > 0)
        .map(|(id, sums)| AgentShare {
            agent_id: *id,
            name: name_of(*id),
            calls: sums.calls,
            minutes: sums.all_minutes,
            charge_cents: sums.charge_cents,
        })
        .collect();
    shares.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.name.cmp(&b.name)));
    Ok(Dashboard {
        org_name,
        timezone: tz_name,
        range_label: range_label(first, last),
        first_day: first,
        last_day: last,
        totals: s.total,
        bucket,
        series: series(bucket, first, last, &s.buckets),
        agents: shares,
        agent_choices: agents,
        can_edit: who.is_admin(),
    })
}

/// "Nov 3, 2:05 PM MST" in the organization's timezone.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%b %-d, %-I:%M %p %Z")
        .to_string()
}

fn line(l: &db::dashboard::Line, tz: Tz) -> CallLine {
    let direction = Direction::of(l.direction.as_deref(), &l.call_type);
    let party = match direction {
        Direction::Outbound => l.to_number.clone(),
        _ => l.from_number.clone(),
    };
    CallLine {
        id: l.id,
        when: local_time(l.occurred_at, tz),
        agent: l.agent_name.clone(),
        direction,
        party,
        duration_ms: l.duration_ms,
        billed_minutes: l.billed_minutes,
        charge_cents: l.charge_cents,
        status: l.call_status.clone(),
        sentiment: l.sentiment.clone(),
        is_billable: l.is_billable,
    }
}

pub async fn calls_page(
    pool: &PgPool,
    who: &Principal,
    filter: &CallFilter,
    after: Option<&str>,
    now: DateTime<Utc>,
) -> Result<CallsPage, AppError> {
    let org_id = who.org_id();
    let after = match after.filter(|a| !a.is_empty()) {
        Some(a) => Some(d::parse_cursor(a).ok_or_else(|| {
            AppError::field(
                "after",
                "That page link is no longer valid; start from the newest calls.",
            )
        })?),
        None => None,
    };
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let tz = zone(
        &db::dashboard::context(&mut tx, org_id, DEFAULT_TIMEZONE)
            .await?
            .1,
    );
    let (from, to, _, _) = resolve(filter, tz, now);
    let b = bound(org_id, filter, from, to);
    let mut rows = db::dashboard::page(&mut tx, &b, after, PAGE_SIZE + 1).await?;
    let any_calls = !rows.is_empty() || db::dashboard::any_calls(&mut tx, org_id).await?;
    tx.commit().await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next = more
        .then(|| rows.last().map(|l| d::cursor(l.occurred_at, l.id)))
        .flatten();
    Ok(CallsPage {
        lines: rows.iter().map(|l| line(l, tz)).collect(),
        next,
        can_edit: who.is_admin(),
        can_override: who.agency,
        any_calls,
    })
}

/// Where a call's recording is kept (for the proxy route only: the browser
/// never sees it). NotFound for another organization's call or none.
pub async fn recording_url(pool: &PgPool, who: &Principal, id: Uuid) -> Result<String, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let url = db::calls::recording_url(&mut tx, who.org_id(), id).await?;
    tx.commit().await?;
    url.ok_or(AppError::NotFound)
}

pub async fn call_detail(pool: &PgPool, who: &Principal, id: Uuid) -> Result<CallDetail, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (_, tz_name, agents) = db::dashboard::context(&mut tx, org_id, DEFAULT_TIMEZONE).await?;
    let c = db::calls::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let tz = zone(&tz_name);
    let direction = Direction::of(c.direction.as_deref(), &c.call_type);
    let full = |t: DateTime<Utc>| {
        t.with_timezone(&tz)
            .format("%a, %b %-d, %Y, %-I:%M:%S %p %Z")
            .to_string()
    };
    Ok(CallDetail {
        line: CallLine {
            id: c.id,
            when: local_time(c.occurred_at, tz),
            agent: c
                .agent_id
                .and_then(|a| agents.iter().find(|(id, _)| *id == a))
                .map(|(_, n)| n.clone()),
            direction,
            party: match direction {
                Direction::Outbound => c.to_number.clone(),
                _ => c.from_number.clone(),
            },
            duration_ms: c.duration_ms,
            billed_minutes: c.billed_minutes,
            charge_cents: c.charge_cents,
            status: c.call_status.clone(),
            sentiment: c.sentiment.clone(),
            is_billable: c.is_billable,
        },
        started: c.started_at.map(full),
        ended: c.ended_at.map(full),
        from_number: c.from_number,
        to_number: c.to_number,
        ended_because: c.disconnection_reason.as_deref().map(d::ended_because),
        summary: c.summary,
        successful: c.successful,
        in_voicemail: c.in_voicemail,
        turns: d::turns(c.transcript_turns.as_ref(), c.transcript.as_deref()),
        has_recording: c.recording_url.is_some(),
        billable_overridden: c.billable_override.is_some(),
        can_edit: who.is_admin(),
        can_override: who.agency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Period;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn periods_are_local_days() {
        let f = CallFilter {
            period: Period::Today,
            ..Default::default()
        };
        // 03:00 UTC on Nov 23 is still Nov 22 in Phoenix (UTC-7).
        let (from, to, first, _) =
            resolve(&f, chrono_tz::America::Phoenix, at("2026-11-23T03:00:00Z"));
        assert_eq!(first, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(from, at("2026-11-22T07:00:00Z"));
        assert_eq!(to, at("2026-11-23T07:00:00Z"));
        // A day that loses an hour is 23 hours long.
        let f = CallFilter {
            period: Period::Custom {
                from: NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(),
            },
            ..Default::default()
        };
        let (from, to, _, _) = resolve(&f, chrono_tz::America::New_York, Utc::now());
        assert_eq!(to - from, Duration::hours(23));
    }

    #[test]
    fn rollups_cover_whole_hours_only() {
        let f = CallFilter::default();
        let tz = chrono_tz::America::Phoenix;
        let (lo, hi) = rollup_range(
            &f,
            tz,
            at("2026-11-01T07:00:00Z"),
            at("2026-11-23T18:20:00Z"),
        );
        assert_eq!(
            (lo, hi),
            (at("2026-11-01T07:00:00Z"), at("2026-11-23T18:00:00Z"))
        );
        // Half-hour zones, and filters the rollups do not keep, read calls.
        let kolkata = chrono_tz::Asia::Kolkata;
        let (lo, hi) = rollup_range(
            &f,
            kolkata,
            at("2026-10-31T18:30:00Z"),
            at("2026-11-23T18:30:00Z"),
        );
        assert_eq!(lo, hi);
        let f = CallFilter {
            sentiment: Some("Positive".into()),
            ..Default::default()
        };
        let (lo, hi) = rollup_range(
            &f,
            tz,
            at("2026-11-01T07:00:00Z"),
            at("2026-11-23T07:00:00Z"),
        );
        assert_eq!(lo, hi);
    }
}
