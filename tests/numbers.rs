//! Phone numbers connected to the voice platform, end to end: the real
//! router and server functions, a real database as the app role, and the
//! fake platform (real HTTP, the platform's paths, auth and error shapes).

mod support;

use callboard::db::{self, PlatformAccess, TenantCtx};
use callboard::services::{agents, numbers};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::fake_retell::FakeRetell;
use support::{fixture, keyring, operator_scope as scope, Fixture, TestApp};
use uuid::Uuid;

const KEY_A: &str = "key_alpha_0123456789abcdef";
const KEY_B: &str = "key_bravo_fedcba9876543210";
const SHARED: &str = "key_agency_shared_5555";
const NUMBER: &str = "+15555550142";
const SIP_PASSWORD: &str = "sip-Secret-8d1f2e";

struct World {
    app: TestApp,
    fake: FakeRetell,
    f: Fixture,
    /// Alpha's and bravo's agents (our ids).
    alpha_agent: Uuid,
    bravo_agent: Uuid,
}

/// Two organizations, each with an agent; alpha has its own key, bravo none.
async fn world() -> World {
    let fake = FakeRetell::start().await;
    for k in [KEY_A, KEY_B, SHARED] {
        fake.add_key(k);
    }
    let base = fake.base_url();
    let app = TestApp::spawn_with(std::sync::Arc::new(support::TestDb::new().await), |c| {
        c.retell_api_base = base;
    })
    .await;
    let pool = &app.db.app;
    let f = fixture(pool).await;
    agents::set_api_key(pool, &keyring(), &scope(f.alpha.id), KEY_A)
        .await
        .unwrap();
    let alpha_agent = agents::create(pool, &scope(f.alpha.id), "agent_alpha_desk", "Desk")
        .await
        .unwrap();
    let bravo_agent = agents::create(pool, &scope(f.bravo.id), "agent_bravo_desk", "Front")
        .await
        .unwrap();
    World {
        app,
        fake,
        f,
        alpha_agent,
        bravo_agent,
    }
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (StatusCode, Value) {
    let res = c.post(url).form(form).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn connect_form(org: Uuid, agent: Uuid, number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("org_id", org.to_string()),
        ("form[number]", number.into()),
        ("form[termination_uri]", "cactus.pstn.example.com".into()),
        ("form[provider]", "twilio".into()),
        ("form[sip_username]", "cactus_trunk".into()),
        ("form[sip_password]", SIP_PASSWORD.into()),
        ("form[agent_id]", agent.to_string()),
    ]
}

async fn root(app: &TestApp) -> reqwest::Client {
    app.signed_in(&app.platform(""), "root@callboard.localhost")
        .await
}

async fn rows(pool: &sqlx::PgPool, org: Uuid) -> Vec<(String, String, Option<Vec<u8>>)> {
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    let rows = sqlx::query_as("SELECT number, status, sip_ciphertext FROM phone_numbers")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    rows
}

async fn audited(pool: &sqlx::PgPool, action: &str) -> Vec<Value> {
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    let rows: Vec<(Value,)> =
        sqlx::query_as("SELECT metadata FROM audit_log WHERE action = $1 ORDER BY id")
            .bind(action)
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    rows.into_iter().map(|(m,)| m).collect()
}

#[tokio::test]
async fn connecting_sends_the_documented_import_and_seals_the_sip_password() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let c = root(app).await;
    let (s, n) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, "+1 (555) 555-0142"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    assert_eq!(n["status"], "connected");
    assert_eq!(n["agent_name"], "Desk");
    assert_eq!(n["has_sip_password"], true);

    // Exactly the documented body, with alpha's own key.
    let import = w
        .fake
        .received()
        .into_iter()
        .find(|r| r.path == "/import-phone-number")
        .unwrap();
    assert_eq!(
        import.authorization.as_deref(),
        Some(&*format!("Bearer {KEY_A}"))
    );
    assert_eq!(
        import.body.unwrap(),
        json!({
            "phone_number": NUMBER,
            "termination_uri": "cactus.pstn.example.com",
            "sip_trunk_auth_username": "cactus_trunk",
            "sip_trunk_auth_password": SIP_PASSWORD,
            "inbound_webhook_url": format!("{}/webhooks/inbound", app.platform("")),
            "inbound_agents": [{"agent_id": "agent_alpha_desk", "weight": 1.0}],
        })
    );

    // Sealed at rest; never in an answer or a page.
    let stored = rows(pool, w.f.alpha.id).await;
    assert_eq!(stored.len(), 1);
    let sealed = stored[0].2.clone().unwrap();
    assert!(!sealed
        .windows(SIP_PASSWORD.len())
        .any(|win| win == SIP_PASSWORD.as_bytes()));
    let (_, page) = post(
        &c,
        app.platform("/api/numbers"),
        &[("org_id", w.f.alpha.id.to_string())],
    )
    .await;
    assert!(!page.to_string().contains(SIP_PASSWORD));
    assert_eq!(page["key"], json!({"Own": "cdef"}));
    for url in [
        app.platform(&format!("/orgs/{}", w.f.alpha.id)),
        app.platform("/activity"),
    ] {
        let html = c.get(url).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains(SIP_PASSWORD));
    }
    for m in audited(pool, "phone_number.connect").await {
        assert!(!m.to_string().contains(SIP_PASSWORD));
        assert_eq!(m["outcome"], "ok");
    }

    // The server can open it again for this number only.
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(w.f.alpha.id))
        .await
        .unwrap();
    let id = Uuid::parse_str(n["id"].as_str().unwrap()).unwrap();
    let s = db::numbers::sip_password(&mut tx, w.f.alpha.id, id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let keys = keyring();
    assert_eq!(
        keys.open(w.f.alpha.id, &db::numbers::sip_column(id), &s)
            .unwrap(),
        SIP_PASSWORD
    );
    assert!(keys
        .open(w.f.alpha.id, &db::numbers::sip_column(Uuid::new_v4()), &s)
        .is_err());
}

