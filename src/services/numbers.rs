//! An organization's phone numbers, connected to the voice platform: import
//! (a number is recorded only once the platform accepted it), change,
//! disconnect, check, and release when the organization leaves.
//!
//! No transaction is held while the platform is asked: each step reads or
//! writes in its own short one. A platform failure leaves our rows as they
//! were and says so; every platform call is audited (action, number,
//! outcome; never a secret).

use crate::auth::Principal;
use crate::crypto::Keyring;
use crate::db::{self, audit::Entry, PlatformAccess};
use crate::domain::numbers::{self as rules, KeyUse, NumberForm, NumbersPage};
use crate::domain::{e164, validate::Checks, PhoneNumber};
use crate::error::{violated_constraint, AppError};
use crate::retell::client::{Client, ClientError, NumberRequest, WeightedAgent};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// What talking to the platform takes.
#[derive(Clone, Copy)]
pub struct Platform<'a> {
    pub keys: &'a Keyring,
    pub voice: &'a Client,
    /// `CALLBOARD_PUBLIC_URL`: the platform sends inbound calls to
    /// `<public_url>/webhooks/inbound`.
    pub public_url: &'a str,
}

impl Platform<'_> {
    pub fn inbound_url(&self) -> String {
        format!("{}/webhooks/inbound", self.public_url.trim_end_matches('/'))
    }
}

/// The numbers section for a manager (the agency, or an org admin).
pub async fn page(pool: &PgPool, who: &Principal) -> Result<NumbersPage, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    super::agents::ensure_org(&mut tx, org_id).await?;
    let clients_manage = clients_manage(&mut tx, org_id).await?;
    let numbers = db::numbers::list(&mut tx, org_id).await?;
    let agents = db::agents::list(&mut tx, org_id)
        .await?
        .into_iter()
        .filter(|a| a.status != "inactive")
        .map(|a| (a.id, a.name))
        .collect();
    let own = db::credentials::get(&mut tx, org_id, db::credentials::VOICE_API_KEY).await?;
    tx.commit().await?;
    let key = if who.agency {
        Some(match own {
            Some(c) => KeyUse::Own(c.last4),
            None => shared_key_use(pool).await?,
        })
    } else {
        None
    };
    Ok(NumbersPage {
        numbers,
        can_edit: who.agency || (who.is_admin() && clients_manage),
        clients_manage,
        agents,
        key,
    })
}

async fn shared_key_use(pool: &PgPool) -> Result<KeyUse, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::voice_platform()).await?;
    let shared = db::credentials::shared_get(&mut tx).await?;
    tx.commit().await?;
    Ok(shared.map_or(KeyUse::Missing, |(_, last4, _)| KeyUse::Shared(last4)))
}

