use super::context::use_session;
use crate::domain::{Role, Site, Whoami};
use leptos::prelude::*;
use leptos_router::components::A;

/// The page frame: brand, navigation for this viewer, and sign-out.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let session = use_session();
    view! {
        <div class="frame">
            <header class="topbar">
                <Transition fallback=|| view! { <span class="brand">"\u{00a0}"</span> }>
                    {move || Suspend::new(async move {
                        session.whoami.await.ok().map(|who| view! { <TopBar who/> })
                    })}
                </Transition>
            </header>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    session.whoami.await.ok().and_then(|who| {
                        let (name, until) = who.impersonating?;
                        let until = who.clock.time(until);
                        Some(view! { <ImpersonationBanner name until/> })
                    })
                })}
            </Transition>
            <main class="content">{children()}</main>
        </div>
    }
}

#[component]
fn TopBar(who: Whoami) -> impl IntoView {
    let session = use_session();
    let look = super::context::use_host().brand;
    let brand = look.display_name.clone();
    let logo = look
        .logo_url
        .map(|src| view! { <img class="brand-logo" src=src alt=""/> });
    let links: Vec<(&'static str, &'static str)> = match (&who.site, &who.signed_in) {
        (_, None) => vec![],
        (Site::Platform, Some(_)) => vec![
            ("/", "Organizations"),
            ("/usage", "Usage"),
            ("/billing", "Billing"),
            ("/system", "System health"),
            ("/activity", "Activity"),
            ("/users", "Users"),
            ("/signups", "Sign-ups"),
        ],
        (Site::Org { .. }, Some(v)) if v.role == Some(Role::Admin) => {
            vec![
                ("/", "Home"),
                ("/agents", "Agents"),
                ("/settings", "Agent Settings"),
                ("/reservations", "Reservations"),
                ("/statements", "Statements"),
                ("/team", "Team"),
                ("/activity", "Activity"),
            ]
        }
        (Site::Org { .. }, Some(_)) => vec![
            ("/", "Home"),
            ("/settings", "Agent Settings"),
            ("/reservations", "Reservations"),
            ("/statements", "Statements"),
        ],
    };
    let console = matches!(who.site, Site::Platform)
        .then(|| view! { <span class="brand-tag">"Console"</span> });
    view! {
        <a class="brand" href="/">{logo}<span class="brand-name">{brand}</span>{console}</a>
        <nav class="nav" aria-label="Main">
            {links
                .into_iter()
                .map(|(href, label)| view! { <A href=href exact=true>{label}</A> })
                .collect_view()}
        </nav>
        {who.signed_in.map(|v| {
            let role = v.role.map(Role::label).unwrap_or("Super admin");
            // On the console, the zone its times are in, and where to change it.
            let zone = v.is_super_admin.then(|| {
                let abbr = who.clock.abbr_now().to_string();
                view! {
                    <a class="account-zone" href="/users#timezone" title=format!("Times in {}", who.clock.zone)>
                        {abbr}
                    </a>
                }
            });
            view! {
                <div class="account">
                    <a class="account-email" href="/account" title="Your account and organizations">{v.email}</a>
                    {zone}
                    <span class="badge badge-neutral">{role}</span>
                    <ActionForm action=session.logout>
                        <button type="submit" class="button button-quiet">"Sign out"</button>
                    </ActionForm>
                </div>
            }
        })}
    }
}

/// Unmistakable while a super admin views as an organization. Exit is a
/// plain form: the whole page loads again, as the console.
#[component]
fn ImpersonationBanner(name: String, until: String) -> impl IntoView {
    view! {
        <div class="impersonation" role="status">
            <strong>{format!("Viewing as {name}")}</strong>
            <span>{format!(" — as its admin sees it, until {until}. Changes are recorded under your name. ")}</span>
            <form method="post" action="/api/impersonation/exit">
                <button type="submit" class="button button-small">"Exit"</button>
            </form>
        </div>
    }
}
