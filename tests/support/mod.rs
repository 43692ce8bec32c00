//! Test support: a fresh database per test, cloned from the migrated template
//! that scripts/test prepares, reached as the same non-owner role the server
//! uses; and the real router served on a random loopback port.
#![allow(dead_code)]

pub mod fake_retell;
pub mod proxy;
pub mod recording_store;

use callboard::auth::password;
use callboard::config::Config;
use callboard::db::{self, PlatformAccess};
use callboard::domain::{OrgSummary, Role};
use callboard::server::router;
use callboard::state::AppState;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use uuid::Uuid;

pub const BASE: &str = "callboard.localhost";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestDb {
    pub name: String,
    pub app: PgPool,
    super_opts: PgConnectOptions,
}

impl TestDb {
    pub async fn new() -> Self {
        let super_url = std::env::var("CALLBOARD_TEST_PG_SUPER")
            .expect("CALLBOARD_TEST_PG_SUPER is not set: run the tests through scripts/test");
        let template = std::env::var("CALLBOARD_TEST_TEMPLATE")
            .unwrap_or_else(|_| "callboard_test_template".into());
        let super_opts = PgConnectOptions::from_str(&super_url).expect("superuser URL");
        let name = format!("cbt_{}", Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&super_opts)
            .await
            .expect("connect as superuser");
        let mut tries = 0;
        loop {
            let sql =
                format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" OWNER callboard_owner");
            match conn.execute(sql.as_str()).await {
                Ok(_) => break,
                // Another test may be cloning the template at this very moment.
                Err(e) if tries < 20 => {
                    tries += 1;
                    eprintln!("retrying database creation: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100 * tries)).await;
                }
                Err(e) => panic!("cannot create the test database: {e}"),
            }
        }
        let app = Self::pool(&super_opts, &name, "callboard_app", 5).await;
        TestDb {
            name,
            app,
            super_opts,
        }
    }

    async fn pool(super_opts: &PgConnectOptions, name: &str, user: &str, max: u32) -> PgPool {
        PgPoolOptions::new()
            .max_connections(max)
            .connect_with(super_opts.clone().username(user).database(name))
            .await
            .expect("connect to the test database")
    }

    /// Another pool as the app role, with exactly `max` connections.
    pub async fn app_pool(&self, max: u32) -> PgPool {
        Self::pool(&self.super_opts, &self.name, "callboard_app", max).await
    }

    /// A pool as the owner role (the one that runs migrations).
    pub async fn owner_pool(&self) -> PgPool {
        Self::pool(&self.super_opts, &self.name, "callboard_owner", 2).await
    }

    /// A pool as the superuser, which row-level security does not bind:
    /// for a test to arrange what no role of the app may (an expired link).
    pub async fn super_pool(&self) -> PgPool {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect_with(self.super_opts.clone().database(&self.name))
            .await
            .expect("connect as superuser")
    }

    /// The app role's connection options for this database.
    pub fn app_options(&self) -> PgConnectOptions {
        self.super_opts
            .clone()
            .username("callboard_app")
            .database(&self.name)
    }

    pub fn app_url(&self) -> String {
        let host = self.super_opts.get_host();
        let port = self.super_opts.get_port();
        format!("postgresql://callboard_app@{host}:{port}/{}", self.name)
    }
}

/// One argon2 hash for every fixture user, computed once per test binary.
pub fn fixture_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash_blocking(PASSWORD).unwrap())
}

pub async fn make_org(pool: &PgPool, slug: &str) -> OrgSummary {
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    let name = format!("Org {slug}");
    let new = db::orgs::NewOrg {
        name: &name,
        slug,
        subdomain: slug,
        custom_domain: None,
    };
    let id = db::orgs::insert(&mut tx, &new).await.unwrap();
    let org = db::orgs::get(&mut tx, id).await.unwrap();
    tx.commit().await.unwrap();
    org
}

