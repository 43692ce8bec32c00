//! Agent Settings, phone numbers and the inbound-call webhook, end to end:
//! the real router, a real database as the app role, requests signed like
//! the platform's.

mod support;

use support::{keyring, operator_scope as scope};

use callboard::db::{self, TenantCtx};
use callboard::domain::hours;
use callboard::domain::{SettingsForm, DEFAULT_WELCOME};
use callboard::services::{agents, settings};
use reqwest::StatusCode;
use serde_json::Value;
use support::fake_retell::FakeRetell;
use support::{fixture, post_json, Fixture, TestApp};

const KEY_A: &str = "key_alpha_0123456789abcdef";
const KEY_B: &str = "key_bravo_fedcba9876543210";
const NUMBER_A: &str = "+15205550001";
const NUMBER_B: &str = "+493055500002";

fn alpha_form() -> SettingsForm {
    SettingsForm {
        company_name: "Alpha Shuttle".into(),
        operator_name: "Ana".into(),
        timezone: "America/Phoenix".into(),
        welcome_message: "Welcome to {{company_name}}!".into(),
        business_hours_start: "6".into(),
        business_hours_end: "22".into(),
        transfer_enabled: Some("on".into()),
        forwarding_mode: "after_hours".into(),
        office_phone: "+15205550100".into(),
        carrier: "twilio".into(),
        ..SettingsForm::default()
    }
}

fn bravo_form() -> SettingsForm {
    SettingsForm {
        company_name: "Bravo Cars".into(),
        timezone: "Europe/Berlin".into(),
        business_hours_start: "22".into(),
        business_hours_end: "6".into(),
        transfer_enabled: None,
        forwarding_mode: "always".into(),
        carrier: "telnyx".into(),
        ..SettingsForm::default()
    }
}

/// Keys, settings and one number for each of the two fixture organizations.
async fn setup(app: &TestApp) -> Fixture {
    let pool = &app.db.app;
    let f = fixture(pool).await;
    for (org, key, form, number) in [
        (f.alpha.id, KEY_A, alpha_form(), NUMBER_A),
        (f.bravo.id, KEY_B, bravo_form(), NUMBER_B),
    ] {
        agents::set_api_key(pool, &keyring(), &scope(org), key)
            .await
            .unwrap();
        settings::save(pool, &scope(org), &form).await.unwrap();
        callboard::services::numbers::record(pool, &scope(org), number)
            .await
            .unwrap();
    }
    f
}

/// The platform (the fake) asks about a call to `to`, signed with `key` at `at_ms`.
async fn ring_signed(app: &TestApp, to: &str, key: Option<&str>, at_ms: i64) -> reqwest::Response {
    FakeRetell::ring(&app.url("127.0.0.1", "/webhooks/inbound"), key, to, at_ms).await
}

async fn ring(app: &TestApp, to: &str, key: Option<&str>) -> reqwest::Response {
    ring_signed(app, to, key, chrono::Utc::now().timestamp_millis()).await
}

fn vars(answer: &Value) -> &serde_json::Map<String, Value> {
    answer["call_inbound"]["dynamic_variables"]
        .as_object()
        .expect("dynamic_variables")
}

fn assert_all_strings(answer: &Value) {
    let v = vars(answer);
    for name in [
        "company_name",
        "welcome_message",
        "business_hours",
        "business_hours_start",
        "business_hours_end",
        "timezone",
        "is_business_hours",
        "after_hours_message",
        "transfer_enabled",
        "office_phone",
        "tenant_id",
        "user_id",
    ] {
        assert!(v.contains_key(name), "{name} missing: {answer}");
    }
    for (k, value) in v {
        assert!(value.is_string(), "{k} is not a string: {value}");
    }
}

/// `is_business_hours` for a timezone and hours, unless the hour turned
/// while the request was in flight.
fn expected_open(
    tz: &str,
    start: u8,
    end: u8,
    before: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let tz = callboard::domain::time::timezone(tz).unwrap();
    let a = hours::is_open(tz, start, end, before);
    let b = hours::is_open(tz, start, end, chrono::Utc::now());
    (a == b).then(|| a.to_string())
}

