//! Self-serve sign-up. Off until a super admin opens it. A company gives
//! its name, the subdomain it wants, the person's name, e-mail and a
//! password; the answer is the same whether or not the address has an
//! account (the password is hashed either way, and the look-up and e-mail
//! happen after the answer). The e-mail's link confirms the address; then
//! the organization, the account and the rates are made in one transaction,
//! and a one-time hand-off signs the person in on their new address, in the
//! setup wizard.

use crate::auth::password;
use crate::config::Config;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::branding::Branding;
use crate::domain::revenue::RateValue;
use crate::domain::signup::{SignupForm, SignupRow, SignupSettings, SignupView, SubdomainCheck};
use crate::domain::{mail, validate, Role};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 24;
/// How long the hand-off to the new address works.
const HANDOFF_MINUTES: i64 = 10;

pub async fn is_open(pool: &PgPool) -> Result<bool, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let s = db::signups::settings(&mut tx).await?;
    tx.commit().await?;
    Ok(s.open)
}

async fn must_be_open(pool: &PgPool) -> Result<(), AppError> {
    if is_open(pool).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The address a subdomain would have (`http://acme.example.com:3000`).
fn address(config: &Config, subdomain: &str) -> String {
    config.org_url(subdomain)
}

/// Format, reserved names, then whether an organization has it.
pub async fn check_subdomain(
    pool: &PgPool,
    config: &Config,
    wanted: &str,
) -> Result<SubdomainCheck, AppError> {
    must_be_open(pool).await?;
    let wanted = wanted.trim().to_lowercase();
    if let Err(message) = validate::subdomain(&wanted) {
        return Ok(SubdomainCheck { ok: false, message });
    }
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let taken = db::signups::subdomain_taken(&mut tx, &wanted).await?;
    tx.commit().await?;
    let host = address(config, &wanted);
    let host = host.split_once("://").map_or(host.as_str(), |(_, h)| h);
    Ok(if taken {
        SubdomainCheck {
            ok: false,
            message: format!("{host} is taken; choose another."),
        }
    } else {
        SubdomainCheck {
            ok: true,
            message: format!("{host} is free."),
        }
    })
}

/// Checks the form and answers; the request is kept and the e-mail written
/// in the background.
pub async fn submit(
    pool: PgPool,
    config: Arc<Config>,
    form: SignupForm,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    must_be_open(&pool).await?;
    let subdomain = form.subdomain.trim().to_lowercase();
    let email = crate::services::users::normalize_email(&form.email);
    let name = form.name.trim().to_string();
    let company = form.company_name.trim().to_string();
    let person = if name.is_empty() {
        Err("Required.".to_string())
    } else if name.chars().count() > 120 {
        Err("At most 120 characters.".to_string())
    } else {
        Ok(())
    };
    // Format, reserved and taken, named with the other fields' mistakes.
    let check = check_subdomain(&pool, &config, &subdomain).await?;
    validate::Checks::new()
        .check("company_name", validate::org_name(&company))
        .check(
            "subdomain",
            if check.ok { Ok(()) } else { Err(check.message) },
        )
        .check("name", person)
        .check("email", validate::email(&email))
        .check("password", validate::new_password(&form.password))
        .finish()?;
    // The same hashing work whoever the address belongs to.
    let password_hash = password::hash(form.password).await?;
    tokio::spawn(async move {
        let request = Request {
            company: &company,
            subdomain: &subdomain,
            person: &name,
            email: &email,
            password_hash: &password_hash,
            ip,
        };
        if let Err(e) = keep(&pool, &config, &request).await {
            tracing::warn!(error = ?e, "could not keep a sign-up");
        }
    });
    Ok(())
}

struct Request<'a> {
    company: &'a str,
    subdomain: &'a str,
    person: &'a str,
    email: &'a str,
    password_hash: &'a str,
    ip: Option<std::net::IpAddr>,
}

async fn keep(pool: &PgPool, config: &Config, r: &Request<'_>) -> Result<(), AppError> {
    let look = Branding::platform();
    let base = config.public_url.trim_end_matches('/');
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let message = if db::users::id_by_email(&mut tx, r.email).await?.is_some() {
        // Someone signed up with an address that has an account: tell its
        // owner, and make nothing.
        mail::signup_existing(&look, r.email, &format!("{base}/forgot-password"))
    } else {
        let (token, token_hash) = crate::crypto::new_link_token();
        let new = db::signups::NewSignup {
            company_name: r.company,
            subdomain: r.subdomain,
            person_name: r.person,
            email: r.email,
            password_hash: r.password_hash,
            token_hash: &token_hash,
            expires_at: chrono::Utc::now() + chrono::Duration::hours(CONFIRM_HOURS),
            ip: r.ip,
        };
        db::signups::insert(&mut tx, &new).await?;
        let link = format!("{base}/signup/confirm/{token}");
        let portal = address(config, r.subdomain);
        mail::signup_confirm(&look, r.email, r.company, &portal, &link, CONFIRM_HOURS)
    };
    db::outbox::enqueue(&mut tx, None, "signup", &message).await?;
    tx.commit().await?;
    Ok(())
}

