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

pub use super::fields::Field;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

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

/// A call's merged state: each field's (rank, value), and the events seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// By [`Field`] (its position in `Field::ALL`).
    fields: [Option<(u8, Value)>; FIELDS],
    pub events_seen: BTreeSet<String>,
    /// Billing fields a later event tried to change (not stored; counted).
    pub conflicts: BTreeSet<Field>,
}

const FIELDS: usize = 21;
const _: () = assert!(Field::ALL.len() == FIELDS, "FIELDS counts Field::ALL");

impl Field {
    /// Set once, by the first event that states it.
    fn fixed(self) -> bool {
        self == Field::CallType
    }

    /// Changed only by an event of a higher stage; ties keep what is stored.
    fn no_tie_break(self) -> bool {
        self == Field::DurationMs
    }
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
fn well_typed(field: Field, v: &Value) -> bool {
    use Field::*;
    match field {
        StartMs | EndMs => v
            .as_i64()
            .is_some_and(|n| (0..=MAX_TIMESTAMP_MS).contains(&n)),
        DurationMs => v
            .as_i64()
            .is_some_and(|n| (0..=MAX_DURATION_MS).contains(&n)),
        CostCents => v
            .as_f64()
            .is_some_and(|c| c.is_finite() && (0.0..=MAX_COST_CENTS).contains(&c)),
        Successful | InVoicemail => v.is_boolean(),
        TranscriptTurns => v.is_array(),
        CustomAnalysis | DynamicVariables => v.is_object(),
        Metadata => !v.is_null(),
        ProviderAgentId | CallType | Direction | FromNumber | ToNumber | CallStatus
        | DisconnectionReason | Transcript | Summary | Sentiment | RecordingUrl => v.is_string(),
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
    pub fn offer(&mut self, field: Field, rank: u8, value: Value) {
        let value = without_nul(value);
        if value.is_null() || !well_typed(field, &value) {
            return;
        }
        let slot = &mut self.fields[field as usize];
        match slot {
            // The same value again: only its rank may rise, so that the state
            // (ranks included) is the same in whatever order agreeing events came.
            Some((r, old)) if field.fixed() => {
                if *old != value {
                    self.conflicts.insert(field);
                } else if rank > *r {
                    *r = rank;
                }
            }
            Some((r, _)) if *r > rank => {}
            Some((r, old)) if *r == rank && field.no_tie_break() => {
                if *old != value {
                    self.conflicts.insert(field);
                }
            }
            Some((r, old)) if *r == rank && canonical(old) >= canonical(&value) => {}
            _ => *slot = Some((rank, value)),
        }
    }

    /// Merges one event's call object.
    pub fn apply(&mut self, event: &str, call: &Map<String, Value>) {
        let r = rank(event);
        for &field in Field::ALL {
            if let Some(v) = lookup(call, field.path()) {
                self.offer(field, r, v.clone());
            }
        }
        self.events_seen.insert(event.to_string());
    }

    /// The fields that hold a value, with their ranks.
    pub fn iter(&self) -> impl Iterator<Item = (Field, u8, &Value)> {
        Field::ALL
            .iter()
            .zip(&self.fields)
            .filter_map(|(&f, slot)| slot.as_ref().map(|(r, v)| (f, *r, v)))
    }

    /// Sets a field as read back from storage (merged and checked before).
    pub(super) fn restore(&mut self, field: Field, rank: u8, value: Value) {
        self.fields[field as usize] = Some((rank, value));
    }

    pub fn value(&self, field: Field) -> Option<&Value> {
        self.fields[field as usize].as_ref().map(|(_, v)| v)
    }

    pub fn str(&self, field: Field) -> Option<&str> {
        self.value(field).and_then(Value::as_str)
    }

    pub fn i64(&self, field: Field) -> Option<i64> {
        self.value(field).and_then(Value::as_i64)
    }

    pub fn bool(&self, field: Field) -> Option<bool> {
        self.value(field).and_then(Value::as_bool)
    }

    /// The call's length: as reported, else end − start (when that is a
    /// plausible length), else unknown.
    pub fn duration_ms(&self) -> Option<i64> {
        self.i64(Field::DurationMs).or_else(|| {
            match (self.i64(Field::StartMs), self.i64(Field::EndMs)) {
                (Some(s), Some(e)) if e >= s && e - s <= MAX_DURATION_MS => Some(e - s),
                _ => None,
            }
        })
    }

    /// `{field: rank}`, stored beside the record so a later event merges
    /// against the same state.
    pub fn ranks(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(f, r, _)| (f.name().to_string(), Value::from(r)))
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
        assert_eq!(m.str(Field::CallStatus), Some("ended"));
        assert_eq!(m.str(Field::Transcript), Some("Agent: hi\n"));
        assert_eq!(m.str(Field::Direction), Some("inbound"));
        assert_eq!(m.str(Field::Summary), Some("ok"));
        assert_eq!(m.value(Field::Metadata), Some(&json!({"x":1})));
        assert_eq!(m.duration_ms(), Some(154321));
        assert_eq!(m.events_seen.len(), 4);
    }

    #[test]
    fn wrongly_typed_values_are_ignored() {
        let m = merge_all(&[4]);
        assert_eq!(m.i64(Field::DurationMs), None);
        assert_eq!(m.str(Field::Transcript), Some("Agent: hi there"));
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
            assert_eq!(m.str(Field::CallType), Some("phone_call"));
        }
        let mut m = Merged::default();
        m.apply(&phone.0, &phone.1);
        m.apply(&forged.0, &forged.1);
        assert!(
            m.conflicts.contains(&Field::CallType),
            "the disagreement is noted"
        );
        // A web call stays a web call too: the rule is "first", not "phone".
        let mut m = Merged::default();
        m.apply(&forged.0, &forged.1);
        m.apply(&phone.0, &phone.1);
        assert_eq!(m.str(Field::CallType), Some("web_call"));
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
        assert_eq!(m.i64(Field::DurationMs), Some(125_000));
        assert!(m.conflicts.contains(&Field::DurationMs));
        // A later stage still corrects an earlier one.
        let early = one("call_started", json!({"duration_ms": 0}));
        let mut m = Merged::default();
        m.apply(&early.0, &early.1);
        m.apply(&real.0, &real.1);
        assert_eq!(m.i64(Field::DurationMs), Some(125_000));
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
