//! Database access. Every query that touches an organization's data runs in a
//! transaction opened by [`tx`], which is the only code that sets the
//! row-level-security context. Functions here take `&mut PgConnection` so they
//! run inside whichever transaction the caller opened.

pub mod activity;
pub mod agents;
pub mod audit;
pub mod branding;
pub mod calls;
pub mod credentials;
pub mod dashboard;
pub mod invitations;
pub mod invoices;
pub mod memberships;
pub mod notify;
pub mod numbers;
pub mod orgs;
pub mod outbox;
pub mod password_resets;
pub mod reservations;
pub mod revenue;
pub mod reviews;
pub mod roles;
pub mod rollups;
pub mod settings;
pub mod setup;
pub mod signups;
pub mod statements;
pub mod system;
pub mod tool_data;
pub mod tool_uploads;
pub mod two_factor;
pub mod tx;
pub mod usage;
pub mod users;
pub mod voice_usage;
pub mod webhooks;

pub use tx::{PlatformAccess, TenantCtx, Tx};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;

/// Opens the server's pool. Connections are made lazily so the server starts
/// (and `/health` can answer 503) while the database is down.
pub fn connect_lazy(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("callboard");
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy_with(options))
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
