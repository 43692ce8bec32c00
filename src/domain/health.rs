//! The console's usage patterns (calls by weekday and hour) and system
//! health (webhook deliveries per agent, silent agents, API reachability).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Calls by weekday (Monday first) and hour, in one timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heatmap {
    pub timezone: String,
    pub range_label: String,
    /// `cells[weekday][hour]`.
    pub cells: Vec<Vec<i64>>,
    /// The busiest weekday-hours, busiest first: (weekday, hour, calls).
    pub peaks: Vec<(usize, u32, i64)>,
    /// Calls per day across the period.
    pub trend: Vec<i64>,
    pub orgs: Vec<(Uuid, String)>,
    pub org: Option<Uuid>,
}

impl Heatmap {
    pub fn most(&self) -> i64 {
        self.cells.iter().flatten().copied().max().unwrap_or(0)
    }
}

/// The top `n` cells, busiest first, ties by weekday then hour.
pub fn peaks(cells: &[Vec<i64>], n: usize) -> Vec<(usize, u32, i64)> {
    let mut all: Vec<(usize, u32, i64)> = cells
        .iter()
        .enumerate()
        .flat_map(|(d, row)| row.iter().enumerate().map(move |(h, v)| (d, h as u32, *v)))
        .filter(|(_, _, v)| *v > 0)
        .collect();
    all.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    all.truncate(n);
    all
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn peaks_are_the_busiest_cells() {
        let mut cells = vec![vec![0; 24]; 7];
        cells[0][9] = 5;
        cells[4][17] = 9;
        cells[2][9] = 5;
        let p = super::peaks(&cells, 2);
        assert_eq!(p, vec![(4, 17, 9), (0, 9, 5)]);
    }
}
