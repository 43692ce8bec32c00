//! Pages on an organization's own subdomain.

pub mod agents;
pub mod call;
pub mod home;
pub mod reservations;
pub mod settings;
pub mod statements;
pub mod team;
pub mod welcome;
