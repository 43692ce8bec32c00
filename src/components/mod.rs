//! Reusable pieces of the UI.

pub mod agents;
pub mod billing;
pub mod branding;
pub mod context;
pub mod dashboard;
pub mod form;
pub mod gate;
pub mod invitations;
pub mod layout;
pub mod numbers;
pub mod reservations;
pub mod revenue;
pub mod review;
pub mod settings;
pub mod shared_key;
pub mod signups;
pub mod statements;
pub mod status;
pub mod system;
pub mod two_factor;
pub mod usage;
