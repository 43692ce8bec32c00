//! Self-serve sign-up (the platform's address, while a super admin has it
//! open), the console's settings and list of sign-ups, and the new
//! organization's setup wizard.

use crate::domain::signup::{
    SetupPage, SetupProgress, SignupForm, SignupRow, SignupSettings, SignupView, SubdomainCheck,
};
use crate::domain::SettingsForm;
use crate::error::AppError;
use leptos::prelude::*;

/// The sign-up pages exist only on the platform's address, and only while
/// sign-up is open; anywhere else they are not found.
#[cfg(feature = "ssr")]
async fn platform_site() -> Result<(crate::state::AppState, crate::auth::Caller), AppError> {
    let (app, caller) = crate::state::caller::from_context().await?;
    if !matches!(caller.site, crate::tenancy::HostSite::Platform) {
        return Err(AppError::NotFound);
    }
    Ok((app, caller))
}

/// Whether sign-up is open here (the page is not found otherwise).
#[server(prefix = "/api", endpoint = "signup/open")]
pub async fn signup_open() -> Result<bool, AppError> {
    super::respond(
        async {
            let (app, _) = platform_site().await?;
            crate::services::signup::is_open(&app.pool).await
        }
        .await,
    )
}

/// The live answer about a wanted subdomain (format, reserved, taken).
#[server(prefix = "/api", endpoint = "signup/subdomain")]
pub async fn check_subdomain(subdomain: String) -> Result<SubdomainCheck, AppError> {
    super::respond(
        async {
            let (app, _) = platform_site().await?;
            let wanted: String = subdomain.chars().take(100).collect();
            crate::services::signup::check_subdomain(&app.pool, &app.config, &wanted).await
        }
        .await,
    )
}

/// Signs a company up; the same answer whether or not the address has an
/// account. Next: `/signup/sent`.
#[server(prefix = "/api", endpoint = "signup/submit")]
pub async fn signup_submit(form: SignupForm) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = platform_site().await?;
            if form.email.len() > crate::auth::login::MAX_EMAIL {
                return Err(AppError::field(
                    "email",
                    "An email address has at most 254 characters.",
                ));
            }
            let key = format!("signup:{}", form.email.trim().to_lowercase());
            if !app.limits.allow(caller.ip, &key) {
                return Err(AppError::RateLimited);
            }
            crate::services::signup::submit(app.pool.clone(), app.config.clone(), form, caller.ip)
                .await?;
            leptos_axum::redirect("/signup/sent");
            Ok(())
        }
        .await,
    )
}

/// What a confirmation link is for.
#[server(prefix = "/api", endpoint = "signup/view")]
pub async fn load_signup_link(token: String) -> Result<SignupView, AppError> {
    super::respond(
        async {
            let (app, _) = platform_site().await?;
            crate::services::signup::view(&app.pool, &app.config, &token).await
        }
        .await,
    )
}

/// Confirms the address, makes the organization and sends the person to it,
/// signed in, in the setup wizard.
#[server(prefix = "/api", endpoint = "signup/confirm")]
pub async fn signup_confirm(token: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = platform_site().await?;
            let key = format!("signup-link:{}", token.chars().take(64).collect::<String>());
            if !app.limits.allow(caller.ip, &key) {
                return Err(AppError::RateLimited);
            }
            let next =
                crate::services::signup::confirm(&app.pool, &app.config, &token, caller.ip).await?;
            leptos_axum::redirect(&next);
            Ok(())
        }
        .await,
    )
}

/// The console: sign-up settings (open or not, the new organizations' rates).
#[server(prefix = "/api", endpoint = "platform/signups/settings")]
pub async fn load_signup_settings() -> Result<SignupSettings, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::signup::settings(&app.pool, sa.platform()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "platform/signups/settings/save")]
pub async fn save_signup_settings(
    open: Option<String>,
    billing: String,
    cogs: String,
) -> Result<SignupSettings, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let input = SignupSettings {
                open: open.is_some(),
                billing,
                cogs,
            };
            crate::services::signup::save_settings(&app.pool, sa.platform(), &sa.actor(), &input)
                .await
        }
        .await,
    )
}

/// The console: the newest sign-ups and their organizations' state.
#[server(prefix = "/api", endpoint = "platform/signups")]
pub async fn signups() -> Result<Vec<SignupRow>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::signup::list(&app.pool, sa.platform()).await
        }
        .await,
    )
}

/// The setup wizard (admins of an organization that signed up itself).
#[server(prefix = "/api", endpoint = "org/setup")]
pub async fn load_setup() -> Result<SetupPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::setup::page(&app.pool, &who).await
        }
        .await,
    )
}

/// Saves one step of the wizard and goes on to the next.
#[server(prefix = "/api", endpoint = "org/setup/save")]
pub async fn save_setup_step(step: String, form: SettingsForm) -> Result<(), AppError> {
    use crate::domain::signup::SetupStep;
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            let step = SetupStep::parse(&step).ok_or(AppError::NotFound)?;
            let next = crate::services::setup::save(&app.pool, &who, step, &form).await?;
            leptos_axum::redirect(&format!("/welcome?step={}", next.as_str()));
            Ok(())
        }
        .await,
    )
}

/// Leaves the phone number for later.
#[server(prefix = "/api", endpoint = "org/setup/skip")]
pub async fn skip_setup_phone() -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::setup::skip_phone(&app.pool, &who).await?;
            leptos_axum::redirect("/welcome?step=done");
            Ok(())
        }
        .await,
    )
}

/// The dashboard's set-up checklist, while there is one to show.
#[server(prefix = "/api", endpoint = "org/setup/checklist")]
pub async fn setup_checklist() -> Result<Option<SetupProgress>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::setup::checklist(&app.pool, &who).await
        }
        .await,
    )
}
