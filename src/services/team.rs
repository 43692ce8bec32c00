//! An organization's own view of itself: its home page and its team. Every
//! query runs in the tenant transaction of the signed-in member. Changing
//! the team is `services::members`, shared with the agency.

use crate::auth::Principal;
use crate::db;
use crate::domain::{Member, OrgHome};
use crate::error::AppError;
use sqlx::PgPool;

pub async fn home(pool: &PgPool, who: &Principal) -> Result<OrgHome, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let org = db::orgs::get(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(OrgHome {
        org_name: org.name,
        role: who.role,
        email: who.email.clone(),
        members: org.members,
    })
}

pub async fn members(pool: &PgPool, who: &Principal) -> Result<Vec<Member>, AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let members = db::memberships::list(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    Ok(members)
}
