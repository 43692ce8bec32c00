use crate::error::AppError;
use leptos::prelude::*;

/// Which site this is and who is signed in (nobody is a valid answer).
#[server(prefix = "/api", endpoint = "auth/whoami")]
pub async fn whoami() -> Result<crate::domain::Whoami, AppError> {
    use crate::domain::SignedIn;
    use crate::tenancy::HostSite;
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let signed_in = match &caller.site {
                HostSite::Platform => match caller.super_admin_account().await {
                    Ok(sa) => Ok((
                        SignedIn {
                            email: sa.email.clone(),
                            is_super_admin: true,
                            role: None,
                            must_enrol: sa.enrolling,
                        },
                        crate::services::clock::of_super_admin(
                            &app.pool,
                            sa.platform(),
                            sa.user_id,
                        )
                        .await?,
                    )),
                    Err(e) => Err(e),
                },
                HostSite::Org(_) => match caller.require(crate::auth::Need::Member).await {
                    Ok(who) => Ok((
                        SignedIn {
                            email: who.email.clone(),
                            is_super_admin: false,
                            role: Some(who.role),
                            must_enrol: false,
                        },
                        crate::services::clock::of_org(&app.pool, &who).await?,
                    )),
                    Err(e) => Err(e),
                },
            };
            let (signed_in, clock) = match signed_in {
                Ok((v, clock)) => (Some(v), clock),
                Err(AppError::Unauthorized | AppError::Forbidden | AppError::Refused(_)) => {
                    (None, crate::domain::Clock::default())
                }
                Err(e) => return Err(e),
            };
            let impersonating = match &caller.site {
                HostSite::Org(org) => org
                    .viewed_by
                    .as_ref()
                    .filter(|_| signed_in.is_some())
                    .map(|i| (org.name.clone(), i.expires_at)),
                HostSite::Platform => None,
            };
            Ok(crate::domain::Whoami {
                site: caller.site.to_site(),
                signed_in,
                impersonating,
                clock,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            use crate::auth::login::{sign_in, SignedIn};
            let limits = (&app.limits, &app.metrics);
            let required = app.config.require_2fa_for_super_admins;
            let next = match sign_in(&caller, limits, &email, password, required).await? {
                SignedIn::Done => "/",
                SignedIn::CodeNext => "/login/code",
                SignedIn::MustEnrol => "/account",
            };
            leptos_axum::redirect(next);
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    super::respond(
        async {
            let (_, caller) = crate::state::caller::from_context().await?;
            crate::auth::login::sign_out(&caller).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// What an invitation link is for (organization, address, role, state).
#[server(prefix = "/api", endpoint = "auth/invitation")]
pub async fn invitation_view(
    token: String,
) -> Result<crate::domain::invitations::InvitationView, AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let crate::tenancy::HostSite::Org(org) = &caller.site else {
                return Err(AppError::NotFound);
            };
            crate::services::invitations::view(
                &app.pool,
                org.id,
                &org.branding.display_name,
                &token,
            )
            .await
        }
        .await,
    )
}

/// Accepts an invitation and signs the person in on this organization's address.
#[server(prefix = "/api", endpoint = "auth/invitation/accept")]
pub async fn invitation_accept(token: String, password: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let crate::tenancy::HostSite::Org(org) = &caller.site else {
                return Err(AppError::NotFound);
            };
            // Limited like sign-in: per address, and per invitation link.
            let key = format!("invitation:{}", token.chars().take(64).collect::<String>());
            if !app.limits.allow(caller.ip, &key) {
                return Err(AppError::RateLimited);
            }
            let accepted = crate::services::invitations::accept(
                &app.pool, org.id, &token, password, caller.ip,
            )
            .await?;
            let auth = crate::auth::session::SessionAuth {
                user_id: accepted.user_id,
                org_id: Some(org.id),
                signed_in_at: Some(chrono::Utc::now()),
                epoch: accepted.session_epoch,
                enrolling: false,
            };
            crate::auth::session::start(&caller.session, auth)
                .await
                .map_err(|_| AppError::Internal)?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Sends a reset link if the address may reset here; the same answer, at
/// once, either way.
#[server(prefix = "/api", endpoint = "auth/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::services::accounts;
    use crate::tenancy::HostSite;
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            if email.len() > crate::auth::login::MAX_EMAIL {
                return Err(AppError::field(
                    "email",
                    "An email address has at most 254 characters.",
                ));
            }
            if !app
                .limits
                .allow(caller.ip, &format!("reset:{}", email.trim().to_lowercase()))
            {
                return Err(AppError::RateLimited);
            }
            let site = match &caller.site {
                HostSite::Org(org) => accounts::Site {
                    org_id: Some(org.id),
                    look: org.branding.clone(),
                },
                HostSite::Platform => accounts::Site {
                    org_id: None,
                    look: crate::domain::Branding::platform(),
                },
            };
            accounts::request(app.pool.clone(), app.config.clone(), site, email);
            Ok(())
        }
        .await,
    )
}

