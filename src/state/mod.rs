//! What a running server process holds: configuration, the database pool,
//! clients of other services and the caches, provided to axum as state and
//! to Leptos as context. Below the API and the HTTP server, so both can use
//! it; above everything it holds.

pub mod caller;
pub mod summaries;

use crate::auth::rate_limit::SignInLimits;
use crate::config::Config;
use crate::crypto::Keyring;
use crate::inbound::directory::Directory;
use crate::ingest::owners::OwnerCache;
use crate::metrics::Metrics;
use crate::retell::client::Client;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// The fan-out to open dashboards: organization ids whose calls changed.
/// `Uuid::nil()` means "anything may have changed" (the listener reconnected).
pub type LiveChanges = tokio::sync::broadcast::Sender<uuid::Uuid>;

/// Everything a request handler or server function may need, provided to
/// axum as state and to Leptos as context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub limits: SignInLimits,
    pub keys: Arc<Keyring>,
    pub metrics: Metrics,
    pub voice: Client,
    pub owners: Arc<OwnerCache>,
    pub inbound: Arc<Directory>,
    pub hosts: Arc<crate::tenancy::HostCache>,
    /// Fetches call recordings for the proxy route, only from the recording
    /// store's hosts (`media`).
    pub media: crate::media::MediaClient,
    /// Organizations whose calls changed, for open dashboards (`server::live`).
    pub live: LiveChanges,
    /// Organizations whose calls ingestion changed, told to every process
    /// after commit (`db::notify::CallChanges`).
    pub call_changes: crate::db::notify::CallChanges,
    /// Stores the deliveries that arrive together for one organization in
    /// one transaction (`ingest::batch`).
    pub ingest: Arc<crate::ingest::batch::Batcher>,
    /// Dashboard summaries, shared by everyone watching one organization.
    pub summaries: Arc<summaries::SummaryCache<crate::domain::Dashboard>>,
    /// The first page of the calls table, likewise.
    pub first_pages: Arc<summaries::SummaryCache<crate::domain::CallsPage>>,
    /// The tool's calls per organization, written in batches.
    pub tool_counts: Arc<crate::tools::reservation::Counts>,
    /// Whether e-mail leaves the outbox (its worker runs when it does).
    pub mail_configured: bool,
    /// Stripe, when `CALLBOARD_STRIPE_SECRET_KEY` is set: closed statements
    /// become invoices.
    pub stripe: Option<crate::stripe::Client>,
    /// When this process started (the console's health page).
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Drops what this process cached about an organization; registered
    /// with `db::notify::commit_config`, so every committed change to an
    /// organization's configuration calls it.
    forget: Arc<crate::db::notify::Forget>,
}

