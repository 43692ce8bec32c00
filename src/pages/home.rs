use crate::components::context::use_host;
use crate::pages::{org::home::OrgHomePage, platform::orgs::OrgsPage};
use leptos::prelude::*;

/// `/`: the console on the platform host, the organization's home on its
/// own. Which one is decided synchronously from the host (known on the
/// server, carried to the browser in the page), so no suspense wraps the
/// page's own: nested suspense around freshly created resources does not
/// hydrate reliably.
#[component]
pub fn HomePage() -> impl IntoView {
    if use_host().is_platform {
        view! { <OrgsPage/> }.into_any()
    } else {
        view! { <OrgHomePage/> }.into_any()
    }
}
