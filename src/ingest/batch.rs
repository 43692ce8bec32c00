//! Deliveries that arrive together for one organization are stored together.
//!
//! Each webhook's own transaction spent most of its time starting statements
//! and triggers, not doing work (BENCHMARKS.md, issue 3). Here each
//! organization has one queue and one task per server process: the task
//! takes every delivery waiting in the queue (up to [`MAX_BATCH`]), stores
//! them in one tenant transaction (`service::store`) and only then answers
//! each request. A lone delivery is stored at once, as before; under load
//! the batches grow by themselves.
//!
//! At most [`Batcher::new`]'s `transactions` of these transactions run at
//! once in a process, whatever the number of organizations: a task waits for
//! a turn *before* it takes what is waiting, so while the database is busy
//! each organization's batch grows instead of every organization starting
//! its own small transaction: part of a transaction's cost (its round trips,
//! its commit, starting each statement) is the same for one delivery as for
//! thirty, so fewer, larger batches do more with the same database (the
//! measured batch sizes and rates are in BENCHMARKS.md, issue 3, sixth pass).
//!
//! If a batch fails (a deadlock with another process, say), its deliveries
//! are stored one by one, so one bad event never costs the others; a
//! delivery whose own transaction fails is answered 5xx and its sender
//! retries.

use super::service::{self, Event, Outcome};
use crate::db::notify::CallChanges;
use crate::error::AppError;
use crate::metrics::Metrics;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot, Semaphore};
use uuid::Uuid;

/// The most deliveries in one transaction (enough to take every sender of a
/// busy organization at once; more only makes the transaction longer).
pub const MAX_BATCH: usize = 32;

struct Job {
    event: Event,
    reply: oneshot::Sender<Result<Outcome, AppError>>,
}

pub struct Batcher {
    pool: PgPool,
    changes: CallChanges,
    metrics: Metrics,
    /// Turns to run a transaction, shared by every organization's task.
    turns: Arc<Semaphore>,
    queues: Mutex<HashMap<Uuid, mpsc::UnboundedSender<Job>>>,
}

impl Batcher {
    /// `transactions`: how many ingestion transactions may run at once in
    /// this process (0: one per organization, no shared limit).
    pub fn new(pool: PgPool, changes: CallChanges, metrics: Metrics, transactions: usize) -> Self {
        let turns = match transactions {
            0 => Semaphore::MAX_PERMITS,
            n => n,
        };
        Batcher {
            pool,
            changes,
            metrics,
            turns: Arc::new(Semaphore::new(turns)),
            queues: Mutex::new(HashMap::new()),
        }
    }

    /// Accepts one delivery for `owner`'s agent: verifies and parses it
    /// (`service::prepare_for`), then stores it with whatever else is
    /// waiting for its organization. The outcome comes once it is committed
    /// (or refused without storing).
    pub async fn accept(
        &self,
        keys: &crate::crypto::Keyring,
        owner: &crate::db::agents::Owner,
        delivery: service::Delivery<'_>,
    ) -> Result<Outcome, AppError> {
        match service::prepare_for(&self.pool, keys, owner, delivery).await? {
            service::Prepared::Ready(event) => self.store(event).await,
            service::Prepared::Done(outcome) => Ok(outcome),
        }
    }

    /// Stores one prepared delivery with whatever else is waiting for its
    /// organization, and returns its outcome once the transaction committed.
    pub async fn store(&self, event: Event) -> Result<Outcome, AppError> {
        let org_id = event.org_id;
        let (reply, answer) = oneshot::channel();
        let mut job = Job { event, reply };
        // A queue whose task ended (it can only panic) is replaced.
        for _ in 0..2 {
            match self.queue(org_id).send(job) {
                Ok(()) => return answer.await.unwrap_or(Err(AppError::Internal)),
                Err(mpsc::error::SendError(back)) => {
                    self.lock().remove(&org_id);
                    job = back;
                }
            }
        }
        Err(AppError::Internal)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, mpsc::UnboundedSender<Job>>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn queue(&self, org_id: Uuid) -> mpsc::UnboundedSender<Job> {
        self.lock()
            .entry(org_id)
            .or_insert_with(|| {
                let (tx, rx) = mpsc::unbounded_channel();
                tokio::spawn(drain(
                    self.pool.clone(),
                    self.changes.clone(),
                    self.metrics.clone(),
                    self.turns.clone(),
                    rx,
                ));
                tx
            })
            .clone()
    }
}

/// One organization's task: whatever is waiting, in one transaction.
async fn drain(
    pool: PgPool,
    changes: CallChanges,
    metrics: Metrics,
    turns: Arc<Semaphore>,
    mut queue: mpsc::UnboundedReceiver<Job>,
) {
    while let Some(first) = queue.recv().await {
        // The turn first, then whatever arrived while waiting for it. (The
        // semaphore is never closed, so this always yields a permit.)
        let _turn = turns.acquire().await.ok();
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        run(&pool, &changes, &metrics, jobs).await;
    }
}

async fn run(pool: &PgPool, changes: &CallChanges, metrics: &Metrics, jobs: Vec<Job>) {
    let (events, replies): (Vec<Event>, Vec<_>) =
        jobs.into_iter().map(|j| (j.event, j.reply)).unzip();
    metrics.webhook_transaction();
    match service::store(pool, changes, &events).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(e) if events.len() == 1 => {
            for reply in replies {
                let _ = reply.send(Err(e.clone()));
            }
        }
        Err(_) => {
            tracing::warn!(
                events = events.len(),
                "a batch of deliveries failed; storing them one by one"
            );
            // Side by side: if the database is unreachable, every answer
            // comes after one connection timeout, not after one each.
            let singles = events.iter().map(|event| {
                metrics.webhook_transaction();
                service::store(pool, changes, std::slice::from_ref(event))
            });
            let outcomes = futures_util::future::join_all(singles).await;
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome.map(|mut o| o.pop().unwrap_or(Outcome::Stored)));
            }
        }
    }
}
