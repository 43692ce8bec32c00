//! The console's money overview (totals, the sortable organization
//! comparison with sparklines) and an organization's rates card.

use crate::api::revenue::{load_rates, load_revenue, SaveRates};
use crate::components::dashboard::filters::url_filter;
use crate::components::dashboard::live::use_live;
use crate::components::form::{last_error, outcome, Field, FormMessage, Submit};
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::dashboard::{duration, money, thousands};
use crate::domain::revenue::{Figures, OrgFigures, RateValue, Revenue, SORTS};
use crate::domain::Period;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// Calls per day as a line, with the numbers in its tooltip: tiny in a
/// table row, or `wide` on its own.
#[component]
pub fn Sparkline(values: Vec<i64>, #[prop(optional)] wide: bool) -> impl IntoView {
    let (w, h) = if wide { (640.0, 64.0) } else { (96.0, 24.0) };
    let top = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = w / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                h - 2.0 - (*v as f64 / top) * (h - 4.0)
            )
        })
        .collect();
    let total: i64 = values.iter().sum();
    view! {
        <svg class="sparkline" class:sparkline-wide=wide viewBox=format!("0 0 {w} {h}") width=w height=h role="img"
            aria-label=format!("{} calls over the period, by day", thousands(total))>
            <title>{values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")}" calls per day"</title>
            <polyline points=points.join(" ") fill="none"></polyline>
        </svg>
    }
}

#[component]
fn Totals(f: Figures) -> impl IntoView {
    let estimated = f.calls - f.reported_cost_calls;
    view! {
        <section class="cards cards-primary" aria-label="Revenue, cost and margin">
            <article class="card stat" data-stat="revenue">
                <h2>"Revenue"</h2>
                <p class="stat-value">{money(f.revenue_cents)}</p>
                <p class="muted small">{format!("{} billable minutes × each organization's rate", thousands(f.billable_minutes))}</p>
            </article>
            <article class="card stat" data-stat="cogs">
                <h2>"Cost of calls"</h2>
                <p class="stat-value">{money(f.cogs_cents)}</p>
                <p class="muted small">{format!(
                    "{} calls at the platform's reported cost, {} estimated at the COGS rate",
                    thousands(f.reported_cost_calls), thousands(estimated)
                )}</p>
            </article>
            <article class="card stat" data-stat="margin">
                <h2>"Margin"</h2>
                <p class="stat-value">{money(f.margin_cents())}</p>
                <p class="muted small">{format!("{} of revenue · {} calls", percent(f.margin_percent()), thousands(f.calls))}</p>
            </article>
        </section>
    }
}

