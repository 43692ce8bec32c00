//! Authentication and authorization (server only).

pub mod guard;
pub mod login;
pub mod password;
pub mod principal;
pub mod rate_limit;
pub mod second_factor;
pub mod session;
pub mod totp;

pub use guard::{Caller, Need, SuperAdmin};
pub use principal::Principal;
