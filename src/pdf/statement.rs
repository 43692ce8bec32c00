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
    let figures = [
        ("Total", money(sum.total_cents)),
        ("Billable calls", sum.billable_calls.to_string()),
        ("Billed minutes", sum.billed_minutes.to_string()),
        ("Test calls (free)", sum.test_calls.to_string()),
    ];
    for (i, (label, value)) in figures.iter().enumerate() {
        let x = MARGIN + i as f32 * 125.0;
        let y = l.y;
        l.push(Op::Text {
            x,
            y,
            size: if i == 0 { 18.0 } else { 14.0 },
            bold: true,
            color: if i == 0 { look.primary } else { Rgb::TEXT },
            align: Align::Left,
            text: value.clone(),
        });
        l.push(Op::Text {
            x,
            y: y + 14.0,
            size: 8.0,
            bold: false,
            color: Rgb::MUTED,
            align: Align::Left,
            text: label.to_string(),
        });
    }

    // The lines.
    l.y += 48.0;
    l.text(MARGIN, 12.0, true, Rgb::TEXT, Align::Left, "Summary");
    l.y += 18.0;
    let head = |l: &mut Layout| {
        let y = l.y;
        for (x, align, t) in [
            (MARGIN, Align::Left, "Item"),
            (RIGHT - 150.0, Align::Right, "Calls"),
            (RIGHT - 80.0, Align::Right, "Minutes"),
            (RIGHT, Align::Right, "Amount"),
        ] {
            l.push(Op::Text {
                x,
                y,
                size: 8.0,
                bold: true,
                color: Rgb::MUTED,
                align,
                text: t.to_string(),
            });
        }
        l.rect(MARGIN, y + 4.0, RIGHT - MARGIN, 0.6, Rgb::LINE);
        l.y += 16.0;
    };
    head(&mut l);
    for line in &s.lines {
        l.need(16.0);
        let amount = if line.kind == "test" {
            "Free".to_string()
        } else {
            money(line.amount_cents)
        };
        let desc: String = line.description.chars().take(80).collect();
        let y = l.y;
        l.push(Op::Text {
            x: MARGIN,
            y,
            size: 9.0,
            bold: false,
            color: Rgb::TEXT,
            align: Align::Left,
            text: desc,
        });
        l.push(Op::Text {
            x: RIGHT - 150.0,
            y,
            size: 9.0,
            bold: false,
            color: Rgb::TEXT,
            align: Align::Right,
            text: line.calls.to_string(),
        });
        l.push(Op::Text {
            x: RIGHT - 80.0,
            y,
            size: 9.0,
            bold: false,
            color: Rgb::TEXT,
            align: Align::Right,
            text: line.minutes.to_string(),
        });
        l.push(Op::Text {
            x: RIGHT,
            y,
            size: 9.0,
            bold: false,
            color: Rgb::TEXT,
            align: Align::Right,
            text: amount,
        });
        l.y += 15.0;
    }
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
        let columns = |y: f32| -> Vec<Op> {
            [
                (MARGIN, Align::Left, "When"),
                (MARGIN + 110.0, Align::Left, "From"),
                (MARGIN + 220.0, Align::Left, "Agent"),
                (RIGHT - 80.0, Align::Right, "Minutes"),
                (RIGHT, Align::Right, "Amount"),
            ]
            .into_iter()
            .map(|(x, align, t)| Op::Text {
                x,
                y,
                size: 8.0,
                bold: true,
                color: Rgb::MUTED,
                align,
                text: t.to_string(),
            })
            .collect()
        };
        for op in columns(l.y) {
            l.push(op);
        }
        l.y += 14.0;
        l.set_running(columns(super::MARGIN));
        for it in items {
            l.need(12.0);
            let y = l.y;
            let when = clock.when_exact(it.occurred_at);
            let amount = if it.billable {
                money(it.amount_cents)
            } else {
                "Free".into()
            };
            let agent: String = it.agent_name.chars().take(40).collect();
            for (x, align, text) in [
                (MARGIN, Align::Left, when),
                (
                    MARGIN + 110.0,
                    Align::Left,
                    it.from_number.clone().unwrap_or_default(),
                ),
                (MARGIN + 220.0, Align::Left, agent),
                (RIGHT - 80.0, Align::Right, it.billed_minutes.to_string()),
                (RIGHT, Align::Right, amount),
            ] {
                l.push(Op::Text {
                    x,
                    y,
                    size: 8.0,
                    bold: false,
                    color: Rgb::TEXT,
                    align,
                    text,
                });
            }
            l.y += 12.0;
        }
    }
    l.render(&format!(
        "{} statement, {}",
        look.name,
        month_label(sum.month)
    ))
}
