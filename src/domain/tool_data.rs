//! What the Reservations page shows: an organization's reservations and
//! drivers (the `check_reservation` tool's data), their imports and
//! freshness, an upload's preview, and the tool's daily counts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows shown per page of reservations or drivers.
pub const PER_PAGE: u32 = 50;
/// Rows of a file shown in its preview.
pub const PREVIEW_ROWS: usize = 10;

/// A problem with one row of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The file's line (the header is line 1).
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// An upload waiting for its confirmation: what the file holds and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadPreview {
    pub id: Uuid,
    /// `reservations` or `drivers`.
    pub kind: String,
    pub filename: String,
    pub bytes: i64,
    pub rows: i32,
    pub error_count: i32,
    /// A problem with the whole file (nothing else to show then).
    pub problem: Option<String>,
    pub headers: Vec<String>,
    pub first_rows: Vec<Vec<String>>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    pub at: DateTime<Utc>,
    pub actor: String,
}

impl UploadPreview {
    /// Nothing in the way of importing it.
    pub fn importable(&self) -> bool {
        self.problem.is_none() && self.error_count == 0 && self.rows > 0
    }
}

/// One import (or a refused attempt: `errors > 0`, nothing stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub kind: String,
    pub mode: String,
    pub rows: i32,
    pub errors: i32,
    pub filename: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// The head of the Reservations page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDataOverview {
    pub reservations: i64,
    pub drivers: i64,
    pub last_reservations: Option<ImportRecord>,
    pub last_drivers: Option<ImportRecord>,
    /// When reservations were last stored by an import.
    pub fresh_at: Option<DateTime<Utc>>,
    pub stale_hours: i32,
    /// The organization's timezone: times on the page and in files are in it.
    pub timezone: String,
    /// The viewer may import, edit and change the setting.
    pub can_edit: bool,
    /// Judged by the server when it answered ("updated 3 h ago"): the
    /// browser cannot read the time from WebAssembly.
    pub freshness: String,
    pub stale: bool,
}

impl ToolDataOverview {
    /// The data is older than the organization's limit (or was never imported).
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        is_stale(self.fresh_at, self.stale_hours, now)
    }
}

/// Reservations last imported at `fresh_at` are stale `hours` later, and
/// never-imported ones always are: the page's amber and the tool's warning.
pub fn is_stale(fresh_at: Option<DateTime<Utc>>, hours: i32, now: DateTime<Utc>) -> bool {
    match fresh_at {
        None => true,
        Some(at) => now - at > chrono::Duration::hours(i64::from(hours)),
    }
}

/// "updated 3 h ago", "updated 2 days ago", "never imported".
pub fn freshness(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(at) = at else {
        return "never imported".into();
    };
    let minutes = (now - at).num_minutes().max(0);
    let ago = match minutes {
        0 => "just now".to_string(),
        1..=59 => format!("{minutes} min ago"),
        60..=2879 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    };
    format!("updated {ago}")
}

/// A search of reservations: text (confirmation number, phone or name) and
/// a pickup date in the organization's timezone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub page: u32,
}

impl ReservationQuery {
    /// From a page's query string (`q`, `date`, `page`); a date that does
    /// not read is ignored rather than refused.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        ReservationQuery {
            q: get("q")
                .unwrap_or_default()
                .trim()
                .chars()
                .take(100)
                .collect(),
            date: get("date").and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        }
    }

    /// The same search as a query string (for links: paging, export).
    pub fn to_query(&self, page: u32) -> String {
        let mut parts = vec![];
        if !self.q.is_empty() {
            parts.push(format!("q={}", urlencode(&self.q)));
        }
        if let Some(d) = self.date {
            parts.push(format!("date={d}"));
        }
        if page > 0 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

/// `s` for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A reservation as the page lists it; `pickup_local` is in the
/// organization's timezone (`2026-12-05 06:30`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationLine {
    pub id: Uuid,
    pub confirmation_number: String,
    pub passenger_name: Option<String>,
    pub passenger_phone: Option<String>,
    pub pickup_at: DateTime<Utc>,
    pub pickup_local: String,
    pub pickup_address: Option<String>,
    pub dropoff_address: Option<String>,
    pub status: String,
    pub driver_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationsPage {
    pub lines: Vec<ReservationLine>,
    pub total: i64,
    pub page: u32,
    /// The viewer may edit and cancel.
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverLine {
    pub id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriversPage {
    pub lines: Vec<DriverLine>,
    pub total: i64,
    pub page: u32,
}

/// An edit of one reservation, as typed (the confirmation number stays).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationForm {
    #[serde(default)]
    pub passenger_name: String,
    #[serde(default)]
    pub passenger_phone: String,
    /// Local time in the organization's timezone, `2026-12-05T06:30`.
    #[serde(default)]
    pub pickup_at: String,
    #[serde(default)]
    pub pickup_address: String,
    #[serde(default)]
    pub dropoff_address: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub driver_name: String,
}

/// The tool's calls on one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCallDay {
    pub day: NaiveDate,
    pub calls: i32,
    pub found: i32,
    pub not_found: i32,
    /// Calls that named the organization and failed verification.
    pub refused: i32,
    /// Mean time to answer, milliseconds.
    pub mean_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_reads_like_a_person_would_say_it() {
        let now: DateTime<Utc> = "2026-12-05T12:00:00Z".parse().unwrap();
        let ago = |m: i64| Some(now - chrono::Duration::minutes(m));
        assert_eq!(freshness(None, now), "never imported");
        assert_eq!(freshness(ago(0), now), "updated just now");
        assert_eq!(freshness(ago(7), now), "updated 7 min ago");
        assert_eq!(freshness(ago(190), now), "updated 3 h ago");
        assert_eq!(freshness(ago(3 * 1440), now), "updated 3 days ago");
    }

    #[test]
    fn a_query_round_trips_through_its_link() {
        let q = ReservationQuery {
            q: "Jane R & co".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 5),
            page: 0,
        };
        let link = q.to_query(2);
        assert_eq!(link, "q=Jane%20R%20%26%20co&date=2026-12-05&page=2");
        let pairs: Vec<(String, String)> = link
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_string(), v.replace("%20", " ").replace("%26", "&"))
            })
            .collect();
        let back = ReservationQuery::from_query(|k| {
            pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, ReservationQuery { page: 2, ..q });
    }
}
