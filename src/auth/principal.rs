//! Who is acting on which organization: the one answer every service that
//! works on an organization takes. Only this module builds one — from a
//! checked session (`auth::guard`) or for the operator's shell — never from
//! anything a request says.

use crate::db::{audit::Actor, TenantCtx};
use crate::domain::Role;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Principal {
    /// The organization, the user, and the super admin viewing as it (the
    /// tenant transaction carries all three, so audit entries name them).
    pub tenant: TenantCtx,
    /// How the activity log names them.
    pub actor: Actor,
    /// What they may do in the organization (the agency is an admin).
    pub role: Role,
    /// The agency itself: a super admin in the console or viewing as the
    /// organization, or the operator's shell. What decides a client's bill
    /// (keys, agents, numbers, billable overrides) is the agency's alone.
    pub agency: bool,
    /// Their e-mail address (empty for the operator's shell).
    pub email: String,
}

impl Principal {
    pub fn org_id(&self) -> Uuid {
        self.tenant.org_id
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// For a service's changes that only admins (and the agency) make.
    pub fn must_be_admin(&self) -> Result<(), crate::error::AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// A super admin viewing as the organization on the platform domain
    /// (rather than acting on it from the console).
    pub fn viewing_as(&self) -> bool {
        self.tenant.impersonator_id.is_some()
    }

    /// A member signed in on the organization's own site.
    pub(super) fn member(
        org_id: Uuid,
        user_id: Uuid,
        email: String,
        role: Role,
        actor: Actor,
    ) -> Self {
        Principal {
            tenant: TenantCtx::user(org_id, user_id),
            actor,
            role,
            agency: false,
            email,
        }
    }

    /// A super admin acting on an organization: `viewing_as` on its site, or
    /// naming it in the console.
    pub(super) fn agency(
        org_id: Uuid,
        user_id: Uuid,
        email: String,
        actor: Actor,
        viewing_as: bool,
    ) -> Self {
        Principal {
            tenant: TenantCtx {
                impersonator_id: viewing_as.then_some(user_id),
                ..TenantCtx::user(org_id, user_id)
            },
            actor,
            role: Role::Admin,
            agency: true,
            email,
        }
    }

    /// The server itself, doing scheduled work for the agency (`what` names
    /// the job in the activity log).
    pub fn system(org_id: Uuid, what: &str) -> Self {
        Principal {
            tenant: TenantCtx::without_user(org_id),
            actor: Actor {
                user_id: None,
                label: format!("system:{what}"),
                ip: None,
            },
            role: Role::Admin,
            agency: true,
            email: String::new(),
        }
    }

    /// The operator's shell (`callboard …` on the server), acting for the
    /// agency with nobody signed in.
    pub fn operator(org_id: Uuid) -> Self {
        Principal {
            tenant: TenantCtx::without_user(org_id),
            actor: Actor::operator(),
            role: Role::Admin,
            agency: true,
            email: String::new(),
        }
    }
}
