//! An organization's own view of itself: its home page and its team. Every
//! query runs in the tenant transaction of the signed-in member. Changing
//! the team is `services::members`, shared with the agency.

use crate::auth::OrgUser;
use crate::db;
use crate::domain::{Member, OrgHome};
use crate::error::AppError;
use sqlx::PgPool;

pub async fn home(pool: &PgPool, user: &OrgUser) -> Result<OrgHome, AppError> {
    let mut tx = db::tx::tenant(pool, &user.tenant()).await?;
    let members = db::memberships::count(&mut tx, user.org.id).await?;
    tx.commit().await?;
    Ok(OrgHome {
        org_name: user.org.name.clone(),
        role: user.role,
        email: user.email.clone(),
        members,
    })
}

pub async fn members(pool: &PgPool, user: &OrgUser) -> Result<Vec<Member>, AppError> {
    let mut tx = db::tx::tenant(pool, &user.tenant()).await?;
    let members = db::memberships::list(&mut tx, user.org.id).await?;
    tx.commit().await?;
    Ok(members)
}
