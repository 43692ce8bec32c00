//! Start-up guard: the server must connect as a role that row-level security
//! actually constrains. A superuser, a BYPASSRLS role, a table owner or a role
//! that inherits the platform role's rights would silently see every tenant.

use sqlx::PgPool;

pub async fn check_app_role(pool: &PgPool) -> Result<(), anyhow::Error> {
    let mut problems = Vec::new();
    let (name, superuser, bypass): (String, bool, bool) = sqlx::query_as(
        "SELECT rolname::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(pool)
    .await?;
    if superuser {
        problems.push(format!("role {name} is a superuser"));
    }
    if bypass {
        problems.push(format!("role {name} has BYPASSRLS"));
    }
    let owned: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'app', 'tower_sessions')
            AND pg_has_role(current_user, c.relowner, 'MEMBER')",
    )
    .fetch_all(pool)
    .await?;
    if !owned.is_empty() {
        problems.push(format!(
            "role {name} owns (or can become the owner of) {}",
            owned.join(", ")
        ));
    }
    let inherits_platform: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callboard_platform')
            AND has_table_privilege(current_user, 'organizations', 'INSERT')",
    )
    .fetch_one(pool)
    .await?;
    if inherits_platform {
        problems.push(format!(
            "role {name} holds the platform role's rights without SET ROLE (it must be NOINHERIT)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "refusing to start: the database role is not safe for tenant isolation: {}",
            problems.join("; ")
        )
    }
}
