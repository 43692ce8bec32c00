//! Arbitrary signed bodies through the real server into the real database:
//! each is answered 204 (stored) or 400 (kept for diagnosis, refused), never
//! 5xx, which the platform would retry forever. The pure half, with 10,000
//! cases, is `src/ingest/fuzz.rs`.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};
use support::fake_retell::FakeRetell;
use support::{fixture, keyring, operator_scope as scope, TestApp};

const KEY: &str = "key_fuzz_0123456789abcdef";

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_\u{0}\u{7f}-\u{10ffff}]{0,8}".prop_map(Value::String),
        prop::sample::select(vec![
            "phone_call",
            "web_call",
            "inbound",
            "ended",
            "Positive"
        ])
        .prop_map(|s| Value::String(s.into())),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let keys = vec![
        "call_type",
        "direction",
        "from_number",
        "start_timestamp",
        "end_timestamp",
        "duration_ms",
        "transcript",
        "transcript_object",
        "call_analysis",
        "user_sentiment",
        "call_successful",
        "custom_analysis_data",
        "call_cost",
        "combined_cost",
        "metadata",
        "retell_llm_dynamic_variables",
        "recording_url",
        "agent_id",
    ];
    leaf().prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(keys.clone()), inner), 0..6).prop_map(
                |kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let events = vec![
        "call_started",
        "call_ended",
        "call_analyzed",
        "transcript_updated",
        "x",
    ];
    prop_oneof![
        4 => (prop::sample::select(events), json(), 0u8..4).prop_map(|(e, call, id)| {
            let mut call = match call {
                Value::Object(m) => m,
                other => Map::from_iter([("x".to_string(), other)]),
            };
            call.insert("call_id".into(), Value::String(format!("c{id}")));
            serde_json::to_vec(&serde_json::json!({"event": e, "call": call})).unwrap()
        }),
        1 => "[0-9]{15,40}".prop_map(|d| {
            format!(r#"{{"event":"call_ended","call":{{"call_id":"c9","duration_ms":{d},"start_timestamp":{d}}}}}"#)
                .into_bytes()
        }),
        1 => prop::sample::select(vec![r"\ud800", r"\u0000", r"\udfff\ud800", r"\uZZ"]).prop_map(|e| {
            format!(r#"{{"event":"call_ended","call":{{"call_id":"c8","transcript":"{e}","metadata":{{"{e}":1}}}}}}"#)
                .into_bytes()
        }),
        1 => (1usize..300).prop_map(|n| format!(r#"{{"event":"x","call":{}{}}}"#, "[".repeat(n), "]".repeat(n)).into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn arbitrary_signed_bodies_are_stored_or_refused_never_failed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (app, url) = rt.block_on(async {
        let app = TestApp::spawn().await;
        let f = fixture(&app.db.app).await;
        let pool = &app.db.app;
        callboard::services::agents::set_api_key(pool, &keyring(), &scope(f.alpha.id), KEY)
            .await
            .unwrap();
        let id =
            callboard::services::agents::create(pool, &scope(f.alpha.id), "agent_fuzz", "Fuzz")
                .await
                .unwrap();
        let url = app.url("127.0.0.1", &format!("/webhooks/agent/{id}"));
        (app, url)
    });
    let mut runner = TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&body(), |body| {
            let now = chrono::Utc::now().timestamp_millis();
            let status = rt.block_on(FakeRetell::send_signed(&url, KEY, &body, now));
            // A call object that names another agent is refused (409); the
            // rest is stored (204) or stored as malformed (400).
            let names_another = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("call")?.get("agent_id")?.as_str().map(str::to_string))
                .is_some_and(|a| a != "agent_fuzz");
            prop_assert!(
                status == 204 || status == 400 || (status == 409 && names_another),
                "{status} for {}",
                String::from_utf8_lossy(&body)
            );
            Ok(())
        })
        .unwrap();
    rt.block_on(async move { drop(app) });
}
