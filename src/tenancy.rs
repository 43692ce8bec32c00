//! Which organization a request is for, and from where: what the edge of the
//! server decides about every request (`server::host`, `server::client_ip`)
//! before anyone is known, for the guards and pages to read. The Host picks
//! presentation and the organization a sign-in is for; it never grants access
//! by itself (the session must match, see `auth::guard`).

use crate::db::{self, PlatformAccess};
use crate::domain::{Branding, OrgStatus, Site};
use sqlx::PgPool;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSite {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub status: OrgStatus,
    pub branding: Branding,
    /// Set when a super admin views this organization from the platform
    /// domain (impersonation, from the server-side session).
    pub viewed_by: Option<Box<Impersonation>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostSite {
    Platform,
    Org(OrgSite),
}

impl HostSite {
    pub fn to_site(&self) -> Site {
        match self {
            HostSite::Platform => Site::Platform,
            HostSite::Org(o) => Site::Org {
                name: o.branding.display_name.clone(),
                slug: o.slug.clone(),
            },
        }
    }

    /// The look of pages served on this host.
    pub fn branding(&self) -> Branding {
        match self {
            HostSite::Platform => Branding::platform(),
            HostSite::Org(o) => o.branding.clone(),
        }
    }
}

/// A super admin viewing an organization as its admin, on the platform
/// domain. Lives only in the server-side session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Impersonation {
    pub org_id: Uuid,
    pub org_name: String,
    /// The super admin.
    pub user_id: Uuid,
    pub email: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The client's address, stamped on every request by `server::client_ip::stamp` (behind the
/// proxies we trust).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Host → organization and its branding, cached per process. Entries are
/// dropped when the organization changes (`forget_org`: at once by the
/// process that made the change, and by every process on the `config`
/// notification, see `server::listen`) and expire after
/// `CALLBOARD_HOST_CACHE_MS` in any case.
pub struct HostCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, (Instant, Option<OrgSite>)>>,
}

/// Beyond this many hosts (including unknown ones) the cache starts over.
const MAX_HOSTS: usize = 10_000;

impl HostCache {
    pub fn new(ttl: Duration) -> Self {
        HostCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub async fn get(
        &self,
        pool: &PgPool,
        label: Option<&str>,
        host: &str,
    ) -> Result<Option<OrgSite>, crate::error::AppError> {
        if let Some(site) = self.cached(host) {
            return Ok(site);
        }
        let mut tx = db::tx::platform(pool, PlatformAccess::host_lookup()).await?;
        let org = db::branding::by_host(&mut tx, label, host).await?;
        tx.commit().await?;
        Ok(self.remember(host.to_string(), org))
    }

    /// An organization by id (for impersonation), cached like a host.
    pub async fn by_id(
        &self,
        pool: &PgPool,
        id: Uuid,
    ) -> Result<Option<OrgSite>, crate::error::AppError> {
        let key = format!("#{id}");
        if let Some(site) = self.cached(&key) {
            return Ok(site);
        }
        let mut tx = db::tx::platform(pool, PlatformAccess::host_lookup()).await?;
        let org = db::branding::by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(self.remember(key, org))
    }

    /// A fresh cached answer (which may be "no such site").
    fn cached(&self, key: &str) -> Option<Option<OrgSite>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let (at, site) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| site.clone())
    }

    fn remember(&self, key: String, org: Option<db::branding::HostOrg>) -> Option<OrgSite> {
        let site = org.map(|o| OrgSite {
            id: o.id,
            name: o.name,
            slug: o.slug,
            status: o.status,
            branding: o.branding,
            viewed_by: None,
        });
        if !self.ttl.is_zero() {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if entries.len() >= MAX_HOSTS {
                entries.clear();
            }
            entries.insert(key, (Instant::now(), site.clone()));
        }
        site
    }

    /// Drops the organization's hosts and every "no such site" answer (its
    /// subdomain may have changed).
    pub fn forget_org(&self, org_id: Uuid) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (_, site)| site.as_ref().is_some_and(|s| s.id != org_id));
    }

    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
