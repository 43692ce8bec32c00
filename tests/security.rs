//! The outside review's findings, each held by a test: the recording proxy
//! fetches only audio from the recording store, billing fields cannot be
//! rewritten by a later event, metrics carry no secrets, unauthenticated
//! work is bounded, and client addresses come from trusted proxies only.

mod support;

use callboard::db::{self, TenantCtx};
use callboard::services::agents;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_retell::FakeRetell;
use support::recording_store::{self, RecordingStore};
use support::{fixture, keyring, operator_scope as scope, TestApp, TestDb, PASSWORD};
use uuid::Uuid;

const KEY_A: &str = "key_alpha_0123456789abcdef";

async fn agent_for(app: &TestApp, org: Uuid) -> (Uuid, String) {
    let pool = &app.db.app;
    agents::set_api_key(pool, &keyring(), &scope(org), KEY_A)
        .await
        .unwrap();
    let id = agents::create(pool, &scope(org), "agent_sec", "Desk")
        .await
        .unwrap();
    (id, app.url("127.0.0.1", &format!("/webhooks/agent/{id}")))
}

async fn scalar<T>(pool: &PgPool, org: Uuid, sql: &str) -> T
where
    T: Send + Unpin,
    (T,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    let v: T = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    v
}

/// A call whose recording link is `url` (as a signed event could carry).
async fn call_with_recording(pool: &PgPool, org: Uuid, url: &str) -> Uuid {
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, provider_call_id, call_type, recording_url)
         VALUES ($1, $2, 'phone_call', $3) RETURNING id",
    )
    .bind(org)
    .bind(format!("call_{}", Uuid::new_v4().simple()))
    .bind(url)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn the_recording_proxy_fetches_only_audio_from_the_recording_store() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.recording = recording_store::policy()).await;
    let f = fixture(&app.db.app).await;
    let port = app.addr.port();
    // The redirect points at this server's own metrics.
    let store = RecordingStore::start(format!("http://127.0.0.1:{port}/metrics")).await;
    let member = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let fetch = |call: Uuid, range: Option<&'static str>| {
        let mut req = member.get(app.org("alpha", &format!("/calls/{call}/recording")));
        if let Some(r) = range {
            req = req.header("range", r);
        }
        req.send()
    };

    let refused = [
        // Loopback, by address and by a name that resolves to it.
        format!("http://127.0.0.1:{port}/metrics"),
        format!("https://127.0.0.1:{port}/metrics"),
        format!("https://localhost:{}/recordings/a.wav", store.port),
        // Cloud metadata, IPv6 loopback.
        "https://169.254.169.254/latest/meta-data/".to_string(),
        format!("https://[::1]:{port}/health"),
        // The store itself, but not over https, not audio, or redirecting.
        format!("http://recordings.test:{}/recordings/a.wav", store.port),
        store.url("/page.html"),
        store.url("/redirect"),
        // Larger than the limit (1 MiB in the tests).
        store.url("/huge.wav"),
        // A host that is not on the list.
        format!("https://elsewhere.test:{}/recordings/a.wav", store.port),
    ];
    for url in &refused {
        let call = call_with_recording(&app.db.app, f.alpha.id, url).await;
        let res = fetch(call, None).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_GATEWAY, "{url}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("text/plain"), "{url}: {ct}");
        let body = res.text().await.unwrap();
        assert!(body.contains("Recording unavailable"), "{url}: {body}");
        assert!(
            !body.contains("callboard_") && !body.contains("internal"),
            "{url}: {body}"
        );
    }

    // The store's own recording streams, and seeks.
    let call = call_with_recording(&app.db.app, f.alpha.id, &store.url("/recordings/r.wav")).await;
    let res = fetch(call, None).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "audio/wav");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(
        &res.bytes().await.unwrap()[..],
        support::fake_retell::RECORDING
    );
    let res = fetch(call, Some("bytes=0-3")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&res.bytes().await.unwrap()[..], b"RIFF");
}

