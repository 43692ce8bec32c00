//! The filter bar: a plain GET form, so every view has a URL, works before
//! the page hydrates, and is navigated client-side after.

use crate::domain::dashboard::{DIRECTIONS, SENTIMENTS, STATUSES};
use crate::domain::{CallFilter, CallKind, Period};
use leptos::prelude::*;
use leptos_router::components::Form;
use uuid::Uuid;

fn options(
    all: &'static str,
    list: Vec<(String, String)>,
    chosen: Option<String>,
) -> impl IntoView {
    let none = chosen.is_none();
    view! {
        <option value="" selected=none>{all}</option>
        {list
            .into_iter()
            .map(|(value, label)| {
                let selected = chosen.as_deref() == Some(value.as_str());
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()}
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect()
}

#[component]
pub fn FilterBar(
    filter: CallFilter,
    agents: Vec<(Uuid, String)>,
    /// The period, start and end exactly as the URL has them, so a range
    /// that could not be used is shown as typed, next to its error.
    typed: (String, String, String),
    /// The current URL's problem with the period, if any.
    #[prop(optional_no_strip)]
    error: Option<String>,
) -> impl IntoView {
    let (typed_period, from, to) = typed;
    let period = if error.is_some() {
        Period::CHOICES
            .iter()
            .map(|(k, _)| *k)
            .find(|k| *k == typed_period)
            .unwrap_or("custom")
    } else {
        filter.period.key()
    };
    let agent_list = agents
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let kinds = vec![
        ("billable".to_string(), "Billable only".to_string()),
        ("test".to_string(), "Test only".to_string()),
    ];
    let kind = match filter.kind {
        CallKind::All => None,
        k => Some(k.key().to_string()),
    };
    view! {
        <Form method="GET" action="/">
            <div class="filters" role="search" aria-label="Filter calls">
                <div class="field" class:field-invalid=error.is_some()>
                    <label for="f-period">"Period"</label>
                    <select id="f-period" name="period">
                        {Period::CHOICES
                            .iter()
                            .map(|(k, l)| view! { <option value=*k selected=*k == period>{*l}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field field-date">
                    <label for="f-from">"From"</label>
                    <input id="f-from" type="date" name="from" value=from/>
                </div>
                <div class="field field-date">
                    <label for="f-to">"To"</label>
                    <input id="f-to" type="date" name="to" value=to/>
                </div>
                <div class="field">
                    <label for="f-agent">"Agent"</label>
                    <select id="f-agent" name="agent">
                        {options("All agents", agent_list, filter.agent.map(|a| a.to_string()))}
                    </select>
                </div>
                <div class="field">
                    <label for="f-type">"Type"</label>
                    <select id="f-type" name="type">{options("Billable and test", kinds, kind)}</select>
                </div>
                <div class="field">
                    <label for="f-direction">"Direction"</label>
                    <select id="f-direction" name="direction">
                        {options("Any direction", pairs(&DIRECTIONS), filter.direction.clone())}
                    </select>
                </div>
                <div class="field">
                    <label for="f-status">"Status"</label>
                    <select id="f-status" name="status">
                        {options("Any status", pairs(&STATUSES), filter.status.clone())}
                    </select>
                </div>
                <div class="field">
                    <label for="f-sentiment">"Sentiment"</label>
                    <select id="f-sentiment" name="sentiment">
                        {options("Any sentiment", pairs(&SENTIMENTS), filter.sentiment.clone())}
                    </select>
                </div>
                <div class="field">
                    <label for="f-phone">"Phone number"</label>
                    <input id="f-phone" type="search" name="phone" inputmode="tel"
                        placeholder="e.g. 555 0142" value=filter.phone.clone().unwrap_or_default()/>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button button-primary">"Apply"</button>
                    <a class="button button-quiet" href="/">"Reset"</a>
                </div>
            </div>
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </Form>
    }
}

/// The page's filter as the URL gives it (defaults for anything missing or
/// invalid), kept current as the URL changes.
pub fn url_filter() -> Signal<CallFilter> {
    let params = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        params.with(|q| CallFilter::from_query(|k| q.get(k)).unwrap_or_default())
    })
}