pub async fn make_user(pool: &PgPool, email: &str, super_admin: bool) -> Uuid {
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    let id = db::users::insert(&mut tx, email, fixture_hash(), super_admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn make_member(pool: &PgPool, org: Uuid, user: Uuid, role: Role) {
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    db::memberships::upsert(&mut tx, org, user, role)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Sets an organization's rates from `from` on (the platform path, as the
/// console does).
pub async fn set_rate(pool: &PgPool, org: Uuid, from: &str, billing_cents: &str) {
    let mut tx = db::tx::platform(pool, PlatformAccess::operator())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO org_rates (organization_id, effective_from, billing_cents_per_minute,
            cogs_cents_per_minute) VALUES ($1, $2::timestamptz, $3::numeric, 20)",
    )
    .bind(org)
    .bind(from)
    .bind(billing_cents)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// An active agent named `name` (written as the owner: `su` bypasses RLS
/// for arranging).
pub async fn make_agent(su: &PgPool, org: Uuid, name: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO agents (organization_id, provider_agent_id, name, status)
         VALUES ($1, $2, $3, 'active') RETURNING id",
    )
    .bind(org)
    .bind(format!("agent_{}", Uuid::new_v4().simple()))
    .bind(name)
    .fetch_one(su)
    .await
    .unwrap()
}

/// Two organizations whose data overlaps: one person belongs to both, and
/// each has an admin and a viewer of its own.
pub struct Fixture {
    pub alpha: OrgSummary,
    pub bravo: OrgSummary,
    pub super_admin: Uuid,
    pub alpha_admin: Uuid,
    pub alpha_viewer: Uuid,
    pub bravo_admin: Uuid,
    pub shared: Uuid,
}

pub async fn fixture(pool: &PgPool) -> Fixture {
    let alpha = make_org(pool, "alpha").await;
    let bravo = make_org(pool, "bravo").await;
    let super_admin = make_user(pool, "root@callboard.localhost", true).await;
    let alpha_admin = make_user(pool, "admin@alpha.example", false).await;
    let alpha_viewer = make_user(pool, "viewer@alpha.example", false).await;
    let bravo_admin = make_user(pool, "admin@bravo.example", false).await;
    let shared = make_user(pool, "shared@both.example", false).await;
    make_member(pool, alpha.id, alpha_admin, Role::Admin).await;
    make_member(pool, alpha.id, alpha_viewer, Role::Viewer).await;
    make_member(pool, alpha.id, shared, Role::Viewer).await;
    make_member(pool, bravo.id, bravo_admin, Role::Admin).await;
    make_member(pool, bravo.id, shared, Role::Admin).await;
    Fixture {
        alpha,
        bravo,
        super_admin,
        alpha_admin,
        alpha_viewer,
        bravo_admin,
        shared,
    }
}

pub fn test_config(port: u16) -> Config {
    Config {
        database_url: String::new(),
        database_admin_url: String::new(),
        site_addr: SocketAddr::from(([127, 0, 0, 1], port)),
        base_domain: BASE.into(),
        public_url: format!("http://{BASE}:{port}"),
        encryption_key: [7; 32],
        previous_encryption_keys: vec![],
        retell_api_base: "http://127.0.0.1:9".into(),
        metrics_token: None,
        // Tests change agents behind the server's back; production uses 5 s.
        webhook_cache_ms: 0,
        host_cache_ms: 0,
        impersonation_minutes: 30,
        summary_cache_ms: 0,
        production: false,
        sign_in_per_ip_per_minute: 1000,
        sign_in_per_account_per_minute: 1000,
        db_max_connections: 5,
        ingest_transactions: 4,
        site_root: "target/site".into(),
        recording: callboard::media::MediaPolicy {
            hosts: vec!["recordings.test".into()],
            max_bytes: 1024 * 1024,
            timeout: std::time::Duration::from_secs(10),
            ..Default::default()
        },
        trusted_proxies: vec![],
        session_max_days: 7,
        request_timeout_secs: 30,
        max_concurrent_requests: 512,
        smtp_url: None,
        mail_from: "no-reply@callboard.test".into(),
        invitation_days: 7,
        require_2fa_for_super_admins: false,
        stripe_secret_key: None,
        stripe_api_base: "http://127.0.0.1:9".into(),
        stripe_webhook_secret: None,
    }
}

pub struct TestApp {
    pub db: Arc<TestDb>,
    pub addr: SocketAddr,
    /// The server's state (its caches, to start its change listener).
    pub state: AppState,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Arc::new(TestDb::new().await), |_| {}).await
    }

    /// Serves the real router over `db`, after `tweak` adjusts the configuration.
    pub async fn spawn_with(db: Arc<TestDb>, tweak: impl FnOnce(&mut Config)) -> Self {
        let pool = db.app.clone();
        Self::spawn_with_pool(db, pool, tweak).await
    }

    /// As `spawn_with`, but the server uses `pool` (e.g. one through a proxy
    /// that a test can cut).
    pub async fn spawn_with_pool(
        db: Arc<TestDb>,
        pool: PgPool,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = test_config(addr.port());
        tweak(&mut config);
        let state = AppState::with_pool(config, pool);
        let app = router::build(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            db,
            addr,
            state,
            server,
        }
    }

    pub fn stop(self) {
        self.server.abort();
    }

    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }

    pub fn platform(&self, path: &str) -> String {
        self.url(BASE, path)
    }

    pub fn org(&self, slug: &str, path: &str) -> String {
        self.url(&format!("{slug}.{BASE}"), path)
    }

    /// A browser-like client: keeps cookies, resolves every host to the test
    /// server, and does not follow redirects (tests look at them). A request
    /// that takes a minute has hung: it fails its test rather than holding up
    /// the whole run.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .cookie_store(true)
            .dns_resolver(Arc::new(Loopback))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Signs in through the real server function; returns the response.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        host_url: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(format!("{host_url}/api/auth/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A new browser-like client signed in as a fixture user (password
    /// [`PASSWORD`]) on `host_url`.
    pub async fn signed_in(&self, host_url: &str, email: &str) -> reqwest::Client {
        let c = self.client();
        let res = self.login(&c, host_url, email, PASSWORD).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "sign-in as {email} on {host_url}: {}",
            res.status()
        );
        c
    }
}

