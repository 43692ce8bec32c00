//! The HTML shell and the route table.

use crate::components::context::Session;
use crate::pages::{
    home::HomePage, login::LoginPage, not_found::NotFound, org::team::TeamPage,
    platform::org_detail::OrgDetailPage, platform::users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_security_headers();
    // The organization's colours and icon are in the first byte of the page:
    // no flash of the platform's look, and hydration never touches them.
    let brand = request_branding();
    let icon = brand
        .favicon_url
        .clone()
        .unwrap_or_else(|| "/favicon.svg".into());
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href=icon/>
                <HydrationScripts options/>
                <MetaTags/>
                // After the stylesheet, so these values win over its defaults.
                <style id="brand">{brand.css_variables()}</style>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

fn request_branding() -> crate::domain::Branding {
    #[cfg(feature = "ssr")]
    {
        use crate::tenancy::HostSite;
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<HostSite>().map(HostSite::branding))
            .unwrap_or_else(crate::domain::Branding::platform)
    }
    #[cfg(not(feature = "ssr"))]
    {
        crate::domain::Branding::platform()
    }
}

/// A fresh nonce per page, used by the hydration scripts and named in the CSP.
#[cfg(feature = "ssr")]
fn page_security_headers() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    if let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        let csp = page_csp(&nonce.to_string());
        if let Ok(value) = http::HeaderValue::from_str(&csp) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(feature = "ssr")]
/// The page CSP. Scripts run only with this response's nonce (plus the
/// WebAssembly the hydration script loads).
fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    let host = crate::components::context::Host::provide();
    let name = host.brand.display_name;
    // Pages wait for their data before the first byte, so a page can still
    // set its status (403, 404) or redirect; they are small and fast.
    view! {
        <Stylesheet id="leptos" href="/pkg/callboard.css"/>
        <Title formatter=move |text: String| if text.is_empty() { name.clone() } else { format!("{text} · {name}") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=crate::pages::login::SignInCodePage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=crate::pages::account::AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=crate::pages::password::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password/:token") view=crate::pages::password::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=crate::pages::signup::SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/signup/sent") view=crate::pages::signup::SignupSentPage ssr=SsrMode::Async/>
                <Route path=path!("/signup/confirm/:token") view=crate::pages::signup::SignupConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=crate::pages::org::welcome::WelcomePage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=crate::pages::invite::InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/billing") view=crate::pages::platform::billing::BillingPage ssr=SsrMode::Async/>
                <Route path=path!("/signups") view=crate::pages::platform::signups::SignupsPage ssr=SsrMode::Async/>
                <Route path=path!("/orgs/:id") view=OrgDetailPage ssr=SsrMode::Async/>
                <Route path=path!("/team") view=TeamPage ssr=SsrMode::Async/>
                <Route path=path!("/agents") view=crate::pages::org::agents::AgentsPage ssr=SsrMode::Async/>
                <Route path=path!("/reservations") view=crate::pages::org::reservations::ReservationsPage ssr=SsrMode::Async/>
                <Route path=path!("/statements") view=crate::pages::org::statements::StatementsPage ssr=SsrMode::Async/>
                <Route path=path!("/statements/:month") view=crate::pages::org::statements::StatementPage ssr=SsrMode::Async/>
                <Route path=path!("/settings") view=crate::pages::org::settings::SettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/activity") view=crate::pages::activity::ActivityPage ssr=SsrMode::Async/>
                <Route path=path!("/usage") view=crate::pages::platform::monitoring::UsagePage ssr=SsrMode::Async/>
                <Route path=path!("/system") view=crate::pages::platform::monitoring::HealthPage ssr=SsrMode::Async/>
                <Route path=path!("/calls/:id") view=crate::pages::org::call::CallPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