#[tokio::test]
async fn an_organization_without_a_key_uses_the_agencys_shared_key() {
    let w = world().await;
    let app = &w.app;
    let c = root(app).await;
    // No key anywhere yet: refused in words, nothing sent.
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.bravo.id, w.bravo_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e.to_string().contains("No API key"), "{e}");
    assert!(w.fake.received().is_empty());

    let (s, last4) = post(
        &c,
        app.platform("/api/platform/api-key/save"),
        &[("api_key", SHARED.into())],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(last4, "5555");
    let (_, page) = post(
        &c,
        app.platform("/api/numbers"),
        &[("org_id", w.f.bravo.id.to_string())],
    )
    .await;
    assert_eq!(page["key"], json!({"Shared": "5555"}));
    let (s, n) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.bravo.id, w.bravo_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    let import = w.fake.received().pop().unwrap();
    assert_eq!(
        import.authorization.as_deref(),
        Some(&*format!("Bearer {SHARED}"))
    );
    // The shared key is sealed in its own table, which the app role cannot read.
    let mut tx = w.app.db.app.begin().await.unwrap();
    let denied = sqlx::query("SELECT ciphertext FROM platform_credentials")
        .fetch_all(&mut *tx)
        .await;
    assert!(denied.is_err(), "the app role read the shared key");

    // Events signed with the shared key verify for bravo's agent; alpha
    // keeps verifying with its own.
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{}", w.bravo_agent));
    let event = json!({"event": "call_started", "call": {"call_id": "c_shared_1",
        "agent_id": "agent_bravo_desk", "call_type": "phone_call"}});
    assert_eq!(FakeRetell::send_event(&url, SHARED, &event).await, 204);
    assert_eq!(FakeRetell::send_event(&url, KEY_A, &event).await, 401);
}

