//! An organization's voice agents and its platform API key. Used by the
//! console (super admins), the organization's admins and the CLI; every
//! query runs in the organization's tenant transaction, every change is audited.

use crate::auth::Principal;
use crate::crypto::{self, Keyring};
use crate::db::{self, audit::Entry, credentials::VOICE_API_KEY};
use crate::domain::{
    validate::Checks, Agent, AgentRegistered, AgentStatus, AgentsOverview, ApiKeyStatus,
    ConnectionCheck, DeliveryCounts,
};
use crate::error::{violated_constraint, AppError};
use crate::retell::client::{Client, ClientError};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Fails with NotFound unless the organization exists (a super admin
/// can name any id; the tenant transaction sees only that one row).
pub(crate) async fn ensure_org(conn: &mut PgConnection, org_id: Uuid) -> Result<(), AppError> {
    let found: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(conn)
        .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

fn counts(rows: &[(String, i64)]) -> DeliveryCounts {
    let mut c = DeliveryCounts::default();
    for (outcome, n) in rows {
        match outcome.as_str() {
            "merged" | "stored" | "duplicate" => c.accepted += n,
            "malformed" => c.malformed += n,
            o if o.starts_with("rejected") => {
                c.rejected += n;
                c.rejected_by_reason
                    .push((crate::domain::rejection_reason(o).to_string(), *n));
            }
            _ => {}
        }
    }
    c
}

pub fn webhook_url(public_url: &str, agent_id: Uuid) -> String {
    format!("{public_url}/webhooks/agent/{agent_id}")
}

pub async fn overview(
    pool: &PgPool,
    who: &Principal,
    public_url: &str,
) -> Result<AgentsOverview, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    ensure_org(&mut tx, org_id).await?;
    let key = db::credentials::get(&mut tx, org_id, VOICE_API_KEY).await?;
    let rows = db::agents::list(&mut tx, org_id).await?;
    let mut agents = Vec::with_capacity(rows.len());
    for row in rows {
        let hour = db::webhooks::totals(&mut tx, org_id, row.id, 1).await?;
        let day = db::webhooks::totals(&mut tx, org_id, row.id, 24).await?;
        agents.push(Agent {
            id: row.id,
            name: row.name,
            provider_agent_id: who.agency.then_some(row.provider_agent_id),
            status: AgentStatus::parse(&row.status),
            status_message: row.status_message,
            last_webhook_at: row.last_webhook_at,
            call_count: row.call_count,
            // The URL is the agency's to paste into the platform; nobody
            // else needs to hold it.
            webhook_url: if who.agency {
                webhook_url(public_url, row.id)
            } else {
                String::new()
            },
            last_hour: counts(&hour),
            last_day: counts(&day),
        });
    }
    tx.commit().await?;
    Ok(AgentsOverview {
        org_id,
        api_key: key.map(|k| ApiKeyStatus {
            last4: k.last4,
            updated_at: k.updated_at,
            checked_at: k.checked_at,
            check_ok: k.check_ok,
            check_message: k.check_message,
        }),
        agents,
        is_agency: who.agency,
    })
}

pub(crate) fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        Err("Paste the API key.".into())
    } else if key.len() > 200 || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("That does not look like an API key: no spaces, at most 200 characters.".into())
    } else {
        Ok(())
    }
}

