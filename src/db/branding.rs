//! Organizations' looks: colours and name on `organizations`, logo and
//! favicon in `org_assets`. Read by host on the platform path (before anyone
//! signs in), written by super admins on the platform path.

use crate::domain::{Branding, OrgStatus};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// An organization as its host presents it.
#[derive(Debug, Clone)]
pub struct HostOrg {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub status: OrgStatus,
    pub branding: Branding,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    slug: String,
    status: String,
    brand_name: Option<String>,
    primary_color: String,
    secondary_color: String,
    logo_sha: Option<String>,
    favicon_sha: Option<String>,
}

impl From<Row> for HostOrg {
    fn from(r: Row) -> Self {
        let url = |kind: &str, sha: Option<String>| {
            sha.map(|s| format!("/brand/{}/{kind}?v={}", r.id, &s[..s.len().min(16)]))
        };
        HostOrg {
            branding: Branding {
                display_name: r.brand_name.clone().unwrap_or_else(|| r.name.clone()),
                primary: r.primary_color,
                secondary: r.secondary_color,
                logo_url: url("logo", r.logo_sha),
                favicon_url: url("favicon", r.favicon_sha),
            },
            id: r.id,
            name: r.name,
            slug: r.slug,
            status: OrgStatus::parse(&r.status).unwrap_or(OrgStatus::Suspended),
        }
    }
}

const SELECT: &str = "SELECT o.id, o.name, o.slug, o.status, o.brand_name, o.primary_color,
        o.secondary_color,
        (SELECT sha256 FROM org_assets a WHERE a.organization_id = o.id AND a.kind = 'logo') AS logo_sha,
        (SELECT sha256 FROM org_assets a WHERE a.organization_id = o.id AND a.kind = 'favicon') AS favicon_sha
   FROM organizations o";

/// The organization served on a host: its subdomain label, or its exact
/// custom domain. Should one organization's custom domain be another's
/// subdomain host, the subdomain wins, every time.
pub async fn by_host(
    conn: &mut PgConnection,
    subdomain: Option<&str>,
    custom_domain: &str,
) -> Result<Option<HostOrg>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE o.subdomain = $1 OR o.custom_domain = $2
          ORDER BY o.subdomain = $1 DESC NULLS LAST LIMIT 1"
    ))
    .bind(subdomain)
    .bind(custom_domain)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn by_id(conn: &mut PgConnection, id: Uuid) -> Result<Option<HostOrg>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Into::into))
}

/// The display name as set (None: the organization's own name is used).
pub async fn brand_name(conn: &mut PgConnection, id: Uuid) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT brand_name FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?,
    )
}

/// Stores the name and colours (already validated and normalised).
pub async fn set_look(
    conn: &mut PgConnection,
    id: Uuid,
    brand_name: Option<&str>,
    primary: &str,
    secondary: &str,
) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE organizations SET brand_name = $2, primary_color = $3, secondary_color = $4,
                updated_at = now()
          WHERE id = $1",
    )
    .bind(id)
    .bind(brand_name)
    .bind(primary)
    .bind(secondary)
    .execute(conn)
    .await?
    .rows_affected())
}

#[derive(Debug)]
pub struct Asset {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

pub async fn asset(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
) -> Result<Option<Asset>, AppError> {
    let row: Option<(String, Vec<u8>, String)> = sqlx::query_as(
        "SELECT content_type, bytes, sha256 FROM org_assets
          WHERE organization_id = $1 AND kind = $2",
    )
    .bind(org_id)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(content_type, bytes, sha256)| Asset {
        content_type,
        bytes,
        sha256,
    }))
}

pub async fn put_asset(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
    asset: &Asset,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO org_assets (organization_id, kind, content_type, bytes, sha256)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organization_id, kind) DO UPDATE SET
           content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes,
           sha256 = EXCLUDED.sha256, updated_at = now()",
    )
    .bind(org_id)
    .bind(kind)
    .bind(&asset.content_type)
    .bind(&asset.bytes)
    .bind(&asset.sha256)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_asset(
    conn: &mut PgConnection,
    org_id: Uuid,
    kind: &str,
) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM org_assets WHERE organization_id = $1 AND kind = $2")
            .bind(org_id)
            .bind(kind)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
