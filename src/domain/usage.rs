//! The console's usage patterns: calls by weekday and hour, the busiest
//! hours and the daily trend.

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
