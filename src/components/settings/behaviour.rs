//! 2. Behaviour: what the agent says, in and after hours.

use super::fields::{HourSelect, Message, Row};
use super::Facts;
use crate::domain::{AgentSettings, DEFAULT_AFTER_HOURS, DEFAULT_WELCOME};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub(super) fn BehaviourSection(
    s: AgentSettings,
    facts: Facts,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <section class="card settings-section" aria-labelledby="sec-behaviour">
            <h2 id="sec-behaviour">"2. Agent behaviour"</h2>
            <p class="section-help">
                "What the agent says, and when your office counts as open. Write "
                <code>"{{company_name}}"</code> " to have the agent say your company name."
            </p>
            <Message key="welcome_message" label="Welcome message" value=s.welcome_message
                placeholder=DEFAULT_WELCOME
                hint="The first thing callers hear. Leave empty to use the suggestion shown." error/>
            <Message key="after_hours_message" label="After-hours message" value=s.after_hours_message
                placeholder=DEFAULT_AFTER_HOURS
                hint="What the agent says when the office is closed. Leave empty to use the suggestion shown." error/>
            <div class="grid-2">
                <Row key="business_hours_start" label="Business hours start" error>
                    <HourSelect key="business_hours_start" initial=s.business_hours_start signal=facts.start/>
                </Row>
                <Row key="business_hours_end" label="Business hours end"
                    hint=Some("Closing time. If it is earlier than the start, hours run past midnight; the same hour means open all day.") error>
                    <HourSelect key="business_hours_end" initial=s.business_hours_end signal=facts.end/>
                </Row>
            </div>
            <div class="field field-check">
                <input id="s-transfer_enabled" type="checkbox" name="form[transfer_enabled]" checked=s.transfer_enabled/>
                <label for="s-transfer_enabled">"Allow the agent to transfer callers to a person"</label>
            </div>
        </section>
    }
    .into_any()
}
