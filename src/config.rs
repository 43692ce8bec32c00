//! Configuration from the environment (and a `.env` file, loaded by `main`).
//! Every variable is documented in the README with its default.

use anyhow::{bail, Context};
use base64::Engine;
use std::net::SocketAddr;

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub database_admin_url: String,
    pub site_addr: SocketAddr,
    /// e.g. `callboard.localhost`: `acme.callboard.localhost` is org `acme`.
    pub base_domain: String,
    /// Used to build links and webhook URLs; never the request's Host.
    pub public_url: String,
    /// AES-256 key that seals stored third-party secrets.
    pub encryption_key: [u8; 32],
    /// Older keys, still accepted for opening (rotation).
    pub previous_encryption_keys: Vec<[u8; 32]>,
    /// The voice platform's REST base URL.
    pub retell_api_base: String,
    /// When set, `/metrics` requires it as a bearer token (else loopback only).
    pub metrics_token: Option<String>,
    /// How long a process trusts its cached webhook owner lookups (0: never).
    pub webhook_cache_ms: u64,
    /// How long a host → organization and branding lookup is trusted
    /// (changes reach every process at once through NOTIFY).
    pub host_cache_ms: u64,
    /// How long a dashboard summary may be reused (changes drop it at once).
    pub summary_cache_ms: u64,
    /// How long "View as organization" lasts (`CALLBOARD_IMPERSONATION_MINUTES`, 30).
    pub impersonation_minutes: i64,
    pub production: bool,
    pub sign_in_per_ip_per_minute: u32,
    pub sign_in_per_account_per_minute: u32,
    pub db_max_connections: u32,
    /// How many webhook-ingestion transactions may run at once per process
    /// (`CALLBOARD_INGEST_TRANSACTIONS`; 0: one per organization).
    pub ingest_transactions: u32,
    pub site_root: String,
    /// What the recording proxy may fetch (`media`).
    pub recording: crate::media::MediaPolicy,
    /// Proxies whose forwarded headers name the client (`CALLBOARD_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Days a session lasts after sign-in, however active (`CALLBOARD_SESSION_MAX_DAYS`, 7).
    pub session_max_days: u32,
    /// Longest time a request may take, event streams and recordings aside.
    pub request_timeout_secs: u64,
    /// Requests served at once; more get 503 with `Retry-After`.
    pub max_concurrent_requests: usize,
    /// Where e-mail is delivered (`CALLBOARD_SMTP_URL`, e.g.
    /// `smtps://user:pass@mail.example.com`); none: it waits in the outbox.
    pub smtp_url: Option<String>,
    /// The sender's address (`CALLBOARD_MAIL_FROM`); the display name is the
    /// organization's.
    pub mail_from: String,
    /// Days an invitation link works (`CALLBOARD_INVITATION_DAYS`, 7).
    pub invitation_days: i64,
    /// Super admins must sign in with a second factor
    /// (`CALLBOARD_REQUIRE_2FA_FOR_SUPER_ADMINS`; on by default in production).
    pub require_2fa_for_super_admins: bool,
    /// Stripe: invoices for closed statements when a secret key is set
    /// (`CALLBOARD_STRIPE_SECRET_KEY`), its API's address
    /// (`CALLBOARD_STRIPE_API_BASE`) and the webhook's signing secret
    /// (`CALLBOARD_STRIPE_WEBHOOK_SECRET`).
    pub stripe_secret_key: Option<String>,
    pub stripe_api_base: String,
    pub stripe_webhook_secret: Option<String>,
}

impl std::fmt::Debug for Config {
    // Hand-written so that URLs with passwords and the key never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("site_addr", &self.site_addr)
            .field("base_domain", &self.base_domain)
            .field("public_url", &self.public_url)
            .field("production", &self.production)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn nets(name: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    let Some(text) = var(name) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<ipnet::IpNet>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .with_context(|| format!("{name}: {t:?} is not an address or CIDR range"))
        })
        .collect()
}

