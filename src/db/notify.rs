//! Change notifications: `NOTIFY callboard_events, '<org>:<kind>'` inside the
//! writing transaction, so listeners hear only committed changes. Kinds:
//! `calls` (live views) and `config` (settings, agents, keys, numbers or the
//! organization itself changed: every server process drops what it cached
//! for the organization; for the nil id, the platform's own configuration
//! changed, e.g. the agency's shared key, and what every organization uses).
//!
//! A change to an organization's configuration is committed through
//! [`commit_config`], which also tells this process's caches at once (the
//! notice reaches them a moment later), so no write path can forget to.

use super::Tx;
use crate::error::AppError;
use sqlx::PgConnection;
use std::sync::{Arc, RwLock, Weak};
use uuid::Uuid;

pub const CHANNEL: &str = "callboard_events";

pub async fn calls_changed(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    notify(conn, org_id, "calls").await
}

/// Commits a transaction that changed an organization's configuration: the
/// notice goes to every process with the commit, and this process's caches
/// forget the organization as soon as it is committed.
pub async fn commit_config(mut tx: Tx, org_id: Uuid) -> Result<(), AppError> {
    notify(&mut tx, org_id, "config").await?;
    tx.commit().await?;
    for forget in forgetters() {
        forget(org_id);
    }
    Ok(())
}

/// What a process forgets when an organization's configuration changes.
pub type Forget = dyn Fn(Uuid) + Send + Sync;

/// Registers a process's caches with [`commit_config`]. Kept weakly: the
/// caches' owner holds the `Arc`, and a dropped one is skipped (a test may
/// run several servers in one process; each forgets).
pub fn on_config_change(forget: &Arc<Forget>) {
    let mut all = FORGETTERS.write().unwrap_or_else(|e| e.into_inner());
    all.retain(|f| f.strong_count() > 0);
    all.push(Arc::downgrade(forget));
}

static FORGETTERS: RwLock<Vec<Weak<Forget>>> = RwLock::new(Vec::new());

fn forgetters() -> Vec<Arc<Forget>> {
    let all = FORGETTERS.read().unwrap_or_else(|e| e.into_inner());
    all.iter().filter_map(Weak::upgrade).collect()
}

async fn notify(conn: &mut PgConnection, org_id: Uuid, kind: &str) -> Result<(), AppError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(format!("{org_id}:{kind}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// A notification's organization and kind, if it is well formed.
pub fn parse(payload: &str) -> Option<(Uuid, &str)> {
    let (org, kind) = payload.split_once(':')?;
    Some((Uuid::parse_str(org).ok()?, kind))
}

/// `calls` notices for ingestion, sent after commit and coalesced.
///
/// PostgreSQL serialises the commits of every transaction that has called
/// `NOTIFY` (a cluster-wide lock held through the commit's WAL flush), so a
/// notice inside each webhook's transaction would stop concurrent webhooks
/// from sharing a flush. Instead the webhook marks its organization here
/// after committing, and one task sends a notice per marked organization at
/// most every [`CallChanges::WINDOW`]. Live views already show at most one
/// update per 400 ms, and a notice is only a hint to refetch: if the process
/// dies before sending one, the next change (or the stream's reconnect)
/// brings the view up to date.
#[derive(Clone)]
pub struct CallChanges {
    inner: std::sync::Arc<Pending>,
}

struct Pending {
    orgs: std::sync::Mutex<std::collections::HashSet<Uuid>>,
    wake: tokio::sync::Notify,
}

impl CallChanges {
    /// How long marks gather before one statement sends them all.
    pub const WINDOW: std::time::Duration = std::time::Duration::from_millis(50);

    /// Starts the sending task on the current tokio runtime (without one,
    /// as in a synchronous unit test, marks are kept until [`Self::flush`]).
    pub fn start(pool: sqlx::PgPool) -> Self {
        let changes = CallChanges {
            inner: std::sync::Arc::new(Pending {
                orgs: Default::default(),
                wake: tokio::sync::Notify::new(),
            }),
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let task = changes.clone();
            runtime.spawn(async move {
                loop {
                    task.inner.wake.notified().await;
                    tokio::time::sleep(Self::WINDOW).await;
                    if let Err(e) = task.flush(&pool).await {
                        tracing::warn!(error = %e, "could not send change notices");
                    }
                }
            });
        }
        changes
    }

    /// Records that an organization's calls changed (call after commit).
    pub fn mark(&self, org_id: Uuid) {
        let first = self
            .inner
            .orgs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(org_id);
        if first {
            self.inner.wake.notify_one();
        }
    }

    /// Sends the notices marked so far, in one statement.
    pub async fn flush(&self, pool: &sqlx::PgPool) -> Result<(), AppError> {
        let orgs: Vec<String> =
            std::mem::take(&mut *self.inner.orgs.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .map(|o| format!("{o}:calls"))
                .collect();
        if orgs.is_empty() {
            return Ok(());
        }
        sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) p")
            .bind(CHANNEL)
            .bind(&orgs)
            .execute(pool)
            .await?;
        Ok(())
    }
}
