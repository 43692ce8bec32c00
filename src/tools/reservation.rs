//! `check_reservation`: resolve the organization from the signed call,
//! verify the signature with its key, look the reservation up in its tenant
//! transaction (one statement), and say what was found.

use crate::crypto::Keyring;
use crate::db::{self, credentials::VoiceKey, PlatformAccess, TenantCtx};
use crate::domain::reservations::{self, Asked};
use crate::inbound::directory::Directory;
use crate::retell::verify::{verify, Refusal};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// What the route answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolAnswer {
    /// 200, text for the model to speak; `found` for the counters.
    Spoken {
        org_id: Uuid,
        text: String,
        found: bool,
    },
    /// 401: no organization could be told from the call, or the signature
    /// does not verify with its key. Why, for the log and the counters, and
    /// the organization the call named, when one could be told.
    Refused {
        reason: &'static str,
        org_id: Option<Uuid>,
    },
    /// 400: not JSON.
    Malformed,
    /// 503: the database failed; the platform retries.
    RetryLater,
}

/// How the organization was told from the call.
struct Resolved {
    org_id: Uuid,
    key: Option<VoiceKey>,
    active: bool,
}

/// The call's organization: the dialled number of an inbound call, else the
/// one organization that registered the call's agent, else the
/// `tenant_id` our inbound answer put in the call's metadata. The model's
/// arguments are never read for this.
async fn resolve(
    directory: &Directory,
    pool: &PgPool,
    call: &Value,
) -> Result<Option<Resolved>, crate::error::AppError> {
    let text = |k: &str| call.get(k).and_then(Value::as_str);
    if text("direction") != Some("outbound") {
        if let Some(number) = text("to_number").and_then(|n| crate::domain::e164(n.trim()).ok()) {
            if let Some(line) = directory.get(pool, &number).await? {
                return Ok(Some(Resolved {
                    org_id: line.owner.org_id,
                    key: line.owner.key.clone(),
                    active: line.owner.org_active,
                }));
            }
        }
    }
    let mut tx = db::tx::platform(pool, PlatformAccess::tool_call()).await?;
    let mut org = None;
    if let Some(agent) = text("agent_id") {
        if let [only] = db::agents::orgs_of_provider_agent(&mut tx, agent).await?[..] {
            org = Some(only);
        }
    }
    if org.is_none() {
        org = call
            .get("metadata")
            .and_then(|m| m.get("tenant_id"))
            .and_then(Value::as_str)
            .and_then(|t| Uuid::parse_str(t).ok());
    }
    let resolved = match org {
        Some(org_id) => {
            db::credentials::voice_key_of(&mut tx, org_id)
                .await?
                .map(|(key, active)| Resolved {
                    org_id,
                    key,
                    active,
                })
        }
        None => None,
    };
    tx.commit().await?;
    Ok(resolved)
}

/// Answers one tool request (`body` as received, `signature` its header).
pub async fn answer(
    directory: &Directory,
    pool: &PgPool,
    keys: &Keyring,
    body: &[u8],
    signature: Option<&str>,
    now: DateTime<Utc>,
) -> ToolAnswer {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return ToolAnswer::Malformed;
    };
    // Args-only requests carry no call: nothing says whose they are.
    let Some(call) = request.get("call").filter(|c| c.is_object()) else {
        return ToolAnswer::Refused {
            reason: "no_call",
            org_id: None,
        };
    };
    let resolved = match resolve(directory, pool, call).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return ToolAnswer::Refused {
                reason: "unknown_organization",
                org_id: None,
            }
        }
        Err(e) => {
            tracing::error!(error = ?e, "could not resolve a tool call's organization");
            return ToolAnswer::RetryLater;
        }
    };
    let org_id = resolved.org_id;
    if let Err(refusal) = verify(
        keys,
        org_id,
        resolved.key.as_ref(),
        body,
        signature,
        now.timestamp_millis(),
    ) {
        let reason = match refusal {
            Refusal::NoKey => "rejected_no_key",
            Refusal::Signature(r) => r.as_str(),
        };
        return ToolAnswer::Refused {
            reason,
            org_id: Some(org_id),
        };
    }
    if !resolved.active {
        return ToolAnswer::Refused {
            reason: "suspended",
            org_id: Some(org_id),
        };
    }
    let args = request.get("args").cloned().unwrap_or(Value::Null);
    let asked = args
        .get("confirmation_number")
        .and_then(Value::as_str)
        .filter(|n| !reservations::confirmation_key(n).is_empty())
        .map(|n| Asked::Confirmation(n.chars().take(64).collect()))
        .unwrap_or(Asked::CallerPhone);
    match look_up(pool, org_id, &asked, call, now).await {
        Ok((text, found)) => ToolAnswer::Spoken {
            org_id,
            text,
            found,
        },
        Err(e) => {
            tracing::error!(%org_id, error = ?e, "could not answer a tool call");
            ToolAnswer::RetryLater
        }
    }
}

