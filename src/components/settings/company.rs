//! 1. Company: who the agent speaks for, its timezone and its people.

use super::fields::{message, Row, Text};
use super::Facts;
use crate::domain::AgentSettings;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub(super) fn CompanySection(
    s: AgentSettings,
    timezones: Vec<String>,
    facts: Facts,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let tz_msg = message(error, "timezone");
    view! {
        <section class="card settings-section" aria-labelledby="sec-company">
            <h2 id="sec-company">"1. Company"</h2>
            <p class="section-help">"Who the agent speaks for, and who on your team it can reach."</p>
            <div class="grid-2">
                <Text key="company_name" label="Company name" value=s.company_name required=true
                    hint="Callers hear this name." autocomplete="organization" error/>
                <Text key="operator_name" label="Operator name" value=s.operator_name
                    hint="The person or desk responsible for calls." autocomplete="name" error/>
                <Text key="operator_phone" label="Operator phone" kind="tel" value=s.operator_phone
                    placeholder="+14155550123" hint="For escalations; callers never hear it." error/>
                <Text key="operator_email" label="Operator email" kind="email" value=s.operator_email
                    autocomplete="email" error/>
            </div>
            <Row key="timezone" label="Timezone" hint=Some("Start typing a city, e.g. Phoenix or New_York. Business hours follow this timezone.") error>
                <input
                    id="s-timezone"
                    name="form[timezone]"
                    list="tz-list"
                    value=s.timezone
                    required=true
                    autocomplete="off"
                    spellcheck="false"
                    aria-invalid=move || tz_msg.get().is_some().then_some("true")
                    aria-describedby="s-timezone-hint s-timezone-error"
                    on:input=move |ev| facts.timezone.set(event_target_value(&ev))
                />
                <datalist id="tz-list">
                    {timezones.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}
                </datalist>
            </Row>
        </section>
    }
    .into_any()
}
