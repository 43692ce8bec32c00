//! The e-mail outbox: messages written in the same transaction as the change
//! that causes them (so a change that rolls back sends nothing), and
//! delivered later by the worker (`services::outbox`), which claims due
//! messages for a while so several server processes never send one twice at
//! once, and records every attempt.

use crate::domain::mail::Message;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Puts a message in the outbox, in the caller's transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    org_id: Option<Uuid>,
    kind: &str,
    m: &Message,
) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar(
        "INSERT INTO outbox (organization_id, kind, from_name, to_address, subject, text_body,
                             html_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(kind)
    .bind(&m.from_name)
    .bind(&m.to)
    .bind(&m.subject)
    .bind(&m.text)
    .bind(&m.html)
    .fetch_one(&mut *conn)
    .await?;
    // Wakes the worker of every process now rather than at its next look.
    sqlx::query("SELECT pg_notify('outbox', '')")
        .execute(conn)
        .await?;
    Ok(id)
}

/// A message claimed for delivery.
pub struct Pending {
    pub id: Uuid,
    pub attempts: i32,
    pub message: Message,
}

/// Claims up to `limit` due messages for `lease_secs` (another process skips
/// them meanwhile; a process that dies lets the lease run out).
pub async fn claim(
    conn: &mut PgConnection,
    limit: i64,
    lease_secs: i64,
) -> Result<Vec<Pending>, AppError> {
    let rows = sqlx::query(
        "UPDATE outbox SET locked_until = now() + make_interval(secs => $2)
          WHERE id IN (SELECT id FROM outbox
                        WHERE sent_at IS NULL AND next_attempt_at <= now()
                          AND (locked_until IS NULL OR locked_until < now())
                        ORDER BY next_attempt_at LIMIT $1
                        FOR UPDATE SKIP LOCKED)
          RETURNING id, attempts, from_name, to_address, subject, text_body, html_body",
    )
    .bind(limit)
    .bind(lease_secs as f64)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Pending {
                id: r.try_get("id")?,
                attempts: r.try_get("attempts")?,
                message: Message {
                    from_name: r.try_get("from_name")?,
                    to: r.try_get("to_address")?,
                    subject: r.try_get("subject")?,
                    text: r.try_get("text_body")?,
                    html: r.try_get("html_body")?,
                },
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Records an attempt: sent, or failed with `error` and tried again at `retry_at`.
pub async fn record(
    conn: &mut PgConnection,
    id: Uuid,
    error: Option<&str>,
    retry_at: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, locked_until = NULL,
                sent_at = CASE WHEN $2::text IS NULL THEN now() END,
                last_error = $2, next_attempt_at = $3
          WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(retry_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO outbox_attempts (outbox_id, ok, error) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(error.is_none())
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}

/// The console's view of the outbox, newest first.
pub async fn recent(
    conn: &mut PgConnection,
    limit: i64,
) -> Result<Vec<crate::domain::system::OutboxLine>, AppError> {
    let rows = sqlx::query(
        "SELECT b.id, o.name AS org, b.kind, b.to_address, b.subject, b.text_body, b.created_at,
                b.attempts, b.sent_at, b.last_error, b.next_attempt_at
           FROM outbox b LEFT JOIN organizations o ON o.id = b.organization_id
          ORDER BY b.created_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::domain::system::OutboxLine {
                id: r.try_get("id")?,
                org: r.try_get("org")?,
                kind: r.try_get("kind")?,
                to: r.try_get("to_address")?,
                subject: r.try_get("subject")?,
                text: r.try_get("text_body")?,
                created_at: r.try_get("created_at")?,
                attempts: r.try_get("attempts")?,
                sent_at: r.try_get("sent_at")?,
                last_error: r.try_get("last_error")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