/// The organization's context and the reservation, in its tenant
/// transaction: one statement.
async fn look_up(
    pool: &PgPool,
    org_id: Uuid,
    asked: &Asked,
    call: &Value,
    now: DateTime<Utc>,
) -> Result<(String, bool), crate::error::AppError> {
    use db::tool_data::Lookup;
    let key;
    let phone;
    let by = match asked {
        Asked::Confirmation(n) => {
            key = reservations::confirmation_key(n);
            Lookup::Key(&key)
        }
        Asked::CallerPhone => {
            // The passenger is whoever is on the other end: the caller of an
            // inbound call, the one we dialled on an outbound call.
            let outbound = call.get("direction").and_then(Value::as_str) == Some("outbound");
            let side = if outbound { "to_number" } else { "from_number" };
            phone = call
                .get(side)
                .and_then(Value::as_str)
                .and_then(|n| crate::domain::e164(n.trim()).ok())
                // No number: a lookup that finds nothing, in the same shape.
                .unwrap_or_default();
            Lookup::Phone {
                phone: &phone,
                from: now,
                to: now + chrono::Duration::hours(24),
            }
        }
    };
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org_id)).await?;
    let (ctx, found) = db::tool_data::look_up(&mut tx, org_id, by).await?;
    tx.commit().await?;
    let text = reservations::answer(found.as_ref(), asked, &ctx, now);
    Ok((text, found.is_some()))
}

/// Each organization's tool calls since the last flush, counted in memory
/// and written every half second in one statement per organization: a
/// write per call would make every call of an organization wait on the
/// same row.
pub struct Counts {
    pending: std::sync::Mutex<std::collections::HashMap<Uuid, Tally>>,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    calls: i32,
    found: i32,
    refused: i32,
    took_ms: i64,
}

impl Counts {
    /// The counter, with its flusher running on the current runtime.
    pub fn start(pool: PgPool) -> std::sync::Arc<Counts> {
        let counts = std::sync::Arc::new(Counts {
            pending: Default::default(),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let weak = std::sync::Arc::downgrade(&counts);
            runtime.spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    let Some(counts) = weak.upgrade() else { break };
                    counts.flush(&pool).await;
                }
            });
        }
        counts
    }

    pub fn add(&self, org_id: Uuid, found: bool, took_ms: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let t = pending.entry(org_id).or_default();
        t.calls += 1;
        t.found += i32::from(found);
        t.took_ms += took_ms;
    }

    /// A call that named this organization but was refused (its signature,
    /// or the organization is suspended): counted apart from the answers.
    pub fn refused(&self, org_id: Uuid) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.entry(org_id).or_default().refused += 1;
    }

    /// Writes what was counted; a failure is logged and the counts kept for
    /// the next try.
    pub async fn flush(&self, pool: &PgPool) {
        let taken: Vec<(Uuid, Tally)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.drain().collect()
        };
        for (org_id, t) in taken {
            let result = async {
                let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org_id)).await?;
                let counted = db::tool_data::Counted {
                    calls: t.calls,
                    found: t.found,
                    refused: t.refused,
                    took_ms: t.took_ms,
                };
                db::tool_data::count_calls(&mut tx, org_id, counted).await?;
                tx.commit().await?;
                Ok::<_, crate::error::AppError>(())
            }
            .await;
            if let Err(e) = result {
                tracing::warn!(%org_id, error = ?e, "could not count tool calls; keeping them");
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                let back = pending.entry(org_id).or_default();
                back.calls += t.calls;
                back.found += t.found;
                back.refused += t.refused;
                back.took_ms += t.took_ms;
            }
        }
    }
}
