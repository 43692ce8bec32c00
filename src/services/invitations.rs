//! Team invitations. An org admin (or the agency) invites an address with a
//! role; the e-mail, in the organization's look and with a link to its own
//! address, is written to the outbox in the same transaction. The link works
//! once, for `CALLBOARD_INVITATION_DAYS`; the invitee chooses a password (or
//! gives the one of the account they already have) and becomes a member.

use crate::auth::{password, Principal};
use crate::config::Config;
use crate::db::{self, audit::Actor, audit::Entry, invitations::NewInvitation, PlatformAccess};
use crate::domain::branding::Branding;
use crate::domain::invitations::{InvitationLine, InvitationState, InvitationView};
use crate::domain::{mail, validate, Role};
use crate::error::AppError;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Writes the invitation e-mail for `token` to the outbox.
async fn send(
    tx: &mut db::tx::Tx,
    config: &Config,
    who: &Principal,
    look: &Branding,
    email: &str,
    role: Role,
    token: &str,
) -> Result<(), AppError> {
    let org_id = who.org_id();
    let base = config.org_url(&db::invitations::subdomain(tx, org_id).await?);
    let link = format!("{base}/invite/{token}");
    let logo = look.logo_url.as_ref().map(|path| format!("{base}{path}"));
    let m = mail::invitation(
        look,
        logo.as_deref(),
        email,
        &who.actor.label,
        role.as_str(),
        &link,
        config.invitation_days,
    );
    db::outbox::enqueue(tx, Some(org_id), "invitation", &m).await?;
    Ok(())
}