#[tokio::test]
async fn a_later_event_cannot_turn_a_billed_call_into_a_free_one() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (agent, url) = agent_for(&app, f.alpha.id).await;
    let now = chrono::Utc::now().timestamp_millis();
    let ended = json!({"event": "call_ended", "call": {
        "call_id": "call_forge", "agent_id": "agent_sec", "call_type": "phone_call",
        "call_status": "ended", "start_timestamp": now - 180_000, "end_timestamp": now,
        "duration_ms": 180_000}});
    assert_eq!(FakeRetell::send_event(&url, KEY_A, &ended).await, 204);
    // Analysed, but claiming a web call (free) and no duration, twice.
    for forged in [
        json!({"event": "call_analyzed", "call": {"call_id": "call_forge", "call_type": "web_call",
            "duration_ms": 180_000}}),
        json!({"event": "call_analyzed", "call": {"call_id": "call_forge", "call_type": "web_call",
            "duration_ms": 0}}),
    ] {
        assert_eq!(FakeRetell::send_event(&url, KEY_A, &forged).await, 204);
    }
    let (kind, billable, minutes): (String, bool, i32) = {
        let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.alpha.id))
            .await
            .unwrap();
        sqlx::query_as("SELECT call_type, is_billable, billed_minutes FROM calls WHERE provider_call_id = 'call_forge'")
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    };
    assert_eq!((kind.as_str(), billable, minutes), ("phone_call", true, 3));
    let disputes: i64 = scalar(
        &app.db.app,
        f.alpha.id,
        &format!(
            "SELECT coalesce(sum(count), 0)::bigint FROM webhook_counters
              WHERE agent_id = '{agent}' AND outcome = 'conflict_billing'"
        ),
    )
    .await;
    assert_eq!(disputes, 2, "each disagreeing event is counted");
}

#[tokio::test]
async fn only_well_formed_signatures_can_put_an_agent_in_error() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (agent, url) = agent_for(&app, f.alpha.id).await;
    let status = || async {
        scalar::<String>(
            &app.db.app,
            f.alpha.id,
            &format!("SELECT status FROM agents WHERE id = '{agent}'"),
        )
        .await
    };
    let http = reqwest::Client::new();
    // Anyone holding the URL: no header, or a garbled one, ten times.
    for i in 0..10 {
        let mut req = http.post(&url).body("{}");
        if i % 2 == 1 {
            req = req.header("x-retell-signature", "garbage");
        }
        assert_eq!(req.send().await.unwrap().status(), 401);
    }
    assert_eq!(status().await, "pending_validation");
    let counted: i64 = scalar(
        &app.db.app,
        f.alpha.id,
        "SELECT coalesce(sum(count), 0)::bigint FROM webhook_counters WHERE outcome LIKE 'rejected%'",
    )
    .await;
    assert_eq!(counted, 10, "counted all the same");
    // The platform's shape made with another key: a set-up problem to show.
    let now = chrono::Utc::now().timestamp_millis();
    for _ in 0..5 {
        assert_eq!(
            FakeRetell::send_signed(&url, "other-key", b"{}", now).await,
            401
        );
    }
    assert_eq!(status().await, "error");
}

