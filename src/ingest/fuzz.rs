//! Property tests over arbitrary bodies: whatever arrives, parsing and
//! merging never panic, and whatever is merged fits the columns it is stored
//! in (a value the database refused would be answered 5xx and retried
//! forever). 10,000 cases each; the end-to-end half, through the real server
//! and database, is `tests/ingest_fuzz.rs`.

use super::merge::{billed_minutes, Field, Merged, MAX_DURATION_MS};
use super::parse::{parse, Parsed};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Field names the parser and merge look for, so arbitrary objects hit them.
const KEYS: &[&str] = &[
    "event",
    "call",
    "call_id",
    "agent_id",
    "call_type",
    "direction",
    "from_number",
    "to_number",
    "call_status",
    "start_timestamp",
    "end_timestamp",
    "duration_ms",
    "disconnection_reason",
    "transcript",
    "transcript_object",
    "call_analysis",
    "call_summary",
    "user_sentiment",
    "call_successful",
    "in_voicemail",
    "custom_analysis_data",
    "recording_url",
    "call_cost",
    "combined_cost",
    "metadata",
    "retell_llm_dynamic_variables",
    "x",
];

const EVENTS: &[&str] = &[
    "call_started",
    "call_ended",
    "call_analyzed",
    "transcript_updated",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(EVENTS).prop_map(|e| Value::String(e.to_string())),
        "[a-z_\u{0}\u{7f}-\u{10ffff}]{0,12}".prop_map(Value::String),
        Just(Value::String("phone_call".into())),
        Just(Value::String("web_call".into())),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// An event-shaped body: `{"event": …, "call": {…}}` with arbitrary parts.
fn event() -> impl Strategy<Value = Value> {
    (prop::sample::select(EVENTS), json(), json(), any::<bool>()).prop_map(
        |(e, call, extra, id)| {
            let mut call = match call {
                Value::Object(m) => m,
                other => Map::from_iter([("x".to_string(), other)]),
            };
            if id {
                call.insert("call_id".into(), Value::String("c1".into()));
            }
            let mut body = Map::new();
            body.insert("event".into(), Value::String(e.into()));
            body.insert("call".into(), Value::Object(call));
            body.insert("extra".into(), extra);
            Value::Object(body)
        },
    )
}

/// Bodies as bytes, including what `serde_json` would never write: deep
/// nesting, numbers beyond any type, lone UTF-16 surrogates, raw NULs.
fn raw() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        event().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (1usize..400).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        (1usize..400).prop_map(|n| {
            format!(
                r#"{{"event":"call_ended","call":{}{}}}"#,
                r#"{"call_id":"#.repeat(n),
                "}".repeat(n)
            )
            .into_bytes()
        }),
        "[0-9]{1,400}".prop_map(|d| format!(
            r#"{{"event":"call_ended","call":{{"call_id":"c","duration_ms":{d}}}}}"#
        )
        .into_bytes()),
        prop::sample::select(vec![
            r"\ud800",
            r"\udfff",
            r"\ud800\u0041",
            r"\u0000",
            r"\uZZZZ"
        ])
        .prop_map(|esc| format!(
            r#"{{"event":"call_ended","call":{{"call_id":"c{esc}","transcript":"{esc}"}}}}"#
        )
        .into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

/// What storing needs of a merged call: every number fits its column.
fn storable(m: &Merged) -> Result<(), String> {
    let duration = m.duration_ms();
    if duration.is_some_and(|d| !(0..=MAX_DURATION_MS).contains(&d)) {
        return Err(format!("duration {duration:?}"));
    }
    let minutes = billed_minutes(duration);
    i32::try_from(minutes).map_err(|_| format!("minutes {minutes}"))?;
    for field in [Field::StartMs, Field::EndMs] {
        if let Some(ms) = m.i64(field) {
            chrono::DateTime::from_timestamp_millis(ms).ok_or(format!("{field:?} {ms}"))?;
        }
    }
    for (field, _, v) in m.iter() {
        if super::merge::without_nul(v.clone()) != *v {
            return Err(format!("{field:?} holds a NUL"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn any_body_parses_or_is_refused_and_merges_into_something_storable(bodies in prop::collection::vec(raw(), 1..4)) {
        let mut merged = Merged::default();
        for body in &bodies {
            match parse(body) {
                Parsed::Malformed(why) => prop_assert!(!why.is_empty()),
                Parsed::Other { event } => prop_assert!(!event.contains('\0')),
                Parsed::Call { event, call_id, call } => {
                    prop_assert!(!call_id.is_empty() && !call_id.contains('\0'));
                    merged.apply(&event, &call);
                }
            }
        }
        prop_assert_eq!(storable(&merged), Ok(()));
    }
}
