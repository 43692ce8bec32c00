//! The `check_reservation` tool, end to end: the real route, a real
//! database as the app role, tool calls signed as the platform signs them.
//! The organization comes from the signed call, never from the arguments.

mod support;

use callboard::db::{self, TenantCtx};
use callboard::domain::tool_import::Kind;
use callboard::domain::SettingsForm;
use callboard::services::tool_import::{self, Mode};
use callboard::services::{agents, numbers, settings};
use serde_json::{json, Value};
use support::{fixture, keyring, operator_scope as scope, Fixture, TestApp};

const KEY_A: &str = "key_alpha_0123456789abcdef";
const KEY_B: &str = "key_bravo_fedcba9876543210";
const NUMBER_A: &str = "+15205550001";
const NUMBER_B: &str = "+493055500002";
const CALLER: &str = "+15555550101";

/// Both organizations hold reservation DS-4411, with different passengers
/// and drivers. Alpha is open around the clock and transfers; bravo does
/// not transfer and last imported two days ago (stale).
async fn setup(app: &TestApp) -> Fixture {
    let pool = &app.db.app;
    let f = fixture(pool).await;
    let soon = chrono::Utc::now() + chrono::Duration::hours(3);
    for (org, key, number, passenger, driver, phone, transfer) in [
        (
            f.alpha.id,
            KEY_A,
            NUMBER_A,
            "Ana Alpha",
            "Sam Ortiz",
            "+15555550177",
            true,
        ),
        (
            f.bravo.id,
            KEY_B,
            NUMBER_B,
            "Bea Bravo",
            "Udo Brandt",
            "+15555550188",
            false,
        ),
    ] {
        agents::set_api_key(pool, &keyring(), &scope(org), key)
            .await
            .unwrap();
        let form = SettingsForm {
            company_name: "Desert Shuttle".into(),
            timezone: "America/Phoenix".into(),
            business_hours_start: "0".into(),
            business_hours_end: "0".into(),
            transfer_enabled: transfer.then(|| "on".to_string()),
            forwarding_mode: "always".into(),
            carrier: "twilio".into(),
            ..SettingsForm::default()
        };
        settings::save(pool, &scope(org), &form).await.unwrap();
        numbers::record(pool, &scope(org), number).await.unwrap();
        // Imported as an organization's admin would, through the CSV import.
        let reservations = format!(
            "confirmation_number,pickup_at,passenger_name,passenger_phone,pickup_address,dropoff_address,status,driver_name\n\
             DS-4411,{},{passenger},{CALLER},12 Saguaro Way,Sky Harbor Terminal 4,confirmed,{driver}\n",
            soon.to_rfc3339()
        );
        let drivers = format!("name,phone,active\n{driver},{phone},yes\n");
        for (kind, file) in [(Kind::Reservations, reservations), (Kind::Drivers, drivers)] {
            let imported = tool_import::import(
                pool,
                &scope(org),
                kind,
                Mode::Replace,
                "t.csv",
                file.as_bytes(),
            )
            .await;
            assert!(imported.is_ok(), "{kind:?}");
        }
        if org == f.bravo.id {
            // Bravo's last import is two days old: stale.
            let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
                .await
                .unwrap();
            sqlx::query("UPDATE tool_data_imports SET created_at = now() - interval '2 days'")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    }
    f
}

fn tool_call(to: &str, args: Value) -> Value {
    json!({
        "name": "check_reservation",
        "args": args,
        "call": {"call_id": "call_tool_1", "agent_id": "agent_shared", "call_type": "phone_call",
                 "direction": "inbound", "from_number": CALLER, "to_number": to,
                 "call_status": "ongoing"}
    })
}

/// Posts `body` signed with `key` (or unsigned) at `at_ms`.
async fn send(app: &TestApp, body: &Value, key: Option<&str>, at_ms: i64) -> (u16, String) {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut req = reqwest::Client::new()
        .post(app.url("127.0.0.1", "/tools/check-reservation"))
        .header("content-type", "application/json");
    if let Some(key) = key {
        req = req.header(
            "x-retell-signature",
            callboard::retell::signature::sign(key, &bytes, at_ms),
        );
    }
    let res = req.body(bytes).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn ask(app: &TestApp, body: &Value, key: &str) -> (u16, String) {
    send(app, body, Some(key), chrono::Utc::now().timestamp_millis()).await
}

#[tokio::test]
async fn each_call_gets_its_own_organizations_reservation_whatever_the_arguments_say() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let (s, a) = ask(
        &app,
        &tool_call(NUMBER_A, json!({"confirmation_number": "ds 4411"})),
        KEY_A,
    )
    .await;
    assert_eq!(s, 200, "{a}");
    assert!(a.contains("Ana Alpha") && !a.contains("Bea Bravo"), "{a}");
    assert!(
        a.contains("+15555550177"),
        "alpha transfers and is open: {a}"
    );
    assert!(!a.contains("Note:"), "alpha imported just now: {a}");
    let (s, b) = ask(
        &app,
        &tool_call(NUMBER_B, json!({"confirmation_number": "DS-4411"})),
        KEY_B,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(b.contains("Bea Bravo") && !b.contains("Ana Alpha"), "{b}");
    assert!(!b.contains("+15555550188"), "bravo does not transfer: {b}");
    assert!(
        b.contains("not been updated recently"),
        "bravo's import is old: {b}"
    );

    // Arguments naming the other organization, in any spelling, change nothing.
    let bravo = f.bravo.id.to_string();
    for args in [
        json!({"confirmation_number": "DS4411", "user_id": bravo}),
        json!({"confirmation_number": "DS4411", "tenant_id": bravo, "organization": "bravo"}),
    ] {
        let (_, said) = ask(&app, &tool_call(NUMBER_A, args), KEY_A).await;
        assert!(
            said.contains("Ana Alpha") && !said.contains("Bea Bravo"),
            "{said}"
        );
    }
    // Signed with alpha's key but for bravo's number: refused, nothing said.
    let (s, said) = ask(
        &app,
        &tool_call(NUMBER_B, json!({"confirmation_number": "DS4411"})),
        KEY_A,
    )
    .await;
    assert_eq!(s, 401);
    assert!(!said.contains("Bea") && !said.contains("Ana"), "{said}");
}

#[tokio::test]
async fn a_call_without_a_known_organization_or_a_good_signature_is_refused() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let asked = json!({"confirmation_number": "DS-4411", "user_id": f.alpha.id.to_string()});
    // A number nobody holds, and no agent or metadata to go by.
    let (s, said) = ask(&app, &tool_call("+15555550999", asked.clone()), KEY_A).await;
    assert_eq!(s, 401);
    assert!(!said.contains("Ana"), "{said}");
    // Args only: nothing says whose it is.
    let (s, _) = ask(&app, &json!({"confirmation_number": "DS-4411"}), KEY_A).await;
    assert_eq!(s, 401);
    // Unsigned, wrong key, stale signature.
    let body = tool_call(NUMBER_A, asked.clone());
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(send(&app, &body, None, now).await.0, 401);
    assert_eq!(send(&app, &body, Some(KEY_B), now).await.0, 401);
    assert_eq!(
        send(&app, &body, Some(KEY_A), now - 10 * 60 * 1000).await.0,
        401
    );
    // The three that named alpha's number are counted as refused for alpha
    // (an activity-page figure), none as answered.
    let mut counted = (0, 0);
    for _ in 0..50 {
        let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.alpha.id))
            .await
            .unwrap();
        counted = sqlx::query_as("SELECT calls, refused FROM tool_call_counts")
            .fetch_optional(&mut *tx)
            .await
            .unwrap()
            .unwrap_or((0, 0));
        tx.commit().await.unwrap();
        if counted.1 >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(counted, (0, 3));
    // Not JSON.
    let res = reqwest::Client::new()
        .post(app.url("127.0.0.1", "/tools/check-reservation"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_organization_also_comes_from_the_agent_or_our_metadata_and_the_caller_phone_finds_the_ride(
) {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let pool = &app.db.app;
    // An outbound call: the dialled number is the passenger's, not ours; the
    // agent is registered by alpha alone.
    agents::create(pool, &scope(f.alpha.id), "agent_alpha_only", "Desk")
        .await
        .unwrap();
    let outbound = json!({
        "name": "check_reservation", "args": {},
        "call": {"call_id": "c2", "agent_id": "agent_alpha_only", "direction": "outbound",
                 "from_number": NUMBER_B, "to_number": CALLER}
    });
    let (s, said) = ask(&app, &outbound, KEY_A).await;
    assert_eq!(s, 200, "{said}");
    // No confirmation number: the passenger's phone, the number we dialled.
    assert!(
        said.contains("Ana Alpha") && !said.contains("Bea"),
        "{said}"
    );

    // A web call carries only our inbound answer's metadata.
    let web = json!({
        "name": "check_reservation", "args": {"confirmation_number": "DS-4411"},
        "call": {"call_id": "c3", "agent_id": "agent_shared", "call_type": "web_call",
                 "metadata": {"tenant_id": f.bravo.id.to_string()}}
    });
    let (s, said) = ask(&app, &web, KEY_B).await;
    assert_eq!(s, 200, "{said}");
    assert!(said.contains("Bea Bravo"), "{said}");

    // Inbound, by the caller's phone, within the next 24 hours.
    let (s, said) = ask(&app, &tool_call(NUMBER_A, json!({})), KEY_A).await;
    assert_eq!(s, 200);
    assert!(said.contains("Ana Alpha"), "{said}");
    let unknown_caller = json!({
        "name": "check_reservation", "args": {},
        "call": {"call_id": "c4", "direction": "inbound", "from_number": "+15555550100",
                 "to_number": NUMBER_A}
    });
    let (_, said) = ask(&app, &unknown_caller, KEY_A).await;
    assert!(
        said.contains("could not find a reservation for the caller"),
        "{said}"
    );

    // Each call counted for its organization's day, not per row.
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(f.alpha.id))
        .await
        .unwrap();
    let mut counted = (0, 0, 0);
    for _ in 0..50 {
        counted = sqlx::query_as("SELECT calls, found, not_found FROM tool_call_counts")
            .fetch_optional(&mut *tx)
            .await
            .unwrap()
            .unwrap_or((0, 0, 0));
        if counted.0 >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tx.commit().await.unwrap();
    assert_eq!(
        counted,
        (3, 2, 1),
        "alpha: outbound and by phone found, unknown caller not"
    );
}

#[tokio::test]
async fn another_organization_cannot_read_or_write_tool_data() {
    let app = TestApp::spawn().await;
    let f = setup(&app).await;
    let pool = &app.db.app;
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(f.bravo.id))
        .await
        .unwrap();
    for table in [
        "reservations",
        "drivers",
        "tool_data_imports",
        "tool_call_counts",
    ] {
        let others: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE organization_id = $1"
        ))
        .bind(f.alpha.id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        assert_eq!(others, 0, "{table}");
    }
    let changed =
        sqlx::query("UPDATE reservations SET status = 'cancelled' WHERE organization_id = $1")
            .bind(f.alpha.id)
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected();
    assert_eq!(changed, 0);
    let forged = sqlx::query(
        "INSERT INTO drivers (organization_id, name, phone) VALUES ($1, 'Mallory', '+15555550666')",
    )
    .bind(f.alpha.id)
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "bravo wrote a driver into alpha");
    drop(tx);
}