async fn clients_manage(conn: &mut PgConnection, org_id: Uuid) -> Result<bool, AppError> {
    Ok(
        sqlx::query_scalar("SELECT clients_manage_numbers FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(conn)
            .await?
            .unwrap_or(false),
    )
}

/// The agency always; an org admin where the agency allowed it; nobody else.
async fn may_manage(conn: &mut PgConnection, who: &Principal) -> Result<(), AppError> {
    super::agents::ensure_org(conn, who.org_id()).await?;
    if who.agency || (who.is_admin() && clients_manage(conn, who.org_id()).await?) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Writes one audit entry in its own transaction (a refused platform call
/// changes nothing else, and must still be on record).
async fn audit(
    pool: &PgPool,
    who: &Principal,
    action: &str,
    id: Option<Uuid>,
    number: &str,
    outcome: &str,
) -> Result<(), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let entry = Entry {
        org_id: Some(who.org_id()),
        action,
        target: id.map(|i| i.to_string()),
        metadata: json!({ "number": number, "outcome": outcome }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The platform's answer in our words, next to the field it concerns where
/// one does.
fn refusal(e: &ClientError) -> AppError {
    match e {
        ClientError::Conflict(m) => AppError::field(
            "number",
            format!("The voice platform already has this number in an account: {m}"),
        ),
        ClientError::Refused(m) => {
            let lower = m.to_lowercase();
            let field = if lower.contains("termination") || lower.contains("uri") {
                "termination_uri"
            } else if lower.contains("agent") {
                "agent_id"
            } else if lower.contains("username")
                || lower.contains("password")
                || lower.contains("sip")
            {
                "sip_username"
            } else if lower.contains("number") {
                "number"
            } else {
                return AppError::Refused(format!("The voice platform refused the change: {m}"));
            };
            AppError::field(field, format!("The voice platform refused this: {m}"))
        }
        ClientError::UnknownAgent => {
            AppError::field("agent_id", "The voice platform does not know this agent.")
        }
        other => AppError::Refused(format!("{other} Nothing was changed.")),
    }
}

/// The answering agent: one of the organization's, by our id; its platform id.
async fn answering_agent(
    conn: &mut PgConnection,
    org_id: Uuid,
    agent_id: Option<Uuid>,
) -> Result<(Uuid, String), AppError> {
    let Some(id) = agent_id else {
        return Err(AppError::field(
            "agent_id",
            "Choose the agent that answers this number.",
        ));
    };
    match db::agents::get(conn, org_id, id).await? {
        Some(a) if a.status != "inactive" => Ok((a.id, a.provider_agent_id)),
        Some(_) => Err(AppError::field("agent_id", "That agent is switched off.")),
        None => Err(AppError::field(
            "agent_id",
            "Choose one of this organization's agents.",
        )),
    }
}

/// The checked fields of a form (the number itself only when connecting).
struct Checked {
    number: String,
    termination_uri: String,
    provider: crate::domain::Carrier,
    sip_username: Option<String>,
    sip_password: Option<String>,
}

/// A field's problem, if it has one.
fn problem<T>(r: &Result<T, String>) -> Result<(), String> {
    r.as_ref().map(|_| ()).map_err(Clone::clone)
}

fn check_form(form: &NumberForm, connecting: bool) -> Result<Checked, AppError> {
    let number = if connecting {
        e164(&form.number)
    } else {
        Ok(String::new())
    };
    let uri = rules::termination_uri(&form.termination_uri);
    let provider = rules::provider(&form.provider);
    let optional = |v: &Option<String>, what| {
        v.as_deref()
            .map(|s| rules::sip_credential(s, what))
            .transpose()
            .map(|o| o.filter(|s| !s.is_empty()))
    };
    let user = optional(&form.sip_username, "user name");
    let password = optional(&form.sip_password, "password");
    Checks::new()
        .check("number", problem(&number))
        .check("termination_uri", problem(&uri))
        .check("provider", problem(&provider))
        .check("sip_username", problem(&user))
        .check("sip_password", problem(&password))
        .finish()?;
    let (Ok(number), Ok(termination_uri), Ok(provider), Ok(sip_username), Ok(sip_password)) =
        (number, uri, provider, user, password)
    else {
        return Err(AppError::Internal);
    };
    Ok(Checked {
        number,
        termination_uri,
        provider,
        sip_username,
        sip_password,
    })
}

/// Imports a number into the platform account this organization uses,
/// pointed at our inbound webhook and answered by the chosen agent, and
/// records it only once the platform accepted it.
pub async fn connect(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    form: &NumberForm,
) -> Result<PhoneNumber, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    may_manage(&mut tx, who).await?;
    let c = check_form(form, true)?;
    let (agent_id, provider_agent_id) = answering_agent(&mut tx, org_id, form.agent_id).await?;
    tx.commit().await?;

    // A number is one organization's on the whole platform.
    let mut tx = db::tx::platform(pool, PlatformAccess::voice_platform()).await?;
    let holder = db::numbers::holder(&mut tx, &c.number).await?;
    tx.commit().await?;
    if let Some(holder) = holder {
        return Err(AppError::field(
            "number",
            if holder == org_id {
                "This number is already connected here."
            } else {
                "This number is connected to another organization."
            },
        ));
    }

    let key = super::shared_key::key_for(pool, p.keys, who).await?;
    let request = NumberRequest {
        phone_number: Some(c.number.clone()),
        termination_uri: Some(c.termination_uri.clone()),
        sip_trunk_auth_username: c.sip_username.clone(),
        sip_trunk_auth_password: c.sip_password.clone(),
        nickname: None,
        inbound_webhook_url: Some(p.inbound_url()),
        inbound_agents: Some(vec![WeightedAgent {
            agent_id: provider_agent_id,
            weight: 1.0,
        }]),
    };
    let answer = p.voice.import_number(&key, &request).await;
    super::shared_key::note(pool, who, &answer).await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => {
            audit(
                pool,
                who,
                "phone_number.connect",
                None,
                &c.number,
                e.outcome(),
            )
            .await?;
            return Err(refusal(&e));
        }
    };

    let id = Uuid::new_v4();
    let sealed = c
        .sip_password
        .as_deref()
        .map(|pw| p.keys.seal(org_id, &db::numbers::sip_column(id), pw));
    let row = db::numbers::NewNumber {
        id,
        number: &c.number,
        termination_uri: &c.termination_uri,
        provider: c.provider,
        sip_username: c.sip_username.as_deref(),
        sip_password: sealed.as_ref(),
        agent_id: Some(agent_id),
        platform_label: answer.phone_number_pretty.as_deref(),
    };
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    if let Err(e) = db::numbers::insert(&mut tx, org_id, &row).await {
        drop(tx);
        // Another organization recorded it meanwhile (in its own account):
        // take ours back out of the platform, so nothing is left half-done.
        if violated_constraint(&e) == Some("phone_numbers_number_key") {
            if let Err(undo) = p.voice.delete_number(&key, &c.number).await {
                tracing::error!(%org_id, error = %undo, "could not release a number after a clash");
            }
            audit(pool, who, "phone_number.connect", None, &c.number, "clash").await?;
            return Err(AppError::field(
                "number",
                "This number is connected to another organization.",
            ));
        }
        return Err(e.into());
    }
    committed(tx, who, "phone_number.connect", id, &c.number).await
}

/// Changes the answering agent, the termination URI or the SIP credentials.
pub async fn change(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    id: Uuid,
    form: &NumberForm,
) -> Result<PhoneNumber, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    may_manage(&mut tx, who).await?;
    let current = db::numbers::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = check_form(form, false)?;
    let (agent_id, provider_agent_id) = answering_agent(&mut tx, org_id, form.agent_id).await?;
    tx.commit().await?;

    let key = super::shared_key::key_for(pool, p.keys, who).await?;
    let credentials_change = c.sip_password.is_some()
        || form.clear_sip_password
        || c.sip_username != current.sip_username;
    let request = NumberRequest {
        termination_uri: Some(c.termination_uri.clone()),
        sip_trunk_auth_username: credentials_change
            .then(|| c.sip_username.clone().unwrap_or_default()),
        sip_trunk_auth_password: credentials_change
            .then(|| c.sip_password.clone().unwrap_or_default()),
        inbound_webhook_url: Some(p.inbound_url()),
        inbound_agents: Some(vec![WeightedAgent {
            agent_id: provider_agent_id,
            weight: 1.0,
        }]),
        ..NumberRequest::default()
    };
    let updated = p.voice.update_number(&key, &current.number, &request).await;
    super::shared_key::note(pool, who, &updated).await;
    if let Err(e) = updated {
        audit(
            pool,
            who,
            "phone_number.change",
            Some(id),
            &current.number,
            e.outcome(),
        )
        .await?;
        return Err(refusal(&e));
    }
    let sealed = c
        .sip_password
        .as_deref()
        .map(|pw| p.keys.seal(org_id, &db::numbers::sip_column(id), pw));
    let password = match (&sealed, form.clear_sip_password) {
        (Some(s), _) => Some(Some(s)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let change = db::numbers::Change {
        termination_uri: &c.termination_uri,
        provider: c.provider,
        sip_username: c.sip_username.as_deref(),
        sip_password: password,
        agent_id: Some(agent_id),
    };
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    db::numbers::update(&mut tx, org_id, id, &change).await?;
    committed(tx, who, "phone_number.change", id, &current.number).await
}

/// After the platform accepted a change and `tx` wrote it: the audit entry,
/// the number as it now reads, and the commit every process hears of.
async fn committed(
    mut tx: db::Tx,
    who: &Principal,
    action: &str,
    id: Uuid,
    number: &str,
) -> Result<PhoneNumber, AppError> {
    let org_id = who.org_id();
    let entry = Entry {
        org_id: Some(org_id),
        action,
        target: Some(id.to_string()),
        metadata: json!({ "number": number, "outcome": "ok" }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    let number = db::numbers::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::Internal)?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(number)
}

/// Releases a number from the platform, then forgets it. If the platform
/// cannot release it, it stays, connected, and the answer says so.
pub async fn disconnect(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    id: Uuid,
) -> Result<(), AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    may_manage(&mut tx, who).await?;
    let current = db::numbers::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    release(pool, p, who, &current).await
}

async fn release(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    number: &PhoneNumber,
) -> Result<(), AppError> {
    let org_id = who.org_id();
    // A number recorded without the platform (demo data, or from before
    // numbers were connected here) has nothing to release there.
    let imported = number.termination_uri.is_some();
    let deleted = if imported {
        let key = super::shared_key::key_for(pool, p.keys, who).await?;
        let deleted = p.voice.delete_number(&key, &number.number).await;
        super::shared_key::note(pool, who, &deleted).await;
        deleted
    } else {
        Ok(())
    };
    if let Err(e) = deleted {
        audit(
            pool,
            who,
            "phone_number.disconnect",
            Some(number.id),
            &number.number,
            e.outcome(),
        )
        .await?;
        return Err(AppError::Refused(format!(
            "The voice platform could not release {}: {e} It is still connected; try again.",
            number.number
        )));
    }
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    db::numbers::delete(&mut tx, org_id, number.id).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "phone_number.disconnect",
        target: Some(number.id.to_string()),
        metadata: json!({
            "number": number.number,
            "outcome": if imported { "ok" } else { "not_imported" },
        }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    db::notify::commit_config(tx, org_id).await
}

/// Releases every number of the organization (offboarding); returns the
/// numbers the platform could not release (they stay recorded).
pub async fn release_all(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
) -> Result<Vec<String>, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let numbers = db::numbers::list(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    let mut kept = Vec::new();
    for n in &numbers {
        if let Err(e) = release(pool, p, who, n).await {
            tracing::warn!(org_id = %who.org_id(), error = ?e, "a number was not released");
            kept.push(n.number.clone());
        }
    }
    Ok(kept)
}

/// Asks the platform about one number and records what it said: connected
/// (and pointed at us), or an error in words. Audited ("Check now").
pub async fn check(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    id: Uuid,
) -> Result<PhoneNumber, AppError> {
    check_one(pool, p, who, id, true).await
}

/// [`check`], auditing only a change of state when `always_audit` is off
/// (the background check runs every quarter hour; a log line per number
/// each time would bury everything else).
async fn check_one(
    pool: &PgPool,
    p: Platform<'_>,
    who: &Principal,
    id: Uuid,
    always_audit: bool,
) -> Result<PhoneNumber, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let current = db::numbers::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let asked = match super::shared_key::key_for(pool, p.keys, who).await {
        Ok(key) => {
            let answer = p.voice.get_number(&key, &current.number).await;
            super::shared_key::note(pool, who, &answer).await;
            Ok(answer)
        }
        Err(e) => Err(e),
    };
    let (verdict, outcome) = match asked {
        Ok(answer) => match answer {
            Ok(n) if n.inbound_webhook_url.as_deref() != Some(p.inbound_url().as_str()) => (
                Err(
                    "The voice platform sends this number's calls somewhere else; change it \
                     here to point it back."
                        .to_string(),
                ),
                "elsewhere",
            ),
            Ok(n) => (Ok(n.phone_number_pretty), "ok"),
            Err(ClientError::UnknownNumber) => (
                Err("The voice platform no longer has this number.".to_string()),
                "unknown",
            ),
            Err(e) => (Err(e.to_string()), e.outcome()),
        },
        Err(e) => (Err(e.to_string()), "no_key"),
    };
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let recorded = match &verdict {
        Ok(label) => Ok(label.as_deref()),
        Err(why) => Err(why.as_str()),
    };
    db::numbers::record_check(&mut tx, org_id, id, recorded).await?;
    let number = db::numbers::get(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::Internal)?;
    if always_audit || number.status != current.status {
        let entry = Entry {
            org_id: Some(org_id),
            action: "phone_number.check",
            target: Some(id.to_string()),
            metadata: json!({ "number": current.number, "outcome": outcome }),
        };
        db::audit::record(&mut tx, &who.actor, entry).await?;
    }
    db::notify::commit_config(tx, org_id).await?;
    Ok(number)
}

/// How often the background check asks about each number.
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Checks every number not checked for [`CHECK_EVERY`], at most `limit` of
/// them, `concurrency` at a time across all organizations; returns how many
/// were checked. One number's failure does not stop the others.
pub async fn check_due(
    pool: &PgPool,
    p: Platform<'_>,
    limit: i64,
    concurrency: usize,
) -> Result<usize, AppError> {
    use futures_util::stream::{self, StreamExt};
    let before = chrono::Utc::now()
        - chrono::Duration::from_std(CHECK_EVERY).unwrap_or(chrono::Duration::minutes(15));
    let mut tx = db::tx::platform(pool, PlatformAccess::housekeeping()).await?;
    let due = db::numbers::due(&mut tx, before, limit).await?;
    tx.commit().await?;
    let checked = stream::iter(due)
        .map(|(org_id, id)| async move {
            let who = Principal::system(org_id, "number check");
            if let Err(e) = check_one(pool, p, &who, id, false).await {
                tracing::warn!(%org_id, %id, error = ?e, "could not check a number");
            }
        })
        .buffer_unordered(concurrency.max(1))
        .count()
        .await;
    Ok(checked)
}

/// Lets (or stops) the organization's own admins manage its numbers.
pub async fn set_clients_manage(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &db::audit::Actor,
    org_id: Uuid,
    on: bool,
) -> Result<(), AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let changed = sqlx::query("UPDATE organizations SET clients_manage_numbers = $2 WHERE id = $1")
        .bind(org_id)
        .bind(on)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(org_id),
        action: "org.clients_manage_numbers",
        target: None,
        metadata: json!({ "on": on }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::commit_config(tx, org_id).await
}

/// The organization's numbers, as listed (any member of the agency's
/// tools: the operator's shell, tests).
pub async fn list(pool: &PgPool, who: &Principal) -> Result<Vec<PhoneNumber>, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let list = db::numbers::list(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(list)
}

/// Records a number without asking the voice platform, `pending` until its
/// first signed call (demo data and load tests). The agency only: no server
/// function offers it, so no client can claim a number it has not imported.
pub async fn record(pool: &PgPool, who: &Principal, number: &str) -> Result<Uuid, AppError> {
    if !who.agency {
        return Err(AppError::Forbidden);
    }
    let number = e164(number).map_err(|m| AppError::field("number", m))?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    super::agents::ensure_org(&mut tx, org_id).await?;
    let id = match db::numbers::insert_pending(&mut tx, org_id, &number).await {
        Ok(id) => id,
        Err(e) if violated_constraint(&e) == Some("phone_numbers_number_key") => {
            return Err(AppError::field(
                "number",
                "This number is already registered. Each number can belong to one organization.",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let entry = Entry {
        org_id: Some(org_id),
        action: "phone_number.add",
        target: Some(id.to_string()),
        metadata: json!({ "number": number }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(id)
}
