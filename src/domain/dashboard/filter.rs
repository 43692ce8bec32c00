//! Which calls: the filter a dashboard, a calls page or an export covers,
//! and its form in the page's URL (so every view can be bookmarked and works
//! without JavaScript). The query string is read and written with
//! `form_urlencoded`, the URL standard's own encoding.

use chrono::NaiveDate;
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
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(q.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        CallFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    /// The query string that reproduces this filter (without `?`).
    pub fn to_query(&self) -> String {
        let (from, to) = match self.period {
            Period::Custom { from, to } => (Some(from.to_string()), Some(to.to_string())),
            _ => (None, None),
        };
        let agent = self.agent.map(|a| a.to_string());
        let kind = (self.kind != CallKind::All).then(|| self.kind.key());
        let pairs = [
            ("period", Some(self.period.key())),
            ("from", from.as_deref()),
            ("to", to.as_deref()),
            ("agent", agent.as_deref()),
            ("type", kind),
            ("direction", self.direction.as_deref()),
            ("status", self.status.as_deref()),
            ("sentiment", self.sentiment.as_deref()),
            ("phone", self.phone.as_deref()),
        ];
        query_string(pairs.into_iter().filter_map(|(k, v)| Some((k, v?))))
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

/// One value of a query string (`a=1&b=x+y`), decoded.
pub fn query_value(q: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(q.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A query string of these pairs, each value escaped.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let q = format!("x=1&{}&y=2", query_string([("actor", v)]));
        assert_eq!(query_value(&q, "actor").as_deref(), Some(v));
        assert_eq!(query_value("period=30d", "period").as_deref(), Some("30d"));
        assert_eq!(query_value("period=30d", "sort"), None);
        assert_eq!(query_value("a=100%", "a").as_deref(), Some("100%"));
    }
}
