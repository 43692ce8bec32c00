//! The steps of accepting one webhook request, each in the right transaction:
//! the owner lookup on the platform path, everything else in the owning
//! organization's tenant transaction.

use super::merge::Merged;
use super::owners::OwnerCache;
use super::parse::{parse, Parsed};
use crate::crypto::Keyring;
use crate::db::notify::CallChanges;
use crate::db::{self, TenantCtx};
use crate::error::AppError;
use crate::retell::verify::{verify, Refusal};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// What happened to a request, and so what to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored and merged into its call (204).
    Merged,
    /// Stored; nothing to merge (204).
    Stored,
    /// The identical body was stored before (204).
    Duplicate,
    /// Signed correctly but unreadable; stored for diagnosis (400).
    Malformed(String),
    /// No such agent (404).
    UnknownAgent,
    /// The agent is switched off (410); nothing stored.
    Inactive,
    /// Signature missing, wrong or stale, or no key to check it with (401).
    Rejected(Refusal),
    /// Signed correctly, but about a call of another agent than the one whose
    /// URL it came to (409); counted, nothing stored. With one key for many
    /// agents (the agency's shared key), one agent's URL must not file
    /// another agent's calls.
    WrongAgent,
}

impl Outcome {
    /// The label used in counters and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Merged => "merged",
            Outcome::Stored => "stored",
            Outcome::Duplicate => "duplicate",
            Outcome::Malformed(_) => "malformed",
            Outcome::UnknownAgent => "unknown_agent",
            Outcome::Inactive => "rejected_inactive",
            Outcome::Rejected(refusal) => refusal.as_str(),
            Outcome::WrongAgent => "rejected_wrong_agent",
        }
    }
}

pub struct Delivery<'a> {
    pub agent_id: Uuid,
    pub body: &'a [u8],
    pub signature: Option<&'a str>,
    pub now_ms: i64,
}

/// A verified, parsed delivery, ready to be stored in its organization's
/// tenant transaction (alone or with others: [`store`]).
pub struct Event {
    pub org_id: Uuid,
    pub agent_id: Uuid,
    body: Vec<u8>,
    digest: Vec<u8>,
    parsed: Parsed,
    outcome: Outcome,
}

/// What [`prepare`] decided.
pub enum Prepared {
    /// Answered without storing an event (unknown agent, inactive, rejected).
    Done(Outcome),
    Ready(Event),
}

/// Accepts one delivery on its own; once a call has changed and committed,
/// marks its organization in `changes` for live views. `Err` means the
/// database failed: nothing was committed and the caller must answer 5xx so
/// the sender retries. (The server batches: `ingest::batch`.)
pub async fn accept(
    pool: &PgPool,
    keys: &Keyring,
    owners: &OwnerCache,
    changes: &CallChanges,
    d: Delivery<'_>,
) -> Result<Outcome, AppError> {
    match prepare(pool, keys, owners, d).await? {
        Prepared::Done(outcome) => Ok(outcome),
        Prepared::Ready(event) => {
            let mut outcomes = store(pool, changes, std::slice::from_ref(&event)).await?;
            Ok(outcomes.pop().unwrap_or(Outcome::Stored))
        }
    }
}

/// Everything before the event is stored: which organization owns the agent,
/// whether it is switched off, the signature (checked before any
/// transaction, so a bad request costs no more than a counter), and the body
/// read.
pub async fn prepare(
    pool: &PgPool,
    keys: &Keyring,
    owners: &OwnerCache,
    d: Delivery<'_>,
) -> Result<Prepared, AppError> {
    match owners.get(pool, d.agent_id).await? {
        None => Ok(Prepared::Done(Outcome::UnknownAgent)),
        Some(owner) => prepare_for(pool, keys, &owner, d).await,
    }
}