#[component]
fn Comparison(rows: Vec<OrgFigures>, query: String, sort: String) -> impl IntoView {
    let head = |key: &'static str, label: &'static str| {
        let href = format!("/?{query}&sort={key}");
        let current = (sort == key).then_some("descending");
        view! {
            <th scope="col" class="num" aria-sort=current>
                <a href=href>{label}{(sort == key).then_some(" ↓")}</a>
            </th>
        }
    };
    view! {
        <div class="table-wrap">
            <table class="table comparison">
                <thead>
                    <tr>
                        <th scope="col">"Organization"</th>
                        {head("calls", "Calls")}
                        {head("minutes", "Minutes")}
                        {head("revenue", "Revenue")}
                        {head("cogs", "Cost")}
                        {head("margin", "Margin")}
                        {head("success", "Success")}
                        {head("duration", "Avg length")}
                        {head("last", "Last call")}
                        <th scope="col">"Trend"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let f = r.figures.clone();
                            view! {
                                <tr data-org=r.org_id.to_string()>
                                    <td><a href=format!("/orgs/{}", r.org_id)>{r.name}</a></td>
                                    <td class="num">{thousands(f.calls)}</td>
                                    <td class="num">{thousands(f.billable_minutes)}</td>
                                    <td class="num">{money(f.revenue_cents)}</td>
                                    <td class="num">{money(f.cogs_cents)}</td>
                                    <td class="num">{money(f.margin_cents())}" "<span class="muted small">{percent(f.margin_percent())}</span></td>
                                    <td class="num">{percent(f.success_rate())}</td>
                                    <td class="num">{f.average_duration_ms().map(duration).unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{super::status::when(r.last_call)}</td>
                                    <td><Sparkline values=r.trend/></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The console home's money section: period, totals, and the comparison.
#[component]
pub fn RevenueOverview() -> impl IntoView {
    let params = use_query_map();
    let filter = url_filter();
    let query = Signal::derive(move || filter.with(|f| f.to_query()));
    let sort = Signal::derive(move || {
        params
            .with(|q| q.get("sort"))
            .filter(|s| SORTS.iter().any(|(k, _)| k == s))
            .unwrap_or_else(|| "revenue".into())
    });
    let live = use_live();
    let revenue = Resource::new(
        move || (filter.get(), sort.get(), live.get()),
        |(f, s, _)| load_revenue(f, Some(s)),
    );
    let period = Signal::derive(move || filter.with(|f| f.period));
    view! {
        <section class="revenue" aria-labelledby="revenue-title">
            <div class="page-head">
                <h2 id="revenue-title">"Revenue, cost and margin"</h2>
                <Form method="GET" action="/">
                    <div class="inline-filters">
                        <label for="r-period">"Period"</label>
                        <select id="r-period" name="period">
                            {move || {
                                let chosen = period.get().key();
                                Period::CHOICES
                                    .iter()
                                    .filter(|(k, _)| *k != "custom")
                                    .map(|(k, l)| view! { <option value=*k selected=*k == chosen>{*l}</option> })
                                    .collect_view()
                            }}
                        </select>
                        <input type="hidden" name="sort" value=sort/>
                        <button type="submit" class="button button-small">"Show"</button>
                    </div>
                </Form>
            </div>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match revenue.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(Revenue { range_label, total, orgs }) => view! {
                            <p class="muted">{range_label}</p>
                            <Totals f=total/>
                            <Comparison rows=orgs query=query.get_untracked() sort=sort.get_untracked()/>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// An organization's per-minute rates: what it is charged and what its
/// calls cost, with the markup, and the history of changes.
#[component]
pub fn RatesCard(org_id: Uuid) -> impl IntoView {
    let save = ServerAction::<SaveRates>::new();
    let rates = Resource::new(move || save.version().get(), move |_| load_rates(org_id));
    let error = last_error(save.value());
    view! {
        <section class="card" aria-labelledby="rates-title">
            <h2 id="rates-title">"Rates"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match rates.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(r) => {
                            let markup = RateValue::markup(r.billing, r.cogs)
                                .map(|m| format!("{m:.1}% markup"))
                                .unwrap_or_else(|| "no markup to show".into());
                            let since = r
                                .since
                                .map(|t| format!("since {}", super::status::when(Some(t))))
                                .unwrap_or_else(|| "the defaults".into());
                            view! {
                                <p class="rates-now">
                                    "Billing " <strong data-rate="billing">{r.billing.dollars()}</strong> " per minute · COGS "
                                    <strong data-rate="cogs">{r.cogs.dollars()}</strong> " per minute · " {markup}
                                    <span class="muted">" (" {since} ")"</span>
                                </p>
                                <p class="hint">"New rates apply to calls from the moment they are saved; calls already made keep the rates of their time."</p>
                                {(!r.history.is_empty()).then(|| view! {
                                    <details class="rate-history">
                                        <summary>"History"</summary>
                                        <ul>
                                            {r.history.iter().map(|c| view! {
                                                <li>{format!("{}: billing {}, COGS {}", super::status::when(Some(c.from)), c.billing.dollars(), c.cogs.dollars())}</li>
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                })}
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
            <ActionForm action=save>
                <input type="hidden" name="id" value=org_id.to_string()/>
                <div class="grid-2">
                    <Field name="cogs" label="COGS per minute ($)" placeholder="0.20" required=true error
                        id="rates-cogs" hint="What a minute of calls costs the platform."/>
                    <Field name="billing" label="Billing rate per minute ($)" placeholder="twice the COGS" error
                        id="rates-billing" hint="What the organization pays. Leave empty for twice the COGS."/>
                </div>
                <FormMessage value=outcome(save.value()) success="Rates saved."/>
                <Submit label="Save rates" busy_label="Saving…" pending=save.pending().into()/>
            </ActionForm>
        </section>
    }
}
