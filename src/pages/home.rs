use crate::components::context::use_session;
use crate::components::layout::Frame;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::Site;
use crate::pages::{org::home::OrgHomePage, platform::orgs::OrgsPage};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/`: the console on the platform host, the organization's home on its own.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <Frame><Loading/></Frame> }>
            {move || Suspend::new(async move {
                match session.whoami.await {
                    Err(e) => view! { <Frame><ErrorNotice error=e/></Frame> }.into_any(),
                    Ok(who) if who.viewer.is_none() => view! { <Redirect path="/login"/> }.into_any(),
                    Ok(who) => match who.site {
                        Site::Platform => view! { <OrgsPage/> }.into_any(),
                        Site::Org { .. } => view! { <OrgHomePage/> }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}