#[tokio::test]
async fn metrics_name_no_agent_and_need_a_token_off_loopback() {
    let db = Arc::new(TestDb::new().await);
    // As if listening on every interface.
    let app = TestApp::spawn_with(db, |c| {
        c.site_addr.set_ip("0.0.0.0".parse().unwrap());
        c.metrics_token = None;
    })
    .await;
    let res = reqwest::get(app.url("127.0.0.1", "/metrics"))
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "no token, not loopback-only"
    );
    let db = app.db.clone();
    let app = TestApp::spawn_with(db, |c| {
        c.site_addr.set_ip("0.0.0.0".parse().unwrap());
        c.metrics_token = Some("metrics-token-for-tests".into());
    })
    .await;
    let http = reqwest::Client::new();
    // Posts to made-up agents add no labels.
    for _ in 0..20 {
        let url = app.url("127.0.0.1", &format!("/webhooks/agent/{}", Uuid::new_v4()));
        assert_eq!(
            http.post(url).body("{}").send().await.unwrap().status(),
            404
        );
    }
    let res = http
        .get(app.url("127.0.0.1", "/metrics"))
        .bearer_auth("metrics-token-for-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("callboard_webhook_events_total{outcome=\"unknown_agent\"} 20"),
        "{text}"
    );
    let labels = text
        .lines()
        .filter(|l| l.starts_with("callboard_webhook_events_total"))
        .count();
    assert_eq!(labels, 1, "{text}");
    let res = http
        .get(app.url("127.0.0.1", "/metrics"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_in_fields_are_capped_and_throttled_attempts_write_nothing() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.sign_in_per_account_per_minute = 2).await;
    let f = fixture(&app.db.app).await;
    let c = app.client();
    let long_email = format!("{}@example.com", "a".repeat(300));
    let res = app
        .login(&c, &app.org("alpha", ""), &long_email, PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long_password = "p".repeat(1025);
    let res = app
        .login(
            &c,
            &app.org("alpha", ""),
            "admin@alpha.example",
            &long_password,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A body past 64 KiB is refused before anyone reads it.
    let huge = "e".repeat(100 * 1024);
    let res = app.login(&c, &app.org("alpha", ""), &huge, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let audit = || async {
        scalar::<i64>(
            &app.db.app,
            f.alpha.id,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'auth.%'",
        )
        .await
    };
    assert_eq!(audit().await, 0, "refused fields leave no trace");
    for _ in 0..2 {
        let res = app
            .login(&c, &app.org("alpha", ""), "admin@alpha.example", "wrong")
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(audit().await, 2);
    for _ in 0..20 {
        let res = app
            .login(&c, &app.org("alpha", ""), "admin@alpha.example", "wrong")
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(audit().await, 2, "throttled attempts are only counted");
    let metrics = reqwest::get(app.url("127.0.0.1", "/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("callboard_sign_in_rate_limited_total 20"),
        "{metrics}"
    );
}

/// A request body that sends one chunk and then nothing, forever.
fn stalled_body() -> reqwest::Body {
    let first = futures_util::stream::once(async { Ok::<_, std::io::Error>(b"{".to_vec()) });
    reqwest::Body::wrap_stream(first.chain(futures_util::stream::pending()))
}

#[tokio::test]
async fn unknown_agents_are_refused_without_reading_the_body() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.webhook_cache_ms = 60_000).await;
    let f = fixture(&app.db.app).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let unknown = Uuid::new_v4();
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{unknown}"));
    let started = Instant::now();
    let res = http
        .post(&url)
        .header("x-retell-signature", "v=1,d=00")
        .body(stalled_body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered before the body ended"
    );

    // "No such agent" is remembered: an agent created behind this process's
    // back with that very id stays unknown until the organization is forgotten.
    let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.alpha.id))
        .await
        .unwrap();
    sqlx::query("INSERT INTO agents (organization_id, id, provider_agent_id, name) VALUES ($1, $2, 'late', 'Late')")
        .bind(f.alpha.id)
        .bind(unknown)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        http.post(&url).body("{}").send().await.unwrap().status(),
        404
    );
    app.state.forget_org(f.alpha.id);
    assert_eq!(
        http.post(&url).body("{}").send().await.unwrap().status(),
        401
    );

    // A known agent's body is read up to 16 MiB; past it, 413.
    let (_, url) = agent_for(&app, f.alpha.id).await;
    let big = vec![b' '; 16 * 1024 * 1024 + 1];
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(FakeRetell::send_signed(&url, KEY_A, &big, now).await, 413);
}

#[tokio::test]
async fn slow_requests_time_out_and_too_many_at_once_get_503() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| {
        c.request_timeout_secs = 1;
        c.max_concurrent_requests = 1;
    })
    .await;
    let f = fixture(&app.db.app).await;
    let (_, url) = agent_for(&app, f.alpha.id).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // One request whose body never finishes holds the only slot...
    let slow = {
        let (http, url) = (http.clone(), url.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let res = http
                .post(&url)
                .header("x-retell-signature", "v=1,d=00")
                .body(stalled_body())
                .send()
                .await
                .unwrap();
            (res.status(), started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // ...so another is turned away at once, and told when to come back.
    let res = http
        .get(app.url("127.0.0.1", "/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "1");
    // The slow one is cut off by the time limit, which frees the slot.
    let (status, took) = slow.await.unwrap();
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(took < Duration::from_secs(5), "{took:?}");
    let res = http
        .get(app.url("127.0.0.1", "/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn last_sign_in_ip(pool: &PgPool, org: Uuid) -> String {
    scalar::<String>(
        pool,
        org,
        "SELECT host(ip) FROM audit_log WHERE action = 'auth.sign_in' ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .await
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let db = Arc::new(TestDb::new().await);
    let plain = TestApp::spawn_with(db.clone(), |_| {}).await;
    let f = fixture(&db.app).await;
    let signed_in = |app: &TestApp| {
        let c = app.client();
        let url = format!("{}/api/auth/login", app.org("alpha", ""));
        async move {
            let res = c
                .post(url)
                .header("x-forwarded-for", "198.51.100.7")
                .form(&[("email", "admin@alpha.example"), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success() || res.status().is_redirection());
        }
    };
    // Not behind a trusted proxy: the header is the client's own claim.
    signed_in(&plain).await;
    assert_eq!(last_sign_in_ip(&db.app, f.alpha.id).await, "127.0.0.1");
    // Behind one (here: loopback): the address it forwarded.
    let proxied = TestApp::spawn_with(db.clone(), |c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    signed_in(&proxied).await;
    assert_eq!(last_sign_in_ip(&db.app, f.alpha.id).await, "198.51.100.7");
}

#[tokio::test]
async fn a_password_set_from_the_command_line_ends_other_sessions() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let orgs = |c: &reqwest::Client| c.post(app.platform("/api/platform/orgs")).send();
    assert_eq!(orgs(&root).await.unwrap().status(), StatusCode::OK);
    // What `callboard create-super-admin` does for an existing user.
    callboard::services::users::ensure_super_admin(
        &app.db.app,
        db::PlatformAccess::operator(),
        &db::audit::Actor::operator(),
        "root@callboard.localhost",
        "a brand new passphrase 42".into(),
    )
    .await
    .unwrap();
    assert_eq!(
        orgs(&root).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let again = app.client();
    let res = app
        .login(
            &again,
            &app.platform(""),
            "root@callboard.localhost",
            "a brand new passphrase 42",
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(orgs(&again).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_foreign_origin_is_refused_whatever_sec_fetch_site_says() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    let url = app.org("alpha", "/api/org/team");
    let own = app.org("alpha", "");
    let wrong_scheme = own.replacen("http://", "https://", 1);
    for (origin, site, expected) in [
        (
            "http://evil.example",
            Some("same-origin"),
            StatusCode::FORBIDDEN,
        ),
        (wrong_scheme.as_str(), None, StatusCode::FORBIDDEN),
        (
            app.org("bravo", "").leak() as &str,
            None,
            StatusCode::FORBIDDEN,
        ),
        (own.as_str(), Some("same-origin"), StatusCode::OK),
    ] {
        let mut req = admin.post(&url).header("origin", origin);
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        assert_eq!(
            req.send().await.unwrap().status(),
            expected,
            "{origin} {site:?}"
        );
    }
    // Served over https, every answer asks browsers to stay on https.
    let db = app.db.clone();
    let secure =
        TestApp::spawn_with(db, |c| c.public_url = "https://callboard.localhost".into()).await;
    let res = reqwest::get(secure.url("127.0.0.1", "/health"))
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let res = reqwest::get(app.url("127.0.0.1", "/health")).await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn a_host_that_is_one_subdomain_and_another_custom_domain_always_means_the_subdomain() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::platform(&db.app, db::PlatformAccess::operator())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE organizations SET custom_domain = 'alpha.callboard.localhost' WHERE id = $1",
    )
    .bind(f.bravo.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    for _ in 0..5 {
        let org = db::branding::by_host(&mut tx, Some("alpha"), "alpha.callboard.localhost")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(org.id, f.alpha.id);
    }
    tx.commit().await.unwrap();
}

/// Issue 18 item 14: pages and assets travel compressed; a content-hashed
/// asset is cached for a year, any other revalidated; a precompressed copy
/// (what `scripts/release` writes) is served as it is.
#[tokio::test]
async fn assets_are_compressed_and_cached_by_their_names() {
    let site = std::env::temp_dir().join(format!("callboard-site-{}", Uuid::new_v4()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let css = "body { color: #123456; margin: 0 auto; }\n".repeat(200);
    std::fs::write(pkg.join("callboard.css"), &css).unwrap();
    let hashed = "callboard.0123456789abcdef.wasm";
    std::fs::write(pkg.join(hashed), b"\0asm plain bytes of a module").unwrap();
    std::fs::write(
        pkg.join(format!("{hashed}.br")),
        b"precompressed by the release",
    )
    .unwrap();
    let root = site.to_str().unwrap().to_string();
    let db = Arc::new(TestDb::new().await);
    fixture(&db.app).await;
    let app = TestApp::spawn_with(db, |c| c.site_root = root).await;
    // No decompression in this client: the test reads what travels.
    let client = app.client();
    let get = |path: &str, encodings: &'static str| {
        let mut req = client.get(app.platform(path));
        if !encodings.is_empty() {
            req = req.header("accept-encoding", encodings);
        }
        req.send()
    };

    let res = get("/pkg/callboard.css", "gzip, br").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["cache-control"], "public, no-cache");
    assert!(res.headers().contains_key("last-modified"));
    let compressed = res.bytes().await.unwrap();
    assert!(
        compressed.len() * 10 < css.len(),
        "{} of {}",
        compressed.len(),
        css.len()
    );

    let res = get(&format!("/pkg/{hashed}"), "gzip, br").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        &res.bytes().await.unwrap()[..],
        b"precompressed by the release"
    );

    let res = get(&format!("/pkg/{hashed}"), "").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(
        &res.bytes().await.unwrap()[..],
        b"\0asm plain bytes of a module"
    );

    let res = get("/login", "gzip").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["cache-control"], "private, no-store");

    // Live updates are never held back in a compressor's buffer.
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let res = root
        .get(app.platform("/events"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert!(res.headers().get("content-encoding").is_none());
    std::fs::remove_dir_all(&site).ok();
}
