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
