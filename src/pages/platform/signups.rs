//! `/signups` in the console: self-serve sign-up's switch and rates, and
//! the companies that signed up.

use crate::api::platform::SetOrgStatus;
use crate::api::signup::{load_signup_settings, signups, SaveSignupSettings};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::signups::{SignupList, SignupSettingsPanel};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignupsPage() -> impl IntoView {
    let save = ServerAction::<SaveSignupSettings>::new();
    let status = ServerAction::<SetOrgStatus>::new();
    // At the page's level, outside the gate's suspense, so they hydrate.
    let settings = Resource::new(move || save.version().get(), |_| load_signup_settings());
    let list = Resource::new(move || status.version().get(), |_| signups());
    view! {
        <Frame>
            <Title text="Sign-ups"/>
            <Gate need=Need::SuperAdmin>
                <div class="page-head"><h1>"Sign-ups"</h1></div>
                <SignupSettingsPanel data=settings save/>
                <SignupList data=list status/>
            </Gate>
        </Frame>
    }
}
