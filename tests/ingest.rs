//! Call ingestion end to end: the real router, a real database as the app
//! role, signed requests like the platform's, and the fake platform API.

mod support;

use support::{keyring, operator_scope as scope};

use callboard::crypto::Keyring;
use callboard::db::{self, calls::CallRow, TenantCtx};
use callboard::retell::signature;
use callboard::services::agents;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use support::fake_retell::FakeRetell;
use support::{fixture, TestApp, TestDb};
use uuid::Uuid;

const KEY_A: &str = "key_alpha_0123456789abcdef";
const KEY_B: &str = "key_bravo_fedcba9876543210";

fn events() -> Value {
    serde_json::from_str(include_str!("fixtures/retell/events.json")).unwrap()
}

/// Stores `key` for `org` and registers an agent; returns its webhook URL.
async fn agent_for(app: &TestApp, org: Uuid, key: &str, provider_id: &str) -> (Uuid, String) {
    let pool = &app.db.app;
    agents::set_api_key(pool, &keyring(), &scope(org), key)
        .await
        .unwrap();
    let id = agents::create(pool, &scope(org), provider_id, "Front desk")
        .await
        .unwrap();
    (id, app.url("127.0.0.1", &format!("/webhooks/agent/{id}")))
}

async fn call(pool: &PgPool, org: Uuid, provider_call_id: &str) -> Option<CallRow> {
    let ctx = TenantCtx::without_user(org);
    let mut tx = db::tx::tenant(pool, &ctx).await.unwrap();
    let row = db::calls::by_provider_id(&mut tx, org, provider_call_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    row
}

async fn count(pool: &PgPool, org: Uuid, sql: &str) -> i64 {
    let ctx = TenantCtx::without_user(org);
    let mut tx = db::tx::tenant(pool, &ctx).await.unwrap();
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

async fn agent_status(pool: &PgPool, org: Uuid, id: Uuid) -> String {
    let ctx = TenantCtx::without_user(org);
    let mut tx = db::tx::tenant(pool, &ctx).await.unwrap();
    let a = db::agents::get(&mut tx, org, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    a.status
}

#[test]
fn every_sdk_signature_vector_verifies_and_variants_do_not() {
    let file: Value =
        serde_json::from_str(include_str!("fixtures/retell/signature-vectors.json")).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 5);
    for v in vectors {
        let key = v["api_key"].as_str().unwrap();
        let body = v["body"].as_str().unwrap().as_bytes();
        let t = v["timestamp_ms"].as_i64().unwrap();
        let sig = v["signature"].as_str().unwrap();
        assert_eq!(signature::sign(key, body, t), sig, "signing {body:?}");
        assert_eq!(signature::verify(key, body, Some(sig), t), Ok(()));
        // Changed body, changed key, old timestamp, re-serialised JSON, case, truncation.
        let mut changed = body.to_vec();
        changed.push(b' ');
        assert!(signature::verify(key, &changed, Some(sig), t).is_err());
        assert!(signature::verify(&format!("{key}x"), body, Some(sig), t).is_err());
        assert!(signature::verify(key, body, Some(sig), t + 300_001).is_err());
        assert!(signature::verify(key, body, Some(sig), t - 300_001).is_err());
        if let Ok(parsed) = serde_json::from_slice::<Value>(body) {
            let reserialised = serde_json::to_vec_pretty(&parsed).unwrap();
            assert!(signature::verify(key, &reserialised, Some(sig), t).is_err());
        }
        let (head, digest) = sig.split_once(",d=").unwrap();
        let upper = format!("{head},d={}", digest.to_uppercase());
        assert!(signature::verify(key, body, Some(&upper), t).is_err());
        assert!(signature::verify(key, body, Some(&sig[..sig.len() - 1]), t).is_err());
    }
}

#[tokio::test]
async fn the_lifecycle_fixtures_make_the_expected_records() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (agent, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    assert_eq!(
        agent_status(&app.db.app, f.alpha.id, agent).await,
        "pending_validation"
    );
    let ev = events();
    for e in ev["phone_call_lifecycle"].as_array().unwrap() {
        assert_eq!(FakeRetell::send_event(&url, KEY_A, e).await, 204);
    }
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &ev["web_test_call_ended"]).await,
        204
    );
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &ev["outbound_no_answer"]).await,
        204
    );
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &ev["unknown_event"]).await,
        204
    );
    assert_eq!(agent_status(&app.db.app, f.alpha.id, agent).await, "active");

    let phone = call(&app.db.app, f.alpha.id, "call_7c1e2a").await.unwrap();
    assert_eq!(phone.call_type, "phone_call");
    assert_eq!(phone.direction.as_deref(), Some("inbound"));
    assert_eq!(phone.from_number.as_deref(), Some("+15555550101"));
    assert_eq!(phone.call_status.as_deref(), Some("ended"));
    assert_eq!(phone.duration_ms, Some(154_321));
    assert_eq!(phone.billed_minutes, 3);
    assert!(phone.is_billable);
    assert_eq!(phone.disconnection_reason.as_deref(), Some("user_hangup"));
    assert!(phone
        .transcript
        .as_deref()
        .unwrap()
        .starts_with("Agent: Thank you"));
    assert_eq!(
        phone
            .transcript_turns
            .as_ref()
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        phone.summary.as_deref(),
        Some("The caller confirmed a 7:15 AM airport pickup for reservation DS-4411.")
    );
    assert_eq!(phone.sentiment.as_deref(), Some("Positive"));
    assert_eq!(phone.successful, Some(true));
    assert_eq!(phone.provider_cost_cents.as_deref(), Some("23.1"));
    assert_eq!(
        phone.recording_url.as_deref(),
        Some("https://recordings.example/call_7c1e2a.wav")
    );
    assert_eq!(
        phone.started_at.unwrap().timestamp_millis(),
        1_763_812_800_000
    );
    assert_eq!(
        phone.ended_at.unwrap().timestamp_millis(),
        1_763_812_954_321
    );
    assert_eq!(phone.agent_id, Some(agent));

    let web = call(&app.db.app, f.alpha.id, "call_web_01").await.unwrap();
    assert!(!web.is_billable, "web calls are test calls");
    assert_eq!(web.billed_minutes, 2);

    let missed = call(&app.db.app, f.alpha.id, "call_out_02").await.unwrap();
    assert_eq!(missed.billed_minutes, 0);
    assert_eq!(missed.duration_ms, None);
    assert_eq!(missed.call_status.as_deref(), Some("not_connected"));
    assert!(missed.is_billable);

    // Six distinct bodies stored, one call per call id.
    assert_eq!(
        count(
            &app.db.app,
            f.alpha.id,
            "SELECT count(*) FROM webhook_events"
        )
        .await,
        6
    );
    assert_eq!(
        count(&app.db.app, f.alpha.id, "SELECT count(*) FROM calls").await,
        3
    );
}

