//! Number → organization and its settings, cached per process so a ringing
//! call is answered in well under a millisecond of our own time.
//!
//! A miss goes the documented way: the platform lookup of the number's owner
//! (`PlatformAccess::inbound_call`), then the organization's own tenant
//! transaction for its settings. Entries are dropped when anything about the
//! organization changes (`forget_org`, called by this process at once and by
//! every process on the `config` notification, see `server::listen`), and
//! expire after `CALLBOARD_WEBHOOK_CACHE_MS` in any case.

use crate::db::{self, numbers::NumberOwner, PlatformAccess, TenantCtx};
use crate::domain::AgentSettings;
use crate::error::AppError;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Beyond this many numbers (including unknown ones) the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// Everything needed to answer a call to one number.
#[derive(Debug)]
pub struct Line {
    pub owner: NumberOwner,
    /// Saved settings, or the defaults (named after the organization).
    pub settings: AgentSettings,
}

type Entry = (Instant, Option<Arc<Line>>);

pub struct Directory {
    ttl: Duration,
    entries: RwLock<HashMap<String, Entry>>,
}

impl Directory {
    pub fn new(ttl: Duration) -> Self {
        Directory {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The line for a dialled number, or `None` if no organization owns it.
    pub async fn get(&self, pool: &PgPool, number: &str) -> Result<Option<Arc<Line>>, AppError> {
        if !self.ttl.is_zero() {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            if let Some((at, line)) = entries.get(number) {
                if at.elapsed() < self.ttl {
                    return Ok(line.clone());
                }
            }
        }
        let line = load(pool, number).await?.map(Arc::new);
        if !self.ttl.is_zero() {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(number.to_string(), (Instant::now(), line.clone()));
        }
        Ok(line)
    }

    /// Drops the organization's numbers, and every "nobody owns it" answer
    /// (the change may have been a new number).
    pub fn forget_org(&self, org_id: Uuid) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (_, line)| line.as_ref().is_some_and(|l| l.owner.org_id != org_id));
    }

    /// Drops everything (after missing notifications).
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

async fn load(pool: &PgPool, number: &str) -> Result<Option<Line>, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::inbound_call()).await?;
    let owner = db::numbers::owner(&mut tx, number).await?;
    tx.commit().await?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let ctx = TenantCtx::without_user(owner.org_id);
    let mut tx = db::tx::tenant(pool, &ctx).await?;
    let saved = db::settings::get(&mut tx, owner.org_id).await?;
    tx.commit().await?;
    let settings = saved
        .map(|(s, _)| s)
        .unwrap_or_else(|| AgentSettings::defaults(&owner.org_name, ""));
    Ok(Some(Line { owner, settings }))
}
