//! Who is calling, and may they? Every server function starts here. Route
//! guards in the UI are only for comfort; these checks are the security.

use super::principal::Principal;
use super::session::{self, SessionAuth};
use crate::db::{self, audit::Actor, PlatformAccess, TenantCtx};
use crate::domain::{OrgStatus, Role};
use crate::error::AppError;
use crate::tenancy::{HostSite, Impersonation, OrgSite};
use sqlx::PgPool;
use std::net::IpAddr;
use tower_sessions::Session;
use uuid::Uuid;

/// The parts of a request that authorization needs, gathered by the layer
/// that holds the process's state (`state::caller`): for server functions
/// from Leptos's context, for plain axum routes as an extractor.
#[derive(Clone)]
pub struct Caller {
    pub pool: PgPool,
    pub session: Session,
    pub site: HostSite,
    pub ip: Option<IpAddr>,
    pub memo: MemberMemo,
    /// Sessions end this long after sign-in (`CALLBOARD_SESSION_MAX_DAYS`).
    pub session_max: chrono::Duration,
}

/// The membership check's answer, kept for the rest of one request. A
/// server-rendered page calls several server functions (who am I, the
/// summary, the calls), each of which checks the caller first; they share
/// the request's extensions, so the first check's answer serves the others.
/// A new request (including each call from the browser) checks again. Only
/// a success is kept.
#[derive(Clone, Default)]
pub struct MemberMemo(std::sync::Arc<tokio::sync::OnceCell<Principal>>);

/// What a server function or route needs of its caller. Each answers with a
/// [`Principal`] acting on one organization.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Any member (admin or viewer) of the host's organization, or the
    /// agency viewing as it.
    Member,
    /// An admin of the host's organization, or the agency viewing as it.
    OrgAdmin,
    /// Someone who manages one organization's agents and numbers: a super
    /// admin in the console naming it, or an admin of the host's
    /// organization (for their own; naming another is refused).
    Manager(Option<Uuid>),
    /// The agency: a super admin in the console naming the organization, or
    /// viewing as the host's organization. What decides a client's bill —
    /// the keys that authenticate call data, which agents and numbers are
    /// registered, billable overrides — is the agency's alone; an
    /// organization's own admins are refused.
    Agency(Option<Uuid>),
}

impl Caller {
    /// Checks the caller against `need`; the answer is who acts, on which
    /// organization.
    pub async fn require(&self, need: Need) -> Result<Principal, AppError> {
        match need {
            Need::Member => self.member().await,
            Need::OrgAdmin => admin(self.member().await?),
            Need::Manager(org_id) => self.manager(org_id).await,
            Need::Agency(org_id) => {
                let who = self.manager(org_id).await?;
                if !who.agency {
                    return Err(AppError::Forbidden);
                }
                Ok(who)
            }
        }
    }

    /// A super admin on the platform host, acting on the platform as a whole.
    pub async fn super_admin(&self) -> Result<SuperAdmin, AppError> {
        let sa = self.super_admin_account().await?;
        if sa.enrolling {
            return Err(AppError::Refused(ENROL_FIRST.into()));
        }
        Ok(sa)
    }

    /// A super admin on the platform host acting on their own account only
    /// (the Account page): also one who signed in with a password alone and
    /// must first turn two-factor sign-in on.
    pub async fn super_admin_account(&self) -> Result<SuperAdmin, AppError> {
        if !matches!(self.site, HostSite::Platform) {
            return Err(AppError::Forbidden);
        }
        let auth = self.session_auth().await?;
        if auth.org_id.is_some() {
            return Err(AppError::Unauthorized);
        }
        let mut tx = db::tx::user_only(&self.pool, auth.user_id).await?;
        let user = db::users::current(&mut tx).await?;
        tx.commit().await?;
        let user = user
            .filter(|u| !u.disabled && self.still_current(&auth, u))
            .ok_or(AppError::Unauthorized)?;
        if !user.is_super_admin {
            return Err(AppError::Forbidden);
        }
        Ok(SuperAdmin {
            user_id: user.id,
            email: user.email,
            ip: self.ip,
            enrolling: auth.enrolling,
        })
    }

    async fn member(&self) -> Result<Principal, AppError> {
        self.memo
            .0
            .get_or_try_init(|| self.check_member())
            .await
            .cloned()
    }