fn recording_policy() -> anyhow::Result<crate::media::MediaPolicy> {
    use crate::media::{MediaPolicy, DEFAULT_HOSTS, DEFAULT_MAX_BYTES};
    let extra_root_pem = var("CALLBOARD_RECORDING_CA_FILE")
        .map(|path| std::fs::read(&path).with_context(|| format!("reading {path}")))
        .transpose()?;
    if let Some(pem) = &extra_root_pem {
        reqwest::Certificate::from_pem(pem)
            .context("CALLBOARD_RECORDING_CA_FILE must hold a PEM certificate")?;
    }
    Ok(MediaPolicy {
        hosts: MediaPolicy::hosts_from(
            &var("CALLBOARD_RECORDING_HOSTS").unwrap_or_else(|| DEFAULT_HOSTS.into()),
        ),
        allow_addresses: nets("CALLBOARD_RECORDING_ALLOW_ADDRESSES")?,
        resolve: Vec::new(),
        extra_root_pem,
        max_bytes: var("CALLBOARD_RECORDING_MAX_BYTES")
            .map(|v| v.trim().parse::<u64>())
            .transpose()
            .context("CALLBOARD_RECORDING_MAX_BYTES must be a whole number")?
            .unwrap_or(DEFAULT_MAX_BYTES),
        timeout: std::time::Duration::from_secs(
            number("CALLBOARD_RECORDING_TIMEOUT_SECS", 120)? as u64
        ),
    })
}

fn number(name: &str, default: u32) -> anyhow::Result<u32> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number")),
    }
}

/// A yes/no setting: `true`/`1`/`on`/`yes` or `false`/`0`/`off`/`no`.
fn flag(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).map(|v| v.trim().to_lowercase()) {
        None => Ok(default),
        Some(v) if ["true", "1", "on", "yes"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["false", "0", "off", "no"].contains(&v.as_str()) => Ok(false),
        Some(_) => bail!("{name} must be true or false"),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let database_url = var("DATABASE_URL")
            .context("DATABASE_URL is not set (scripts/dev writes one to .env)")?;
        let database_admin_url = var("DATABASE_ADMIN_URL").unwrap_or_else(|| database_url.clone());
        let site_addr: SocketAddr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("LEPTOS_SITE_ADDR must look like 127.0.0.1:3000")?;
        let base_domain = var("CALLBOARD_BASE_DOMAIN")
            .unwrap_or_else(|| "callboard.localhost".into())
            .trim()
            .trim_end_matches('.')
            .to_lowercase();
        let public_url = var("CALLBOARD_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}:{}", base_domain, site_addr.port()))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("CALLBOARD_PUBLIC_URL must start with http:// or https://");
        }
        let production = var("CALLBOARD_ENV").is_some_and(|v| v == "production");
        let encryption_key = match var("CALLBOARD_ENCRYPTION_KEY") {
            Some(k) => decode_key(&k)?,
            None if production => bail!("CALLBOARD_ENCRYPTION_KEY is required in production"),
            None => {
                tracing::warn!(
                    "CALLBOARD_ENCRYPTION_KEY is not set; using a random key for this process only"
                );
                rand::random()
            }
        };
        let previous_encryption_keys = var("CALLBOARD_ENCRYPTION_KEY_PREVIOUS")
            .map(|v| {
                v.split(',')
                    .filter(|k| !k.trim().is_empty())
                    .map(decode_key)
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .transpose()
            .context("CALLBOARD_ENCRYPTION_KEY_PREVIOUS")?
            .unwrap_or_default();
        let retell_api_base = var("RETELL_API_BASE")
            .unwrap_or_else(|| "https://api.retellai.com".into())
            .trim_end_matches('/')
            .to_string();
        let base_domain_for_mail = base_domain.clone();
        Ok(Config {
            previous_encryption_keys,
            retell_api_base,
            metrics_token: var("CALLBOARD_METRICS_TOKEN"),
            webhook_cache_ms: number("CALLBOARD_WEBHOOK_CACHE_MS", 5000)? as u64,
            host_cache_ms: number("CALLBOARD_HOST_CACHE_MS", 60_000)? as u64,
            impersonation_minutes: number("CALLBOARD_IMPERSONATION_MINUTES", 30)? as i64,
            summary_cache_ms: number("CALLBOARD_SUMMARY_CACHE_MS", 5000)? as u64,
            database_url,
            database_admin_url,
            site_addr,
            base_domain,
            public_url,
            encryption_key,
            production,
            sign_in_per_ip_per_minute: number("CALLBOARD_SIGNIN_PER_IP_PER_MINUTE", 30)?,
            sign_in_per_account_per_minute: number("CALLBOARD_SIGNIN_PER_ACCOUNT_PER_MINUTE", 10)?,
            db_max_connections: number("CALLBOARD_DB_MAX_CONNECTIONS", 10)?,
            ingest_transactions: number("CALLBOARD_INGEST_TRANSACTIONS", 4)?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            recording: recording_policy()?,
            trusted_proxies: nets("CALLBOARD_TRUSTED_PROXIES")?,
            session_max_days: number("CALLBOARD_SESSION_MAX_DAYS", 7)?.max(1),
            request_timeout_secs: number("CALLBOARD_REQUEST_TIMEOUT_SECS", 30)? as u64,
            max_concurrent_requests: number("CALLBOARD_MAX_CONCURRENT_REQUESTS", 512)?.max(1)
                as usize,
            smtp_url: var("CALLBOARD_SMTP_URL").filter(|u| !u.trim().is_empty()),
            mail_from: var("CALLBOARD_MAIL_FROM")
                .unwrap_or_else(|| format!("no-reply@{base_domain_for_mail}")),
            invitation_days: number("CALLBOARD_INVITATION_DAYS", 7)?.clamp(1, 90) as i64,
            require_2fa_for_super_admins: flag(
                "CALLBOARD_REQUIRE_2FA_FOR_SUPER_ADMINS",
                production,
            )?,
            stripe_secret_key: var("CALLBOARD_STRIPE_SECRET_KEY"),
            stripe_api_base: var("CALLBOARD_STRIPE_API_BASE")
                .unwrap_or_else(|| "https://api.stripe.com".into())
                .trim_end_matches('/')
                .to_string(),
            stripe_webhook_secret: var("CALLBOARD_STRIPE_WEBHOOK_SECRET"),
        })
    }

    /// Cookies get `Secure` when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Where an organization's users sign in: the public URL with the
    /// organization's subdomain in front of the base domain.
    pub fn org_url(&self, subdomain: &str) -> String {
        let (scheme, rest) = self
            .public_url
            .split_once("://")
            .unwrap_or(("http", &self.public_url));
        let port = rest
            .split('/')
            .next()
            .and_then(|authority| authority.rsplit_once(':'))
            .map(|(_, p)| format!(":{p}"))
            .unwrap_or_default();
        format!("{scheme}://{subdomain}.{}{port}", self.base_domain)
    }
}