#[tokio::test]
async fn platform_refusals_are_explained_and_store_nothing() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let c = root(app).await;
    let connect = |uri: &'static str| {
        let mut f = connect_form(w.f.alpha.id, w.alpha_agent, NUMBER);
        f[2].1 = uri.into();
        f
    };
    // Our own checks first: nothing reaches the platform.
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect("not a host"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["Validation"]["fields"][0]["field"], "termination_uri");
    assert!(w.fake.received().is_empty());

    // The platform's complaint, next to the field it concerns.
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect("invalid.example.com"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["Validation"]["fields"][0]["field"], "termination_uri");
    assert!(!e.to_string().to_lowercase().contains("retell"));

    // A bad key.
    w.fake.fail_next(401, None);
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect("ok.example.com"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e.to_string().contains("did not accept this API key"), "{e}");

    // Already imported in another account: a verdict, not retried.
    w.fake.fail_next(409, None);
    let before = w.fake.received().len();
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect("ok.example.com"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["Validation"]["fields"][0]["field"], "number");
    assert_eq!(w.fake.received().len(), before + 1);
    assert!(rows(pool, w.f.alpha.id).await.is_empty());
    let outcomes: Vec<Value> = audited(pool, "phone_number.connect")
        .await
        .into_iter()
        .map(|m| m["outcome"].clone())
        .collect();
    assert_eq!(
        outcomes,
        vec![json!("refused"), json!("bad_key"), json!("conflict")]
    );

    // Rate limited once, then accepted: retried after the asked wait.
    w.fake.fail_next(429, Some(50));
    let (s, n) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect("ok.example.com"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    assert_eq!(rows(pool, w.f.alpha.id).await.len(), 1);

    // Always failing: bounded time, and still nothing changes.
    for _ in 0..10 {
        w.fake.fail_next(503, None);
    }
    let started = std::time::Instant::now();
    let id = n["id"].as_str().unwrap().to_string();
    let (s, e) = post(
        &c,
        app.platform("/api/numbers/disconnect"),
        &[("org_id", w.f.alpha.id.to_string()), ("id", id.clone())],
    )
    .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(11));
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e.to_string().contains("still connected"), "{e}");
    assert_eq!(rows(pool, w.f.alpha.id).await.len(), 1);

    // The console's system page counts alpha's calls today and its last error;
    // /metrics counts by endpoint and outcome, with no organization in sight.
    let (_, health) = post(&c, app.platform("/api/platform/health"), &[]).await;
    let alpha = health["reachability"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["org_id"] == w.f.alpha.id.to_string())
        .unwrap()
        .clone();
    assert_eq!(alpha["api_calls_today"], 5, "{alpha}");
    assert!(alpha["api_last_error"]
        .as_str()
        .unwrap()
        .contains("problem on its side"));
    let metrics = reqwest::get(app.url("127.0.0.1", "/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        r#"callboard_voice_api_requests_total{endpoint="import-phone-number",outcome="ok"} 1"#,
        r#"callboard_voice_api_requests_total{endpoint="import-phone-number",outcome="conflict"} 1"#,
        r#"callboard_voice_api_requests_total{endpoint="delete-phone-number",outcome="server_error"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} not in {metrics}");
    }
    assert!(metrics.contains("callboard_voice_api_seconds_bucket"));
    assert!(!metrics.contains(&w.f.alpha.id.to_string()));
}

