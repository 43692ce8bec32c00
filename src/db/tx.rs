//! The two ways into the database. This file is the only place that writes
//! `app.org_id`, `app.user_id` and `app.impersonator_id`, and the only place
//! that switches to the platform role.
//!
//! * [`tenant`]: one organization's data. Row-level security admits only rows
//!   whose `organization_id` equals the org set here, for this transaction only
//!   (`set_config(..., true)`), so a pooled connection never carries it over.
//! * [`platform`]: cross-organization work. It needs a [`PlatformAccess`],
//!   which only the super-admin guard and a few named system purposes can
//!   produce, and each decides the role: the console, the operator's CLI and
//!   housekeeping run `SET LOCAL ROLE callboard_platform` (every row, every
//!   write); the unauthenticated lookups (host, webhook owner, inbound number,
//!   sign-in) run `SET LOCAL ROLE callboard_lookup`, which reads only the
//!   columns those lookups need and writes nothing (migration 12).

use crate::error::AppError;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

pub type Tx = Transaction<'static, Postgres>;

/// Who is acting, inside which organization. Built from the server-side
/// session or from a verified machine identity, never from request input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantCtx {
    pub org_id: Uuid,
    pub user_id: Option<Uuid>,
    pub impersonator_id: Option<Uuid>,
}

impl TenantCtx {
    /// An organization's context with nobody signed in: a verified webhook
    /// or an operator's command.
    pub fn without_user(org_id: Uuid) -> Self {
        TenantCtx {
            org_id,
            user_id: None,
            impersonator_id: None,
        }
    }

    pub fn user(org_id: Uuid, user_id: Uuid) -> Self {
        TenantCtx {
            org_id,
            user_id: Some(user_id),
            impersonator_id: None,
        }
    }
}

/// Opens a transaction scoped to one organization. Fails closed: if the
/// context cannot be set, no transaction is returned.
pub async fn tenant(pool: &PgPool, ctx: &TenantCtx) -> Result<Tx, AppError> {
    let begin = begin_sql("", Some(ctx.org_id), ctx.user_id, ctx.impersonator_id, "");
    Ok(pool.begin_with(begin).await?)
}

/// [`tenant`] for ingestion's bulk statements (`db::webhooks::receive`,
/// `db::calls`), with two transaction-local settings:
///
/// * `plan_cache_mode = force_generic_plan`: their parameters are arrays
///   read with `unnest`, and knowing an array's length always makes a custom
///   plan look cheaper than the generic one, so PostgreSQL planned each of
///   them again on every execution, for the same plan (what that cost under
///   load is in BENCHMARKS.md). Not for queries whose best plan
///   depends on their values (a dashboard's date range).
/// * `app.rollups = by_statement:<this transaction's id>`: the row triggers
///   that keep `call_rollups` stand aside, and the statements of `db::calls`
///   that write calls pass the rows they wrote to `app.call_rollups_change`
///   themselves, once per statement (migrations 9 and 11). The id ties the
///   setting to this transaction: set in any other way it switches nothing
///   off. Nothing else may write calls in such a transaction: its rows would
///   not be counted.
pub async fn ingestion(pool: &PgPool, ctx: &TenantCtx) -> Result<Tx, AppError> {
    let begin = begin_sql(
        "",
        Some(ctx.org_id),
        ctx.user_id,
        ctx.impersonator_id,
        ", set_config('plan_cache_mode', 'force_generic_plan', true), \
         set_config('app.rollups', 'by_statement:' || pg_current_xact_id()::text, true)",
    );
    Ok(pool.begin_with(begin).await?)
}

/// [`platform`] for deleting an organization's bulk data a step at a time
/// (`services::orgs::delete`): the rollup row triggers stand aside, as in
/// [`ingestion`], because the organization's rollups are deleted with it.
pub async fn purge(pool: &PgPool, access: PlatformAccess) -> Result<Tx, AppError> {
    let begin = begin_sql(
        access.role,
        None,
        access.actor,
        None,
        ", set_config('app.rollups', 'by_statement:' || pg_current_xact_id()::text, true)",
    );
    Ok(pool.begin_with(begin).await?)
}

/// Opens a transaction that knows the signed-in user but no organization:
/// enough to read one's own user row, and nothing of any tenant.
pub async fn user_only(pool: &PgPool, user_id: Uuid) -> Result<Tx, AppError> {
    Ok(pool
        .begin_with(begin_sql("", None, Some(user_id), None, ""))
        .await?)
}

/// Why the platform path is being used. Constructed only by
/// `auth::guard::Caller::super_admin` (through [`PlatformAccess::super_admin`])
/// or by the named system purposes below; grep for them to audit every use.
/// The lookup purposes are public: they grant only the read-only lookup role.
#[derive(Debug, Clone, Copy)]
pub struct PlatformAccess {
    actor: Option<Uuid>,
    purpose: &'static str,
    /// The `SET LOCAL ROLE` statement for this purpose.
    role: &'static str,
}

const PLATFORM: &str = "SET LOCAL ROLE callboard_platform; ";
const LOOKUP: &str = "SET LOCAL ROLE callboard_lookup; ";

