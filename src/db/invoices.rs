//! Stripe customers, statements' invoices and Stripe's events (migration
//! 23). Written on the platform path only; an organization reads its own
//! invoices' states.

use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// A closed statement to invoice (or whose invoicing did not finish).
pub struct Due {
    pub statement_id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    pub month: chrono::NaiveDate,
    pub invoice_id: Option<String>,
}

/// Statements with something to bill and no finished invoice, oldest first.
pub async fn due(conn: &mut PgConnection, limit: i64) -> Result<Vec<Due>, AppError> {
    let rows: Vec<(Uuid, Uuid, String, chrono::NaiveDate, Option<String>)> = sqlx::query_as(
        "SELECT s.id, s.organization_id, o.name, s.month, i.invoice_id
           FROM statements s
           JOIN organizations o ON o.id = s.organization_id
           LEFT JOIN statement_invoices i ON i.statement_id = s.id
          WHERE s.total_cents <> 0 AND (i.status IS NULL OR i.status = 'pending')
          ORDER BY s.closed_at LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(statement_id, org_id, org_name, month, invoice_id)| Due {
            statement_id,
            org_id,
            org_name,
            month,
            invoice_id,
        })
        .collect())
}

pub async fn customer(conn: &mut PgConnection, org_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT customer_id FROM stripe_customers WHERE organization_id = $1")
            .bind(org_id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn set_customer(
    conn: &mut PgConnection,
    org_id: Uuid,
    customer: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO stripe_customers (organization_id, customer_id) VALUES ($1, $2)
         ON CONFLICT (organization_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(customer)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records where invoicing a statement stands.
pub async fn set(
    conn: &mut PgConnection,
    statement_id: Uuid,
    org_id: Uuid,
    invoice_id: Option<&str>,
    status: &str,
    error: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO statement_invoices (statement_id, organization_id, invoice_id, status, last_error)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (statement_id) DO UPDATE
            SET invoice_id = coalesce(EXCLUDED.invoice_id, statement_invoices.invoice_id),
                status = EXCLUDED.status, last_error = EXCLUDED.last_error, updated_at = now()",
    )
    .bind(statement_id)
    .bind(org_id)
    .bind(invoice_id)
    .bind(status)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Keeps a webhook event once; false when it was kept before.
pub async fn keep_event(
    conn: &mut PgConnection,
    id: &str,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO stripe_events (id, type, payload) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(kind)
    .bind(payload)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the invoice `invoice_id` to `status`; answers whether one did.
pub async fn set_status_by_invoice(
    conn: &mut PgConnection,
    invoice_id: &str,
    status: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE statement_invoices SET status = $2, updated_at = now() WHERE invoice_id = $1",
    )
    .bind(invoice_id)
    .bind(status)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