    async fn manager(&self, org_id: Option<Uuid>) -> Result<Principal, AppError> {
        match &self.site {
            HostSite::Platform => {
                let sa = self.super_admin().await?;
                let org_id = org_id.ok_or(AppError::NotFound)?;
                let actor = sa.actor();
                Ok(Principal::agency(
                    org_id, sa.user_id, sa.email, actor, false,
                ))
            }
            HostSite::Org(org) => {
                let who = admin(self.member().await?)?;
                if org_id.is_some_and(|id| id != org.id) {
                    return Err(AppError::Forbidden);
                }
                Ok(who)
            }
        }
    }

    async fn session_auth(&self) -> Result<SessionAuth, AppError> {
        session::get(&self.session)
            .await
            .ok_or(AppError::Unauthorized)
    }

    /// The session is within its absolute lifetime and no password was set
    /// since it began (checked against the user's row, read anyway).
    fn still_current(&self, auth: &SessionAuth, user: &db::users::SessionUser) -> bool {
        auth.is_current(chrono::Utc::now(), self.session_max, user.session_epoch)
    }

    async fn check_member(&self) -> Result<Principal, AppError> {
        let HostSite::Org(org) = &self.site else {
            return Err(AppError::Forbidden);
        };
        if let Some(imp) = &org.viewed_by {
            return self.impersonator(org, imp).await;
        }
        let auth = self.session_auth().await?;
        // Cookies are host-only, so a mismatch means the session was opened
        // for another organization (or before a subdomain change): not valid here.
        if auth.org_id != Some(org.id) {
            return Err(AppError::Unauthorized);
        }
        if org.status != OrgStatus::Active {
            return Err(AppError::Refused(SUSPENDED.into()));
        }
        let mut tx = db::tx::tenant(&self.pool, &TenantCtx::user(org.id, auth.user_id)).await?;
        let user = db::users::current(&mut tx).await?;
        tx.commit().await?;
        let user = user
            .filter(|u| !u.disabled && self.still_current(&auth, u))
            .ok_or(AppError::Unauthorized)?;
        let role = user.role.ok_or(AppError::Forbidden)?;
        let actor = Actor {
            user_id: Some(user.id),
            label: user.email.clone(),
            ip: self.ip,
        };
        Ok(Principal::member(org.id, user.id, user.email, role, actor))
    }

    /// A super admin viewing the organization as its admin. The session must
    /// still be the super admin's own, and they must still be one.
    async fn impersonator(
        &self,
        org: &OrgSite,
        imp: &Impersonation,
    ) -> Result<Principal, AppError> {
        let auth = self.session_auth().await?;
        if auth.user_id != imp.user_id || auth.org_id.is_some() || auth.enrolling {
            return Err(AppError::Unauthorized);
        }
        let mut tx = db::tx::user_only(&self.pool, auth.user_id).await?;
        let user = db::users::current(&mut tx).await?;
        tx.commit().await?;
        let user = user
            .filter(|u| !u.disabled && u.is_super_admin && self.still_current(&auth, u))
            .ok_or(AppError::Unauthorized)?;
        let actor = Actor {
            user_id: Some(user.id),
            label: format!("{} (super admin, viewing as {})", user.email, org.name),
            ip: self.ip,
        };
        Ok(Principal::agency(org.id, user.id, user.email, actor, true))
    }
}

fn admin(who: Principal) -> Result<Principal, AppError> {
    match who.role {
        Role::Admin => Ok(who),
        Role::Viewer => Err(AppError::Forbidden),
    }
}

/// A signed-in super admin on the platform host. Holding one is the only way
/// (besides named system purposes) to use the platform database path.
#[derive(Debug, Clone)]
pub struct SuperAdmin {
    pub user_id: Uuid,
    pub email: String,
    pub ip: Option<IpAddr>,
    /// Signed in with a password alone where two factors are required; only
    /// [`Caller::super_admin_account`] answers with such a one.
    pub enrolling: bool,
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

pub const ENROL_FIRST: &str =
    "Turn on two-factor sign-in on your Account page before using the console.";

pub const SUSPENDED: &str =
    "Access to this organization is suspended. Please contact your account manager.";
