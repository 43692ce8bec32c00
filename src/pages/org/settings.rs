use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::settings::SettingsEditor;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/settings`: how the organization's agent greets and routes callers.
/// Admins edit; viewers read.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Frame>
            <Title text="Agent Settings"/>
            <Gate need=Need::Member>
                <div class="page-head">
                    <h1>"Agent Settings"</h1>
                    <p class="muted">"How your agent greets callers, when your office is open, and when calls reach the agent."</p>
                </div>
                <SettingsEditor/>
            </Gate>
        </Frame>
    }
}
