//! Calls and minutes over time as a server-rendered SVG: bars for calls, a
//! line for minutes, each bar with a tooltip. It scales to its box, so it
//! reads the same on a phone and a wide screen.

use crate::domain::dashboard::thousands;
use crate::domain::{Bucket, Point};
use leptos::prelude::*;

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
/// Room for the minutes axis on the right.
const RIGHT: f64 = 40.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;

/// A round axis maximum at or above `n` (1, 2, 5 × 10^k).
fn nice(n: i64) -> i64 {
    let n = n.max(1);
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= n {
                return m * step;
            }
        }
        step *= 10;
    }
}

#[component]
pub fn UsageChart(points: Vec<Point>, bucket: Bucket) -> impl IntoView {
    let n = points.len().max(1) as f64;
    let top_calls = nice(points.iter().map(|p| p.calls).max().unwrap_or(0));
    let top_minutes = nice(points.iter().map(|p| p.minutes).max().unwrap_or(0));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / n;
    let bar = (slot * 0.7).max(1.0);
    let y = |v: i64, top: i64| TOP + plot_h - (v as f64 / top as f64) * plot_h;
    // Label every k-th bar so labels never overlap.
    let every = ((n / 12.0).ceil() as usize).max(1);
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{:.1},{:.1}",
                LEFT + slot * (i as f64 + 0.5),
                y(p.minutes, top_minutes)
            )
        })
        .collect();
    let title = match bucket {
        Bucket::Hour => "Calls and minutes by hour",
        Bucket::Day => "Calls and minutes by day",
    };
    let total: i64 = points.iter().map(|p| p.calls).sum();
    view! {
        <section class="card chart-card" aria-labelledby="chart-title">
            <div class="card-head">
                <h2 id="chart-title">{title}</h2>
                <p class="legend small">
                    <span class="dot dot-calls"></span>"Calls (left axis)"
                    <span class="dot dot-minutes"></span>"Minutes (right axis)"
                </p>
            </div>
            <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img"
                aria-label=format!("{title}: {} calls in the period", thousands(total))>
                {[0, 1, 2, 3, 4]
                    .into_iter()
                    .map(|k| {
                        let v = top_calls * k / 4;
                        let yy = y(v, top_calls);
                        view! {
                            <line class="grid" x1=LEFT x2=W - RIGHT y1=yy y2=yy></line>
                            <text class="axis" x=LEFT - 6.0 y=yy + 4.0 text-anchor="end">{thousands(v)}</text>
                            <text class="axis axis-right" x=W - RIGHT + 6.0 y=yy + 4.0 text-anchor="start">
                                {thousands(top_minutes * k / 4)}
                            </text>
                        }
                    })
                    .collect_view()}
                {points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
                        let top = y(p.calls, top_calls);
                        let label = (i % every == 0).then(|| view! {
                            <text class="axis" x=LEFT + slot * (i as f64 + 0.5) y=H - 8.0 text-anchor="middle">
                                {p.label.clone()}
                            </text>
                        });
                        view! {
                            <g class="bar">
                                <rect x=x y=top width=bar height=(TOP + plot_h - top).max(0.0) rx="2">
                                    <title>{format!("{}: {} calls, {} minutes", p.label, thousands(p.calls), thousands(p.minutes))}</title>
                                </rect>
                            </g>
                            {label}
                        }
                    })
                    .collect_view()}
                <polyline class="minutes" points=line.join(" ") fill="none"></polyline>
            </svg>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_tops_are_round() {
        assert_eq!(super::nice(0), 1);
        assert_eq!(super::nice(3), 5);
        assert_eq!(super::nice(7), 10);
        assert_eq!(super::nice(101), 200);
        assert_eq!(super::nice(2000), 2000);
    }
}
