//! The voice agents panel: the organization's API key (set, test), its
//! agents with their webhook URLs and delivery health, and registration.
//! Shown in the console for any organization (`org_id` given), where the
//! agency changes them, and read-only to an organization's admins for their
//! own (`org_id` None): keys and agents decide what a client is billed.

use super::form::{Field, Submit};
use super::status::{when, Badge, Empty, ErrorNotice, Loading};
use crate::api::agents::{
    load_agents, CreateAgent, DeleteAgent, RenameAgent, SetAgentActive, SetApiKey, TestConnection,
};
use crate::domain::{Agent, AgentStatus, AgentsOverview, ApiKeyStatus};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Actions {
    key: ServerAction<SetApiKey>,
    test: ServerAction<TestConnection>,
    create: ServerAction<CreateAgent>,
    rename: ServerAction<RenameAgent>,
    active: ServerAction<SetAgentActive>,
    delete: ServerAction<DeleteAgent>,
    /// The action that finished last: the panel speaks only of it, so
    /// messages never pile up.
    last: RwSignal<Option<Which>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Key,
    Test,
    Create,
    Rename,
    Active,
    Delete,
}

/// Empties `form` once `value` holds a success, ready for the next entry
/// (a failure keeps what was typed).
fn clear_on_success<O, S>(form: NodeRef<leptos::html::Form>, value: S)
where
    O: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<O, crate::error::AppError>>> + Send + Sync + 'static,
{
    Effect::watch(
        move || value.get(),
        move |v, _, _| {
            if matches!(v, Some(Ok(_))) {
                if let Some(f) = form.get_untracked() {
                    f.reset();
                }
            }
        },
        false,
    );
}

impl Actions {
    /// An action's error (from its `value()`), while it is the last one to
    /// have finished.
    fn error_of<O, S>(self, which: Which, value: S) -> Signal<Option<crate::error::AppError>>
    where
        O: Clone + Send + Sync + 'static,
        S: Get<Value = Option<Result<O, crate::error::AppError>>> + Send + Sync + 'static,
    {
        Signal::derive(move || {
            (self.last.get() == Some(which))
                .then(|| value.get().and_then(|r| r.err()))
                .flatten()
        })
    }
}

/// A hidden `org_id` input when acting for a named organization.
pub(crate) fn org_input(org_id: Option<Uuid>) -> impl IntoView {
    org_id.map(|id| view! { <input type="hidden" name="org_id" value=id.to_string()/> })
}

