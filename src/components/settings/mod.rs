//! The Agent Settings form: four sections, each with a word on what it does.
//! Inputs are plain form controls named `form[...]` (one `SettingsForm`
//! argument), so the page works before hydration; signals only drive the
//! parts that react as you choose (the routing steps).

use super::form::{last_error, Submit};
use super::status::{when, ErrorNotice, Loading};
use crate::api::settings::{agent_settings, SaveAgentSettings};
use crate::domain::{Carrier, ForwardingMode, SettingsPage};
use leptos::prelude::*;

mod behaviour;
mod company;
mod fields;
mod numbers;
mod routing;
mod wizard;

use behaviour::BehaviourSection;
use company::CompanySection;
use numbers::NumbersSection;
use routing::RoutingSection;
pub use wizard::{SetupChecklist, SetupWizard};

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
pub(super) struct Facts {
    pub(super) mode: RwSignal<ForwardingMode>,
    pub(super) carrier: RwSignal<Carrier>,
    pub(super) start: RwSignal<u8>,
    pub(super) end: RwSignal<u8>,
    pub(super) timezone: RwSignal<String>,
    pub(super) office: RwSignal<String>,
}
