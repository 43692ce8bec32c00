//! Importing an organization's reservations and drivers from CSV, in two
//! steps. An upload is read as it streams in and kept (in chunks) with its
//! preview: the first rows and every row problem. Confirming it reads the
//! kept file again and stores its rows in one tenant transaction, replacing
//! or merging; a file with any problem stores nothing. Org admins (and the
//! agency) import; viewers read.

use super::tool_feed::{Ask, Feed};
use crate::auth::Principal;
use crate::db::{self, audit::Entry, tool_data::ImportEntry, tool_uploads::Finished};
use crate::domain::tool_data::UploadPreview;
use crate::domain::tool_import::{Kind, Row};
use crate::error::AppError;
use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Replace everything of this kind, or add and update by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Replace,
    Merge,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Replace => "replace",
            Mode::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "replace" => Some(Mode::Replace),
            "merge" => Some(Mode::Merge),
            _ => None,
        }
    }
}

/// An upload is kept in chunks of about this size.
const CHUNK_BYTES: usize = 1024 * 1024;
/// Rows written per statement.
const BATCH_ROWS: usize = 5_000;

/// What a confirmed import stored.
#[derive(Debug, Clone)]
pub struct Imported {
    pub kind: Kind,
    pub mode: Mode,
    pub rows: usize,
    pub ignored_columns: Vec<String>,
}

async fn timezone(pool: &PgPool, who: &Principal) -> Result<chrono_tz::Tz, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let ctx = db::tool_data::context(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(ctx.timezone)
}

/// The next ~1 MB of `body`, or `None` at its end.
async fn next_chunk<S>(body: &mut S) -> Result<Option<Vec<u8>>, String>
where
    S: Stream<Item = Result<Bytes, String>> + Unpin,
{
    let mut chunk = Vec::new();
    while chunk.len() < CHUNK_BYTES {
        match body.next().await {
            Some(Ok(bytes)) => chunk.extend_from_slice(&bytes),
            Some(Err(m)) => return Err(m),
            None => break,
        }
    }
    Ok((!chunk.is_empty()).then_some(chunk))
}

/// Reads an uploaded file of `kind` as it arrives (`body`: its bytes, or
/// why the upload broke off), keeps it for the confirmation, and answers its
/// preview. A file that cannot be imported at all gets a preview that says
/// why, and nothing of it is kept.
pub async fn upload<S>(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    filename: &str,
    mut body: S,
) -> Result<UploadPreview, AppError>
where
    S: Stream<Item = Result<Bytes, String>> + Unpin,
{
    who.must_be_admin()?;
    let org_id = who.org_id();
    let filename: String = filename.chars().take(255).collect();
    let tz = timezone(pool, who).await?;
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let id = db::tool_uploads::create(&mut tx, org_id, kind.as_str(), &filename, &who.actor.label)
        .await?;
    let mut feed = Feed::start(kind, tz, None);
    let (mut seq, mut bytes) = (0, 0i64);
    let mut broke_off = None;
    let mut failed = None;
    while let Some(ask) = feed.next().await {
        let Ask::Need = ask else { continue };
        if broke_off.is_some() || failed.is_some() {
            feed.give(None);
            continue;
        }
        match next_chunk(&mut body).await {
            Ok(Some(chunk)) => {
                if let Err(e) = db::tool_uploads::put_chunk(&mut tx, org_id, id, seq, &chunk).await
                {
                    failed = Some(e);
                    feed.give(None);
                    continue;
                }
                seq += 1;
                bytes += chunk.len() as i64;
                feed.give(Some(chunk));
            }
            Ok(None) => feed.give(None),
            Err(m) => {
                broke_off = Some(m);
                feed.give(None);
            }
        }
    }
    let parsed = feed.finish().await;
    if let Some(e) = failed {
        return Err(e);
    }
    let finished = match (broke_off, parsed) {
        (Some(problem), _) | (None, Err(problem)) => {
            // Nothing of a file that cannot be imported is kept.
            drop(tx);
            tx = db::tx::tenant(pool, &who.tenant).await?;
            let id = db::tool_uploads::create(
                &mut tx,
                org_id,
                kind.as_str(),
                &filename,
                &who.actor.label,
            )
            .await?;
            let f = Finished {
                bytes,
                rows: 0,
                error_count: 0,
                problem: Some(problem.as_str()),
                summary: json!({}),
            };
            db::tool_uploads::finish(&mut tx, org_id, id, f).await?;
            id
        }
        (None, Ok(ref p)) => {
            let problem = (p.rows == 0).then_some("The file has no rows under its header.");
            let f = Finished {
                bytes,
                rows: i32::try_from(p.rows).unwrap_or(i32::MAX),
                error_count: i32::try_from(p.error_count).unwrap_or(i32::MAX),
                problem,
                summary: json!({
                    "headers": p.headers,
                    "first_rows": p.first_rows,
                    "errors": p.errors,
                    "ignored_columns": p.ignored_columns,
                }),
            };
            db::tool_uploads::finish(&mut tx, org_id, id, f).await?;
            id
        }
    };
    let preview = db::tool_uploads::get(&mut tx, org_id, finished)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(preview)
}

