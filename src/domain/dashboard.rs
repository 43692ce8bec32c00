//! The organization dashboard's vocabulary: which calls (the filter, carried
//! in the page's URL so every view can be bookmarked and works without
//! JavaScript), and what comes back (totals, a time series, a breakdown by
//! agent, pages of calls, one call in detail). Money is integer cents.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The period a dashboard covers, in the organization's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Period {
    Today,
    Last7,
    #[default]
    Last30,
    ThisMonth,
    /// Whole days, both included.
    Custom {
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl Period {
    pub const CHOICES: [(&'static str, &'static str); 5] = [
        ("today", "Today"),
        ("7d", "Last 7 days"),
        ("30d", "Last 30 days"),
        ("month", "This month"),
        ("custom", "Custom range"),
    ];

    pub fn key(&self) -> &'static str {
        match self {
            Period::Today => "today",
            Period::Last7 => "7d",
            Period::Last30 => "30d",
            Period::ThisMonth => "month",
            Period::Custom { .. } => "custom",
        }
    }

    /// From the URL's `period`, `from` and `to`. A custom range needs both
    /// dates, in order, and at most about ten years.
    pub fn parse(
        key: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Period, String> {
        let date =
            |s: Option<&str>| s.and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
        match key.unwrap_or("30d") {
            "today" => Ok(Period::Today),
            "7d" => Ok(Period::Last7),
            "" | "30d" => Ok(Period::Last30),
            "month" => Ok(Period::ThisMonth),
            "custom" => match (date(from), date(to)) {
                (Some(from), Some(to)) if from <= to && (to - from).num_days() <= 3660 => {
                    Ok(Period::Custom { from, to })
                }
                (Some(_), Some(_)) => {
                    Err("The end date must be on or after the start date.".into())
                }
                _ => Err("Choose a start and an end date for a custom range.".into()),
            },
            _ => Err("Choose a period from the list.".into()),
        }
    }

    /// The first and last local day covered, given today's local date.
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        use chrono::Datelike;
        match *self {
            Period::Today => (today, today),
            Period::Last7 => (today - chrono::Days::new(6), today),
            Period::Last30 => (today - chrono::Days::new(29), today),
            Period::ThisMonth => (today.with_day(1).unwrap_or(today), today),
            Period::Custom { from, to } => (from, to),
        }
    }
}

/// Billable calls, test calls, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CallKind {
    #[default]
    All,
    Billable,
    Test,
}

impl CallKind {
    pub fn parse(s: Option<&str>) -> CallKind {
        match s {
            Some("billable") => CallKind::Billable,
            Some("test") => CallKind::Test,
            _ => CallKind::All,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            CallKind::All => "all",
            CallKind::Billable => "billable",
            CallKind::Test => "test",
        }
    }

    /// As a condition on `is_billable`.
    pub fn billable(self) -> Option<bool> {
        match self {
            CallKind::All => None,
            CallKind::Billable => Some(true),
            CallKind::Test => Some(false),
        }
    }
}

pub const DIRECTIONS: [(&str, &str); 3] = [
    ("inbound", "Inbound"),
    ("outbound", "Outbound"),
    ("web", "Web test"),
];
pub const STATUSES: [(&str, &str); 5] = [
    ("ended", "Ended"),
    ("ongoing", "In progress"),
    ("not_connected", "Not connected"),
    ("error", "Error"),
    ("registered", "Registered"),
];
pub const SENTIMENTS: [(&str, &str); 4] = [
    ("Positive", "Positive"),
    ("Neutral", "Neutral"),
    ("Negative", "Negative"),
    ("Unknown", "Unknown"),
];

fn pick(value: Option<&str>, allowed: &[(&str, &str)]) -> Option<String> {
    let v = value?.trim();
    allowed
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(k, _)| k.to_string())
}

/// Which calls a dashboard, a calls page or an export covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CallFilter {
    pub period: Period,
    pub agent: Option<Uuid>,
    pub kind: CallKind,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub sentiment: Option<String>,
    /// Digits of a phone number to look for in the caller's or the called number.
    pub phone: Option<String>,
}

