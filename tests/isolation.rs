//! Tenant isolation, proven against real PostgreSQL as the server's own role
//! (`callboard_app`: not superuser, no BYPASSRLS, owns nothing). Every
//! negative check is paired with the positive one.

mod support;

use callboard::db::{self, PlatformAccess, TenantCtx};
use callboard::domain::Role;
use sqlx::{PgPool, Row};
use support::{fixture, TestDb};
use uuid::Uuid;

fn ctx(org: Uuid) -> TenantCtx {
    TenantCtx::without_user(org)
}

async fn count_in(pool: &PgPool, org: Uuid, sql: &str) -> i64 {
    let mut tx = db::tx::tenant(pool, &ctx(org)).await.unwrap();
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

fn sqlstate(err: &sqlx::Error) -> Option<String> {
    err.as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.to_string())
}

#[tokio::test]
async fn memberships_are_invisible_across_tenants() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    // Positive: each tenant sees exactly its own memberships (alpha 3, bravo 2).
    assert_eq!(
        count_in(&db.app, f.alpha.id, "SELECT count(*) FROM memberships").await,
        3
    );
    assert_eq!(
        count_in(&db.app, f.bravo.id, "SELECT count(*) FROM memberships").await,
        2
    );
    // Negative: even asking for the other tenant's rows by id finds nothing.
    let sql = format!(
        "SELECT count(*) FROM memberships WHERE organization_id = '{}'",
        f.bravo.id
    );
    assert_eq!(count_in(&db.app, f.alpha.id, &sql).await, 0);
    // The shared user is visible in both, but only with the local role.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1")
        .bind(f.shared)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(roles, vec!["viewer"]);
}

#[tokio::test]
async fn cannot_insert_into_another_tenant() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let newcomer = support::make_user(&db.app, "new@alpha.example", false).await;

    // Negative: acting as alpha, a row claiming bravo is refused by the policy.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let err = sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'admin')",
    )
    .bind(f.bravo.id)
    .bind(newcomer)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"), "{err}");
    drop(tx);

    // Positive: the same insert for alpha's own id succeeds.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'viewer')",
    )
    .bind(f.alpha.id)
    .bind(newcomer)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Audit rows too.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let err = sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_label, action) VALUES ($1, 'x', 'y')",
    )
    .bind(f.bravo.id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_label, action) VALUES ($1, 'x', 'y')",
    )
    .bind(f.alpha.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_foreign_parent_id_fails_exactly_like_a_missing_one() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let user = support::make_user(&db.app, "probe@alpha.example", false).await;
    let mut errors = Vec::new();
    for org in [f.bravo.id, Uuid::new_v4()] {
        let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
        let err = sqlx::query(
            "INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'admin')",
        )
        .bind(org)
        .bind(user)
        .execute(&mut *tx)
        .await
        .unwrap_err();
        errors.push((
            sqlstate(&err),
            err.as_database_error().map(|e| e.message().to_string()),
        ));
    }
    assert_eq!(
        errors[0], errors[1],
        "another tenant's id must be indistinguishable from no id"
    );
}