/// An upload's preview.
pub async fn preview(pool: &PgPool, who: &Principal, id: Uuid) -> Result<UploadPreview, AppError> {
    who.must_be_admin()?;
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let found = db::tool_uploads::get(&mut tx, who.org_id(), id).await?;
    tx.commit().await?;
    found.ok_or(AppError::NotFound)
}

/// "3 row problems; nothing was imported. The first: line 4, pickup_at: …"
fn refusal(errors: usize, first: Option<&crate::domain::tool_data::RowError>) -> AppError {
    let mut m = format!(
        "{errors} row problem{}; nothing was imported.",
        if errors == 1 { "" } else { "s" }
    );
    if let Some(e) = first {
        m.push_str(&format!(
            " The first: line {}, {}: {}",
            e.line, e.column, e.message
        ));
    }
    AppError::field("file", m)
}

/// Imports a kept upload in one transaction: every row, or (any row with a
/// problem) nothing, and the attempt is recorded either way.
pub async fn confirm(
    pool: &PgPool,
    who: &Principal,
    id: Uuid,
    mode: Mode,
) -> Result<Imported, AppError> {
    let upload = preview(pool, who, id).await?;
    let kind = match upload.kind.as_str() {
        "drivers" => Kind::Drivers,
        _ => Kind::Reservations,
    };
    if let Some(problem) = upload.problem {
        return Err(AppError::field("file", problem));
    }
    if upload.error_count > 0 {
        record_refused(pool, who, kind, mode, &upload.filename, upload.error_count).await?;
        return Err(refusal(upload.error_count as usize, upload.errors.first()));
    }
    let tz = timezone(pool, who).await?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    if !db::tool_uploads::lock(&mut tx, org_id, id).await? {
        // Imported meanwhile (a second click, another tab).
        return Err(AppError::NotFound);
    }
    match kind {
        Kind::Reservations if mode == Mode::Replace => {
            db::tool_data::clear_reservations(&mut tx, org_id).await?;
        }
        Kind::Drivers if mode == Mode::Replace => {
            db::tool_data::clear_drivers(&mut tx, org_id).await?;
        }
        _ => {}
    }
    let mut feed = Feed::start(kind, tz, Some(BATCH_ROWS));
    let (mut seq, mut stored) = (0, 0u64);
    let mut failed = None;
    while let Some(ask) = feed.next().await {
        if failed.is_some() {
            if let Ask::Need = ask {
                feed.give(None);
            }
            continue;
        }
        let step = match ask {
            Ask::Need => db::tool_uploads::chunk(&mut tx, org_id, id, seq)
                .await
                .map(|chunk| {
                    seq += 1;
                    feed.give(chunk);
                }),
            Ask::Rows(rows) => store(&mut tx, org_id, rows).await.map(|n| stored += n),
        };
        if let Err(e) = step {
            failed = Some(e);
        }
    }
    let parsed = feed
        .finish()
        .await
        .map_err(|m| AppError::field("file", m))?;
    if let Some(e) = failed {
        return Err(e);
    }
    if parsed.error_count > 0 {
        // The file checked out when uploaded; the organization's timezone
        // may have changed since (a local time that no longer exists).
        drop(tx);
        record_refused(
            pool,
            who,
            kind,
            mode,
            &upload.filename,
            parsed.error_count as i32,
        )
        .await?;
        return Err(refusal(parsed.error_count, parsed.errors.first()));
    }
    let rows = i32::try_from(stored).unwrap_or(i32::MAX);
    let entry = ImportEntry {
        kind: kind.as_str(),
        mode: mode.as_str(),
        rows,
        errors: 0,
        filename: Some(&upload.filename),
        actor_label: &who.actor.label,
    };
    db::tool_data::record_import(&mut tx, org_id, entry).await?;
    db::tool_uploads::delete(&mut tx, org_id, id).await?;
    let audit = Entry {
        org_id: Some(org_id),
        action: "tool_data.import",
        target: None,
        metadata: json!({ "kind": kind.as_str(), "mode": mode.as_str(), "rows": rows }),
    };
    db::audit::record(&mut tx, &who.actor, audit).await?;
    tx.commit().await?;
    Ok(Imported {
        kind,
        mode,
        rows: stored as usize,
        ignored_columns: parsed.ignored_columns,
    })
}