impl AppState {
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let pool = crate::db::connect_lazy(&config.database_url, config.db_max_connections)?;
        Ok(Self::with_pool(config, pool))
    }

    pub fn with_pool(config: Config, pool: PgPool) -> Self {
        let leptos_options = leptos_options(&config);
        let call_changes = crate::db::notify::CallChanges::start(pool.clone());
        let metrics = Metrics::default();
        let owners = Arc::new(OwnerCache::new(Duration::from_millis(
            config.webhook_cache_ms,
        )));
        let inbound = Arc::new(Directory::new(Duration::from_millis(
            config.webhook_cache_ms,
        )));
        let hosts = Arc::new(crate::tenancy::HostCache::new(Duration::from_millis(
            config.host_cache_ms,
        )));
        let summaries = Arc::new(summaries::SummaryCache::new(Duration::from_millis(
            config.summary_cache_ms,
        )));
        let first_pages = Arc::new(summaries::SummaryCache::new(Duration::from_millis(
            config.summary_cache_ms,
        )));
        let forget: Arc<crate::db::notify::Forget> = {
            let (owners, inbound, hosts) = (owners.clone(), inbound.clone(), hosts.clone());
            let (summaries, first_pages) = (summaries.clone(), first_pages.clone());
            Arc::new(move |org_id| {
                // The nil organization is the platform's own configuration
                // (the shared key): every organization's cached key goes.
                if org_id.is_nil() {
                    owners.clear();
                    inbound.clear();
                }
                owners.forget_org(org_id);
                inbound.forget_org(org_id);
                hosts.forget_org(org_id);
                summaries.forget_org(org_id);
                first_pages.forget_org(org_id);
            })
        };
        crate::db::notify::on_config_change(&forget);
        let ingest = Arc::new(crate::ingest::batch::Batcher::new(
            pool.clone(),
            call_changes.clone(),
            metrics.clone(),
            config.ingest_transactions as usize,
        ));
        let voice = {
            let metrics = metrics.clone();
            Client::new(&config.retell_api_base).observed(Arc::new(
                move |endpoint, outcome, took| metrics.voice_api(endpoint, outcome, took),
            ))
        };
        let tool_counts = crate::tools::reservation::Counts::start(pool.clone());
        // A bad SMTP setting stops `serve` before this (`check_mail`); here
        // it only leaves the messages in the outbox.
        let mailer =
            crate::services::outbox::Mailer::new(config.smtp_url.as_deref(), &config.mail_from)
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "e-mail is off");
                    crate::services::outbox::Mailer::off(&config.mail_from)
                });
        let mail_configured = mailer.configured();
        if tokio::runtime::Handle::try_current().is_ok() {
            crate::services::outbox::spawn(pool.clone(), mailer);
        }
        AppState {
            leptos_options,
            pool,
            limits: SignInLimits::new(
                config.sign_in_per_ip_per_minute,
                config.sign_in_per_account_per_minute,
            ),
            keys: Arc::new(Keyring::new(
                config.encryption_key,
                config.previous_encryption_keys.clone(),
            )),
            metrics,
            voice,
            owners,
            inbound,
            hosts,
            media: crate::media::MediaClient::new(config.recording.clone())
                .expect("the recording CA file holds a certificate (checked at start)"),
            live: tokio::sync::broadcast::channel(1024).0,
            call_changes,
            ingest,
            summaries,
            first_pages,
            tool_counts,
            mail_configured,
            stripe: config
                .stripe_secret_key
                .as_deref()
                .map(|key| crate::stripe::Client::new(&config.stripe_api_base, key)),
            started_at: chrono::Utc::now(),
            forget,
            config: Arc::new(config),
        }
    }

    /// What the numbers service needs to call the voice platform.
    pub fn voice_platform(&self) -> crate::services::numbers::Platform<'_> {
        crate::services::numbers::Platform {
            keys: &self.keys,
            voice: &self.voice,
            public_url: &self.config.public_url,
        }
    }

    /// Drops what this process cached about an organization (its agents,
    /// numbers, key or settings changed, here or in another process).
    pub fn forget_org(&self, org_id: uuid::Uuid) {
        (self.forget)(org_id);
    }

    /// Drops the cached dashboard figures of an organization whose calls changed.
    pub fn forget_calls(&self, org_id: uuid::Uuid) {
        self.summaries.forget_org(org_id);
        self.first_pages.forget_org(org_id);
    }

    /// Background chores: fold past hours' rollups, forget recovered
    /// rate-limit keys, delete expired sessions, check phone numbers with
    /// the voice platform.
    pub fn spawn_housekeeping(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            // Every quarter hour, jittered so that several processes (and
            // several deployments on one platform account) spread out.
            loop {
                let jitter = rand::random::<u64>() % 120;
                tokio::time::sleep(Duration::from_secs(14 * 60 + jitter)).await;
                let p = state.voice_platform();
                match crate::services::numbers::check_due(&state.pool, p, 500, 4).await {
                    Ok(n) => tracing::debug!(checked = n, "checked phone numbers"),
                    Err(e) => tracing::warn!(error = ?e, "could not check phone numbers"),
                }
            }
        });
        let pool = self.pool.clone();
        let stripe = self.stripe.clone();
        tokio::spawn(async move {
            // Closes every organization's finished months, soon after each
            // month ends in its timezone (and invoices them in Stripe when
            // it is configured): at start, then every ten minutes
            // (jittered). Several processes may run it at once; one
            // statement per month results all the same.
            loop {
                match crate::services::statements::close_due(&pool).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(statements = n, "closed monthly statements"),
                    Err(e) => tracing::warn!(error = ?e, "could not close monthly statements"),
                }
                // Then invoices them in Stripe, when it is set up (a round
                // that failed halfway is finished here, the next time).
                if let Some(client) = &stripe {
                    match crate::services::invoicing::invoice_due(&pool, client).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(invoices = n, "invoiced statements in Stripe"),
                        Err(e) => tracing::warn!(error = ?e, "could not invoice statements"),
                    }
                }
                let jitter = rand::random::<u64>() % 60;
                tokio::time::sleep(Duration::from_secs(9 * 60 + jitter)).await;
            }
        });
        let pool = self.pool.clone();
        tokio::spawn(async move {
            // Every past hour at start (another process may have been down
            // for a while), then the last day every five minutes.
            let mut since = None;
            let mut tick = tokio::time::interval(Duration::from_secs(300));
            loop {
                tick.tick().await;
                let before = crate::db::rollups::fold_before(chrono::Utc::now());
                match crate::db::rollups::fold(&pool, since, before).await {
                    Ok(n) => {
                        tracing::debug!(rows = n, "folded past rollups");
                        since = Some(before - chrono::Duration::days(1));
                    }
                    Err(e) => tracing::warn!(error = %e, "could not fold past rollups"),
                }
            }
        });
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(300));
            loop {
                tick.tick().await;
                state.limits.prune();
                if let Err(e) =
                    sqlx::query("DELETE FROM tower_sessions.session WHERE expiry_date < now()")
                        .execute(&state.pool)
                        .await
                {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
            }
        });
    }
}

