//! Domain operations. The console's server functions and the operator CLI
//! both call these, so a change made either way is validated and audited the
//! same way. Each opens its own transaction and commits it.

pub mod accounts;
pub mod activity;
pub mod agents;
pub mod branding;
pub mod calls;
pub mod clock;
pub mod dashboard;
pub mod documents;
pub mod export;
pub mod impersonation;
pub mod invitations;
pub mod invoicing;
pub mod keys;
pub mod members;
pub mod numbers;
pub mod orgs;
pub mod outbox;
pub mod reservations;
pub mod revenue;
pub mod settings;
pub mod setup;
pub mod shared_key;
pub mod signup;
pub mod statements;
pub mod system;
pub mod team;
pub mod tool_feed;
pub mod tool_import;
pub mod two_factor;
pub mod usage;
pub mod users;
