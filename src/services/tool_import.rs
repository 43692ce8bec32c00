//! Importing an organization's reservations and drivers from CSV: a preview
//! that stores nothing, and an import that stores every row in one tenant
//! transaction (replacing or merging) or, when any row has a problem,
//! nothing at all. Org admins (and the agency) import; viewers read.

use crate::auth::Principal;
use crate::db::{self, audit::Entry};
use crate::domain::tool_import::{self as parse, Kind, Parsed};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;

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
}

async fn read(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    bytes: &[u8],
) -> Result<Parsed, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let ctx = db::tool_data::context(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    // Parsing a large file is CPU work: off the async workers.
    let bytes = bytes.to_vec();
    let tz = ctx.timezone;
    tokio::task::spawn_blocking(move || parse::parse(kind, &bytes, tz))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|m| AppError::field("file", m))
}

/// What the file holds and what is wrong with it; stores nothing.
pub async fn preview(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    bytes: &[u8],
) -> Result<Parsed, AppError> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    read(pool, who, kind, bytes).await
}

/// Stores the file's rows in one transaction, or refuses with its first
/// problems and stores nothing.
pub async fn import(
    pool: &PgPool,
    who: &Principal,
    kind: Kind,
    mode: Mode,
    bytes: &[u8],
) -> Result<Parsed, AppError> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let parsed = read(pool, who, kind, bytes).await?;
    if parsed.error_count > 0 {
        let first = &parsed.errors[0];
        return Err(AppError::field(
            "file",
            format!(
                "{} row problem{}; nothing was imported. The first: line {}, {}: {}",
                parsed.error_count,
                if parsed.error_count == 1 { "" } else { "s" },
                first.line,
                first.column,
                first.message
            ),
        ));
    }
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let stored = match kind {
        Kind::Reservations => {
            if mode == Mode::Replace {
                db::tool_data::clear_reservations(&mut tx, org_id).await?;
            }
            db::tool_data::put_reservations(&mut tx, org_id, &parsed.reservations).await?
        }
        Kind::Drivers => {
            if mode == Mode::Replace {
                db::tool_data::clear_drivers(&mut tx, org_id).await?;
            }
            db::tool_data::put_drivers(&mut tx, org_id, &parsed.drivers).await?
        }
    };
    let rows = i32::try_from(stored).unwrap_or(i32::MAX);
    db::tool_data::record_import(
        &mut tx,
        org_id,
        kind.as_str(),
        mode.as_str(),
        rows,
        0,
        &who.actor.label,
    )
    .await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "tool_data.import",
        target: None,
        metadata: json!({ "kind": kind.as_str(), "mode": mode.as_str(), "rows": rows }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(parsed)
}

/// What the voice agent would say about confirmation number `said` right
/// now (the operator's `reservations find`).
pub async fn find(pool: &PgPool, who: &Principal, said: &str) -> Result<String, AppError> {
    use crate::domain::reservations::{self, Asked};
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let ctx = db::tool_data::context(&mut tx, org_id).await?;
    let found =
        db::tool_data::by_confirmation(&mut tx, org_id, &reservations::confirmation_key(said))
            .await?;
    tx.commit().await?;
    let asked = Asked::Confirmation(said.to_string());
    Ok(reservations::answer(
        found.as_ref(),
        &asked,
        &ctx,
        chrono::Utc::now(),
    ))
}
