//! Page guards. They spare people pages they cannot use; the server
//! functions behind every page do the real checking.

use super::context::use_session;
use super::status::{set_status, Loading};
use crate::domain::{Role, Site, Whoami};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    SuperAdmin,
    Member,
    OrgAdmin,
}

/// Whether the page exists on this site at all: the console's pages on the
/// platform domain, an organization's on its own.
fn belongs(who: &Whoami, need: Need) -> bool {
    matches!(
        (need, &who.site),
        (Need::SuperAdmin, Site::Platform) | (Need::Member | Need::OrgAdmin, Site::Org { .. })
    )
}

fn allowed(who: &Whoami, need: Need) -> bool {
    let Some(v) = &who.signed_in else {
        return false;
    };
    match (need, &who.site) {
        (Need::SuperAdmin, Site::Platform) => v.is_super_admin,
        (Need::Member, Site::Org { .. }) => v.role.is_some(),
        (Need::OrgAdmin, Site::Org { .. }) => v.role == Some(Role::Admin),
        _ => false,
    }
}

/// Renders `children` only for a viewer who meets `need`; sends visitors
/// who are not signed in to the sign-in page. A page of the other kind of
/// site (the console's on an organization's address, or the other way
/// round) does not exist there: 404, signed in or not.
///
/// A super admin who must still turn on two-factor sign-in is sent to the
/// Account page, the one page (`enrolment`) they may use until then.
#[component]
pub fn Gate(need: Need, #[prop(optional)] enrolment: bool, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match session.whoami.await {
                    Err(e) => view! { <super::status::ErrorNotice error=e/> }.into_any(),
                    Ok(who) if !belongs(&who, need) => view! { <NotOnThisSite/> }.into_any(),
                    Ok(who) if who.signed_in.is_none() => view! { <Redirect path="/login"/> }.into_any(),
                    Ok(who) if !enrolment && who.signed_in.as_ref().is_some_and(|s| s.must_enrol) => {
                        view! { <Redirect path="/account"/> }.into_any()
                    }
                    Ok(who) if allowed(&who, need) => {
                        // Every time on the page reads by this person's clock.
                        provide_context(who.clock.clone());
                        children.read_value()().into_any()
                    }
                    Ok(_) => view! { <Forbidden/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotOnThisSite() -> impl IntoView {
    set_status(404);
    view! {
        <leptos_meta::Title text="Page not found"/>
        <section class="card empty">
            <h1>"Page not found"</h1>
            <p>"The page you asked for does not exist or has moved."</p>
            <a class="button" href="/">"Go to home"</a>
        </section>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(403);
    view! {
        <section class="card empty">
            <h1>"You do not have access to this page"</h1>
            <p>"Ask an administrator of your organization if you need it."</p>
            <a class="button" href="/">"Back to home"</a>
        </section>
    }
}
