//! A merge state as the call's stored columns ([`MergedRow`]) and back,
//! exactly: reading back what was written gives the same state, so merging
//! against a stored call equals merging against the state in memory (the
//! property tests in `ingest::merge` and `tests/ingest.rs` hold it to that).
//! Which column holds which field is `ingest::fields`'s one declaration.

use super::fields::{self, Field};
use super::merge::Merged;
use crate::db::calls::MergedRow;
use serde_json::Value;

impl Merged {
    /// The columns to store: each field in its column (`ingest::fields`),
    /// the billed duration derived from them, the ranks and the events seen.
    pub fn to_row(&self) -> MergedRow {
        let mut row = MergedRow::default();
        for (field, _, value) in self.iter() {
            fields::put(&mut row, field, value);
        }
        let events: Vec<&str> = self.events_seen.iter().map(String::as_str).collect();
        MergedRow {
            duration_ms: self.duration_ms(),
            merge_ranks: Some(self.ranks()),
            events_seen: Some(Value::from(events)),
            ..row
        }
    }

    /// The state a stored call was merged to. Only the fields its ranks
    /// name were set by the merge; anything else in the row is not state.
    pub fn from_row(mut row: MergedRow) -> Merged {
        let events = match row.events_seen.take() {
            Some(Value::Array(names)) => names
                .into_iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect(),
            _ => Default::default(),
        };
        let mut state = Merged::default();
        state.events_seen = events;
        let Some(Value::Object(ranks)) = row.merge_ranks.take() else {
            return state;
        };
        for (name, rank) in ranks {
            let Some(field) = Field::from_name(&name) else {
                continue;
            };
            let rank = rank.as_u64().unwrap_or(0).min(u8::MAX as u64) as u8;
            let value = fields::take(&mut row, field);
            if !value.is_null() {
                state.restore(field, rank, value);
            }
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the merge knows has a column (a new field without one
    /// would be merged, then lost on the way to the table).
    #[test]
    fn every_merge_field_has_a_column() {
        use Field::*;
        for &field in Field::ALL {
            let mut m = Merged::default();
            let sample = match field {
                StartMs | EndMs | DurationMs => Value::from(1_000),
                CostCents => Value::from(12.5),
                Successful | InVoicemail => Value::Bool(true),
                TranscriptTurns => serde_json::json!([{"role": "agent"}]),
                CustomAnalysis | DynamicVariables | Metadata => serde_json::json!({"k": "v"}),
                _ => Value::from("x"),
            };
            m.offer(field, 2, sample.clone());
            assert_eq!(m.value(field), Some(&sample), "{field:?} is well typed");
            let back = Merged::from_row(m.to_row());
            assert_eq!(back, m, "{field:?} survives the row");
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
    }
}
