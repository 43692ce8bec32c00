//! The console's system-status tables: agents' deliveries (problems first)
//! and API reachability.

use crate::api::system::load_health;
use crate::components::dashboard::live::use_live;
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::system::{AgentHealth, Health};
use leptos::prelude::*;

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
            <p class="hint">
                "The last \u{201c}Test connection\u{201d} of each organization's API key, and its calls to the "
                "voice platform's API today (UTC) with the last one that failed."
            </p>
            <div class="table-wrap table-flat">
                <table class="table">
                    <thead><tr>
                        <th scope="col">"Organization"</th><th scope="col">"Result"</th><th scope="col">"Tested"</th>
                        <th scope="col" class="num">"API calls today"</th><th scope="col">"Last API error"</th>
                    </tr></thead>
                    <tbody>
                        {h.reachability.into_iter().map(|r| {
                            let (label, tone) = match (r.has_key, r.ok) {
                                (false, _) if r.uses_shared_key => ("Agency's shared key".to_string(), "neutral"),
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
                                    <td class="num">{r.api_calls_today}</td>
                                    <td class="small">
                                        {match (r.api_last_error.clone(), r.api_last_error_at) {
                                            (Some(e), at) => format!("{e} ({})", ago(now, at)),
                                            _ => "\u{2014}".to_string(),
                                        }}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The e-mail outbox: what was sent, what waits, what fails and why. With
/// no SMTP server configured (development) the messages' text is shown, so
/// their links can be followed from here.
#[component]
pub fn Outbox() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::api::system::load_outbox());
    view! {
        <section class="card" id="outbox" aria-labelledby="outbox-title">
            <h2 id="outbox-title">"E-mail outbox"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok((configured, l)) => {
                            let note = (!configured).then(|| view! {
                                <p class="notice notice-info">"No SMTP server is configured (CALLBOARD_SMTP_URL): messages stay here and are not sent."</p>
                            });
                            let table = if l.is_empty() {
                                view! { <Empty title="No e-mail yet" hint="Invitations appear here as they are sent."/> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" id="outbox-table">
                                            <thead><tr>
                                                <th scope="col">"Written"</th>
                                                <th scope="col">"To"</th>
                                                <th scope="col">"Subject"</th>
                                                <th scope="col">"State"</th>
                                            </tr></thead>
                                            <tbody>
                                                {l.into_iter().map(|m| {
                                                    let (state, tone) = match (&m.sent_at, &m.last_error) {
                                                        (Some(_), _) => ("Sent".to_string(), "good"),
                                                        (None, Some(e)) => (format!("Failing after {} attempts: {e}", m.attempts), "bad"),
                                                        (None, None) => ("Waiting".to_string(), "info"),
                                                    };
                                                    view! {
                                                        <tr>
                                                            <td class="nowrap">{crate::components::status::clock().when(m.created_at)}</td>
                                                            <td>{m.to.clone()}<br/><span class="small muted">{m.org.clone().unwrap_or_default()}</span></td>
                                                            <td>
                                                                <details>
                                                                    <summary>{m.subject.clone()}</summary>
                                                                    <pre class="small">{m.text.clone()}</pre>
                                                                </details>
                                                            </td>
                                                            <td><Badge text=state tone/></td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            };
                            view! { {note} {table} }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
