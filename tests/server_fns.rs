//! Every server function is a public HTTP endpoint. This checks all of them:
//! without a session each answers 401/403, and the admin-only ones refuse a
//! viewer with 403. A new server function fails this test until it is listed
//! here with the access it requires.

mod support;

use reqwest::StatusCode;
use std::collections::BTreeSet;
use support::{fixture, TestApp, PASSWORD};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    Public,
    OrgMember,
    OrgAdmin,
    SuperAdmin,
}

const ENDPOINTS: &[(&str, Access)] = &[
    ("/api/auth/whoami", Access::Public),
    ("/api/auth/login", Access::Public),
    ("/api/auth/logout", Access::Public),
    // Ends this session's impersonation, if any; harmless otherwise.
    ("/api/impersonation/exit", Access::Public),
    ("/api/org/home", Access::OrgMember),
    ("/api/dashboard", Access::OrgMember),
    ("/api/dashboard/calls", Access::OrgMember),
    ("/api/dashboard/call", Access::OrgMember),
    // What decides a bill is the agency's: super admins in the console (or
    // viewing as the organization). Org admins read agents and numbers, and
    // ask for a review of a call's billing.
    ("/api/calls/billable", Access::SuperAdmin),
    ("/api/calls/review", Access::OrgAdmin),
    ("/api/platform/reviews", Access::SuperAdmin),
    ("/api/platform/reviews/dismiss", Access::SuperAdmin),
    ("/api/agents", Access::OrgAdmin),
    ("/api/agents/api-key", Access::SuperAdmin),
    ("/api/agents/test-connection", Access::SuperAdmin),
    ("/api/agents/create", Access::SuperAdmin),
    ("/api/agents/rename", Access::SuperAdmin),
    ("/api/agents/active", Access::SuperAdmin),
    ("/api/agents/delete", Access::SuperAdmin),
    ("/api/settings", Access::OrgMember),
    ("/api/settings/save", Access::OrgAdmin),
    // Numbers: org admins pass the guard, then the organization's "clients
    // manage their own numbers" flag decides (tests/numbers.rs).
    ("/api/numbers", Access::OrgAdmin),
    ("/api/numbers/connect", Access::OrgAdmin),
    ("/api/numbers/change", Access::OrgAdmin),
    ("/api/numbers/disconnect", Access::OrgAdmin),
    ("/api/numbers/check", Access::OrgAdmin),
    ("/api/numbers/clients-manage", Access::SuperAdmin),
    ("/api/platform/api-key", Access::SuperAdmin),
    ("/api/platform/api-key/save", Access::SuperAdmin),
    ("/api/org/team", Access::OrgAdmin),
    ("/api/org/team/role", Access::OrgAdmin),
    ("/api/org/team/remove", Access::OrgAdmin),
    ("/api/platform/orgs", Access::SuperAdmin),
    ("/api/platform/orgs/get", Access::SuperAdmin),
    ("/api/platform/orgs/create", Access::SuperAdmin),
    ("/api/platform/orgs/update", Access::SuperAdmin),
    ("/api/platform/orgs/status", Access::SuperAdmin),
    ("/api/platform/orgs/delete", Access::SuperAdmin),
    ("/api/platform/orgs/branding", Access::SuperAdmin),
    ("/api/platform/orgs/branding/save", Access::SuperAdmin),
    ("/api/platform/orgs/branding/remove", Access::SuperAdmin),
    ("/api/platform/revenue", Access::SuperAdmin),
    ("/api/platform/usage", Access::SuperAdmin),
    ("/api/platform/health", Access::SuperAdmin),
    ("/api/platform/impersonate", Access::SuperAdmin),
    ("/api/platform/activity", Access::SuperAdmin),
    ("/api/org/activity", Access::OrgAdmin),
    ("/api/platform/orgs/rates", Access::SuperAdmin),
    ("/api/platform/orgs/rates/save", Access::SuperAdmin),
    ("/api/platform/users", Access::SuperAdmin),
    ("/api/platform/users/create", Access::SuperAdmin),
    ("/api/platform/users/disabled", Access::SuperAdmin),
    ("/api/platform/members/add", Access::SuperAdmin),
    ("/api/platform/members/role", Access::SuperAdmin),
    ("/api/platform/members/remove", Access::SuperAdmin),
    ("/api/platform/timezone", Access::SuperAdmin),
    ("/api/platform/timezone/names", Access::SuperAdmin),
    // Reservations: members read; admins import, edit and set the limit.
    ("/api/reservations/overview", Access::OrgMember),
    ("/api/reservations/list", Access::OrgMember),
    ("/api/reservations/drivers", Access::OrgMember),
    ("/api/reservations/get", Access::OrgAdmin),
    ("/api/reservations/save", Access::OrgAdmin),
    ("/api/reservations/cancel", Access::OrgAdmin),
    ("/api/reservations/stale-hours", Access::OrgAdmin),
    ("/api/reservations/upload", Access::OrgAdmin),
    ("/api/org/tool-calls", Access::OrgAdmin),
    // Invitations: admins send them; the link's holder (nobody signed in)
    // reads and accepts one on the organization's address.
    ("/api/org/invitations", Access::OrgAdmin),
    ("/api/org/invitations/create", Access::OrgAdmin),
    ("/api/org/invitations/resend", Access::OrgAdmin),
    ("/api/org/invitations/revoke", Access::OrgAdmin),
    ("/api/auth/invitation", Access::Public),
    ("/api/auth/invitation/accept", Access::Public),
    ("/api/platform/outbox", Access::SuperAdmin),
    ("/api/auth/forgot", Access::Public),
    ("/api/auth/reset", Access::Public),
    ("/api/auth/password", Access::OrgMember),
    ("/api/auth/organizations", Access::OrgMember),
    // One's own second factor (a super admin's too, on the console's address).
    ("/api/auth/two-factor", Access::OrgMember),
    ("/api/auth/two-factor/begin", Access::OrgMember),
    ("/api/auth/two-factor/confirm", Access::OrgMember),
    ("/api/auth/two-factor/off", Access::OrgMember),
    ("/api/auth/two-factor/codes", Access::OrgMember),
    // The sign-in's second step answers only a session waiting for it.
    ("/api/auth/login/code", Access::Public),
    ("/api/auth/login/pending", Access::Public),
    // Self-serve sign-up: public on the platform's address while open.
    ("/api/signup/open", Access::Public),
    ("/api/signup/subdomain", Access::Public),
    ("/api/signup/submit", Access::Public),
    ("/api/signup/view", Access::Public),
    ("/api/signup/confirm", Access::Public),
    ("/api/platform/signups", Access::SuperAdmin),
    ("/api/platform/signups/settings", Access::SuperAdmin),
    ("/api/platform/signups/settings/save", Access::SuperAdmin),
    ("/api/org/setup", Access::OrgAdmin),
    ("/api/org/setup/save", Access::OrgAdmin),
    ("/api/org/setup/skip", Access::OrgAdmin),
    ("/api/org/setup/checklist", Access::OrgMember),
    // Statements: members read their own; the agency closes.
    ("/api/org/statements", Access::OrgMember),
    ("/api/org/statements/get", Access::OrgMember),
    ("/api/platform/statements/close", Access::SuperAdmin),
    ("/api/platform/statements", Access::SuperAdmin),
];

