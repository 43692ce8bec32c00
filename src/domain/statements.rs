//! Monthly statements as the pages, the CSV and the CLI show them.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementSummary {
    pub id: Uuid,
    /// The month's first day (in `timezone`).
    pub month: NaiveDate,
    pub timezone: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub billable_calls: i64,
    pub test_calls: i64,
    pub billed_minutes: i64,
    pub usage_cents: i64,
    pub adjustment_cents: i64,
    pub total_cents: i64,
    pub closed_at: DateTime<Utc>,
    /// Where its Stripe invoice stands (`None`: not invoiced).
    pub invoice: Option<String>,
}

/// An invoice's state in words.
pub fn invoice_label(status: Option<&str>) -> &'static str {
    match status {
        None => "Not invoiced",
        Some("pending") => "Being invoiced",
        Some("open") => "Invoiced, unpaid",
        Some("paid") => "Paid",
        Some("failed") => "Payment failed",
        Some(_) => "Void",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementLine {
    /// `usage`, `test` or `adjustment`.
    pub kind: String,
    pub agent: Option<String>,
    /// Cents per minute (usage lines).
    pub rate_cents: Option<f64>,
    pub calls: i64,
    pub minutes: i64,
    pub amount_cents: i64,
    /// The call an adjustment is about.
    pub call_id: Option<Uuid>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub summary: StatementSummary,
    pub lines: Vec<StatementLine>,
}

/// The Statements page: the closed months and the current one so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementsPage {
    pub statements: Vec<StatementSummary>,
    /// This month until now, in the organization's timezone.
    pub so_far: SoFar,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoFar {
    pub month: NaiveDate,
    pub billable_calls: i64,
    pub billed_minutes: i64,
    pub cents: i64,
}

/// The console's revenue per month: every organization's statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformMonth {
    pub month: NaiveDate,
    pub organizations: i64,
    pub billable_calls: i64,
    pub billed_minutes: i64,
    pub total_cents: i64,
}

/// One organization's statement in the console's month view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgStatement {
    pub org_id: Uuid,
    pub org_name: String,
    pub month: NaiveDate,
    pub invoice: Option<String>,
    pub billable_calls: i64,
    pub billed_minutes: i64,
    pub total_cents: i64,
    pub closed_at: DateTime<Utc>,
}

/// The console's Billing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformBilling {
    pub months: Vec<PlatformMonth>,
    /// The month shown in detail (the newest, or the one asked for).
    pub month: Option<NaiveDate>,
    pub statements: Vec<OrgStatement>,
    /// Invoices sent and not paid (or whose payment failed), any month.
    pub unpaid: Vec<OrgStatement>,
    /// Organizations to close a month for: (id, name).
    pub organizations: Vec<(Uuid, String)>,
}

/// "November 2026".
pub fn month_label(month: NaiveDate) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", NAMES[month.month0() as usize], month.year())
}

/// "2026-11", the month's address.
pub fn month_key(month: NaiveDate) -> String {
    format!("{:04}-{:02}", month.year(), month.month())
}

/// A month's first day from "2026-11".
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// Cents as dollars, as the dashboard writes them.
pub use super::dashboard::money;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_money_read_as_people_write_them() {
        let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(month_label(nov), "November 2026");
        assert_eq!(month_key(nov), "2026-11");
        assert_eq!(parse_month("2026-11"), Some(nov));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-11"), None);
        assert_eq!(money(123456), "$1,234.56");
        assert_eq!(money(-120), "-$1.20");
        assert_eq!(money(5), "$0.05");
    }
}