#[tokio::test]
async fn cannot_move_a_row_to_another_tenant() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let err = sqlx::query("UPDATE memberships SET organization_id = $1 WHERE user_id = $2")
        .bind(f.bravo.id)
        .bind(f.alpha_viewer)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"), "{err}");
    drop(tx);
    // Positive: an in-tenant update of the same row works.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let n = sqlx::query("UPDATE memberships SET role = 'admin' WHERE user_id = $1")
        .bind(f.alpha_viewer)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn updates_and_deletes_of_another_tenants_rows_affect_nothing() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let updated = sqlx::query("UPDATE memberships SET role = 'viewer' WHERE organization_id = $1")
        .bind(f.bravo.id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    let deleted = sqlx::query("DELETE FROM memberships WHERE organization_id = $1")
        .bind(f.bravo.id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    tx.commit().await.unwrap();
    assert_eq!((updated, deleted), (0, 0));
    // Positive: bravo's rows are intact, and bravo itself can change them.
    assert_eq!(
        count_in(
            &db.app,
            f.bravo.id,
            "SELECT count(*) FROM memberships WHERE role = 'admin'"
        )
        .await,
        2
    );
    let mut tx = db::tx::tenant(&db.app, &ctx(f.bravo.id)).await.unwrap();
    let n = sqlx::query("UPDATE memberships SET role = 'viewer' WHERE user_id = $1")
        .bind(f.shared)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn organizations_and_users_are_scoped_too() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    assert_eq!(
        count_in(&db.app, f.alpha.id, "SELECT count(*) FROM organizations").await,
        1
    );
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT slug::text FROM organizations")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(names, vec!["alpha"]);
    // Users: alpha sees its three members, not bravo's admin nor the super admin.
    let mut emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    emails.sort();
    assert_eq!(
        emails,
        vec![
            "admin@alpha.example",
            "shared@both.example",
            "viewer@alpha.example"
        ]
    );
    drop(tx);
    // Tenants cannot write organizations at all.
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    let err = sqlx::query("UPDATE organizations SET name = 'x'")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
}

#[tokio::test]
async fn the_app_role_never_reads_password_hashes() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::tenant(&db.app, &TenantCtx::user(f.alpha.id, f.alpha_admin))
        .await
        .unwrap();
    let err = sqlx::query("SELECT password_hash FROM users")
        .fetch_all(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    // Positive: sign-in's path can, through its one function.
    let mut tx = db::tx::platform(&db.app, PlatformAccess::sign_in())
        .await
        .unwrap();
    let creds = db::users::credentials(&mut tx, "admin@alpha.example")
        .await
        .unwrap()
        .unwrap();
    assert!(creds.password_hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn no_context_means_no_rows_and_no_writes() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    for table in ["memberships", "audit_log", "organizations", "users"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&db.app)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} without context");
    }
    let err = sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'admin')",
    )
    .bind(f.alpha.id)
    .bind(f.bravo_admin)
    .execute(&db.app)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    // An empty setting is the same as none.
    let mut tx = db.app.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.org_id', '', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    drop(tx);
    // Garbage is an error, not a match.
    let mut tx = db.app.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.org_id', 'not-a-uuid', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert!(sqlx::query("SELECT count(*) FROM memberships")
        .fetch_one(&mut *tx)
        .await
        .is_err());
}

#[tokio::test]
async fn a_reused_connection_carries_no_context() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let one = db.app_pool(1).await;
    let mut tx = db::tx::tenant(&one, &ctx(f.alpha.id)).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = one.begin().await.unwrap();
    let again: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(pid, again, "the pool of one reused its connection");
    let setting: Option<String> = sqlx::query_scalar("SELECT current_setting('app.org_id', true)")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(setting.unwrap_or_default().is_empty());
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let role: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        role, "callboard_app",
        "SET LOCAL ROLE must not outlive its transaction"
    );
}

async fn memberships_and_settings(tx: &mut db::Tx) -> (i64, String, String) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM memberships), current_setting('plan_cache_mode'),
                coalesce(current_setting('app.rollups', true), '')",
    )
    .fetch_one(&mut **tx)
    .await
    .unwrap()
}