#[tokio::test]
async fn each_number_answers_with_its_own_organization() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;

    let before = chrono::Utc::now();
    let res = ring(&app, NUMBER_A, Some(KEY_A)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let a: Value = res.json().await.unwrap();
    assert_all_strings(&a);
    let v = vars(&a);
    assert_eq!(v["company_name"], "Alpha Shuttle");
    assert_eq!(v["welcome_message"], "Welcome to Alpha Shuttle!");
    assert_eq!(v["business_hours"], "6 AM to 10 PM");
    assert_eq!(v["business_hours_start"], "6");
    assert_eq!(v["business_hours_end"], "22");
    assert_eq!(v["timezone"], "America/Phoenix");
    assert_eq!(v["transfer_enabled"], "true");
    assert_eq!(v["office_phone"], "+15205550100");
    assert_eq!(v["tenant_id"], f.alpha.id.to_string());
    assert_eq!(
        a["call_inbound"]["metadata"]["tenant_id"],
        f.alpha.id.to_string()
    );
    assert!(v["after_hours_message"]
        .as_str()
        .unwrap()
        .contains("Alpha Shuttle"));
    if let Some(open) = expected_open("America/Phoenix", 6, 22, before) {
        assert_eq!(v["is_business_hours"], open.as_str());
    }

    let before = chrono::Utc::now();
    let res = ring(&app, NUMBER_B, Some(KEY_B)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let b: Value = res.json().await.unwrap();
    assert_all_strings(&b);
    let v = vars(&b);
    assert_eq!(v["company_name"], "Bravo Cars");
    // An empty welcome message means the default, with the name filled in.
    assert_eq!(
        v["welcome_message"],
        DEFAULT_WELCOME.replace("{{company_name}}", "Bravo Cars")
    );
    assert_eq!(v["business_hours"], "10 PM to 6 AM");
    assert_eq!(v["timezone"], "Europe/Berlin");
    assert_eq!(v["transfer_enabled"], "false");
    assert_eq!(v["office_phone"], "");
    assert_eq!(v["tenant_id"], f.bravo.id.to_string());
    if let Some(open) = expected_open("Europe/Berlin", 22, 6, before) {
        assert_eq!(v["is_business_hours"], open.as_str());
    }

    // The first correctly signed call marks each number connected.
    for org in [f.alpha.id, f.bravo.id] {
        let numbers = callboard::services::numbers::list(&app.db.app, &scope(org))
            .await
            .unwrap();
        assert_eq!(
            numbers[0].status,
            callboard::domain::NumberStatus::Connected
        );
        assert!(numbers[0].last_inbound_at.is_some());
    }
}

#[tokio::test]
async fn unknown_numbers_get_the_generic_answer() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    // Nobody owns this number, so there is no key to check a signature with.
    let res = ring(&app, "+19995550000", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.unwrap();
    assert_all_strings(&answer);
    let v = vars(&answer);
    assert_eq!(v["tenant_id"], "");
    assert_eq!(v["company_name"], "");
    assert_eq!(
        v["welcome_message"],
        callboard::inbound::answer::FALLBACK_WELCOME
    );
    assert!(answer["call_inbound"].get("metadata").is_none());
    let text = answer.to_string();
    assert!(!text.contains("Alpha") && !text.contains("Bravo"), "{text}");
}

#[tokio::test]
async fn without_a_valid_signature_a_clients_number_looks_like_anyone_elses() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let stranger = ring(&app, "+19995550000", None).await;
    assert_eq!(stranger.status(), StatusCode::OK);
    let stranger = stranger.text().await.unwrap();
    let stale = chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000;
    // Alpha's number signed with bravo's key, unsigned, and signed too long ago.
    for res in [
        ring(&app, NUMBER_A, Some(KEY_B)).await,
        ring(&app, NUMBER_A, None).await,
        ring_signed(&app, NUMBER_A, Some(KEY_A), stale).await,
    ] {
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.text().await.unwrap(),
            stranger,
            "the same generic answer"
        );
    }
    let res = reqwest::Client::new()
        .post(app.url("127.0.0.1", "/webhooks/inbound"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // None of that counts as a call on the number.
    let numbers = callboard::services::numbers::list(&app.db.app, &scope(f.alpha.id))
        .await
        .unwrap();
    assert_eq!(numbers[0].status, callboard::domain::NumberStatus::Pending);
    // The metrics count each outcome.
    let metrics = reqwest::get(app.url("127.0.0.1", "/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for outcome in [
        "rejected_signature",
        "rejected_missing",
        "rejected_stale",
        "malformed",
    ] {
        assert!(
            metrics.contains(&format!(
                "callboard_inbound_calls_total{{outcome=\"{outcome}\"}} 1"
            )),
            "{outcome}: {metrics}"
        );
    }
}

#[tokio::test]
async fn before_the_first_save_the_defaults_speak_for_the_organization() {
    let app = TestApp::spawn().await;
    let pool = &app.db.app;
    let f = fixture(pool).await;
    agents::set_api_key(pool, &keyring(), &scope(f.alpha.id), KEY_A)
        .await
        .unwrap();
    callboard::services::numbers::record(pool, &scope(f.alpha.id), NUMBER_A)
        .await
        .unwrap();
    let answer: Value = ring(&app, NUMBER_A, Some(KEY_A))
        .await
        .json()
        .await
        .unwrap();
    assert_all_strings(&answer);
    let v = vars(&answer);
    assert_eq!(v["company_name"], "Org alpha");
    assert_eq!(v["timezone"], "America/Phoenix");
    assert_eq!(v["business_hours"], "6 AM to 10 PM");
    assert_eq!(
        v["welcome_message"],
        "Thank you for calling Org alpha. How can I help you today?"
    );
}

#[tokio::test]
async fn suspended_organizations_get_the_generic_answer() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let mut tx = db::tx::platform(&app.db.app, db::PlatformAccess::operator())
        .await
        .unwrap();
    let n = sqlx::query("UPDATE organizations SET status = 'suspended' WHERE id = $1")
        .bind(f.alpha.id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
    tx.commit().await.unwrap();
    let res = ring(&app, NUMBER_A, Some(KEY_A)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(vars(&answer)["tenant_id"], "");
}

/// With a long cache, a change saved elsewhere (another server process, or
/// the CLI) reaches this server through the `config` notification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_every_process_through_notifications() {
    let db = std::sync::Arc::new(support::TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.webhook_cache_ms = 600_000).await;
    let f = setup(&app).await;
    callboard::server::listen::spawn(app.state.clone());

    let company = |answer: Value| vars(&answer)["company_name"].as_str().unwrap().to_string();
    let first = ring(&app, NUMBER_A, Some(KEY_A))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(company(first), "Alpha Shuttle");
    // Give the listener a moment to subscribe before the change.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let renamed = SettingsForm {
        company_name: "Alpha Shuttle & Limo".into(),
        ..alpha_form()
    };
    settings::save(&app.db.app, &scope(f.alpha.id), &renamed)
        .await
        .unwrap();
    let mut seen = String::new();
    for _ in 0..50 {
        seen = company(
            ring(&app, NUMBER_A, Some(KEY_A))
                .await
                .json()
                .await
                .unwrap(),
        );
        if seen == "Alpha Shuttle & Limo" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, "Alpha Shuttle & Limo");
}

fn form_fields(form: &[(&str, &str)]) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
        .collect()
}

