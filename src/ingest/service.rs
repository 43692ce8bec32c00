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
use crate::retell::signature::{self, Rejection};
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
    Rejected(&'static str),
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
            Outcome::Rejected(reason) => reason,
        }
    }
}

pub struct Delivery<'a> {
    pub agent_id: Uuid,
    pub body: &'a [u8],
    pub signature: Option<&'a str>,
    pub now_ms: i64,
}

/// Accepts one delivery; once a call has changed and committed, marks its
/// organization in `changes` for live views. `Err` means the database failed: nothing was
/// committed and the caller must answer 5xx so the sender retries.
pub async fn accept(
    pool: &PgPool,
    keys: &Keyring,
    owners: &OwnerCache,
    changes: &CallChanges,
    d: Delivery<'_>,
) -> Result<Outcome, AppError> {
    let Some(owner) = owners.get(pool, d.agent_id).await? else {
        return Ok(Outcome::UnknownAgent);
    };
    let org_id = owner.org_id;
    let ctx = TenantCtx {
        org_id,
        user_id: None,
        impersonator_id: None,
    };
    if owner.inactive {
        let mut tx = db::tx::tenant(pool, &ctx).await?;
        db::webhooks::count(&mut tx, org_id, d.agent_id, Outcome::Inactive.label()).await?;
        tx.commit().await?;
        return Ok(Outcome::Inactive);
    }

    // Verify before opening a transaction: a bad request costs no more than
    // a counter.
    let key = owner.sealed_key.as_ref().and_then(|sealed| {
        keys.open(org_id, db::credentials::VOICE_API_KEY, sealed)
            .ok()
    });
    let verdict = match &key {
        None => Err("rejected_no_key"),
        Some(key) => {
            signature::verify(key, d.body, d.signature, d.now_ms).map_err(Rejection::as_str)
        }
    };
    if let Err(reason) = verdict {
        let mut tx = db::tx::tenant(pool, &ctx).await?;
        let message = match reason {
            "rejected_no_key" => {
                "Events arrive, but the organization has no API key to verify them with."
            }
            "rejected_stale" => "Events arrive with old timestamps; check the sender's clock.",
            _ => "Events arrive with signatures that do not match the stored API key.",
        };
        db::webhooks::count(&mut tx, org_id, d.agent_id, reason).await?;
        db::agents::mark_rejected(&mut tx, org_id, d.agent_id, message).await?;
        tx.commit().await?;
        return Ok(Outcome::Rejected(reason));
    }

    // Hash and parse before taking a connection: a long call's body is large.
    let digest = Sha256::digest(d.body);
    let parsed = parse(d.body);
    let (event, call_id, outcome) = match &parsed {
        Parsed::Malformed(why) => (None, None, Outcome::Malformed(why.clone())),
        Parsed::Call { event, call_id, .. } => (
            Some(event.as_str()),
            Some(call_id.as_str()),
            Outcome::Merged,
        ),
        Parsed::Other { event } => (Some(event.as_str()), None, Outcome::Stored),
    };
    let mut tx = db::tx::tenant(pool, &ctx).await?;
    let new = db::webhooks::receive(
        &mut tx,
        &db::webhooks::NewEvent {
            org_id,
            agent_id: d.agent_id,
            body: d.body,
            body_sha256: &digest,
            event,
            provider_call_id: call_id,
            outcome: outcome.label(),
        },
    )
    .await?;
    if !new {
        db::webhooks::count(&mut tx, org_id, d.agent_id, Outcome::Duplicate.label()).await?;
        tx.commit().await?;
        return Ok(match outcome {
            Outcome::Malformed(why) => Outcome::Malformed(why),
            _ => Outcome::Duplicate,
        });
    }
    if let Parsed::Call {
        event,
        call_id,
        call,
    } = &parsed
    {
        merge(&mut tx, org_id, d.agent_id, call_id, event, call).await?;
    }
    tx.commit().await?;
    if outcome == Outcome::Merged {
        changes.mark(org_id);
    }
    Ok(outcome)
}

/// Merges one event into its call: into its row, locked, if there is one,
/// else into a new row written once. If another delivery creates the call between
/// our look and our insert, lock what it wrote and merge into that.
async fn merge(
    conn: &mut sqlx::PgConnection,
    org_id: Uuid,
    agent_id: Uuid,
    call_id: &str,
    event: &str,
    call: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), AppError> {
    let mut existing = db::calls::lock(&mut *conn, org_id, call_id).await?;
    loop {
        if let Some((id, mut state)) = existing {
            state.apply(event, call);
            return db::calls::store_merged(conn, org_id, id, agent_id, &state).await;
        }
        let mut state = Merged::default();
        state.apply(event, call);
        if db::calls::create_merged(&mut *conn, org_id, call_id, agent_id, &state)
            .await?
            .is_some()
        {
            return Ok(());
        }
        existing = db::calls::lock(conn, org_id, call_id).await?;
    }
}