/// Stores (or replaces) the organization's API key, sealed.
pub async fn set_api_key(
    pool: &PgPool,
    keys: &Keyring,
    who: &Principal,
    key: &str,
) -> Result<String, AppError> {
    let key = key.trim();
    Checks::new().check("api_key", check_key(key)).finish()?;
    let org_id = who.org_id();
    let sealed = keys.seal(org_id, VOICE_API_KEY, key);
    let last4 = crypto::last4(key);
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    ensure_org(&mut tx, org_id).await?;
    db::credentials::put(&mut tx, org_id, VOICE_API_KEY, &sealed, &last4).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "api_key.set",
        target: None,
        metadata: json!({ "ends_in": last4 }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(last4)
}

/// Asks the platform whether the key this organization uses works (its own,
/// or the agency's shared one), and whether it knows each registered agent;
/// remembers the answer when the organization has a key of its own.
pub async fn test_connection(
    pool: &PgPool,
    keys: &Keyring,
    client: &Client,
    who: &Principal,
) -> Result<ConnectionCheck, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    ensure_org(&mut tx, org_id).await?;
    let own = db::credentials::get(&mut tx, org_id, VOICE_API_KEY).await?;
    let registered = db::agents::list(&mut tx, org_id).await?;
    tx.commit().await?;
    let key = match super::shared_key::key_for(pool, keys, who).await {
        Ok(key) => key,
        Err(AppError::Refused(why)) => {
            return Ok(ConnectionCheck {
                ok: false,
                message: why,
            })
        }
        Err(e) => return Err(e),
    };
    // No transaction is held while waiting on the network.
    let listed = client.list_agents(&key).await;
    super::shared_key::note(pool, who, &listed).await;
    let check = match listed {
        Ok(agents) => {
            let mut message = format!(
                "Connected. The key works and sees {} agent{}.",
                agents.len(),
                if agents.len() == 1 { "" } else { "s" }
            );
            let mut ok = true;
            for a in &registered {
                let answer = client.get_agent(&key, &a.provider_agent_id).await;
                super::shared_key::note(pool, who, &answer).await;
                let said = match answer {
                    Ok(info) => platform_words(&info),
                    Err(e) => {
                        ok = false;
                        e.to_string()
                    }
                };
                message.push_str(&format!(" {}: {said}", a.name));
            }
            ConnectionCheck { ok, message }
        }
        Err(e) => ConnectionCheck {
            ok: false,
            message: e.to_string(),
        },
    };
    if own.is_some() {
        let mut tx = db::tx::tenant(pool, &who.tenant).await?;
        db::credentials::record_check(&mut tx, org_id, VOICE_API_KEY, check.ok, &check.message)
            .await?;
        tx.commit().await?;
    }
    Ok(check)
}

/// "known as “Front desk”, version 3."
fn platform_words(info: &crate::retell::client::AgentInfo) -> String {
    let name = info
        .agent_name
        .as_deref()
        .map(|n| format!("known as \u{201c}{n}\u{201d}"))
        .unwrap_or_else(|| "known".into());
    match info.version {
        Some(v) => format!("{name}, version {v}."),
        None => format!("{name}."),
    }
}

/// The organization's API key in plain text, for signing simulated events
/// (the operator CLI). `None` when none is stored.
pub async fn api_key(
    pool: &PgPool,
    keys: &Keyring,
    who: &Principal,
) -> Result<Option<String>, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let stored = db::credentials::get(&mut tx, org_id, VOICE_API_KEY).await?;
    tx.commit().await?;
    stored
        .map(|s| keys.open(org_id, VOICE_API_KEY, &s.sealed))
        .transpose()
        .map_err(|e| AppError::Refused(format!("The stored key cannot be opened: {e}")))
}

fn check_agent_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("Enter the agent id.".into())
    } else if id.len() > 200 || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("An agent id has no spaces and at most 200 characters.".into())
    } else {
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), String> {
    match name.chars().count() {
        0 => Err("Give the agent a name.".into()),
        n if n > 120 => Err("Keep the name under 120 characters.".into()),
        _ => Ok(()),
    }
}

