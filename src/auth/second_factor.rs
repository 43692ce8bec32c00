//! The second step of signing in, checked: six digits are an authenticator
//! code (good once: its time step is used up), anything else a recovery
//! code (good once). On the platform path's second-factor purpose: a
//! person's secrets are nobody's tenant data.

use super::totp;
use crate::crypto::Keyring;
use crate::db::{self, PlatformAccess};
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

/// How the second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Code,
    RecoveryCode,
}

impl Passed {
    pub fn label(self) -> &'static str {
        match self {
            Passed::Code => "authenticator",
            Passed::RecoveryCode => "recovery_code",
        }
    }
}

/// Checks a sign-in's second step: six digits are an authenticator code
/// (good once), anything else a recovery code (good once).
pub async fn check(
    pool: &PgPool,
    keys: &Keyring,
    user_id: Uuid,
    entered: &str,
) -> Result<Option<Passed>, AppError> {
    if entered.len() > 64 {
        return Ok(None);
    }
    let mut tx = db::tx::platform(pool, PlatformAccess::second_factor()).await?;
    let passed = if totp::is_code(entered) {
        let Some(t) = db::two_factor::get(&mut tx, user_id)
            .await?
            .filter(|t| t.confirmed_at.is_some())
        else {
            return Ok(None);
        };
        let secret = keys
            .open(user_id, db::two_factor::SECRET_COLUMN, &t.sealed)
            .map_err(|e| {
                tracing::error!(error = %e, "a two-factor secret does not open");
                AppError::Internal
            })?;
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        match totp::matching_step(&secret, entered, now) {
            Some(step) if db::two_factor::take_step(&mut tx, user_id, step).await? => {
                Some(Passed::Code)
            }
            _ => None,
        }
    } else {
        db::two_factor::use_code(&mut tx, user_id, &totp::recovery_hash(entered))
            .await?
            .then_some(Passed::RecoveryCode)
    };
    tx.commit().await?;
    Ok(passed)
}

/// Whether the user signs in with a second step.
pub async fn is_on(pool: &PgPool, user_id: Uuid) -> Result<bool, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::second_factor()).await?;
    let on = db::two_factor::is_on(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(on)
}