async fn store(tx: &mut db::tx::Tx, org_id: Uuid, rows: Vec<Row>) -> Result<u64, AppError> {
    let mut reservations = Vec::new();
    let mut drivers = Vec::new();
    for row in rows {
        match row {
            Row::Reservation(r) => reservations.push(r),
            Row::Driver(d) => drivers.push(d),
        }
    }
    Ok(
        db::tool_data::put_reservations(&mut *tx, org_id, &reservations).await?
            + db::tool_data::put_drivers(&mut *tx, org_id, &drivers).await?,
    )
}

async fn record_refused(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    mode: Mode,
    filename: &str,
    errors: i32,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let entry = ImportEntry {
        kind: kind.as_str(),
        mode: mode.as_str(),
        rows: 0,
        errors,
        filename: Some(filename),
        actor_label: &who.actor.label,
    };
    db::tool_data::record_import(&mut tx, who.org_id(), entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A file already in memory, as an upload's body.
pub fn body_of(bytes: &[u8]) -> impl Stream<Item = Result<Bytes, String>> + Unpin + '_ {
    futures_util::stream::iter(
        bytes
            .chunks(CHUNK_BYTES)
            .map(|c| Ok(Bytes::copy_from_slice(c))),
    )
}

/// Uploads and confirms a file in one go (the operator's CLI, the tests):
/// the preview when it cannot be imported, else what was stored.
pub async fn import(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    mode: Mode,
    filename: &str,
    bytes: &[u8],
) -> Result<Imported, (AppError, Option<UploadPreview>)> {
    let preview = upload(pool, who, kind, filename, body_of(bytes))
        .await
        .map_err(|e| (e, None))?;
    confirm(pool, who, preview.id, mode)
        .await
        .map_err(|e| (e, Some(preview)))
}

/// What the voice agent would say about confirmation number `said` right
/// now (the operator's `reservations find`).
pub async fn find(pool: &PgPool, who: &Principal, said: &str) -> Result<String, AppError> {
    use crate::domain::reservations::{self, Asked};
    let org_id = who.org_id();
    let key = reservations::confirmation_key(said);
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (ctx, found) =
        db::tool_data::look_up(&mut tx, org_id, db::tool_data::Lookup::Key(&key)).await?;
    tx.commit().await?;
    let asked = Asked::Confirmation(said.to_string());
    Ok(reservations::answer(
        found.as_ref(),
        &asked,
        &ctx,
        chrono::Utc::now(),
    ))
}
