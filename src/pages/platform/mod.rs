//! The platform console (super admins, on the root domain).

pub mod health;
pub mod org_detail;
pub mod orgs;
pub mod users;
