//! Self-serve sign-up and the setup wizard through the real server, as the
//! app role: closed is 404; the subdomain rules; the same answer for a new
//! and a known address; the e-mail's link makes the organization, its
//! account and rates, and hands the person over to their own address; the
//! wizard stores Agent Settings; the console lists and suspends sign-ups;
//! the new tables are out of other tenants' reach.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{assert_walled_off, fixture, post_json, TestApp};

async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn signup_form<'a>(company: &'a str, sub: &'a str, email: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("form[company_name]", company),
        ("form[subdomain]", sub),
        ("form[name]", "Pat Example"),
        ("form[email]", email),
        ("form[password]", "a long enough password"),
    ]
}

/// Waits for the outbox message to `to` (written after the answer).
async fn mail_to(pool: &sqlx::PgPool, to: &str) -> (String, String) {
    for _ in 0..100 {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT subject, text_body FROM outbox WHERE to_address = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(to)
        .fetch_optional(pool)
        .await
        .unwrap();
        if let Some(m) = row {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no message to {to}");
}

fn link_in(text: &str, marker: &str) -> String {
    text.split_whitespace()
        .find(|w| w.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} link in {text}"))
        .to_string()
}

#[tokio::test]
async fn a_company_signs_up_confirms_and_finishes_the_wizard() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let su = app.db.super_pool().await;
    let platform = app.platform("");

    // Closed (the default): not found, on every sign-up function.
    let anon = app.client();
    let res = post(&anon, &format!("{platform}/api/signup/open"), &[]).await;
    assert_eq!(res.json::<Value>().await.unwrap(), false);
    let res = post(
        &anon,
        &format!("{platform}/api/signup/submit"),
        &signup_form("New Co", "newco", "pat@newco.test"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(
        &anon,
        &format!("{platform}/api/signup/subdomain"),
        &[("subdomain", "newco")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = anon.get(format!("{platform}/signup")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "the page too");

    // A super admin opens it and sets the rates new organizations start on.
    let root = app.signed_in(&platform, "root@callboard.localhost").await;
    let res = post(
        &root,
        &format!("{platform}/api/platform/signups/settings/save"),
        &[("open", "on"), ("billing", "0.55"), ("cogs", "abc")],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad rate is named"
    );
    let res = post(
        &root,
        &format!("{platform}/api/platform/signups/settings/save"),
        &[("open", "on"), ("billing", "0.55"), ("cogs", "0.25")],
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    // Viewers of an organization cannot; nor can an org admin.
    let admin = app
        .signed_in(&app.org("alpha", ""), "admin@alpha.example")
        .await;
    let res = post(
        &admin,
        &format!(
            "{}/api/platform/signups/settings/save",
            app.org("alpha", "")
        ),
        &[("open", "on"), ("billing", "0"), ("cogs", "0")],
    )
    .await;
    assert!(matches!(
        res.status(),
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
    ));
    let page = anon.get(format!("{platform}/signup")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Create your call portal"));
    // Sign-up exists only on the platform's address.
    let res = post(
        &anon,
        &format!("{}/api/signup/open", app.org("alpha", "")),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Subdomain rules, live.
    for (wanted, ok, says) in [
        ("www", false, "reserved"),
        ("signup", false, "reserved"),
        ("alpha", false, "taken"),
        ("Bad_Name!", false, ""),
        ("-dash", false, ""),
        ("newco", true, "free"),
    ] {
        let c: Value = post(
            &anon,
            &format!("{platform}/api/signup/subdomain"),
            &[("subdomain", wanted)],
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(c["ok"], ok, "{wanted}: {c}");
        assert!(
            c["message"].as_str().unwrap().contains(says),
            "{wanted}: {c}"
        );
    }
    // A form with mistakes names each field.
    let res = post(
        &anon,
        &format!("{platform}/api/signup/submit"),
        &[
            ("form[company_name]", ""),
            ("form[subdomain]", "alpha"),
            ("form[name]", "Pat"),
            ("form[email]", "not-an-address"),
            ("form[password]", "short"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    for field in ["company_name", "subdomain", "email", "password"] {
        assert!(body.contains(field), "{field} not named: {body}");
    }

    // A new address and a known one get the same answer.
    let new = post(
        &anon,
        &format!("{platform}/api/signup/submit"),
        &signup_form("New Co", "newco", "pat@newco.test"),
    )
    .await;
    let known = post(
        &anon,
        &format!("{platform}/api/signup/submit"),
        &signup_form("Other Co", "otherco", "admin@bravo.example"),
    )
    .await;
    assert_eq!(new.status(), known.status());
    assert_eq!(location(&new), "/signup/sent");
    assert_eq!(location(&new), location(&known));
    assert_eq!(new.text().await.unwrap(), known.text().await.unwrap());
    // The known address is told it has an account; nothing is made for it.
    let (subject, _) = mail_to(&su, "admin@bravo.example").await;
    assert!(subject.contains("already have"), "{subject}");
    let kept: i64 =
        sqlx::query_scalar("SELECT count(*) FROM signups WHERE email = 'admin@bravo.example'")
            .fetch_one(&su)
            .await
            .unwrap();
    assert_eq!(kept, 0);

    // The new one gets a link; its page says what it makes.
    let (subject, text) = mail_to(&su, "pat@newco.test").await;
    assert!(subject.contains("New Co"));
    assert!(!text.to_lowercase().contains("retell"));
    let link = link_in(&text, "/signup/confirm/");
    let token = link.rsplit('/').next().unwrap().to_string();
    let view: Value = post(
        &anon,
        &format!("{platform}/api/signup/view"),
        &[("token", &token)],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(view["company_name"], "New Co");
    assert!(view["address"].as_str().unwrap().contains("newco."));

    // Confirming makes the organization and hands over to its address.
    let res = post(
        &anon,
        &format!("{platform}/api/signup/confirm"),
        &[("token", &token)],
    )
    .await;
    let next = location(&res);
    assert!(
        next.starts_with(&app.org("newco", "/welcome/start/")),
        "{next}"
    );
    let again = post(
        &anon,
        &format!("{platform}/api/signup/confirm"),
        &[("token", &token)],
    )
    .await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN, "a link works once");
    let person = app.client();
    let res = person.get(&next).send().await.unwrap();
    assert_eq!(location(&res), "/welcome");
    let res = app.client().get(&next).send().await.unwrap();
    assert_eq!(location(&res), "/login", "the hand-off works once");
    let newco = app.org("newco", "");
    let who = post_json(&person, &format!("{newco}/api/auth/whoami")).await;
    assert_eq!(who["viewer"]["role"], "admin", "{who}");
    // On the rates the super admin set.
    let cents: f64 = sqlx::query_scalar(
        "SELECT billing_cents_per_minute::float8 FROM org_rates r JOIN organizations o
            ON o.id = r.organization_id WHERE o.subdomain = 'newco'",
    )
    .fetch_one(&su)
    .await
    .unwrap();
    assert_eq!(cents, 55.0);

    // The wizard: each step stores settings; the phone step can be skipped.
    let page = post_json(&person, &format!("{newco}/api/org/setup")).await;
    assert_eq!(page["settings"]["company_name"], "New Co");
    let checklist = post_json(&person, &format!("{newco}/api/org/setup/checklist")).await;
    assert!(!checklist.is_null());
    let mut form: Vec<(String, String)> = vec![
        ("form[company_name]".into(), "New Co Dental".into()),
        ("form[operator_email]".into(), "pat@newco.test".into()),
        ("form[timezone]".into(), "Europe/Berlin".into()),
        ("form[business_hours_start]".into(), "8".into()),
        ("form[business_hours_end]".into(), "18".into()),
        ("form[forwarding_mode]".into(), "always".into()),
        ("form[carrier]".into(), "twilio".into()),
        ("form[transfer_enabled]".into(), "on".into()),
    ];
    let mut step = |name: &str, extra: &[(&str, &str)]| {
        let mut f = vec![("step".to_string(), name.to_string())];
        for (k, v) in extra {
            form.retain(|(key, _)| key != k);
            form.push((k.to_string(), v.to_string()));
        }
        f.extend(form.iter().cloned());
        f
    };
    let details = step("details", &[]);
    let res = person
        .post(format!("{newco}/api/org/setup/save"))
        .form(&details)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/welcome?step=messages");
    let bad = step("messages", &[("form[welcome_message]", &"x".repeat(2000))]);
    let res = person
        .post(format!("{newco}/api/org/setup/save"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let messages = step(
        "messages",
        &[("form[welcome_message]", "Hello from {{company_name}}.")],
    );
    let res = person
        .post(format!("{newco}/api/org/setup/save"))
        .form(&messages)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/welcome?step=hours");
    let hours = step(
        "hours",
        &[
            ("form[operator_name]", "Pat Example"),
            ("form[operator_phone]", "+15555550123"),
        ],
    );
    let res = person
        .post(format!("{newco}/api/org/setup/save"))
        .form(&hours)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/welcome?step=phone");
    let res = post(&person, &format!("{newco}/api/org/setup/skip"), &[]).await;
    assert_eq!(location(&res), "/welcome?step=done");
    let page = post_json(&person, &format!("{newco}/api/org/setup")).await;
    assert_eq!(page["progress"]["completed"], true, "{page}");
    assert!(
        post_json(&person, &format!("{newco}/api/org/setup/checklist"))
            .await
            .is_null()
    );
    let settings = post_json(&person, &format!("{newco}/api/settings")).await;
    assert_eq!(settings["settings"]["company_name"], "New Co Dental");
    assert_eq!(settings["settings"]["timezone"], "Europe/Berlin");
    assert_eq!(
        settings["settings"]["welcome_message"],
        "Hello from {{company_name}}."
    );
    assert_eq!(settings["settings"]["operator_phone"], "+15555550123");

    // An organization the agency set up has no wizard.
    let res = post(
        &admin,
        &format!("{}/api/org/setup", app.org("alpha", "")),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(post_json(
        &admin,
        &format!("{}/api/org/setup/checklist", app.org("alpha", ""))
    )
    .await
    .is_null());

    // The console lists the sign-up and can suspend it.
    let list = post_json(&root, &format!("{platform}/api/platform/signups")).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subdomain"] == "newco")
        .unwrap()
        .clone();
    assert_eq!(row["state"], "active");
    assert_eq!(row["setup_done"], true);
    let org_id = row["org_id"].as_str().unwrap().to_string();
    let res = post(
        &root,
        &format!("{platform}/api/platform/orgs/status"),
        &[("id", &org_id), ("status", "suspended")],
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let list = post_json(&root, &format!("{platform}/api/platform/signups")).await;
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["subdomain"] == "newco")
            .unwrap()["state"],
        "suspended"
    );

    // The wizard's table is walled off from other organizations; the
    // sign-ups and the platform's settings from every tenant.
    let new_id: uuid::Uuid = org_id.parse().unwrap();
    assert_walled_off(
        &app.db.app,
        f.bravo.id,
        &format!("SELECT count(*) FROM org_setup WHERE organization_id = '{new_id}'"),
        &format!("UPDATE org_setup SET completed_at = NULL WHERE organization_id = '{new_id}'"),
        &format!("INSERT INTO org_setup (organization_id) VALUES ('{new_id}')"),
    )
    .await;
    for table in ["signups", "platform_settings"] {
        let ctx = callboard::db::TenantCtx::user(f.alpha.id, f.alpha_admin);
        let mut tx = callboard::db::tx::tenant(&app.db.app, &ctx).await.unwrap();
        let read = sqlx::query(&format!("SELECT count(*) FROM {table}"))
            .execute(&mut *tx)
            .await;
        assert!(read.is_err(), "a tenant transaction read {table}");
    }
    app.stop();
}

#[tokio::test]
async fn an_expired_confirmation_link_is_refused() {
    let app = TestApp::spawn().await;
    let _f = fixture(&app.db.app).await;
    let su = app.db.super_pool().await;
    sqlx::query("UPDATE platform_settings SET signup_open = true")
        .execute(&su)
        .await
        .unwrap();
    let platform = app.platform("");
    let anon = app.client();
    let res = post(
        &anon,
        &format!("{platform}/api/signup/submit"),
        &signup_form("Late Co", "lateco", "late@lateco.test"),
    )
    .await;
    assert_eq!(location(&res), "/signup/sent");
    let (_, text) = mail_to(&su, "late@lateco.test").await;
    let token = link_in(&text, "/signup/confirm/")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    sqlx::query("UPDATE signups SET expires_at = now() - interval '1 minute'")
        .execute(&su)
        .await
        .unwrap();
    let res = post(
        &anon,
        &format!("{platform}/api/signup/confirm"),
        &[("token", &token)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let orgs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM organizations WHERE subdomain = 'lateco'")
            .fetch_one(&su)
            .await
            .unwrap();
    assert_eq!(orgs, 0);
    app.stop();
}
