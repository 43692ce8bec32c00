//! 3. Routing: when calls go to a person, and the steps to set it up.

use super::fields::{message, Row};
use super::Facts;
use crate::domain::{routing_steps, AgentSettings, Carrier, ForwardingMode, RoutingFacts};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub(super) fn RoutingSection(
    s: AgentSettings,
    facts: Facts,
    agent_line: Option<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let mode_msg = message(error, "forwarding_mode");
    let office_msg = message(error, "office_phone");
    let initial_mode = s.forwarding_mode;
    let modes = ForwardingMode::ALL
        .into_iter()
        .map(|m| {
            let id = format!("s-mode-{}", m.as_str());
            view! {
                <div class="radio-option">
                    <input
                        type="radio"
                        id=id.clone()
                        name="form[forwarding_mode]"
                        value=m.as_str()
                        checked={m == initial_mode}
                        on:change=move |_| facts.mode.set(m)
                    />
                    <label for=id>
                        <strong>{m.label()}</strong>
                        <span class="radio-help">{m.explanation()}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let initial_carrier = s.carrier;
    let steps = move || {
        let (timezone, office) = (facts.timezone.get(), facts.office.get());
        routing_steps(&RoutingFacts {
            mode: facts.mode.get(),
            carrier: facts.carrier.get(),
            start: facts.start.get(),
            end: facts.end.get(),
            timezone: &timezone,
            office_phone: &office,
            agent_line: agent_line.as_deref(),
        })
        .into_iter()
        .map(|step| view! { <li>{step}</li> })
        .collect_view()
    };
    view! {
        <section class="card settings-section" aria-labelledby="sec-routing">
            <h2 id="sec-routing">"3. Call routing"</h2>
            <p class="section-help">"When calls reach the agent. Your phone provider does the routing; the steps below say what to set there."</p>
            <fieldset class="radio-group" aria-describedby="s-forwarding_mode-error">
                <legend>"Forwarding mode"</legend>
                {modes}
                <p class="field-error" id="s-forwarding_mode-error" aria-live="polite">{move || mode_msg.get()}</p>
            </fieldset>
            <div class="grid-2">
                <div class="field" class:field-invalid=move || office_msg.get().is_some()>
                    <label for="s-office_phone">
                        "Office phone"
                        {move || facts.mode.get().needs_office_phone().then(|| view! { <span class="required-mark">" (required)"</span> })}
                    </label>
                    <input
                        id="s-office_phone"
                        name="form[office_phone]"
                        type="tel"
                        value=s.office_phone
                        placeholder="+14155550123"
                        aria-invalid=move || office_msg.get().is_some().then_some("true")
                        aria-describedby="s-office_phone-hint s-office_phone-error"
                        on:input=move |ev| facts.office.set(event_target_value(&ev))
                    />
                    <p class="hint" id="s-office_phone-hint">"The number that rings in your office. Needed for After hours only and Overflow."</p>
                    <p class="field-error" id="s-office_phone-error" aria-live="polite">{move || office_msg.get()}</p>
                </div>
                <Row key="carrier" label="Phone provider" hint=Some("We show the steps for this provider.") error>
                    <select
                        id="s-carrier"
                        name="form[carrier]"
                        aria-describedby="s-carrier-hint s-carrier-error"
                        on:change=move |ev| {
                            if let Some(c) = Carrier::parse(&event_target_value(&ev)) {
                                facts.carrier.set(c);
                            }
                        }
                    >
                        {Carrier::ALL
                            .into_iter()
                            .map(|c| view! { <option value=c.as_str() selected={c == initial_carrier}>{c.label()}</option> })
                            .collect_view()}
                    </select>
                </Row>
            </div>
            <div class="routing-steps" aria-live="polite">
                <h3>"Set-up steps"</h3>
                <ol>{steps}</ol>
            </div>
        </section>
    }
    .into_any()
}
