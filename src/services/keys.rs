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
    tx.commit().await?;
    Ok(report)
}
