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
