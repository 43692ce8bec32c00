//! The activity log as people read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// Done by a super admin viewing as the organization.
    pub impersonated: bool,
    pub action: String,
    pub target: Option<String>,
    /// The organization (in the platform-wide log).
    pub org: Option<String>,
    pub ip: Option<String>,
}

/// Filters, from the page's query: who (part of the actor's name or email),
/// what (an action or its prefix, e.g. `impersonation`), and the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
}

impl ActivityFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        ActivityFilter {
            actor: get("actor"),
            action: get("action"),
        }
        .cleaned()
    }

    /// Without surrounding spaces; an empty value is no filter.
    pub fn cleaned(self) -> Self {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        ActivityFilter {
            actor: clean(self.actor),
            action: clean(self.action),
        }
    }
}