/// Invites `email` as `role`; the e-mail goes out with the change or not at all.
pub async fn invite(
    pool: &PgPool,
    config: &Config,
    who: &Principal,
    look: &Branding,
    email: &str,
    role: Role,
) -> Result<(), AppError> {
    who.must_be_admin()?;
    let email = crate::services::users::normalize_email(email);
    validate::Checks::new()
        .check("email", validate::email(&email))
        .finish()?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let members = db::memberships::list(&mut tx, org_id).await?;
    if members.iter().any(|m| m.email == email) {
        return Err(AppError::field(
            "email",
            "This person is already a member; change their role in the table.",
        ));
    }
    let (token, token_hash) = crate::crypto::new_link_token();
    let expires_at = chrono::Utc::now() + chrono::Duration::days(config.invitation_days);
    let n = NewInvitation {
        email: &email,
        role,
        token_hash: &token_hash,
        invited_by: &who.actor.label,
        expires_at,
    };
    db::invitations::insert(&mut tx, org_id, n).await?;
    send(&mut tx, config, who, look, &email, role, &token).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "invitation.create",
        target: Some(email),
        metadata: json!({ "role": role.as_str() }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(pool: &PgPool, who: &Principal) -> Result<Vec<InvitationLine>, AppError> {
    who.must_be_admin()?;
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let list = db::invitations::list(&mut tx, who.org_id(), chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(list)
}

/// A new link (the old one stops working) and a new e-mail.
pub async fn resend(
    pool: &PgPool,
    config: &Config,
    who: &Principal,
    look: &Branding,
    id: Uuid,
) -> Result<(), AppError> {
    who.must_be_admin()?;
    let org_id = who.org_id();
    let (token, token_hash) = crate::crypto::new_link_token();
    let expires_at = chrono::Utc::now() + chrono::Duration::days(config.invitation_days);
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let (email, role) = db::invitations::renew(&mut tx, org_id, id, &token_hash, expires_at)
        .await?
        .ok_or(AppError::NotFound)?;
    send(&mut tx, config, who, look, &email, role, &token).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "invitation.resend",
        target: Some(email),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(pool: &PgPool, who: &Principal, id: Uuid) -> Result<(), AppError> {
    who.must_be_admin()?;
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    if !db::invitations::revoke(&mut tx, who.org_id(), id).await? {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(who.org_id()),
        action: "invitation.revoke",
        target: Some(id.to_string()),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The invitation a link names on this organization's address. Another
/// organization's link, or none, is "not found" alike.
async fn find(
    tx: &mut db::tx::Tx,
    org_id: Uuid,
    token: &str,
    lock: bool,
) -> Result<db::invitations::ByToken, AppError> {
    let want = crate::crypto::link_token_hash(token);
    let found = db::invitations::by_token(tx, org_id, &want, lock)
        .await?
        .ok_or(AppError::NotFound)?;
    // The index found it by its hash; compare once more without an early exit.
    use subtle::ConstantTimeEq;
    if found.token_hash.ct_eq(&want).into() {
        Ok(found)
    } else {
        Err(AppError::NotFound)
    }
}

/// What the invitation page shows for `token` on organization `org_id`'s address.
pub async fn view(
    pool: &PgPool,
    org_id: Uuid,
    org_name: &str,
    token: &str,
) -> Result<InvitationView, AppError> {
    let mut tx = db::tx::platform(pool, PlatformAccess::invitation()).await?;
    let i = find(&mut tx, org_id, token, false).await?;
    tx.commit().await?;
    Ok(InvitationView {
        org_name: org_name.to_string(),
        email: i.email,
        role: i.role,
        state: InvitationState::of(i.accepted, i.revoked, i.expires_at, chrono::Utc::now()),
    })
}

/// Who accepted, for the session that starts.
pub struct Accepted {
    pub user_id: Uuid,
    pub session_epoch: i32,
}

/// Accepts invitation `token` on organization `org_id`'s address with
/// `password`: the existing account's (checked), or a new account's. The
/// same hashing work is done either way.
pub async fn accept(
    pool: &PgPool,
    org_id: Uuid,
    token: &str,
    password_text: String,
    ip: Option<std::net::IpAddr>,
) -> Result<Accepted, AppError> {
    let invitation = {
        let mut tx = db::tx::platform(pool, PlatformAccess::invitation()).await?;
        let i = find(&mut tx, org_id, token, false).await?;
        tx.commit().await?;
        i
    };
    usable(&invitation)?;
    if password_text.len() > crate::auth::login::MAX_PASSWORD {
        return Err(AppError::field(
            "password",
            "A password has at most 1,024 characters.",
        ));
    }
    let existing = {
        let mut tx = db::tx::platform(pool, PlatformAccess::sign_in()).await?;
        let c = db::users::credentials(&mut tx, &invitation.email).await?;
        tx.commit().await?;
        c
    };
    let (user, new_hash) = match &existing {
        Some(c) => {
            if !password::verify(password_text, Some(c.password_hash.clone())).await {
                return Err(AppError::field(
                    "password",
                    "An account with this address exists: give its password.",
                ));
            }
            if c.disabled {
                return Err(AppError::Refused(
                    "This account is disabled. Please contact your administrator.".into(),
                ));
            }
            (Some((c.id, c.session_epoch)), None)
        }
        None => {
            validate::Checks::new()
                .check("password", validate::new_password(&password_text))
                .finish()?;
            (None, Some(password::hash(password_text).await?))
        }
    };
    let mut tx = db::tx::platform(pool, PlatformAccess::invitation()).await?;
    // Locked and checked again: the link works once, however many tabs.
    let invitation = find(&mut tx, org_id, token, true).await?;
    usable(&invitation)?;
    let (user_id, session_epoch) = match (user, new_hash) {
        (Some(u), _) => u,
        (None, Some(hash)) => (
            db::users::insert(&mut tx, &invitation.email, &hash, false).await?,
            0,
        ),
        (None, None) => return Err(AppError::Internal),
    };
    // Someone who became a member meanwhile keeps the role they have: an
    // invitation never changes a member's access (it could demote the last
    // admin without anyone deciding to).
    if db::memberships::role_of(&mut tx, org_id, user_id)
        .await?
        .is_none()
    {
        db::memberships::upsert(&mut tx, org_id, user_id, invitation.role).await?;
    }
    db::invitations::mark_accepted(&mut tx, org_id, invitation.id, user_id).await?;
    let actor = Actor {
        user_id: Some(user_id),
        label: invitation.email.clone(),
        ip,
    };
    let entry = Entry {
        org_id: Some(org_id),
        action: "invitation.accept",
        target: Some(invitation.email.clone()),
        metadata: json!({ "role": invitation.role.as_str(), "new_account": existing.is_none() }),
    };
    db::audit::record(&mut tx, &actor, entry).await?;
    tx.commit().await?;
    Ok(Accepted {
        user_id,
        session_epoch,
    })
}

fn usable(i: &db::invitations::ByToken) -> Result<(), AppError> {
    let state = InvitationState::of(i.accepted, i.revoked, i.expires_at, chrono::Utc::now());
    match state {
        InvitationState::Pending => Ok(()),
        InvitationState::Expired => Err(AppError::Refused(
            "This invitation has expired. Ask for a new one.".into(),
        )),
        InvitationState::Accepted => Err(AppError::Refused(
            "This invitation was already used. Sign in instead.".into(),
        )),
        InvitationState::Revoked => Err(AppError::Refused(
            "This invitation was withdrawn. Ask for a new one.".into(),
        )),
    }
}
