//! Two-factor sign-in through the real server: enrolment on the Account
//! page's server functions, the second step at sign-in (authenticator code,
//! recovery code, replays, the try limit and the rate limit), and super
//! admins required to enrol. PostgreSQL as the app role throughout.

mod support;

use callboard::auth::totp;
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use support::{fixture, post_json, TestApp, TestDb, PASSWORD};

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

async fn status(client: &reqwest::Client, host: &str) -> Value {
    post_json(client, &format!("{host}/api/auth/two-factor")).await
}

async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

/// Turns two-factor sign-in on for the signed-in `client`; answers the
/// secret and the recovery codes.
async fn enrol(client: &reqwest::Client, host: &str) -> (String, Vec<String>) {
    let res = post(client, &format!("{host}/api/auth/two-factor/begin"), &[]).await;
    assert!(res.status().is_success(), "begin: {}", res.status());
    let s = status(client, host).await;
    let enrolment = &s["enrolment"];
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    let secret = enrolment["secret"].as_str().unwrap().replace(' ', "");
    // A wrong code is a field message and nothing changes.
    let res = post(
        client,
        &format!("{host}/api/auth/two-factor/confirm"),
        &[("code", "000000")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = totp::code_at(&secret, now()).unwrap();
    let res = post(
        client,
        &format!("{host}/api/auth/two-factor/confirm"),
        &[("code", &code)],
    )
    .await;
    assert!(res.status().is_success(), "confirm: {}", res.status());
    let s = status(client, host).await;
    let codes: Vec<String> = serde_json::from_value(s["fresh_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(s["on_since"].is_string());
    assert_eq!(s["codes_left"], 10);
    // Shown once.
    assert_eq!(
        status(client, host).await["fresh_codes"],
        serde_json::json!([])
    );
    (secret, codes)
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn signed_in(client: &reqwest::Client, host: &str) -> bool {
    !post_json(client, &format!("{host}/api/auth/whoami")).await["viewer"].is_null()
}

/// Waits for the next 30-second step, so a fresh code differs from the last.
async fn next_step() {
    let left = 30 - now() % 30;
    tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
}

#[tokio::test]
async fn a_member_enrols_then_signs_in_with_a_code_or_a_recovery_code_each_once() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.subdomain, "");
    let client = app.signed_in(&host, "admin@alpha.example").await;
    let (secret, codes) = enrol(&client, &host).await;

    // The secret is sealed at rest: its text is nowhere in the row.
    let row: (Vec<u8>,) = sqlx::query_as("SELECT secret_sealed FROM user_totp WHERE user_id = $1")
        .bind(f.alpha_admin)
        .fetch_one(&app.db.super_pool().await)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&row.0).contains(&secret));

    // The password alone no longer signs in: a code comes next.
    let c = app.client();
    let res = app.login(&c, &host, "admin@alpha.example", PASSWORD).await;
    assert_eq!(location(&res), "/login/code");
    assert!(!signed_in(&c, &host).await);
    assert!(post_json(&c, &format!("{host}/api/auth/login/pending")).await == true);
    let res = post(
        &c,
        &format!("{host}/api/auth/login/code"),
        &[("code", "123456")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The enrolment used this step's code: wait for a fresh one.
    next_step().await;
    let code = totp::code_at(&secret, now()).unwrap();
    let res = post(
        &c,
        &format!("{host}/api/auth/login/code"),
        &[("code", &code)],
    )
    .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    assert!(signed_in(&c, &host).await);

    // The same code again, in another sign-in, is refused (good once).
    let c2 = app.client();
    app.login(&c2, &host, "admin@alpha.example", PASSWORD).await;
    let res = post(
        &c2,
        &format!("{host}/api/auth/login/code"),
        &[("code", &code)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!signed_in(&c2, &host).await);
    // A recovery code, typed loosely, works once.
    let loose = codes[3].to_uppercase().replace('-', " ");
    let res = post(
        &c2,
        &format!("{host}/api/auth/login/code"),
        &[("code", &loose)],
    )
    .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    assert!(signed_in(&c2, &host).await);
    let c3 = app.client();
    app.login(&c3, &host, "admin@alpha.example", PASSWORD).await;
    let res = post(
        &c3,
        &format!("{host}/api/auth/login/code"),
        &[("code", &codes[3])],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status(&c2, &host).await["codes_left"], 9);

    // Five wrong answers end the attempt: even a right code needs the
    // password again.
    for _ in 0..4 {
        post(
            &c3,
            &format!("{host}/api/auth/login/code"),
            &[("code", "999999")],
        )
        .await;
    }
    let res = post(
        &c3,
        &format!("{host}/api/auth/login/code"),
        &[("code", &codes[5])],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the attempt is over");
    assert!(!signed_in(&c3, &host).await);
    let entries: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed'
            AND metadata->>'reason' = 'wrong_code'",
    )
    .fetch_one(&app.db.super_pool().await)
    .await
    .unwrap();
    assert!(entries >= 6, "{entries}");

    // Turning it off asks for the password; then the password alone signs in.
    let res = post(
        &c2,
        &format!("{host}/api/auth/two-factor/off"),
        &[("password", "wrong one")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        &c2,
        &format!("{host}/api/auth/two-factor/off"),
        &[("password", PASSWORD)],
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let c4 = app.client();
    let res = app.login(&c4, &host, "admin@alpha.example", PASSWORD).await;
    assert_eq!(location(&res), "/");
    app.stop();
}

#[tokio::test]
async fn the_second_step_is_rate_limited_like_sign_in() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.sign_in_per_account_per_minute = 4).await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.subdomain, "");
    let client = app.signed_in(&host, "viewer@alpha.example").await;
    let (_secret, codes) = enrol(&client, &host).await;
    let c = app.client();
    app.login(&c, &host, "viewer@alpha.example", PASSWORD).await;
    let mut limited = false;
    for _ in 0..6 {
        let res = post(
            &c,
            &format!("{host}/api/auth/login/code"),
            &[("code", "111111")],
        )
        .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "the second step was never limited");
    // Limited, not locked out for good: it says so rather than checking.
    let res = post(
        &c,
        &format!("{host}/api/auth/login/code"),
        &[("code", &codes[0])],
    )
    .await;
    assert_ne!(res.status(), StatusCode::OK);
    app.stop();
}

#[tokio::test]
async fn a_super_admin_must_enrol_before_using_the_console_when_required() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.require_2fa_for_super_admins = true).await;
    let f = fixture(&app.db.app).await;
    let host = app.platform("");
    let c = app.client();
    let res = app
        .login(&c, &host, "root@callboard.localhost", PASSWORD)
        .await;
    assert_eq!(location(&res), "/account");
    let who = post_json(&c, &format!("{host}/api/auth/whoami")).await;
    assert_eq!(who["viewer"]["must_enrol"], true);
    // The console refuses until then, and so does viewing as an organization.
    let res = c
        .post(format!("{host}/api/platform/orgs"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(status(&c, &host).await["required"], true);
    let (secret, _codes) = enrol(&c, &host).await;
    let res = c
        .post(format!("{host}/api/platform/orgs"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    // Required: it cannot be turned off.
    let res = post(
        &c,
        &format!("{host}/api/auth/two-factor/off"),
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The next sign-in asks for a code.
    let c2 = app.client();
    let res = app
        .login(&c2, &host, "root@callboard.localhost", PASSWORD)
        .await;
    assert_eq!(location(&res), "/login/code");
    next_step().await;
    let code = totp::code_at(&secret, now()).unwrap();
    post(
        &c2,
        &format!("{host}/api/auth/login/code"),
        &[("code", &code)],
    )
    .await;
    let res = c2
        .post(format!("{host}/api/platform/orgs"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let _ = f;
    app.stop();
}

#[tokio::test]
async fn two_factor_tables_are_out_of_every_tenants_reach() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    for table in ["user_totp", "user_recovery_codes"] {
        let ctx = callboard::db::TenantCtx::user(f.alpha.id, f.alpha_admin);
        let mut tx = callboard::db::tx::tenant(&db.app, &ctx).await.unwrap();
        let read = sqlx::query(&format!("SELECT count(*) FROM {table}"))
            .execute(&mut *tx)
            .await;
        assert!(read.is_err(), "a tenant transaction read {table}");
    }
}
