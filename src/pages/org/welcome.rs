//! `/welcome`: the setup wizard of an organization that signed up itself
//! (admins only; an organization the agency set up has none).

use crate::api::signup::{load_setup, SaveSetupStep, SkipSetupPhone};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::settings::SetupWizard;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::signup::SetupStep;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let save = ServerAction::<SaveSetupStep>::new();
    let skip = ServerAction::<SkipSetupPhone>::new();
    let query = use_query_map();
    let asked =
        Memo::new(move |_| query.with(|q| q.get("step").and_then(|s| SetupStep::parse(&s))));
    // Made here, outside the gate's suspense, so that it hydrates.
    let data = Resource::new(
        move || (save.version().get(), skip.version().get()),
        |_| load_setup(),
    );
    view! {
        <Frame>
            <Title text="Set up your portal"/>
            <Gate need=Need::OrgAdmin>
                <div class="page-head">
                    <h1>"Set up your portal"</h1>
                    <p class="muted">"A few minutes now, and your agent answers the way you want. You can change everything later under Agent Settings."</p>
                </div>
                <Transition fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(page) => {
                                let step = asked.get().unwrap_or_else(|| page.progress.first_open());
                                view! { <SetupWizard page step save skip/> }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Gate>
        </Frame>
    }
}
