//! The operator CLI, run as a real process against a test database.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use support::TestDb;

fn run(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    run_env(db, args, stdin, &[])
}

fn run_env(db: &TestDb, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir(); // away from any developer .env
    let mut child = Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("DATABASE_URL", db.app_url())
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[tokio::test]
async fn operators_manage_orgs_and_users_from_the_shell() {
    let db = TestDb::new().await;

    let out = run(
        &db,
        &["org", "create", "--name", "Acme Shuttle", "--slug", "acme"],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let id = uuid::Uuid::parse_str(stdout.trim()).expect("prints the new id");

    let out = run(
        &db,
        &["org", "create", "--name", "Again", "--slug", "acme"],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out)
            .1
            .contains("slug: Another organization already uses this slug"),
        "{:?}",
        text(&out)
    );

    let out = run(
        &db,
        &["org", "create", "--name", "Bad", "--slug", "Not A Slug"],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("slug:"), "{:?}", text(&out));

    let out = run(
        &db,
        &["user", "create", "--email", "Ops@Acme.example"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let out = run(
        &db,
        &[
            "user",
            "create",
            "--email",
            "short@acme.example",
            "--password",
            "short",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("password:"), "{:?}", text(&out));

    let out = run(
        &db,
        &[
            "user",
            "add-member",
            "--email",
            "ops@acme.example",
            "--org",
            "acme",
            "--role",
            "admin",
        ],
        None,
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let out = run(
        &db,
        &[
            "user",
            "add-member",
            "--email",
            "ops@acme.example",
            "--org",
            "nope",
            "--role",
            "admin",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("no organization with slug"),
        "{:?}",
        text(&out)
    );

    let out = run(&db, &["org", "list"], None);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains(&id.to_string()) && stdout.contains("acme") && stdout.contains("active"),
        "{stdout}"
    );

    let out = run(&db, &["org", "suspend", "--org", "acme"], None);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&run(&db, &["org", "list"], None))
        .0
        .contains("suspended"));

    // Every change was audited with the operator as actor.
    let mut tx = callboard::db::tx::platform(&db.app, callboard::db::PlatformAccess::operator())
        .await
        .unwrap();
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        actions,
        ["org.create", "user.create", "member.add", "org.suspend"]
    );
    let label: String = sqlx::query_scalar("SELECT actor_label FROM audit_log LIMIT 1")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(label.starts_with("cli:"));
}

#[tokio::test]
async fn bootstrap_and_demo_data() {
    let db = TestDb::new().await;
    let out = run(
        &db,
        &["create-super-admin", "--email", "boss@callboard.localhost"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{:?}", text(&out));
    // Running it again resets the password instead of failing.
    let out = run(
        &db,
        &[
            "create-super-admin",
            "--email",
            "boss@callboard.localhost",
            "--password",
            "another long password",
        ],
        None,
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let out = run(&db, &["seed-demo"], None);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("mesa-shuttle") && stdout.contains("northlight"),
        "{stdout}"
    );
    // Idempotent.
    assert!(run(&db, &["seed-demo"], None).status.success());
    let orgs = text(&run(&db, &["org", "list"], None)).0;
    assert_eq!(orgs.lines().count(), 3, "{orgs}");
    // The shuttle company has rides for its voice agent to look up.
    let said = text(&run(
        &db,
        &[
            "reservations",
            "find",
            "--org",
            "mesa-shuttle",
            "--confirmation",
            "mv 3100",
        ],
        None,
    ))
    .0;
    assert!(
        said.contains("MV-3100") && said.contains("Avery Lin"),
        "{said}"
    );
}

#[tokio::test]
async fn clear_errors_and_exit_codes() {
    let db = TestDb::new().await;
    let out = run(&db, &["org", "suspend", "--org", "ghost"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.starts_with("error:"), "{:?}", text(&out));
    let out = run(
        &db,
        &[
            "user",
            "add-member",
            "--email",
            "x@y.example",
            "--org",
            "ghost",
            "--role",
            "owner",
        ],
        None,
    );
    assert!(!out.status.success());

    // No database: a clear message, non-zero exit.
    let out = Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["org", "list"])
        .current_dir(std::env::temp_dir())
        .env(
            "DATABASE_URL",
            "postgresql://callboard_app@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the database"));
}

/// `org set-retell-key`, `agent create`, `simulate-calls` through a running
/// server, and `rotate-encryption-key`. Multi-threaded: the test server must
/// keep answering while this thread waits for the CLI process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_connect_agents_and_simulate_calls() {
    use base64::Engine;
    let db = std::sync::Arc::new(TestDb::new().await);
    let app = support::TestApp::spawn_with(db.clone(), |_| {}).await;
    support::fixture(&db.app).await;
    // The test server's key ([7; 32]), so both sides open the same secrets.
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let public = format!("http://127.0.0.1:{}", app.addr.port());
    let env = [
        ("CALLBOARD_ENCRYPTION_KEY", key.as_str()),
        ("CALLBOARD_PUBLIC_URL", public.as_str()),
    ];

    let out = run_env(
        &db,
        &["org", "set-retell-key", "--org", "alpha"],
        Some("key_cli_secret_9f2a\n"),
        &env,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("…9f2a") && !stdout.contains("key_cli_secret"),
        "{stdout}"
    );

    let out = run_env(
        &db,
        &[
            "agent",
            "create",
            "--org",
            "alpha",
            "--retell-agent-id",
            "agent_cli",
            "--name",
            "Front desk",
        ],
        None,
        &env,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let mut lines = stdout.lines();
    let id = lines.next().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{stdout}");
    assert_eq!(
        lines.next().unwrap(),
        format!("{public}/webhooks/agent/{id}")
    );

    let out = run_env(
        &db,
        &[
            "simulate-calls",
            "--org",
            "alpha",
            "--agent",
            &id,
            "--count",
            "4",
        ],
        None,
        &env,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout} {stderr}");
    assert!(stdout.contains("12 events accepted"), "{stdout}");
    let org = callboard::services::orgs::by_slug(
        &db.app,
        callboard::db::PlatformAccess::operator(),
        "alpha",
    )
    .await
    .unwrap();
    let ctx = callboard::db::TenantCtx::without_user(org.id);
    let mut tx = callboard::db::tx::tenant(&db.app, &ctx).await.unwrap();
    let (calls, analysed): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE summary IS NOT NULL AND duration_ms > 0) FROM calls",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((calls, analysed), (4, 4));

    // Without the key configured, secrets are refused rather than lost.
    let out = run_env(
        &db,
        &["org", "set-retell-key", "--org", "alpha"],
        Some("k\n"),
        &[("CALLBOARD_PUBLIC_URL", public.as_str())],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("CALLBOARD_ENCRYPTION_KEY"));

    // Rotation: a new key, the old one as previous.
    let new_key = base64::engine::general_purpose::STANDARD.encode([8u8; 32]);
    let out = run_env(
        &db,
        &["rotate-encryption-key"],
        None,
        &[
            ("CALLBOARD_ENCRYPTION_KEY", new_key.as_str()),
            ("CALLBOARD_ENCRYPTION_KEY_PREVIOUS", key.as_str()),
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("re-sealed 1 credential"), "{stdout}");
}

#[tokio::test]
async fn operators_record_phone_numbers() {
    let db = TestDb::new().await;
    for slug in ["acme", "other"] {
        let out = run(
            &db,
            &["org", "create", "--name", slug, "--slug", slug],
            None,
        );
        assert!(out.status.success(), "{:?}", text(&out));
    }
    let out = run(
        &db,
        &[
            "number",
            "add",
            "--org",
            "acme",
            "--number",
            "+1 (415) 555-0123",
        ],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    uuid::Uuid::parse_str(stdout.trim()).expect("prints the number's id");

    // One organization per number, platform-wide.
    let out = run(
        &db,
        &[
            "number",
            "add",
            "--org",
            "other",
            "--number",
            "+14155550123",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("already registered"),
        "{:?}",
        text(&out)
    );

    let out = run(
        &db,
        &["number", "add", "--org", "acme", "--number", "555-0123"],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out)
            .1
            .contains("number: Enter the number in international format"),
        "{:?}",
        text(&out)
    );

    let out = run(&db, &["number", "list", "--org", "acme"], None);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("+14155550123"), "{stdout}");
    assert!(stdout.contains("Waiting for the first call"), "{stdout}");
}

#[tokio::test]
async fn operators_export_calls_as_csv() {
    let db = TestDb::new().await;
    let out = run(
        &db,
        &["org", "create", "--name", "Export Co", "--slug", "exportco"],
        None,
    );
    let org = uuid::Uuid::parse_str(text(&out).0.trim()).unwrap();
    // Two calls on Nov 10 (Phoenix), one of them a test call, and one a month before.
    let ctx = callboard::db::TenantCtx::without_user(org);
    let mut tx = callboard::db::tx::tenant(&db.app, &ctx).await.unwrap();
    for (id, kind, start) in [
        ("c1", "phone_call", "2026-11-10T15:00:00Z"),
        ("c2", "web_call", "2026-11-10T16:00:00Z"),
        ("c3", "phone_call", "2026-10-10T16:00:00Z"),
    ] {
        sqlx::query(
            "INSERT INTO calls (organization_id, provider_call_id, call_type, started_at, duration_ms)
             VALUES ($1, $2, $3, $4::timestamptz, 61000)",
        )
        .bind(org)
        .bind(id)
        .bind(kind)
        .bind(start)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let out = run(
        &db,
        &[
            "calls",
            "export",
            "--org",
            "exportco",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], callboard::services::export::COLUMNS.join(","));
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[1].contains(",web,") && lines[2].contains(",inbound,"));

    let out = run(
        &db,
        &["calls", "export", "--org", "exportco", "--billable", "true"],
        None,
    );
    let stdout = text(&out).0;
    assert_eq!(
        stdout.lines().count(),
        3,
        "both billable calls, any date: {stdout}"
    );
    assert!(stdout.contains(",0.80,true,"), "2 min at 40 ¢: {stdout}");

    let out = run(&db, &["calls", "export", "--org", "nosuch"], None);
    assert!(!out.status.success());
}

#[tokio::test]
async fn an_organization_is_deleted_from_the_shell_only_with_its_slug_confirmed() {
    let db = TestDb::new().await;
    let out = run(
        &db,
        &["org", "create", "--name", "Gone Soon", "--slug", "gone"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out).1);

    let out = run(
        &db,
        &["org", "delete", "--org", "gone", "--confirm", "gon"],
        None,
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("Type gone to confirm"), "{stderr}");

    let out = run(
        &db,
        &["org", "delete", "--org", "gone", "--confirm", "gone"],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("deleted gone in "), "{stdout}");
    let out = run(&db, &["org", "list"], None);
    assert!(!text(&out).0.contains("gone"));
}

#[tokio::test]
async fn operators_import_reservations_and_find_one() {
    let db = TestDb::new().await;
    let out = run(
        &db,
        &["org", "create", "--name", "Acme", "--slug", "acme"],
        None,
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let dir = tempfile_dir();
    let good = dir.join("reservations.csv");
    std::fs::write(
        &good,
        "confirmation_number,pickup_at,passenger_name\nDS-4411,2026-12-05 06:30,Jane Roe\n",
    )
    .unwrap();
    let path = good.to_str().unwrap();
    let out = run(
        &db,
        &[
            "reservations",
            "import",
            "--org",
            "acme",
            "--file",
            path,
            "--replace",
        ],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("imported 1 reservations (replace)"),
        "{stdout}"
    );
    let out = run(
        &db,
        &[
            "reservations",
            "find",
            "--org",
            "acme",
            "--confirmation",
            "ds 4411",
        ],
        None,
    );
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Jane Roe"), "{stdout}");
    // A bad row: every problem on stderr, a non-zero exit, nothing stored.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "confirmation_number,pickup_at\nDS-1,soon\n").unwrap();
    let out = run(
        &db,
        &[
            "reservations",
            "import",
            "--org",
            "acme",
            "--file",
            bad.to_str().unwrap(),
        ],
        None,
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("line 2, pickup_at"), "{stderr}");
    let out = run(
        &db,
        &[
            "reservations",
            "find",
            "--org",
            "acme",
            "--confirmation",
            "DS-1",
        ],
        None,
    );
    assert!(text(&out).0.contains("could not find"));
}

/// A fresh directory for this test's files.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("callboard-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