/// Sends `events` in a random order with random repeats, for a fresh call id.
fn shuffled(events: &[Value], call_id: &str, rng: &mut impl Rng) -> Vec<Value> {
    let mut list: Vec<Value> = events.to_vec();
    for _ in 0..rng.gen_range(0..6) {
        list.push(events[rng.gen_range(0..events.len())].clone());
    }
    list.shuffle(rng);
    list.into_iter()
        .map(|mut e| {
            e["call"]["call_id"] = json!(call_id);
            e
        })
        .collect()
}

/// What must be equal between two merges of the same events.
fn essence(c: &CallRow) -> Value {
    json!([
        c.call_type,
        c.direction,
        c.from_number,
        c.to_number,
        c.call_status,
        c.started_at.map(|t| t.timestamp_millis()),
        c.ended_at.map(|t| t.timestamp_millis()),
        c.duration_ms,
        c.disconnection_reason,
        c.transcript,
        c.transcript_turns,
        c.summary,
        c.sentiment,
        c.successful,
        c.in_voicemail,
        c.recording_url,
        c.provider_cost_cents,
        c.metadata,
        c.is_billable,
        c.billed_minutes,
        c.events_seen,
    ])
}

#[tokio::test]
async fn any_order_and_any_repetition_give_the_same_record() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let ev = events();
    let mut lifecycle: Vec<Value> = ev["phone_call_lifecycle"].as_array().unwrap().clone();
    lifecycle.push(ev["unknown_event"].clone());
    // A second transcript_updated that disagrees with the first.
    let mut partial = ev["unknown_event"].clone();
    partial["call"]["transcript"] = json!("Agent: Thank you for");
    lifecycle.push(partial);

    let mut reference = None;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    for case in 0..24 {
        let id = format!("call_perm_{case}");
        for e in shuffled(&lifecycle, &id, &mut rng) {
            assert_eq!(FakeRetell::send_event(&url, KEY_A, &e).await, 204);
        }
        let got = essence(&call(&app.db.app, f.alpha.id, &id).await.unwrap());
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(&got, r, "case {case} differs"),
        }
    }
    // Minutes and cost are counted once per call, however often events came.
    let (minutes, calls): (i64, i64) = {
        let ctx = TenantCtx::without_user(f.alpha.id);
        let mut tx = db::tx::tenant(&app.db.app, &ctx).await.unwrap();
        let r = sqlx::query_as("SELECT sum(billed_minutes)::bigint, count(*) FROM calls")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        r
    };
    assert_eq!((minutes, calls), (24 * 3, 24));
}

#[tokio::test]
async fn concurrent_deliveries_of_one_call_merge_completely() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let ev = events();
    let lifecycle = ev["phone_call_lifecycle"].as_array().unwrap().clone();
    let mut sends = Vec::new();
    for _ in 0..3 {
        for e in &lifecycle {
            let (url, e) = (url.clone(), e.clone());
            sends.push(tokio::spawn(async move {
                FakeRetell::send_event(&url, KEY_A, &e).await
            }));
        }
    }
    for s in sends {
        assert_eq!(s.await.unwrap(), 204);
    }
    let c = call(&app.db.app, f.alpha.id, "call_7c1e2a").await.unwrap();
    assert_eq!(c.call_status.as_deref(), Some("ended"));
    assert_eq!(c.sentiment.as_deref(), Some("Positive"));
    assert!(c.transcript.is_some());
    assert_eq!(c.events_seen.len(), 3);
    // However the first deliveries raced to create the call, it is one call
    // in the rollups, with its minutes counted once.
    let rolled = count(
        &app.db.app,
        f.alpha.id,
        "SELECT coalesce(sum(calls), 0)::bigint * 1000 + coalesce(sum(billed_minutes), 0)::bigint
           FROM call_rollups",
    )
    .await;
    assert_eq!(rolled, 1000 + i64::from(c.billed_minutes));
}

