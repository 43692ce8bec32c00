//! The setup wizard of an organization that signed up itself, built from
//! the settings form's own pieces: one step's fields at a time, the other
//! settings carried along as hidden fields, so each step saves a whole,
//! checked set of Agent Settings. Plain forms: it works before hydration.

use super::fields::{HourSelect, Message, Row, Text};
use super::routing::RoutingSection;
use super::Facts;
use crate::api::signup::{SaveSetupStep, SkipSetupPhone};
use crate::components::form::{last_error, Submit};
use crate::domain::signup::{SetupPage, SetupStep};
use crate::domain::{AgentSettings, DEFAULT_AFTER_HOURS, DEFAULT_WELCOME};
use leptos::prelude::*;

/// Every settings field and its value, as the form sends them.
fn values(s: &AgentSettings) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("company_name", s.company_name.clone()),
        ("operator_name", s.operator_name.clone()),
        ("operator_phone", s.operator_phone.clone()),
        ("operator_email", s.operator_email.clone()),
        ("timezone", s.timezone.clone()),
        ("welcome_message", s.welcome_message.clone()),
        ("after_hours_message", s.after_hours_message.clone()),
        ("business_hours_start", s.business_hours_start.to_string()),
        ("business_hours_end", s.business_hours_end.to_string()),
        ("forwarding_mode", s.forwarding_mode.as_str().to_string()),
        ("office_phone", s.office_phone.clone()),
        ("carrier", s.carrier.as_str().to_string()),
    ];
    if s.transfer_enabled {
        v.push(("transfer_enabled", "on".into()));
    }
    v
}

/// The fields each step shows (the rest travel hidden).
fn shown(step: SetupStep) -> &'static [&'static str] {
    match step {
        SetupStep::Details => &["company_name", "operator_email", "timezone"],
        SetupStep::Messages => &["welcome_message", "after_hours_message"],
        SetupStep::Hours => &[
            "business_hours_start",
            "business_hours_end",
            "transfer_enabled",
            "operator_name",
            "operator_phone",
        ],
        SetupStep::Phone => &["forwarding_mode", "office_phone", "carrier"],
        SetupStep::Done => &[],
    }
}

#[component]
pub fn SetupWizard(
    page: SetupPage,
    step: SetupStep,
    save: ServerAction<SaveSetupStep>,
    skip: ServerAction<SkipSetupPhone>,
) -> impl IntoView {
    let progress = page.progress.clone();
    let trail = SetupStep::ALL
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let done = progress.steps.iter().any(|(x, d)| *x == s && *d)
                || (s == SetupStep::Done && progress.completed);
            let current = s == step;
            view! {
                <li class:done=done class:current=current aria-current=current.then_some("step")>
                    <a href=format!("/welcome?step={}", s.as_str())>
                        <span class="wizard-number">{if done { "✓".to_string() } else { (i + 1).to_string() }}</span>
                        {s.title()}
                    </a>
                </li>
            }
        })
        .collect_view();
    let body = if step == SetupStep::Done {
        view! { <Finished page/> }.into_any()
    } else {
        view! { <StepForm page step save skip/> }.into_any()
    };
    view! {
        <nav aria-label="Set-up steps"><ol class="wizard-steps">{trail}</ol></nav>
        {body}
    }
}

