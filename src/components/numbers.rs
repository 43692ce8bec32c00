//! An organization's phone numbers, connected to the voice platform: in the
//! console (the agency, `org_id` given) and on the organization's Agents
//! page (its admins may connect and change numbers only where the agency
//! allowed it; otherwise, and for viewers, the list is read-only).

use super::agents::org_input;
use super::form::{last_error, outcome, Field, FormMessage, Submit};
use super::status::{when, Badge, Empty, ErrorNotice, Loading};
use crate::api::numbers::{
    phone_numbers, ChangeNumber, CheckNumber, ConnectNumber, DisconnectNumber,
    SetClientsManageNumbers,
};
use crate::domain::numbers::NumbersPage;
use crate::domain::{Carrier, PhoneNumber};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The panel's actions, shared by its rows.
#[derive(Clone, Copy)]
struct Actions {
    connect: ServerAction<ConnectNumber>,
    change: ServerAction<ChangeNumber>,
    check: ServerAction<CheckNumber>,
    disconnect: ServerAction<DisconnectNumber>,
    flag: ServerAction<SetClientsManageNumbers>,
}

#[component]
pub fn NumbersPanel(org_id: Option<Uuid>) -> impl IntoView {
    let a = Actions {
        connect: ServerAction::new(),
        change: ServerAction::new(),
        check: ServerAction::new(),
        disconnect: ServerAction::new(),
        flag: ServerAction::new(),
    };
    let list = Resource::new(
        move || {
            (
                a.connect.version().get(),
                a.change.version().get(),
                a.check.version().get(),
                a.disconnect.version().get(),
                a.flag.version().get(),
            )
        },
        move |_| phone_numbers(org_id),
    );
    view! {
        <section class="card" id="phone-numbers" aria-labelledby="numbers-title">
            <h2 id="numbers-title">"Phone numbers"</h2>
            <p class="muted">
                "The numbers callers dial. Connecting one brings it into the voice platform, "
                "points its calls here and picks the agent that answers. Each number belongs to "
                "one organization."
            </p>
            <FormMessage value=outcome(a.disconnect.value()) success="Number disconnected and released."/>
            <FormMessage value=outcome(a.check.value())/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(page) => view! { <Numbers page org_id a/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Numbers(page: NumbersPage, org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    let agency = page.key.is_some();
    let can_edit = page.can_edit;
    let key_line = page.key.as_ref().map(|k| {
        view! { <p class="small"><strong>"Voice platform key: "</strong>{k.describe()}</p> }
    });
    let flag = (agency && org_id.is_some()).then(|| {
        let on = page.clients_manage;
        view! {
            <ActionForm action=a.flag attr:class="inline-form">
                {org_input(org_id)}
                <input type="hidden" name="on" value=(!on).to_string()/>
                <p class="small">
                    {if on {
                        "The organization's admins may connect and change their own numbers. "
                    } else {
                        "Only the agency connects and changes this organization's numbers. "
                    }}
                    <button type="submit" class="button button-small">
                        {if on { "Stop letting them" } else { "Let their admins manage numbers" }}
                    </button>
                </p>
            </ActionForm>
        }
    });
    let agents = page.agents.clone();
    let table = if page.numbers.is_empty() {
        let hint = if can_edit {
            "Connect the number your callers dial: its calls then come to this organization's agent."
        } else {
            "Your account manager connects the numbers your callers dial."
        };
        view! { <Empty title="No numbers yet." hint=hint/> }.into_any()
    } else {
        let rows = page
            .numbers
            .into_iter()
            .map(|n| view! { <NumberRow n org_id can_edit agents=agents.clone() a/> })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table numbers">
                    <thead>
                        <tr>
                            <th scope="col">"Number"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Answered by"</th>
                            <th scope="col">"Last checked"</th>
                            <th scope="col">"Last call"</th>
                            {can_edit.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {key_line}
        {flag}
        {table}
        {can_edit.then(|| view! { <ConnectForm org_id agents=page.agents.clone() a/> })}
    }
}

#[component]
fn NumberRow(
    n: PhoneNumber,
    org_id: Option<Uuid>,
    can_edit: bool,
    agents: Vec<(Uuid, String)>,
    a: Actions,
) -> impl IntoView {
    let tone = n.status.tone();
    let id = n.id.to_string();
    let number = n.number.clone();
    let actions = can_edit.then(|| {
        let id2 = id.clone();
        let label = number.clone();
        view! {
            <td class="actions">
                <ActionForm action=a.check>
                    {org_input(org_id)}
                    <input type="hidden" name="id" value=id.clone()/>
                    <button type="submit" class="button button-small"
                        aria-label=format!("Check {label} now")>"Check now"</button>
                </ActionForm>
                <details class="row-details">
                    <summary>"Change"</summary>
                    <ChangeForm n=n.clone() org_id agents a/>
                </details>
                <details class="row-details">
                    <summary>"Disconnect…"</summary>
                    <ActionForm action=a.disconnect>
                        {org_input(org_id)}
                        <input type="hidden" name="id" value=id2/>
                        <p class="small">"Calls to this number stop reaching the agent."</p>
                        <button type="submit" class="button button-small button-danger"
                            aria-label=format!("Disconnect {number}")>
                            {format!("Release {number}")}
                        </button>
                    </ActionForm>
                </details>
            </td>
        }
    });
    view! {
        <tr>
            <td class="mono">{n.number.clone()}</td>
            <td>
                <Badge text=n.status.label() tone=tone/>
                {n.last_error.clone().map(|e| view! { <p class="small field-error">{e}</p> })}
            </td>
            <td>{n.agent_name.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{when(n.checked_at)}</td>
            <td>{when(n.last_inbound_at)}</td>
            {actions}
        </tr>
    }
}

/// The agent and provider choices, with one selected.
fn agent_options(agents: &[(Uuid, String)], selected: Option<Uuid>) -> impl IntoView {
    agents
        .iter()
        .map(|(id, name)| {
            let sel = Some(*id) == selected;
            view! { <option value=id.to_string() selected=sel>{name.clone()}</option> }
        })
        .collect_view()
}

fn provider_options(selected: Carrier) -> impl IntoView {
    Carrier::ALL
        .into_iter()
        .map(|c| view! { <option value=c.as_str() selected={c == selected}>{c.label()}</option> })
        .collect_view()
}

/// A labelled `<select>` with the server's error for `field`.
#[component]
fn Choice(
    id: String,
    name: &'static str,
    field: &'static str,
    label: &'static str,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(field)));
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-describedby=err_id.clone()>{children()}</select>
            <p class="field-error" id=err_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

#[component]
fn ConnectForm(org_id: Option<Uuid>, agents: Vec<(Uuid, String)>, a: Actions) -> impl IntoView {
    let error = last_error(a.connect.value());
    if agents.is_empty() {
        return view! {
            <p class="muted">"Register an agent first: a connected number needs an agent to answer it."</p>
        }
        .into_any();
    }
    let only = (agents.len() == 1).then(|| agents[0].0);
    view! {
        <h3>"Connect a number"</h3>
        <ActionForm action=a.connect attr:class="stack-form" attr:id="connect-number">
            {org_input(org_id)}
            <Field name="form[number]" field="number" id="n-number" label="Number" kind="tel"
                placeholder="+14155550123" required=true
                hint="International format, starting with + and the country code." error/>
            <Field name="form[termination_uri]" field="termination_uri" id="n-termination"
                label="SIP termination URI" placeholder="example.pstn.twilio.com" required=true
                hint="From your phone company's SIP trunk settings." error/>
            <Choice id="n-provider".into() name="form[provider]" field="provider" label="Phone company" error>
                {provider_options(Carrier::Twilio)}
            </Choice>
            <Field name="form[sip_username]" field="sip_username" id="n-sip-user"
                label="SIP user name (optional)" autocomplete="off" error/>
            <Field name="form[sip_password]" field="sip_password" id="n-sip-password"
                label="SIP password (optional)" kind="password" autocomplete="new-password"
                hint="Stored encrypted and never shown again." error/>
            <Choice id="n-agent".into() name="form[agent_id]" field="agent_id" label="Answered by" error>
                {agent_options(&agents, only)}
            </Choice>
            <FormMessage value=outcome(a.connect.value()) success="Number connected."/>
            <Submit label="Connect number" busy_label="Connecting…" pending=a.connect.pending().into()/>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn ChangeForm(
    n: PhoneNumber,
    org_id: Option<Uuid>,
    agents: Vec<(Uuid, String)>,
    a: Actions,
) -> impl IntoView {
    let error = last_error(a.change.value());
    let key = n.id.simple().to_string();
    let id = move |what: &str| format!("c-{what}-{key}");
    view! {
        <ActionForm action=a.change attr:class="stack-form">
            {org_input(org_id)}
            <input type="hidden" name="id" value=n.id.to_string()/>
            <Field name="form[termination_uri]" field="termination_uri" id=id("termination")
                label="SIP termination URI" value=n.termination_uri.clone().unwrap_or_default()
                required=true error/>
            <Choice id=id("provider") name="form[provider]" field="provider" label="Phone company" error>
                {provider_options(n.provider)}
            </Choice>
            <Field name="form[sip_username]" field="sip_username" id=id("sip-user")
                label="SIP user name" value=n.sip_username.clone().unwrap_or_default()
                autocomplete="off" error/>
            <Field name="form[sip_password]" field="sip_password" id=id("sip-password")
                label="New SIP password" kind="password" autocomplete="new-password"
                hint={if n.has_sip_password { "Leave empty to keep the stored one." } else { "None stored." }}
                error/>
            {n.has_sip_password.then(|| view! {
                <label class="checkbox">
                    <input type="checkbox" name="form[clear_sip_password]" value="true"/>
                    " Remove the stored SIP password"
                </label>
            })}
            <Choice id=id("agent") name="form[agent_id]" field="agent_id" label="Answered by" error>
                {agent_options(&agents, n.agent_id)}
            </Choice>
            <FormMessage value=outcome(a.change.value()) success="Saved."/>
            <Submit label="Save" busy_label="Saving…" pending=a.change.pending().into()/>
        </ActionForm>
    }
}
