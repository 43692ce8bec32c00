//! The Account page's two-factor sign-in: turn it on (scan the QR code or
//! type the key, confirm with a code, keep the recovery codes shown once),
//! new recovery codes, turn it off. Every step is a plain form, so it works
//! before the page's script has loaded; the state lives on the server.

use crate::api::two_factor::{two_factor_status, RecoveryCodesNew, TwoFactorBegin, TwoFactorOff};
use crate::components::context::use_session;
use crate::components::form::{last_error, outcome, Field, FormMessage, Submit};
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::two_factor::{Enrolment, TwoFactorStatus};
use leptos::prelude::*;

/// The section's resource and actions. Made at the page's level, outside
/// the page's gate: a resource first read inside another's Suspense may
/// fail hydration.
#[derive(Clone, Copy)]
pub struct TwoFactorPanel {
    status: Resource<Result<TwoFactorStatus, crate::error::AppError>>,
    begin: ServerAction<TwoFactorBegin>,
    off: ServerAction<TwoFactorOff>,
    codes: ServerAction<RecoveryCodesNew>,
}

impl Default for TwoFactorPanel {
    fn default() -> Self {
        let begin = ServerAction::<TwoFactorBegin>::new();
        let confirm = use_session().enrol;
        let off = ServerAction::<TwoFactorOff>::new();
        let codes = ServerAction::<RecoveryCodesNew>::new();
        let status = Resource::new(
            move || {
                (
                    begin.version().get(),
                    confirm.version().get(),
                    off.version().get(),
                    codes.version().get(),
                )
            },
            |_| two_factor_status(),
        );
        TwoFactorPanel {
            status,
            begin,
            off,
            codes,
        }
    }
}

#[component]
pub fn TwoFactor(panel: TwoFactorPanel) -> impl IntoView {
    let TwoFactorPanel {
        status,
        begin,
        off,
        codes,
    } = panel;
    view! {
        <section class="card" id="two-factor" aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">"Two-factor sign-in"</h2>
            <p class="section-help">"Besides your password, signing in asks for a code from an authenticator app on your phone."</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => view! { <State s begin off codes/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn State(
    s: TwoFactorStatus,
    begin: ServerAction<TwoFactorBegin>,
    off: ServerAction<TwoFactorOff>,
    codes: ServerAction<RecoveryCodesNew>,
) -> impl IntoView {
    let fresh =
        (!s.fresh_codes.is_empty()).then(|| view! { <FreshCodes codes=s.fresh_codes.clone()/> });
    let body = match (s.on_since, s.enrolment) {
        (Some(since), _) => {
            let clock = use_context::<crate::domain::Clock>().unwrap_or_default();
            view! {
                <p class="form-success" role="status">
                    {format!("On since {}. Recovery codes left: {} of 10.", clock.date(since), s.codes_left)}
                </p>
                <NewCodes action=codes/>
                {(!s.required).then(|| view! { <TurnOff action=off/> })}
            }
            .into_any()
        }
        (None, Some(enrolment)) => view! { <Enrol enrolment begin/> }.into_any(),
        (None, None) => {
            let pending = begin.pending();
            view! {
                {s.required.then(|| view! {
                    <p class="form-error" role="alert">"Your account must use two-factor sign-in. Turn it on to continue to the console."</p>
                })}
                <ActionForm action=begin attr:id="two-factor-begin">
                    <FormMessage value=outcome(begin.value())/>
                    <Submit label="Turn on two-factor sign-in" busy_label="Starting…" pending=pending.into()/>
                </ActionForm>
            }
            .into_any()
        }
    };
    view! { {fresh} {body} }
}

/// Scan or type the secret, then confirm with the first code.
#[component]
fn Enrol(enrolment: Enrolment, begin: ServerAction<TwoFactorBegin>) -> impl IntoView {
    let confirm = use_session().enrol;
    let pending = confirm.pending();
    let error = last_error(confirm.value());
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this code with your authenticator app (for example Google Authenticator, 1Password or Authy)."</p>
                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
                <p class="small">"Cannot scan? Type this key into the app: " <code class="secret" data-testid="totp-secret">{enrolment.secret}</code></p>
            </li>
            <li>
                <p>"Enter the six-digit code the app shows."</p>
                <ActionForm action=confirm attr:id="two-factor-confirm">
                    <Field name="code" id="f-enrol-code" label="Code from the app" autocomplete="one-time-code" required=true error/>
                    <FormMessage value=outcome(confirm.value())/>
                    <Submit label="Turn on" busy_label="Checking…" pending=pending.into()/>
                </ActionForm>
            </li>
        </ol>
        <ActionForm action=begin attr:class="inline-form">
            <button type="submit" class="button button-quiet">"Start again with a new key"</button>
        </ActionForm>
    }
}

/// New recovery codes, with the password asked again.
#[component]
fn NewCodes(action: ServerAction<RecoveryCodesNew>) -> impl IntoView {
    let pending = action.pending();
    let error = last_error(action.value());
    view! {
        <h3>"New recovery codes"</h3>
        <p class="section-help">"Your old recovery codes stop working."</p>
        <ActionForm action attr:id="new-codes">
            <Field name="password" id="f-new-codes-password" label="Your password" kind="password" autocomplete="current-password" required=true error/>
            <FormMessage value=outcome(action.value())/>
            <Submit label="Make new codes" busy_label="Making…" pending=pending.into()/>
        </ActionForm>
    }
}

/// Turning it off, with the password asked again.
#[component]
fn TurnOff(action: ServerAction<TwoFactorOff>) -> impl IntoView {
    let pending = action.pending();
    let error = last_error(action.value());
    view! {
        <h3>"Turn off"</h3>
        <p class="section-help">"Signing in will ask for your password only."</p>
        <ActionForm action attr:id="turn-off">
            <Field name="password" id="f-turn-off-password" label="Your password" kind="password" autocomplete="current-password" required=true error/>
            <FormMessage value=outcome(action.value())/>
            <Submit label="Turn off two-factor sign-in" busy_label="Turning off…" pending=pending.into()/>
        </ActionForm>
    }
}

/// Recovery codes just made: shown this once.
#[component]
fn FreshCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="notice notice-info" role="status" id="recovery-codes">
            <h3>"Your recovery codes"</h3>
            <p>"Each works once, in place of a code from your app. Keep them somewhere safe: they are shown only now."</p>
            <ol class="codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
        </div>
    }
}