/// [`prepare`] for an agent whose owner the caller already looked up (the
/// HTTP handler does, so that an unknown agent's body is never read).
pub async fn prepare_for(
    pool: &PgPool,
    keys: &Keyring,
    owner: &crate::db::agents::Owner,
    d: Delivery<'_>,
) -> Result<Prepared, AppError> {
    let org_id = owner.org_id;
    let ctx = TenantCtx::without_user(org_id);
    if owner.inactive {
        let mut tx = db::tx::tenant(pool, &ctx).await?;
        db::webhooks::count(&mut tx, org_id, d.agent_id, Outcome::Inactive.label()).await?;
        tx.commit().await?;
        return Ok(Prepared::Done(Outcome::Inactive));
    }

    let verdict = verify(
        keys,
        org_id,
        owner.key.as_ref(),
        d.body,
        d.signature,
        d.now_ms,
    );
    if let Err(refusal) = verdict {
        let mut tx = db::tx::tenant(pool, &ctx).await?;
        db::webhooks::count(&mut tx, org_id, d.agent_id, refusal.as_str()).await?;
        if let Some(message) = refusal.status_message(d.signature) {
            db::agents::mark_rejected(&mut tx, org_id, d.agent_id, message).await?;
        }
        tx.commit().await?;
        return Ok(Prepared::Done(Outcome::Rejected(refusal)));
    }

    // Hash and parse before taking a connection: a long call's body is large.
    let digest = Sha256::digest(d.body).to_vec();
    let parsed = parse(d.body);
    if let Parsed::Call { call, .. } = &parsed {
        let named = call.get("agent_id").and_then(serde_json::Value::as_str);
        if named.is_some_and(|a| a != owner.provider_agent_id) {
            let mut tx = db::tx::tenant(pool, &ctx).await?;
            db::webhooks::count(&mut tx, org_id, d.agent_id, Outcome::WrongAgent.label()).await?;
            tx.commit().await?;
            return Ok(Prepared::Done(Outcome::WrongAgent));
        }
    }
    let outcome = match &parsed {
        Parsed::Malformed(why) => Outcome::Malformed(why.clone()),
        Parsed::Call { .. } => Outcome::Merged,
        Parsed::Other { .. } => Outcome::Stored,
    };
    Ok(Prepared::Ready(Event {
        org_id,
        agent_id: d.agent_id,
        body: d.body.to_vec(),
        digest,
        parsed,
        outcome,
    }))
}

/// Stores events of one organization and merges them into their calls in
/// one tenant transaction: one statement for the raw events, one to lock the
/// existing calls, one to update them and one to create the new ones,
/// however many events there are. Returns each event's outcome, in order.
/// On `Err` nothing was committed.
pub async fn store(
    pool: &PgPool,
    changes: &CallChanges,
    events: &[Event],
) -> Result<Vec<Outcome>, AppError> {
    let Some(org_id) = events.first().map(|e| e.org_id) else {
        return Ok(Vec::new());
    };
    debug_assert!(events.iter().all(|e| e.org_id == org_id));
    let ctx = TenantCtx::without_user(org_id);
    // Each body once (a retry may arrive beside the original), by digest.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|a, b| events[*a].digest.cmp(&events[*b].digest));
    order.dedup_by(|a, b| events[*a].digest == events[*b].digest);
    let rows: Vec<db::webhooks::NewEvent> = order
        .iter()
        .map(|&i| {
            let e = &events[i];
            let (event, call_id) = match &e.parsed {
                Parsed::Malformed(_) => (None, None),
                Parsed::Call { event, call_id, .. } => {
                    (Some(event.as_str()), Some(call_id.as_str()))
                }
                Parsed::Other { event } => (Some(event.as_str()), None),
            };
            db::webhooks::NewEvent {
                agent_id: e.agent_id,
                body: &e.body,
                body_sha256: &e.digest,
                event,
                provider_call_id: call_id,
                outcome: e.outcome.label(),
            }
        })
        .collect();

    let mut tx = db::tx::ingestion(pool, &ctx).await?;
    let stored = db::webhooks::receive(&mut tx, org_id, &rows).await?;
    let mut outcomes = Vec::with_capacity(events.len());
    let mut calls = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let fresh = order.contains(&i) && stored.contains(&e.digest);
        if !fresh {
            db::webhooks::count(&mut tx, org_id, e.agent_id, Outcome::Duplicate.label()).await?;
            outcomes.push(match &e.outcome {
                Outcome::Malformed(why) => Outcome::Malformed(why.clone()),
                _ => Outcome::Duplicate,
            });
            continue;
        }
        if let Parsed::Call {
            event,
            call_id,
            call,
        } = &e.parsed
        {
            calls.push(CallEvent {
                call_id,
                event,
                call,
                agent_id: e.agent_id,
            });
        }
        outcomes.push(e.outcome.clone());
    }
    merge(&mut tx, org_id, &calls).await?;
    tx.commit().await?;
    if !calls.is_empty() {
        changes.mark(org_id);
    }
    Ok(outcomes)
}

