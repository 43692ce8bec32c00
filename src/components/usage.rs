//! The console's usage heatmap: calls by weekday and hour, peaks, trend.

use crate::api::usage::load_usage;
use crate::components::dashboard::filters::url_filter;
use crate::components::dashboard::live::use_live;
use crate::components::status::{clock, ErrorNotice, Loading};
use crate::domain::dashboard::thousands;
use crate::domain::usage::{Heatmap, WEEKDAYS};
use crate::domain::Period;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// `/usage`: calls by weekday × hour, peak hours, the daily trend.
#[component]
pub fn UsageView() -> impl IntoView {
    let params = use_query_map();
    let filter = url_filter();
    let default_zone = clock().zone;
    let tz = Signal::derive(move || {
        params
            .with(|q| q.get("tz"))
            .filter(|t| !t.is_empty())
            // The console reads times in the super admin's chosen zone.
            .unwrap_or_else(|| default_zone.clone())
    });
    let org = Signal::derive(move || {
        params
            .with(|q| q.get("org"))
            .and_then(|o| Uuid::parse_str(&o).ok())
    });
    let live = use_live();
    let usage = Resource::new(
        move || (filter.get(), tz.get(), org.get(), live.get()),
        |(f, tz, org, _)| load_usage(f, tz, org),
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match usage.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(h) => view! { <UsageFilters h=h.clone() period=filter.get_untracked().period/><HeatmapTable h/> }.into_any(),
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
                <crate::components::revenue::Sparkline values=h.trend.clone() wide=true/>
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