/// Ingestion's transactions (`db::tx::ingestion`) are tenant transactions
/// like any other, and their settings end with them: the next user of the
/// connection plans as usual and its calls reach the rollups by trigger.
#[tokio::test]
async fn an_ingestion_transaction_is_scoped_and_leaves_nothing_behind() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let one = db.app_pool(1).await;
    let mut tx = db::tx::ingestion(&one, &ctx(f.alpha.id)).await.unwrap();
    let (n, mode, rollups) = memberships_and_settings(&mut tx).await;
    assert_eq!((n, mode.as_str()), (3, "force_generic_plan"));
    assert!(rollups.starts_with("by_statement:"), "{rollups}");
    tx.commit().await.unwrap();

    let mut tx = db::tx::tenant(&one, &ctx(f.bravo.id)).await.unwrap();
    let (n, mode, rollups) = memberships_and_settings(&mut tx).await;
    assert_eq!((n, mode.as_str(), rollups.as_str()), (2, "auto", ""));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_platform_role_does_not_leak_into_the_next_transaction() {
    let db = TestDb::new().await;
    support::fixture(&db.app).await;
    let one = db.app_pool(1).await;
    let tx = db::tx::platform(&one, PlatformAccess::operator())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM organizations")
        .fetch_one(&one)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn every_tenant_table_has_forced_rls_and_no_open_policy_for_the_app() {
    let db = TestDb::new().await;
    let rows = sqlx::query(
        "SELECT c.relname::text AS name, c.relrowsecurity, c.relforcerowsecurity,
                (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r'
            AND EXISTS (SELECT 1 FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)",
    )
    .fetch_all(&db.app)
    .await
    .unwrap();
    assert!(rows.len() >= 2, "expected the tenant tables");
    for r in &rows {
        let name: String = r.get("name");
        assert!(
            r.get::<bool, _>("relrowsecurity"),
            "{name}: RLS not enabled"
        );
        assert!(
            r.get::<bool, _>("relforcerowsecurity"),
            "{name}: RLS not forced"
        );
        assert!(r.get::<i64, _>("policies") > 0, "{name}: no policy");
    }
    // No policy that admits everything applies to the app role or PUBLIC.
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT tablename || '.' || policyname FROM pg_policies
          WHERE schemaname = 'public'
            AND (roles && ARRAY['callboard_app', 'public']::name[])
            AND (qual = 'true' OR with_check = 'true')",
    )
    .fetch_all(&db.app)
    .await
    .unwrap();
    assert!(open.is_empty(), "open policies for the app role: {open:?}");
    // Views (if any) run with the caller's rights.
    let definer_views: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'v'
            AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)",
    )
    .fetch_all(&db.app)
    .await
    .unwrap();
    assert!(definer_views.is_empty(), "{definer_views:?}");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_label, action) VALUES ($1, 'me', 'test')",
    )
    .bind(f.alpha.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for sql in [
        "UPDATE audit_log SET action = 'forged'",
        "DELETE FROM audit_log",
    ] {
        let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.unwrap_err();
        assert_eq!(sqlstate(&err).as_deref(), Some("42501"), "tenant: {sql}");
        drop(tx);
        let mut tx = db::tx::platform(&db.app, PlatformAccess::operator())
            .await
            .unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.unwrap_err();
        assert_eq!(sqlstate(&err).as_deref(), Some("42501"), "platform: {sql}");
    }
    assert_eq!(
        count_in(
            &db.app,
            f.alpha.id,
            "SELECT count(*) FROM audit_log WHERE action = 'test'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_server_refuses_unsafe_roles() {
    let db = TestDb::new().await;
    // The app role passes the start-up check...
    callboard::db::roles::check_app_role(&db.app).await.unwrap();
    let (sup, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&db.app)
            .await
            .unwrap();
    assert!(!sup && !bypass);
    // ...and cannot become the owner.
    let err = sqlx::query("SET ROLE callboard_owner")
        .execute(&db.app)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    // The owner role is refused: it owns the tables.
    let owner = db.owner_pool().await;
    let err = callboard::db::roles::check_app_role(&owner)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("owns"), "{err}");
}

#[tokio::test]
async fn role_changes_through_the_domain_layer_stay_in_tenant() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let mut tx = db::tx::tenant(&db.app, &ctx(f.alpha.id)).await.unwrap();
    // Alpha tries to promote the shared user inside bravo via the db layer.
    let n = db::memberships::set_role(&mut tx, f.bravo.id, f.shared, Role::Viewer)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let n = db::memberships::remove(&mut tx, f.bravo.id, f.bravo_admin)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let list = db::memberships::list(&mut tx, f.bravo.id).await.unwrap();
    assert!(list.is_empty());
    tx.commit().await.unwrap();
    assert_eq!(
        count_in(&db.app, f.bravo.id, "SELECT count(*) FROM memberships").await,
        2
    );
}

