//! `/account`: the signed-in person's own account (on an organization's
//! address or the console): their address, and changing their password.

use crate::api::auth::ChangePassword;
use crate::components::context::use_host;
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let need = if use_host().is_platform {
        Need::SuperAdmin
    } else {
        Need::Member
    };
    let two_factor = crate::components::two_factor::TwoFactorPanel::default();
    view! {
        <Title text="Account"/>
        <Frame>
            <Gate need enrolment=true>
                <div class="page-head"><h1>"Account"</h1></div>
                {(!use_host().is_platform).then(|| view! { <Organizations/> })}
                <crate::components::two_factor::TwoFactor panel=two_factor/>
                <PasswordForm/>
            </Gate>
        </Frame>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let pending = change.pending();
    let error = last_error(change.value());
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Change your password"</h2>
            <p class="section-help">"Every other place you are signed in is signed out; this one stays."</p>
            <ActionForm action=change attr:id="password-form">
                <Field name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true error/>
                <Field name="new_password" label="New password" kind="password" autocomplete="new-password" required=true error hint="At least 12 characters."/>
                <FormMessage value=outcome(change.value()) success="Password changed. Other sessions were signed out."/>
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Change password" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The organizations this person belongs to, each at its own address: the
/// way from one to another (each has its own sign-in).
#[component]
fn Organizations() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::api::auth::my_organizations());
    view! {
        <section class="card" id="organizations" aria-labelledby="orgs-title">
            <h2 id="orgs-title">"Your organizations"</h2>
            <Transition fallback=|| view! { <crate::components::status::Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <crate::components::status::ErrorNotice error=e/> }.into_any(),
                        Ok(orgs) => view! {
                            <ul class="org-list">
                                {orgs.into_iter().map(|o| view! {
                                    <li>
                                        <a href=o.url.clone() aria-current=o.current.then_some("page")>{o.name}</a>
                                        {o.current.then_some(" (this one)")}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
