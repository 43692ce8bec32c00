//! Monthly statements: the organization's members read theirs; the agency
//! closes a month early or again (a close that failed).

use crate::domain::statements::{Statement, StatementsPage};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "org/statements")]
pub async fn load_statements() -> Result<StatementsPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::statements::page(&app.pool, &who).await
        }
        .await,
    )
}

/// One month's statement (`month` as `2026-11`).
#[server(prefix = "/api", endpoint = "org/statements/get")]
pub async fn load_statement(month: String) -> Result<Statement, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            let month = crate::domain::statements::parse_month(&month).ok_or(AppError::NotFound)?;
            crate::services::statements::get(&app.pool, &who, month).await
        }
        .await,
    )
}

/// Closes an organization's month now (and any open month before it);
/// closing a closed month changes nothing. Answers how many were made.
#[server(prefix = "/api", endpoint = "platform/statements/close")]
pub async fn close_statement(org_id: Uuid, month: String) -> Result<usize, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let month = crate::domain::statements::parse_month(&month)
                .ok_or_else(|| AppError::field("month", "Give the month as 2026-11."))?;
            let done = crate::services::statements::close_through(
                &app.pool,
                sa.platform(),
                org_id,
                month,
                &sa.email,
            )
            .await?;
            Ok(done.iter().filter(|c| c.made).count())
        }
        .await,
    )
}

/// The console's billing: revenue per month, and `month`'s statements by
/// organization (the newest month when empty).
#[server(prefix = "/api", endpoint = "platform/statements")]
pub async fn load_platform_billing(
    #[server(default)] month: String,
) -> Result<crate::domain::statements::PlatformBilling, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let month = crate::domain::statements::parse_month(&month);
            crate::services::statements::platform(&app.pool, sa.platform(), month).await
        }
        .await,
    )
}
