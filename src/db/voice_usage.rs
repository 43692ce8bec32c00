//! An organization's calls to the voice platform's API, per UTC day (a
//! tenant table), for the console's system page.

use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// Counts one call; `error` is what went wrong, if it failed.
pub async fn record(
    conn: &mut PgConnection,
    org_id: Uuid,
    error: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO voice_api_usage (organization_id, day, calls, failures, last_error, last_error_at)
         VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 1, ($2::text IS NOT NULL)::int, $2,
                 CASE WHEN $2::text IS NULL THEN NULL ELSE now() END)
         ON CONFLICT (organization_id, day) DO UPDATE SET
           calls = voice_api_usage.calls + 1,
           failures = voice_api_usage.failures + EXCLUDED.failures,
           last_error = coalesce(EXCLUDED.last_error, voice_api_usage.last_error),
           last_error_at = coalesce(EXCLUDED.last_error_at, voice_api_usage.last_error_at)",
    )
    .bind(org_id)
    .bind(error.map(|e| e.chars().take(500).collect::<String>()))
    .execute(conn)
    .await?;
    Ok(())
}
