//! Answering the platform's question as a call rings: whose number was
//! dialled, and what should the agent say. Like `ingest::service` for call
//! events, it decides and the webhook route (`server::webhooks::inbound`)
//! only reads the request and turns the answer into HTTP.
//!
//! * a number nobody owns (or whose organization is suspended) gets the
//!   generic answer (`answer::fallback`) and a warning in the log;
//! * so does a request for an owned number whose signature is missing, wrong
//!   or stale (counted as `rejected_*`): to a request without a valid
//!   signature, a client's number and a stranger's look the same, so nobody
//!   can ask us which numbers are our clients';
//! * the dialled number is read in E.164 whatever its spacing (`+1 520 555
//!   0731`); anything that is not a phone number gets the generic answer
//!   without a lookup (and is never cached);
//! * a body without `call_inbound.to_number` is malformed;
//! * a database failure asks the platform to retry.

use super::answer;
use super::directory::Directory;
use crate::crypto::Keyring;
use crate::db::{self, TenantCtx};
use serde::Deserialize;
use serde_json::Value;
use sqlx::PgPool;

#[derive(Deserialize)]
struct Request {
    call_inbound: Call,
}

#[derive(Deserialize)]
struct Call {
    to_number: String,
}

/// What to tell the platform.
#[derive(Debug)]
pub enum Answer {
    /// The organization's dynamic variables.
    Tenant(Value),
    /// The generic answer, and why (the counter's label).
    Generic(&'static str),
    /// The body names no dialled number.
    Malformed,
    /// The directory could not be read: ask the platform to retry.
    RetryLater,
}

impl Answer {
    /// The counter label (`callboard_inbound_total{outcome}`).
    pub fn label(&self) -> &'static str {
        match self {
            Answer::Tenant(_) => "answered",
            Answer::Generic(why) => why,
            Answer::Malformed => "malformed",
            Answer::RetryLater => "failed",
        }
    }
}

/// Answers one inbound-call request (`body` as received, `signature` its
/// header).
pub async fn answer(
    directory: &Directory,
    pool: &PgPool,
    keys: &Keyring,
    body: &[u8],
    signature: Option<&str>,
) -> Answer {
    let Ok(req) = serde_json::from_slice::<Request>(body) else {
        return Answer::Malformed;
    };
    let Some(number) = dialled(&req.call_inbound.to_number) else {
        return Answer::Generic("unknown_number");
    };
    let line = match directory.get(pool, &number).await {
        Ok(line) => line,
        Err(e) => {
            tracing::error!(error = ?e, "could not look up an inbound number; asking to retry");
            return Answer::RetryLater;
        }
    };
    let Some(line) = line else {
        tracing::warn!(%number, "inbound call to a number no organization owns; generic answer");
        return Answer::Generic("unknown_number");
    };
    let org_id = line.owner.org_id;
    let verdict = crate::retell::verify::verify(
        keys,
        org_id,
        line.owner.key.as_ref(),
        body,
        signature,
        chrono::Utc::now().timestamp_millis(),
    );
    if let Err(refusal) = verdict {
        let reason = refusal.as_str();
        tracing::warn!(%org_id, reason, "inbound call request without a valid signature; generic answer");
        return Answer::Generic(reason);
    }
    if !line.owner.org_active {
        tracing::warn!(%org_id, %number, "inbound call for a suspended organization; generic answer");
        return Answer::Generic("suspended");
    }
    if !line.owner.connected {
        mark_connected(pool, &line.owner).await;
    }
    Answer::Tenant(answer::for_tenant(
        org_id,
        &line.settings,
        chrono::Utc::now(),
    ))
}

/// The dialled number in E.164, if it is one. Typed numbers arrive with
/// spaces or punctuation now and then; the directory holds E.164.
fn dialled(raw: &str) -> Option<String> {
    if raw.len() > 40 {
        return None;
    }
    crate::domain::settings::e164(raw.trim()).ok()
}

/// The first correctly signed call proves the number is wired up. Failing to
/// record that must not fail the call, so errors are only logged.
async fn mark_connected(pool: &PgPool, owner: &db::numbers::NumberOwner) {
    let ctx = TenantCtx::without_user(owner.org_id);
    let result = async {
        let mut tx = db::tx::tenant(pool, &ctx).await?;
        db::numbers::mark_connected(&mut tx, owner.org_id, owner.number_id).await?;
        db::notify::commit_config(tx, owner.org_id).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(org_id = %owner.org_id, error = ?e, "could not mark a number connected")
    }
}