/// Registers an agent after asking the voice platform about it (with the key
/// the organization uses): an id the platform does not know is refused next
/// to the field, and nothing is stored when the platform cannot be asked.
pub async fn register(
    pool: &PgPool,
    keys: &Keyring,
    client: &Client,
    who: &Principal,
    provider_agent_id: &str,
    name: &str,
) -> Result<AgentRegistered, AppError> {
    let (provider_agent_id, name) = (provider_agent_id.trim(), name.trim());
    Checks::new()
        .check("name", check_name(name))
        .check("agent_id", check_agent_id(provider_agent_id))
        .finish()?;
    let key = super::shared_key::key_for(pool, keys, who).await?;
    let info = client.get_agent(&key, provider_agent_id).await;
    super::shared_key::note(pool, who, &info).await;
    let info =
        match info {
            Ok(info) => info,
            Err(ClientError::UnknownAgent) => return Err(AppError::field(
                "agent_id",
                "The voice platform has no agent with this id in this account. Copy it from the \
                 agent's page there.",
            )),
            Err(e) => {
                return Err(AppError::Refused(format!(
                    "{e} The agent was not registered."
                )))
            }
        };
    let id = create(pool, who, provider_agent_id, name).await?;
    Ok(AgentRegistered {
        id,
        platform_name: info.agent_name,
        version: info.version,
    })
}

/// Stores an agent's registration (the platform was asked by [`register`],
/// or the caller is the operator's seeding); returns its id (the path of its
/// webhook URL).
pub async fn create(
    pool: &PgPool,
    who: &Principal,
    provider_agent_id: &str,
    name: &str,
) -> Result<Uuid, AppError> {
    let (provider_agent_id, name) = (provider_agent_id.trim(), name.trim());
    Checks::new()
        .check("name", check_name(name))
        .check("agent_id", check_agent_id(provider_agent_id))
        .finish()?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    ensure_org(&mut tx, org_id).await?;
    let id = db::agents::insert(&mut tx, org_id, provider_agent_id, name)
        .await
        .map_err(|e| duplicate_agent(&e).unwrap_or_else(|| e.into()))?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "agent.create",
        target: Some(id.to_string()),
        metadata: json!({ "name": name }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    // Every process may have cached "no such agent" for this id.
    db::notify::commit_config(tx, org_id).await?;
    Ok(id)
}

/// A change to one agent.
enum Change<'a> {
    Rename(&'a str),
    Active(bool),
    Delete,
}

pub async fn rename(pool: &PgPool, who: &Principal, id: Uuid, name: &str) -> Result<(), AppError> {
    let name = name.trim();
    Checks::new().check("name", check_name(name)).finish()?;
    change(pool, who, id, Change::Rename(name)).await
}

pub async fn set_active(
    pool: &PgPool,
    who: &Principal,
    id: Uuid,
    active: bool,
) -> Result<(), AppError> {
    change(pool, who, id, Change::Active(active)).await
}

/// Deletes an agent. Its calls stay (their agent becomes unknown).
pub async fn delete(pool: &PgPool, who: &Principal, id: Uuid) -> Result<(), AppError> {
    change(pool, who, id, Change::Delete).await
}

/// One audited change to one agent; NotFound when the agent is not this organization's.
async fn change(
    pool: &PgPool,
    who: &Principal,
    id: Uuid,
    change: Change<'_>,
) -> Result<(), AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (rows, action, metadata) = match change {
        Change::Rename(name) => (
            db::agents::rename(&mut tx, org_id, id, name).await?,
            "agent.rename",
            json!({ "name": name }),
        ),
        Change::Active(active) => (
            db::agents::set_active(&mut tx, org_id, id, active).await?,
            if active {
                "agent.activate"
            } else {
                "agent.deactivate"
            },
            json!({}),
        ),
        Change::Delete => (
            db::agents::delete(&mut tx, org_id, id).await?,
            "agent.delete",
            json!({}),
        ),
    };
    if rows == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(org_id),
        action,
        target: Some(id.to_string()),
        metadata,
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    // Other server processes drop their cached view of this agent.
    db::notify::commit_config(tx, org_id).await?;
    Ok(())
}

/// Maps a duplicate registration to a field error.
fn duplicate_agent(err: &sqlx::Error) -> Option<AppError> {
    (violated_constraint(err) == Some("agents_provider_agent_key")).then(|| {
        AppError::field(
            "agent_id",
            "This agent is already registered for this organization.",
        )
    })
}
