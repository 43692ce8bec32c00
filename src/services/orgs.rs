//! Creating and managing organizations (platform path).

use crate::db::{self, audit::Actor, audit::Entry, PlatformAccess};
use crate::domain::{validate, OrgDetail, OrgStatus, OrgSummary};
use crate::error::{violated_constraint, AppError};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// What a super admin types to create or edit an organization.
#[derive(Debug, Clone, Default)]
pub struct OrgInput {
    pub name: String,
    pub slug: String,
    /// Defaults to the slug when empty.
    pub subdomain: String,
    pub custom_domain: String,
}

struct Clean {
    name: String,
    slug: String,
    subdomain: String,
    custom_domain: Option<String>,
}

fn clean(input: &OrgInput) -> Result<Clean, AppError> {
    let name = input.name.trim().to_string();
    let slug = input.slug.trim().to_lowercase();
    // A blank subdomain is derived from the slug; then any problem with it
    // is the slug's, and is reported once, on the slug.
    let derived = input.subdomain.trim().is_empty();
    let subdomain = match input.subdomain.trim().to_lowercase() {
        s if s.is_empty() => slug.clone(),
        s => s,
    };
    let custom_domain = Some(
        input
            .custom_domain
            .trim()
            .trim_end_matches('.')
            .to_lowercase(),
    )
    .filter(|d| !d.is_empty());
    validate::Checks::new()
        .check("name", validate::org_name(&name))
        .check(
            "slug",
            if derived {
                validate::subdomain(&slug)
            } else {
                validate::dns_label(&slug)
            },
        )
        .check(
            "subdomain",
            if derived {
                Ok(())
            } else {
                validate::subdomain(&subdomain)
            },
        )
        .check(
            "custom_domain",
            custom_domain
                .as_deref()
                .map_or(Ok(()), validate::custom_domain),
        )
        .finish()?;
    Ok(Clean {
        name,
        slug,
        subdomain,
        custom_domain,
    })
}

fn conflict(err: sqlx::Error) -> AppError {
    match violated_constraint(&err) {
        Some("organizations_slug_key") => {
            AppError::field("slug", "Another organization already uses this slug.")
        }
        Some("organizations_subdomain_key") => AppError::field(
            "subdomain",
            "Another organization already uses this subdomain.",
        ),
        Some("organizations_custom_domain_key") => AppError::field(
            "custom_domain",
            "Another organization already uses this domain.",
        ),
        _ => err.into(),
    }
}

