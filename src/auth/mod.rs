//! Authentication and authorization (server only).

pub mod guard;
pub mod login;
pub mod password;
pub mod rate_limit;
pub mod session;

pub use guard::{require_member, require_org_admin, require_super_admin, OrgUser, SuperAdmin};
