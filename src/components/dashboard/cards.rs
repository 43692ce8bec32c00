//! The figures at the top of the dashboard, and the breakdown by agent.

use crate::domain::dashboard::{duration, money, thousands};
use crate::domain::{AgentShare, Totals};
use leptos::prelude::*;

#[component]
fn Stat(
    #[prop(into)] title: String,
    #[prop(into)] value: String,
    #[prop(into)] note: String,
    #[prop(into)] id: String,
) -> impl IntoView {
    view! {
        <article class="card stat" data-stat=id>
            <h2>{title}</h2>
            <p class="stat-value">{value}</p>
            <p class="muted small">{note}</p>
        </article>
    }
}

#[component]
pub fn Cards(totals: Totals) -> impl IntoView {
    let t = totals;
    let success = t
        .success_rate()
        .map(|r| format!("{r:.1}%"))
        .unwrap_or_else(|| "—".into());
    let average = t
        .average_duration_ms()
        .map(duration)
        .unwrap_or_else(|| "—".into());
    let plural = |n: i64, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    view! {
        <section class="cards cards-primary" aria-label="Usage and cost">
            <Stat id="usage" title="Usage" value=plural(t.billable_minutes, "min", "mins")
                note="Billable minutes: billable calls only, each rounded up. What you pay for"/>
            <Stat id="cost" title="Cost" value=money(t.charge_cents)
                note="Billed minutes × your per-minute rate"/>
            <Stat id="calls" title="Total calls" value=thousands(t.calls)
                note=format!("{} billable · {} test", thousands(t.billable_calls), thousands(t.test_calls()))/>
        </section>
        <section class="cards cards-secondary" aria-label="Call quality">
            <Stat id="billable" title="Billable calls" value=thousands(t.billable_calls)
                note="Phone calls, unless marked as test"/>
            <Stat id="test" title="Test calls" value=thousands(t.test_calls())
                note="Web calls and calls marked as test"/>
            <Stat id="minutes" title="Minutes, test calls included" value=thousands(t.all_minutes)
                note="Every call, each rounded up; only billable minutes are charged"/>
            <Stat id="average" title="Average duration" value=average note="Per call with a known length"/>
            <Stat id="success" title="Success rate" value=success
                note=format!("{} of {} analysed calls", thousands(t.successful), thousands(t.evaluated))/>
            <Sentiment totals=t.clone()/>
        </section>
    }
}

/// The sentiment mix as one stacked bar with its numbers.
#[component]
fn Sentiment(totals: Totals) -> impl IntoView {
    let parts = [
        ("Positive", totals.positive, "good"),
        ("Neutral", totals.neutral, "neutral"),
        ("Negative", totals.negative, "bad"),
        ("Not rated", totals.other_sentiment(), "none"),
    ];
    let whole = totals.calls.max(1);
    let described = parts
        .iter()
        .map(|(l, n, _)| format!("{l}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <article class="card stat" data-stat="sentiment">
            <h2>"Caller sentiment"</h2>
            <div class="mix" role="img" aria-label=described>
                {parts
                    .iter()
                    .filter(|(_, n, _)| *n > 0)
                    .map(|(label, n, tone)| {
                        let style = format!("width:{:.2}%", *n as f64 * 100.0 / whole as f64);
                        view! { <span class=format!("mix-{tone}") style=style title=format!("{label}: {n}")></span> }
                    })
                    .collect_view()}
            </div>
            <ul class="mix-legend">
                {parts
                    .iter()
                    .map(|(label, n, tone)| view! {
                        <li><span class=format!("dot mix-{tone}")></span>{*label}" "<strong>{thousands(*n)}</strong></li>
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}

/// Calls, minutes and cost per agent, with a bar for the share of calls.
#[component]
pub fn AgentBreakdown(agents: Vec<AgentShare>) -> impl IntoView {
    let most = agents.iter().map(|a| a.calls).max().unwrap_or(1).max(1);
    view! {
        <section class="card" aria-labelledby="by-agent">
            <h2 id="by-agent">"By agent"</h2>
            {if agents.is_empty() {
                view! { <p class="muted">"No calls in this period."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Agent"</th>
                                <th scope="col" class="num">"Calls"</th>
                                <th scope="col" class="num">"Minutes"</th>
                                <th scope="col" class="num">"Cost"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {agents
                                .into_iter()
                                .map(|a| {
                                    let width = format!("width:{:.1}%", a.calls as f64 * 100.0 / most as f64);
                                    view! {
                                        <tr>
                                            <td>
                                                <div>{a.name}</div>
                                                <div class="share"><span style=width></span></div>
                                            </td>
                                            <td class="num">{thousands(a.calls)}</td>
                                            <td class="num">{thousands(a.minutes)}</td>
                                            <td class="num">{money(a.charge_cents)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
