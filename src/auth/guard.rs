//! Who is calling, and may they? Every server function starts here. Route
//! guards in the UI are only for comfort; these checks are the security.

use super::session::{self, SessionAuth};
use crate::db::{self, audit::Actor, PlatformAccess, TenantCtx};
use crate::domain::{OrgStatus, Role};
use crate::error::AppError;
use crate::server::client_ip::ClientIp;
use crate::server::host::{HostSite, OrgSite};
use crate::server::state::AppState;
use std::net::IpAddr;
use tower_sessions::Session;
use uuid::Uuid;

/// The parts of the current request that authorization needs.
#[derive(Clone)]
pub struct RequestCtx {
    pub state: AppState,
    pub session: Session,
    pub site: HostSite,
    pub ip: Option<IpAddr>,
    pub memo: MemberMemo,
}

/// The membership check's answer, kept for the rest of one request. A
/// server-rendered page calls several server functions (who am I, the
/// summary, the calls), each of which starts with [`require_member`]; they
/// share the request's extensions, so the first check's answer serves the
/// others. A new request (including each call from the browser) checks
/// again. Only a success is kept.
#[derive(Clone, Default)]
pub struct MemberMemo(std::sync::Arc<tokio::sync::OnceCell<OrgUser>>);

/// Gathers the request context inside a server function or SSR render.
pub async fn request_ctx() -> Result<RequestCtx, AppError> {
    use leptos::prelude::use_context;
    let state =
        use_context::<AppState>().ok_or_else(|| internal("AppState missing from context"))?;
    let session: Session = leptos_axum::extract()
        .await
        .map_err(|e| internal(&format!("session layer missing: {e}")))?;
    let axum::Extension(site): axum::Extension<HostSite> = leptos_axum::extract()
        .await
        .map_err(|e| internal(&format!("host layer missing: {e}")))?;
    let ip = leptos_axum::extract::<axum::Extension<ClientIp>>()
        .await
        .ok()
        .map(|axum::Extension(ClientIp(ip))| ip);
    let memo = leptos_axum::extract::<axum::Extension<MemberMemo>>()
        .await
        .map(|axum::Extension(m)| m)
        .unwrap_or_default();
    Ok(RequestCtx {
        state,
        session,
        site,
        ip,
        memo,
    })
}

/// The same context for plain axum routes (recordings, exports, live
/// updates, uploads): `ctx: RequestCtx` as a handler argument.
impl axum::extract::FromRequestParts<AppState> for RequestCtx {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let site = parts
            .extensions
            .get::<HostSite>()
            .cloned()
            .ok_or_else(|| internal("host layer missing").into_response())?;
        Ok(RequestCtx {
            state: state.clone(),
            session,
            site,
            ip: parts.extensions.get::<ClientIp>().map(|c| c.0),
            memo: Default::default(),
        })
    }
}

fn internal(msg: &str) -> AppError {
    tracing::error!("{msg}");
    AppError::Internal
}

/// A signed-in member of the organization whose host this request came to.
#[derive(Debug, Clone)]
pub struct OrgUser {
    pub org: OrgSite,
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub ip: Option<IpAddr>,
    /// The super admin, when one is viewing as this organization. Their
    /// writes are recorded with both (the tenant transaction carries it).
    pub impersonator: Option<Uuid>,
}

impl OrgUser {
    pub fn tenant(&self) -> TenantCtx {
        TenantCtx {
            impersonator_id: self.impersonator,
            ..TenantCtx::user(self.org.id, self.user_id)
        }
    }

    pub fn actor(&self) -> Actor {
        let label = match self.impersonator {
            Some(_) => format!("{} (super admin, viewing as {})", self.email, self.org.name),
            None => self.email.clone(),
        };
        Actor {
            user_id: Some(self.user_id),
            label,
            ip: self.ip,
        }
    }
}

/// A signed-in super admin on the platform host. Holding one is the only way
/// (besides named system purposes) to use the platform database path.
#[derive(Debug, Clone)]
pub struct SuperAdmin {
    pub user_id: Uuid,
    pub email: String,
    pub ip: Option<IpAddr>,
}

impl SuperAdmin {
    pub fn platform(&self) -> PlatformAccess {
        PlatformAccess::super_admin(self.user_id)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            label: self.email.clone(),
            ip: self.ip,
        }
    }
}

async fn session_auth(ctx: &RequestCtx) -> Result<SessionAuth, AppError> {
    session::get(&ctx.session)
        .await
        .ok_or(AppError::Unauthorized)
}

/// The session is within its absolute lifetime and no password was set
/// since it began (checked against the user's row, read anyway).
fn still_current(ctx: &RequestCtx, auth: &SessionAuth, user: &db::users::SessionUser) -> bool {
    let max_age = chrono::Duration::days(ctx.state.config.session_max_days.into());
    auth.is_current(chrono::Utc::now(), max_age, user.session_epoch)
}

/// Any member (admin or viewer) of the host's organization.
pub async fn require_member(ctx: &RequestCtx) -> Result<OrgUser, AppError> {
    ctx.memo
        .0
        .get_or_try_init(|| check_member(ctx))
        .await
        .cloned()
}

