//! Sign-in, sessions and request hygiene, through the real HTTP stack.

mod support;

use reqwest::StatusCode;
use std::sync::Arc;
use support::{fixture, session_cookie, TestApp, TestDb, PASSWORD};

async fn whoami(_app: &TestApp, client: &reqwest::Client, url: &str) -> serde_json::Value {
    let res = client
        .post(format!("{url}/api/auth/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn signed_in(who: &serde_json::Value) -> bool {
    !who["viewer"].is_null()
}

#[tokio::test]
async fn members_sign_in_on_their_own_host_only() {
    let app = TestApp::spawn().await;
    let _f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let bravo = app.org("bravo", "");

    let c = app.client();
    let res = app.login(&c, &alpha, "admin@alpha.example", PASSWORD).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let who = whoami(&app, &c, &alpha).await;
    assert_eq!(who["viewer"]["email"], "admin@alpha.example");
    assert_eq!(who["viewer"]["role"], "admin");
    assert_eq!(who["site"]["Org"]["slug"], "alpha");

    // Alpha's admin is not a member of bravo: refused with the generic answer.
    let c2 = app.client();
    let res = app
        .login(&c2, &bravo, "admin@alpha.example", PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(!signed_in(&whoami(&app, &c2, &bravo).await));

    assert!(
        session_cookie(&res).is_none(),
        "a failed sign-in sets no session"
    );

    // The session cookie is host-only, and a session replayed on another
    // organization's host is not valid there.
    let c3 = app.client();
    let res = app
        .login(&c3, &alpha, "admin@alpha.example", PASSWORD)
        .await;
    let id = session_cookie(&res).expect("session cookie");
    let set_cookie = res
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        set_cookie.contains("httponly") && set_cookie.contains("samesite=lax"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("domain="),
        "cookies must be host-only: {set_cookie}"
    );
    let plain = app.client();
    let res = plain
        .post(format!("{bravo}/api/org/home"))
        .header("cookie", format!("cb_session={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_look_identical() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let a = app
        .login(&app.client(), &alpha, "nobody@alpha.example", PASSWORD)
        .await;
    let (sa, ba) = (a.status(), a.text().await.unwrap());
    let b = app
        .login(
            &app.client(),
            &alpha,
            "admin@alpha.example",
            "wrong password!",
        )
        .await;
    let (sb, bb) = (b.status(), b.text().await.unwrap());
    assert_eq!(sa, StatusCode::UNAUTHORIZED);
    assert_eq!((sa, &ba), (sb, &bb));
    assert!(ba.contains("InvalidCredentials"), "{ba}");
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_old_ids_die() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let c = app.client();
    let first =
        session_cookie(&app.login(&c, &alpha, "admin@alpha.example", PASSWORD).await).unwrap();
    let second =
        session_cookie(&app.login(&c, &alpha, "admin@alpha.example", PASSWORD).await).unwrap();
    assert_ne!(first, second, "signing in must issue a new session id");
    // The old id is no longer a session.
    let res = app
        .client()
        .post(format!("{alpha}/api/org/home"))
        .header("cookie", format!("cb_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The new one is.
    let res = app
        .client()
        .post(format!("{alpha}/api/org/home"))
        .header("cookie", format!("cb_session={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn sign_out_deletes_the_server_side_session() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let c = app.client();
    let id = session_cookie(&app.login(&c, &alpha, "admin@alpha.example", PASSWORD).await).unwrap();
    let stored = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tower_sessions.session WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.db.app)
            .await
            .unwrap()
    };
    assert_eq!(stored().await, 1);
    let res = c
        .post(format!("{alpha}/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(stored().await, 0);
    assert!(!signed_in(&whoami(&app, &c, &alpha).await));
    let res = app
        .client()
        .post(format!("{alpha}/api/org/home"))
        .header("cookie", format!("cb_session={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_survive_a_server_restart() {
    let db = Arc::new(TestDb::new().await);
    fixture(&db.app).await;
    let first = TestApp::spawn_with(db.clone(), |_| {}).await;
    let c = first.client();
    let id = session_cookie(
        &first
            .login(&c, &first.org("alpha", ""), "admin@alpha.example", PASSWORD)
            .await,
    )
    .unwrap();
    first.stop();
    let second = TestApp::spawn_with(db, |_| {}).await;
    let res = second
        .client()
        .post(second.org("alpha", "/api/org/home"))
        .header("cookie", format!("cb_session={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn suspended_organizations_are_locked_out() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let c = app.client();
    app.login(&c, &alpha, "admin@alpha.example", PASSWORD).await;
    assert_eq!(
        c.post(format!("{alpha}/api/org/home"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let mut tx =
        callboard::db::tx::platform(&app.db.app, callboard::db::PlatformAccess::operator())
            .await
            .unwrap();
    callboard::db::orgs::set_status(&mut tx, f.alpha.id, callboard::domain::OrgStatus::Suspended)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The existing session stops working...
    assert_eq!(
        c.post(format!("{alpha}/api/org/home"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // ...and nobody can sign in, with a message that says why.
    let res = app
        .login(&app.client(), &alpha, "viewer@alpha.example", PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("suspended"));
    // A wrong password still says only "incorrect" (no hint that the org exists and is suspended).
    let res = app
        .login(
            &app.client(),
            &alpha,
            "viewer@alpha.example",
            "not the password",
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Bravo is unaffected.
    let res = app
        .login(
            &app.client(),
            &app.org("bravo", ""),
            "admin@bravo.example",
            PASSWORD,
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[tokio::test]
async fn disabled_users_and_non_admins_on_the_platform_are_refused() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let root = app.platform("");
    // An org member is not a super admin.
    let res = app
        .login(&app.client(), &root, "admin@alpha.example", PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The super admin is.
    let c = app.client();
    let res = app
        .login(&c, &root, "root@callboard.localhost", PASSWORD)
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(
        whoami(&app, &c, &root).await["viewer"]["is_super_admin"],
        true
    );
    // Disabling a user ends their access immediately.
    let m = app.client();
    app.login(&m, &app.org("alpha", ""), "viewer@alpha.example", PASSWORD)
        .await;
    let mut tx =
        callboard::db::tx::platform(&app.db.app, callboard::db::PlatformAccess::operator())
            .await
            .unwrap();
    callboard::db::users::set_disabled(&mut tx, f.alpha_viewer, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let res = m
        .post(app.org("alpha", "/api/org/home"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .login(
            &app.client(),
            &app.org("alpha", ""),
            "viewer@alpha.example",
            PASSWORD,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_and_per_ip() {
    let db = Arc::new(TestDb::new().await);
    fixture(&db.app).await;
    let app = TestApp::spawn_with(db, |c| {
        c.sign_in_per_account_per_minute = 3;
        c.sign_in_per_ip_per_minute = 5;
    })
    .await;
    let alpha = app.org("alpha", "");
    for _ in 0..3 {
        let res = app
            .login(
                &app.client(),
                &alpha,
                "admin@alpha.example",
                "wrong password!",
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .login(&app.client(), &alpha, "admin@alpha.example", PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("RateLimited"));
    // Two more accounts use up the IP's budget of five.
    app.login(&app.client(), &alpha, "viewer@alpha.example", PASSWORD)
        .await;
    let res = app
        .login(&app.client(), &alpha, "shared@both.example", PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sign_ins_and_failures_are_audited() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    app.login(&app.client(), &alpha, "admin@alpha.example", PASSWORD)
        .await;
    app.login(
        &app.client(),
        &alpha,
        "admin@alpha.example",
        "wrong password!",
    )
    .await;
    let mut tx = callboard::db::tx::tenant(
        &app.db.app,
        &callboard::db::TenantCtx::user(f.alpha.id, f.alpha_admin),
    )
    .await
    .unwrap();
    let rows: Vec<(String, serde_json::Value, Option<String>)> = sqlx::query_as(
        "SELECT action, metadata, host(ip) FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "auth.sign_in");
    assert_eq!(rows[1].0, "auth.sign_in_failed");
    assert_eq!(rows[1].1["reason"], "wrong_password");
    assert_eq!(rows[0].2.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let post = |headers: Vec<(&'static str, String)>| {
        let c = app.client();
        let url = format!("{alpha}/api/auth/login");
        async move {
            let mut req = c
                .post(url)
                .form(&[("email", "admin@alpha.example"), ("password", PASSWORD)]);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            req.send().await.unwrap().status()
        }
    };
    assert_eq!(
        post(vec![("origin", "https://evil.example".into())]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(vec![("sec-fetch-site", "cross-site".into())]).await,
        StatusCode::FORBIDDEN
    );
    // A sibling subdomain (another organization) is "same-site" but not same-origin.
    assert_eq!(
        post(vec![("sec-fetch-site", "same-site".into())]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(vec![("origin", app.org("bravo", ""))]).await,
        StatusCode::FORBIDDEN
    );
    // Positive controls.
    let ok = post(vec![("sec-fetch-site", "same-origin".into())]).await;
    assert!(ok.is_success() || ok.is_redirection(), "{ok}");
    let ok = post(vec![("origin", alpha.clone())]).await;
    assert!(ok.is_success() || ok.is_redirection(), "{ok}");
}

#[tokio::test]
async fn hosts_are_matched_exactly() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let c = app.client();
    let res = c.get(app.org("nosuchorg", "/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Styled: its own policy lets its inline style apply, and nothing else.
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("style-src 'unsafe-inline'"), "{csp}");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let page = res.text().await.unwrap();
    assert!(page.contains("<style>") && page.contains("There is no site at this address."));
    let res = c
        .get(app.url("deep.alpha.callboard.localhost", "/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = c
        .get(app.url("evil.example", "/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = c.get(app.org("alpha", "/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Org alpha"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_are_not_cached() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let res = app
        .client()
        .get(app.org("alpha", "/login"))
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(h["cache-control"], "private, no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("x-request-id"));
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration scripts carry the CSP nonce"
    );
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("127.0.0.1", "/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));

    // A pool pointing at a closed port: 503, quickly.
    let config = support::test_config(1);
    let dead =
        callboard::db::connect_lazy("postgresql://callboard_app@127.0.0.1:1/none", 1).unwrap();
    let state = callboard::state::AppState::with_pool(config, dead);
    let router = callboard::server::router::build(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let started = std::time::Instant::now();
    let res = reqwest::get(format!("http://{addr}/health")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
