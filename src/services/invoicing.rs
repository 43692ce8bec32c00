//! Invoices in Stripe for closed statements (optional: only with
//! `CALLBOARD_STRIPE_SECRET_KEY`). Each statement becomes one invoice for
//! the organization's customer (made on first need), one invoice item per
//! statement line, finalized with `auto_advance` so Stripe e-mails it.
//! Every call carries an idempotency key derived from the statement, so a
//! round that failed halfway is simply run again. Stripe's webhook marks
//! invoices paid or failed.

use crate::db::{self, PlatformAccess};
use crate::domain::statements::month_label;
use crate::error::AppError;
use crate::stripe::{self, Client, StripeError};
use serde_json::Value;
use sqlx::PgPool;

/// Invoices up to 50 statements; answers how many were finished.
pub async fn invoice_due(pool: &PgPool, client: &Client) -> Result<usize, AppError> {
    let access = PlatformAccess::housekeeping();
    let mut tx = db::tx::platform(pool, access).await?;
    let due = db::invoices::due(&mut tx, 50).await?;
    tx.commit().await?;
    let mut done = 0;
    for d in due {
        match invoice(pool, client, &d).await {
            Ok(()) => done += 1,
            Err(e) => {
                tracing::warn!(statement = %d.statement_id, error = %e, "could not invoice a statement");
                let mut tx = db::tx::platform(pool, access).await?;
                let message = e.to_string();
                db::invoices::set(
                    &mut tx,
                    d.statement_id,
                    d.org_id,
                    None,
                    "pending",
                    Some(&message),
                )
                .await?;
                tx.commit().await?;
            }
        }
    }
    Ok(done)
}

#[derive(Debug, thiserror::Error)]
enum Failed {
    #[error(transparent)]
    Stripe(#[from] StripeError),
    #[error("database: {0}")]
    Db(String),
}

impl From<AppError> for Failed {
    fn from(e: AppError) -> Self {
        Failed::Db(format!("{e:?}"))
    }
}

impl From<sqlx::Error> for Failed {
    fn from(e: sqlx::Error) -> Self {
        Failed::from(AppError::from(e))
    }
}

async fn invoice(pool: &PgPool, client: &Client, d: &db::invoices::Due) -> Result<(), Failed> {
    let access = PlatformAccess::housekeeping();
    let (customer, lines) = {
        let mut tx = db::tx::platform(pool, access).await?;
        let customer = db::invoices::customer(&mut tx, d.org_id).await?;
        let s = db::statements::get(&mut tx, d.org_id, d.month)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        (customer, s.lines)
    };
    let customer = match customer {
        Some(c) => c,
        None => {
            let made = client
                .post(
                    "/v1/customers",
                    &[
                        ("name", d.org_name.clone()),
                        ("metadata[organization_id]", d.org_id.to_string()),
                    ],
                    &format!("callboard-customer-{}", d.org_id),
                )
                .await?;
            let id = stripe::id(&made)?;
            let mut tx = db::tx::platform(pool, access).await?;
            db::invoices::set_customer(&mut tx, d.org_id, &id).await?;
            let kept = db::invoices::customer(&mut tx, d.org_id)
                .await?
                .unwrap_or(id);
            tx.commit().await?;
            kept
        }
    };
    let key = |what: &str| format!("callboard-{what}-{}", d.statement_id);
    let made: Value = client
        .post(
            "/v1/invoices",
            &[
                ("customer", customer.clone()),
                ("auto_advance", "true".into()),
                ("collection_method", "send_invoice".into()),
                ("days_until_due", "30".into()),
                ("currency", "usd".into()),
                ("description", format!("Calls in {}", month_label(d.month))),
                ("metadata[statement_id]", d.statement_id.to_string()),
            ],
            &key("invoice"),
        )
        .await?;
    let invoice_id = stripe::id(&made)?;
    {
        let mut tx = db::tx::platform(pool, access).await?;
        db::invoices::set(
            &mut tx,
            d.statement_id,
            d.org_id,
            Some(&invoice_id),
            "pending",
            None,
        )
        .await?;
        tx.commit().await?;
    }
    for (i, line) in lines.iter().enumerate() {
        client
            .post(
                "/v1/invoiceitems",
                &[
                    ("customer", customer.clone()),
                    ("invoice", invoice_id.clone()),
                    ("currency", "usd".into()),
                    ("amount", line.amount_cents.to_string()),
                    ("description", line.description.clone()),
                ],
                &key(&format!("item-{}", i + 1)),
            )
            .await?;
    }
    client
        .post(
            &format!("/v1/invoices/{invoice_id}/finalize"),
            &[("auto_advance", "true".into())],
            &key("finalize"),
        )
        .await?;
    let mut tx = db::tx::platform(pool, access).await?;
    db::invoices::set(
        &mut tx,
        d.statement_id,
        d.org_id,
        Some(&invoice_id),
        "open",
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a verified webhook event did.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// Kept, and the invoice moved to this state (or nothing to move).
    Applied(Option<&'static str>),
    /// The same event again: nothing more.
    Again,
}

/// Applies a verified Stripe event, durably, once.
pub async fn receive(pool: &PgPool, event: &Value) -> Result<Received, AppError> {
    let id = event["id"]
        .as_str()
        .ok_or_else(|| AppError::field("id", "An event has an id."))?;
    let kind = event["type"].as_str().unwrap_or_default();
    let mut tx = db::tx::platform(pool, PlatformAccess::housekeeping()).await?;
    if !db::invoices::keep_event(&mut tx, id, kind, event).await? {
        return Ok(Received::Again);
    }
    let status = match kind {
        "invoice.paid" => Some("paid"),
        "invoice.payment_failed" => Some("failed"),
        "invoice.voided" | "invoice.marked_uncollectible" => Some("void"),
        _ => None,
    };
    let moved = match (status, event["data"]["object"]["id"].as_str()) {
        (Some(s), Some(invoice)) => db::invoices::set_status_by_invoice(&mut tx, invoice, s)
            .await?
            .then_some(s),
        _ => None,
    };
    tx.commit().await?;
    Ok(Received::Applied(moved))
}