/// One stored event with a call to merge.
struct CallEvent<'a> {
    call_id: &'a str,
    event: &'a str,
    call: &'a serde_json::Map<String, serde_json::Value>,
    agent_id: Uuid,
}

/// Merges events into their calls: into each call's row, locked, if there is
/// one, else into a new row written once. If another delivery creates a call
/// between our look and our insert, lock what it wrote and merge into that.
async fn merge(
    conn: &mut sqlx::PgConnection,
    org_id: Uuid,
    events: &[CallEvent<'_>],
) -> Result<(), AppError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut pending: Vec<&str> = events.iter().map(|e| e.call_id).collect();
    pending.sort_unstable();
    pending.dedup();
    let mut existing = db::calls::lock_many(&mut *conn, org_id, &pending).await?;
    let mut disputed = Vec::new();
    loop {
        let mut updates = Vec::new();
        let mut creates = Vec::new();
        for &call_id in &pending {
            let mut mine = events.iter().filter(|e| e.call_id == call_id).peekable();
            let Some(agent_id) = mine.peek().map(|e| e.agent_id) else {
                continue;
            };
            let (id, mut state) = match existing.remove(call_id) {
                Some((id, row)) => (Some(id), Merged::from_row(row)),
                None => (None, Merged::default()),
            };
            for e in mine {
                state.apply(e.event, e.call);
            }
            if !state.conflicts.is_empty() {
                tracing::warn!(%org_id, call_id, fields = ?state.conflicts,
                    "an event disagreed with a call's billing fields; the first value stays");
                disputed.push(agent_id);
            }
            match id {
                Some(id) => updates.push((id, agent_id, state)),
                None => creates.push((call_id, agent_id, state)),
            }
        }
        if !updates.is_empty() {
            let rows: Vec<_> = updates
                .iter()
                .map(|(id, a, m)| (*id, *a, m.to_row()))
                .collect();
            db::calls::store_merged(&mut *conn, org_id, rows).await?;
        }
        if creates.is_empty() {
            break;
        }
        let rows: Vec<_> = creates
            .iter()
            .map(|(c, a, m)| (*c, *a, m.to_row()))
            .collect();
        let created = db::calls::create_merged(&mut *conn, org_id, rows).await?;
        pending = creates
            .iter()
            .map(|(c, _, _)| *c)
            .filter(|c| !created.contains_key(*c))
            .collect();
        if pending.is_empty() {
            break;
        }
        existing = db::calls::lock_many(&mut *conn, org_id, &pending).await?;
    }
    // Counted per agent beside its deliveries (the agents page shows them).
    for agent_id in disputed {
        db::webhooks::count(&mut *conn, org_id, agent_id, CONFLICT).await?;
    }
    Ok(())
}

/// The delivery counter for events that disagreed with a call's billing fields.
pub const CONFLICT: &str = "conflict_billing";
