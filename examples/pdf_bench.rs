//! How long a statement PDF for a 10,000-call month takes to lay out and
//! draw (issue 22 asks for under 2 s on this machine). In memory, no
//! database: the document as `GET /statements/{month}/statement.pdf` makes
//! it. Prints each of `RUNS` (default 3) runs and the median.
//!
//!     cargo run --example pdf_bench [--release]

use callboard::db::statements::Item;
use callboard::domain::statements::{Statement, StatementLine, StatementSummary};
use callboard::pdf::{Look, Rgb};
use chrono::{Duration, NaiveDate, TimeZone, Utc};

fn main() {
    let calls: i64 = std::env::var("CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 7, 0, 0).unwrap();
    let items: Vec<Item> = (0..calls)
        .map(|i| Item {
            occurred_at: start + Duration::seconds(i * 250),
            from_number: Some(format!("+1555555{:04}", i % 10_000)),
            agent_name: if i % 3 == 0 {
                "Front desk"
            } else {
                "Night line"
            }
            .into(),
            billable: i % 20 != 0,
            billed_minutes: 1 + i % 7,
            amount_cents: if i % 20 != 0 { (1 + i % 7) * 40 } else { 0 },
        })
        .collect();
    let total: i64 = items.iter().map(|i| i.amount_cents).sum();
    let statement = Statement {
        summary: StatementSummary {
            id: uuid::Uuid::nil(),
            month: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            timezone: "America/Phoenix".into(),
            period_start: start,
            period_end: start + Duration::days(30),
            billable_calls: calls - calls / 20,
            test_calls: calls / 20,
            billed_minutes: items
                .iter()
                .filter(|i| i.billable)
                .map(|i| i.billed_minutes)
                .sum(),
            usage_cents: total,
            adjustment_cents: 0,
            total_cents: total,
            closed_at: start + Duration::days(30),
            invoice: None,
        },
        lines: vec![StatementLine {
            kind: "usage".into(),
            agent: Some("Front desk".into()),
            rate_cents: Some(40.0),
            calls,
            minutes: 0,
            amount_cents: total,
            call_id: None,
            description: "Front desk: calls at $0.40/min".into(),
        }],
    };
    let look = Look {
        name: "Mesa Shuttle 北京快运".into(),
        primary: Rgb(0x1d, 0x4e, 0xd8),
        logo: None,
        address: "https://mesa-shuttle.example.com".into(),
    };
    let mut times = Vec::new();
    for run in 1..=runs {
        let t = std::time::Instant::now();
        let bytes = callboard::pdf::statement::render(&look, &statement, &items).expect("a PDF");
        let took = t.elapsed();
        println!(
            "run {run}: {calls} calls, {} KB, {:.0} ms",
            bytes.len() / 1024,
            took.as_secs_f64() * 1000.0
        );
        times.push(took);
    }
    times.sort();
    println!(
        "median: {:.0} ms",
        times[times.len() / 2].as_secs_f64() * 1000.0
    );
}
