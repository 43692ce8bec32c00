//! Self-serve sign-up on the platform's address (not found while closed):
//! `/signup` (the form, with the subdomain checked as it is typed),
//! `/signup/sent` (check your e-mail) and `/signup/confirm/{token}` (the
//! e-mail's link: confirm, and go to the new portal's setup wizard).

use crate::api::signup::{
    check_subdomain, load_signup_link, signup_open, SignupConfirm, SignupSubmit,
};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::status::{set_status, ErrorNotice, Loading};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The page, or "not found" while sign-up is closed (or on an
/// organization's address).
#[component]
fn WhenOpen(children: ChildrenFn) -> impl IntoView {
    let open = Resource::new(|| (), |_| signup_open());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match open.await {
                    Ok(true) => children.read_value()().into_any(),
                    Ok(false) | Err(AppError::NotFound) => {
                        set_status(404);
                        view! {
                            <h1>"Page not found"</h1>
                            <p class="muted">"The page you asked for does not exist or has moved."</p>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let submit = ServerAction::<SignupSubmit>::new();
    // The subdomain as typed, settled 300 ms after the last key, is checked
    // with the server as you go.
    let typed = RwSignal::new(String::new());
    let settled = RwSignal::new(String::new());
    let check = Resource::new(
        move || settled.get(),
        |wanted| async move {
            if wanted.trim().is_empty() {
                None
            } else {
                check_subdomain(wanted).await.ok()
            }
        },
    );
    view! {
        <Title text="Create your call portal"/>
        <main class="auth">
            <section class="card auth-card auth-card-wide">
                <WhenOpen>
                    <SignupForm submit typed settled check/>
                </WhenOpen>
            </section>
        </main>
    }
}

#[component]
fn SignupForm(
    submit: ServerAction<SignupSubmit>,
    typed: RwSignal<String>,
    settled: RwSignal<String>,
    check: Resource<Option<crate::domain::signup::SubdomainCheck>>,
) -> impl IntoView {
    let pending = submit.pending();
    let error = last_error(submit.value());
    let on_subdomain = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev).trim().to_lowercase();
        typed.set(v.clone());
        set_timeout(
            move || {
                if typed.get_untracked() == v {
                    settled.set(v);
                }
            },
            std::time::Duration::from_millis(300),
        );
    };
    let sub_error = Signal::derive(move || error.get().and_then(|e| e.field_message("subdomain")));
    view! {
        <h1>"Create your call portal"</h1>
        <p class="muted">"Your own address where you see every call your agent answers and set how it greets and routes callers."</p>
        <ActionForm action=submit attr:id="signup-form">
            <Field name="form[company_name]" id="f-company" field="company_name" label="Company name" autocomplete="organization" required=true error/>
            <div class="field" class:field-invalid=move || sub_error.get().is_some()>
                <label for="f-subdomain">"Your address"</label>
                <input id="f-subdomain" name="form[subdomain]" required=true autocomplete="off" spellcheck="false"
                    pattern="[a-z0-9]([a-z0-9\\-]*[a-z0-9])?" maxlength="63"
                    aria-describedby="f-subdomain-hint f-subdomain-check f-subdomain-error"
                    on:input=on_subdomain/>
                <p class="hint" id="f-subdomain-hint">"Lower-case letters, digits and dashes, e.g. acme-dental."</p>
                <Transition>
                    {move || Suspend::new(async move {
                        check.await.map(|c| {
                            let class = if c.ok { "field-ok" } else { "field-error" };
                            view! { <p class=class id="f-subdomain-check" aria-live="polite">{c.message}</p> }
                        })
                    })}
                </Transition>
                <p class="field-error" id="f-subdomain-error" aria-live="polite">{move || sub_error.get()}</p>
            </div>
            <Field name="form[name]" id="f-name" field="name" label="Your name" autocomplete="name" required=true error/>
            <Field name="form[email]" id="f-email" field="email" label="Work e-mail" kind="email" autocomplete="email" required=true error
                hint="We send a link to confirm it."/>
            <Field name="form[password]" id="f-password" field="password" label="Password" kind="password" autocomplete="new-password" required=true error
                hint="At least 12 characters."/>
            <FormMessage value=outcome(submit.value())/>
            <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                {move || if pending.get() { "Creating…" } else { "Create my portal" }}
            </button>
        </ActionForm>
    }
}

#[component]
pub fn SignupSentPage() -> impl IntoView {
    view! {
        <Title text="Check your e-mail"/>
        <main class="auth">
            <section class="card auth-card">
                <WhenOpen>
                    <h1>"Check your e-mail"</h1>
                    <p>"We sent a link to the address you gave. Open it within 24 hours to confirm it, and your portal will be ready."</p>
                    <p class="muted small">"Nothing arrived? Look in your spam folder, or sign up again."</p>
                </WhenOpen>
            </section>
        </main>
    }
}

#[component]
pub fn SignupConfirmPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let found = Resource::new(token, load_signup_link);
    let confirm = ServerAction::<SignupConfirm>::new();
    let pending = confirm.pending();
    view! {
        <Title text="Confirm your e-mail"/>
        <main class="auth">
            <section class="card auth-card">
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Err(AppError::NotFound) => {
                                set_status(404);
                                view! { <h1>"Page not found"</h1> }.into_any()
                            }
                            Err(e) => view! {
                                <h1>"This link does not work"</h1>
                                <ErrorNotice error=e/>
                                <a class="button button-wide" href="/signup">"Sign up again"</a>
                            }.into_any(),
                            Ok(v) => view! {
                                <h1>{format!("Welcome, {}", v.company_name)}</h1>
                                <p>{format!("Confirm {} and we will create your portal at {}.", v.email, v.address)}</p>
                                <ActionForm action=confirm attr:id="confirm-form">
                                    <input type="hidden" name="token" value=token/>
                                    <FormMessage value=outcome(confirm.value())/>
                                    <button type="submit" class="button button-primary button-wide" disabled=move || pending.get()>
                                        {move || if pending.get() { "Creating your portal…" } else { "Confirm and create my portal" }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