pub fn decode_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .context("CALLBOARD_ENCRYPTION_KEY must be base64")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("CALLBOARD_ENCRYPTION_KEY must decode to exactly 32 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(public_url: &str) -> Config {
        Config {
            database_url: String::new(),
            database_admin_url: String::new(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            base_domain: "callboard.localhost".into(),
            public_url: public_url.into(),
            encryption_key: [0; 32],
            previous_encryption_keys: vec![],
            retell_api_base: String::new(),
            metrics_token: None,
            webhook_cache_ms: 0,
            host_cache_ms: 0,
            impersonation_minutes: 30,
            summary_cache_ms: 0,
            production: false,
            sign_in_per_ip_per_minute: 1,
            sign_in_per_account_per_minute: 1,
            db_max_connections: 1,
            ingest_transactions: 4,
            site_root: String::new(),
            recording: Default::default(),
            trusted_proxies: vec![],
            session_max_days: 7,
            request_timeout_secs: 30,
            max_concurrent_requests: 16,
            smtp_url: None,
            mail_from: "no-reply@callboard.localhost".into(),
            invitation_days: 7,
            require_2fa_for_super_admins: false,
            stripe_secret_key: None,
            stripe_api_base: String::new(),
            stripe_webhook_secret: None,
        }
    }

    #[test]
    fn org_urls_keep_scheme_and_port() {
        assert_eq!(
            config("http://callboard.localhost:3000").org_url("acme"),
            "http://acme.callboard.localhost:3000"
        );
        assert_eq!(
            config("https://callboard.localhost").org_url("acme"),
            "https://acme.callboard.localhost"
        );
    }

    #[test]
    fn secure_cookies_follow_https() {
        assert!(config("https://x.example").secure_cookies());
        assert!(!config("http://x.example").secure_cookies());
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])).is_ok());
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 16])).is_err());
        assert!(decode_key("not base64!").is_err());
    }
}
