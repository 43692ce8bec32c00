//! Signing in and out. Every attempt, successful or not, lands in the audit log.

use super::guard::{Caller, SUSPENDED};
use super::rate_limit::SignInLimits;
use super::{password, session};
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::{OrgStatus, Role};
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::tenancy::HostSite;
use serde_json::json;
use uuid::Uuid;

/// Why an attempt failed, for the audit log only; the person sees one message.
#[derive(Debug, Clone, Copy)]
enum Failure {
    UnknownEmail,
    WrongPassword,
    Disabled,
    NotAMember,
    NotSuperAdmin,
    OrgSuspended,
}

impl Failure {
    fn code(self) -> &'static str {
        match self {
            Failure::UnknownEmail => "unknown_email",
            Failure::WrongPassword => "wrong_password",
            Failure::Disabled => "disabled",
            Failure::NotAMember => "not_a_member",
            Failure::NotSuperAdmin => "not_super_admin",
            Failure::OrgSuspended => "org_suspended",
        }
    }

    /// What the person is told. Only failures that happen after a correct
    /// password say more than "incorrect", and never whether an email exists.
    fn error(self) -> AppError {
        match self {
            Failure::Disabled => AppError::Refused(
                "This account is disabled. Please contact your administrator.".into(),
            ),
            Failure::OrgSuspended => AppError::Refused(SUSPENDED.into()),
            _ => AppError::InvalidCredentials,
        }
    }
}

/// The longest address SMTP allows, and a password far beyond any passphrase:
/// an attempt past either is refused before it costs a hash, a limiter key or
/// an audit row.
pub const MAX_EMAIL: usize = 254;
pub const MAX_PASSWORD: usize = 1024;

/// Where a right password leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedIn {
    /// Signed in.
    Done,
    /// The person has two-factor sign-in: a code comes next (`/login/code`).
    CodeNext,
    /// A super admin who must use two-factor sign-in and has not set it up:
    /// signed in to the Account page's set-up only.
    MustEnrol,
}

/// Signs in on the caller's site. `limits` are the process's sign-in limits
/// and the counter of refusals; `second_factor_required` is whether super
/// admins must use a second factor.
pub async fn sign_in(
    ctx: &Caller,
    (limits, metrics): (&SignInLimits, &Metrics),
    email: &str,
    password: String,
    second_factor_required: bool,
) -> Result<SignedIn, AppError> {
    let email = email.trim().to_lowercase();
    if email.len() > MAX_EMAIL {
        return Err(AppError::field(
            "email",
            "An email address has at most 254 characters.",
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(AppError::field(
            "password",
            "A password has at most 1,024 characters.",
        ));
    }
    if email.is_empty() || password.is_empty() {
        return Err(AppError::InvalidCredentials);
    }
    let org = match &ctx.site {
        HostSite::Platform => None,
        HostSite::Org(org) => Some(org.clone()),
    };
    if !limits.allow(ctx.ip, &email) {
        // A flood of refused attempts costs a counter, not a row each.
        metrics.sign_in_rate_limited();
        return Err(AppError::RateLimited);
    }

    let pool = &ctx.pool;
    let mut tx = db::tx::platform(pool, PlatformAccess::sign_in()).await?;
    let creds = db::users::credentials(&mut tx, &email).await?;
    let role = match (&creds, &org) {
        (Some(c), Some(o)) => db::memberships::role_of(&mut tx, o.id, c.id).await?,
        _ => None,
    };
    tx.commit().await?;

    let password_ok =
        password::verify(password, creds.as_ref().map(|c| c.password_hash.clone())).await;
    let outcome = decide(
        creds.as_ref(),
        password_ok,
        org.as_ref().map(|o| o.status),
        role,
    );
    let user_id = creds.as_ref().map(|c| c.id);
    match outcome {
        Err(failure) => {
            record(
                ctx,
                org.as_ref().map(|o| o.id),
                user_id,
                &email,
                Err(failure.code()),
            )
            .await?;
            Err(failure.error())
        }
        Ok(user_id) => {
            let is_super_admin = creds.as_ref().is_some_and(|c| c.is_super_admin);
            let mut auth = session::SessionAuth {
                user_id,
                org_id: org.as_ref().map(|o| o.id),
                signed_in_at: Some(chrono::Utc::now()),
                epoch: creds.as_ref().map_or(0, |c| c.session_epoch),
                enrolling: false,
            };
            let unavailable = |e: tower_sessions::session::Error| {
                tracing::error!(error = %e, "could not start session");
                AppError::Internal
            };
            if super::second_factor::is_on(pool, user_id).await? {
                let step = session::SecondStep {
                    auth,
                    since: chrono::Utc::now(),
                    failures: 0,
                };
                session::await_second_step(&ctx.session, step)
                    .await
                    .map_err(unavailable)?;
                return Ok(SignedIn::CodeNext);
            }
            auth.enrolling = is_super_admin && org.is_none() && second_factor_required;
            session::start(&ctx.session, auth)
                .await
                .map_err(unavailable)?;
            record(ctx, auth.org_id, Some(user_id), &email, Ok(None)).await?;
            Ok(if auth.enrolling {
                SignedIn::MustEnrol
            } else {
                SignedIn::Done
            })
        }
    }
}

/// The second step of signing in: a code from the person's app, or one of
/// their recovery codes. Five wrong answers (or five minutes) and the
/// password is asked again; attempts are limited like sign-in's.
pub async fn second_step(
    ctx: &Caller,
    (limits, keys): (&SignInLimits, &crate::crypto::Keyring),
    entered: &str,
) -> Result<(), AppError> {
    let over = || AppError::Refused("Your sign-in timed out. Sign in again.".into());
    let now = chrono::Utc::now();
    let mut step = session::second_step(&ctx.session)
        .await
        .filter(|s| s.is_open(now))
        .ok_or_else(over)?;
    let user_id = step.auth.user_id;
    if !limits.allow(ctx.ip, &format!("second-step:{user_id}")) {
        return Err(AppError::RateLimited);
    }
    let email = {
        let mut tx = db::tx::user_only(&ctx.pool, user_id).await?;
        let email = db::users::email_by_id(&mut tx, user_id).await?;
        tx.commit().await?;
        email
    };
    let keep = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "could not keep the sign-in's state");
        AppError::Internal
    };
    match super::second_factor::check(&ctx.pool, keys, user_id, entered).await? {
        Some(passed) => {
            session::update_second_step(&ctx.session, None)
                .await
                .map_err(keep)?;
            let auth = session::SessionAuth {
                signed_in_at: Some(now),
                ..step.auth
            };
            session::start(&ctx.session, auth).await.map_err(keep)?;
            record(
                ctx,
                auth.org_id,
                Some(user_id),
                &email,
                Ok(Some(passed.label())),
            )
            .await
        }
        None => {
            step.failures += 1;
            let open = step.is_open(now);
            session::update_second_step(&ctx.session, open.then_some(step))
                .await
                .map_err(keep)?;
            record(
                ctx,
                step.auth.org_id,
                Some(user_id),
                &email,
                Err("wrong_code"),
            )
            .await?;
            if open {
                Err(AppError::field(
                    "code",
                    "That code is not right. Try the code your app shows now, or a recovery code.",
                ))
            } else {
                Err(over())
            }
        }
    }
}

