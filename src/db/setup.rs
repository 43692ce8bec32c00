//! The setup wizard's progress (migration 20): a row only for organizations
//! that signed up themselves. Read and written in the organization's own
//! tenant transaction; created by the sign-up's platform transaction.

use crate::domain::signup::{SetupProgress, SetupStep};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn create(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    sqlx::query("INSERT INTO org_setup (organization_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(org_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The organization's progress; `None` for an organization the agency set up.
pub async fn progress(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Option<SetupProgress>, AppError> {
    let row: Option<(bool, bool, bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT details_at IS NOT NULL, messages_at IS NOT NULL, hours_at IS NOT NULL,
                phone_at IS NOT NULL OR phone_skipped, phone_skipped, completed_at IS NOT NULL
           FROM org_setup WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(details, messages, hours, phone, phone_skipped, completed)| SetupProgress {
            steps: vec![
                (SetupStep::Details, details),
                (SetupStep::Messages, messages),
                (SetupStep::Hours, hours),
                (SetupStep::Phone, phone),
            ],
            phone_skipped,
            completed,
        },
    ))
}

/// Marks `step` done (or the phone step skipped), and the whole setup
/// complete once every step is.
pub async fn mark(
    conn: &mut PgConnection,
    org_id: Uuid,
    step: SetupStep,
    skipped: bool,
) -> Result<(), AppError> {
    let column = match step {
        SetupStep::Details => "details_at",
        SetupStep::Messages => "messages_at",
        SetupStep::Hours => "hours_at",
        SetupStep::Phone => "phone_at",
        SetupStep::Done => return Ok(()),
    };
    if skipped {
        sqlx::query("UPDATE org_setup SET phone_skipped = true WHERE organization_id = $1")
            .bind(org_id)
            .execute(&mut *conn)
            .await?;
    } else {
        // `column` is one of four fixed names above, never input.
        let sql = format!(
            "UPDATE org_setup SET {column} = coalesce({column}, now()) WHERE organization_id = $1"
        );
        sqlx::query(&sql).bind(org_id).execute(&mut *conn).await?;
    }
    sqlx::query(
        "UPDATE org_setup SET completed_at = now()
          WHERE organization_id = $1 AND completed_at IS NULL AND details_at IS NOT NULL
            AND messages_at IS NOT NULL AND hours_at IS NOT NULL
            AND (phone_at IS NOT NULL OR phone_skipped)",
    )
    .bind(org_id)
    .execute(conn)
    .await?;
    Ok(())
}
