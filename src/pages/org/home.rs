//! `/` on an organization's host: the dashboard. Everything it shows is
//! decided by the URL's query (period and filters), rendered on the server
//! in full, and kept live after hydration by the event stream.

use crate::api::dashboard::load_dashboard;
use crate::components::dashboard::cards::{AgentBreakdown, Cards};
use crate::components::dashboard::chart::UsageChart;
use crate::components::dashboard::filters::FilterBar;
use crate::components::dashboard::live::use_live;
use crate::components::dashboard::table::CallsTable;
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::CallFilter;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrgHomePage() -> impl IntoView {
    // At the page's level, outside the gate's suspense, so that it hydrates.
    let checklist = Resource::new(|| (), |_| crate::api::signup::setup_checklist());
    view! {
        <Frame>
            // Set before the figures arrive, so the tab is named at once.
            <Title text="Dashboard"/>
            <Gate need=Need::Member>
                <crate::components::settings::SetupChecklist list=checklist/>
                <DashboardView/>
            </Gate>
        </Frame>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let params = use_query_map();
    let parsed = Memo::new(move |_| params.with(|q| CallFilter::from_query(|k| q.get(k))));
    let filter = Signal::derive(move || parsed.get().unwrap_or_default());
    let after = Signal::derive(move || params.with(|q| q.get("after")).filter(|a| !a.is_empty()));
    let typed = move || {
        params.with(|q| {
            (
                q.get("period").unwrap_or_default(),
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        })
    };
    let live = use_live();
    let dash = Resource::new(
        move || (filter.get(), live.get()),
        |(f, _)| load_dashboard(f),
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match dash.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => {
                        let filter = parsed.get_untracked();
                        let error = filter.as_ref().err().cloned();
                        view! {
                            <section class="page-head dash-head">
                                <div>
                                    <h1>{d.org_name.clone()}</h1>
                                    <p class="muted">
                                        {d.range_label.clone()}" · times in "{d.timezone.clone()}
                                    </p>
                                </div>
                                <p class="live-badge" title="Figures update as calls happen">
                                    <span class="pulse"></span>"Live"
                                </p>
                            </section>
                            <FilterBar filter=filter.unwrap_or_default() agents=d.agent_choices.clone()
                                typed=typed() error/>
                            <Cards totals=d.totals.clone()/>
                            <div class="dash-grid">
                                <UsageChart points=d.series.clone() bucket=d.bucket/>
                                <AgentBreakdown agents=d.agents.clone()/>
                            </div>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
        <CallsTable filter after live/>
    }
}
