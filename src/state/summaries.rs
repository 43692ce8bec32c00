//! A per-process cache of dashboard summaries and first calls pages, so that
//! many people watching the same organization's dashboard (or one person's
//! live refreshes) cost one query, not one each. Entries are dropped when the organization's
//! calls or settings change (`server::listen` hears it from PostgreSQL, from
//! whichever process made the change) and expire after
//! `CALLBOARD_SUMMARY_CACHE_MS` in any case. A generation number per
//! organization keeps a summary computed before a change from being stored
//! after it.

#[cfg(test)]
use crate::domain::Dashboard;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Beyond this many organizations, or filters per organization, start over.
const MAX_ORGS: usize = 10_000;
const MAX_PER_ORG: usize = 64;

struct Org<T> {
    generation: u64,
    items: HashMap<String, (Instant, T)>,
}

impl<T> Default for Org<T> {
    fn default() -> Self {
        Org {
            generation: 0,
            items: HashMap::new(),
        }
    }
}

/// Cached values of one kind (`T`), by organization and filter.
pub struct SummaryCache<T> {
    ttl: Duration,
    orgs: RwLock<(u64, HashMap<Uuid, Org<T>>)>,
    /// Whose turn it is to compute, striped by organization and filter.
    turns: Vec<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// Stripes of [`SummaryCache::turn`]: two filters sharing one only wait
/// for each other, and the memory never grows.
const TURNS: usize = 64;

impl<T: Clone> SummaryCache<T> {
    pub fn new(ttl: Duration) -> Self {
        SummaryCache {
            ttl,
            orgs: RwLock::new((0, HashMap::new())),
            turns: (0..TURNS).map(|_| Default::default()).collect(),
        }
    }

    /// The cached value, or `compute`'s, stored for the next caller. Only
    /// one caller computes a missing entry at a time (see [`Self::turn`]).
    pub async fn get_or_compute<E, F>(&self, org: Uuid, key: String, compute: F) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get(org, &key) {
            return Ok(v);
        }
        let _turn = self.turn(org, &key).await;
        if let Some(v) = self.get(org, &key) {
            return Ok(v); // computed while we waited
        }
        let generation = self.generation(org);
        let v = compute.await?;
        self.put(org, key, generation, v.clone());
        Ok(v)
    }

    /// Waits for the turn to compute a missing entry. When an entry expires
    /// or is dropped while many people watch, the first request recomputes
    /// and the others wait for its answer (check [`Self::get`] again after
    /// the wait) instead of all computing the same figures at once.
    /// With caching off there is nothing to wait for, so no turn is taken.
    pub async fn turn(&self, org: Uuid, key: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        use std::hash::{Hash, Hasher};
        if self.ttl.is_zero() {
            return None;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (org, key).hash(&mut h);
        let stripe = self.turns[(h.finish() as usize) % TURNS].clone();
        Some(stripe.lock_owned().await)
    }

    /// The organization's current generation (pass it back to `put`).
    pub fn generation(&self, org: Uuid) -> (u64, u64) {
        let g = self.orgs.read().unwrap_or_else(|e| e.into_inner());
        (g.0, g.1.get(&org).map(|o| o.generation).unwrap_or(0))
    }

    pub fn get(&self, org: Uuid, key: &str) -> Option<T> {
        if self.ttl.is_zero() {
            return None;
        }
        let g = self.orgs.read().unwrap_or_else(|e| e.into_inner());
        let (at, d) = g.1.get(&org)?.items.get(key)?;
        (at.elapsed() < self.ttl).then(|| d.clone())
    }

    /// Stores a summary unless the organization changed since `generation`.
    pub fn put(&self, org: Uuid, key: String, generation: (u64, u64), value: T) {
        if self.ttl.is_zero() {
            return;
        }
        let mut g = self.orgs.write().unwrap_or_else(|e| e.into_inner());
        if g.0 != generation.0 {
            return;
        }
        if g.1.len() >= MAX_ORGS {
            g.1.clear();
            g.0 += 1;
            return;
        }
        let entry = g.1.entry(org).or_default();
        if entry.generation != generation.1 {
            return;
        }
        if entry.items.len() >= MAX_PER_ORG {
            entry.items.clear();
        }
        entry.items.insert(key, (Instant::now(), value));
    }

    pub fn forget_org(&self, org: Uuid) {
        let mut g = self.orgs.write().unwrap_or_else(|e| e.into_inner());
        let entry = g.1.entry(org).or_default();
        entry.generation += 1;
        entry.items.clear();
    }

    /// Everything may have changed (the listener lost its connection).
    pub fn clear(&self) {
        let mut g = self.orgs.write().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        g.1.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dash() -> Dashboard {
        Dashboard {
            org_name: "A".into(),
            timezone: "UTC".into(),
            range_label: String::new(),
            first_day: chrono::NaiveDate::MIN,
            last_day: chrono::NaiveDate::MIN,
            totals: Default::default(),
            bucket: crate::domain::Bucket::Day,
            series: vec![],
            agents: vec![],
            agent_choices: vec![],
            can_edit: false,
        }
    }

    #[test]
    fn a_change_during_a_computation_keeps_its_result_out() {
        let c = SummaryCache::new(Duration::from_secs(60));
        let org = Uuid::from_u128(1);
        let g = c.generation(org);
        c.put(org, "q".into(), g, dash());
        assert!(c.get(org, "q").is_some());
        let g = c.generation(org);
        c.forget_org(org); // a call arrives while someone computes
        c.put(org, "q".into(), g, dash());
        assert!(c.get(org, "q").is_none());
        let g = c.generation(org);
        c.clear();
        c.put(org, "q".into(), g, dash());
        assert!(c.get(org, "q").is_none());
        assert!(SummaryCache::<Dashboard>::new(Duration::ZERO)
            .get(org, "q")
            .is_none());
    }

    #[tokio::test]
    async fn one_computation_at_a_time_per_filter() {
        let c = SummaryCache::<Dashboard>::new(Duration::from_secs(60));
        let org = Uuid::from_u128(1);
        let first = c.turn(org, "q").await;
        let second = tokio::time::timeout(Duration::from_millis(50), c.turn(org, "q")).await;
        assert!(second.is_err(), "the second waits while the first computes");
        drop(first);
        tokio::time::timeout(Duration::from_millis(50), c.turn(org, "q"))
            .await
            .expect("then it is the next one's turn");
        // With caching off, nobody waits: each computes its own.
        let off = SummaryCache::<Dashboard>::new(Duration::ZERO);
        let _a = off.turn(org, "q").await;
        assert!(off.turn(org, "q").await.is_none());
    }
}
