//! "View as organization": a super admin sees an organization's portal on
//! the platform domain, writes are recorded with both identities, the view
//! cannot be chained, blocks credential changes, expires, and ends.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{filter_form, fixture, session_cookie, TestApp, PASSWORD};

async fn post(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (StatusCode, Value) {
    let res = c.post(url).form(form).send().await.unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[tokio::test]
async fn a_super_admin_views_as_an_organization_with_every_write_recorded() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    let call: uuid::Uuid = {
        let ctx = callboard::db::TenantCtx::without_user(f.alpha.id);
        let mut tx = callboard::db::tx::tenant(pool, &ctx).await.unwrap();
        let id = sqlx::query_scalar(
            "INSERT INTO calls (organization_id, provider_call_id, call_type, started_at, duration_ms)
             VALUES ($1, 'c1', 'phone_call', now(), 61000) RETURNING id",
        )
        .bind(f.alpha.id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };

    let root = app.client();
    let res = app
        .login(
            &root,
            &app.platform(""),
            "root@callboard.localhost",
            PASSWORD,
        )
        .await;
    let before = session_cookie(&res).unwrap();
    let res = root
        .post(app.platform("/api/platform/impersonate"))
        .form(&[("org_id", f.alpha.id.to_string())])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let after = session_cookie(&res).expect("a new session id");
    assert_ne!(before, after);

    // The platform domain now shows alpha's portal, with the banner.
    let html = root
        .get(app.platform("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&f.alpha.name),
        "alpha's name on its dashboard"
    );
    assert!(html.contains(&format!("Viewing as {}", f.alpha.name)));
    let (s, who) = post(&root, app.platform("/api/auth/whoami"), &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(who["viewer"]["role"], "admin");
    assert_eq!(who["impersonating"][0], f.alpha.name.as_str());
    let (s, _) = post(
        &root,
        app.platform("/api/dashboard/calls"),
        &filter_form("period=30d"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // A write is recorded with the super admin and the organization.
    let (s, _) = post(
        &root,
        app.platform("/api/calls/billable"),
        &[("call_id", call.to_string()), ("billable", "false".into())],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Credentials are off limits, and so is starting another view.
    let (s, _) = post(
        &root,
        app.platform("/api/agents/api-key"),
        &[("api_key", "key_new_0123456789".into())],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = post(
        &root,
        app.platform("/api/platform/impersonate"),
        &[("org_id", f.bravo.id.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Alpha's admin sees it all in alpha's activity log, labelled.
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    let (s, log) = post(
        &admin,
        app.org("alpha", "/api/org/activity"),
        &filter_form("period=today"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let entries = log.as_array().unwrap();
    let write = entries
        .iter()
        .find(|e| e["action"] == "call.billable_override")
        .unwrap();
    assert_eq!(write["impersonated"], true);
    // The agency's people are "Agency staff" to a client: no email, no address.
    assert_eq!(write["actor"], "Agency staff");
    assert!(write["ip"].is_null());
    let text = log.to_string();
    assert!(!text.contains("root@callboard.localhost"), "{text}");
    // Filtering by the hidden email finds nothing.
    let (_, probe) = post(
        &admin,
        app.org("alpha", "/api/org/activity"),
        &filter_form("period=today&actor=root%40callboard"),
    )
    .await;
    assert_eq!(probe.as_array().unwrap().len(), 0, "{probe}");
    assert!(entries.iter().any(|e| e["action"] == "impersonation.start"));
    let mut tx = callboard::db::tx::platform(pool, callboard::db::PlatformAccess::operator())
        .await
        .unwrap();
    let (actor, impersonator, org): (Option<uuid::Uuid>, Option<uuid::Uuid>, Option<uuid::Uuid>) =
        sqlx::query_as(
            "SELECT actor_user_id, impersonator_user_id, organization_id FROM audit_log
              WHERE action = 'call.billable_override'",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (actor, impersonator, org),
        (Some(f.super_admin), Some(f.super_admin), Some(f.alpha.id))
    );

    // Exit: back to the console, under a new session id again.
    let res = root
        .post(app.platform("/api/impersonation/exit"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_ne!(session_cookie(&res).unwrap(), after);
    let (s, _) = post(&root, app.platform("/api/platform/orgs"), &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The console still shows who it was.
    let (_, all) = post(
        &root,
        app.platform("/api/platform/activity"),
        &filter_form("period=today"),
    )
    .await;
    assert!(
        all.to_string().contains("root@callboard.localhost"),
        "{all}"
    );
    let (s, _) = post(
        &root,
        app.platform("/api/dashboard/calls"),
        &filter_form("period=30d"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, log) = post(
        &admin,
        app.org("alpha", "/api/org/activity"),
        &filter_form("period=today&action=impersonation"),
    )
    .await;
    assert_eq!(log.as_array().unwrap().len(), 2, "start and stop: {log}");

    // An organization's admin cannot start one.
    let (s, _) = post(
        &admin,
        app.org("alpha", "/api/platform/impersonate"),
        &[("org_id", f.alpha.id.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_expired_view_stops_working() {
    let db = std::sync::Arc::new(support::TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.impersonation_minutes = 0).await;
    let f = fixture(&app.db.app).await;
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let (s, _) = post(
        &root,
        app.platform("/api/platform/impersonate"),
        &[("org_id", f.alpha.id.to_string())],
    )
    .await;
    assert!(s.is_success() || s.is_redirection());
    // Already over: the platform domain is the console again.
    let (s, _) = post(
        &root,
        app.platform("/api/dashboard/calls"),
        &filter_form("period=30d"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = post(&root, app.platform("/api/platform/orgs"), &[]).await;
    assert_eq!(s, StatusCode::OK);
    let html = root
        .get(app.platform("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Viewing as"));
}