/// Arguments that satisfy every server function's signature, so the request
/// reaches the authorization check instead of failing to parse.
fn args(uuid: &str) -> Vec<(&'static str, String)> {
    [
        ("id", uuid),
        ("org_id", uuid),
        ("user_id", uuid),
        ("name", "Probe"),
        ("slug", "probe"),
        ("subdomain", "probe"),
        ("custom_domain", ""),
        ("status", "suspended"),
        ("confirm_slug", "probe"),
        ("email", "probe@example.com"),
        ("password", "probe password 123"),
        ("role", "admin"),
        ("disabled", "true"),
        ("form[number]", "+15555550100"),
        ("form[termination_uri]", "probe.example.com"),
        ("on", "true"),
        ("api_key", "key_probe_1234"),
        ("agent_id", "agent_probe"),
        ("active", "false"),
        ("call_id", uuid),
        ("billable", "true"),
        ("number", "+15555550123"),
        ("note", "probe"),
        ("kind", "logo"),
        ("brand_name", "Probe"),
        ("primary_color", "#112233"),
        ("secondary_color", "#445566"),
        ("form[company_name]", "Probe"),
        ("filter[period]", "30d"),
        ("cogs", "0.20"),
        ("billing", ""),
        ("tz", "UTC"),
        ("timezone", "UTC"),
        ("hours", "24"),
        ("token", "probe-token"),
        ("current_password", "probe password 123"),
        ("new_password", "probe password 456"),
        ("form[status]", "confirmed"),
        ("code", "123456"),
        ("step", "details"),
        ("month", "2026-11"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

#[tokio::test]
async fn the_list_matches_what_is_registered() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = ENDPOINTS.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        registered, listed,
        "classify every server function in ENDPOINTS"
    );
}

#[tokio::test]
async fn nothing_but_public_endpoints_answers_without_a_session() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let id = f.alpha.id.to_string();
    for host in [app.platform(""), app.org("alpha", "")] {
        for (path, access) in ENDPOINTS.iter().filter(|(_, a)| *a != Access::Public) {
            let res = app
                .client()
                .post(format!("{host}{path}"))
                .form(&args(&id))
                .send()
                .await
                .unwrap();
            let s = res.status();
            assert!(
                s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
                "{host}{path} ({access:?}) answered {s} without a session"
            );
        }
    }
    // Nothing was changed by those calls.
    let mut tx =
        callboard::db::tx::platform(&app.db.app, callboard::db::PlatformAccess::operator())
            .await
            .unwrap();
    let orgs = callboard::db::orgs::list(&mut tx).await.unwrap();
    assert_eq!(orgs.len(), 2);
    assert!(orgs
        .iter()
        .all(|o| o.status == callboard::domain::OrgStatus::Active));
}

