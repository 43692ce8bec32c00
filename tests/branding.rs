//! White label, end to end: each host renders its own organization's look
//! from the first byte, logos come from our own route, uploads are checked,
//! and nothing an organization's user can reach names the voice platform.

mod support;

use callboard::db::{audit::Actor, PlatformAccess};
use callboard::services::branding::{self, AssetKind};
use reqwest::StatusCode;
use support::{fixture, Fixture, TestApp};
use uuid::Uuid;

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#c2410c"/></svg>"##;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

async fn brand(app: &TestApp, org: Uuid, name: &str, primary: &str, logo: Option<&str>) {
    let (access, actor) = (PlatformAccess::operator(), Actor::operator());
    branding::set_look(&app.db.app, access, &actor, org, name, primary, "#0f766e")
        .await
        .unwrap();
    if let Some(svg) = logo {
        branding::set_asset(
            &app.db.app,
            access,
            &actor,
            org,
            AssetKind::Logo,
            svg.as_bytes(),
        )
        .await
        .unwrap();
    }
}

async fn setup(app: &TestApp) -> Fixture {
    let f = fixture(&app.db.app).await;
    brand(app, f.alpha.id, "Alpha Shuttle", "#c2410c", Some(LOGO)).await;
    brand(app, f.bravo.id, "Bravo Studio", "#6d28d9", None).await;
    f
}

