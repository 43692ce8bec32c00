//! The console's system status: webhook deliveries per agent, silent
//! agents, API reachability, the database and the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One agent's deliveries and state, for the health table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentHealth {
    pub org_id: Uuid,
    pub org_name: String,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub status: crate::domain::AgentStatus,
    pub status_message: Option<String>,
    pub last_webhook_at: Option<DateTime<Utc>>,
    pub accepted_hour: i64,
    pub accepted_day: i64,
    pub rejected_hour: i64,
    pub rejected_day: i64,
    pub failed_hour: i64,
    pub failed_day: i64,
    /// Active but nothing for a day (or never, a day after registration).
    pub silent: bool,
}

impl AgentHealth {
    /// Lower sorts first: errors, then silence, then rejections, then fine.
    pub fn urgency(&self) -> u8 {
        use crate::domain::AgentStatus::*;
        match (
            self.status,
            self.silent,
            self.rejected_day + self.failed_day > 0,
        ) {
            (Error, _, _) => 0,
            (_, true, _) => 1,
            (_, _, true) => 2,
            (PendingValidation, _, _) => 3,
            (Active, _, _) => 4,
            (Inactive, _, _) => 5,
        }
    }
}

/// The last "Test connection" of an organization's API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reachability {
    pub org_id: Uuid,
    pub org_name: String,
    pub has_key: bool,
    pub checked_at: Option<DateTime<Utc>>,
    pub ok: Option<bool>,
    pub message: Option<String>,
    /// No key of its own: the agency's shared key serves it.
    pub uses_shared_key: bool,
    /// Calls to the voice platform's API today (UTC), and the last failure.
    pub api_calls_today: i64,
    pub api_last_error: Option<String>,
    pub api_last_error_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub agents: Vec<AgentHealth>,
    pub reachability: Vec<Reachability>,
    /// Milliseconds for a round trip to the database just now.
    pub database_ms: u64,
    pub server_version: String,
    pub server_up_since: DateTime<Utc>,
    /// When the server read all this: "3m ago" is counted from here, so the
    /// browser needs no clock (WebAssembly has none) and its text matches
    /// the server-rendered page.
    pub as_of: DateTime<Utc>,
}

/// One e-mail in the outbox, as the console lists it: sent, waiting, or
/// failing with the last error. The text is shown so that, with no SMTP
/// server configured (development), its links can be followed from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLine {
    pub id: Uuid,
    pub org: Option<String>,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}