#[tokio::test]
async fn changing_checking_and_disconnecting_go_through_the_platform() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let c = root(app).await;
    let org = w.f.alpha.id.to_string();
    let (_, n) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    let id = n["id"].as_str().unwrap().to_string();

    // A second agent answers from now on; the password is kept.
    let second = agents::create(pool, &scope(w.f.alpha.id), "agent_alpha_night", "Night")
        .await
        .unwrap();
    let (s, changed) = post(
        &c,
        app.platform("/api/numbers/change"),
        &[
            ("org_id", org.clone()),
            ("id", id.clone()),
            ("form[termination_uri]", "other.pstn.example.com".into()),
            ("form[provider]", "telnyx".into()),
            ("form[sip_username]", "cactus_trunk".into()),
            ("form[agent_id]", second.to_string()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["agent_name"], "Night");
    assert_eq!(changed["has_sip_password"], true);
    let patch = w.fake.received().pop().unwrap();
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.path, format!("/update-phone-number/{NUMBER}"));
    let body = patch.body.unwrap();
    assert_eq!(
        body["inbound_agents"],
        json!([{"agent_id": "agent_alpha_night", "weight": 1.0}])
    );
    assert_eq!(body["termination_uri"], "other.pstn.example.com");
    assert!(body.get("sip_trunk_auth_password").is_none(), "{body}");

    // Check now: connected; then the platform forgets it: error, with why.
    let check = [("org_id", org.clone()), ("id", id.clone())];
    let (s, checked) = post(&c, app.platform("/api/numbers/check"), &check).await;
    assert_eq!(s, StatusCode::OK, "{checked}");
    assert_eq!(checked["status"], "connected");
    assert!(checked["checked_at"].is_string());
    w.fake.drop_number(NUMBER);
    let (_, checked) = post(&c, app.platform("/api/numbers/check"), &check).await;
    assert_eq!(checked["status"], "error");
    assert_eq!(
        checked["last_error"],
        "The voice platform no longer has this number."
    );

    // Disconnecting a number the platform has already released still works.
    let (s, _) = post(&c, app.platform("/api/numbers/disconnect"), &check).await;
    assert_eq!(s, StatusCode::OK);
    assert!(rows(pool, w.f.alpha.id).await.is_empty());

    // And one it has: released there, then gone here.
    let (_, n) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    assert_eq!(w.fake.numbers().len(), 1);
    let id = n["id"].as_str().unwrap().to_string();
    let (s, _) = post(
        &c,
        app.platform("/api/numbers/disconnect"),
        &[("org_id", org), ("id", id)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(w.fake.numbers().is_empty());
    assert!(rows(pool, w.f.alpha.id).await.is_empty());
}

#[tokio::test]
async fn nobody_records_a_number_they_have_not_imported() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    agents::set_api_key(pool, &keyring(), &scope(w.f.bravo.id), KEY_B)
        .await
        .unwrap();
    let root = root(app).await;
    let bravo = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let alpha_viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;

    // The old way to record a number without the platform is gone.
    let (s, _) = post(
        &bravo,
        app.org("bravo", "/api/numbers/add"),
        &[("number", NUMBER.into())],
    )
    .await;
    assert!(
        s == StatusCode::NOT_FOUND || s == StatusCode::METHOD_NOT_ALLOWED,
        "{s}"
    );

    // Bravo's admin may not connect numbers until the agency allows it.
    let own = |number: &str| {
        let mut f = connect_form(w.f.bravo.id, w.bravo_agent, number);
        f.remove(0);
        f
    };
    let (s, _) = post(
        &bravo,
        app.org("bravo", "/api/numbers/connect"),
        &own(NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, page) = post(&bravo, app.org("bravo", "/api/numbers"), &[]).await;
    assert_eq!(page["can_edit"], false);
    assert!(page["key"].is_null(), "the key is the agency's business");
    let (s, _) = post(
        &root,
        app.platform("/api/numbers/clients-manage"),
        &[("org_id", w.f.bravo.id.to_string()), ("on", "true".into())],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, page) = post(&bravo, app.org("bravo", "/api/numbers"), &[]).await;
    assert_eq!(page["can_edit"], true);

    // Alpha connects the number first; bravo, in its own account, cannot
    // then claim it (refused here before the platform is asked).
    let (s, _) = post(
        &root,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let asked = w.fake.received().len();
    let (s, e) = post(
        &bravo,
        app.org("bravo", "/api/numbers/connect"),
        &own(NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.to_string().contains("another organization"), "{e}");
    assert_eq!(w.fake.received().len(), asked);
    assert!(rows(pool, w.f.bravo.id).await.is_empty());

    // With the flag on, bravo's admin connects a number of its own, with its
    // own agent only.
    let mut theirs = own("+15555550177");
    theirs[5].1 = w.alpha_agent.to_string();
    let (s, e) = post(&bravo, app.org("bravo", "/api/numbers/connect"), &theirs).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["Validation"]["fields"][0]["field"], "agent_id");
    let (s, n) = post(
        &bravo,
        app.org("bravo", "/api/numbers/connect"),
        &own("+15555550177"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{n}");

    // Bravo cannot see, change, check or disconnect alpha's number.
    let (_, alpha_page) = post(
        &root,
        app.platform("/api/numbers"),
        &[("org_id", w.f.alpha.id.to_string())],
    )
    .await;
    let alpha_number = alpha_page["numbers"][0]["id"].as_str().unwrap().to_string();
    for path in ["/api/numbers/check", "/api/numbers/disconnect"] {
        let (s, _) = post(
            &bravo,
            app.org("bravo", path),
            &[("id", alpha_number.clone())],
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let (s, _) = post(
            &bravo,
            app.org("bravo", path),
            &[
                ("id", alpha_number.clone()),
                ("org_id", w.f.alpha.id.to_string()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path} naming alpha");
    }
    let (_, page) = post(&bravo, app.org("bravo", "/api/numbers"), &[]).await;
    assert_eq!(page["numbers"].as_array().unwrap().len(), 1);
    assert!(!page.to_string().contains(NUMBER));

    // A viewer reads nothing of it and changes nothing.
    let mut probe = own("+15555550188");
    probe.push(("id", alpha_number.clone()));
    for path in [
        "/api/numbers",
        "/api/numbers/connect",
        "/api/numbers/disconnect",
    ] {
        let (s, _) = post(&alpha_viewer, app.org("alpha", path), &probe).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "viewer reached {path}");
    }
    assert_eq!(rows(pool, w.f.alpha.id).await.len(), 1);
}

#[tokio::test]
async fn an_event_about_another_agents_call_is_refused() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{}", w.alpha_agent));
    let call = |agent: &str, id: &str| {
        json!({"event": "call_started", "call": {"call_id": id, "agent_id": agent,
            "call_type": "phone_call"}})
    };
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &call("agent_someone_else", "c_x")).await,
        409
    );
    assert_eq!(
        FakeRetell::send_event(&url, KEY_A, &call("agent_alpha_desk", "c_ok")).await,
        204
    );
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(w.f.alpha.id))
        .await
        .unwrap();
    let stored: Vec<(String,)> = sqlx::query_as("SELECT provider_call_id FROM webhook_events")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(count), 0)::bigint FROM webhook_counters WHERE outcome = 'rejected_wrong_agent'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored, vec![("c_ok".to_string(),)]);
    assert_eq!(counted, 1);
}

#[tokio::test]
async fn another_organization_cannot_read_or_write_numbers_columns() {
    let w = world().await;
    let pool = &w.app.db.app;
    let (keys, voice) = (
        keyring(),
        callboard::retell::client::Client::new(&w.fake.base_url()),
    );
    let p = numbers::Platform {
        keys: &keys,
        voice: &voice,
        public_url: "http://callboard.test",
    };
    let form = callboard::domain::numbers::NumberForm {
        number: NUMBER.into(),
        termination_uri: "cactus.pstn.example.com".into(),
        provider: "other".into(),
        sip_password: Some(SIP_PASSWORD.into()),
        sip_username: Some("u".into()),
        agent_id: Some(w.alpha_agent),
        ..Default::default()
    };
    numbers::connect(pool, p, &scope(w.f.alpha.id), &form)
        .await
        .unwrap();
    // Bravo's tenant transaction sees none of it and changes none of it,
    // numbers or alpha's count of platform calls (the connect above).
    support::assert_walled_off(
        pool,
        w.f.bravo.id,
        "SELECT count(*) FROM phone_numbers WHERE sip_ciphertext IS NOT NULL",
        "UPDATE phone_numbers SET termination_uri = 'evil.example.com', sip_ciphertext = NULL",
        &format!(
            "INSERT INTO phone_numbers (organization_id, number, status) VALUES ('{}', '+15555550999', 'connected')",
            w.f.alpha.id
        ),
    )
    .await;
    support::assert_walled_off(
        pool,
        w.f.bravo.id,
        "SELECT count(*) FROM voice_api_usage",
        "UPDATE voice_api_usage SET calls = 0",
        &format!(
            "INSERT INTO voice_api_usage (organization_id, day, calls) VALUES ('{}', current_date - 1, 9)",
            w.f.alpha.id
        ),
    )
    .await;
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(w.f.alpha.id))
        .await
        .unwrap();
    let own: i64 = sqlx::query_scalar("SELECT sum(calls)::bigint FROM voice_api_usage")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(own, 1);
    drop(tx);
    // Nor may bravo's agent be set on alpha's number.
    let bad = numbers::change(
        pool,
        p,
        &scope(w.f.alpha.id),
        numbers::list(pool, &scope(w.f.alpha.id)).await.unwrap()[0].id,
        &callboard::domain::numbers::NumberForm {
            agent_id: Some(w.bravo_agent),
            ..form.clone()
        },
    )
    .await;
    assert!(bad.is_err());
}

