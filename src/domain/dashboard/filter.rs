//! Which calls: the filter a dashboard, a calls page or an export covers,
//! and its form in the page's URL (so every view can be bookmarked and works
//! without JavaScript). [`FilterParams`] is that form, field by field; a
//! [`CallFilter`] is read from it (checked) and written to it, in the URL
//! (with `form_urlencoded`, the URL standard's own encoding) and on the wire
//! to server functions alike (serde), so a server function takes the typed
//! filter and can never receive one that does not check out.

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

/// A filter as the URL writes it: each parameter as given, by its URL name.
/// Serde reads and writes a [`CallFilter`] through this form, so a server
/// function's `filter` argument arrives as `filter[period]=custom&filter[from]=…`
/// and is checked on the way in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl FilterParams {
    /// From any source of URL parameters (the router's query map, axum's).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> FilterParams {
        FilterParams {
            period: get("period"),
            from: get("from"),
            to: get("to"),
            agent: get("agent"),
            kind: get("type"),
            direction: get("direction"),
            status: get("status"),
            sentiment: get("sentiment"),
            phone: get("phone"),
        }
    }

    /// The parameters that are set, by URL name, in a fixed order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("agent", &self.agent),
            ("type", &self.kind),
            ("direction", &self.direction),
            ("status", &self.status),
            ("sentiment", &self.sentiment),
            ("phone", &self.phone),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_deref()?)))
    }
}

/// Which calls a dashboard, a calls page or an export covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(try_from = "FilterParams", into = "FilterParams")]
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
        CallFilter::try_from(FilterParams::from_query(get))
    }

    /// The query string that reproduces this filter (without `?`).
    pub fn to_query(&self) -> String {
        query_string(FilterParams::from(self.clone()).pairs())
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

impl TryFrom<FilterParams> for CallFilter {
    type Error = String;

    fn try_from(p: FilterParams) -> Result<CallFilter, String> {
        let period = Period::parse(p.period.as_deref(), p.from.as_deref(), p.to.as_deref())?;
        let phone = p
            .phone
            .map(|p| p.chars().filter(|c| c.is_ascii_digit()).collect::<String>())
            .filter(|p| !p.is_empty());
        Ok(CallFilter {
            period,
            agent: p.agent.and_then(|a| Uuid::parse_str(a.trim()).ok()),
            kind: CallKind::parse(p.kind.as_deref()),
            direction: pick(p.direction.as_deref(), &DIRECTIONS),
            status: pick(p.status.as_deref(), &STATUSES),
            sentiment: pick(p.sentiment.as_deref(), &SENTIMENTS),
            phone,
        })
    }
}

impl From<CallFilter> for FilterParams {
    fn from(f: CallFilter) -> FilterParams {
        let (from, to) = match f.period {
            Period::Custom { from, to } => (Some(from.to_string()), Some(to.to_string())),
            _ => (None, None),
        };
        FilterParams {
            period: Some(f.period.key().to_string()),
            from,
            to,
            agent: f.agent.map(|a| a.to_string()),
            kind: (f.kind != CallKind::All).then(|| f.kind.key().to_string()),
            direction: f.direction,
            status: f.status,
            sentiment: f.sentiment,
            phone: f.phone,
        }
    }
}

/// A query string of these pairs, each value escaped.
pub fn query_string<'a, 'b>(pairs: impl IntoIterator<Item = (&'a str, &'b str)>) -> String {
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
    fn query_strings_escape_their_values() {
        let v = "a+b@x.com & 50% = ünïcode";
        let q = query_string([("actor", v), ("x", "1")]);
        let back: Vec<(String, String)> =
            form_urlencoded::parse(q.as_bytes()).into_owned().collect();
        assert_eq!(
            back,
            vec![("actor".into(), v.into()), ("x".into(), "1".into())]
        );
    }

    #[test]
    fn a_filter_on_the_wire_is_checked_on_the_way_in() {
        let f = CallFilter {
            period: Period::Custom {
                from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            },
            kind: CallKind::Billable,
            ..CallFilter::default()
        };
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"period": "custom", "from": "2026-11-01", "to": "2026-11-02", "type": "billable"})
        );
        assert_eq!(serde_json::from_value::<CallFilter>(json).unwrap(), f);
        let backwards =
            serde_json::json!({"period": "custom", "from": "2026-11-05", "to": "2026-11-01"});
        let err = serde_json::from_value::<CallFilter>(backwards).unwrap_err();
        assert!(err.to_string().contains("end date"), "{err}");
        // Nothing given is the default filter, as an empty URL is.
        let empty: CallFilter = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty, CallFilter::default());
    }
}
