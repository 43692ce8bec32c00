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

const IMPERSONATION: &str = "impersonation";

/// A super admin viewing an organization as its admin, on the platform
/// domain. Lives only in the server-side session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impersonation {
    pub org_id: Uuid,
    pub org_name: String,
    /// The super admin.
    pub user_id: Uuid,
    pub email: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

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
