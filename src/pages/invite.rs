//! `/invite/{token}`: the page an invitation e-mail links to, on the
//! organization's own address. The invitee chooses a password (or gives
//! the one of the account they already have) and lands on the dashboard.

use crate::api::auth::{invitation_view, InvitationAccept};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::invitations::{InvitationState, InvitationView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let found = Resource::new(token, invitation_view);
    let host = crate::components::context::use_host();
    let logo = host
        .brand
        .logo_url
        .clone()
        .map(|src| view! { <img class="auth-logo" src=src alt=""/> });
    view! {
        <Title text="Invitation"/>
        <main class="auth">
            <section class="card auth-card">
                {logo}
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Err(crate::error::AppError::NotFound) => view! {
                                <h1>"This link does not work"</h1>
                                <p class="muted">"Check that you opened the whole link from the e-mail, or ask for a new invitation."</p>
                            }.into_any(),
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(v) => view! { <Accept v token=token()/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn Accept(v: InvitationView, token: String) -> impl IntoView {
    let accept = ServerAction::<InvitationAccept>::new();
    let pending = accept.pending();
    // After JavaScript's submission: load the dashboard as a new page, so
    // everything on it reads the new session.
    Effect::new(move |_| {
        if let Some(Ok(())) = accept.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/");
            }
        }
    });
    let role = v.role.label().to_lowercase();
    let heading = format!("Join {}", v.org_name);
    match v.state {
        InvitationState::Pending => view! {
            <h1>{heading}</h1>
            <p class="muted">{format!("You are invited as {role}, with the address {}.", v.email)}</p>
            <ActionForm action=accept attr:id="accept-form">
                <input type="hidden" name="token" value=token/>
                <input type="email" name="username" value=v.email.clone() autocomplete="username" hidden=true readonly=true/>
                <Field name="password" label="Password" kind="password" autocomplete="new-password" required=true
                    error=last_error(accept.value())
                    hint="At least 12 characters. If you already have an account with this address, give its password instead."/>
                <FormMessage value=outcome(accept.value())/>
                <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                    {move || if pending.get() { "Joining…" } else { "Accept and sign in" }}
                </button>
            </ActionForm>
        }.into_any(),
        state => {
            let why = match state {
                InvitationState::Expired => "This invitation has expired. Ask the person who invited you for a new one.",
                InvitationState::Accepted => "This invitation was already used. Sign in with your address and password.",
                _ => "This invitation was withdrawn. Ask for a new one if you still need access.",
            };
            view! {
                <h1>{heading}</h1>
                <p>{why}</p>
                <a class="button button-primary button-wide" href="/login">"Go to sign-in"</a>
            }.into_any()
        }
    }
}