async fn page(app: &TestApp, url: String) -> (StatusCode, String) {
    let res = app.client().get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn each_host_renders_its_own_look_from_the_first_byte() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;

    let (status, alpha) = page(&app, app.org("alpha", "/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        alpha.contains(r#"<style id="brand">:root{--brand:#c2410c;--brand-contrast:#ffffff;"#),
        "{alpha}"
    );
    assert!(alpha.contains(&format!("/brand/{}/logo?v=", f.alpha.id)));
    assert!(alpha.contains("Alpha Shuttle"));
    assert!(!alpha.contains("Bravo"));
    assert!(!alpha.contains("#6d28d9"));

    let (_, bravo) = page(&app, app.org("bravo", "/login")).await;
    assert!(bravo.contains(":root{--brand:#6d28d9;"));
    assert!(bravo.contains("Bravo Studio"));
    assert!(!bravo.contains("Alpha"));
    assert!(!bravo.contains("/logo?v="), "bravo has no logo");

    // The platform keeps its own neutral look; unknown hosts get a plain 404.
    let (_, root) = page(&app, app.platform("/login")).await;
    assert!(root.contains(":root{--brand:#2f5bea;"));
    assert!(!root.contains("Alpha") && !root.contains("Bravo"));
    let (status, unknown) = page(&app, app.org("nobody", "/login")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!unknown.contains("--brand"));
}

#[tokio::test]
async fn logos_come_from_our_route_with_type_etag_and_no_scripts() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let url = app.platform(&format!("/brand/{}/logo", f.alpha.id));
    let res = app.client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert!(h["cache-control"].to_str().unwrap().starts_with("public"));
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    let etag = h["etag"].to_str().unwrap().to_string();
    assert_eq!(res.text().await.unwrap(), LOGO);

    let res = app
        .client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    for missing in [
        format!("/brand/{}/favicon", f.bravo.id),
        format!("/brand/{}/logo", Uuid::new_v4()),
        format!("/brand/{}/banner", f.alpha.id),
    ] {
        let res = app
            .client()
            .get(app.platform(&missing))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

async fn upload(
    client: &reqwest::Client,
    host: &str,
    org: Uuid,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("logo"),
    );
    client
        .post(format!("{host}/console/orgs/{org}/brand/logo"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn uploads_are_checked_and_only_super_admins_may_upload() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let root = app.platform("");
    let sa = app.signed_in(&root, "root@callboard.localhost").await;

    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024 + 1, 0);
    for (bytes, code) in [
        (script.to_vec(), "unsafe_svg"),
        (big, "too_large"),
        (b"GIF89a....".to_vec(), "not_an_image"),
        (vec![], "empty"),
    ] {
        let res = upload(&sa, &root, f.bravo.id, bytes).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(
            location(&res).ends_with(&format!("?asset_error={code}#branding")),
            "{}",
            location(&res)
        );
    }
    // Nothing was stored.
    let res = app
        .client()
        .get(app.platform(&format!("/brand/{}/logo", f.bravo.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = upload(&sa, &root, f.bravo.id, PNG.to_vec()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("?asset=logo#branding"));
    let res = app
        .client()
        .get(app.platform(&format!("/brand/{}/logo", f.bravo.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    // …and bravo's pages now show it.
    let (_, bravo) = page(&app, app.org("bravo", "/login")).await;
    assert!(bravo.contains(&format!("/brand/{}/logo?v=", f.bravo.id)));

    // An organization's admin cannot upload, on any host; nobody without a session can.
    let alpha = app.org("alpha", "");
    let admin = app.signed_in(&alpha, "admin@alpha.example").await;
    let res = upload(&admin, &alpha, f.alpha.id, PNG.to_vec()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = upload(&app.client(), &root, f.alpha.id, PNG.to_vec()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .client()
        .get(app.platform(&format!("/brand/{}/logo", f.alpha.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-type"],
        "image/svg+xml",
        "alpha's logo is unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_show_on_the_next_page_even_with_a_long_cache() {
    let db = std::sync::Arc::new(support::TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.host_cache_ms = 600_000).await;
    let f = setup(&app).await;
    callboard::server::listen::spawn(app.state.clone());
    let (_, before) = page(&app, app.org("alpha", "/login")).await;
    assert!(before.contains("--brand:#c2410c"));

    // Through the console: this process forgets at once.
    let sa = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let res = sa
        .post(app.platform("/api/platform/orgs/branding/save"))
        .form(&[
            ("id", f.alpha.id.to_string()),
            ("brand_name", "Alpha Shuttle & Limo".into()),
            ("primary_color", "#FFD600".into()),
            ("secondary_color", "#0f766e".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, after) = page(&app, app.org("alpha", "/login")).await;
    // Stored in lower case; dark text on the light yellow.
    assert!(
        after.contains(":root{--brand:#ffd600;--brand-contrast:#111827;"),
        "{after}"
    );
    assert!(after.contains("Alpha Shuttle &amp; Limo") || after.contains("Alpha Shuttle & Limo"));

    // Elsewhere (another process, the CLI): the notification reaches this one.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    brand(&app, f.alpha.id, "", "#1e3a8a", None).await;
    let mut seen = false;
    for _ in 0..50 {
        let (_, html) = page(&app, app.org("alpha", "/login")).await;
        if html.contains("--brand:#1e3a8a") {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the change never reached the cached host");

    // Bad colours are named per field and change nothing.
    let res = sa
        .post(app.platform("/api/platform/orgs/branding/save"))
        .form(&[
            ("id", f.alpha.id.to_string()),
            ("brand_name", String::new()),
            ("primary_color", "red".into()),
            ("secondary_color", "#12345".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("primary_color") && body.contains("secondary_color"),
        "{body}"
    );
}

/// Every page and server-function answer an organization's user can reach,
/// and the browser bundles, are free of the voice platform's name.
#[tokio::test]
async fn nothing_an_org_user_can_reach_names_the_vendor() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    // Realistic data: a key, an agent, settings, a number and calls.
    let pool = &app.db.app;
    let scope = support::operator_scope(f.alpha.id);
    let keys = support::keyring();
    callboard::services::agents::set_api_key(pool, &keys, &scope, "key_scan_0123456789")
        .await
        .unwrap();
    let agent = callboard::services::agents::create(pool, &scope, "agent_scan", "Front desk")
        .await
        .unwrap();
    callboard::services::numbers::record(pool, &scope, "+15205550111")
        .await
        .unwrap();
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
    let mut rng = rand::thread_rng();
    let now = chrono::Utc::now().timestamp_millis();
    for _ in 0..3 {
        for event in callboard::retell::simulate::call_events("agent_scan", now, &mut rng) {
            let status =
                support::fake_retell::FakeRetell::send_event(&url, "key_scan_0123456789", &event)
                    .await;
            assert_eq!(status, 204);
        }
    }

    let host = app.org("alpha", "");
    let mut seen = Vec::new();
    for (email, pages, fns) in [
        (
            "admin@alpha.example",
            &["/", "/agents", "/settings", "/team", "/login", "/nowhere"][..],
            &[
                "auth/whoami",
                "org/home",
                "dashboard",
                "dashboard/calls",
                "agents",
                "settings",
                "numbers",
                "org/team",
            ][..],
        ),
        (
            "viewer@alpha.example",
            &["/", "/settings", "/agents"][..],
            &[
                "auth/whoami",
                "org/home",
                "dashboard",
                "dashboard/calls",
                "settings",
                "agents",
            ][..],
        ),
    ] {
        let c = app.signed_in(&host, email).await;
        for p in pages {
            let res = c.get(format!("{host}{p}")).send().await.unwrap();
            seen.push((format!("{email} GET {p}"), flatten(res).await));
        }
        for endpoint in fns {
            let res = c
                .post(format!("{host}/api/{endpoint}"))
                .send()
                .await
                .unwrap();
            seen.push((format!("{email} POST /api/{endpoint}"), flatten(res).await));
        }
        // An error answer too.
        let res = c
            .post(format!("{host}/api/agents/test-connection"))
            .send()
            .await
            .unwrap();
        seen.push((format!("{email} test-connection"), flatten(res).await));
    }
    for (what, text) in &seen {
        assert!(
            !text.to_lowercase().contains("retell"),
            "{what} names the vendor:\n{text}"
        );
    }
    assert!(seen.len() > 20);

    // The bundles every visitor downloads (built by scripts/test before the
    // Rust tests; required there).
    let pkg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site/pkg");
    let required = std::env::var("CALLBOARD_TEST_BUNDLES").is_ok_and(|v| v == "required");
    match std::fs::read_dir(&pkg) {
        Ok(entries) => {
            let mut scanned = 0;
            for entry in entries {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let lower = bytes.to_ascii_lowercase();
                assert!(
                    !lower.windows(6).any(|w| w == b"retell"),
                    "{} names the vendor",
                    path.display()
                );
                scanned += 1;
            }
            assert!(
                scanned >= 3,
                "expected the wasm, JS and CSS bundles in {}",
                pkg.display()
            );
        }
        Err(e) => assert!(!required, "no bundles at {}: {e}", pkg.display()),
    }
}

/// Status line, headers and body as one text, for scanning.
async fn flatten(res: reqwest::Response) -> String {
    let mut out = format!("{}\n", res.status());
    for (k, v) in res.headers() {
        out.push_str(&format!("{k}: {}\n", v.to_str().unwrap_or("")));
    }
    out.push_str(&res.text().await.unwrap());
    out
}

#[tokio::test]
async fn recordings_reach_the_browser_only_through_our_route() {
    let db = std::sync::Arc::new(support::TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.recording = support::recording_store::policy()).await;
    let f = setup(&app).await;
    let store = support::recording_store::RecordingStore::start(String::new()).await;
    let pool = &app.db.app;
    let scope = support::operator_scope(f.alpha.id);
    let keys = support::keyring();
    callboard::services::agents::set_api_key(pool, &keys, &scope, "key_rec_0123456789")
        .await
        .unwrap();
    let agent = callboard::services::agents::create(pool, &scope, "agent_rec", "Desk")
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let event = serde_json::json!({
        "event": "call_ended",
        "call": {
            "call_id": "call_rec_1", "agent_id": "agent_rec", "call_type": "phone_call",
            "direction": "inbound", "call_status": "ended",
            "start_timestamp": now - 60_000, "end_timestamp": now, "duration_ms": 60_000,
            "recording_url": store.url("/recordings/call_rec_1.wav"),
        }
    });
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
    assert_eq!(
        support::fake_retell::FakeRetell::send_event(&url, "key_rec_0123456789", &event).await,
        204
    );
    let mut tx = callboard::db::tx::tenant(pool, &scope.tenant)
        .await
        .unwrap();
    let call: Uuid =
        sqlx::query_scalar("SELECT id FROM calls WHERE provider_call_id = 'call_rec_1'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    drop(tx);

    let path = format!("/calls/{call}/recording");
    let alpha = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let res = alpha.get(app.org("alpha", &path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "audio/wav");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "the store's headers stay behind"
    );
    assert_eq!(
        &res.bytes().await.unwrap()[..],
        support::fake_retell::RECORDING
    );
    // Seeking: a range comes back as a range.
    let res = alpha
        .get(app.org("alpha", &path))
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&res.bytes().await.unwrap()[..], b"RIFF");

    // Another organization's member, and nobody at all, get nothing.
    let bravo = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let res = bravo.get(app.org("bravo", &path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .client()
        .get(app.org("alpha", &path))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = alpha
        .get(app.org("alpha", &format!("/calls/{}/recording", Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