#[component]
fn StepForm(
    page: SetupPage,
    step: SetupStep,
    save: ServerAction<SaveSetupStep>,
    skip: ServerAction<SkipSetupPhone>,
) -> impl IntoView {
    let s = page.settings.clone();
    let error = last_error(save.value());
    let facts = Facts {
        mode: RwSignal::new(s.forwarding_mode),
        carrier: RwSignal::new(s.carrier),
        start: RwSignal::new(s.business_hours_start),
        end: RwSignal::new(s.business_hours_end),
        timezone: RwSignal::new(s.timezone.clone()),
        office: RwSignal::new(s.office_phone.clone()),
    };
    let hidden = values(&s)
        .into_iter()
        .filter(|(k, _)| !shown(step).contains(k))
        .map(|(k, v)| view! { <input type="hidden" name=format!("form[{k}]") value=v/> })
        .collect_view();
    let fields = match step {
        SetupStep::Details => view! {
            <h2>"Your company"</h2>
            <p class="section-help">"The name your agent says to callers, where call summaries go, and your timezone (business hours follow it)."</p>
            <Text key="company_name" label="Company name" value=s.company_name.clone() required=true autocomplete="organization" hint="Callers hear this name." error/>
            <Text key="operator_email" label="E-mail for call summaries" kind="email" value=s.operator_email.clone() autocomplete="email" error/>
            <Row key="timezone" label="Timezone" hint=Some("Start typing a city, e.g. Phoenix or New_York.") error>
                <input id="s-timezone" name="form[timezone]" list="tz-list" value=s.timezone.clone() required=true autocomplete="off" spellcheck="false"
                    aria-describedby="s-timezone-hint s-timezone-error"/>
                <datalist id="tz-list">
                    {page.timezones.iter().map(|n| view! { <option value=n.clone()></option> }).collect_view()}
                </datalist>
            </Row>
        }.into_any(),
        SetupStep::Messages => view! {
            <h2>"How your agent greets callers"</h2>
            <p class="section-help">"Leave a message empty to use the suggestion shown. Write " <code>"{{company_name}}"</code> " to have the agent say your company name."</p>
            <Message key="welcome_message" label="Welcome message" value=s.welcome_message.clone() placeholder=DEFAULT_WELCOME
                hint="The first thing callers hear." error/>
            <Message key="after_hours_message" label="After-hours message" value=s.after_hours_message.clone() placeholder=DEFAULT_AFTER_HOURS
                hint="What the agent says when your office is closed." error/>
        }.into_any(),
        SetupStep::Hours => view! {
            <h2>"Business hours and transfer"</h2>
            <p class="section-help">"When your office is open, and whether the agent may put callers through to a person."</p>
            <div class="grid-2">
                <Row key="business_hours_start" label="Opens at" error>
                    <HourSelect key="business_hours_start" initial=s.business_hours_start signal=facts.start/>
                </Row>
                <Row key="business_hours_end" label="Closes at" error>
                    <HourSelect key="business_hours_end" initial=s.business_hours_end signal=facts.end/>
                </Row>
            </div>
            <div class="field field-check">
                <input id="s-transfer_enabled" type="checkbox" name="form[transfer_enabled]" checked=s.transfer_enabled/>
                <label for="s-transfer_enabled">"Allow the agent to transfer callers to a person"</label>
            </div>
            <div class="grid-2">
                <Text key="operator_name" label="Who takes transfers" value=s.operator_name.clone() autocomplete="name" error/>
                <Text key="operator_phone" label="Their phone" kind="tel" value=s.operator_phone.clone() placeholder="+14155550123" error/>
            </div>
        }.into_any(),
        _ => view! {
            <p class="section-help">"How calls to your business number reach the agent. You can set this up later from Agent Settings."</p>
            <RoutingSection s=s.clone() facts agent_line=None error/>
        }.into_any(),
    };
    let back = step
        .previous()
        .map(|p| view! { <a class="button button-quiet" href=format!("/welcome?step={}", p.as_str())>"Back"</a> });
    view! {
        <section class="card wizard-card">
            <ActionForm action=save attr:id="wizard-form" attr:class="settings-form">
                <input type="hidden" name="step" value=step.as_str()/>
                {fields}
                {hidden}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                <div class="form-actions">
                    {back}
                    <Submit label="Save and continue" busy_label="Saving…" pending=save.pending().into()/>
                </div>
            </ActionForm>
            {(step == SetupStep::Phone).then(|| view! {
                <ActionForm action=skip attr:class="inline-form">
                    <button type="submit" class="button button-quiet">"Skip for now"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Finished(page: SetupPage) -> impl IntoView {
    let open: Vec<_> = page
        .progress
        .steps
        .iter()
        .filter(|(_, done)| !done)
        .map(|(s, _)| *s)
        .collect();
    view! {
        <section class="card wizard-card">
            {if open.is_empty() {
                view! {
                    <h2>"You are all set"</h2>
                    <p>{format!("{} is ready. Calls your agent answers appear on your dashboard as they happen.", page.settings.company_name)}</p>
                    {page.progress.phone_skipped.then(|| view! {
                        <p class="muted">"You skipped the phone number: set it up any time under Agent Settings."</p>
                    })}
                    <a class="button button-primary" href="/">"Go to your dashboard"</a>
                }.into_any()
            } else {
                view! {
                    <h2>"Almost there"</h2>
                    <p>"These steps are still open:"</p>
                    <ul>
                        {open.into_iter().map(|s| view! {
                            <li><a href=format!("/welcome?step={}", s.as_str())>{s.title()}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The dashboard's checklist while an organization that signed up itself
/// has steps left (admins only; nothing otherwise).
#[component]
pub fn SetupChecklist(
    list: Resource<Result<Option<crate::domain::signup::SetupProgress>, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <Transition>
            {move || Suspend::new(async move {
                list.await.ok().flatten().map(|p| {
                    let next = p.first_open();
                    view! {
                        <section class="card notice-info" id="setup-checklist" aria-labelledby="setup-title">
                            <h2 id="setup-title">"Finish setting up"</h2>
                            <ul class="checklist">
                                {p.steps.iter().map(|(s, done)| {
                                    let mark = if *done { "✓ " } else { "○ " };
                                    view! { <li class:done=*done>{mark}{s.title()}</li> }
                                }).collect_view()}
                            </ul>
                            <a class="button button-primary" href=format!("/welcome?step={}", next.as_str())>"Continue set-up"</a>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}