/// Leptos's site settings. `Leptos.toml` holds them (cargo-leptos keeps its
/// build settings in Cargo.toml); environment variables set by cargo-leptos
/// (`LEPTOS_*`) override both.
fn leptos_options(config: &Config) -> LeptosOptions {
    let file = leptos::config::get_configuration(Some("Leptos.toml"))
        .map(|c| c.leptos_options)
        .ok();
    let output_name = std::env::var("LEPTOS_OUTPUT_NAME")
        .ok()
        .or_else(|| file.as_ref().map(|o| o.output_name.to_string()))
        .unwrap_or_else(|| "callboard".into());
    let pkg_dir = file
        .as_ref()
        .map(|o| o.site_pkg_dir.to_string())
        .unwrap_or_else(|| "pkg".into());
    LeptosOptions::builder()
        .hash_files(hashed_assets())
        .output_name(output_name)
        .site_root(config.site_root.clone())
        .site_pkg_dir(pkg_dir)
        .site_addr(config.site_addr)
        .build()
}

/// Whether the bundle's JS and wasm carry content hashes in their names:
/// `scripts/release` says so with a `hash.txt` beside the server binary
/// (Leptos reads the hashes from there and names the files in every page).
fn hashed_assets() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}

#[cfg(test)]
mod tests {
    /// cargo-leptos builds from Cargo.toml's metadata; the server reads
    /// Leptos.toml. The settings both name must agree.
    #[test]
    fn leptos_toml_agrees_with_the_build_settings() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let runtime = leptos::config::get_configuration(Some(&format!("{dir}/Leptos.toml")))
            .expect("Leptos.toml")
            .leptos_options;
        let build = leptos::config::get_configuration(Some(&format!("{dir}/Cargo.toml")))
            .expect("Cargo.toml [package.metadata.leptos]")
            .leptos_options;
        assert_eq!(runtime.output_name, build.output_name);
        assert_eq!(runtime.site_root, build.site_root);
        assert_eq!(runtime.site_pkg_dir, build.site_pkg_dir);
        assert_eq!(runtime.site_addr, build.site_addr);
        assert_eq!(runtime.reload_port, build.reload_port);
    }
}
