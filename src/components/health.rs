//! The console's usage heatmap and system-health tables.

use crate::api::console::{load_health, load_usage};
use crate::components::dashboard::live::use_live;
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::dashboard::thousands;
use crate::domain::health::{AgentHealth, Health, Heatmap, WEEKDAYS};
use crate::domain::{CallFilter, Period};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// How long before `now` (the server's reading time) `t` was.
fn ago(now: chrono::DateTime<chrono::Utc>, t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match t {
        None => "never".into(),
        Some(t) => {
            let s = (now - t).num_seconds().max(0);
            match s {
                0..=59 => format!("{s}s ago"),
                60..=3599 => format!("{}m ago", s / 60),
                3600..=86399 => format!("{}h ago", s / 3600),
                _ => format!("{}d ago", s / 86400),
            }
        }
    }
}

/// `/usage`: calls by weekday × hour, peak hours, the daily trend.
#[component]
pub fn UsageView() -> impl IntoView {
    let params = use_query_map();
    let query = Signal::derive(move || {
        params.with(|q| {
            CallFilter::from_query(|k| q.get(k))
                .unwrap_or_default()
                .to_query()
        })
    });
    let tz = Signal::derive(move || {
        params
            .with(|q| q.get("tz"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "America/Phoenix".into())
    });
    let org = Signal::derive(move || {
        params
            .with(|q| q.get("org"))
            .and_then(|o| Uuid::parse_str(&o).ok())
    });
    let live = use_live();
    let usage = Resource::new(
        move || (query.get(), tz.get(), org.get(), live.get()),
        |(q, tz, org, _)| load_usage(q, tz, org),
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match usage.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(h) => view! { <UsageFilters h=h.clone() period=CallFilter::from_query_string(&query.get_untracked()).unwrap_or_default().period/><HeatmapTable h/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UsageFilters(h: Heatmap, period: Period) -> impl IntoView {
    let chosen = period.key();
    let org = h.org.map(|o| o.to_string());
    view! {
        <Form method="GET" action="/usage">
            <div class="filters">
                <div class="field">
                    <label for="u-period">"Period"</label>
                    <select id="u-period" name="period">
                        {Period::CHOICES.iter().filter(|(k, _)| *k != "custom")
                            .map(|(k, l)| view! { <option value=*k selected=*k == chosen>{*l}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="u-org">"Organization"</label>
                    <select id="u-org" name="org">
                        <option value="" selected=org.is_none()>"All organizations"</option>
                        {h.orgs.iter().map(|(id, name)| {
                            let id = id.to_string();
                            let selected = org.as_deref() == Some(id.as_str());
                            view! { <option value=id selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="u-tz">"Timezone"</label>
                    <input id="u-tz" name="tz" value=h.timezone.clone() placeholder="America/Phoenix"/>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button button-primary">"Show"</button>
                </div>
            </div>
        </Form>
    }
}

#[component]
fn HeatmapTable(h: Heatmap) -> impl IntoView {
    let most = h.most().max(1) as f64;
    let total: i64 = h.trend.iter().sum();
    let peaks = h
        .peaks
        .iter()
        .map(|(d, hr, n)| format!("{} {:02}:00 ({} calls)", WEEKDAYS[*d], hr, thousands(*n)))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="heat-title">
            <div class="card-head">
                <h2 id="heat-title">"Calls by weekday and hour"</h2>
                <p class="muted small">{format!("{} · {} · {} calls", h.range_label, h.timezone, thousands(total))}</p>
            </div>
            <div class="trend" data-trend="">
                <h3>"Calls per day"</h3>
                <crate::components::console::Sparkline values=h.trend.clone() wide=true/>
            </div>
            <p data-peaks="">
                <strong>"Peak hours: "</strong>
                {if peaks.is_empty() { "no calls in this period".to_string() } else { peaks.join(" · ") }}
            </p>
            <div class="table-wrap table-flat">
                <table class="heatmap">
                    <thead>
                        <tr>
                            <th scope="col"><span class="sr-only">"Weekday"</span></th>
                            {(0..24).map(|hr| view! { <th scope="col">{format!("{hr:02}")}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {h.cells.iter().enumerate().map(|(d, row)| view! {
                            <tr>
                                <th scope="row">{WEEKDAYS[d]}</th>
                                {row.iter().enumerate().map(|(hr, n)| {
                                    let style = format!("--heat:{:.3}", *n as f64 / most);
                                    let title = format!("{} {:02}:00–{:02}:59: {} calls", WEEKDAYS[d], hr, hr, thousands(*n));
                                    view! { <td style=style title=title.clone() aria-label=title>{(*n > 0).then(|| thousands(*n))}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// `/system`: problems first.
#[component]
pub fn HealthView() -> impl IntoView {
    let live = use_live();
    let health = Resource::new(move || live.get(), |_| load_health());
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match health.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(h) => view! { <HealthTables h/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn agent_state(a: &AgentHealth) -> (String, &'static str) {
    if a.silent {
        ("Silent for over a day".into(), "warn")
    } else {
        (a.status.label().into(), a.status.tone())
    }
}

#[component]
fn HealthTables(h: Health) -> impl IntoView {
    let now = h.as_of;
    let problems = h.agents.iter().filter(|a| a.urgency() < 3).count();
    view! {
        <section class="cards" aria-label="Status">
            <article class="card stat" data-stat="problems">
                <h2>"Agents needing attention"</h2>
                <p class="stat-value">{problems}</p>
                <p class="muted small">{format!("of {} agents", h.agents.len())}</p>
            </article>
            <article class="card stat" data-stat="database">
                <h2>"Database"</h2>
                <p class="stat-value">{format!("{} ms", h.database_ms)}</p>
                <p class="muted small">"Round trip just now"</p>
            </article>
            <article class="card stat" data-stat="server">
                <h2>"This server"</h2>
                <p class="stat-value">{format!("v{}", h.server_version)}</p>
                <p class="muted small">{format!("up since {}", super::status::when(Some(h.server_up_since)))}</p>
            </article>
        </section>
        <section class="card" aria-labelledby="agents-health">
            <h2 id="agents-health">"Webhooks by agent"</h2>
            {if h.agents.is_empty() {
                view! { <Empty title="No agents yet" hint="Register agents on an organization's page."/> }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Organization"</th>
                                    <th scope="col">"Agent"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Last webhook"</th>
                                    <th scope="col" class="num">"Accepted 1h / 24h"</th>
                                    <th scope="col" class="num">"Rejected 1h / 24h"</th>
                                    <th scope="col" class="num">"Failed 1h / 24h"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {h.agents.into_iter().map(|a| {
                                    let (label, tone) = agent_state(&a);
                                    let (rejected, failed) = (a.rejected_day > 0, a.failed_day > 0);
                                    view! {
                                        <tr data-agent=a.agent_id.to_string()>
                                            <td><a href=format!("/orgs/{}", a.org_id)>{a.org_name.clone()}</a></td>
                                            <td>{a.agent_name.clone()}</td>
                                            <td><Badge text=label tone=tone/>{a.status_message.clone().map(|m| view! { <div class="small muted">{m}</div> })}</td>
                                            <td>{ago(now, a.last_webhook_at)}</td>
                                            <td class="num">{format!("{} / {}", a.accepted_hour, a.accepted_day)}</td>
                                            <td class="num" class:text-bad=rejected>{format!("{} / {}", a.rejected_hour, a.rejected_day)}</td>
                                            <td class="num" class:text-bad=failed>{format!("{} / {}", a.failed_hour, a.failed_day)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="reach">
            <h2 id="reach">"Voice platform reachability"</h2>
            <p class="hint">"The last “Test connection” of each organization's API key."</p>
            <div class="table-wrap table-flat">
                <table class="table">
                    <thead><tr><th scope="col">"Organization"</th><th scope="col">"Result"</th><th scope="col">"Tested"</th></tr></thead>
                    <tbody>
                        {h.reachability.into_iter().map(|r| {
                            let (label, tone) = match (r.has_key, r.ok) {
                                (false, _) => ("No API key".to_string(), "warn"),
                                (true, None) => ("Never tested".to_string(), "neutral"),
                                (true, Some(true)) => ("Reachable".to_string(), "good"),
                                (true, Some(false)) => (r.message.clone().unwrap_or_else(|| "Failed".into()), "bad"),
                            };
                            view! {
                                <tr>
                                    <td><a href=format!("/orgs/{}", r.org_id)>{r.org_name}</a></td>
                                    <td><Badge text=label tone=tone/></td>
                                    <td>{ago(now, r.checked_at)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