/// Calls a server function with no arguments and returns its JSON answer.
pub async fn post_json(client: &reqwest::Client, url: &str) -> serde_json::Value {
    client.post(url).send().await.unwrap().json().await.unwrap()
}

/// Resolves every name to 127.0.0.1 (the URL's port is kept).
struct Loopback;

impl reqwest::dns::Resolve for Loopback {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            let addrs: reqwest::dns::Addrs =
                Box::new(std::iter::once(SocketAddr::from(([127, 0, 0, 1], 0))));
            Ok(addrs)
        })
    }
}

/// The session cookie's value from a response, if it set one.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cb_session="))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap()
                .trim_start_matches("cb_session=")
                .to_string()
        })
}

/// An operator acting on one organization (what the CLI uses): the scope
/// tests call services with.
pub fn operator_scope(org: Uuid) -> callboard::auth::Principal {
    callboard::auth::Principal::operator(org)
}

/// The same keyring as the test server (`test_config`'s key).
pub fn keyring() -> callboard::crypto::Keyring {
    callboard::crypto::Keyring::new([7; 32], vec![])
}

/// A page's query string (`period=custom&from=…&actor=…`) as the server
/// functions take it: the call filter's parameters under `filter[…]`, the
/// activity log's under `activity[…]`, the rest as they are.
pub fn filter_form(query: &str) -> Vec<(&'static str, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let key = match &*k {
                "period" => "filter[period]",
                "from" => "filter[from]",
                "to" => "filter[to]",
                "agent" => "filter[agent]",
                "type" => "filter[type]",
                "direction" => "filter[direction]",
                "status" => "filter[status]",
                "sentiment" => "filter[sentiment]",
                "phone" => "filter[phone]",
                "actor" => "activity[actor]",
                "action" => "activity[action]",
                "sort" => "sort",
                "org" => "org",
                "tz" => "tz",
                "after" => "after",
                other => panic!("not a filter parameter: {other}"),
            };
            (key, v.into_owned())
        })
        .collect()
}

/// As organization `as_org`'s tenant transaction, looks at and tries to
/// change another organization's rows: `count` (a `count(*)`) must see 0,
/// `update` change nothing, and `insert` (last: it aborts the transaction)
/// be refused.
pub async fn assert_walled_off(
    pool: &PgPool,
    as_org: Uuid,
    count: &str,
    update: &str,
    insert: &str,
) {
    let ctx = callboard::db::TenantCtx::without_user(as_org);
    let mut tx = callboard::db::tx::tenant(pool, &ctx).await.unwrap();
    let seen: i64 = sqlx::query_scalar(count).fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0, "{count}");
    let changed = sqlx::query(update)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0, "{update}");
    let inserted = sqlx::query(insert).execute(&mut *tx).await;
    assert!(
        inserted.is_err(),
        "another organization's row was written: {insert}"
    );
}
