//! Gathering a request's [`Caller`]: from Leptos's context inside a server
//! function or a server render, and as an axum extractor for the plain
//! routes (recordings, exports, live updates, brand uploads). Either way the
//! site comes from the host layer and the session from the session layer;
//! nothing in the request's body or query takes part.

use super::AppState;
use crate::auth::guard::{Caller, MemberMemo};
use crate::error::AppError;
use crate::tenancy::{ClientIp, HostSite};
use tower_sessions::Session;

impl AppState {
    fn caller(
        &self,
        session: Session,
        site: HostSite,
        ip: Option<ClientIp>,
        memo: MemberMemo,
    ) -> Caller {
        Caller {
            pool: self.pool.clone(),
            session,
            site,
            ip: ip.map(|ClientIp(ip)| ip),
            memo,
            session_max: chrono::Duration::days(self.config.session_max_days.into()),
        }
    }
}

/// The process's state and the caller, inside a server function or render.
pub async fn from_context() -> Result<(AppState, Caller), AppError> {
    use axum::Extension;
    use leptos_axum::extract;
    let state = leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| internal("AppState missing from context"))?;
    let session: Session = extract()
        .await
        .map_err(|e| internal(&format!("session layer missing: {e}")))?;
    let Extension(site): Extension<HostSite> = extract()
        .await
        .map_err(|e| internal(&format!("host layer missing: {e}")))?;
    let ip = extract::<Extension<ClientIp>>()
        .await
        .ok()
        .map(|Extension(ip)| ip);
    let memo = extract::<Extension<MemberMemo>>()
        .await
        .map(|Extension(m)| m)
        .unwrap_or_default();
    let caller = state.caller(session, site, ip, memo);
    Ok((state, caller))
}

/// `caller: Caller` as a plain route's argument.
impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let site = parts
            .extensions
            .get::<HostSite>()
            .cloned()
            .ok_or_else(|| internal("host layer missing").into_response())?;
        let ip = parts.extensions.get::<ClientIp>().copied();
        let memo = parts
            .extensions
            .get::<MemberMemo>()
            .cloned()
            .unwrap_or_default();
        Ok(state.caller(session, site, ip, memo))
    }
}

fn internal(msg: &str) -> AppError {
    tracing::error!("{msg}");
    AppError::Internal
}
