//! Pages on an organization's own subdomain.

pub mod home;
pub mod team;
