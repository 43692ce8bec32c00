//! The platform console (super admins, on the root domain).

pub mod billing;
pub mod monitoring;
pub mod org_detail;
pub mod orgs;
pub mod signups;
pub mod users;
