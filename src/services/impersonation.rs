//! "View as organization": a super admin sees an organization's portal as
//! its admin, on the platform domain, for a limited time (30 minutes unless
//! configured). The state is
//! in the server-side session (`tenancy::Impersonation`); starting and
//! stopping each get a new session id and an entry in the organization's
//! activity log. While it lasts, tenant transactions carry the super admin
//! as impersonator, so every write's audit entry names them.

use crate::auth::session::{self, Impersonation};
use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess, TenantCtx};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "could not update the session");
    AppError::Internal
}

pub async fn start(
    pool: &PgPool,
    session: &Session,
    access: PlatformAccess,
    actor: &Actor,
    org_id: Uuid,
    minutes: i64,
) -> Result<(), AppError> {
    // One at a time: a super admin already viewing as someone is on an
    // organization's site, where this is never reached; check anyway.
    if session::impersonation(session)
        .await
        .is_some_and(|i| i.expires_at > chrono::Utc::now())
    {
        return Err(AppError::Refused(
            "Exit the current organization first.".into(),
        ));
    }
    // The actor is the super admin (their address is its label).
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, org_id).await?;
    tx.commit().await?;
    let expires_at = chrono::Utc::now() + chrono::Duration::minutes(minutes);
    audit(
        pool,
        user_id,
        actor,
        org_id,
        "impersonation.start",
        json!({ "expires_at": expires_at }),
    )
    .await?;
    session::set_impersonation(
        session,
        Some(Impersonation {
            org_id,
            org_name: org.name,
            user_id,
            email: actor.label.clone(),
            expires_at,
        }),
    )
    .await
    .map_err(session_error)
}

/// Ends the impersonation in this session (also after it expired); returns
/// the organization it was for.
pub async fn stop(
    pool: &PgPool,
    session: &Session,
    ip: Option<std::net::IpAddr>,
) -> Result<Option<Uuid>, AppError> {
    let Some(imp) = session::impersonation(session).await else {
        return Ok(None);
    };
    let actor = Actor {
        user_id: Some(imp.user_id),
        label: imp.email.clone(),
        ip,
    };
    audit(
        pool,
        imp.user_id,
        &actor,
        imp.org_id,
        "impersonation.stop",
        json!({}),
    )
    .await?;
    session::set_impersonation(session, None)
        .await
        .map_err(session_error)?;
    Ok(Some(imp.org_id))
}

/// Written in the organization's own log (tenant transaction with the super
/// admin as impersonator), so its admins see it too.
async fn audit(
    pool: &PgPool,
    user: Uuid,
    actor: &Actor,
    org: Uuid,
    action: &str,
    metadata: serde_json::Value,
) -> Result<(), AppError> {
    let ctx = TenantCtx {
        org_id: org,
        user_id: Some(user),
        impersonator_id: Some(user),
    };
    let mut tx = db::tx::tenant(pool, &ctx).await?;
    db::audit::record(
        &mut tx,
        actor,
        Entry {
            org_id: Some(org),
            action,
            target: Some(org.to_string()),
            metadata,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
