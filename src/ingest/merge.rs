//! Merging call events into one call record, whatever their order and however
//! often each arrives.
//!
//! Every field remembers the rank of the event that supplied it
//! (`call_started` 1 < `call_ended` 2 < `call_analyzed` 3; any other event 0).
//! A value replaces the stored one when its event ranks higher, or ranks the
//! same and its canonical form sorts higher; a missing or null value never
//! replaces anything. That makes merging a join on a semilattice — commutative,
//! associative and idempotent — so any permutation with any repetition of the
//! same events yields the same record.
//!
//! The fields that decide what a call costs are the exception, because the
//! value that sorts higher must not win a bill: `call_type` is fixed by the
//! first event that states it (web calls are free, so a later event must not
//! turn a phone call into one), and `duration_ms` changes only for an event of
//! a higher stage, never for a tie. A later event that disagrees with a fixed
//! value is recorded in [`Merged::conflicts`]. Values that depend on several fields
//! (the duration when only start and end are known) are derived afterwards
//! from the merged fields, so they share that property.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// How much an event knows about a call: later stages know more.
pub fn rank(event: &str) -> u8 {
    match event {
        "call_started" => 1,
        "call_ended" => 2,
        "call_analyzed" => 3,
        _ => 0,
    }
}

/// The events whose call object is required and merged.
pub fn is_lifecycle(event: &str) -> bool {
    rank(event) > 0
}

/// A call's merged state: field name → (rank, value), and the events seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    pub fields: BTreeMap<&'static str, (u8, Value)>,
    pub events_seen: BTreeSet<String>,
    /// Billing fields a later event tried to change (not stored; counted).
    pub conflicts: BTreeSet<&'static str>,
}

/// Set once, by the first event that states it.
const FIXED: &[&str] = &["call_type"];
/// Changed only by an event of a higher stage; ties keep what is stored.
const NO_TIE_BREAK: &[&str] = &["duration_ms"];

/// Our field name, and where it sits in the call object.
const PATHS: &[(&str, &[&str])] = &[
    ("provider_agent_id", &["agent_id"]),
    ("call_type", &["call_type"]),
    ("direction", &["direction"]),
    ("from_number", &["from_number"]),
    ("to_number", &["to_number"]),
    ("call_status", &["call_status"]),
    ("start_ms", &["start_timestamp"]),
    ("end_ms", &["end_timestamp"]),
    ("duration_ms", &["duration_ms"]),
    ("disconnection_reason", &["disconnection_reason"]),
    ("transcript", &["transcript"]),
    ("transcript_turns", &["transcript_object"]),
    ("summary", &["call_analysis", "call_summary"]),
    ("sentiment", &["call_analysis", "user_sentiment"]),
    ("successful", &["call_analysis", "call_successful"]),
    ("in_voicemail", &["call_analysis", "in_voicemail"]),
    (
        "custom_analysis",
        &["call_analysis", "custom_analysis_data"],
    ),
    ("recording_url", &["recording_url"]),
    ("cost_cents", &["call_cost", "combined_cost"]),
    ("metadata", &["metadata"]),
    ("dynamic_variables", &["retell_llm_dynamic_variables"]),
];

/// Every field name the merge knows, in a stable order.
pub fn field_names() -> impl Iterator<Item = &'static str> {
    PATHS.iter().map(|(name, _)| *name)
}

pub fn static_name(name: &str) -> Option<&'static str> {
    field_names().find(|n| *n == name)
}

/// Latest timestamp taken (the year 3000): later ones are nonsense, and far
/// later ones do not fit the database's time type.
pub const MAX_TIMESTAMP_MS: i64 = 32_503_680_000_000;
/// Longest call taken (30 days): its minutes and charge must fit their columns.
pub const MAX_DURATION_MS: i64 = 30 * 24 * 3_600_000;
/// Largest reported cost taken, in cents.
pub const MAX_COST_CENTS: f64 = 10_000_000.0;

/// What type (and range) a field must have; anything else in an event is
/// ignored, so a surprising payload cannot put a string into a number column
/// or a number too large for the columns derived from it.
fn well_typed(name: &str, v: &Value) -> bool {
    match name {
        "start_ms" | "end_ms" => v
            .as_i64()
            .is_some_and(|n| (0..=MAX_TIMESTAMP_MS).contains(&n)),
        "duration_ms" => v
            .as_i64()
            .is_some_and(|n| (0..=MAX_DURATION_MS).contains(&n)),
        "cost_cents" => v
            .as_f64()
            .is_some_and(|c| c.is_finite() && (0.0..=MAX_COST_CENTS).contains(&c)),
        "successful" | "in_voicemail" => v.is_boolean(),
        "transcript_turns" => v.is_array(),
        "custom_analysis" | "dynamic_variables" => v.is_object(),
        "metadata" => !v.is_null(),
        _ => v.is_string(),
    }
}

