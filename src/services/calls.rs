//! Call records as an organization sees them, and the admin's billable override.

use crate::db::{self, audit::Actor, audit::Entry, TenantCtx};
use crate::domain::CallBrief;
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

fn brief(c: db::calls::CallRow) -> CallBrief {
    CallBrief {
        id: c.id,
        started_at: c.started_at,
        direction: c.direction,
        from_number: c.from_number,
        to_number: c.to_number,
        duration_ms: c.duration_ms,
        billed_minutes: c.billed_minutes,
        status: c.call_status,
        sentiment: c.sentiment,
        summary: c.summary,
        is_billable: c.is_billable,
        is_web: c.call_type == "web_call",
    }
}

pub async fn recent(
    pool: &PgPool,
    tenant: &TenantCtx,
    limit: i64,
) -> Result<Vec<CallBrief>, AppError> {
    let mut tx = db::tx::tenant(pool, tenant).await?;
    let rows = db::calls::recent(&mut tx, tenant.org_id, limit).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(brief).collect())
}

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