#[tokio::test]
async fn bad_requests_get_clear_answers_and_store_nothing_but_counters() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (agent, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let body = serde_json::to_vec(&events()["phone_call_lifecycle"][0]).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let http = reqwest::Client::new();

    // Unknown agent (and a path that is not an id at all).
    let unknown = app.url("127.0.0.1", &format!("/webhooks/agent/{}", Uuid::new_v4()));
    assert_eq!(
        FakeRetell::send_signed(&unknown, KEY_A, &body, now).await,
        404
    );
    let junk = app.url("127.0.0.1", "/webhooks/agent/not-an-id");
    assert_eq!(FakeRetell::send_signed(&junk, KEY_A, &body, now).await, 404);
    // Missing, wrong, stale signatures.
    let missing = http
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(missing, 401);
    assert_eq!(
        FakeRetell::send_signed(&url, "wrong-key", &body, now).await,
        401
    );
    assert_eq!(
        FakeRetell::send_signed(&url, KEY_A, &body, now - 301_000).await,
        401
    );
    assert_eq!(
        count(
            &app.db.app,
            f.alpha.id,
            "SELECT count(*) FROM webhook_events"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app.db.app, f.alpha.id, "SELECT count(*) FROM calls").await,
        0
    );
    let rejected = count(
        &app.db.app,
        f.alpha.id,
        "SELECT coalesce(sum(count), 0)::bigint FROM webhook_counters WHERE outcome LIKE 'rejected%'",
    )
    .await;
    assert_eq!(rejected, 3);

    // Malformed JSON with a valid signature: 400, kept for diagnosis.
    assert_eq!(
        FakeRetell::send_signed(&url, KEY_A, b"{\"event\": ", now).await,
        400
    );
    assert_eq!(
        count(
            &app.db.app,
            f.alpha.id,
            "SELECT count(*) FROM webhook_events WHERE outcome = 'malformed'"
        )
        .await,
        1
    );

    // Enough failures in a row put the agent in error; a good event clears it.
    for _ in 0..5 {
        FakeRetell::send_signed(&url, "wrong-key", &body, now).await;
    }
    assert_eq!(agent_status(&app.db.app, f.alpha.id, agent).await, "error");
    assert_eq!(FakeRetell::send_signed(&url, KEY_A, &body, now).await, 204);
    assert_eq!(agent_status(&app.db.app, f.alpha.id, agent).await, "active");

    // A switched-off agent takes nothing.
    agents::set_active(&app.db.app, &scope(f.alpha.id), agent, false)
        .await
        .unwrap();
    assert_eq!(FakeRetell::send_signed(&url, KEY_A, &body, now).await, 410);

    // The counters reach /metrics.
    let metrics = http
        .get(app.url("127.0.0.1", "/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("callboard_webhook_events_total{outcome=\"rejected_signature\"} 6"),
        "{metrics}"
    );
    // No label names an agent: its id is its webhook URL's secret.
    assert!(!metrics.contains(&agent.to_string()), "{metrics}");
    assert!(
        metrics.contains("outcome=\"unknown_agent\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("outcome=\"merged\""), "{metrics}");
}

#[tokio::test]
async fn bodies_up_to_16_mib_are_accepted_and_larger_ones_get_413() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    // A long call with word-level timings: ~12 MB of JSON.
    let words: Vec<Value> = (0..60_000)
        .map(|i| json!({"word": format!("word{i}"), "start": i as f64 * 0.5, "end": i as f64 * 0.5 + 0.4}))
        .collect();
    let turns: Vec<Value> = words
        .chunks(100)
        .enumerate()
        .map(|(i, w)| json!({"role": if i % 2 == 0 { "agent" } else { "user" }, "content": "…", "words": w}))
        .collect();
    let mut big = events()["phone_call_lifecycle"][1].clone();
    big["call"]["call_id"] = json!("call_long");
    big["call"]["transcript_object"] = json!(turns);
    big["call"]["transcript"] = json!("x".repeat(6 * 1024 * 1024));
    let body = serde_json::to_vec(&big).unwrap();
    assert!(
        body.len() > 8 * 1024 * 1024 && body.len() < 16 * 1024 * 1024,
        "{}",
        body.len()
    );
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(FakeRetell::send_signed(&url, KEY_A, &body, now).await, 204);
    let c = call(&app.db.app, f.alpha.id, "call_long").await.unwrap();
    assert_eq!(c.transcript_turns.unwrap().as_array().unwrap().len(), 600);

    let too_big = vec![b' '; 16 * 1024 * 1024 + 1];
    assert_eq!(
        FakeRetell::send_signed(&url, KEY_A, &too_big, now).await,
        413
    );
}

#[tokio::test]
async fn one_organizations_key_cannot_feed_another_organizations_agent() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    // Both register the agent the fixture's events name.
    let (_, url_a) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let (_, url_b) = agent_for(&app, f.bravo.id, KEY_B, "agent_desert_main").await;
    let e = &events()["phone_call_lifecycle"][1];
    // Signed with A's key, sent to B's agent.
    assert_eq!(FakeRetell::send_event(&url_b, KEY_A, e).await, 401);
    assert_eq!(FakeRetell::send_event(&url_a, KEY_A, e).await, 204);
    assert!(call(&app.db.app, f.alpha.id, "call_7c1e2a").await.is_some());
    assert!(call(&app.db.app, f.bravo.id, "call_7c1e2a").await.is_none());
    for table in ["calls", "webhook_events", "agents", "credentials"] {
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE organization_id = '{}'",
            f.alpha.id
        );
        assert_eq!(
            count(&app.db.app, f.bravo.id, &sql).await,
            0,
            "{table} leaks"
        );
        assert!(
            count(&app.db.app, f.alpha.id, &sql).await > 0,
            "{table} positive control"
        );
    }
}

