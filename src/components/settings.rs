//! The Agent Settings form: four sections, each with a word on what it does.
//! Inputs are plain form controls named `form[...]` (one `SettingsForm`
//! argument), so the page works before hydration; signals only drive the
//! parts that react as you choose (the routing steps).

use super::form::{last_error, Submit};
use super::status::{when, Badge, Empty, ErrorNotice, Loading};
use crate::api::settings::{agent_settings, SaveAgentSettings};
use crate::domain::{
    hour_label, routing_steps, AgentSettings, Carrier, ForwardingMode, PhoneNumber, RoutingFacts,
    SettingsPage, DEFAULT_AFTER_HOURS, DEFAULT_WELCOME, MAX_MESSAGE_CHARS,
};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn SettingsEditor() -> impl IntoView {
    let save = ServerAction::<SaveAgentSettings>::new();
    // Loaded once: after a save the form already shows what was saved, and
    // after a failed save it must keep what was typed.
    let data = Resource::new(|| (), |_| agent_settings());
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(page) => view! { <SettingsFormView page save/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The error text for one field of the last save, if any.
fn message(error: Signal<Option<AppError>>, key: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_message(key)))
}

fn input_name(key: &str) -> String {
    format!("form[{key}]")
}

fn input_id(key: &str) -> String {
    format!("s-{key}")
}

/// A label, a control (the children, whose id is `s-<key>`), a hint and the
/// field's error from the last save.
#[component]
fn Row(
    key: &'static str,
    label: &'static str,
    #[prop(default = None)] hint: Option<&'static str>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let msg = message(error, key);
    view! {
        <div class="field" class:field-invalid=move || msg.get().is_some()>
            <label for=input_id(key)>{label}</label>
            {children()}
            {hint.map(|h| view! { <p class="hint" id=format!("s-{key}-hint")>{h}</p> })}
            <p class="field-error" id=format!("s-{key}-error") aria-live="polite">{move || msg.get()}</p>
        </div>
    }
    .into_any()
}

/// A one-line text input inside a [`Row`].
#[component]
fn Text(
    key: &'static str,
    label: &'static str,
    value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let invalid = message(error, key);
    view! {
        <Row key label hint error>
            <input
                id=input_id(key)
                name=input_name(key)
                type=kind
                value=value
                placeholder=placeholder
                autocomplete=autocomplete
                required=required
                aria-invalid=move || invalid.get().is_some().then_some("true")
                aria-describedby=format!("s-{key}-hint s-{key}-error")
            />
        </Row>
    }
    .into_any()
}

#[component]
fn SettingsFormView(page: SettingsPage, save: ServerAction<SaveAgentSettings>) -> impl IntoView {
    let error = last_error(save.value());
    let s = page.settings.clone();
    let facts = Facts {
        mode: RwSignal::new(s.forwarding_mode),
        carrier: RwSignal::new(s.carrier),
        start: RwSignal::new(s.business_hours_start),
        end: RwSignal::new(s.business_hours_end),
        timezone: RwSignal::new(s.timezone.clone()),
        office: RwSignal::new(s.office_phone.clone()),
    };
    let agent_line = page.numbers.first().map(|n| n.number.clone());
    let can_edit = page.can_edit;
    let saved_note = match (page.saved, page.updated_at) {
        (true, at) => format!("Last saved {}.", when(at)),
        (false, _) => "Not saved yet: these are the defaults. Saving creates your settings.".into(),
    };
    view! {
        {(!can_edit).then(|| view! {
            <p class="notice notice-info" role="note">"You can view these settings. Only administrators can change them."</p>
        })}
        <ActionForm action=save attr:class="settings-form">
            <fieldset class="plain" disabled=!can_edit>
                <CompanySection s=s.clone() timezones=page.timezones.clone() facts error/>
                <BehaviourSection s=s.clone() facts error/>
                <RoutingSection s=s.clone() facts agent_line error/>
                <NumbersSection numbers=page.numbers.clone()/>
                {can_edit.then(|| view! {
                    <div class="form-actions sticky-actions">
                        <SaveStatus save saved_note=saved_note.clone()/>
                        <Submit label="Save settings" busy_label="Saving…" pending=save.pending().into()/>
                    </div>
                })}
            </fieldset>
        </ActionForm>
    }
    .into_any()
}

/// One line about saving, always the current one: what the last save did,
/// or, before any save on this page, when the settings were last saved.
#[component]
fn SaveStatus(save: ServerAction<SaveAgentSettings>, saved_note: String) -> impl IntoView {
    move || match save.value().get() {
        Some(Ok(_)) => {
            view! { <p class="form-success" role="status">"Settings saved."</p> }.into_any()
        }
        Some(Err(e)) => view! {
            <p class="form-error" role="alert">{e.to_string()}</p>
            <p class="muted small">{saved_note.clone()}</p>
        }
        .into_any(),
        None => view! { <p class="muted small">{saved_note.clone()}</p> }.into_any(),
    }
}

/// The choices the routing steps depend on, as the form currently shows them.
#[derive(Clone, Copy)]
struct Facts {
    mode: RwSignal<ForwardingMode>,
    carrier: RwSignal<Carrier>,
    start: RwSignal<u8>,
    end: RwSignal<u8>,
    timezone: RwSignal<String>,
    office: RwSignal<String>,
}

#[component]
fn CompanySection(
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

#[component]
fn HourSelect(key: &'static str, initial: u8, signal: RwSignal<u8>) -> impl IntoView {
    view! {
        <select
            id=input_id(key)
            name=input_name(key)
            aria-describedby=format!("s-{key}-error")
            on:change=move |ev| {
                if let Ok(h) = event_target_value(&ev).parse::<u8>() {
                    signal.set(h);
                }
            }
        >
            {(0u8..24)
                .map(|h| view! { <option value=h.to_string() selected={h == initial}>{hour_label(h)}</option> })
                .collect_view()}
        </select>
    }
    .into_any()
}

#[component]
fn Message(
    key: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    placeholder: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <Row key label hint=Some(hint) error>
            <textarea
                id=input_id(key)
                name=input_name(key)
                rows="3"
                maxlength=MAX_MESSAGE_CHARS.to_string()
                placeholder=placeholder
                aria-describedby=format!("s-{key}-hint s-{key}-error")
            >
                {value}
            </textarea>
        </Row>
    }
    .into_any()
}

#[component]
fn BehaviourSection(
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

#[component]
fn RoutingSection(
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

#[component]
fn NumbersSection(numbers: Vec<PhoneNumber>) -> impl IntoView {
    let body = if numbers.is_empty() {
        view! {
            <Empty title="No phone number connected yet." hint="Your account manager connects your number; it then appears here."/>
        }
        .into_any()
    } else {
        view! {
            <ul class="number-list">
                {numbers.into_iter().map(|n| {
                    let tone = n.status.tone();
                    view! {
                        <li>
                            <span class="mono">{n.number}</span>
                            " " <Badge text=n.status.label() tone=tone/>
                            <span class="muted small">{format!(" · last call {}", when(n.last_inbound_at))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card settings-section" aria-labelledby="sec-number">
            <h2 id="sec-number">"4. Phone number"</h2>
            <p class="section-help">"The number callers dial to reach your agent."</p>
            {body}
        </section>
    }
    .into_any()
}