#[tokio::test]
async fn admins_save_settings_and_viewers_only_read_them() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;

    // Before the first save: defaults, with the admin's email pre-filled.
    let page: Value = post_json(&admin, &format!("{alpha}/api/settings")).await;
    assert_eq!(page["saved"], false);
    assert_eq!(page["can_edit"], true);
    assert_eq!(page["settings"]["company_name"], "Org alpha");
    assert_eq!(page["settings"]["operator_email"], "admin@alpha.example");
    assert!(page["timezones"].as_array().unwrap().len() > 300);

    let good = [
        ("company_name", "Alpha Shuttle"),
        ("operator_name", "Ana"),
        ("operator_phone", "+1 520 555 0111"),
        ("operator_email", "ana@alpha.example"),
        ("timezone", "America/Denver"),
        ("welcome_message", "Hi from {{company_name}}"),
        ("after_hours_message", "We are closed."),
        ("business_hours_start", "7"),
        ("business_hours_end", "19"),
        ("transfer_enabled", "on"),
        ("forwarding_mode", "overflow"),
        ("office_phone", "+15205550100"),
        ("carrier", "other"),
    ];
    let res = admin
        .post(format!("{alpha}/api/settings/save"))
        .form(&form_fields(&good))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let page: Value = post_json(&admin, &format!("{alpha}/api/settings")).await;
    let s = &page["settings"];
    assert_eq!(page["saved"], true);
    assert_eq!(s["company_name"], "Alpha Shuttle");
    assert_eq!(s["operator_phone"], "+15205550111");
    assert_eq!(s["timezone"], "America/Denver");
    assert_eq!(s["business_hours_start"], 7);
    assert_eq!(s["business_hours_end"], 19);
    assert_eq!(s["forwarding_mode"], "overflow");
    assert_eq!(s["carrier"], "other");
    assert_eq!(s["transfer_enabled"], true);

    // Mistakes are named per field, and nothing is stored.
    let bad = [
        ("company_name", ""),
        ("timezone", "Mars/Base"),
        ("business_hours_start", "7"),
        ("business_hours_end", "19"),
        ("forwarding_mode", "after_hours"),
        ("office_phone", "555-0100"),
        ("carrier", "twilio"),
    ];
    let res = admin
        .post(format!("{alpha}/api/settings/save"))
        .form(&form_fields(&bad))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err = res.text().await.unwrap();
    for field in ["company_name", "timezone", "office_phone"] {
        assert!(
            err.contains(&format!("\"field\":\"{field}\"")),
            "{field}: {err}"
        );
    }

    // A viewer reads the page but cannot save.
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let page: Value = post_json(&viewer, &format!("{alpha}/api/settings")).await;
    assert_eq!(page["can_edit"], false);
    assert_eq!(page["settings"]["company_name"], "Alpha Shuttle");
    let res = viewer
        .post(format!("{alpha}/api/settings/save"))
        .form(&form_fields(&[
            ("company_name", "Hijacked"),
            ("timezone", "UTC"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Bravo's admin sees bravo's (unsaved) settings, never alpha's.
    let bravo = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let page: Value = post_json(&bravo, &app.org("bravo", "/api/settings")).await;
    assert_eq!(page["settings"]["company_name"], "Org bravo");

    // The save is in alpha's activity log; the failed ones are not.
    let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::user(f.alpha.id, f.alpha_admin))
        .await
        .unwrap();
    let saves: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE organization_id = $1 AND action = 'agent_settings.save'",
    )
    .bind(f.alpha.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(saves, 1);
}

#[tokio::test]
async fn a_dialled_number_is_found_whatever_its_spacing() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    for typed in ["+1 520 555 0001", "+1 (520) 555-0001", " +15205550001 "] {
        let res = ring(&app, typed, Some(KEY_A)).await;
        assert_eq!(res.status(), StatusCode::OK, "{typed}");
        let answer: Value = res.json().await.unwrap();
        assert_eq!(
            vars(&answer)["tenant_id"],
            f.alpha.id.to_string(),
            "{typed}"
        );
    }
    // Not a phone number at all: the generic answer, without a lookup.
    let res = ring(&app, &"9".repeat(5000), Some(KEY_A)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(vars(&answer)["tenant_id"], "");
}
