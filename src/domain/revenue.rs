//! What the platform console shows about money across organizations:
//! revenue (what clients are charged), COGS (what their calls cost the
//! platform), margin, and each organization's per-minute rates.
//! Amounts are integer cents; rates are hundredths of a cent per minute.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Money and volume for one organization (or all) over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub calls: i64,
    pub billable_minutes: i64,
    pub revenue_cents: i64,
    pub cogs_cents: i64,
    /// Calls whose cost the voice platform reported; the rest are
    /// estimated at the organization's COGS rate.
    pub reported_cost_calls: i64,
    pub successful: i64,
    pub evaluated: i64,
    pub duration_ms: i64,
    pub timed_calls: i64,
}

impl Figures {
    pub fn margin_cents(&self) -> i64 {
        self.revenue_cents - self.cogs_cents
    }

    /// Margin as a percentage of revenue, to one decimal.
    pub fn margin_percent(&self) -> Option<f64> {
        (self.revenue_cents > 0)
            .then(|| (self.margin_cents() * 1000 / self.revenue_cents) as f64 / 10.0)
    }

    pub fn success_rate(&self) -> Option<f64> {
        (self.evaluated > 0).then(|| (self.successful * 1000 / self.evaluated) as f64 / 10.0)
    }

    pub fn average_duration_ms(&self) -> Option<i64> {
        (self.timed_calls > 0).then(|| self.duration_ms / self.timed_calls)
    }

    pub fn add(&mut self, o: &Figures) {
        self.calls += o.calls;
        self.billable_minutes += o.billable_minutes;
        self.revenue_cents += o.revenue_cents;
        self.cogs_cents += o.cogs_cents;
        self.reported_cost_calls += o.reported_cost_calls;
        self.successful += o.successful;
        self.evaluated += o.evaluated;
        self.duration_ms += o.duration_ms;
        self.timed_calls += o.timed_calls;
    }
}

/// One row of the organization comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFigures {
    pub org_id: Uuid,
    pub name: String,
    pub figures: Figures,
    pub last_call: Option<DateTime<Utc>>,
    /// Calls per day across the period, for the sparkline.
    pub trend: Vec<i64>,
}

/// The console's money overview for a period (whole UTC days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revenue {
    pub range_label: String,
    pub total: Figures,
    pub orgs: Vec<OrgFigures>,
}

/// Columns the comparison can be sorted by.
pub const SORTS: [(&str, &str); 8] = [
    ("revenue", "Revenue"),
    ("calls", "Calls"),
    ("minutes", "Minutes"),
    ("cogs", "Cost"),
    ("margin", "Margin"),
    ("success", "Success rate"),
    ("duration", "Average duration"),
    ("last", "Last call"),
];

/// Sorts rows by `key` (largest first), then by name.
pub fn sort_orgs(rows: &mut [OrgFigures], key: &str) {
    let value = |r: &OrgFigures| -> i64 {
        let f = &r.figures;
        match key {
            "calls" => f.calls,
            "minutes" => f.billable_minutes,
            "cogs" => f.cogs_cents,
            "margin" => f.margin_cents(),
            "success" => f.success_rate().map(|r| (r * 10.0) as i64).unwrap_or(-1),
            "duration" => f.average_duration_ms().unwrap_or(-1),
            "last" => r.last_call.map(|t| t.timestamp()).unwrap_or(i64::MIN),
            _ => f.revenue_cents,
        }
    };
    rows.sort_by(|a, b| value(b).cmp(&value(a)).then(a.name.cmp(&b.name)));
}

/// An organization's rates: current, and every change since it was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    pub billing: RateValue,
    pub cogs: RateValue,
    /// When the current rates took effect (`None`: the defaults, always).
    pub since: Option<DateTime<Utc>>,
    pub history: Vec<RateChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateChange {
    pub from: DateTime<Utc>,
    pub billing: RateValue,
    pub cogs: RateValue,
}

/// A per-minute rate in hundredths of a cent (`2000` = $0.20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateValue(pub i64);

impl RateValue {
    pub const DEFAULT_COGS: RateValue = RateValue(2000);
    pub const DEFAULT_BILLING: RateValue = RateValue(4000);

    /// Dollars per minute, as typed: "0.2", "$0.20", "0.1234" (at most four
    /// decimals, at most $100).
    pub fn parse_dollars(s: &str) -> Option<RateValue> {
        let s = s.trim().trim_start_matches('$').trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() && frac.is_empty()
            || frac.len() > 4
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let frac: i64 = format!("{frac:0<4}").parse().ok()?;
        let v = whole.checked_mul(10_000)?.checked_add(frac)?;
        (v <= 1_000_000).then_some(RateValue(v))
    }

    /// "$0.20" (two to four decimals).
    pub fn dollars(self) -> String {
        let (whole, frac) = (self.0 / 10_000, self.0 % 10_000);
        let frac = format!("{frac:04}");
        let trimmed = frac.trim_end_matches('0');
        let shown = if trimmed.len() <= 2 {
            &frac[..2]
        } else {
            trimmed
        };
        format!("${whole}.{shown}")
    }

    /// As cents for the database's `numeric(12, 4)` columns ("20.00").
    pub fn cents_text(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// The markup of `billing` over `cogs`, in percent to one decimal.
    pub fn markup(billing: RateValue, cogs: RateValue) -> Option<f64> {
        (cogs.0 > 0).then(|| ((billing.0 - cogs.0) * 1000 / cogs.0) as f64 / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_typed_in_dollars_and_kept_exactly() {
        assert_eq!(RateValue::parse_dollars("0.20"), Some(RateValue(2000)));
        assert_eq!(RateValue::parse_dollars("$0.2"), Some(RateValue(2000)));
        assert_eq!(RateValue::parse_dollars(".125"), Some(RateValue(1250)));
        assert_eq!(RateValue::parse_dollars("1"), Some(RateValue(10000)));
        assert_eq!(RateValue::parse_dollars("0.12345"), None);
        assert_eq!(RateValue::parse_dollars("-1"), None);
        assert_eq!(RateValue::parse_dollars("abc"), None);
        assert_eq!(RateValue::parse_dollars(""), None);
        assert_eq!(RateValue::parse_dollars("101"), None);
        assert_eq!(RateValue(2000).dollars(), "$0.20");
        assert_eq!(RateValue(1250).dollars(), "$0.125");
        assert_eq!(RateValue(1250).cents_text(), "12.50");
        assert_eq!(
            RateValue::markup(RateValue(4000), RateValue(2000)),
            Some(100.0)
        );
        assert_eq!(
            RateValue::markup(RateValue(2500), RateValue(2000)),
            Some(25.0)
        );
    }

    #[test]
    fn margins_and_sorting() {
        let f = Figures {
            revenue_cents: 4000,
            cogs_cents: 1500,
            ..Default::default()
        };
        assert_eq!(f.margin_cents(), 2500);
        assert_eq!(f.margin_percent(), Some(62.5));
        let row = |name: &str, revenue| OrgFigures {
            org_id: Uuid::nil(),
            name: name.into(),
            figures: Figures {
                revenue_cents: revenue,
                ..Default::default()
            },
            last_call: None,
            trend: vec![],
        };
        let mut rows = vec![row("b", 10), row("a", 10), row("c", 30)];
        sort_orgs(&mut rows, "revenue");
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["c", "a", "b"]);
    }
}