impl PlatformAccess {
    /// A super admin acting in the console. Only the guard calls this, after
    /// checking the session's user is a super admin.
    pub(crate) fn super_admin(user_id: Uuid) -> Self {
        PlatformAccess {
            actor: Some(user_id),
            purpose: "super-admin",
            role: PLATFORM,
        }
    }

    /// An operator at the server's command line (the CLI has the database
    /// credentials already, so it holds every right).
    pub fn operator() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "operator-cli",
            role: PLATFORM,
        }
    }

    /// Resolving a request's Host to an organization (branding, routing).
    pub fn host_lookup() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "host-lookup",
            role: LOOKUP,
        }
    }

    /// The server's own upkeep of derived tables (folding past rollups).
    pub(crate) fn housekeeping() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "housekeeping",
            role: PLATFORM,
        }
    }

    /// Finding which organization owns the agent in a webhook URL.
    pub fn webhook() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "webhook-owner",
            role: LOOKUP,
        }
    }

    /// Finding which organization owns the number an inbound call dialled.
    pub fn inbound_call() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "inbound-number",
            role: LOOKUP,
        }
    }

    /// Calling the voice platform for an organization: the agency's shared
    /// key when the organization has none, and whether any organization
    /// already holds a number about to be imported.
    pub fn voice_platform() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "voice-platform",
            role: LOOKUP,
        }
    }

    /// Delivering the e-mail outbox (every organization's messages).
    pub(crate) fn mail() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "mail",
            role: PLATFORM,
        }
    }

    /// A signed-in person's own account: their memberships across
    /// organizations (the switcher), setting their own password and their
    /// two-factor sign-in.
    pub(crate) fn own_account() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "own-account",
            role: PLATFORM,
        }
    }

    /// Resetting a forgotten password: finding the address's user, keeping
    /// the link, and setting the new password (users are not a tenant's).
    pub(crate) fn account_recovery() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "account-recovery",
            role: PLATFORM,
        }
    }

    /// The second step of signing in: the person's two-factor secret, the
    /// step of the last code used, and their recovery codes.
    pub(crate) fn second_factor() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "second-factor",
            role: PLATFORM,
        }
    }

    /// Self-serve sign-up: whether it is open, a company's request kept
    /// until its e-mail is confirmed, then its organization, account and
    /// rates made, and the hand-off that signs the person in there.
    pub(crate) fn signup() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "signup",
            role: PLATFORM,
        }
    }

    /// Accepting an invitation: the invitee signs in or gets an account
    /// (users are not a tenant's to write), and joins the organization the
    /// invitation's host and token name.
    pub(crate) fn invitation() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "invitation",
            role: PLATFORM,
        }
    }

    /// Telling a tool call's organization from the call (the agent's
    /// registration, or the metadata our inbound answer set) and its key.
    pub fn tool_call() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "tool-call",
            role: LOOKUP,
        }
    }

    /// Checking a password at sign-in (`app.sign_in_credentials`), the
    /// member's role, and recording the attempt (`app.record_auth`).
    pub fn sign_in() -> Self {
        PlatformAccess {
            actor: None,
            purpose: "sign-in",
            role: LOOKUP,
        }
    }

    pub fn purpose(&self) -> &'static str {
        self.purpose
    }

    /// The person acting, when one is (a super admin).
    pub fn actor(&self) -> Option<Uuid> {
        self.actor
    }
}

pub async fn platform(pool: &PgPool, access: PlatformAccess) -> Result<Tx, AppError> {
    let begin = begin_sql(access.role, None, access.actor, None, "");
    let tx = pool.begin_with(begin).await?;
    tracing::debug!(purpose = access.purpose, "platform transaction");
    Ok(tx)
}

/// `BEGIN` and the transaction-local context in one simple query, so opening
/// a transaction costs one round trip instead of two (it is on every
/// request's path, and on every webhook's). Only `Uuid`s are written into
/// the text, and a `Uuid` prints as hex digits and hyphens, so nothing from
/// outside can reach the SQL. If the context cannot be set the transaction is
/// aborted and sqlx returns an error: it fails closed. `settings` (fixed
/// text, more `set_config` calls) is appended to the `SELECT`.
fn begin_sql(
    role: &'static str,
    org: Option<Uuid>,
    user: Option<Uuid>,
    impersonator: Option<Uuid>,
    settings: &'static str,
) -> String {
    let text = |id: Option<Uuid>| id.map(|u| u.to_string()).unwrap_or_default();
    format!(
        "BEGIN; {role}SELECT set_config('app.org_id', '{}', true), \
         set_config('app.user_id', '{}', true), \
         set_config('app.impersonator_id', '{}', true){settings}",
        text(org),
        text(user),
        text(impersonator)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_statement_carries_only_uuids() {
        let org = Uuid::from_u128(0x1234);
        let sql = begin_sql("", Some(org), None, None, "");
        assert_eq!(
            sql,
            "BEGIN; SELECT set_config('app.org_id', '00000000-0000-0000-0000-000000001234', true), \
             set_config('app.user_id', '', true), set_config('app.impersonator_id', '', true)"
        );
        assert!(
            begin_sql("SET LOCAL ROLE callboard_platform; ", None, None, None, "")
                .starts_with("BEGIN; SET LOCAL ROLE callboard_platform; SELECT")
        );
    }
}
