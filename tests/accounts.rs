//! E-mail and invitations against real parts: PostgreSQL as the app role,
//! the outbox worker delivering over SMTP with `lettre` to a real SMTP
//! server on a loopback port (examples/common/smtp.rs), and the server's
//! own routes. The tests read what the SMTP server received.

mod support;

#[path = "../examples/common/smtp.rs"]
mod smtp;

use callboard::db::{self, TenantCtx};
use callboard::domain::mail::Message;
use callboard::services::outbox::{self, Mailer};
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;
use support::{fixture, TestApp, TestDb};

/// An SMTP server on a free loopback port: its mailbox and `smtp://` URL.
async fn mail_server() -> (smtp::Mailbox, String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let mailbox = smtp::Mailbox::default();
    let task = tokio::spawn(smtp::serve(listener, mailbox.clone()));
    (mailbox, url, task)
}

/// Waits (up to 15 s) for a message to `to`.
async fn delivered(mailbox: &smtp::Mailbox, to: &str) -> smtp::Delivered {
    for _ in 0..150 {
        if let Some(m) = mailbox.to(to).pop() {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no e-mail reached {to}");
}

/// A quoted-printable text as written (soft line breaks joined, `=XX`
/// decoded), as a mail client shows it.
fn unquote(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let b = joined.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The invitation link in a message (`…/invite/<token>`).
fn link(m: &smtp::Delivered) -> String {
    let data = unquote(&m.data);
    let at = data.find("http://").expect("a link");
    data[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_string()
}

/// A form post to `url` (a server function, as a browser without
/// JavaScript sends it).
async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

async fn spawn_with_mail(url: &str) -> TestApp {
    let url = url.to_string();
    TestApp::spawn_with(Arc::new(TestDb::new().await), move |c| {
        c.smtp_url = Some(url);
    })
    .await
}

#[tokio::test]
async fn an_invitation_arrives_in_the_organizations_look_and_its_link_works_once() {
    let (mailbox, url, _smtp) = mail_server().await;
    let app = spawn_with_mail(&url).await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;

    let res = post(
        &admin,
        &format!("{host}/api/org/invitations/create"),
        &[("email", " New.Person@Example.com "), ("role", "viewer")],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let m = delivered(&mailbox, "new.person@example.com").await;
    let name = &f.alpha.name;
    assert!(
        m.data
            .contains(&format!("Subject: You're invited to {name}")),
        "{}",
        m.data
    );
    assert!(m.data.contains(&format!("From: \"{name}\"")), "{}", m.data);
    assert!(!m.data.to_lowercase().contains("retell"));
    let link = link(&m);
    assert!(
        link.starts_with(&format!("{host}/invite/")),
        "the organization's own address: {link}"
    );

    // The page the link opens, before anyone is signed in.
    let guest = app.client();
    let page = guest.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains(&format!("Join {name}")) && page.contains("new.person@example.com"),
        "{page}"
    );
    let token = link.rsplit('/').next().unwrap().to_string();
    let res = post(
        &guest,
        &format!("{host}/api/auth/invitation/accept"),
        &[("token", token.as_str()), ("password", "short")],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a weak password"
    );
    let res = post(
        &guest,
        &format!("{host}/api/auth/invitation/accept"),
        &[
            ("token", token.as_str()),
            ("password", "a sturdy new passphrase"),
        ],
    )
    .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    // Signed in, as a viewer of alpha.
    let home: serde_json::Value = guest
        .post(format!("{host}/api/org/home"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (home["role"].as_str(), home["email"].as_str()),
        (Some("viewer"), Some("new.person@example.com")),
        "{home}"
    );
    // The link works once.
    let again = post(
        &app.client(),
        &format!("{host}/api/auth/invitation/accept"),
        &[
            ("token", token.as_str()),
            ("password", "a sturdy new passphrase"),
        ],
    )
    .await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    // And it is not bravo's: on bravo's address the same link finds nothing.
    let res = app
        .client()
        .post(format!(
            "{}/api/auth/invitation",
            app.org(&f.bravo.slug, "")
        ))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn expired_and_withdrawn_links_are_refused_and_only_an_organizations_admins_invite() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;
    for email in ["late@example.com", "gone@example.com"] {
        let res = post(
            &admin,
            &format!("{host}/api/org/invitations/create"),
            &[("email", email), ("role", "admin")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // No SMTP server: the messages wait in the outbox; read the links there.
    let owner = app.db.super_pool().await;
    let text_of = |to: &'static str| {
        let owner = owner.clone();
        async move {
            let text: String = sqlx::query_scalar(
                "SELECT text_body FROM outbox WHERE to_address = $1 AND sent_at IS NULL",
            )
            .bind(to)
            .fetch_one(&owner)
            .await
            .unwrap();
            let at = text.find("/invite/").unwrap();
            text[at + 8..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_string()
        }
    };
    let late = text_of("late@example.com").await;
    let gone = text_of("gone@example.com").await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.com'")
        .execute(&owner)
        .await
        .unwrap();
    let list: serde_json::Value = admin
        .post(format!("{host}/api/org/invitations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let gone_id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "gone@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = post(
        &admin,
        &format!("{host}/api/org/invitations/revoke"),
        &[("id", gone_id.as_str())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    for (token, why) in [(late, "expired"), (gone, "withdrawn")] {
        let res = post(
            &app.client(),
            &format!("{host}/api/auth/invitation/accept"),
            &[
                ("token", token.as_str()),
                ("password", "a sturdy new passphrase"),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{why}");
        assert!(res.text().await.unwrap().contains(why));
    }

    // A viewer cannot invite; bravo's admin cannot invite into alpha.
    let viewer = app.signed_in(&host, "viewer@alpha.example").await;
    let res = post(
        &viewer,
        &format!("{host}/api/org/invitations/create"),
        &[("email", "x@example.com"), ("role", "admin")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let bravo = app
        .signed_in(&app.org(&f.bravo.slug, ""), "admin@bravo.example")
        .await;
    let res = post(
        &bravo,
        &format!("{host}/api/org/invitations/create"),
        &[("email", "x@example.com"), ("role", "admin")],
    )
    .await;
    assert!(
        res.status() == StatusCode::UNAUTHORIZED || res.status() == StatusCode::FORBIDDEN,
        "{}",
        res.status()
    );
    // The invitations table is walled off like every tenant table.
    support::assert_walled_off(
        &app.db.app,
        f.bravo.id,
        "SELECT count(*) FROM invitations",
        "UPDATE invitations SET revoked_at = now()",
        &format!(
            "INSERT INTO invitations (organization_id, email, role, token_hash, invited_by_label, expires_at)
             VALUES ('{}', 'm@example.com', 'admin', decode(repeat('00', 32), 'hex'), 'm', now())",
            f.alpha.id
        ),
    )
    .await;
}

fn message(to: &str) -> Message {
    Message {
        from_name: "Alpha Rides".into(),
        to: to.into(),
        subject: "Hello".into(),
        text: "Plain text".into(),
        html: "<p>HTML</p>".into(),
    }
}

#[tokio::test]
async fn the_outbox_sends_only_what_committed_and_retries_until_the_mail_server_is_back() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let ctx = TenantCtx::without_user(f.alpha.id);
    // Written in a transaction that rolls back: never sent.
    let mut tx = db::tx::tenant(&db.app, &ctx).await.unwrap();
    db::outbox::enqueue(
        &mut tx,
        Some(f.alpha.id),
        "invitation",
        &message("never@example.com"),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    // Committed, while the mail server is down.
    let mut tx = db::tx::tenant(&db.app, &ctx).await.unwrap();
    db::outbox::enqueue(
        &mut tx,
        Some(f.alpha.id),
        "invitation",
        &message("later@example.com"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let down = Mailer::new(Some(&url), "no-reply@callboard.test").unwrap();
    assert_eq!(outbox::deliver_due(&db.app, &down).await.unwrap(), 0);
    let owner = db.super_pool().await;
    let (attempts, error): (i32, Option<String>) = sqlx::query_as(
        "SELECT attempts, last_error FROM outbox WHERE to_address = 'later@example.com'",
    )
    .fetch_one(&owner)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    // Not due again yet: a second round does not hammer the server.
    assert_eq!(outbox::deliver_due(&db.app, &down).await.unwrap(), 0);
    let attempts: i32 =
        sqlx::query_scalar("SELECT attempts FROM outbox WHERE to_address = 'later@example.com'")
            .fetch_one(&owner)
            .await
            .unwrap();
    assert_eq!(attempts, 1, "backed off");

    // The server comes back on that port; the retry comes due; a new worker
    // (as after a restart) delivers what was kept.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let mailbox = smtp::Mailbox::default();
    let _smtp = tokio::spawn(smtp::serve(listener, mailbox.clone()));
    sqlx::query("UPDATE outbox SET next_attempt_at = now()")
        .execute(&owner)
        .await
        .unwrap();
    let up = Mailer::new(Some(&url), "no-reply@callboard.test").unwrap();
    assert_eq!(outbox::deliver_due(&db.app, &up).await.unwrap(), 1);
    let got = mailbox.all();
    assert_eq!(got.len(), 1, "only the committed message");
    assert_eq!(got[0].to, vec!["later@example.com".to_string()]);
    assert!(got[0].data.contains("Plain text") && got[0].data.contains("<p>HTML</p>"));
    let (sent, tried): (bool, i64) = sqlx::query_as(
        "SELECT sent_at IS NOT NULL, (SELECT count(*) FROM outbox_attempts) FROM outbox",
    )
    .fetch_one(&owner)
    .await
    .unwrap();
    assert!(sent);
    assert_eq!(tried, 2, "every attempt is recorded");
    // The app role reads and writes only its own organization's messages.
    let mut tx = db::tx::tenant(&db.app, &TenantCtx::without_user(f.bravo.id))
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let forged = db::outbox::enqueue(
        &mut tx,
        Some(f.alpha.id),
        "invitation",
        &message("x@example.com"),
    )
    .await;
    assert!(forged.is_err(), "bravo wrote a message as alpha");
}

#[tokio::test]
async fn a_reset_link_works_once_expires_and_ends_every_session_and_strangers_learn_nothing() {
    let (mailbox, url, _smtp) = mail_server().await;
    let app = spawn_with_mail(&url).await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let before = app.signed_in(&host, "admin@alpha.example").await;
    let ask = |email: &'static str| {
        let (c, host) = (app.client(), host.clone());
        async move {
            let res = post(&c, &format!("{host}/api/auth/forgot"), &[("email", email)]).await;
            (res.status(), res.text().await.unwrap())
        }
    };
    let known = ask("Admin@Alpha.example").await;
    let unknown = ask("nobody@alpha.example").await;
    let not_a_member = ask("admin@bravo.example").await;
    assert_eq!(known.0, StatusCode::OK);
    assert_eq!(known, unknown, "the same answer for an unknown address");
    assert_eq!(known, not_a_member, "and for another organization's user");
    let m = delivered(&mailbox, "admin@alpha.example").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mailbox.all().len(), 1, "only the member got a link");
    let mail_text = unquote(&m.data);
    assert!(mail_text.contains("expires in 30 minutes"));
    let first = link(&m);
    assert!(
        first.starts_with(&format!("{host}/reset-password/")),
        "{first}"
    );
    let token = first.rsplit('/').next().unwrap().to_string();

    let reset = |token: String, password: &'static str| {
        let (c, host) = (app.client(), host.clone());
        async move {
            c.post(format!("{host}/api/auth/reset"))
                .form(&[("token", token.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        reset(token.clone(), "a brand new passphrase").await,
        StatusCode::OK
    );
    // The session from before is over; the old password no longer works.
    let res = before
        .post(format!("{host}/api/org/home"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .login(
            &app.client(),
            &host,
            "admin@alpha.example",
            support::PASSWORD,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .login(
            &app.client(),
            &host,
            "admin@alpha.example",
            "a brand new passphrase",
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    // Once only.
    assert_eq!(
        reset(token, "another new passphrase").await,
        StatusCode::FORBIDDEN
    );

    // A link past its 30 minutes is refused.
    assert_eq!(ask("admin@alpha.example").await.0, StatusCode::OK);
    for _ in 0..150 {
        if mailbox.to("admin@alpha.example").len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let second = link(mailbox.to("admin@alpha.example").last().unwrap());
    sqlx::query(
        "UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )
    .execute(&app.db.super_pool().await)
    .await
    .unwrap();
    let token = second.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        reset(token, "yet another passphrase").await,
        StatusCode::FORBIDDEN
    );
    // Reset links are nobody's to read but the account-recovery path's.
    let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.alpha.id))
        .await
        .unwrap();
    let read = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM password_resets")
        .fetch_one(&mut *tx)
        .await;
    assert!(read.is_err(), "the app role reads no reset links");
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_signs_out_only_the_other_sessions() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let here = app.signed_in(&host, "admin@alpha.example").await;
    let elsewhere = app.signed_in(&host, "admin@alpha.example").await;
    let change = |current: &'static str| {
        let (c, host) = (here.clone(), host.clone());
        async move {
            c.post(format!("{host}/api/auth/password"))
                .form(&[
                    ("current_password", current),
                    ("new_password", "a changed passphrase"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        change("not my password").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(change(support::PASSWORD).await, StatusCode::OK);
    let status = |c: reqwest::Client| {
        let host = host.clone();
        async move {
            c.post(format!("{host}/api/org/home"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        status(here.clone()).await,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        status(elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "the other one ends"
    );
    let res = app
        .login(
            &app.client(),
            &host,
            "admin@alpha.example",
            "a changed passphrase",
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[tokio::test]
async fn a_person_in_two_organizations_is_offered_each_at_its_own_address() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let shared = app.signed_in(&host, "shared@both.example").await;
    let list: serde_json::Value = shared
        .post(format!("{host}/api/auth/organizations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let alpha = list
        .iter()
        .find(|o| o["name"] == f.alpha.name.as_str())
        .unwrap();
    let bravo = list
        .iter()
        .find(|o| o["name"] == f.bravo.name.as_str())
        .unwrap();
    assert_eq!(alpha["current"], true);
    assert_eq!(bravo["current"], false);
    assert_eq!(bravo["url"], app.org(&f.bravo.slug, "/").as_str());
    // Someone in one organization sees only it.
    let admin = app.signed_in(&host, "admin@alpha.example").await;
    let list: serde_json::Value = admin
        .post(format!("{host}/api/auth/organizations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_agency_invites_for_any_organization_from_the_console_and_admins_only_for_their_own() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let alpha = f.alpha.id.to_string();
    let root = app.platform("");
    let sa = app.signed_in(&root, "root@callboard.localhost").await;
    let res = post(
        &sa,
        &format!("{root}/api/org/invitations/create"),
        &[
            ("email", "client@example.com"),
            ("role", "admin"),
            ("org_id", alpha.as_str()),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let list: serde_json::Value = post(
        &sa,
        &format!("{root}/api/org/invitations"),
        &[("org_id", alpha.as_str())],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list[0]["email"], "client@example.com");
    assert_eq!(list[0]["invited_by"], "root@callboard.localhost");
    // The message is in alpha's name, with alpha's address.
    let (subject, text): (String, String) = sqlx::query_as(
        "SELECT subject, text_body FROM outbox WHERE to_address = 'client@example.com'",
    )
    .fetch_one(&app.db.super_pool().await)
    .await
    .unwrap();
    assert_eq!(subject, format!("You're invited to {}", f.alpha.name));
    assert!(text.contains(&app.org(&f.alpha.slug, "/invite/")), "{text}");
    // Bravo's admin, naming alpha on bravo's own address: refused.
    let bravo_host = app.org(&f.bravo.slug, "");
    let bravo = app.signed_in(&bravo_host, "admin@bravo.example").await;
    let res = post(
        &bravo,
        &format!("{bravo_host}/api/org/invitations/create"),
        &[
            ("email", "x@example.com"),
            ("role", "admin"),
            ("org_id", alpha.as_str()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn accepting_an_invitation_never_changes_a_members_role() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let host = app.org(&f.alpha.slug, "");
    let admin = app.signed_in(&host, "admin@alpha.example").await;
    let res = post(
        &admin,
        &format!("{host}/api/org/invitations/create"),
        &[("email", "later@example.com"), ("role", "viewer")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let owner = app.db.super_pool().await;
    let text: String =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE to_address = 'later@example.com'")
            .fetch_one(&owner)
            .await
            .unwrap();
    let at = text.find("/invite/").unwrap();
    let token = text[at + 8..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    // Meanwhile the person got an account and was made an admin.
    let user = support::make_user(&app.db.app, "later@example.com", false).await;
    support::make_member(
        &app.db.app,
        f.alpha.id,
        user,
        callboard::domain::Role::Admin,
    )
    .await;
    let res = post(
        &app.client(),
        &format!("{host}/api/auth/invitation/accept"),
        &[("token", token.as_str()), ("password", support::PASSWORD)],
    )
    .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let role: String = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(f.alpha.id)
    .bind(user)
    .fetch_one(&owner)
    .await
    .unwrap();
    assert_eq!(role, "admin");
    app.stop();
}
