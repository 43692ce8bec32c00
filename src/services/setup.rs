//! The setup wizard of an organization that signed up itself: company
//! details and timezone → greeting → hours and transfer → phone number
//! (skippable) → done. Each step stores the Agent Settings (checked as the
//! settings page checks them) and marks itself done; the dashboard shows a
//! checklist until every step is.

use crate::auth::Principal;
use crate::db;
use crate::domain::signup::{SetupPage, SetupProgress, SetupStep};
use crate::domain::{AgentSettings, SettingsForm};
use crate::error::AppError;
use sqlx::PgPool;

/// The wizard's page; 404 for an organization the agency set up.
pub async fn page(pool: &PgPool, who: &Principal) -> Result<SetupPage, AppError> {
    who.must_be_admin()?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let progress = db::setup::progress(&mut tx, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = match db::settings::get(&mut tx, org_id).await? {
        Some((s, _)) => s,
        None => {
            let org = db::orgs::get(&mut tx, org_id).await?;
            AgentSettings::defaults(&org.name, &who.email)
        }
    };
    tx.commit().await?;
    Ok(SetupPage {
        progress,
        settings,
        timezones: crate::domain::time::timezone_names(),
    })
}

/// Saves one step's settings (the form carries every field: the others as
/// they were) and marks it done; answers the step that follows.
pub async fn save(
    pool: &PgPool,
    who: &Principal,
    step: SetupStep,
    form: &SettingsForm,
) -> Result<SetupStep, AppError> {
    who.must_be_admin()?;
    if step == SetupStep::Done {
        return Err(AppError::NotFound);
    }
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    if db::setup::progress(&mut tx, who.org_id()).await?.is_none() {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    crate::services::settings::save(pool, who, form).await?;
    mark(pool, who, step, false).await?;
    Ok(step.next())
}

/// Leaves the phone number for later.
pub async fn skip_phone(pool: &PgPool, who: &Principal) -> Result<(), AppError> {
    who.must_be_admin()?;
    mark(pool, who, SetupStep::Phone, true).await
}

async fn mark(
    pool: &PgPool,
    who: &Principal,
    step: SetupStep,
    skipped: bool,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    db::setup::mark(&mut tx, who.org_id(), step, skipped).await?;
    tx.commit().await?;
    Ok(())
}

/// The dashboard's checklist: for admins of an organization still setting
/// up; `None` otherwise.
pub async fn checklist(pool: &PgPool, who: &Principal) -> Result<Option<SetupProgress>, AppError> {
    if !who.is_admin() {
        return Ok(None);
    }
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let progress = db::setup::progress(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(progress.filter(|p| !p.completed))
}
