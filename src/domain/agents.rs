//! Voice agents and calls as the UI sees them. Deliberately vendor-neutral:
//! these types reach the browser, so they carry no vendor names, costs or ids
//! except `provider_agent_id`, which is filled in only for super admins.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    PendingValidation,
    Active,
    Inactive,
    Error,
}

impl AgentStatus {
    pub fn parse(s: &str) -> AgentStatus {
        match s {
            "active" => AgentStatus::Active,
            "inactive" => AgentStatus::Inactive,
            "error" => AgentStatus::Error,
            _ => AgentStatus::PendingValidation,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgentStatus::PendingValidation => "Waiting for first call",
            AgentStatus::Active => "Active",
            AgentStatus::Inactive => "Switched off",
            AgentStatus::Error => "Needs attention",
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            AgentStatus::Active => "good",
            AgentStatus::PendingValidation => "info",
            AgentStatus::Inactive => "muted",
            AgentStatus::Error => "bad",
        }
    }
}

/// Webhook deliveries for one agent over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCounts {
    pub accepted: i64,
    pub rejected: i64,
    pub malformed: i64,
    /// Rejections by reason, in words (e.g. "wrong signature": 3).
    pub rejected_by_reason: Vec<(String, i64)>,
}

/// A rejection counter's label in plain words.
pub fn rejection_reason(outcome: &str) -> &'static str {
    match outcome {
        "rejected_signature" => "wrong signature",
        "rejected_stale" => "stale timestamp",
        "rejected_missing" => "no signature",
        "rejected_malformed" => "unreadable signature",
        "rejected_no_key" => "no API key stored",
        "rejected_inactive" => "agent switched off",
        "rejected_wrong_agent" => "another agent's call",
        _ => "other",
    }
}

/// A newly registered agent: our id, and what the voice platform says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRegistered {
    pub id: Uuid,
    pub platform_name: Option<String>,
    pub version: Option<i64>,
}

impl AgentRegistered {
    pub fn describe(&self) -> String {
        let name = self
            .platform_name
            .as_deref()
            .map(|n| format!(" as \u{201c}{n}\u{201d}"))
            .unwrap_or_default();
        let version = self
            .version
            .map(|v| format!(", version {v}"))
            .unwrap_or_default();
        format!("Agent registered. The voice platform knows it{name}{version}. Copy its webhook URL below.")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub id: Uuid,
    pub name: String,
    /// The platform's id for this agent; `None` unless a super admin asks.
    pub provider_agent_id: Option<String>,
    pub status: AgentStatus,
    pub status_message: Option<String>,
    pub last_webhook_at: Option<DateTime<Utc>>,
    pub call_count: i64,
    pub webhook_url: String,
    pub last_hour: DeliveryCounts,
    pub last_day: DeliveryCounts,
}

/// The stored API key, as much as anyone may see of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyStatus {
    pub last4: String,
    pub updated_at: DateTime<Utc>,
    pub checked_at: Option<DateTime<Utc>>,
    pub check_ok: Option<bool>,
    pub check_message: Option<String>,
}

/// Everything the agents panel shows for one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsOverview {
    pub org_id: Uuid,
    pub api_key: Option<ApiKeyStatus>,
    pub agents: Vec<Agent>,
    /// The viewer is the agency (a super admin in the console): sees the
    /// platform's agent ids and may change the key and the agents. An
    /// organization's admins see the agents read-only.
    pub is_agency: bool,
}

/// The answer to "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub ok: bool,
    pub message: String,
}

/// A client's open request for the agency to review whether a call is billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingReview {
    pub call_id: Uuid,
    /// The requester's email.
    pub requested_by: String,
    pub note: String,
    pub requested_at: DateTime<Utc>,
    pub call_started_at: Option<DateTime<Utc>>,
    pub from_number: Option<String>,
    pub billed_minutes: i64,
    pub is_billable: bool,
}