impl CallFilter {
    /// From the URL's query parameters. Unknown values are ignored; only a
    /// broken custom range is an error (the page says what to fix).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<CallFilter, String> {
        let period = Period::parse(
            get("period").as_deref(),
            get("from").as_deref(),
            get("to").as_deref(),
        )?;
        let phone = get("phone")
            .map(|p| p.chars().filter(|c| c.is_ascii_digit()).collect::<String>())
            .filter(|p| !p.is_empty());
        Ok(CallFilter {
            period,
            agent: get("agent").and_then(|a| Uuid::parse_str(a.trim()).ok()),
            kind: CallKind::parse(get("type").as_deref()),
            direction: pick(get("direction").as_deref(), &DIRECTIONS),
            status: pick(get("status").as_deref(), &STATUSES),
            sentiment: pick(get("sentiment").as_deref(), &SENTIMENTS),
            phone,
        })
    }

    /// From a query string as [`CallFilter::to_query`] writes it.
    pub fn from_query_string(q: &str) -> Result<CallFilter, String> {
        CallFilter::from_query(|k| query_value(q, k))
    }

    /// The query string that reproduces this filter (without `?`).
    pub fn to_query(&self) -> String {
        let mut parts = vec![format!("period={}", self.period.key())];
        if let Period::Custom { from, to } = self.period {
            parts.push(format!("from={from}"));
            parts.push(format!("to={to}"));
        }
        if let Some(a) = self.agent {
            parts.push(format!("agent={a}"));
        }
        if self.kind != CallKind::All {
            parts.push(format!("type={}", self.kind.key()));
        }
        for (name, value) in [
            ("direction", &self.direction),
            ("status", &self.status),
            ("sentiment", &self.sentiment),
            ("phone", &self.phone),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name}={v}"));
            }
        }
        parts.join("&")
    }

    /// Whether the hourly rollups can answer: they are kept per agent and
    /// billable/test only.
    pub fn rollups_suffice(&self) -> bool {
        self.direction.is_none()
            && self.status.is_none()
            && self.sentiment.is_none()
            && self.phone.is_none()
    }
}

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

