//! Two-factor sign-in: turning it on from the Account page (a secret shown
//! as a QR code and as text, confirmed with a first code, then ten recovery
//! codes shown once), turning it off, new recovery codes, and checking the
//! second step at sign-in. Secrets are sealed like API keys, bound to their
//! user; recovery codes are kept as hashes.

use crate::auth::{password, totp};
use crate::crypto::Keyring;
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::two_factor::{Enrolment, TwoFactorStatus};
use crate::error::AppError;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The person acting on their own account.
pub struct Holder<'a> {
    pub user_id: Uuid,
    pub email: &'a str,
    /// What authenticator apps list the codes under: the organization's
    /// name on its address, the console's on the platform's.
    pub issuer: &'a str,
    pub ip: Option<std::net::IpAddr>,
}

impl Holder<'_> {
    fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            label: self.email.to_string(),
            ip: self.ip,
        }
    }
}

fn open_secret(
    keys: &Keyring,
    user_id: Uuid,
    t: &db::two_factor::Totp,
) -> Result<String, AppError> {
    keys.open(user_id, db::two_factor::SECRET_COLUMN, &t.sealed)
        .map_err(|e| {
            tracing::error!(error = %e, "a two-factor secret does not open");
            AppError::Internal
        })
}

/// Where the person stands; an enrolment under way comes with its QR code
/// and secret (so a page reloaded after a plain form post shows them).
pub async fn status(
    pool: &PgPool,
    keys: &Keyring,
    who: &Holder<'_>,
    required: bool,
) -> Result<TwoFactorStatus, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    let totp = db::two_factor::get(&mut tx, who.user_id).await?;
    let codes_left = db::two_factor::codes_left(&mut tx, who.user_id).await?;
    tx.commit().await?;
    let Some(t) = totp else {
        return Ok(TwoFactorStatus {
            on_since: None,
            enrolment: None,
            codes_left: 0,
            required,
            fresh_codes: vec![],
        });
    };
    let enrolment = match t.confirmed_at {
        Some(_) => None,
        None => {
            let secret = open_secret(keys, who.user_id, &t)?;
            let url =
                totp::provisioning_url(&secret, who.issuer, who.email).ok_or(AppError::Internal)?;
            Some(Enrolment {
                qr_svg: totp::qr_svg(&url).ok_or(AppError::Internal)?,
                secret: group(&secret),
            })
        }
    };
    Ok(TwoFactorStatus {
        on_since: t.confirmed_at,
        enrolment,
        codes_left,
        required,
        fresh_codes: vec![],
    })
}

/// The secret in groups of four, easier to type.
fn group(secret: &str) -> String {
    secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Starts an enrolment with a new secret (a second start replaces the
/// first's unconfirmed secret).
pub async fn begin(pool: &PgPool, keys: &Keyring, who: &Holder<'_>) -> Result<(), AppError> {
    let secret = totp::new_secret();
    let sealed = keys.seal(who.user_id, db::two_factor::SECRET_COLUMN, &secret);
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    if !db::two_factor::put_pending(&mut tx, who.user_id, &sealed).await? {
        return Err(AppError::Refused(
            "Two-factor sign-in is already on.".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

/// Confirms an enrolment with a code from the app; answers the recovery
/// codes, which are shown once.
pub async fn confirm(
    pool: &PgPool,
    keys: &Keyring,
    who: &Holder<'_>,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    let t = db::two_factor::get(&mut tx, who.user_id)
        .await?
        .filter(|t| t.confirmed_at.is_none())
        .ok_or_else(|| AppError::Refused("Start again: choose “Turn on” first.".into()))?;
    let secret = open_secret(keys, who.user_id, &t)?;
    let wrong = || {
        AppError::field(
            "code",
            "That code is not right. Enter the six digits your app shows now.",
        )
    };
    let step = totp::matching_step(&secret, code, unix_now()).ok_or_else(wrong)?;
    if !db::two_factor::take_step(&mut tx, who.user_id, step).await? {
        return Err(wrong());
    }
    db::two_factor::confirm(&mut tx, who.user_id).await?;
    let codes = store_new_codes(&mut tx, who.user_id).await?;
    record(&mut tx, who, "user.two_factor_on").await?;
    tx.commit().await?;
    Ok(codes)
}

async fn store_new_codes(conn: &mut PgConnection, user_id: Uuid) -> Result<Vec<String>, AppError> {
    let codes = totp::new_recovery_codes();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    db::two_factor::replace_codes(conn, user_id, &hashes).await?;
    Ok(codes)
}

/// Checks the person's password before a change that weakens or replaces
/// their second factor.
async fn check_password(pool: &PgPool, who: &Holder<'_>, text: String) -> Result<(), AppError> {
    if text.len() > crate::auth::login::MAX_PASSWORD {
        return Err(AppError::field(
            "password",
            "A password has at most 1,024 characters.",
        ));
    }
    let stored = {
        let mut tx = db::tx::platform(pool, PlatformAccess::sign_in()).await?;
        let c = db::users::credentials(&mut tx, who.email).await?;
        tx.commit().await?;
        c.filter(|c| c.id == who.user_id).map(|c| c.password_hash)
    };
    if password::verify(text, stored).await {
        Ok(())
    } else {
        Err(AppError::field(
            "password",
            "That is not your current password.",
        ))
    }
}

/// Turns two-factor sign-in off (the password is asked again). Refused
/// where it is required.
pub async fn turn_off(
    pool: &PgPool,
    who: &Holder<'_>,
    password_text: String,
    required: bool,
) -> Result<(), AppError> {
    if required {
        return Err(AppError::Refused(
            "Two-factor sign-in is required for your account and cannot be turned off.".into(),
        ));
    }
    check_password(pool, who, password_text).await?;
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    db::two_factor::remove(&mut tx, who.user_id).await?;
    record(&mut tx, who, "user.two_factor_off").await?;
    tx.commit().await?;
    Ok(())
}

/// Ten new recovery codes in place of the old ones (the password is asked
/// again).
pub async fn new_codes(
    pool: &PgPool,
    who: &Holder<'_>,
    password_text: String,
) -> Result<Vec<String>, AppError> {
    check_password(pool, who, password_text).await?;
    let mut tx = db::tx::platform(pool, PlatformAccess::own_account()).await?;
    if !db::two_factor::is_on(&mut tx, who.user_id).await? {
        return Err(AppError::Refused("Two-factor sign-in is off.".into()));
    }
    let codes = store_new_codes(&mut tx, who.user_id).await?;
    record(&mut tx, who, "user.recovery_codes_new").await?;
    tx.commit().await?;
    Ok(codes)
}

async fn record(
    conn: &mut PgConnection,
    who: &Holder<'_>,
    action: &'static str,
) -> Result<(), AppError> {
    let entry = Entry {
        org_id: None,
        action,
        target: Some(who.email.to_string()),
        metadata: json!({}),
    };
    db::audit::record(conn, &who.actor(), entry).await
}

fn unix_now() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}
