use crate::components::context::use_session;
use crate::components::form::outcome;
use crate::components::form::FormMessage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let login = session.login;
    let pending = login.pending();
    let host = crate::components::context::use_host();
    let heading = if host.is_platform {
        "Callboard console".to_string()
    } else {
        host.brand.display_name.clone()
    };
    let logo = host
        .brand
        .logo_url
        .map(|src| view! { <img class="auth-logo" src=src alt=format!("{heading} logo")/> });
    view! {
        <Title text="Sign in"/>
        <main class="auth">
            <section class="card auth-card">
                {logo}
                <h1>{heading}</h1>
                <Suspense>
                    {move || Suspend::new(async move {
                        let who = session.whoami.await.ok();
                        let signed_in = who.as_ref().is_some_and(|w| w.signed_in.is_some());
                        signed_in.then(|| view! { <Redirect path="/"/> })
                    })}
                </Suspense>
                <p class="muted">"Sign in with your email and password."</p>
                <ActionForm action=login>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <FormMessage value=outcome(login.value())/>
                    <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="small"><a href="/forgot-password">"Forgot password?"</a></p>
            </section>
        </main>
    }
}

/// `/login/code`: the second step of signing in, for people with two-factor
/// sign-in. Anyone not midway through a sign-in goes back to `/login`.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    use crate::components::form::{last_error, Field};
    let session = use_session();
    let code = session.code;
    let pending = code.pending();
    let error = last_error(code.value());
    let waiting = Resource::new(|| (), |_| crate::api::two_factor::sign_in_pending());
    let host = crate::components::context::use_host();
    let heading = if host.is_platform {
        "Callboard console".to_string()
    } else {
        host.brand.display_name.clone()
    };
    view! {
        <Title text="Enter your code"/>
        <main class="auth">
            <section class="card auth-card">
                <h1>{heading}</h1>
                <Suspense>
                    {move || Suspend::new(async move {
                        let signed_in = session.whoami.await.ok().is_some_and(|w| w.signed_in.is_some());
                        let waiting = waiting.await.unwrap_or(false);
                        if signed_in {
                            Some(view! { <Redirect path="/"/> }.into_any())
                        } else if !waiting && code.version().get_untracked() == 0 {
                            Some(view! { <Redirect path="/login"/> }.into_any())
                        } else {
                            None
                        }
                    })}
                </Suspense>
                <h2>"Two-factor sign-in"</h2>
                <p class="muted">"Enter the six-digit code your authenticator app shows, or one of your recovery codes."</p>
                <ActionForm action=code>
                    <Field name="code" label="Code" autocomplete="one-time-code" required=true error/>
                    <FormMessage value=outcome(code.value())/>
                    <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                        {move || if pending.get() { "Checking…" } else { "Continue" }}
                    </button>
                </ActionForm>
                <p class="small"><a href="/login">"Start again"</a></p>
            </section>
        </main>
    }
}
