//! Re-sealing every stored credential with the current encryption key
//! (`callboard rotate-encryption-key`). Runs on the platform path: it is the
//! one job that must see every organization's sealed values.

use crate::crypto::Keyring;
use crate::db::{self, PlatformAccess};
use crate::error::AppError;
use sqlx::PgPool;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    pub resealed: usize,
    pub already_current: usize,
}

/// Opens each value with whichever configured key sealed it and seals it
/// again with the current key, all in one transaction: either every value
/// moves to the new key or none does.
pub async fn rotate(
    pool: &PgPool,
    access: PlatformAccess,
    keys: &Keyring,
) -> Result<Rotation, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let mut report = Rotation::default();
    for (org_id, kind, sealed) in db::credentials::all_sealed(&mut tx).await? {
        if !keys.is_stale(&sealed) {
            report.already_current += 1;
            continue;
        }
        let plain = keys.open(org_id, &kind, &sealed).map_err(|e| {
            AppError::Refused(format!(
                "A {kind} of organization {org_id} cannot be opened ({e}). Add the key that sealed it to CALLBOARD_ENCRYPTION_KEY_PREVIOUS."
            ))
        })?;
        db::credentials::reseal(&mut tx, org_id, &kind, &keys.seal(org_id, &kind, &plain)).await?;
        report.resealed += 1;
    }
    // Phone numbers' SIP passwords, sealed with the number's id.
    for (org_id, id, sealed) in db::numbers::all_sip_passwords(&mut tx).await? {
        if !keys.is_stale(&sealed) {
            report.already_current += 1;
            continue;
        }
        let column = db::numbers::sip_column(id);
        let plain = keys.open(org_id, &column, &sealed).map_err(|e| {
            AppError::Refused(format!(
                "The SIP password of number {id} cannot be opened ({e}). Add the key that sealed it to CALLBOARD_ENCRYPTION_KEY_PREVIOUS."
            ))
        })?;
        let resealed = keys.seal(org_id, &column, &plain);
        db::numbers::reseal_sip_password(&mut tx, org_id, id, &resealed).await?;
        report.resealed += 1;
    }
    // Two-factor secrets, sealed with their user's id.
    for (user_id, sealed) in db::two_factor::all_sealed(&mut tx).await? {
        if !keys.is_stale(&sealed) {
            report.already_current += 1;
            continue;
        }
        let column = db::two_factor::SECRET_COLUMN;
        let plain = keys.open(user_id, column, &sealed).map_err(|e| {
            AppError::Refused(format!(
                "The two-factor secret of user {user_id} cannot be opened ({e}). Add the key that sealed it to CALLBOARD_ENCRYPTION_KEY_PREVIOUS."
            ))
        })?;
        db::two_factor::reseal(&mut tx, user_id, &keys.seal(user_id, column, &plain)).await?;
        report.resealed += 1;
    }
    // The agency's shared key.
    if let Some((sealed, _, _)) = db::credentials::shared_get(&mut tx).await? {
        use db::credentials::SHARED_VOICE_API_KEY as SHARED;
        if keys.is_stale(&sealed) {
            let nil = uuid::Uuid::nil();
            let plain = keys.open(nil, SHARED, &sealed).map_err(|e| {
                AppError::Refused(format!(
                    "The agency's shared key cannot be opened ({e}). Add the key that sealed it to CALLBOARD_ENCRYPTION_KEY_PREVIOUS."
                ))
            })?;
            db::credentials::shared_reseal(&mut tx, &keys.seal(nil, SHARED, &plain)).await?;
            report.resealed += 1;
        } else {
            report.already_current += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}