#[component]
pub fn AgentsPanel(org_id: Option<Uuid>) -> impl IntoView {
    let a = Actions {
        key: ServerAction::new(),
        test: ServerAction::new(),
        create: ServerAction::new(),
        rename: ServerAction::new(),
        active: ServerAction::new(),
        delete: ServerAction::new(),
        last: RwSignal::new(None),
    };
    for (which, version) in [
        (Which::Key, a.key.version()),
        (Which::Test, a.test.version()),
        (Which::Create, a.create.version()),
        (Which::Rename, a.rename.version()),
        (Which::Active, a.active.version()),
        (Which::Delete, a.delete.version()),
    ] {
        Effect::watch(
            move || version.get(),
            move |_, _, _| a.last.set(Some(which)),
            false,
        );
    }
    let refresh = RwSignal::new(0u32);
    let data = Resource::new(
        move || {
            (
                a.key.version().get(),
                a.test.version().get(),
                a.create.version().get(),
                a.rename.version().get(),
                a.active.version().get(),
                a.delete.version().get(),
                refresh.get(),
            )
        },
        move |_| load_agents(org_id),
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(o) => view! { <Overview o org_id a refresh/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(
    o: AgentsOverview,
    org_id: Option<Uuid>,
    a: Actions,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let agency = o.is_agency;
    let explain = if agency {
        "Each agent sends its call events to its own webhook URL. Paste the URL into the agent's \
         webhook setting; the agent becomes active when its first correctly signed event arrives."
    } else {
        "Your voice agents and how their calls are arriving. Your account manager sets them up; \
         ask them to add, change or remove one."
    };
    view! {
        <Notice a/>
        {agency.then(|| view! { <ApiKeyCard key=o.api_key.clone() org_id a/> })}
        <section class="card" id="agents">
            <div class="card-head">
                <h2>"Voice agents"</h2>
                <button type="button" class="button button-small" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </div>
            <p class="muted">{explain}</p>
            <AgentTable agents=o.agents.clone() agency org_id a/>
            {agency.then(|| view! { <RegisterForm org_id a/> })}
        </section>
    }
}

/// What the last action did, in one place: a success in words or the error.
/// A connection test's answer is the key card's own status line.
#[component]
fn Notice(a: Actions) -> impl IntoView {
    move || {
        let said: Result<String, crate::error::AppError> = match a.last.get()? {
            Which::Key => a.key.value().get()?.map(|_| "Key saved.".into()),
            Which::Test => match a.test.value().get()? {
                Ok(_) => return None,
                Err(e) => Err(e),
            },
            Which::Create => a.create.value().get()?.map(|r| r.describe()),
            Which::Rename => a.rename.value().get()?.map(|_| "Agent renamed.".into()),
            Which::Active => a.active.value().get()?.map(|_| "Agent updated.".into()),
            Which::Delete => a
                .delete
                .value()
                .get()?
                .map(|_| "Agent deleted; its calls are kept.".into()),
        };
        Some(match said {
            Ok(text) => view! { <p class="form-success" role="status">{text}</p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
fn ApiKeyCard(key: Option<ApiKeyStatus>, org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    let error = a.error_of(Which::Key, a.key.value());
    let form = NodeRef::new();
    clear_on_success(form, a.key.value());
    let summary = match &key {
        None => view! { <p class="muted">"No API key is stored yet."</p> }.into_any(),
        Some(k) => {
            let check = match (k.check_ok, &k.check_message) {
                (Some(true), Some(m)) => view! { <Badge text="Connected" tone="good"/> " " <span class="muted">{m.clone()}</span> }.into_any(),
                (Some(false), Some(m)) => view! { <Badge text="Not connected" tone="bad"/> " " <span>{m.clone()}</span> }.into_any(),
                _ => view! { <span class="muted">"Not tested yet."</span> }.into_any(),
            };
            view! {
                <p class="key-status">
                    <span class="mono">{format!("Set · ends in …{}", k.last4)}</span>
                    <span class="muted">{format!(" · saved {}", when(Some(k.updated_at)))}</span>
                </p>
                <p class="key-check">{check}</p>
            }
            .into_any()
        }
    };
    let has_key = key.is_some();
    view! {
        <section class="card" id="api-key">
            <h2>"Voice platform API key"</h2>
            {summary}
            {has_key.then(|| view! {
                <ActionForm action=a.test>
                    {org_input(org_id)}
                    <Submit label="Test connection" busy_label="Testing…" pending=a.test.pending().into()/>
                </ActionForm>
            })}
            <ActionForm action=a.key node_ref=form attr:class="inline-form">
                {org_input(org_id)}
                <Field
                    name="api_key"
                    label=if has_key { "Replace the key" } else { "API key" }
                    kind="password"
                    autocomplete="off"
                    hint="Stored encrypted. It is never shown again, only its last four characters."
                    required=true
                    error
                />
                <Submit label="Save key" busy_label="Saving…" pending=a.key.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn AgentTable(agents: Vec<Agent>, agency: bool, org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    if agents.is_empty() {
        let hint = if agency {
            "Register the first agent below to get its webhook URL."
        } else {
            "Your account manager will connect your first agent."
        };
        return view! { <Empty title="No agents yet." hint=hint/> }.into_any();
    }
    let rows = agents
        .into_iter()
        .map(|ag| view! { <AgentRow ag agency org_id a/> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table agents">
                <thead>
                    <tr>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last event"</th>
                        <th scope="col" class="num">"Calls"</th>
                        <th scope="col">"Deliveries (24 h)"</th>
                        {agency.then(|| view! {
                            <th scope="col">"Webhook URL"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AgentRow(ag: Agent, agency: bool, org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    let id = ag.id.to_string();
    let d = ag.last_day.clone();
    view! {
        <tr data-agent=id>
            <td>
                <strong>{ag.name.clone()}</strong>
                {agency.then(|| ag.provider_agent_id.clone().map(|p| view! { <br/><span class="mono muted">{p}</span> }))}
            </td>
            <td>
                <span class="agent-status"><Badge text=ag.status.label() tone=ag.status.tone()/></span>
                {ag.status_message.clone().map(|m| view! { <br/><span class="muted small">{m}</span> })}
            </td>
            <td>{when(ag.last_webhook_at)}</td>
            <td class="num">{ag.call_count}</td>
            <td class="small">
                {format!("{} accepted", d.accepted)}
                {(d.rejected > 0).then(|| {
                    let why = d
                        .rejected_by_reason
                        .iter()
                        .map(|(r, n)| format!("{n} {r}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! { <br/><span class="text-bad" title=why.clone()>{format!("{} rejected ({why})", d.rejected)}</span> }
                })}
                {(d.malformed > 0).then(|| view! { <br/><span class="text-bad">{format!("{} malformed", d.malformed)}</span> })}
            </td>
            {agency.then(|| view! { <AgentControls ag=ag.clone() org_id a/> })}
        </tr>
    }
}

/// The agency's column: the webhook URL to copy, and the changes.
#[component]
fn AgentControls(ag: Agent, org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    let id = ag.id.to_string();
    let (id_active, id_delete, id_rename) = (id.clone(), id.clone(), id.clone());
    let rename_field = format!("rename-{id}");
    let url = ag.webhook_url.clone();
    let copy_url = url.clone();
    let copied = RwSignal::new(false);
    let switch_on = ag.status == AgentStatus::Inactive;
    view! {
            <td class="url-cell">
                // The whole URL, wrapped: an input would cut it off.
                <textarea class="mono copy-field" readonly rows="3" aria-label="Webhook URL">{url.clone()}</textarea>
                <button
                    type="button"
                    class="button button-small"
                    on:click=move |_| {
                        copy_to_clipboard(&copy_url);
                        copied.set(true);
                    }
                >
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </td>
            <td class="actions">
                <details class="rename">
                    <summary class="button button-small">"Rename"</summary>
                    <ActionForm action=a.rename>
                        {org_input(org_id)}
                        <input type="hidden" name="id" value=id_rename/>
                        <label class="sr-only" for=rename_field.clone()>"New name"</label>
                        <input id=rename_field name="name" value=ag.name.clone() required maxlength="120"/>
                        <button type="submit" class="button button-small">"Save"</button>
                    </ActionForm>
                </details>
                <ActionForm action=a.active>
                    {org_input(org_id)}
                    <input type="hidden" name="id" value=id_active/>
                    <input type="hidden" name="active" value=if switch_on { "true" } else { "false" }/>
                    <button type="submit" class="button button-small">
                        {if switch_on { "Switch on" } else { "Switch off" }}
                    </button>
                </ActionForm>
                <ActionForm action=a.delete>
                    {org_input(org_id)}
                    <input type="hidden" name="id" value=id_delete/>
                    <button type="submit" class="button button-small button-danger">"Delete"</button>
                </ActionForm>
            </td>
    }
}

fn copy_to_clipboard(_text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let clipboard = leptos::prelude::window().navigator().clipboard();
        let _ = clipboard.write_text(_text);
    }
}

#[component]
fn RegisterForm(org_id: Option<Uuid>, a: Actions) -> impl IntoView {
    let error = a.error_of(Which::Create, a.create.value());
    let form = NodeRef::new();
    clear_on_success(form, a.create.value());
    view! {
        <h3>"Register an agent"</h3>
        <ActionForm action=a.create node_ref=form>
            {org_input(org_id)}
            <div class="grid-2">
                <Field
                    name="name"
                    id="agent-name"
                    label="Display name"
                    placeholder="Front desk"
                    required=true
                    error
                />
                <Field
                    name="agent_id"
                    label="Agent ID"
                    placeholder="agent_…"
                    hint="As shown in the voice platform's dashboard."
                    required=true
                    error
                />
            </div>
            <Submit label="Register agent" busy_label="Registering…" pending=a.create.pending().into()/>
        </ActionForm>
    }
}
