//! A call report PDF for a dashboard filter: the figures, the chart of
//! calls over time, then the first calls (newest first).

use super::{Align, Layout, Look, Op, Rgb, MARGIN, PAGE_W};
use crate::domain::dashboard::money;
use crate::domain::{Bucket, CallLine, Dashboard};

const RIGHT: f32 = PAGE_W - MARGIN;

pub fn render(
    look: &Look,
    d: &Dashboard,
    calls: &[CallLine],
) -> Result<Vec<u8>, crate::error::AppError> {
    let mut l = Layout::new(format!("{}  ·  {}", look.name, look.address));
    look.band(&mut l);
    l.text(MARGIN, 20.0, true, Rgb::TEXT, Align::Left, "Call report");
    l.y += 18.0;
    l.text(
        MARGIN,
        10.0,
        false,
        Rgb::MUTED,
        Align::Left,
        &format!("{} · {} ({})", look.name, d.range_label, d.timezone),
    );

    let t = &d.totals;
    l.y += 34.0;
    let figures = [
        ("Cost", money(t.charge_cents)),
        ("Calls", t.calls.to_string()),
        ("Billable calls", t.billable_calls.to_string()),
        ("Billed minutes", t.billable_minutes.to_string()),
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

    // The chart: calls per bucket as bars.
    l.y += 44.0;
    l.text(
        MARGIN,
        12.0,
        true,
        Rgb::TEXT,
        Align::Left,
        "Calls over time",
    );
    l.y += 12.0;
    let (top, height, width) = (l.y, 120.0, RIGHT - MARGIN);
    l.rect(MARGIN, top + height, width, 0.6, Rgb::LINE);
    let points = &d.series;
    let most = points.iter().map(|p| p.calls).max().unwrap_or(0).max(1) as f32;
    if !points.is_empty() {
        let step = width / points.len() as f32;
        for (i, p) in points.iter().enumerate() {
            let h = height * p.calls as f32 / most;
            if h > 0.0 {
                l.rect(
                    MARGIN + i as f32 * step + step * 0.15,
                    top + height - h,
                    step * 0.7,
                    h,
                    look.primary,
                );
            }
        }
    }
    l.y = top + height + 14.0;
    l.text(
        MARGIN,
        8.0,
        false,
        Rgb::MUTED,
        Align::Left,
        &format!(
            "Most in one {}: {}",
            if d.bucket == Bucket::Hour {
                "hour"
            } else {
                "day"
            },
            most as i64
        ),
    );

    // The first calls.
    l.y += 28.0;
    l.text(MARGIN, 12.0, true, Rgb::TEXT, Align::Left, "Calls");
    l.y += 18.0;
    let columns = |y: f32| -> Vec<Op> {
        [
            (MARGIN, Align::Left, "When"),
            (MARGIN + 110.0, Align::Left, "Caller"),
            (MARGIN + 220.0, Align::Left, "Agent"),
            (RIGHT - 80.0, Align::Right, "Minutes"),
            (RIGHT, Align::Right, "Cost"),
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
    l.set_running(columns(MARGIN));
    for c in calls {
        l.need(12.0);
        let y = l.y;
        for (x, align, text) in [
            (MARGIN, Align::Left, c.when.clone()),
            (
                MARGIN + 110.0,
                Align::Left,
                c.party.clone().unwrap_or_default(),
            ),
            (
                MARGIN + 220.0,
                Align::Left,
                c.agent
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(40)
                    .collect(),
            ),
            (RIGHT - 80.0, Align::Right, c.billed_minutes.to_string()),
            (
                RIGHT,
                Align::Right,
                if c.is_billable {
                    money(c.charge_cents)
                } else {
                    "Free".into()
                },
            ),
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
    if calls.is_empty() {
        l.text(
            MARGIN,
            9.0,
            false,
            Rgb::MUTED,
            Align::Left,
            "No calls match this report.",
        );
    }
    l.render(&format!("{} call report", look.name))
}