async fn check_member(ctx: &RequestCtx) -> Result<OrgUser, AppError> {
    let HostSite::Org(org) = &ctx.site else {
        return Err(AppError::Forbidden);
    };
    if let Some(imp) = &org.viewed_by {
        return impersonator(ctx, org, imp).await;
    }
    let auth = session_auth(ctx).await?;
    // Cookies are host-only, so a mismatch means the session was opened for
    // another organization (or before a subdomain change): not valid here.
    if auth.org_id != Some(org.id) {
        return Err(AppError::Unauthorized);
    }
    if org.status != OrgStatus::Active {
        return Err(AppError::Refused(SUSPENDED.into()));
    }
    let mut tx = db::tx::tenant(&ctx.state.pool, &TenantCtx::user(org.id, auth.user_id)).await?;
    let user = db::users::current(&mut tx).await?;
    tx.commit().await?;
    let user = user
        .filter(|u| !u.disabled && still_current(ctx, &auth, u))
        .ok_or(AppError::Unauthorized)?;
    let role = user.role.ok_or(AppError::Forbidden)?;
    Ok(OrgUser {
        org: org.clone(),
        user_id: user.id,
        email: user.email,
        role,
        ip: ctx.ip,
        impersonator: None,
    })
}

/// A super admin viewing the organization as its admin. The session must
/// still be the super admin's own, and they must still be one.
async fn impersonator(
    ctx: &RequestCtx,
    org: &OrgSite,
    imp: &crate::auth::session::Impersonation,
) -> Result<OrgUser, AppError> {
    let auth = session_auth(ctx).await?;
    if auth.user_id != imp.user_id || auth.org_id.is_some() {
        return Err(AppError::Unauthorized);
    }
    let mut tx = db::tx::user_only(&ctx.state.pool, auth.user_id).await?;
    let user = db::users::current(&mut tx).await?;
    tx.commit().await?;
    let user = user
        .filter(|u| !u.disabled && u.is_super_admin && still_current(ctx, &auth, u))
        .ok_or(AppError::Unauthorized)?;
    Ok(OrgUser {
        org: org.clone(),
        user_id: user.id,
        email: user.email,
        role: Role::Admin,
        ip: ctx.ip,
        impersonator: Some(user.id),
    })
}

pub async fn require_org_admin(ctx: &RequestCtx) -> Result<OrgUser, AppError> {
    let user = require_member(ctx).await?;
    match user.role {
        Role::Admin => Ok(user),
        Role::Viewer => Err(AppError::Forbidden),
    }
}

pub async fn require_super_admin(ctx: &RequestCtx) -> Result<SuperAdmin, AppError> {
    if !matches!(ctx.site, HostSite::Platform) {
        return Err(AppError::Forbidden);
    }
    let auth = session_auth(ctx).await?;
    if auth.org_id.is_some() {
        return Err(AppError::Unauthorized);
    }
    let mut tx = db::tx::user_only(&ctx.state.pool, auth.user_id).await?;
    let user = db::users::current(&mut tx).await?;
    tx.commit().await?;
    let user = user
        .filter(|u| !u.disabled && still_current(ctx, &auth, u))
        .ok_or(AppError::Unauthorized)?;
    if !user.is_super_admin {
        return Err(AppError::Forbidden);
    }
    Ok(SuperAdmin {
        user_id: user.id,
        email: user.email,
        ip: ctx.ip,
    })
}

pub const SUSPENDED: &str =
    "Access to this organization is suspended. Please contact your account manager.";

/// Someone allowed to manage one organization's agents and credentials: a
/// super admin on the platform host (for the organization they name), or an
/// admin of the host's organization (for their own; any other id is refused).
#[derive(Debug, Clone)]
pub struct Manager {
    pub tenant: TenantCtx,
    pub actor: Actor,
    pub is_super_admin: bool,
}

/// The agency itself: a super admin on the platform host acting on the
/// organization they name, or viewing as the host's organization. What
/// decides a client's bill — the keys that authenticate call data, which
/// agents and numbers are registered, and billable overrides — is the
/// agency's alone; an organization's own admins are refused.
pub async fn require_agency(ctx: &RequestCtx, org_id: Option<Uuid>) -> Result<Manager, AppError> {
    let m = require_manager(ctx, org_id).await?;
    if !m.is_super_admin {
        return Err(AppError::Forbidden);
    }
    Ok(m)
}

impl Manager {
    /// The scope the services act in for this manager.
    pub fn scope(self) -> crate::services::agents::Scope {
        crate::services::agents::Scope {
            tenant: self.tenant,
            actor: self.actor,
            privileged: self.is_super_admin,
        }
    }
}

pub async fn require_manager(ctx: &RequestCtx, org_id: Option<Uuid>) -> Result<Manager, AppError> {
    match &ctx.site {
        HostSite::Platform => {
            let sa = require_super_admin(ctx).await?;
            let org_id = org_id.ok_or(AppError::NotFound)?;
            Ok(Manager {
                tenant: TenantCtx::user(org_id, sa.user_id),
                actor: sa.actor(),
                is_super_admin: true,
            })
        }
        HostSite::Org(_) => {
            let admin = require_org_admin(ctx).await?;
            if org_id.is_some_and(|id| id != admin.org.id) {
                return Err(AppError::Forbidden);
            }
            Ok(Manager {
                tenant: admin.tenant(),
                actor: admin.actor(),
                is_super_admin: admin.impersonator.is_some(),
            })
        }
    }
}