/// One value of a query string (`a=1&b=x+y`), decoded (`+` and `%XX`).
pub fn query_value(q: &str, key: &str) -> Option<String> {
    let raw = q
        .trim_start_matches('?')
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == key)?
        .1;
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = (
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        );
        match (bytes[i], pair) {
            (b'+', _) => out.push(b' '),
            (b'%', (Some(hi), Some(lo))) => {
                out.push(hi * 16 + lo);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A value made safe for a query string (the inverse of [`query_value`]).
pub fn query_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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

/// A disconnection reason in plain words. New reasons appear over time; an
/// unknown one is shown as its words ("some_reason" → "Some reason").
pub fn ended_because(reason: &str) -> String {
    let known = match reason {
        "user_hangup" => "The caller hung up",
        "agent_hangup" => "The agent ended the call",
        "call_transfer" => "Transferred to a person",
        "voicemail_reached" => "Reached voicemail",
        "inactivity" => "Ended after a long silence",
        "max_duration_reached" => "Reached the maximum call length",
        "dial_busy" => "The line was busy",
        "dial_failed" => "The call could not be placed",
        "dial_no_answer" => "Nobody answered",
        "concurrency_limit_reached" => "Too many calls at once",
        "no_valid_payment" | "scam_detected" => "The call was refused",
        r if r.starts_with("error") => "Ended by a technical problem",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    let words = reason.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Unknown".into(),
    }
}

/// A call status in words.
pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(k, _)| *k == status)
        .map(|(_, l)| *l)
        .unwrap_or("Unknown")
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Cents as dollars: `123456` → `"$1,234.56"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}${}.{:02}", thousands((c / 100) as i64), c % 100)
}

/// A duration for people: `154_000` → `"2m 34s"`, `3_725_000` → `"1h 2m 5s"`.
pub fn duration(ms: i64) -> String {
    let s = (ms.max(0) + 500) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s:02}s"),
        _ => format!("{h}h {m:02}m {s:02}s"),
    }
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

/// The transcript as turns: from the structured turns when present,
/// otherwise from the text's "Agent:" / "User:" lines.
pub fn turns(structured: Option<&serde_json::Value>, text: Option<&str>) -> Vec<Turn> {
    if let Some(list) = structured.and_then(|v| v.as_array()) {
        let turns: Vec<Turn> = list
            .iter()
            .filter_map(|t| {
                let text = t.get("content")?.as_str()?.trim();
                (!text.is_empty()).then(|| Turn {
                    agent: t.get("role").and_then(|r| r.as_str()) == Some("agent"),
                    text: text.to_string(),
                })
            })
            .collect();
        if !turns.is_empty() {
            return turns;
        }
    }
    let mut out: Vec<Turn> = Vec::new();
    for line in text.unwrap_or("").lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Agent:") {
            out.push(Turn {
                agent: true,
                text: rest.trim().into(),
            });
        } else if let Some(rest) = line.strip_prefix("User:") {
            out.push(Turn {
                agent: false,
                text: rest.trim().into(),
            });
        } else if let Some(last) = out.last_mut().filter(|_| !line.is_empty()) {
            last.text.push(' ');
            last.text.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-12345), "-12,345");
        assert_eq!(money(0), "$0.00");
        assert_eq!(money(5), "$0.05");
        assert_eq!(money(123456), "$1,234.56");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59_499), "59s");
        assert_eq!(duration(154_000), "2m 34s");
        assert_eq!(duration(3_725_000), "1h 02m 05s");
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = CallFilter {
            period: Period::Custom {
                from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            },
            agent: Some(Uuid::nil()),
            kind: CallKind::Test,
            direction: Some("inbound".into()),
            status: Some("ended".into()),
            sentiment: Some("Positive".into()),
            phone: Some("4155".into()),
        };
        let q = f.to_query();
        let pairs: Vec<(String, String)> = q
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(CallFilter::from_query(get).unwrap(), f);
        assert!(!f.rollups_suffice());
    }

    #[test]
    fn unknown_filter_values_are_ignored_and_bad_ranges_explained() {
        let get = |k: &str| match k {
            "direction" => Some("sideways".to_string()),
            "phone" => Some("+1 (415) 555".to_string()),
            "type" => Some("billable".to_string()),
            _ => None,
        };
        let f = CallFilter::from_query(get).unwrap();
        assert_eq!(f.direction, None);
        assert_eq!(f.phone.as_deref(), Some("1415555"));
        assert_eq!(f.kind.billable(), Some(true));
        assert_eq!(f.period, Period::Last30);
        assert!(Period::parse(Some("custom"), Some("2026-11-05"), Some("2026-11-01")).is_err());
        assert!(Period::parse(Some("custom"), None, Some("2026-11-01")).is_err());
    }

    #[test]
    fn periods_cover_whole_local_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(Period::Today.days(today), (today, today));
        assert_eq!(Period::Last7.days(today), (d(11, 17), today));
        assert_eq!(Period::Last30.days(today), (d(10, 25), today));
        assert_eq!(Period::ThisMonth.days(today), (d(11, 1), today));
    }

    #[test]
    fn query_values_round_trip() {
        let v = "a+b@x.com & 50% = ünïcode";
        let q = format!("x=1&actor={}&y=2", query_escape(v));
        assert_eq!(query_value(&q, "actor").as_deref(), Some(v));
        assert_eq!(query_value("period=30d", "period").as_deref(), Some("30d"));
        assert_eq!(query_value("period=30d", "sort"), None);
        assert_eq!(query_value("a=100%", "a").as_deref(), Some("100%"));
    }

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_763_000_000_123_456).unwrap();
        let id = Uuid::from_u128(42);
        assert_eq!(parse_cursor(&cursor(at, id)), Some((at, id)));
        assert_eq!(parse_cursor("garbage"), None);
    }

    #[test]
    fn transcripts_become_turns() {
        let structured = serde_json::json!([
            {"role": "agent", "content": "Hello, Mesa Dental."},
            {"role": "user", "content": "Hi, I need a cleaning."}
        ]);
        let t = turns(Some(&structured), None);
        assert_eq!(t.len(), 2);
        assert!(t[0].agent && !t[1].agent);
        let t = turns(None, Some("Agent: Hello\nUser: Hi there\nstill me\n"));
        assert_eq!(t[1].text, "Hi there still me");
        assert_eq!(ended_because("dial_no_answer"), "Nobody answered");
        assert_eq!(ended_because("new_reason_x"), "New reason x");
    }
}
