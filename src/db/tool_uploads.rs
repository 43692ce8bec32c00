//! Uploaded tool-data files between their preview and their confirmation:
//! the file in chunks, as it streamed in, and its preview.

use crate::domain::tool_data::UploadPreview;
use crate::error::AppError;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Starts an upload; its chunks and summary follow.
pub async fn create(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
    filename: &str,
    actor_label: &str,
) -> Result<Uuid, AppError> {
    // Uploads nobody confirmed within a day go; this is the only place
    // they accumulate, so it is where they are swept.
    sqlx::query(
        "DELETE FROM tool_data_uploads
          WHERE organization_id = $1 AND created_at < now() - interval '1 day'",
    )
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO tool_data_uploads (organization_id, kind, filename, actor_label)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org_id)
    .bind(kind)
    .bind(filename)
    .bind(actor_label)
    .fetch_one(conn)
    .await?)
}

pub async fn put_chunk(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    seq: i32,
    content: &[u8],
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO tool_data_upload_chunks (organization_id, upload_id, seq, content)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(org_id)
    .bind(id)
    .bind(seq)
    .bind(content)
    .execute(conn)
    .await?;
    Ok(())
}

/// The chunk `seq` of an upload, or `None` past its end.
pub async fn chunk(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    seq: i32,
) -> Result<Option<Vec<u8>>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT content FROM tool_data_upload_chunks
          WHERE organization_id = $1 AND upload_id = $2 AND seq = $3",
    )
    .bind(org_id)
    .bind(id)
    .bind(seq)
    .fetch_optional(conn)
    .await?)
}

/// What an upload's preview shows, once the whole file was read.
pub struct Finished<'a> {
    pub bytes: i64,
    pub rows: i32,
    pub error_count: i32,
    pub problem: Option<&'a str>,
    pub summary: serde_json::Value,
}

pub async fn finish(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    f: Finished<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE tool_data_uploads
            SET bytes = $3, rows = $4, error_count = $5, problem = $6, summary = $7
          WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(f.bytes)
    .bind(f.rows)
    .bind(f.error_count)
    .bind(f.problem)
    .bind(f.summary)
    .execute(conn)
    .await?;
    Ok(())
}

/// An upload's preview (the summary's fields are read by the caller).
pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<UploadPreview>, AppError> {
    let Some(r) = sqlx::query(
        "SELECT id, kind, filename, bytes, rows, error_count, problem, summary, actor_label,
                created_at
           FROM tool_data_uploads WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    let summary: serde_json::Value = r.try_get("summary")?;
    let field = |k: &str| summary.get(k).cloned().unwrap_or_default();
    Ok(Some(UploadPreview {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        filename: r.try_get("filename")?,
        bytes: r.try_get("bytes")?,
        rows: r.try_get("rows")?,
        error_count: r.try_get("error_count")?,
        problem: r.try_get("problem")?,
        headers: serde_json::from_value(field("headers")).unwrap_or_default(),
        first_rows: serde_json::from_value(field("first_rows")).unwrap_or_default(),
        errors: serde_json::from_value(field("errors")).unwrap_or_default(),
        ignored_columns: serde_json::from_value(field("ignored_columns")).unwrap_or_default(),
        at: r.try_get("created_at")?,
        actor: r.try_get("actor_label")?,
    }))
}

/// Holds upload `id` until the transaction ends, so two confirmations of
/// one upload cannot both import it; `false` when there is no such upload.
pub async fn lock(conn: &mut PgConnection, org_id: Uuid, id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "SELECT 1 FROM tool_data_uploads WHERE organization_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .is_some())
}

pub async fn delete(conn: &mut PgConnection, org_id: Uuid, id: Uuid) -> Result<(), AppError> {
    sqlx::query("DELETE FROM tool_data_uploads WHERE organization_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
