//! The organization dashboard's vocabulary: which calls (`filter`), and what
//! comes back (totals, a time series, a breakdown by agent, pages of calls,
//! one call in detail), with the words and figures they are shown in
//! (`format`, `transcript`). Money is integer cents.

mod filter;
mod format;
mod transcript;

pub use filter::*;
pub use format::*;
pub use transcript::turns;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Sums over a set of calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub calls: i64,
    pub billable_calls: i64,
    /// Billed minutes of billable calls: what the organization pays for.
    pub billable_minutes: i64,
    /// Billed minutes of every call, test calls included.
    pub all_minutes: i64,
    pub duration_ms: i64,
    pub timed_calls: i64,
    pub charge_cents: i64,
    pub successful: i64,
    pub evaluated: i64,
    pub positive: i64,
    pub neutral: i64,
    pub negative: i64,
}

impl Totals {
    pub fn test_calls(&self) -> i64 {
        self.calls - self.billable_calls
    }

    pub fn average_duration_ms(&self) -> Option<i64> {
        (self.timed_calls > 0).then(|| self.duration_ms / self.timed_calls)
    }

    /// Percent of analysed calls marked successful, to one decimal.
    pub fn success_rate(&self) -> Option<f64> {
        (self.evaluated > 0).then(|| (self.successful * 1000 / self.evaluated) as f64 / 10.0)
    }

    /// Calls analysed with no clear sentiment (or not analysed yet).
    pub fn other_sentiment(&self) -> i64 {
        self.calls - self.positive - self.neutral - self.negative
    }
}

/// Whether the chart's bars are hours or days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bucket {
    Hour,
    Day,
}

/// One bar of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// Short label ("14:00", "Nov 3").
    pub label: String,
    pub calls: i64,
    pub minutes: i64,
}

/// One agent's share of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentShare {
    pub agent_id: Option<Uuid>,
    pub name: String,
    pub calls: i64,
    pub minutes: i64,
    pub charge_cents: i64,
}

/// Everything above the calls table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub org_name: String,
    pub timezone: String,
    /// "Nov 1 – Nov 30, 2026" in the organization's timezone.
    pub range_label: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub totals: Totals,
    pub bucket: Bucket,
    pub series: Vec<Point>,
    pub agents: Vec<AgentShare>,
    /// Every agent, for the filter's list.
    pub agent_choices: Vec<(Uuid, String)>,
    pub can_edit: bool,
}

/// One line of the calls table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLine {
    pub id: Uuid,
    /// Local time, formatted for the organization ("Nov 3, 2:05 PM").
    pub when: String,
    pub agent: Option<String>,
    pub direction: Direction,
    /// The other party: the caller for inbound calls, the called number otherwise.
    pub party: Option<String>,
    pub duration_ms: Option<i64>,
    pub billed_minutes: i32,
    pub charge_cents: i64,
    pub status: Option<String>,
    pub sentiment: Option<String>,
    pub is_billable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Inbound,
    Outbound,
    Web,
}

impl Direction {
    pub fn of(direction: Option<&str>, call_type: &str) -> Direction {
        match (direction, call_type) {
            (Some("outbound"), _) => Direction::Outbound,
            (_, "web_call") => Direction::Web,
            _ => Direction::Inbound,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Direction::Inbound => "Inbound",
            Direction::Outbound => "Outbound",
            Direction::Web => "Web test",
        }
    }
}

/// A page of the calls table, newest first. `next` is an opaque cursor
/// (time and id of the last line), never an offset, so new calls arriving
/// at the top never shift what the next page holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallsPage {
    pub lines: Vec<CallLine>,
    pub next: Option<String>,
    /// An organization admin (may ask for a review of a call's billing).
    pub can_edit: bool,
    /// The agency viewing as the organization (may mark calls billable or test).
    pub can_override: bool,
    /// Whether the organization has any call at all (which empty state).
    pub any_calls: bool,
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub agent: bool,
    pub text: String,
}

/// A call in full, for its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallDetail {
    pub line: CallLine,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub ended_because: Option<String>,
    pub summary: Option<String>,
    pub successful: Option<bool>,
    pub in_voicemail: Option<bool>,
    pub turns: Vec<Turn>,
    pub has_recording: bool,
    pub billable_overridden: bool,
    pub can_edit: bool,
    pub can_override: bool,
}

/// The cursor after a line: its time (microseconds) and id.
pub fn cursor(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}_{}", at.timestamp_micros(), id.simple())
}

pub fn parse_cursor(s: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (t, id) = s.split_once('_')?;
    Some((
        DateTime::from_timestamp_micros(t.parse().ok()?)?,
        Uuid::parse_str(id).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_763_000_000_123_456).unwrap();
        let id = Uuid::from_u128(42);
        assert_eq!(parse_cursor(&cursor(at, id)), Some((at, id)));
        assert_eq!(parse_cursor("garbage"), None);
    }
}
