//! A merge state as the call's stored columns ([`MergedRow`]) and back,
//! exactly: reading back what was written gives the same state, so merging
//! against a stored call equals merging against the state in memory (the
//! property tests in `ingest::merge` and `tests/ingest.rs` hold it to that).

use super::merge::{self, Merged};
use crate::db::calls::MergedRow;
use chrono::{DateTime, Utc};
use serde_json::Value;

fn time(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.and_then(DateTime::from_timestamp_millis)
}

impl Merged {
    /// The columns to store.
    pub fn to_row(&self) -> MergedRow {
        let text = |name: &str| self.str(name).map(str::to_owned);
        let json = |name: &str| self.value(name).cloned();
        let events: Vec<&str> = self.events_seen.iter().map(String::as_str).collect();
        MergedRow {
            provider_agent_id: text("provider_agent_id"),
            call_type: text("call_type"),
            direction: text("direction"),
            from_number: text("from_number"),
            to_number: text("to_number"),
            call_status: text("call_status"),
            started_at: time(self.i64("start_ms")),
            ended_at: time(self.i64("end_ms")),
            reported_duration_ms: self.i64("duration_ms"),
            duration_ms: self.duration_ms(),
            disconnection_reason: text("disconnection_reason"),
            transcript: text("transcript"),
            transcript_turns: json("transcript_turns"),
            summary: text("summary"),
            sentiment: text("sentiment"),
            successful: self.bool("successful"),
            in_voicemail: self.bool("in_voicemail"),
            custom_analysis: json("custom_analysis"),
            recording_url: text("recording_url"),
            provider_cost_cents: self.value("cost_cents").map(Value::to_string),
            metadata: json("metadata"),
            dynamic_variables: json("dynamic_variables"),
            merge_ranks: Some(self.ranks()),
            events_seen: Some(Value::from(events)),
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
        let mut state = Merged {
            events_seen: events,
            ..Default::default()
        };
        let Some(Value::Object(ranks)) = row.merge_ranks.take() else {
            return state;
        };
        for (name, rank) in ranks {
            let Some(name) = merge::static_name(&name) else {
                continue;
            };
            let rank = rank.as_u64().unwrap_or(0).min(u8::MAX as u64) as u8;
            let value = take(&mut row, name);
            if !value.is_null() {
                state.fields.insert(name, (rank, value));
            }
        }
        state
    }
}

/// The merge field `name`'s value out of the row (null when absent).
fn take(row: &mut MergedRow, name: &str) -> Value {
    let text = |v: &mut Option<String>| v.take().map(Value::String);
    let ms = |t: &Option<DateTime<Utc>>| t.map(|t| Value::from(t.timestamp_millis()));
    let value = match name {
        "provider_agent_id" => text(&mut row.provider_agent_id),
        "call_type" => text(&mut row.call_type),
        "direction" => text(&mut row.direction),
        "from_number" => text(&mut row.from_number),
        "to_number" => text(&mut row.to_number),
        "call_status" => text(&mut row.call_status),
        "start_ms" => ms(&row.started_at),
        "end_ms" => ms(&row.ended_at),
        "duration_ms" => row.reported_duration_ms.map(Value::from),
        "disconnection_reason" => text(&mut row.disconnection_reason),
        "transcript" => text(&mut row.transcript),
        "transcript_turns" => row.transcript_turns.take(),
        "summary" => text(&mut row.summary),
        "sentiment" => text(&mut row.sentiment),
        "successful" => row.successful.map(Value::Bool),
        "in_voicemail" => row.in_voicemail.map(Value::Bool),
        "custom_analysis" => row.custom_analysis.take(),
        "recording_url" => text(&mut row.recording_url),
        "cost_cents" => row
            .provider_cost_cents
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok()),
        "metadata" => row.metadata.take(),
        "dynamic_variables" => row.dynamic_variables.take(),
        _ => None,
    };
    value.unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the merge knows has a column (a new field without one
    /// would be merged, then lost on the way to the table).
    #[test]
    fn every_merge_field_has_a_column() {
        for name in merge::field_names() {
            let mut m = Merged::default();
            let sample = match name {
                "start_ms" | "end_ms" | "duration_ms" => Value::from(1_000),
                "cost_cents" => Value::from(12.5),
                "successful" | "in_voicemail" => Value::Bool(true),
                "transcript_turns" => serde_json::json!([{"role": "agent"}]),
                "custom_analysis" | "dynamic_variables" | "metadata" => {
                    serde_json::json!({"k": "v"})
                }
                _ => Value::from("x"),
            };
            m.offer(name, 2, sample.clone());
            assert_eq!(m.value(name), Some(&sample), "{name} is well typed");
            let back = Merged::from_row(m.to_row());
            assert_eq!(back, m, "{name} survives the row");
        }
    }
}
