use crate::components::agents::AgentsPanel;
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/agents`: an organization admin's voice agents and API key.
#[component]
pub fn AgentsPage() -> impl IntoView {
    view! {
        <Frame>
            <Title text="Voice agents"/>
            <Gate need=Need::OrgAdmin>
                <div class="page-head"><h1>"Voice agents"</h1></div>
                <AgentsPanel org_id=None/>
                <crate::components::numbers::NumbersPanel org_id=None/>
            </Gate>
        </Frame>
    }
}
