//! The agency's shared voice-platform key: used by every organization that
//! has no key of its own, for imports, agent checks and verifying what the
//! platform sends. Set by a super admin (console) or the operator (CLI).

use crate::auth::Principal;
use crate::crypto::{self, Keyring};
use crate::db::audit::{Actor, Entry};
use crate::db::{self, credentials::SHARED_VOICE_API_KEY, PlatformAccess};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Stores (or replaces) the shared key, sealed; returns its last four.
pub async fn set(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    keys: &Keyring,
    key: &str,
) -> Result<String, AppError> {
    let key = key.trim();
    crate::domain::validate::Checks::new()
        .check("api_key", super::agents::check_key(key))
        .finish()?;
    let sealed = keys.seal(Uuid::nil(), SHARED_VOICE_API_KEY, key);
    let last4 = crypto::last4(key);
    let mut tx = db::tx::platform(pool, access).await?;
    db::credentials::shared_put(&mut tx, &sealed, &last4).await?;
    let entry = Entry {
        org_id: None,
        action: "platform.api_key.set",
        target: None,
        metadata: json!({ "ends_in": last4 }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    // Every organization without its own key now verifies with this one.
    db::notify::commit_config(tx, Uuid::nil()).await?;
    Ok(last4)
}

/// The shared key's last four characters and when it was stored, if set.
pub async fn status(
    pool: &PgPool,
    access: PlatformAccess,
) -> Result<Option<(String, DateTime<Utc>)>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let stored = db::credentials::shared_get(&mut tx).await?;
    tx.commit().await?;
    Ok(stored.map(|(_, last4, at)| (last4, at)))
}

/// The key an organization's calls to the platform use, opened: its own,
/// else the agency's shared one; refused in words when there is neither.
pub(crate) async fn key_for(
    pool: &PgPool,
    keys: &Keyring,
    who: &Principal,
) -> Result<String, AppError> {
    let org_id = who.org_id();
    // The same lookup that checks what the platform sends us.
    let mut tx = db::tx::platform(pool, PlatformAccess::voice_platform()).await?;
    let key = db::credentials::voice_key_of(&mut tx, org_id)
        .await?
        .and_then(|(key, _)| key);
    tx.commit().await?;
    let key = key.ok_or_else(|| {
        AppError::Refused(
            "No API key is stored for this organization, and the agency has no shared key. \
             Store one on the Agents page first."
                .into(),
        )
    })?;
    key.open(keys, org_id).map_err(|e| {
        tracing::error!(%org_id, error = %e, "cannot open the voice platform key");
        AppError::Refused(
            "The stored API key cannot be read with this server's encryption key. Store it again."
                .into(),
        )
    })
}

/// Counts one call to the platform for the organization (the console's
/// system page shows calls today and the last error). Never fails the
/// action it belongs to: a problem here is only logged.
pub(crate) async fn note<T>(
    pool: &PgPool,
    who: &Principal,
    result: &Result<T, crate::retell::client::ClientError>,
) {
    let error = result.as_ref().err().map(ToString::to_string);
    let recorded = async {
        let mut tx = db::tx::tenant(pool, &who.tenant).await?;
        db::voice_usage::record(&mut tx, who.org_id(), error.as_deref()).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = recorded {
        tracing::warn!(org_id = %who.org_id(), error = ?e, "could not count a voice platform call");
    }
}
