//! `/usage` and `/system` in the console (super admins). (`/health` is the
//! machine health check.)

use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::system::HealthView;
use crate::components::usage::UsageView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsagePage() -> impl IntoView {
    view! {
        <Frame>
            <Title text="Usage patterns"/>
            <Gate need=Need::SuperAdmin>
                <div class="page-head"><h1>"Usage patterns"</h1></div>
                <UsageView/>
            </Gate>
        </Frame>
    }
}

#[component]
pub fn HealthPage() -> impl IntoView {
    view! {
        <Frame>
            <Title text="System health"/>
            <Gate need=Need::SuperAdmin>
                <div class="page-head"><h1>"System health"</h1></div>
                <HealthView/>
                <crate::components::shared_key::SharedKeyCard/>
                <crate::components::system::Outbox/>
            </Gate>
        </Frame>
    }
}