fn expired() -> AppError {
    AppError::Refused(
        "This link has expired or was already used. Sign up again, or sign in if your portal exists."
            .into(),
    )
}

/// What a confirmation link is for.
pub async fn view(pool: &PgPool, config: &Config, token: &str) -> Result<SignupView, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let pending = db::signups::by_token(&mut tx, &crate::crypto::link_token_hash(token)).await?;
    tx.commit().await?;
    let p = pending
        .filter(|p| !p.confirmed && p.expires_at > chrono::Utc::now())
        .ok_or_else(expired)?;
    Ok(SignupView {
        company_name: p.company_name,
        address: address(config, &p.subdomain),
        email: p.email,
    })
}

/// Confirms the address and makes the organization; answers the hand-off
/// address that signs the person in there.
pub async fn confirm(
    pool: &PgPool,
    config: &Config,
    token: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<String, AppError> {
    let want = crate::crypto::link_token_hash(token);
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let p = db::signups::by_token(&mut tx, &want)
        .await?
        .ok_or_else(expired)?;
    use subtle::ConstantTimeEq;
    let same: bool = p.token_hash.ct_eq(&want).into();
    if !same || p.confirmed || p.expires_at <= chrono::Utc::now() {
        return Err(expired());
    }
    if db::users::id_by_email(&mut tx, &p.email).await?.is_some() {
        return Err(AppError::Refused(
            "This address has an account now. Sign in with it instead.".into(),
        ));
    }
    if db::signups::subdomain_taken(&mut tx, &p.subdomain).await? {
        return Err(AppError::Refused(format!(
            "Someone took {} in the meantime. Sign up again with another subdomain.",
            p.subdomain
        )));
    }
    let new = db::orgs::NewOrg {
        name: &p.company_name,
        slug: &p.subdomain,
        subdomain: &p.subdomain,
        custom_domain: None,
    };
    let org_id = db::orgs::insert(&mut tx, &new).await?;
    let rates = db::signups::settings(&mut tx).await?;
    db::revenue::set_rates(&mut tx, org_id, rates.billing, rates.cogs).await?;
    let user_id = db::users::insert(&mut tx, &p.email, &p.password_hash, false).await?;
    db::memberships::upsert(&mut tx, org_id, user_id, Role::Admin).await?;
    db::setup::create(&mut tx, org_id).await?;
    let (handoff, handoff_hash) = crate::crypto::new_link_token();
    let until = chrono::Utc::now() + chrono::Duration::minutes(HANDOFF_MINUTES);
    db::signups::confirm(&mut tx, p.id, org_id, &handoff_hash, until).await?;
    let actor = Actor {
        user_id: Some(user_id),
        label: p.email.clone(),
        ip,
    };
    let entry = Entry {
        org_id: Some(org_id),
        action: "org.signup",
        target: Some(p.subdomain.clone()),
        metadata: json!({ "name": p.company_name, "person": p.person_name }),
    };
    db::audit::record(&mut tx, &actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(format!(
        "{}/welcome/start/{handoff}",
        address(config, &p.subdomain)
    ))
}

/// Uses up a hand-off on organization `org_id`'s address: the user to sign
/// in and their session epoch.
pub async fn handoff(pool: &PgPool, org_id: Uuid, token: &str) -> Result<(Uuid, i32), AppError> {
    let hash = crate::crypto::link_token_hash(token);
    let mut tx = db::tx::platform(pool, PlatformAccess::signup()).await?;
    let email = db::signups::take_handoff(&mut tx, org_id, &hash)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user_id = db::users::id_by_email(&mut tx, &email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let epoch = db::users::session_epoch(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok((user_id, epoch))
}

/// The console's view of the settings.
pub async fn settings(pool: &PgPool, access: PlatformAccess) -> Result<SignupSettings, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let s = db::signups::settings(&mut tx).await?;
    tx.commit().await?;
    Ok(SignupSettings {
        open: s.open,
        billing: s.billing.dollars(),
        cogs: s.cogs.dollars(),
    })
}

/// Opens or closes sign-up and sets the rates new organizations start on.
pub async fn save_settings(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    input: &SignupSettings,
) -> Result<SignupSettings, AppError> {
    let rate = |field: &str, text: &str| {
        RateValue::parse_dollars(text).ok_or_else(|| {
            AppError::field(field, "Enter dollars per minute, e.g. 0.40 (at most $100).")
        })
    };
    let billing = rate("billing", &input.billing)?;
    let cogs = rate("cogs", &input.cogs)?;
    let mut tx = db::tx::platform(pool, access).await?;
    let s = db::signups::Settings {
        open: input.open,
        billing,
        cogs,
    };
    db::signups::save_settings(&mut tx, &s).await?;
    let entry = Entry {
        org_id: None,
        action: "platform.signup_settings",
        target: None,
        metadata: json!({ "open": input.open, "billing": billing.dollars(), "cogs": cogs.dollars() }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    settings(pool, access).await
}

pub async fn list(pool: &PgPool, access: PlatformAccess) -> Result<Vec<SignupRow>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let rows = db::signups::list(&mut tx, 200).await?;
    tx.commit().await?;
    Ok(rows)
}
