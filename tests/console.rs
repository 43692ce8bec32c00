//! The platform console and the team page, through their server functions.

mod support;

use reqwest::StatusCode;
use support::{fixture, TestApp, PASSWORD};

async fn super_admin(app: &TestApp) -> reqwest::Client {
    let c = app.client();
    let res = app
        .login(&c, &app.platform(""), "root@callboard.localhost", PASSWORD)
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    c
}

async fn call(
    c: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let res = c.post(url).form(form).send().await.unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)),
    )
}

#[tokio::test]
async fn creating_an_organization_validates_and_reports_each_field() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let c = super_admin(&app).await;
    let url = app.platform("/api/platform/orgs/create");

    let (s, body) = call(
        &c,
        url.clone(),
        &[
            ("name", " "),
            ("slug", "-bad"),
            ("subdomain", "www"),
            ("custom_domain", "nodot"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["Validation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "slug", "subdomain", "custom_domain"]);

    let (s, body) = call(
        &c,
        url.clone(),
        &[
            ("name", "Gamma Tours"),
            ("slug", "gamma"),
            ("subdomain", ""),
            ("custom_domain", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body["subdomain"], "gamma",
        "the subdomain defaults to the slug"
    );

    let (s, body) = call(
        &c,
        url,
        &[
            ("name", "Gamma 2"),
            ("slug", "alpha"),
            ("subdomain", "gamma"),
            ("custom_domain", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["fields"][0]["field"], "slug", "{body}");

    // The operator is taken to the new organization's page: a plain form
    // post is redirected there, the app's own client is told where to go.
    let res = c
        .post(app.platform("/api/platform/orgs/create"))
        .header("accept", "text/html")
        .form(&[
            ("name", "Gamma Tours"),
            ("slug", "gamma-2"),
            ("subdomain", ""),
            ("custom_domain", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id = location.strip_prefix("/orgs/").expect("goes to /orgs/<id>");
    uuid::Uuid::parse_str(id).unwrap();

    // The new organization's host now resolves.
    assert_eq!(
        app.client()
            .get(app.org("gamma", "/login"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn deleting_needs_the_slug_typed_exactly() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let c = super_admin(&app).await;
    let url = app.platform("/api/platform/orgs/delete");
    let id = f.bravo.id.to_string();
    let (s, body) = call(&c, url.clone(), &[("id", &id), ("confirm_slug", "brav")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["fields"][0]["field"], "confirm_slug");
    let (s, _) = call(&c, url, &[("id", &id), ("confirm_slug", "bravo")]).await;
    assert!(s.is_success() || s.is_redirection(), "{s}");
    assert_eq!(
        app.client()
            .get(app.org("bravo", "/login"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Its history stays in the activity log.
    let mut tx =
        callboard::db::tx::platform(&app.db.app, callboard::db::PlatformAccess::operator())
            .await
            .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE organization_id = $1 AND action = 'org.delete'",
    )
    .bind(f.bravo.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn users_are_created_added_changed_and_removed() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let c = super_admin(&app).await;
    let (s, body) = call(
        &c,
        app.platform("/api/platform/users/create"),
        &[("email", "New@Alpha.example"), ("password", "short")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["fields"][0]["field"], "password");
    let (s, _) = call(
        &c,
        app.platform("/api/platform/users/create"),
        &[("email", "New@Alpha.example"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = call(
        &c,
        app.platform("/api/platform/users/create"),
        &[("email", "new@alpha.example"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let alpha = f.alpha.id.to_string();
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/add"),
        &[
            ("org_id", &alpha),
            ("email", "new@alpha.example"),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let res = app
        .login(
            &app.client(),
            &app.org("alpha", ""),
            "new@alpha.example",
            PASSWORD,
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());

    let (s, body) = call(
        &c,
        app.platform("/api/platform/members/add"),
        &[
            ("org_id", &alpha),
            ("email", "ghost@alpha.example"),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["Validation"]["fields"][0]["field"], "password",
        "{body}"
    );

    // Someone without an account: created and added in one step, with the
    // password the operator gave (checked like any new password).
    let add_new = |password: &'static str| {
        let alpha = alpha.clone();
        let c = c.clone();
        let url = app.platform("/api/platform/members/add");
        async move {
            call(
                &c,
                url,
                &[
                    ("org_id", &alpha),
                    ("email", "ghost@alpha.example"),
                    ("role", "admin"),
                    ("password", password),
                ],
            )
            .await
        }
    };
    let (s, body) = add_new("short").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["Validation"]["fields"][0]["field"], "password",
        "{body}"
    );
    let (s, body) = add_new(PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let res = app
        .login(
            &app.client(),
            &app.org("alpha", ""),
            "ghost@alpha.example",
            PASSWORD,
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());

    let viewer = f.alpha_viewer.to_string();
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/role"),
        &[("org_id", &alpha), ("user_id", &viewer), ("role", "admin")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/remove"),
        &[("org_id", &alpha), ("user_id", &viewer)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let res = app
        .login(
            &app.client(),
            &app.org("alpha", ""),
            "viewer@alpha.example",
            PASSWORD,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a removed member cannot sign in"
    );

    let (s, body) = call(
        &c,
        app.platform("/api/platform/users/disabled"),
        &[
            ("user_id", &f.super_admin.to_string()),
            ("disabled", "true"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "cannot disable yourself: {body}");

    let (s, users) = call(&c, app.platform("/api/platform/users"), &[]).await;
    assert_eq!(s, StatusCode::OK);
    let shared = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "shared@both.example")
        .unwrap();
    assert_eq!(shared["memberships"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_organization_always_keeps_an_admin() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let admin = app.client();
    app.login(&admin, &alpha, "admin@alpha.example", PASSWORD)
        .await;
    let me = f.alpha_admin.to_string();
    let (s, body) = call(
        &admin,
        format!("{alpha}/api/org/team/role"),
        &[("user_id", &me), ("role", "viewer")],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, _) = call(
        &admin,
        format!("{alpha}/api/org/team/remove"),
        &[("user_id", &me)],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // With a second admin, the change goes through.
    let viewer = f.alpha_viewer.to_string();
    let (s, _) = call(
        &admin,
        format!("{alpha}/api/org/team/role"),
        &[("user_id", &viewer), ("role", "admin")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &admin,
        format!("{alpha}/api/org/team/role"),
        &[("user_id", &me), ("role", "viewer")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // An admin of alpha cannot touch bravo's members through alpha's endpoints.
    let (s, _) = call(
        &app.client(),
        format!("{alpha}/api/org/team/remove"),
        &[("user_id", &f.bravo_admin.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let admin2 = app.client();
    app.login(&admin2, &alpha, "viewer@alpha.example", PASSWORD)
        .await; // now an admin
    let (s, _) = call(
        &admin2,
        format!("{alpha}/api/org/team/remove"),
        &[("user_id", &f.bravo_admin.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// Inserts a call as the app role in `org`'s tenant transaction.
async fn insert_call(
    pool: &sqlx::PgPool,
    org: uuid::Uuid,
    kind: &str,
    start: &str,
    duration_ms: i64,
    reported_cents: Option<&str>,
) -> uuid::Uuid {
    let ctx = callboard::db::TenantCtx::without_user(org);
    let mut tx = callboard::db::tx::tenant(pool, &ctx).await.unwrap();
    let id = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, provider_call_id, call_type, started_at, duration_ms,
            provider_cost_cents)
         VALUES ($1, gen_random_uuid()::text, $2, $3::timestamptz, $4, $5::numeric) RETURNING id",
    )
    .bind(org)
    .bind(kind)
    .bind(start)
    .bind(duration_ms)
    .bind(reported_cents)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn revenue_cost_and_margin_equal_hand_computed_values_across_a_rate_change() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    // Alpha: default rates (40 ¢ billing, 20 ¢ COGS) until Nov 9 12:00 UTC,
    // then 55.5 ¢ and 25 ¢.
    insert_call(
        pool,
        f.alpha.id,
        "phone_call",
        "2026-11-09T10:00:00Z",
        61_000,
        None,
    )
    .await;
    let mut tx = callboard::db::tx::platform(pool, callboard::db::PlatformAccess::operator())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO org_rates (organization_id, effective_from, billing_cents_per_minute,
            cogs_cents_per_minute) VALUES ($1, '2026-11-09T12:00:00Z', 55.5, 25)",
    )
    .bind(f.alpha.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // 2 min: 111 ¢; the platform reported 33.3 ¢, which beats the estimate.
    insert_call(
        pool,
        f.alpha.id,
        "phone_call",
        "2026-11-10T10:00:00Z",
        120_000,
        Some("33.3"),
    )
    .await;
    // A web test: no revenue, but 1 min at the 25 ¢ COGS.
    insert_call(
        pool,
        f.alpha.id,
        "web_call",
        "2026-11-10T11:00:00Z",
        30_000,
        None,
    )
    .await;
    // Bravo, default rates: 1 min, 40 ¢ and 20 ¢.
    insert_call(
        pool,
        f.bravo.id,
        "phone_call",
        "2026-11-10T12:00:00Z",
        59_000,
        None,
    )
    .await;
    // Outside the period.
    insert_call(
        pool,
        f.bravo.id,
        "phone_call",
        "2026-11-11T00:00:00Z",
        600_000,
        None,
    )
    .await;

    let c = super_admin(&app).await;
    let (s, r) = call(
        &c,
        app.platform("/api/platform/revenue"),
        &[
            ("filter[period]", "custom"),
            ("filter[from]", "2026-11-09"),
            ("filter[to]", "2026-11-10"),
            ("sort", "revenue"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let t = &r["total"];
    assert_eq!(t["calls"], 4);
    assert_eq!(t["billable_minutes"], 5);
    assert_eq!(t["revenue_cents"], 80 + 111 + 40);
    assert_eq!(t["cogs_cents"], 40 + 33 + 25 + 20);
    assert_eq!(t["reported_cost_calls"], 1);
    let alpha = r["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == f.alpha.name.as_str())
        .unwrap();
    assert_eq!(alpha["figures"]["revenue_cents"], 191);
    assert_eq!(alpha["figures"]["cogs_cents"], 98);
    assert_eq!(alpha["trend"], serde_json::json!([1, 2]));
    assert_eq!(
        r["orgs"][0]["name"],
        f.alpha.name.as_str(),
        "sorted by revenue"
    );

    // Saving new rates: billing defaults to twice the COGS, the change is
    // audited, and calls already made keep the rates of their time.
    let (s, _) = call(
        &c,
        app.platform("/api/platform/orgs/rates/save"),
        &[
            ("id", &f.bravo.id.to_string()),
            ("cogs", "0.30"),
            ("billing", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, rates) = call(
        &c,
        app.platform("/api/platform/orgs/rates"),
        &[("id", &f.bravo.id.to_string())],
    )
    .await;
    assert_eq!(rates["billing"], 6000);
    assert_eq!(rates["cogs"], 3000);
    let (_, again) = call(
        &c,
        app.platform("/api/platform/revenue"),
        &[
            ("filter[period]", "custom"),
            ("filter[from]", "2026-11-09"),
            ("filter[to]", "2026-11-10"),
        ],
    )
    .await;
    assert_eq!(again["total"]["revenue_cents"], t["revenue_cents"]);
    let (s, bad) = call(
        &c,
        app.platform("/api/platform/orgs/rates/save"),
        &[
            ("id", &f.bravo.id.to_string()),
            ("cogs", "twenty"),
            ("billing", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let mut tx = callboard::db::tx::platform(pool, callboard::db::PlatformAccess::operator())
        .await
        .unwrap();
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'org.rates' AND organization_id = $1",
    )
    .bind(f.bravo.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(audited, 1);

    // An organization's admin reads none of it, on either host.
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    for path in ["/api/platform/revenue", "/api/platform/orgs/rates"] {
        let (s, _) = call(
            &admin,
            app.org("alpha", path),
            &[("filter[period]", "30d"), ("id", &f.alpha.id.to_string())],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        let (s, _) = call(
            &admin,
            app.platform(path),
            &[("filter[period]", "30d"), ("id", &f.alpha.id.to_string())],
        )
        .await;
        assert!(
            s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
            "{path}: {s}"
        );
    }
}

#[tokio::test]
async fn usage_patterns_and_health_put_problems_first() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    // Tuesday Nov 10, 2026: 10:00 and 10:30 UTC are 03:00 in Phoenix.
    for start in ["2026-11-10T10:00:00Z", "2026-11-10T10:30:00Z"] {
        insert_call(pool, f.alpha.id, "phone_call", start, 60_000, None).await;
    }
    insert_call(
        pool,
        f.bravo.id,
        "phone_call",
        "2026-11-12T18:00:00Z",
        60_000,
        None,
    )
    .await;
    let c = super_admin(&app).await;
    let q = [
        ("filter[period]", "custom"),
        ("filter[from]", "2026-11-09"),
        ("filter[to]", "2026-11-15"),
    ];
    let (s, h) = call(
        &c,
        app.platform("/api/platform/usage"),
        &q.iter()
            .copied()
            .chain([("tz", "America/Phoenix")])
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["cells"][1][3], 2, "Tuesday 03:00 local");
    assert_eq!(h["cells"][3][11], 1, "Thursday 11:00 local");
    assert_eq!(h["peaks"][0], serde_json::json!([1, 3, 2]));
    assert_eq!(h["trend"], serde_json::json!([0, 2, 0, 1, 0, 0, 0]));
    // One organization only, and another timezone.
    let bravo = f.bravo.id.to_string();
    let (_, h) = call(
        &c,
        app.platform("/api/platform/usage"),
        &q.iter()
            .copied()
            .chain([("tz", "UTC"), ("org", bravo.as_str())])
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(h["cells"][3][18], 1);
    assert_eq!(h["cells"][1][10], 0);
    let (s, _) = call(
        &c,
        app.platform("/api/platform/usage"),
        &q.iter()
            .copied()
            .chain([("tz", "Mars/Base")])
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Health: an agent whose events keep failing verification comes first.
    let scope = support::operator_scope(f.alpha.id);
    callboard::services::agents::set_api_key(
        pool,
        &support::keyring(),
        &scope,
        "key_alpha_health_0123",
    )
    .await
    .unwrap();
    let quiet = callboard::services::agents::create(pool, &scope, "agent_quiet", "Quiet")
        .await
        .unwrap();
    let noisy = callboard::services::agents::create(pool, &scope, "agent_noisy", "Noisy")
        .await
        .unwrap();
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{noisy}"));
    let event = serde_json::json!({"event": "call_started", "call": {"call_id": "c1", "agent_id": "agent_noisy", "call_type": "phone_call"}});
    for _ in 0..5 {
        let status =
            support::fake_retell::FakeRetell::send_event(&url, "not_the_key_0000", &event).await;
        assert_eq!(status, 401);
    }
    let (s, health) = call(&c, app.platform("/api/platform/health"), &[]).await;
    assert_eq!(s, StatusCode::OK, "{health}");
    let agents = health["agents"].as_array().unwrap();
    assert_eq!(agents[0]["agent_id"], noisy.to_string());
    assert_eq!(agents[0]["status"], "error");
    assert_eq!(agents[0]["rejected_day"], 5);
    assert_eq!(agents[1]["agent_id"], quiet.to_string());
    assert_eq!(agents[1]["accepted_day"], 0);
    // Bravo has no key: listed before organizations whose key was never tested.
    let reach = health["reachability"].as_array().unwrap();
    assert_eq!(reach[0]["org_name"], f.bravo.name.as_str());
    assert_eq!(reach[0]["has_key"], false);
}

/// Every table an organization's data lives in, with how many rows it has there.
async fn holdings(pool: &sqlx::PgPool, org: uuid::Uuid) -> Vec<(&'static str, i64)> {
    let mut tx = callboard::db::tx::platform(pool, callboard::db::PlatformAccess::operator())
        .await
        .unwrap();
    let mut out = Vec::new();
    for t in [
        "calls",
        "call_rollups",
        "webhook_events",
        "webhook_counters",
        "agents",
        "credentials",
        "phone_numbers",
        "agent_settings",
        "org_assets",
        "memberships",
        "org_rates",
    ] {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {t} WHERE organization_id = $1"
        ))
        .bind(org)
        .fetch_one(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{t}: {e}"));
        out.push((t, n));
    }
    // Review requests are read only in their organization's own transaction.
    let mut tx = callboard::db::tx::tenant(pool, &callboard::db::TenantCtx::without_user(org))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM billing_reviews")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    out.push(("billing_reviews", n));
    out
}

#[tokio::test]
async fn an_organization_with_calls_and_everything_else_deletes_cleanly() {
    use callboard::db::{self, TenantCtx};
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    let events: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/retell/events.json")).unwrap();
    // Both organizations get the same kinds of data.
    for org in [f.alpha.id, f.bravo.id] {
        let scope = support::operator_scope(org);
        let key = format!("key_{}_0123456789", org.simple());
        callboard::services::agents::set_api_key(pool, &support::keyring(), &scope, &key)
            .await
            .unwrap();
        // The fixture's events name this agent.
        let agent = callboard::services::agents::create(pool, &scope, "agent_desert_main", "Desk")
            .await
            .unwrap();
        let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
        let lifecycle = events["phone_call_lifecycle"].as_array().unwrap();
        for e in lifecycle {
            assert_eq!(
                support::fake_retell::FakeRetell::send_event(&url, &key, e).await,
                204
            );
        }
        // A refused delivery leaves a counter.
        let refused =
            support::fake_retell::FakeRetell::send_event(&url, "wrong-key", &lifecycle[0]).await;
        assert_eq!(refused, 401);
        let number = if org == f.alpha.id {
            "+15205550001"
        } else {
            "+15205550002"
        };
        callboard::services::numbers::record(pool, &scope, number)
            .await
            .unwrap();
        let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
            .await
            .unwrap();
        for sql in [
            "INSERT INTO agent_settings (organization_id, company_name) VALUES ($1, 'Co')",
            "INSERT INTO org_assets (organization_id, kind, content_type, bytes, sha256)
             VALUES ($1, 'logo', 'image/png', '\\x89504e47', 'abc')",
            // More calls than one deletion step takes, through the rollup triggers.
            "INSERT INTO calls (organization_id, provider_call_id, call_type, agent_id, started_at, duration_ms)
             SELECT $1, 'bulk_' || g, 'phone_call', (SELECT id FROM agents LIMIT 1),
                    now() - g * interval '1 minute', 61000
               FROM generate_series(1, 12000) g",
            "INSERT INTO billing_reviews (organization_id, call_id, requested_by)
             SELECT $1, id, 'a@x' FROM calls LIMIT 1",
        ] {
            sqlx::query(sql).bind(org).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let alpha_before = holdings(pool, f.alpha.id).await;
    let bravo_before = holdings(pool, f.bravo.id).await;
    for (t, n) in &bravo_before {
        if *t != "org_rates" {
            assert!(*n > 0, "bravo has no {t} to delete");
        }
    }

    let c = super_admin(&app).await;
    let (s, body) = call(
        &c,
        app.platform("/api/platform/orgs/delete"),
        &[("id", &f.bravo.id.to_string()), ("confirm_slug", "bravo")],
    )
    .await;
    assert!(s.is_success() || s.is_redirection(), "{s}: {body}");

    for (t, n) in holdings(pool, f.bravo.id).await {
        assert_eq!(n, 0, "bravo's {t} remain");
    }
    assert_eq!(
        holdings(pool, f.alpha.id).await,
        alpha_before,
        "alpha untouched"
    );
    // Alpha's rollups still add up to its calls.
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(f.alpha.id))
        .await
        .unwrap();
    let (calls, rolled): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM calls), (SELECT coalesce(sum(calls), 0)::bigint FROM call_rollups)",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(calls, rolled);
    // The history stays.
    let mut tx = db::tx::platform(pool, db::PlatformAccess::operator())
        .await
        .unwrap();
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE organization_id = $1")
            .bind(f.bravo.id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert!(audited >= 3, "{audited}");
}

#[tokio::test]
async fn the_console_reads_times_in_the_super_admins_zone_and_organizations_in_their_own() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let c = super_admin(&app).await;
    let whoami = |c: reqwest::Client, url: String| async move { call(&c, url, &[]).await };
    let (s, who) = whoami(c.clone(), app.platform("/api/auth/whoami")).await;
    assert_eq!(s, StatusCode::OK, "{who}");
    assert_eq!(who["clock"]["zone"], "UTC", "UTC until a choice is made");

    let url = app.platform("/api/platform/timezone");
    let (s, body) = call(&c, url.clone(), &[("timezone", "Mars/Olympus")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["Validation"]["fields"][0]["field"], "timezone",
        "{body}"
    );
    let (s, body) = call(&c, url, &[("timezone", " Asia/Tokyo ")]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body, "Asia/Tokyo");
    let (_, who) = whoami(c.clone(), app.platform("/api/auth/whoami")).await;
    assert_eq!(who["clock"]["zone"], "Asia/Tokyo");
    assert_eq!(who["clock"]["spans"][0]["abbr"], "JST");

    // An organization's people read its own timezone (the default until saved),
    // and cannot set the console's.
    let admin = app.client();
    let res = app
        .login(
            &admin,
            &app.org("alpha", ""),
            "admin@alpha.example",
            PASSWORD,
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let (_, who) = whoami(admin.clone(), app.org("alpha", "/api/auth/whoami")).await;
    assert_eq!(who["clock"]["zone"], callboard::domain::DEFAULT_TIMEZONE);
    let (s, _) = call(
        &admin,
        app.org("alpha", "/api/platform/timezone"),
        &[("timezone", "UTC")],
    )
    .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
        "{s}"
    );
}

/// Issue 17: one membership rule for everyone. The agency cannot leave a
/// client without an admin either (suspend or delete the organization to
/// offboard it), whichever way it tries: demoting, removing, or re-adding
/// the last admin as a viewer.
#[tokio::test]
async fn the_agency_too_leaves_every_organization_an_admin() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let c = super_admin(&app).await;
    let alpha = f.alpha.id.to_string();
    let last = f.alpha_admin.to_string();
    let (s, body) = call(
        &c,
        app.platform("/api/platform/members/role"),
        &[("org_id", &alpha), ("user_id", &last), ("role", "viewer")],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/remove"),
        &[("org_id", &alpha), ("user_id", &last)],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/add"),
        &[
            ("org_id", &alpha),
            ("email", "admin@alpha.example"),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // With a second admin, each goes through.
    let viewer = f.alpha_viewer.to_string();
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/role"),
        &[("org_id", &alpha), ("user_id", &viewer), ("role", "admin")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/role"),
        &[("org_id", &alpha), ("user_id", &last), ("role", "viewer")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &c,
        app.platform("/api/platform/members/remove"),
        &[("org_id", &alpha), ("user_id", &last)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}
