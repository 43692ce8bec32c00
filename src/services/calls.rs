//! The agency's billable override of one call, and an organization admin's
//! request for one (reading calls: `services::dashboard`).

use crate::auth::Principal;
use crate::db::{self, audit::Entry};
use crate::domain::BillingReview;
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Marks one call billable or test (`Some`), or returns it to the default
/// (`None`: phone calls billable, web calls not), and closes any open review
/// request for it with that decision. Audited. Only the agency calls this
/// (`Need::Agency`).
pub async fn set_billable(
    pool: &PgPool,
    who: &Principal,
    call_id: Uuid,
    billable: Option<bool>,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let before = db::calls::get(&mut tx, who.org_id(), call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::calls::set_billable_override(&mut tx, who.org_id(), call_id, billable).await?;
    let resolution = match billable {
        Some(true) => "billable",
        Some(false) => "test",
        None => "default",
    };
    db::reviews::resolve(&mut tx, who.org_id(), call_id, resolution).await?;
    let entry = Entry {
        org_id: Some(who.org_id()),
        action: "call.billable_override",
        target: Some(call_id.to_string()),
        metadata: json!({ "was_billable": before.is_billable, "override": billable }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    db::notify::calls_changed(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(())
}

pub const MAX_NOTE: usize = 500;

/// Asks the agency to review a call's billable status. Returns false when a
/// request for the call is already open (nothing new is stored).
pub async fn request_review(
    pool: &PgPool,
    who: &Principal,
    call_id: Uuid,
    note: &str,
) -> Result<bool, AppError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::field(
            "note",
            "Keep the note under 500 characters.",
        ));
    }
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    db::calls::get(&mut tx, who.org_id(), call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let opened = db::reviews::open(&mut tx, who.org_id(), call_id, &who.actor.label, note).await?;
    if opened {
        let entry = Entry {
            org_id: Some(who.org_id()),
            action: "call.review_requested",
            target: Some(call_id.to_string()),
            metadata: json!({ "note": note }),
        };
        db::audit::record(&mut tx, &who.actor, entry).await?;
    }
    tx.commit().await?;
    Ok(opened)
}

/// Closes a call's open review request without changing the call.
pub async fn dismiss_review(pool: &PgPool, who: &Principal, call_id: Uuid) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    if db::reviews::resolve(&mut tx, who.org_id(), call_id, "dismissed").await? == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(who.org_id()),
        action: "call.review_dismissed",
        target: Some(call_id.to_string()),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The organization's open review requests, oldest first.
pub async fn open_reviews(pool: &PgPool, who: &Principal) -> Result<Vec<BillingReview>, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let rows = db::reviews::list_open(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| BillingReview {
            call_id: r.call_id,
            requested_by: r.requested_by,
            note: r.note,
            requested_at: r.created_at,
            call_started_at: r.call_started_at,
            from_number: r.from_number,
            billed_minutes: r.billed_minutes.into(),
            is_billable: r.is_billable,
        })
        .collect())
}