fn lookup<'a>(call: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut v = call.get(*first)?;
    for key in rest {
        v = v.as_object()?.get(*key)?;
    }
    Some(v)
}

/// Canonical text of a value (object keys sorted at every depth), used to
/// break ties between equal-rank values deterministically.
pub fn canonical(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// PostgreSQL's text and jsonb cannot hold U+0000: a value carrying one
/// would make its event impossible to store (answered 5xx, retried forever),
/// so the character is dropped from strings and keys at any depth.
pub fn without_nul(v: Value) -> Value {
    if !has_nul(&v) {
        return v;
    }
    match v {
        Value::String(s) => Value::String(s.replace('\0', "")),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nul).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.replace('\0', ""), without_nul(v)))
                .collect(),
        ),
        other => other,
    }
}

impl Merged {
    /// Offers one field value at a rank; keeps whichever wins.
    pub fn offer(&mut self, name: &'static str, rank: u8, value: Value) {
        let value = without_nul(value);
        if value.is_null() || !well_typed(name, &value) {
            return;
        }
        match self.fields.get_mut(name) {
            // The same value again: only its rank may rise, so that the state
            // (ranks included) is the same in whatever order agreeing events came.
            Some((r, old)) if FIXED.contains(&name) => {
                if *old != value {
                    self.conflicts.insert(name);
                } else if rank > *r {
                    *r = rank;
                }
            }
            Some((r, _)) if *r > rank => {}
            Some((r, old)) if *r == rank && NO_TIE_BREAK.contains(&name) => {
                if *old != value {
                    self.conflicts.insert(name);
                }
            }
            Some((r, old)) if *r == rank && canonical(old) >= canonical(&value) => {}
            _ => {
                self.fields.insert(name, (rank, value));
            }
        }
    }

    /// Merges one event's call object.
    pub fn apply(&mut self, event: &str, call: &Map<String, Value>) {
        let r = rank(event);
        for (name, path) in PATHS {
            if let Some(v) = lookup(call, path) {
                self.offer(name, r, v.clone());
            }
        }
        self.events_seen.insert(event.to_string());
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(|(_, v)| v.as_str())
    }

    pub fn i64(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(|(_, v)| v.as_i64())
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.fields.get(name).and_then(|(_, v)| v.as_bool())
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).map(|(_, v)| v)
    }

    /// The call's length: as reported, else end − start (when that is a
    /// plausible length), else unknown.
    pub fn duration_ms(&self) -> Option<i64> {
        self.i64("duration_ms")
            .or_else(|| match (self.i64("start_ms"), self.i64("end_ms")) {
                (Some(s), Some(e)) if e >= s && e - s <= MAX_DURATION_MS => Some(e - s),
                _ => None,
            })
    }

    /// `{field: rank}`, stored beside the record so a later event merges
    /// against the same state.
    pub fn ranks(&self) -> Value {
        Value::Object(
            self.fields
                .iter()
                .map(|(k, (r, _))| (k.to_string(), Value::from(*r)))
                .collect(),
        )
    }
}