#[tokio::test]
async fn viewers_are_refused_admin_endpoints() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = app.org("alpha", "");
    let viewer = app.client();
    app.login(&viewer, &alpha, "viewer@alpha.example", PASSWORD)
        .await;
    let admin = app.client();
    app.login(&admin, &alpha, "admin@alpha.example", PASSWORD)
        .await;
    let id = f.alpha_viewer.to_string();
    // Public ones are skipped: logout would end the viewer's session.
    for (path, access) in ENDPOINTS.iter().filter(|(_, a)| *a != Access::Public) {
        let url = format!("{alpha}{path}");
        let s = viewer
            .post(&url)
            .form(&args(&id))
            .send()
            .await
            .unwrap()
            .status();
        match access {
            Access::OrgAdmin | Access::SuperAdmin => {
                assert_eq!(s, StatusCode::FORBIDDEN, "viewer reached {path}")
            }
            // Past the check: 200, 404 for the probe's made-up record id, or
            // 422 when the probe's arguments fail on their merits (a wrong
            // current password).
            Access::OrgMember => assert!(
                s == StatusCode::OK
                    || s == StatusCode::NOT_FOUND
                    || s == StatusCode::UNPROCESSABLE_ENTITY,
                "viewer refused {path}: {s}"
            ),
            Access::Public => unreachable!(),
        }
    }
    // Positive control: the admin reaches the admin-only read.
    let s = admin
        .post(format!("{alpha}/api/org/team"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, StatusCode::OK);
    // Nor does the admin reach anything that is the agency's, on its own host.
    for (path, _) in ENDPOINTS.iter().filter(|(_, a)| *a == Access::SuperAdmin) {
        let s = admin
            .post(format!("{alpha}{path}"))
            .form(&args(&f.alpha.id.to_string()))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, StatusCode::FORBIDDEN, "admin reached {path}");
    }
    // Org admins never reach platform endpoints, not even on the platform host.
    let s = admin
        .post(app.platform("/api/platform/orgs"))
        .send()
        .await
        .unwrap()
        .status();
    assert!(
        s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
        "{s}"
    );
}

#[tokio::test]
async fn super_admins_use_the_console_only_on_the_platform_host() {
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let c = app.client();
    app.login(&c, &app.platform(""), "root@callboard.localhost", PASSWORD)
        .await;
    let res = c
        .post(app.platform("/api/platform/orgs"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let orgs: serde_json::Value = res.json().await.unwrap();
    assert_eq!(orgs.as_array().unwrap().len(), 2);
}