/// The ingestion tables (credentials, agents, webhook events, calls,
/// counters): another organization cannot read, change, delete or insert.
#[tokio::test]
async fn ingestion_tables_are_isolated() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let (a, b) = (f.alpha.id, f.bravo.id);
    // Alpha's rows, written in alpha's own transaction.
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    let agent: Uuid = sqlx::query_scalar(
        "INSERT INTO agents (organization_id, provider_agent_id, name) VALUES ($1, 'ag', 'A') RETURNING id",
    )
    .bind(a)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    for sql in [
        "INSERT INTO credentials (organization_id, kind, key_id, nonce, ciphertext, last4)
         VALUES ($1, 'voice_api_key', 'k', '\\x000000000000000000000000', '\\x00', 'abcd')",
        "INSERT INTO calls (organization_id, provider_call_id, call_type, agent_id) VALUES ($1, 'c1', 'phone_call', $2)",
        "INSERT INTO webhook_events (organization_id, agent_id, body_sha256, body, outcome) VALUES ($1, $2, '\\x01', '\\x7b7d', 'stored')",
        "INSERT INTO webhook_counters (organization_id, agent_id, hour, outcome, count) VALUES ($1, $2, now(), 'rejected_signature', 1)",
    ] {
        sqlx::query(sql).bind(a).bind(agent).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    let tables = [
        "credentials",
        "agents",
        "calls",
        "webhook_events",
        "webhook_counters",
    ];
    for t in tables {
        let sql = format!("SELECT count(*) FROM {t}");
        assert_eq!(count_in(&db.app, b, &sql).await, 0, "bravo reads {t}");
        assert!(
            count_in(&db.app, a, &sql).await > 0,
            "alpha reads its own {t}"
        );
    }
    // Updates and deletes from bravo touch nothing.
    for (t, set) in [
        ("credentials", "last4 = 'zzzz'"),
        ("agents", "name = 'stolen'"),
        ("calls", "billable_override = false"),
        ("webhook_counters", "count = 0"),
    ] {
        let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
        let n = sqlx::query(&format!("UPDATE {t} SET {set}"))
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(n, 0, "bravo updated {t}");
        let n = sqlx::query(&format!("DELETE FROM {t}"))
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(n, 0, "bravo deleted from {t}");
        // Moving alpha's row to bravo is impossible even for alpha.
        tx.commit().await.unwrap();
        let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
        let moved = sqlx::query(&format!("UPDATE {t} SET organization_id = $1"))
            .bind(b)
            .execute(&mut *tx)
            .await;
        assert_eq!(
            sqlstate(&moved.unwrap_err()).as_deref(),
            Some("42501"),
            "moving {t}"
        );
    }
    // Inserting rows that claim alpha from bravo's transaction fails.
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let err = sqlx::query(
        "INSERT INTO agents (organization_id, provider_agent_id, name) VALUES ($1, 'x', 'X')",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let err = sqlx::query("INSERT INTO calls (organization_id, provider_call_id, call_type) VALUES ($1, 'x', 'phone_call')")
        .bind(a)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    // The app role may not rewrite stored events, even its own.
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    let err = sqlx::query("UPDATE webhook_events SET outcome = 'merged'")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
}

/// Agent settings, phone numbers and logos: another organization cannot read,
/// change, delete, or insert rows claiming the first.
#[tokio::test]
async fn settings_numbers_and_logos_are_isolated() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let (a, b) = (f.alpha.id, f.bravo.id);
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    for sql in [
        "INSERT INTO agent_settings (organization_id, company_name) VALUES ($1, 'Alpha Co')",
        "INSERT INTO phone_numbers (organization_id, number) VALUES ($1, '+15205550001')",
        "INSERT INTO org_assets (organization_id, kind, content_type, bytes, sha256)
         VALUES ($1, 'logo', 'image/png', '\\x89504e47', 'abc')",
    ] {
        sqlx::query(sql).bind(a).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    for (t, set) in [
        ("agent_settings", "company_name = 'stolen'"),
        ("phone_numbers", "status = 'connected'"),
        ("org_assets", "sha256 = 'stolen'"),
    ] {
        let sql = format!("SELECT count(*) FROM {t}");
        assert_eq!(count_in(&db.app, b, &sql).await, 0, "bravo reads {t}");
        assert_eq!(
            count_in(&db.app, a, &sql).await,
            1,
            "alpha reads its own {t}"
        );
        let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
        for write in [format!("UPDATE {t} SET {set}"), format!("DELETE FROM {t}")] {
            let n = sqlx::query(&write)
                .execute(&mut *tx)
                .await
                .unwrap()
                .rows_affected();
            assert_eq!(n, 0, "bravo: {write}");
        }
        tx.commit().await.unwrap();
        let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
        let moved = sqlx::query(&format!("UPDATE {t} SET organization_id = $1"))
            .bind(b)
            .execute(&mut *tx)
            .await;
        assert_eq!(
            sqlstate(&moved.unwrap_err()).as_deref(),
            Some("42501"),
            "moving {t}"
        );
    }
    for sql in [
        "INSERT INTO agent_settings (organization_id, company_name) VALUES ($1, 'Fake')",
        "INSERT INTO phone_numbers (organization_id, number) VALUES ($1, '+15205550002')",
        "INSERT INTO org_assets (organization_id, kind, content_type, bytes, sha256)
         VALUES ($1, 'favicon', 'image/png', '\\x89504e47', 'x')",
    ] {
        let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
        let err = sqlx::query(sql)
            .bind(a)
            .execute(&mut *tx)
            .await
            .unwrap_err();
        assert_eq!(sqlstate(&err).as_deref(), Some("42501"), "{sql}");
    }
    // Alpha's values are untouched.
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    let name: String = sqlx::query_scalar("SELECT company_name FROM agent_settings")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(name, "Alpha Co");
}

#[tokio::test]
async fn rollups_and_rates_are_isolated() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let (a, b) = (f.alpha.id, f.bravo.id);
    // A call makes alpha's rollup rows (through the trigger, as the app role);
    // a rate is set on the platform path, the only one allowed to.
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    sqlx::query(
        "INSERT INTO calls (organization_id, provider_call_id, call_type, started_at, duration_ms)
         VALUES ($1, 'call_iso', 'phone_call', now(), 61000)",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db::tx::platform(&db.app, db::PlatformAccess::operator())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO org_rates (organization_id, billing_cents_per_minute, cogs_cents_per_minute)
         VALUES ($1, 50, 25)",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    for t in ["call_rollups", "org_rates"] {
        let sql = format!("SELECT count(*) FROM {t}");
        assert_eq!(count_in(&db.app, b, &sql).await, 0, "bravo reads {t}");
        assert!(
            count_in(&db.app, a, &sql).await >= 1,
            "alpha reads its own {t}"
        );
    }
    // Bravo can neither change alpha's sums nor plant its own in alpha's name.
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let n = sqlx::query("UPDATE call_rollups SET calls = calls + 100")
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 0);
    tx.commit().await.unwrap();
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let err = sqlx::query(
        "INSERT INTO call_rollups (organization_id, hour, is_billable, slot, calls)
         VALUES ($1, date_trunc('hour', now()), true, 0, 100)",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    // Rates are read-only for every tenant, its own included.
    for org in [a, b] {
        let mut tx = db::tx::tenant(&db.app, &ctx(org)).await.unwrap();
        let err = sqlx::query(
            "INSERT INTO org_rates (organization_id, billing_cents_per_minute, cogs_cents_per_minute)
             VALUES ($1, 1, 1)",
        )
        .bind(org)
        .execute(&mut *tx)
        .await
        .unwrap_err();
        assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    }
}

