//! Organizations. Reading one's own organization works in a tenant
//! transaction; everything else needs the platform path.

use crate::domain::{OrgStatus, OrgSummary};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    name: String,
    slug: String,
    subdomain: String,
    custom_domain: Option<String>,
    status: String,
    members: i64,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl From<OrgRow> for OrgSummary {
    fn from(r: OrgRow) -> Self {
        OrgSummary {
            id: r.id,
            name: r.name,
            slug: r.slug,
            subdomain: r.subdomain,
            custom_domain: r.custom_domain,
            status: OrgStatus::parse(&r.status).unwrap_or(OrgStatus::Suspended),
            members: r.members,
            created_at: r.created_at,
        }
    }
}

const SELECT: &str =
    "SELECT o.id, o.name, o.slug, o.subdomain, o.custom_domain, o.status, o.created_at,
        (SELECT count(*) FROM memberships m WHERE m.organization_id = o.id) AS members
   FROM organizations o";

pub async fn list(conn: &mut PgConnection) -> Result<Vec<OrgSummary>, AppError> {
    let rows: Vec<OrgRow> = sqlx::query_as(&format!("{SELECT} ORDER BY lower(o.name), o.slug"))
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<OrgSummary, AppError> {
    let row: OrgRow = sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(row.into())
}

pub async fn by_slug(conn: &mut PgConnection, slug: &str) -> Result<OrgSummary, AppError> {
    let row: OrgRow = sqlx::query_as(&format!("{SELECT} WHERE o.slug = $1"))
        .bind(slug)
        .fetch_one(conn)
        .await?;
    Ok(row.into())
}

pub struct NewOrg<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub subdomain: &'a str,
    pub custom_domain: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, org: &NewOrg<'_>) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO organizations (name, slug, subdomain, custom_domain)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org.name)
    .bind(org.slug)
    .bind(org.subdomain)
    .bind(org.custom_domain)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    org: &NewOrg<'_>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE organizations
            SET name = $2, slug = $3, subdomain = $4, custom_domain = $5, updated_at = now()
          WHERE id = $1",
    )
    .bind(id)
    .bind(org.name)
    .bind(org.slug)
    .bind(org.subdomain)
    .bind(org.custom_domain)
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: OrgStatus,
) -> Result<u64, AppError> {
    Ok(
        sqlx::query("UPDATE organizations SET status = $2, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(status.as_str())
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Switches off every agent of an organization (calls for it are refused
/// from now on), in the platform transaction that is deleting it.
pub async fn switch_off_agents(conn: &mut PgConnection, id: Uuid) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE agents SET status = 'inactive', updated_at = now() WHERE organization_id = $1",
    )
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// One step of deleting an organization's bulk data: up to `step` calls, as
/// many stored events and as many rollup rows, in whichever transaction the
/// caller opened (`db::tx::purge`, where the rollup triggers stand aside:
/// the rollups go too). Returns how many rows went; 0 when nothing is left.
pub async fn purge_step(conn: &mut PgConnection, id: Uuid, step: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "WITH c AS (
           DELETE FROM calls WHERE organization_id = $1
              AND id IN (SELECT id FROM calls WHERE organization_id = $1 LIMIT $2)
           RETURNING 1
         ), e AS (
           DELETE FROM webhook_events WHERE organization_id = $1
              AND id IN (SELECT id FROM webhook_events WHERE organization_id = $1 LIMIT $2)
           RETURNING 1
         ), r AS (
           DELETE FROM call_rollups WHERE organization_id = $1
              AND ctid IN (SELECT ctid FROM call_rollups WHERE organization_id = $1 LIMIT $2)
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM e) + (SELECT count(*) FROM r)",
    )
    .bind(id)
    .bind(step)
    .fetch_one(conn)
    .await?)
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM organizations WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected())
}