pub async fn create(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    input: &OrgInput,
) -> Result<OrgSummary, AppError> {
    let c = clean(input)?;
    let mut tx = db::tx::platform(pool, access).await?;
    let new = db::orgs::NewOrg {
        name: &c.name,
        slug: &c.slug,
        subdomain: &c.subdomain,
        custom_domain: c.custom_domain.as_deref(),
    };
    let id = db::orgs::insert(&mut tx, &new).await.map_err(conflict)?;
    let entry = Entry {
        org_id: Some(id),
        action: "org.create",
        target: Some(c.slug.clone()),
        metadata: json!({ "name": c.name, "subdomain": c.subdomain, "custom_domain": c.custom_domain }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    // Every server process forgets how it presented this organization.
    db::notify::commit_config(tx, id).await?;
    Ok(org)
}

pub async fn update(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    id: Uuid,
    input: &OrgInput,
) -> Result<OrgSummary, AppError> {
    let c = clean(input)?;
    let mut tx = db::tx::platform(pool, access).await?;
    let before = db::orgs::get(&mut tx, id).await?;
    let new = db::orgs::NewOrg {
        name: &c.name,
        slug: &c.slug,
        subdomain: &c.subdomain,
        custom_domain: c.custom_domain.as_deref(),
    };
    db::orgs::update(&mut tx, id, &new)
        .await
        .map_err(conflict)?;
    let entry = Entry {
        org_id: Some(id),
        action: "org.update",
        target: Some(c.slug.clone()),
        metadata: json!({
            "before": { "name": before.name, "slug": before.slug, "subdomain": before.subdomain, "custom_domain": before.custom_domain },
            "after": { "name": c.name, "slug": c.slug, "subdomain": c.subdomain, "custom_domain": c.custom_domain },
        }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    // Every server process forgets how it presented this organization.
    db::notify::commit_config(tx, id).await?;
    Ok(org)
}

pub async fn set_status(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    id: Uuid,
    status: OrgStatus,
) -> Result<OrgSummary, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    db::orgs::set_status(&mut tx, id, status).await?;
    let action = match status {
        OrgStatus::Active => "org.reactivate",
        OrgStatus::Suspended => "org.suspend",
    };
    let entry = Entry {
        org_id: Some(id),
        action,
        target: Some(org.slug.clone()),
        metadata: json!({ "from": org.status.as_str(), "to": status.as_str() }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    // Every server process forgets how it presented this organization.
    db::notify::commit_config(tx, id).await?;
    Ok(org)
}

/// The caller must type the slug, so a slip of the mouse cannot delete a
/// client.
fn confirmed(org: &OrgSummary, confirm_slug: &str) -> Result<(), AppError> {
    if confirm_slug.trim() == org.slug {
        Ok(())
    } else {
        Err(AppError::field(
            "confirm_slug",
            format!("Type {} to confirm.", org.slug),
        ))
    }
}

/// Whether [`delete`] would go ahead (the organization exists and the slug
/// is typed right), before anything is released or removed.
pub async fn check_delete(
    pool: &PgPool,
    access: PlatformAccess,
    id: Uuid,
    confirm_slug: &str,
) -> Result<(), AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    tx.commit().await?;
    confirmed(&org, confirm_slug)
}

/// Rows one deletion step removes (of each kind). Each step is its own short
/// transaction, so deleting an organization of any size never holds its
/// locks for long, and nobody else's work waits on it.
const DELETE_STEP: i64 = 5_000;

/// Deletes an organization and everything it holds (its activity log
/// stays). First it is suspended and its agents switched off, so nothing new
/// arrives; then its calls, stored events and rollups go a step at a time;
/// then the organization itself with what little is left. If something
/// fails midway, the organization is still there, suspended, and deleting it
/// again carries on.
pub async fn delete(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    id: Uuid,
    confirm_slug: &str,
) -> Result<(), AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    confirmed(&org, confirm_slug)?;
    db::orgs::set_status(&mut tx, id, crate::domain::OrgStatus::Suspended).await?;
    db::orgs::switch_off_agents(&mut tx, id).await?;
    db::notify::commit_config(tx, id).await?;

    loop {
        let mut tx = db::tx::purge(pool, access).await?;
        let removed = db::orgs::purge_step(&mut tx, id, DELETE_STEP).await?;
        tx.commit().await?;
        if removed == 0 {
            break;
        }
    }

    let mut tx = db::tx::platform(pool, access).await?;
    db::orgs::delete(&mut tx, id).await?;
    let entry = Entry {
        org_id: Some(id),
        action: "org.delete",
        target: Some(org.slug.clone()),
        metadata: json!({ "name": org.name, "members": org.members }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::commit_config(tx, id).await?;
    Ok(())
}

pub async fn list(pool: &PgPool, access: PlatformAccess) -> Result<Vec<OrgSummary>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let orgs = db::orgs::list(&mut tx).await?;
    tx.commit().await?;
    Ok(orgs)
}

pub async fn by_slug(
    pool: &PgPool,
    access: PlatformAccess,
    slug: &str,
) -> Result<OrgSummary, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::by_slug(&mut tx, &slug.trim().to_lowercase()).await;
    tx.commit().await?;
    org
}

pub async fn detail(
    pool: &PgPool,
    access: PlatformAccess,
    id: Uuid,
    url_for: impl Fn(&str) -> String,
) -> Result<OrgDetail, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::orgs::get(&mut tx, id).await?;
    let members = db::memberships::list(&mut tx, id).await?;
    let stripe_customer = db::invoices::customer(&mut tx, id).await?;
    tx.commit().await?;
    Ok(OrgDetail {
        url: url_for(&org.subdomain),
        org,
        members,
        stripe_customer,
    })
}
