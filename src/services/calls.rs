//! The admin's billable override of one call (reading calls: `services::dashboard`).

use crate::db::{self, audit::Actor, audit::Entry, TenantCtx};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Marks one call billable or test (`Some`), or returns it to the default
/// (`None`: phone calls billable, web calls not). Audited.
pub async fn set_billable(
    pool: &PgPool,
    tenant: &TenantCtx,
    actor: &Actor,
    call_id: Uuid,
    billable: Option<bool>,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, tenant).await?;
    let before = db::calls::get(&mut tx, tenant.org_id, call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::calls::set_billable_override(&mut tx, tenant.org_id, call_id, billable).await?;
    let entry = Entry {
        org_id: Some(tenant.org_id),
        action: "call.billable_override",
        target: Some(call_id.to_string()),
        metadata: json!({ "was_billable": before.is_billable, "override": billable }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::calls_changed(&mut tx, tenant.org_id).await?;
    tx.commit().await?;
    Ok(())
}