/// The rollup triggers stand aside only for ingestion's own transaction: the
/// setting, made any other way, switches nothing off.
#[tokio::test]
async fn only_ingestion_can_switch_off_the_rollup_triggers() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let one = db.app_pool(1).await;
    // Left behind at session level, and set by hand in this transaction.
    sqlx::query("SET app.rollups = 'by_statement'")
        .execute(&one)
        .await
        .unwrap();
    let mut tx = db::tx::tenant(&one, &ctx(f.alpha.id)).await.unwrap();
    sqlx::query("SELECT set_config('app.rollups', 'by_statement', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO calls (organization_id, provider_call_id, call_type, duration_ms)
         VALUES ($1, 'c_roll', 'phone_call', 61000)",
    )
    .bind(f.alpha.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    let (calls, minutes): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(billed_minutes), 0)::bigint
           FROM call_rollups",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!((calls, minutes), (1, 2), "the trigger counted the call");
    tx.commit().await.unwrap();
}

/// Procedural functions run with a fixed search_path.
#[tokio::test]
async fn procedural_functions_pin_their_search_path() {
    let db = TestDb::new().await;
    let unpinned: Vec<String> = sqlx::query_scalar(
        "SELECT p.oid::regprocedure::text
           FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           JOIN pg_language l ON l.oid = p.prolang
          WHERE n.nspname IN ('app', 'public')
            AND (l.lanname = 'plpgsql' OR p.prorettype = 'trigger'::regtype OR p.prosecdef)
            AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c
                             WHERE c LIKE 'search_path=%')",
    )
    .fetch_all(&db.app)
    .await
    .unwrap();
    assert!(unpinned.is_empty(), "{unpinned:?}");
    let pinned: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'app' AND p.proconfig IS NOT NULL",
    )
    .fetch_one(&db.app)
    .await
    .unwrap();
    assert!(pinned >= 3, "the trigger functions were found: {pinned}");
}

