use crate::api::org::org_home;
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// The organization's home. The call dashboard will live here.
#[component]
pub fn OrgHomePage() -> impl IntoView {
    view! {
        <Frame>
            <Gate need=Need::Member>
                <OrgHome/>
            </Gate>
        </Frame>
    }
}

#[component]
fn OrgHome() -> impl IntoView {
    let home = Resource::new(|| (), |_| org_home());
    view! {
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(h) => view! {
                            <Title text=h.org_name.clone()/>
                            <section class="hero">
                                <h1>{h.org_name}</h1>
                                <p class="muted">
                                    "Signed in as " <strong>{h.email}</strong> " · " {h.role.label()}
                                </p>
                            </section>
                            <section class="cards">
                                <article class="card stat">
                                    <h2>"Team"</h2>
                                    <p class="stat-value">{h.members}</p>
                                    <p class="muted">{if h.members == 1 { "member" } else { "members" }}</p>
                                </article>
                            </section>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
            <super::calls::RecentCalls/>
    }
}
