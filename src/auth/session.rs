//! What we keep in the server-side session. The cookie holds only a random id;
//! the record lives in PostgreSQL (tower-sessions), so sign-out deletes it and
//! sessions survive restarts.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const KEY: &str = "auth";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: Uuid,
    /// The organization this session was opened for (`None` on the platform host).
    pub org_id: Option<Uuid>,
    /// When the password was checked: sessions end a fixed time after it,
    /// however active. A session from before this field existed has none
    /// and is over.
    #[serde(default)]
    pub signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The user's session epoch then; setting a password moves it on, which
    /// ends every session signed in before.
    #[serde(default)]
    pub epoch: i32,
    /// Signed in with a password alone where a second factor is required
    /// (a super admin, `CALLBOARD_REQUIRE_2FA_FOR_SUPER_ADMINS`): only
    /// turning two-factor sign-in on works until it is done.
    #[serde(default)]
    pub enrolling: bool,
}

impl SessionAuth {
    /// Whether the session may still be used now, for a user whose session
    /// epoch is `epoch`.
    pub fn is_current(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        max_age: chrono::Duration,
        epoch: i32,
    ) -> bool {
        self.epoch == epoch && self.signed_in_at.is_some_and(|at| now - at < max_age)
    }
}

pub async fn get(session: &Session) -> Option<SessionAuth> {
    session.get::<SessionAuth>(KEY).await.ok().flatten()
}

/// Starts an authenticated session under a new id, so an id planted before
/// sign-in is worthless afterwards.
pub async fn start(
    session: &Session,
    auth: SessionAuth,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(KEY, auth).await
}

/// Deletes the server-side record and expires the cookie.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

const PENDING: &str = "second_step";

/// The password was right and the person has two-factor sign-in: the
/// session waits for a code, for a few minutes and a few tries, before it
/// becomes `auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStep {
    pub auth: SessionAuth,
    pub since: chrono::DateTime<chrono::Utc>,
    pub failures: u8,
}

impl SecondStep {
    pub const MINUTES: i64 = 5;
    pub const TRIES: u8 = 5;

    pub fn is_open(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now - self.since < chrono::Duration::minutes(Self::MINUTES) && self.failures < Self::TRIES
    }
}

pub async fn second_step(session: &Session) -> Option<SecondStep> {
    session.get::<SecondStep>(PENDING).await.ok().flatten()
}

/// Waits for the code under a new session id (nobody is signed in yet).
pub async fn await_second_step(
    session: &Session,
    step: SecondStep,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.remove::<SessionAuth>(KEY).await?;
    session.insert(PENDING, step).await
}

pub async fn update_second_step(
    session: &Session,
    step: Option<SecondStep>,
) -> Result<(), tower_sessions::session::Error> {
    match step {
        Some(step) => session.insert(PENDING, step).await,
        None => session.remove::<SecondStep>(PENDING).await.map(|_| ()),
    }
}

const FRESH_CODES: &str = "fresh_recovery_codes";

/// Recovery codes just made, kept in the server-side session until the
/// Account page has shown them once (so a plain form post, which comes back
/// to the page by redirect, shows them too).
pub async fn keep_fresh_codes(
    session: &Session,
    codes: Vec<String>,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(FRESH_CODES, codes).await
}

pub async fn take_fresh_codes(session: &Session) -> Vec<String> {
    session
        .remove::<Vec<String>>(FRESH_CODES)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub use crate::tenancy::Impersonation;

const IMPERSONATION: &str = "impersonation";

pub async fn impersonation(session: &Session) -> Option<Impersonation> {
    session
        .get::<Impersonation>(IMPERSONATION)
        .await
        .ok()
        .flatten()
}

/// Starts (or with `None`, ends) an impersonation, under a new session id
/// either way.
pub async fn set_impersonation(
    session: &Session,
    imp: Option<Impersonation>,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    match imp {
        Some(imp) => session.insert(IMPERSONATION, imp).await,
        None => session
            .remove::<Impersonation>(IMPERSONATION)
            .await
            .map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    #[test]
    fn sessions_end_at_their_absolute_lifetime_and_at_a_new_password() {
        let now = Utc::now();
        let week = Duration::days(7);
        let auth = |ago: Duration| SessionAuth {
            user_id: Uuid::nil(),
            org_id: None,
            signed_in_at: Some(now - ago),
            epoch: 3,
            enrolling: false,
        };
        assert!(auth(Duration::hours(1)).is_current(now, week, 3));
        assert!(auth(Duration::days(6)).is_current(now, week, 3));
        assert!(!auth(Duration::days(7)).is_current(now, week, 3));
        // A password set since sign-in moved the epoch on.
        let hour_ago = auth(Duration::hours(1));
        assert!(!hour_ago.is_current(now, week, 4));
        // Sessions from before these fields existed are over.
        let old = SessionAuth {
            signed_in_at: None,
            epoch: 0,
            ..hour_ago
        };
        assert!(!old.is_current(now, week, 0));
    }
}
