//! Two-factor sign-in: the Account page's set-up, and the sign-in's second
//! step. Each acts on the caller's own account only.

use crate::domain::two_factor::TwoFactorStatus as Status;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    pub(crate) use crate::api::auth::{own_account, OwnAccount};
    pub use crate::services::two_factor::{self as service, Holder};

    pub fn holder<'a>(own: &'a OwnAccount, ip: Option<std::net::IpAddr>) -> Holder<'a> {
        Holder {
            user_id: own.user_id,
            email: &own.email,
            issuer: &own.issuer,
            ip,
        }
    }

    /// The caller's own account, for a change that checks their password
    /// again: limited like changing the password.
    pub async fn asking_password(
    ) -> Result<(crate::state::AppState, crate::auth::Caller, OwnAccount), crate::error::AppError>
    {
        let (app, caller) = crate::state::caller::from_context().await?;
        let own = own_account(&caller, &app.config).await?;
        if !app
            .limits
            .allow(caller.ip, &format!("password:{}", own.email))
        {
            return Err(crate::error::AppError::RateLimited);
        }
        Ok((app, caller, own))
    }

    /// Recovery codes just made wait in the session for the page to show.
    pub async fn keep(
        session: &tower_sessions::Session,
        codes: Vec<String>,
    ) -> Result<(), crate::error::AppError> {
        crate::auth::session::keep_fresh_codes(session, codes)
            .await
            .map_err(|_| crate::error::AppError::Internal)
    }
}

/// Where the caller's two-factor sign-in stands (with recovery codes just
/// made, shown this once).
#[server(prefix = "/api", endpoint = "auth/two-factor")]
pub async fn two_factor_status() -> Result<Status, AppError> {
    use ssr::*;
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let own = own_account(&caller, &app.config).await?;
            let who = holder(&own, caller.ip);
            let mut status =
                service::status(&app.pool, &app.keys, &who, own.second_factor_required).await?;
            status.fresh_codes = crate::auth::session::take_fresh_codes(&caller.session).await;
            Ok(status)
        }
        .await,
    )
}

/// Starts setting up two-factor sign-in: a new secret to scan.
#[server(prefix = "/api", endpoint = "auth/two-factor/begin")]
pub async fn two_factor_begin() -> Result<(), AppError> {
    use ssr::*;
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let own = own_account(&caller, &app.config).await?;
            service::begin(&app.pool, &app.keys, &holder(&own, caller.ip)).await
        }
        .await,
    )
}

/// Finishes the set-up with a first code from the app.
#[server(prefix = "/api", endpoint = "auth/two-factor/confirm")]
pub async fn two_factor_confirm(code: String) -> Result<(), AppError> {
    use ssr::*;
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let own = own_account(&caller, &app.config).await?;
            if !app
                .limits
                .allow(caller.ip, &format!("second-step:{}", own.user_id))
            {
                return Err(AppError::RateLimited);
            }
            let codes =
                service::confirm(&app.pool, &app.keys, &holder(&own, caller.ip), &code).await?;
            keep(&caller.session, codes).await?;
            // A super admin who had to set it up may use the console now.
            if let Some(auth) = crate::auth::session::get(&caller.session).await {
                if auth.enrolling {
                    let auth = crate::auth::session::SessionAuth {
                        enrolling: false,
                        ..auth
                    };
                    crate::auth::session::start(&caller.session, auth)
                        .await
                        .map_err(|_| AppError::Internal)?;
                }
            }
            Ok(())
        }
        .await,
    )
}

/// Turns two-factor sign-in off (the password is asked again).
#[server(prefix = "/api", endpoint = "auth/two-factor/off")]
pub async fn two_factor_off(password: String) -> Result<(), AppError> {
    use ssr::*;
    super::respond(
        async {
            let (app, caller, own) = asking_password().await?;
            let who = holder(&own, caller.ip);
            service::turn_off(&app.pool, &who, password, own.second_factor_required).await
        }
        .await,
    )
}

/// Ten new recovery codes in place of the old (the password is asked again).
#[server(prefix = "/api", endpoint = "auth/two-factor/codes")]
pub async fn recovery_codes_new(password: String) -> Result<(), AppError> {
    use ssr::*;
    super::respond(
        async {
            let (app, caller, own) = asking_password().await?;
            let codes = service::new_codes(&app.pool, &holder(&own, caller.ip), password).await?;
            keep(&caller.session, codes).await
        }
        .await,
    )
}

/// The sign-in's second step: a code from the app or a recovery code.
#[server(prefix = "/api", endpoint = "auth/login/code")]
pub async fn sign_in_code(code: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            crate::auth::login::second_step(&caller, (&app.limits, &app.keys), &code).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Whether a sign-in is waiting for its second step (the code page sends
/// anyone else back to the sign-in page).
#[server(prefix = "/api", endpoint = "auth/login/pending")]
pub async fn sign_in_pending() -> Result<bool, AppError> {
    super::respond(
        async {
            let (_, caller) = crate::state::caller::from_context().await?;
            let now = chrono::Utc::now();
            Ok(crate::auth::session::second_step(&caller.session)
                .await
                .is_some_and(|s| s.is_open(now)))
        }
        .await,
    )
}