#[tokio::test]
async fn with_the_database_gone_the_answer_is_503_and_redelivery_stores_once() {
    let db = Arc::new(TestDb::new().await);
    let f = fixture(&db.app).await;
    let opts = db.app_options();
    let target = tokio::net::lookup_host((opts.get_host(), opts.get_port()))
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = support::proxy::Proxy::start(target).await;
    let proxied = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_with(opts.host("127.0.0.1").port(proxy.addr.port()))
        .await
        .unwrap();
    let app = TestApp::spawn_with_pool(db.clone(), proxied, |_| {}).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let e = &events()["phone_call_lifecycle"][1];
    let body = serde_json::to_vec(e).unwrap();
    let now = chrono::Utc::now().timestamp_millis();

    proxy.cut();
    let started = std::time::Instant::now();
    let status = FakeRetell::send_signed(&url, KEY_A, &body, now).await;
    assert!(status >= 500, "got {status}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let health = reqwest::get(app.url("127.0.0.1", "/health"))
        .await
        .unwrap()
        .status();
    assert_eq!(health, 503);

    proxy.restore();
    // The platform retries the same body; it may be delivered twice more.
    let mut ok = false;
    for _ in 0..20 {
        if FakeRetell::send_signed(&url, KEY_A, &body, now).await == 204 {
            ok = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(ok, "the server did not recover");
    assert_eq!(FakeRetell::send_signed(&url, KEY_A, &body, now).await, 204);
    assert_eq!(
        count(&db.app, f.alpha.id, "SELECT count(*) FROM webhook_events").await,
        1
    );
    assert_eq!(
        count(&db.app, f.alpha.id, "SELECT count(*) FROM calls").await,
        1
    );
}

#[tokio::test]
async fn keys_are_sealed_at_rest_and_test_connection_asks_the_platform() {
    let fake = FakeRetell::start().await;
    fake.add_key(KEY_A);
    fake.add_agent("agent_desert_main", "Front desk");
    let base = fake.base_url();
    let app =
        TestApp::spawn_with(Arc::new(TestDb::new().await), |c| c.retell_api_base = base).await;
    let f = fixture(&app.db.app).await;
    agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;

    // Stored sealed: not the plaintext, only the last four in clear.
    let mut tx = db::tx::platform(&app.db.app, db::PlatformAccess::operator())
        .await
        .unwrap();
    let (cipher, last4): (Vec<u8>, String) =
        sqlx::query_as("SELECT ciphertext, last4 FROM credentials WHERE organization_id = $1")
            .bind(f.alpha.id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(last4, "cdef");
    assert!(!cipher.windows(KEY_A.len()).any(|w| w == KEY_A.as_bytes()));

    // The console's overview shows "ends in", never the key.
    let c = app.client();
    let platform = app.platform("");
    let res = app
        .login(&c, &platform, "root@callboard.localhost", support::PASSWORD)
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let text = c
        .post(app.platform("/api/agents"))
        .form(&[("org_id", f.alpha.id.to_string())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("cdef") && !text.contains(KEY_A), "{text}");

    let test = |c: reqwest::Client, url: String, org: Uuid| async move {
        let res = c
            .post(url)
            .form(&[("org_id", org.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()
    };
    let url = app.platform("/api/agents/test-connection");
    let ok = test(c.clone(), url.clone(), f.alpha.id).await;
    assert_eq!(ok["ok"], true, "{ok}");
    let auth = fake.received().last().unwrap().authorization.clone();
    assert_eq!(auth.as_deref(), Some(format!("Bearer {KEY_A}").as_str()));

    // Rate limited once, then fine: retried, honouring retry-after-ms.
    fake.fail_next(429, Some(50));
    let before = fake.received().len();
    assert_eq!(test(c.clone(), url.clone(), f.alpha.id).await["ok"], true);
    // The list twice (429, then fine), then the registered agent itself.
    assert_eq!(fake.received().len(), before + 3);
    let said = test(c.clone(), url.clone(), f.alpha.id).await;
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains("known as \u{201c}Front desk\u{201d}, version 1"),
        "{said}"
    );

    // A wrong key: a clear reason, and no vendor name.
    agents::set_api_key(
        &app.db.app,
        &keyring(),
        &scope(f.alpha.id),
        "key_wrong_0000",
    )
    .await
    .unwrap();
    let bad = test(c.clone(), url.clone(), f.alpha.id).await;
    assert_eq!(bad["ok"], false);
    let message = bad["message"].as_str().unwrap();
    assert!(message.contains("API key"), "{message}");
    assert!(!message.to_lowercase().contains("retell"), "{message}");

    // Unreachable.
    let gone = TestApp::spawn_with(app.db.clone(), |c| {
        c.retell_api_base = "http://127.0.0.1:9".into()
    })
    .await;
    let c2 = gone.client();
    gone.login(
        &c2,
        &gone.platform(""),
        "root@callboard.localhost",
        support::PASSWORD,
    )
    .await;
    let unreachable = test(c2, gone.platform("/api/agents/test-connection"), f.alpha.id).await;
    assert_eq!(unreachable["ok"], false);
    assert!(unreachable["message"]
        .as_str()
        .unwrap()
        .contains("could not be reached"));
}

#[tokio::test]
async fn only_the_agency_changes_agents_and_org_admins_read_them() {
    let fake = FakeRetell::start().await;
    fake.add_key(KEY_A);
    fake.add_agent("agent_night", "Night line");
    let base = fake.base_url();
    let app =
        TestApp::spawn_with(Arc::new(TestDb::new().await), |c| c.retell_api_base = base).await;
    let f = fixture(&app.db.app).await;
    let (bravo_agent, _) = agent_for(&app, f.bravo.id, KEY_B, "agent_b").await;
    agents::set_api_key(&app.db.app, &keyring(), &scope(f.alpha.id), KEY_A)
        .await
        .unwrap();
    let alpha_id = f.alpha.id.to_string();

    // The agency registers alpha's agent from the console.
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let res = root
        .post(app.platform("/api/agents/create"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("name", "Night line"),
            ("agent_id", "agent_night"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let registered: Value = res.json().await.unwrap();
    // The platform's own name for it, and its version, come back.
    assert_eq!(registered["platform_name"], "Night line");
    assert_eq!(registered["version"], 1);
    let night = Uuid::parse_str(registered["id"].as_str().unwrap()).unwrap();
    // An id the platform does not know is refused next to the field.
    let res = root
        .post(app.platform("/api/agents/create"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("name", "Typo"),
            ("agent_id", "agent_nigth"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let refused: Value = res.json().await.unwrap();
    assert_eq!(refused["Validation"]["fields"][0]["field"], "agent_id");
    // Duplicate registration: a field error, nothing lost.
    let res = root
        .post(app.platform("/api/agents/create"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("name", "Again"),
            ("agent_id", "agent_night"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // Alpha's admin sees it, read-only: no platform ids, no webhook URL.
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    let overview: Value = admin
        .post(app.org("alpha", "/api/agents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["agents"].as_array().unwrap().len(), 1);
    assert_eq!(overview["is_agency"], false);
    assert!(
        overview["agents"][0]["provider_agent_id"].is_null(),
        "org users never see platform ids"
    );
    assert_eq!(overview["agents"][0]["webhook_url"], "");
    let text = overview.to_string();
    assert!(!text.contains("agent_night"), "{text}");

    // Every change is refused to the organization's own admin.
    let night_id = night.to_string();
    for (path, form) in [
        (
            "/api/agents/create",
            vec![("name", "Mine"), ("agent_id", "agent_mine")],
        ),
        (
            "/api/agents/api-key",
            vec![("api_key", "key_forged_by_client")],
        ),
        ("/api/agents/test-connection", vec![]),
        (
            "/api/agents/rename",
            vec![("id", night_id.as_str()), ("name", "X")],
        ),
        (
            "/api/agents/active",
            vec![("id", night_id.as_str()), ("active", "false")],
        ),
        ("/api/agents/delete", vec![("id", night_id.as_str())]),
    ] {
        let res = admin
            .post(app.org("alpha", path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    assert_eq!(
        agent_status(&app.db.app, f.alpha.id, night).await,
        "pending_validation"
    );

    // Naming another organization is refused; its agents are untouchable.
    let res = admin
        .post(app.org("alpha", "/api/agents"))
        .form(&[("org_id", f.bravo.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = admin
        .post(app.org("alpha", "/api/agents/delete"))
        .form(&[("id", bravo_agent.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        agent_status(&app.db.app, f.bravo.id, bravo_agent).await,
        "pending_validation"
    );

    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let res = viewer
        .post(app.org("alpha", "/api/agents"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Viewers see calls, though.
    let res = viewer
        .post(app.org("alpha", "/api/dashboard/calls"))
        .form(&[("filter[period]", "30d")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_agency_overrides_billable_and_admins_ask_for_a_review() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &events()["web_test_call_ended"]).await,
        204
    );
    let web = call(&app.db.app, f.alpha.id, "call_web_01").await.unwrap();
    assert!(!web.is_billable);
    let call_id = web.id.to_string();
    let alpha_id = f.alpha.id.to_string();

    // The client's admin cannot change the bill, only ask.
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    let res = admin
        .post(app.org("alpha", "/api/calls/billable"))
        .form(&[("call_id", call_id.as_str()), ("billable", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let ask = |note: &'static str| {
        admin
            .post(app.org("alpha", "/api/calls/review"))
            .form(&[("call_id", call_id.as_str()), ("note", note)])
            .send()
    };
    let res = ask("This was a real customer.").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.json::<bool>().await.unwrap());
    let res = ask("Again").await.unwrap();
    assert!(
        !res.json::<bool>().await.unwrap(),
        "one open request per call"
    );
    let long = "x".repeat(501);
    let res = admin
        .post(app.org("alpha", "/api/calls/review"))
        .form(&[("call_id", call_id.as_str()), ("note", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // The console lists it.
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let list = |org: &str| {
        root.post(app.platform("/api/platform/reviews"))
            .form(&[("org_id", org)])
            .send()
    };
    let open: Value = list(&alpha_id).await.unwrap().json().await.unwrap();
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["note"], "This was a real customer.");
    assert_eq!(open[0]["requested_by"], "admin@alpha.example");
    let bravo: Value = list(&f.bravo.id.to_string())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bravo.as_array().unwrap().len(), 0);

    // The agency decides: billable. The request is answered, and audited.
    let res = root
        .post(app.platform("/api/calls/billable"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("call_id", call_id.as_str()),
            ("billable", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        call(&app.db.app, f.alpha.id, "call_web_01")
            .await
            .unwrap()
            .is_billable
    );
    let open: Value = list(&alpha_id).await.unwrap().json().await.unwrap();
    assert_eq!(open.as_array().unwrap().len(), 0);
    for action in ["call.billable_override", "call.review_requested"] {
        let n = count(
            &app.db.app,
            f.alpha.id,
            &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
        )
        .await;
        assert_eq!(n, 1, "{action}");
    }

    // Back to the default.
    root.post(app.platform("/api/calls/billable"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("call_id", call_id.as_str()),
            ("billable", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        !call(&app.db.app, f.alpha.id, "call_web_01")
            .await
            .unwrap()
            .is_billable
    );

    // A viewer can do neither.
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    for path in ["/api/calls/billable", "/api/calls/review"] {
        let res = viewer
            .post(app.org("alpha", path))
            .form(&[("call_id", call_id.as_str()), ("billable", "true")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn rotating_the_encryption_key_reseals_everything() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let old = Keyring::new([1; 32], vec![]);
    agents::set_api_key(&db.app, &old, &scope(f.alpha.id), KEY_A)
        .await
        .unwrap();
    agents::set_api_key(&db.app, &old, &scope(f.bravo.id), KEY_B)
        .await
        .unwrap();
    let new = Keyring::new([2; 32], vec![[1; 32]]);
    let access = callboard::db::PlatformAccess::operator();
    let report = callboard::services::keys::rotate(&db.app, access, &new)
        .await
        .unwrap();
    assert_eq!(report.resealed, 2);
    let only_new = Keyring::new([2; 32], vec![]);
    assert_eq!(
        agents::api_key(&db.app, &only_new, &scope(f.alpha.id))
            .await
            .unwrap()
            .as_deref(),
        Some(KEY_A)
    );
    assert_eq!(
        agents::api_key(&db.app, &only_new, &scope(f.bravo.id))
            .await
            .unwrap()
            .as_deref(),
        Some(KEY_B)
    );
    let again = callboard::services::keys::rotate(&db.app, access, &new)
        .await
        .unwrap();
    assert_eq!(again.resealed, 0);
    assert_eq!(again.already_current, 2);
}

#[tokio::test]
async fn cached_owners_are_forgotten_when_this_process_changes_them() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db.clone(), |c| c.webhook_cache_ms = 60_000).await;
    let f = fixture(&db.app).await;
    let (agent, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_desert_main").await;
    let e = &events()["phone_call_lifecycle"][0];
    assert_eq!(FakeRetell::send_event(&url, KEY_A, e).await, 204); // now cached

    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let alpha_id = f.alpha.id.to_string();
    let res = root
        .post(app.platform("/api/agents/api-key"))
        .form(&[
            ("org_id", alpha_id.as_str()),
            ("api_key", "key_alpha_replaced_1111"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, e).await,
        401,
        "the old key still worked"
    );
    assert_eq!(
        FakeRetell::send_event(&url, "key_alpha_replaced_1111", e).await,
        204
    );

    let res = root
        .post(app.platform("/api/agents/active"))
        .form(&[
            ("org_id", alpha_id.clone()),
            ("id", agent.to_string()),
            ("active", "false".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        FakeRetell::send_event(&url, "key_alpha_replaced_1111", e).await,
        410
    );
}

/// Every call of an organization as one line of text, for comparing two
/// organizations that received the same events.
async fn calls_digest(pool: &PgPool, org: Uuid) -> String {
    let ctx = TenantCtx::without_user(org);
    let mut tx = db::tx::tenant(pool, &ctx).await.unwrap();
    let text: String = sqlx::query_scalar(
        "SELECT coalesce(string_agg(concat_ws('|', provider_call_id, call_type, direction,
                  from_number, to_number, call_status, started_at, ended_at, duration_ms,
                  billed_minutes, charge_cents, disconnection_reason, transcript,
                  transcript_turns::text, summary, sentiment, successful, recording_url,
                  provider_cost_cents, metadata::text, events_seen::text, merge_ranks::text,
                  is_billable), E'\\n' ORDER BY provider_call_id), '')
           FROM calls",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    text
}

async fn webhook_transactions(app: &TestApp) -> u64 {
    let text = reqwest::get(app.url("127.0.0.1", "/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("callboard_webhook_transactions_total "))
        .map(|n| n.trim().parse().unwrap())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_burst_stored_in_shared_transactions_equals_the_same_events_one_by_one() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url_a) = agent_for(&app, f.alpha.id, KEY_A, "agent_burst").await;
    let (_, url_b) = agent_for(&app, f.bravo.id, KEY_B, "agent_burst").await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let now = chrono::Utc::now().timestamp_millis();
    let mut all = Vec::new();
    for i in 0..30 {
        all.extend(callboard::retell::simulate::call_events(
            "agent_burst",
            now - i * 60_000,
            &mut rng,
        ));
    }
    // Beta: one at a time, each in its own transaction.
    for e in &all {
        assert_eq!(FakeRetell::send_event(&url_b, KEY_B, e).await, 204);
    }
    let before = webhook_transactions(&app).await;
    assert_eq!(before, all.len() as u64);

    // Alpha: every event twice, shuffled, all at once.
    let mut burst: Vec<Value> = all.iter().chain(all.iter()).cloned().collect();
    burst.shuffle(&mut rng);
    let sends: Vec<_> = burst
        .into_iter()
        .map(|e| {
            let url = url_a.clone();
            tokio::spawn(async move { FakeRetell::send_event(&url, KEY_A, &e).await })
        })
        .collect();
    for s in sends {
        assert_eq!(s.await.unwrap(), 204);
    }
    let shared = webhook_transactions(&app).await - before;
    assert!(
        shared < 2 * all.len() as u64,
        "{shared} transactions for {} deliveries: none were shared",
        2 * all.len()
    );

    // The same calls, each event stored once, each copy counted.
    assert_eq!(
        calls_digest(&app.db.app, f.alpha.id).await,
        calls_digest(&app.db.app, f.bravo.id).await
    );
    let events = "SELECT count(*) FROM webhook_events";
    assert_eq!(
        count(&app.db.app, f.alpha.id, events).await,
        all.len() as i64
    );
    let copies = "SELECT coalesce(sum(count), 0)::bigint FROM webhook_counters
                   WHERE outcome = 'duplicate'";
    assert_eq!(
        count(&app.db.app, f.alpha.id, copies).await,
        all.len() as i64
    );
    let rolled =
        "SELECT coalesce(sum(calls), 0)::bigint * 100000 + coalesce(sum(billed_minutes), 0)::bigint
                    FROM call_rollups";
    assert_eq!(
        count(&app.db.app, f.alpha.id, rolled).await,
        count(&app.db.app, f.bravo.id, rolled).await
    );
    let recount = "SELECT count(*) * 100000 + coalesce(sum(billed_minutes), 0)::bigint FROM calls";
    assert_eq!(
        count(&app.db.app, f.alpha.id, rolled).await,
        count(&app.db.app, f.alpha.id, recount).await
    );
}

#[tokio::test]
async fn an_event_the_database_refuses_costs_no_other_delivery_its_answer() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_poison").await;
    // Fault injection: the database refuses one call's row, so any shared
    // transaction holding one of its events fails as a whole.
    let owner = app.db.owner_pool().await;
    sqlx::raw_sql(
        "CREATE FUNCTION public.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.provider_call_id = 'call_poison' THEN RAISE EXCEPTION 'refused'; END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER refuse_poison BEFORE INSERT ON calls
           FOR EACH ROW EXECUTE FUNCTION public.refuse_poison();",
    )
    .execute(&owner)
    .await
    .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let now = chrono::Utc::now().timestamp_millis();
    let mut deliveries: Vec<(bool, Value)> = Vec::new();
    for i in 0..20 {
        for e in
            callboard::retell::simulate::call_events("agent_poison", now - i * 60_000, &mut rng)
        {
            deliveries.push((true, e));
        }
    }
    for (n, event) in [
        "call_started",
        "call_ended",
        "call_analyzed",
        "call_ended",
        "call_started",
    ]
    .iter()
    .enumerate()
    {
        let poison = json!({"event": event, "call": {
            "call_id": "call_poison", "call_type": "phone_call", "call_status": "ended",
            "duration_ms": 1000 + n}});
        deliveries.push((false, poison));
    }
    deliveries.shuffle(&mut rng);
    let sends: Vec<_> = deliveries
        .into_iter()
        .map(|(good, e)| {
            let url = url.clone();
            tokio::spawn(async move { (good, FakeRetell::send_event(&url, KEY_A, &e).await) })
        })
        .collect();
    for s in sends {
        let (good, status) = s.await.unwrap();
        if good {
            assert_eq!(status, 204);
        } else {
            assert!(status >= 500, "a refused event was answered {status}");
        }
    }
    assert_eq!(
        count(&app.db.app, f.alpha.id, "SELECT count(*) FROM calls").await,
        20
    );
    assert_eq!(
        count(
            &app.db.app,
            f.alpha.id,
            "SELECT count(*) FROM webhook_events WHERE provider_call_id = 'call_poison'"
        )
        .await,
        0,
        "nothing of a refused event is kept, so its redelivery is not taken for a duplicate"
    );
}

#[tokio::test]
async fn a_nul_character_in_an_event_does_not_make_it_unstorable() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id, KEY_A, "agent_nul").await;
    let event = json!({"event": "call_ended", "call": {
        "call_id": "call_nul", "call_type": "phone_call", "call_status": "ended",
        "transcript": "Agent: Hi\u{0}there", "metadata": {"k\u{0}ey": ["v\u{0}"]},
        "duration_ms": 61000}});
    assert_eq!(FakeRetell::send_event(&url, KEY_A, &event).await, 204);
    let c = call(&app.db.app, f.alpha.id, "call_nul").await.unwrap();
    assert_eq!(c.transcript.as_deref(), Some("Agent: Hithere"));
    assert_eq!(c.metadata, Some(json!({"key": ["v"]})));
    assert_eq!(c.billed_minutes, 2);
    // A NUL in the call id cannot be dropped without changing which call it
    // is: stored raw for diagnosis and answered 400.
    let bad = json!({"event": "call_ended", "call": {"call_id": "call\u{0}x"}});
    assert_eq!(FakeRetell::send_event(&url, KEY_A, &bad).await, 400);
}

/// Sends one new call's `call_ended` for an agent.
async fn send_call_ended(url: String, key: &'static str, call_id: &'static str) -> u16 {
    let now = chrono::Utc::now().timestamp_millis();
    let event = json!({
        "event": "call_ended",
        "call": {"call_id": call_id, "agent_id": "agent_turns", "call_type": "phone_call",
                 "start_timestamp": now - 60_000, "end_timestamp": now, "duration_ms": 60_000}
    });
    FakeRetell::send_event(&url, key, &event).await
}

/// With `limit` ingestion transactions per process, and alpha's transaction
/// held on its agent's row lock by this test: does bravo's delivery finish
/// meanwhile? Both must be stored in the end.
async fn bravo_finishes_while_alpha_is_held(limit: u32) -> bool {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.ingest_transactions = limit).await;
    let f = fixture(&app.db.app).await;
    let (agent_a, url_a) = agent_for(&app, f.alpha.id, KEY_A, "agent_turns").await;
    let (_, url_b) = agent_for(&app, f.bravo.id, KEY_B, "agent_turns").await;
    let ctx = TenantCtx::without_user(f.alpha.id);
    // Alpha's first event marks its agent active: that update waits for us.
    let mut hold = db::tx::tenant(&app.db.app, &ctx).await.unwrap();
    sqlx::query("SELECT 1 FROM agents WHERE id = $1 FOR UPDATE")
        .bind(agent_a)
        .execute(&mut *hold)
        .await
        .unwrap();
    let alpha = tokio::spawn(send_call_ended(url_a, KEY_A, "call_turn_a"));
    let waiting = "SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let mut blocked = false;
    for _ in 0..200 {
        let n: i64 = sqlx::query_scalar(waiting)
            .fetch_one(&app.db.app)
            .await
            .unwrap();
        if n > 0 {
            blocked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(blocked, "alpha's transaction never waited for the held row");

    // Bravo alone takes milliseconds; give it up to three seconds.
    let bravo = tokio::spawn(send_call_ended(url_b, KEY_B, "call_turn_b"));
    let mut finished = false;
    for _ in 0..150 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if bravo.is_finished() {
            finished = true;
            break;
        }
    }
    hold.rollback().await.unwrap();
    assert_eq!(alpha.await.unwrap(), 204);
    assert_eq!(bravo.await.unwrap(), 204);
    assert!(call(&app.db.app, f.alpha.id, "call_turn_a").await.is_some());
    assert!(call(&app.db.app, f.bravo.id, "call_turn_b").await.is_some());
    finished
}

#[tokio::test]
async fn ingestion_transactions_beyond_the_process_limit_wait_for_a_turn() {
    // Two turns: bravo's transaction runs beside alpha's stuck one.
    assert!(bravo_finishes_while_alpha_is_held(2).await);
    // One turn: bravo waits until alpha's transaction is done.
    assert!(!bravo_finishes_while_alpha_is_held(1).await);
}

/// `db::calls`' bulk statements count their calls in the rollups themselves
/// in an ingestion transaction and leave it to the row triggers elsewhere:
/// either way each call is counted exactly once, before and after an update.
#[tokio::test]
async fn merged_calls_reach_the_rollups_once_in_either_kind_of_transaction() {
    use callboard::ingest::merge::Merged;
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let org = f.alpha.id;
    let agent = agents::create(&db.app, &scope(org), "agent_roll", "Roll")
        .await
        .unwrap();
    let ctx = TenantCtx::without_user(org);
    let now = chrono::Utc::now().timestamp_millis();
    let ended = |seconds: i64| {
        json!({"call_id": "x", "call_type": "phone_call", "start_timestamp": now - seconds * 1000,
               "end_timestamp": now, "duration_ms": seconds * 1000})
    };
    let totals = "SELECT (SELECT coalesce(sum(calls), 0) * 1000000 + coalesce(sum(billed_minutes), 0)
                            + coalesce(sum(positive), 0) * 1000 FROM call_rollups)::bigint
                   - (SELECT count(*) * 1000000 + coalesce(sum(billed_minutes), 0)
                            + count(*) FILTER (WHERE sentiment = 'Positive') * 1000 FROM calls)::bigint";
    for (i, ingestion) in [false, true].into_iter().enumerate() {
        let open = || async {
            if ingestion {
                db::tx::ingestion(&db.app, &ctx).await.unwrap()
            } else {
                db::tx::tenant(&db.app, &ctx).await.unwrap()
            }
        };
        let call_id = format!("call_roll_{i}");
        let mut state = Merged::default();
        state.apply("call_ended", ended(61).as_object().unwrap());
        let mut tx = open().await;
        let created =
            db::calls::create_merged(&mut tx, org, vec![(&call_id, agent, state.to_row())])
                .await
                .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&db.app, org, totals).await, 0, "after the insert");

        // The analysis reports a longer call and a sentiment: both counted.
        let mut analyzed = ended(130);
        analyzed["call_analysis"] = json!({"user_sentiment": "Positive"});
        state.apply("call_analyzed", analyzed.as_object().unwrap());
        let mut tx = open().await;
        let locked = db::calls::lock_many(&mut tx, org, &[call_id.as_str()])
            .await
            .unwrap();
        assert_eq!(locked.len(), 1);
        db::calls::store_merged(
            &mut tx,
            org,
            vec![(created[&call_id], agent, state.to_row())],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&db.app, org, totals).await, 0, "after the update");
    }
    let minutes = "SELECT coalesce(sum(billed_minutes), 0)::bigint * 10 + sum(positive)::bigint
                     FROM call_rollups";
    assert_eq!(
        count(&db.app, org, minutes).await,
        62,
        "3 minutes and positive, twice"
    );
}