/// Whole minutes billed for a call: rounded up; no duration is no minutes.
pub fn billed_minutes(duration_ms: Option<i64>) -> i64 {
    let ms = duration_ms.unwrap_or(0).max(0);
    (ms + 59_999) / 60_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn events() -> Vec<(String, Map<String, Value>)> {
        let raw = [
            json!({"event":"call_started","call":{"call_id":"c1","agent_id":"a","call_type":"phone_call",
                "direction":"inbound","from_number":"+15555550101","call_status":"ongoing",
                "start_timestamp":1000,"metadata":{"x":1}}}),
            json!({"event":"call_ended","call":{"call_id":"c1","agent_id":"a","call_type":"phone_call",
                "call_status":"ended","start_timestamp":1000,"end_timestamp":155321,"duration_ms":154321,
                "transcript":"Agent: hi\n","transcript_object":[{"role":"agent","content":"hi"}],
                "call_cost":{"combined_cost":23.1},"disconnection_reason":"user_hangup"}}),
            json!({"event":"call_analyzed","call":{"call_id":"c1","agent_id":"a","call_type":"phone_call",
                "call_status":"ended","duration_ms":154321,
                "call_analysis":{"call_summary":"ok","user_sentiment":"Positive","call_successful":true}}}),
            json!({"event":"transcript_updated","call":{"call_id":"c1","transcript":"Agent: h",
                "call_status":"ongoing"}}),
            json!({"event":"transcript_updated","call":{"call_id":"c1","transcript":"Agent: hi there",
                "call_status":"ongoing","duration_ms":"not a number"}}),
        ];
        raw.into_iter()
            .map(|v| {
                (
                    v["event"].as_str().unwrap().to_string(),
                    v["call"].as_object().unwrap().clone(),
                )
            })
            .collect()
    }

    fn merge_all(order: &[usize]) -> Merged {
        let evs = events();
        let mut m = Merged::default();
        for &i in order {
            m.apply(&evs[i].0, &evs[i].1);
        }
        m
    }

    #[test]
    fn later_stages_win_and_gaps_are_filled() {
        let m = merge_all(&[2, 1, 0, 3]);
        assert_eq!(m.str("call_status"), Some("ended"));
        assert_eq!(m.str("transcript"), Some("Agent: hi\n"));
        assert_eq!(m.str("direction"), Some("inbound"));
        assert_eq!(m.str("summary"), Some("ok"));
        assert_eq!(m.value("metadata"), Some(&json!({"x":1})));
        assert_eq!(m.duration_ms(), Some(154321));
        assert_eq!(m.events_seen.len(), 4);
    }

    #[test]
    fn wrongly_typed_values_are_ignored() {
        let m = merge_all(&[4]);
        assert_eq!(m.i64("duration_ms"), None);
        assert_eq!(m.str("transcript"), Some("Agent: hi there"));
    }

    #[test]
    fn billed_minutes_round_up() {
        assert_eq!(billed_minutes(None), 0);
        assert_eq!(billed_minutes(Some(0)), 0);
        assert_eq!(billed_minutes(Some(1)), 1);
        assert_eq!(billed_minutes(Some(60_000)), 1);
        assert_eq!(billed_minutes(Some(60_001)), 2);
        assert_eq!(billed_minutes(Some(154_321)), 3);
    }

    fn one(event: &str, call: Value) -> (String, Map<String, Value>) {
        (event.to_string(), call.as_object().unwrap().clone())
    }

    #[test]
    fn the_first_call_type_stays_whatever_comes_later() {
        let phone = one(
            "call_ended",
            json!({"call_type": "phone_call", "duration_ms": 120_000}),
        );
        let forged = one(
            "call_analyzed",
            json!({"call_type": "web_call", "duration_ms": 120_000}),
        );
        for order in [[&phone, &forged], [&phone, &phone]] {
            let mut m = Merged::default();
            for (e, c) in order {
                m.apply(e, c);
            }
            assert_eq!(m.str("call_type"), Some("phone_call"));
        }
        let mut m = Merged::default();
        m.apply(&phone.0, &phone.1);
        m.apply(&forged.0, &forged.1);
        assert!(
            m.conflicts.contains("call_type"),
            "the disagreement is noted"
        );
        // A web call stays a web call too: the rule is "first", not "phone".
        let mut m = Merged::default();
        m.apply(&forged.0, &forged.1);
        m.apply(&phone.0, &phone.1);
        assert_eq!(m.str("call_type"), Some("web_call"));
    }

    #[test]
    fn a_duration_tie_keeps_what_is_stored() {
        let real = one("call_analyzed", json!({"duration_ms": 125_000}));
        let zero = one("call_analyzed", json!({"duration_ms": 0}));
        let longer = one("call_analyzed", json!({"duration_ms": 999_000}));
        let mut m = Merged::default();
        m.apply(&real.0, &real.1);
        m.apply(&zero.0, &zero.1);
        m.apply(&longer.0, &longer.1);
        assert_eq!(m.i64("duration_ms"), Some(125_000));
        assert!(m.conflicts.contains("duration_ms"));
        // A later stage still corrects an earlier one.
        let early = one("call_started", json!({"duration_ms": 0}));
        let mut m = Merged::default();
        m.apply(&early.0, &early.1);
        m.apply(&real.0, &real.1);
        assert_eq!(m.i64("duration_ms"), Some(125_000));
    }

    proptest! {
        /// Any order, any repetition: the same record.
        #[test]
        fn order_and_repetition_do_not_matter(
            order in proptest::collection::vec(0usize..5, 1..20),
            shuffle_seed in any::<u64>(),
        ) {
            let mut everything: Vec<usize> = (0..5).collect();
            everything.extend(order.iter().copied());
            let reference = merge_all(&[0, 1, 2, 3, 4]);
            // A deterministic shuffle from the seed.
            let mut shuffled = everything.clone();
            let mut s = shuffle_seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(merge_all(&shuffled), reference);
        }
    }
}