fn decide(
    creds: Option<&db::users::Credentials>,
    password_ok: bool,
    org_status: Option<OrgStatus>,
    role: Option<Role>,
) -> Result<Uuid, Failure> {
    let creds = creds.ok_or(Failure::UnknownEmail)?;
    if !password_ok {
        return Err(Failure::WrongPassword);
    }
    if creds.disabled {
        return Err(Failure::Disabled);
    }
    match org_status {
        None if creds.is_super_admin => Ok(creds.id),
        None => Err(Failure::NotSuperAdmin),
        Some(_) if role.is_none() => Err(Failure::NotAMember),
        Some(OrgStatus::Suspended) => Err(Failure::OrgSuspended),
        Some(OrgStatus::Active) => Ok(creds.id),
    }
}

async fn record(
    ctx: &Caller,
    org_id: Option<Uuid>,
    user_id: Option<Uuid>,
    email: &str,
    result: Result<Option<&str>, &str>,
) -> Result<(), AppError> {
    let actor = Actor {
        user_id,
        label: email.to_string(),
        ip: ctx.ip,
    };
    let (action, metadata) = match result {
        Ok(None) => ("auth.sign_in", json!({})),
        Ok(Some(second)) => ("auth.sign_in", json!({ "second_factor": second })),
        Err(reason) => ("auth.sign_in_failed", json!({ "reason": reason })),
    };
    let mut tx = db::tx::platform(&ctx.pool, PlatformAccess::sign_in()).await?;
    db::audit::record_auth(
        &mut tx,
        &actor,
        Entry {
            org_id,
            action,
            target: Some(email.to_string()),
            metadata,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn sign_out(ctx: &Caller) -> Result<(), AppError> {
    if let Some(auth) = session::get(&ctx.session).await {
        // The user reads their own row; the entry goes in through the one
        // function that writes sign-in outcomes.
        let mut tx = db::tx::user_only(&ctx.pool, auth.user_id).await?;
        let email = db::users::email_by_id(&mut tx, auth.user_id)
            .await
            .unwrap_or_default();
        let actor = Actor {
            user_id: Some(auth.user_id),
            label: email.clone(),
            ip: ctx.ip,
        };
        let entry = Entry {
            org_id: auth.org_id,
            action: "auth.sign_out",
            target: Some(email),
            metadata: json!({}),
        };
        db::audit::record_auth(&mut tx, &actor, entry).await?;
        tx.commit().await?;
    }
    session::end(&ctx.session).await.map_err(|e| {
        tracing::error!(error = %e, "could not end session");
        AppError::Internal
    })
}
