//! A call report PDF for a dashboard filter: the figures, the chart of
//! calls over time, then the first calls (newest first).

use super::{Align, Layout, Look, Rgb, MARGIN, PAGE_W};
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
    l.figures(
        look.primary,
        &[
            ("Cost", money(t.charge_cents)),
            ("Calls", t.calls.to_string()),
            ("Billable calls", t.billable_calls.to_string()),
            ("Billed minutes", t.billable_minutes.to_string()),
        ],
    );

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
    let rows = calls.iter().map(|c| {
        vec![
            c.when.clone(),
            c.party.clone().unwrap_or_default(),
            c.agent
                .clone()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect(),
            c.billed_minutes.to_string(),
            if c.is_billable {
                money(c.charge_cents)
            } else {
                "Free".into()
            },
        ]
    });
    l.table(&super::call_columns("Caller", "Cost"), rows, 8.0);
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