/// Billing review requests: another organization cannot read, change or
/// forge them.
#[tokio::test]
async fn billing_reviews_are_isolated() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let (a, b) = (f.alpha.id, f.bravo.id);
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    let call: Uuid = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, provider_call_id, call_type) VALUES ($1, 'c1', 'phone_call') RETURNING id",
    )
    .bind(a)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    sqlx::query("INSERT INTO billing_reviews (organization_id, call_id, requested_by) VALUES ($1, $2, 'a@x')")
        .bind(a)
        .bind(call)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let sql = "SELECT count(*) FROM billing_reviews";
    assert_eq!(count_in(&db.app, b, sql).await, 0, "bravo reads them");
    assert_eq!(count_in(&db.app, a, sql).await, 1, "alpha reads its own");
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let n = sqlx::query("UPDATE billing_reviews SET note = 'stolen'")
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 0);
    let err = sqlx::query("INSERT INTO billing_reviews (organization_id, call_id, requested_by) VALUES ($1, $2, 'b@x')")
        .bind(a)
        .bind(call)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    // Pointing bravo's request at alpha's call fails like a missing call.
    let mut tx = db::tx::tenant(&db.app, &ctx(b)).await.unwrap();
    let err = sqlx::query("INSERT INTO billing_reviews (organization_id, call_id, requested_by) VALUES ($1, $2, 'b@x')")
        .bind(b)
        .bind(call)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("23503"));
    drop(tx);
    let mut tx = db::tx::tenant(&db.app, &ctx(a)).await.unwrap();
    let moved = sqlx::query("UPDATE billing_reviews SET organization_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await;
    assert!(moved.is_err(), "moving a request to bravo");
}

/// The lookup role (unauthenticated paths) reads only what its lookups
/// need and writes nothing; the console's role reads no password hashes.
#[tokio::test]
async fn the_lookup_role_reads_little_and_writes_nothing() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let lookup = |sql: &'static str| {
        let pool = db.app.clone();
        async move {
            let mut tx = db::tx::platform(&pool, PlatformAccess::sign_in())
                .await
                .unwrap();
            let r = sqlx::query(sql)
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected());
            drop(tx);
            r
        }
    };
    // What it is for.
    for sql in [
        "SELECT id, name, slug, subdomain, custom_domain, status FROM organizations",
        "SELECT organization_id, role FROM memberships",
        "SELECT id FROM app.sign_in_credentials('admin@alpha.example')",
    ] {
        assert!(lookup(sql).await.is_ok(), "{sql}");
    }
    // What it must not do.
    for sql in [
        "SELECT password_hash FROM users",
        "SELECT email FROM users",
        "SELECT count(*) FROM calls",
        "SELECT count(*) FROM webhook_events",
        "SELECT last4 FROM credentials",
        "SELECT count(*) FROM audit_log",
        "SELECT count(*) FROM tower_sessions.session",
        "UPDATE organizations SET name = 'x'",
        "DELETE FROM agents",
        "INSERT INTO audit_log (actor_label, action) VALUES ('x', 'org.delete')",
        "SELECT app.record_auth(NULL, NULL, 'x', 'org.delete', NULL, '{}', NULL)",
    ] {
        let err = lookup(sql).await.expect_err(sql);
        let state = sqlstate(&err);
        assert!(
            matches!(state.as_deref(), Some("42501") | Some("P0001")),
            "{sql}: {err}"
        );
    }
    // The console's role sets passwords but reads no hash.
    let mut tx = db::tx::platform(&db.app, PlatformAccess::operator())
        .await
        .unwrap();
    let err = sqlx::query("SELECT password_hash FROM users")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
    drop(tx);
    let mut tx = db::tx::platform(&db.app, PlatformAccess::operator())
        .await
        .unwrap();
    db::users::set_password(&mut tx, f.alpha_admin, "$argon2id$v=19$m=19456,t=2,p=1$x$y")
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    // The app role itself cannot call the hash function.
    let err = sqlx::query("SELECT * FROM app.sign_in_credentials('admin@alpha.example')")
        .execute(&db.app)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("42501"));
}