#[tokio::test]
async fn offboarding_releases_numbers_and_deleting_refuses_while_some_stay() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let c = root(app).await;
    let (s, _) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(w.fake.numbers().len(), 1);

    // The platform cannot release it: deleting refuses, naming it, and
    // nothing is deleted.
    for _ in 0..4 {
        w.fake.fail_next(500, None);
    }
    let delete = |anyway: bool| {
        let mut f = vec![
            ("id", w.f.alpha.id.to_string()),
            ("confirm_slug", "alpha".to_string()),
        ];
        if anyway {
            f.push(("delete_anyway", "true".into()));
        }
        f
    };
    let (s, e) = post(
        &c,
        app.platform("/api/platform/orgs/delete"),
        &delete(false),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e.to_string().contains(NUMBER), "{e}");
    assert_eq!(rows(pool, w.f.alpha.id).await.len(), 1);
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    assert_eq!(db::orgs::list(&mut tx).await.unwrap().len(), 2);
    tx.commit().await.unwrap();

    // Suspending with "release its numbers": released there, gone here.
    let (s, org) = post(
        &c,
        app.platform("/api/platform/orgs/status"),
        &[
            ("id", w.f.alpha.id.to_string()),
            ("status", "suspended".into()),
            ("release_numbers", "true".into()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{org}");
    assert_eq!(org["status"], "suspended");
    assert!(w.fake.numbers().is_empty());
    assert!(rows(pool, w.f.alpha.id).await.is_empty());
    let released = audited(pool, "phone_number.disconnect").await;
    assert_eq!(released.last().unwrap()["outcome"], "ok");

    // Bravo's number stays through alpha's deletion; a platform failure with
    // "delete anyway" deletes all the same.
    agents::set_api_key(pool, &keyring(), &scope(w.f.bravo.id), KEY_B)
        .await
        .unwrap();
    let (s, _) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.bravo.id, w.bravo_agent, "+15555550143"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    for _ in 0..4 {
        w.fake.fail_next(500, None);
    }
    let (s, e) = post(&c, app.platform("/api/platform/orgs/delete"), &delete(true)).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    assert_eq!(db::orgs::list(&mut tx).await.unwrap().len(), 1);
    tx.commit().await.unwrap();
    assert_eq!(rows(pool, w.f.bravo.id).await.len(), 1);
    let left: Vec<String> = w
        .fake
        .numbers()
        .iter()
        .map(|(_, n)| n["phone_number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "alpha's stays in its account, as confirmed: {left:?}"
    );
}

#[tokio::test]
async fn the_background_check_asks_about_numbers_not_checked_for_a_quarter_hour() {
    let w = world().await;
    let (app, pool) = (&w.app, &w.app.db.app);
    let c = root(app).await;
    let (s, _) = post(
        &c,
        app.platform("/api/numbers/connect"),
        &connect_form(w.f.alpha.id, w.alpha_agent, NUMBER),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let p = w.app.state.voice_platform();
    // Just connected: not due.
    assert_eq!(numbers::check_due(pool, p, 100, 4).await.unwrap(), 0);
    // An hour later, and the platform has lost it meanwhile.
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    sqlx::query("UPDATE phone_numbers SET checked_at = now() - interval '1 hour'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    w.fake.drop_number(NUMBER);
    assert_eq!(numbers::check_due(pool, p, 100, 4).await.unwrap(), 1);
    let listed = numbers::list(pool, &scope(w.f.alpha.id)).await.unwrap();
    assert_eq!(listed[0].status, callboard::domain::NumberStatus::Error);
    assert_eq!(
        listed[0].last_error.as_deref(),
        Some("The voice platform no longer has this number.")
    );
    // The change of state is in the activity log, by the system.
    let checks = audited(pool, "phone_number.check").await;
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["outcome"], "unknown");
    // Checked now: not due again.
    assert_eq!(numbers::check_due(pool, p, 100, 4).await.unwrap(), 0);
}
