//! `/activity`: the activity log. On an organization's site its admins see
//! their organization's entries (writes by a super admin viewing as the
//! organization are labelled); on the platform domain super admins see
//! every organization's, or one's.

use crate::api::activity::{org_activity, platform_activity};
use crate::components::context::use_host;
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::activity::{ActivityEntry, ActivityFilter};
use crate::domain::{CallFilter, Period};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let platform = use_host().is_platform;
    let need = if platform {
        Need::SuperAdmin
    } else {
        Need::OrgAdmin
    };
    view! {
        <Frame>
            <Title text="Activity"/>
            <Gate need>
                <div class="page-head"><h1>"Activity"</h1></div>
                {(!platform).then(|| view! { <ToolCalls/> })}
                <ActivityView platform/>
            </Gate>
        </Frame>
    }
}

#[component]
fn ActivityView(platform: bool) -> impl IntoView {
    let params = use_query_map();
    let asked = Signal::derive(move || {
        params.with(|q| {
            let get = |k: &str| q.get(k);
            (
                CallFilter::from_query(get),
                ActivityFilter::from_query(get),
                get("org").and_then(|o| uuid::Uuid::parse_str(&o).ok()),
            )
        })
    });
    let entries = Resource::new(
        move || asked.get(),
        move |(filter, activity, org)| async move {
            // A broken period is explained here; the server never sees it.
            let filter = filter.map_err(|m| AppError::field("period", m))?;
            if platform {
                platform_activity(filter, activity, org).await
            } else {
                org_activity(filter, activity).await
            }
        },
    );
    // The form's starting values, read once (a new query renders the page
    // again): reading them tracked here, outside any reactive context, is
    // what Leptos warned about in the browser console.
    let get = move |k: &str| params.with_untracked(|q| q.get(k)).unwrap_or_default();
    let period = get("period");
    let chosen = if period.is_empty() {
        "30d".to_string()
    } else {
        period
    };
    view! {
        <Form method="GET" action="/activity">
            <div class="filters">
                <div class="field">
                    <label for="a-period">"Period"</label>
                    <select id="a-period" name="period">
                        {Period::CHOICES.iter().filter(|(k, _)| *k != "custom").map(|(k, l)| {
                            let selected = *k == chosen;
                            view! { <option value=*k selected=selected>{*l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="a-actor">"Who"</label>
                    <input id="a-actor" name="actor" value=get("actor") placeholder="name or email"/>
                </div>
                <div class="field">
                    <label for="a-action">"What"</label>
                    <input id="a-action" name="action" value=get("action") placeholder="e.g. settings, impersonation"/>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button button-primary">"Apply"</button>
                </div>
            </div>
        </Form>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <Empty title="Nothing in this period" hint="Sign-ins, changes and exports appear here as they happen."/>
                    }.into_any(),
                    Ok(list) => view! { <Entries list platform/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Entries(list: Vec<ActivityEntry>, platform: bool) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table activity">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        {platform.then(|| view! { <th scope="col">"Organization"</th> })}
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"On"</th>
                        <th scope="col">"From"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|e| view! {
                        <tr>
                            <td class="nowrap">{crate::components::status::clock().when_exact(e.at)}</td>
                            {platform.then(|| view! { <td>{e.org.clone().unwrap_or_else(|| "Platform".into())}</td> })}
                            <td>
                                {e.actor.clone()}
                                {e.impersonated.then(|| view! { " " <Badge text="super admin, viewing as the organization" tone="warn"/> })}
                            </td>
                            <td class="mono">{e.action.clone()}</td>
                            <td class="mono small">{e.target.clone().unwrap_or_default()}</td>
                            <td class="mono small">{e.ip.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The voice agent's reservation look-ups per day (counted, not logged one
/// by one): how often callers asked, and how often a reservation was found.
#[component]
fn ToolCalls() -> impl IntoView {
    let days = Resource::new(|| (), |_| crate::api::reservations::tool_call_days());
    view! {
        <section id="tool-calls" aria-labelledby="tool-calls-title">
            <h2 id="tool-calls-title">"Reservation look-ups by the voice agent"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match days.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <Empty title="No look-ups in the last 30 days" hint="Each time a caller asks about a reservation, the day's count goes up here."/>
                        }.into_any(),
                        Ok(list) => {
                            let most = list.iter().map(|d| d.calls).max().unwrap_or(1).max(1);
                            view! {
                                <div class="table-wrap">
                                    <table class="table" id="tool-call-days">
                                        <thead><tr>
                                            <th scope="col">"Day (UTC)"</th>
                                            <th scope="col">"Look-ups"</th>
                                            <th scope="col">"Found"</th>
                                            <th scope="col">"Not found"</th>
                                            <th scope="col">"Refused"</th>
                                            <th scope="col">"Mean time"</th>
                                        </tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|d| {
                                                let width = format!("width: {}%", i64::from(d.calls) * 100 / i64::from(most));
                                                view! {
                                                    <tr>
                                                        <td class="nowrap">{d.day.format("%b %-d, %Y").to_string()}</td>
                                                        <td class="num">
                                                            {d.calls}
                                                            <span class="share" aria-hidden="true"><span style=width></span></span>
                                                        </td>
                                                        <td class="num">{d.found}</td>
                                                        <td class="num">{d.not_found}</td>
                                                        <td class="num">{d.refused}</td>
                                                        <td class="num">{format!("{} ms", d.mean_ms)}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