/// Sets a new password with a reset link; every session of the user ends.
#[server(prefix = "/api", endpoint = "auth/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let key = format!("reset-link:{}", token.chars().take(64).collect::<String>());
            if !app.limits.allow(caller.ip, &key) {
                return Err(AppError::RateLimited);
            }
            // The service checks the new password (its length too) before hashing.
            crate::services::accounts::reset(&app.pool, &token, password, caller.ip).await
        }
        .await,
    )
}

/// Changes the signed-in person's password (the current one is required);
/// their other sessions end, this one continues.
#[server(prefix = "/api", endpoint = "auth/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, caller) = crate::state::caller::from_context().await?;
            let own = own_account(&caller, &app.config).await?;
            let (user_id, email) = (own.user_id, own.email);
            // The new password is checked (its length too) by the service;
            // the current one only needs a cap before it is hashed.
            if current_password.len() > crate::auth::login::MAX_PASSWORD {
                return Err(AppError::field(
                    "current_password",
                    "A password has at most 1,024 characters.",
                ));
            }
            if !app.limits.allow(caller.ip, &format!("password:{email}")) {
                return Err(AppError::RateLimited);
            }
            let epoch = crate::services::accounts::change_password(
                &app.pool,
                user_id,
                &email,
                current_password,
                new_password,
                caller.ip,
            )
            .await?;
            let auth = crate::auth::session::get(&caller.session)
                .await
                .ok_or(AppError::Unauthorized)?;
            let auth = crate::auth::session::SessionAuth { epoch, ..auth };
            crate::auth::session::start(&caller.session, auth)
                .await
                .map_err(|_| AppError::Internal)
        }
        .await,
    )
}

/// The signed-in person acting on their own account (password, second
/// factor), on an organization's address or the console's.
#[cfg(feature = "ssr")]
pub(crate) struct OwnAccount {
    pub user_id: uuid::Uuid,
    pub email: String,
    /// The name authenticator apps show: the organization's, or the console's.
    pub issuer: String,
    /// Whether this account must sign in with a second factor.
    pub second_factor_required: bool,
}

#[cfg(feature = "ssr")]
pub(crate) async fn own_account(
    caller: &crate::auth::Caller,
    config: &crate::config::Config,
) -> Result<OwnAccount, AppError> {
    use crate::tenancy::HostSite;
    match &caller.site {
        HostSite::Org(org) => {
            let who = caller.require(crate::auth::Need::Member).await?;
            if who.viewing_as() {
                return Err(AppError::Refused(
                    "Credentials cannot be changed while viewing as an organization.".into(),
                ));
            }
            Ok(OwnAccount {
                user_id: who.actor.user_id.ok_or(AppError::Unauthorized)?,
                email: who.email.clone(),
                issuer: org.branding.display_name.clone(),
                second_factor_required: false,
            })
        }
        HostSite::Platform => {
            let sa = caller.super_admin_account().await?;
            Ok(OwnAccount {
                user_id: sa.user_id,
                email: sa.email,
                issuer: crate::domain::Branding::platform().display_name,
                second_factor_required: config.require_2fa_for_super_admins,
            })
        }
    }
}

/// The organizations the signed-in user belongs to (the switcher).
#[server(prefix = "/api", endpoint = "auth/organizations")]
pub async fn my_organizations() -> Result<Vec<crate::domain::OrgLink>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            // The agency viewing as an organization has no memberships to list.
            let Some(user_id) = who.actor.user_id.filter(|_| !who.agency) else {
                return Ok(vec![]);
            };
            crate::services::accounts::organizations(&app.pool, &app.config, user_id, who.org_id())
                .await
        }
        .await,
    )
}
