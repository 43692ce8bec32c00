//! A short-lived, per-process cache of webhook owners (agent → organization,
//! switched off or not, sealed key), so a burst of events for one agent does
//! not repeat the platform lookup for each. Entries live `ttl` (configurable
//! with `CALLBOARD_WEBHOOK_CACHE_MS`, default 5 s): a key replaced or an
//! agent switched off takes effect within that time on every process, and at
//! once on the process that made the change (it calls `forget_org`).
//!
//! "No such agent" is cached too, for the same time: anyone can post to any
//! path, and each unknown id would otherwise cost a database query. Forgetting
//! an organization also forgets every negative answer (the change may have
//! been a new agent).

use crate::db::{self, agents::Owner, PlatformAccess};
use crate::error::AppError;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Beyond this many agents the cache starts over rather than growing.
const MAX_ENTRIES: usize = 10_000;

pub struct OwnerCache {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, (Instant, Option<Owner>)>>,
}

impl OwnerCache {
    pub fn new(ttl: Duration) -> Self {
        OwnerCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub async fn get(&self, pool: &PgPool, agent_id: Uuid) -> Result<Option<Owner>, AppError> {
        if !self.ttl.is_zero() {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            if let Some((at, owner)) = entries.get(&agent_id) {
                if at.elapsed() < self.ttl {
                    return Ok(owner.clone());
                }
            }
        }
        let mut tx = db::tx::platform(pool, PlatformAccess::webhook()).await?;
        let owner = db::agents::owner(&mut tx, agent_id).await?;
        tx.commit().await?;
        if !self.ttl.is_zero() {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(agent_id, (Instant::now(), owner.clone()));
        }
        Ok(owner)
    }

    /// Drops everything (after missing change notifications).
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Drops every cached agent of an organization (after this process
    /// changed its key or its agents).
    pub fn forget_org(&self, org_id: Uuid) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (_, o)| o.as_ref().is_some_and(|o| o.org_id != org_id));
    }
}
