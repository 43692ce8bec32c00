//! `/forgot-password` and `/reset-password/{token}`: plain forms that work
//! before the page's script loads, on the platform's and every
//! organization's address, in that address's look.

use crate::api::auth::{ForgotPassword, ResetPassword};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The sign-in page's card: the address's logo and name, then `children`.
#[component]
fn AuthCard(children: Children) -> impl IntoView {
    let host = crate::components::context::use_host();
    let logo = host
        .brand
        .logo_url
        .clone()
        .map(|src| view! { <img class="auth-logo" src=src alt=""/> });
    view! {
        <main class="auth">
            <section class="card auth-card">
                {logo}
                <p class="muted">{host.brand.display_name.clone()}</p>
                {children()}
            </section>
        </main>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let forgot = ServerAction::<ForgotPassword>::new();
    let pending = forgot.pending();
    let sent = "If that address has an account here, we sent it a link to choose a new password. It works for 30 minutes.";
    view! {
        <Title text="Forgot password"/>
        <AuthCard>
            <h1>"Forgot your password?"</h1>
            <p class="muted">"Give the address you sign in with; we e-mail you a link to choose a new password."</p>
            <ActionForm action=forgot attr:id="forgot-form">
                <Field name="email" label="Email" kind="email" autocomplete="username" required=true error=last_error(forgot.value())/>
                <FormMessage value=outcome(forgot.value()) success=sent/>
                <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                    {move || if pending.get() { "Sending…" } else { "Send the link" }}
                </button>
            </ActionForm>
            <p class="small"><a href="/login">"Back to sign-in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let reset = ServerAction::<ResetPassword>::new();
    let pending = reset.pending();
    let done = move || matches!(reset.value().get(), Some(Ok(())));
    view! {
        <Title text="Choose a new password"/>
        <AuthCard>
            <h1>"Choose a new password"</h1>
            <Show
                when=done
                fallback=move || view! {
                    <ActionForm action=reset attr:id="reset-form">
                        <input type="hidden" name="token" value=token/>
                        <Field name="password" label="New password" kind="password" autocomplete="new-password" required=true
                            error=last_error(reset.value()) hint="At least 12 characters. Every other session of yours is signed out."/>
                        <FormMessage value=outcome(reset.value())/>
                        <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                            {move || if pending.get() { "Saving…" } else { "Save the new password" }}
                        </button>
                    </ActionForm>
                }
            >
                <p class="form-success" role="status">"Your password was changed, and every session signed in with the old one has ended."</p>
                <a class="button button-primary button-wide" href="/login">"Sign in"</a>
            </Show>
        </AuthCard>
    }
}
