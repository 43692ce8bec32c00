//! A monthly statement as a PDF: the organization's band, the month's
//! figures, the lines (per agent and rate, test calls, adjustments), the
//! totals, then every call of the month as it was billed.

use super::{Align, Layout, Look, Op, Rgb, MARGIN, PAGE_W};
use crate::db::statements::Item;
use crate::domain::statements::{money, month_label, Statement};
use crate::domain::Clock;

const RIGHT: f32 = PAGE_W - MARGIN;

pub fn render(
    look: &Look,
    s: &Statement,
    items: &[Item],
) -> Result<Vec<u8>, crate::error::AppError> {
    let sum = &s.summary;
    let clock = Clock::named(&sum.timezone, chrono::Utc::now());
    let mut l = Layout::new(format!("{}  ·  {}", look.name, look.address));
    look.band(&mut l);

    l.text(
        MARGIN,
        20.0,
        true,
        Rgb::TEXT,
        Align::Left,
        &format!("Statement for {}", month_label(sum.month)),
    );
    l.y += 18.0;
    l.text(MARGIN, 10.0, false, Rgb::MUTED, Align::Left, &look.name);
    l.y += 14.0;
    let last_day = sum.period_end - chrono::Duration::seconds(1);
    l.text(
        MARGIN,
        9.0,
        false,
        Rgb::MUTED,
        Align::Left,
        &format!(
            "{} to {} ({}). Closed {}.",
            clock.date(sum.period_start),
            clock.date(last_day),
            sum.timezone,
            clock.date(sum.closed_at)
        ),
    );

    // The figures.
    l.y += 34.0;
    l.figures(
        look.primary,
        &[
            ("Total", money(sum.total_cents)),
            ("Billable calls", sum.billable_calls.to_string()),
            ("Billed minutes", sum.billed_minutes.to_string()),
            ("Test calls (free)", sum.test_calls.to_string()),
        ],
    );

    // The lines.
    l.y += 48.0;
    l.text(MARGIN, 12.0, true, Rgb::TEXT, Align::Left, "Summary");
    l.y += 18.0;
    let lines = s.lines.iter().map(|line| {
        let amount = if line.kind == "test" {
            "Free".to_string()
        } else {
            money(line.amount_cents)
        };
        vec![
            line.description.chars().take(80).collect(),
            line.calls.to_string(),
            line.minutes.to_string(),
            amount,
        ]
    });
    l.table(
        &[
            (MARGIN, Align::Left, "Item"),
            (RIGHT - 150.0, Align::Right, "Calls"),
            (RIGHT - 80.0, Align::Right, "Minutes"),
            (RIGHT, Align::Right, "Amount"),
        ],
        lines,
        9.0,
    );
    if s.lines.is_empty() {
        l.text(
            MARGIN,
            9.0,
            false,
            Rgb::MUTED,
            Align::Left,
            "No calls this month.",
        );
        l.y += 15.0;
    }
    l.need(60.0);
    l.rect(RIGHT - 220.0, l.y - 8.0, 220.0, 0.6, Rgb::LINE);
    l.y += 6.0;
    for (label, cents, bold) in [
        ("Calls", sum.usage_cents, false),
        ("Adjustments", sum.adjustment_cents, false),
        ("Total", sum.total_cents, true),
    ] {
        if label == "Adjustments" && cents == 0 {
            continue;
        }
        let y = l.y;
        l.push(Op::Text {
            x: RIGHT - 90.0,
            y,
            size: 10.0,
            bold,
            color: Rgb::TEXT,
            align: Align::Right,
            text: label.to_string(),
        });
        l.push(Op::Text {
            x: RIGHT,
            y,
            size: 10.0,
            bold,
            color: Rgb::TEXT,
            align: Align::Right,
            text: money(cents),
        });
        l.y += 16.0;
    }

    // Every call, as billed.
    if !items.is_empty() {
        l.y += 20.0;
        l.need(60.0);
        l.text(MARGIN, 12.0, true, Rgb::TEXT, Align::Left, "Calls");
        l.y += 18.0;
        let rows = items.iter().map(|it| {
            let amount = if it.billable {
                money(it.amount_cents)
            } else {
                "Free".into()
            };
            vec![
                clock.when_exact(it.occurred_at),
                it.from_number.clone().unwrap_or_default(),
                it.agent_name.chars().take(40).collect(),
                it.billed_minutes.to_string(),
                amount,
            ]
        });
        l.table(&super::call_columns("From", "Amount"), rows, 8.0);
    }
    l.render(&format!(
        "{} statement, {}",
        look.name,
        month_label(sum.month)
    ))
}
