//! What every operator command needs: a database pool, person-readable
//! errors, organizations by slug, the operator's scope and the keyring.
//! The command modules use this one and never each other.

use crate::config::Config;
use crate::crypto::Keyring;
use crate::db::{self, PlatformAccess};
use crate::error::AppError;
use crate::services;
use anyhow::{anyhow, bail, Context};
use sqlx::PgPool;

pub async fn pool(config: &Config) -> anyhow::Result<PgPool> {
    let pool = db::connect_lazy(&config.database_url, 2)?;
    sqlx::query("SELECT 1")
        .execute(&pool)
        .await
        .context("cannot reach the database (is DATABASE_URL right and PostgreSQL running?)")?;
    Ok(pool)
}

/// A person-readable message for an error from the services.
pub fn explain(e: AppError) -> anyhow::Error {
    match &e {
        AppError::Validation { fields, message } if !fields.is_empty() => anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("; ")
        )
        .context(message.clone()),
        AppError::NotFound => anyhow!("not found"),
        _ => anyhow!("{e}"),
    }
}

pub async fn org_by_slug(pool: &PgPool, slug: &str) -> anyhow::Result<crate::domain::OrgSummary> {
    services::orgs::by_slug(pool, PlatformAccess::operator(), slug)
        .await
        .map_err(|e| match e {
            AppError::NotFound => anyhow!("no organization with slug {slug:?}"),
            other => explain(other),
        })
}

/// Secrets sealed with a throwaway key would be lost when the command exits.
pub fn keyring(config: &Config) -> anyhow::Result<Keyring> {
    if std::env::var("CALLBOARD_ENCRYPTION_KEY").map_or(true, |v| v.trim().is_empty()) {
        bail!("CALLBOARD_ENCRYPTION_KEY is not set (scripts/dev writes one to .env)");
    }
    Ok(Keyring::new(
        config.encryption_key,
        config.previous_encryption_keys.clone(),
    ))
}
