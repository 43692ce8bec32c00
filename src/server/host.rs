//! The request's Host decides which front door it came through: the platform
//! (root domain) or one organization (its subdomain or exact custom domain).
//! It picks presentation and the organization a sign-in is for; it never
//! grants access by itself (the session must match, see `auth::guard`).

use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How a host name relates to the base domain, before any database lookup.
#[derive(Debug, PartialEq, Eq)]
pub enum HostKind<'a> {
    Platform,
    /// `<label>.<base>`: one label only; deeper names are not ours.
    Subdomain(&'a str),
    /// Anything else may be an organization's custom domain.
    Other(&'a str),
}

/// Lower-cased host without port; `None` when the header is unusable.
pub fn host_name(raw: &str) -> Option<String> {
    let raw = raw.trim().to_ascii_lowercase();
    let name = if raw.starts_with('[') {
        raw.split(']').next().map(|s| format!("{s}]"))?
    } else {
        raw.split(':').next()?.to_string()
    };
    let name = name.trim_end_matches('.').to_string();
    (!name.is_empty()).then_some(name)
}

pub fn classify<'a>(host: &'a str, base: &str) -> HostKind<'a> {
    if host == base {
        return HostKind::Platform;
    }
    match host.strip_suffix(base).and_then(|s| s.strip_suffix('.')) {
        Some(label) if !label.is_empty() && !label.contains('.') => HostKind::Subdomain(label),
        _ => HostKind::Other(host),
    }
}

/// Middleware: resolves the Host and stores a [`HostSite`] in the request's
/// extensions; unknown hosts get a plain 404 before any page code runs.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let raw = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let Some(host) = raw.as_deref().and_then(host_name) else {
        return not_found();
    };
    let site = match classify(&host, &state.config.base_domain) {
        HostKind::Platform => {
            let session = req.extensions().get::<tower_sessions::Session>().cloned();
            Some(impersonated(&state, session).await)
        }
        HostKind::Subdomain(label) => lookup(&state, Some(label), &host).await,
        HostKind::Other(name) => lookup(&state, None, name).await,
    };
    match site {
        Some(Ok(site)) => {
            req.extensions_mut().insert(site);
            // One membership check per request (`auth::guard::MemberMemo`).
            req.extensions_mut()
                .insert(crate::auth::guard::MemberMemo::default());
            next.run(req).await
        }
        Some(Err(())) => unavailable(),
        None => not_found(),
    }
}

/// On the platform domain: the organization a super admin is viewing as,
/// if the session says so and the time limit has not passed; otherwise the
/// platform itself. (Sessions run before this layer.)
async fn impersonated(
    state: &AppState,
    session: Option<tower_sessions::Session>,
) -> Result<HostSite, ()> {
    let Some(session) = session else {
        return Ok(HostSite::Platform);
    };
    let Some(imp) = crate::auth::session::impersonation(&session).await else {
        return Ok(HostSite::Platform);
    };
    if imp.expires_at <= chrono::Utc::now() {
        return Ok(HostSite::Platform);
    }
    match state.hosts.by_id(&state.pool, imp.org_id).await {
        Ok(Some(mut org)) => {
            org.viewed_by = Some(Box::new(imp));
            Ok(HostSite::Org(org))
        }
        Ok(None) => Ok(HostSite::Platform),
        Err(_) => Err(()),
    }
}

async fn lookup(state: &AppState, label: Option<&str>, host: &str) -> Option<Result<HostSite, ()>> {
    match state.hosts.get(&state.pool, label, host).await {
        Ok(Some(org)) => Some(Ok(HostSite::Org(org))),
        Ok(None) => None,
        Err(_) => Some(Err(())),
    }
}

fn not_found() -> Response {
    plain(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no site at this address.",
    )
}

fn unavailable() -> Response {
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "Temporarily unavailable",
        "This site is temporarily unavailable. Please try again in a moment.",
    )
}

/// The look of a page with no branding, inline: an unknown host serves no
/// stylesheet (every path on it is this page).
const PLAIN_STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;\
    margin:0;background:#f6f7f9;color:#1f2933}main{max-width:32rem;margin:12vh auto;\
    padding:2rem 2.25rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
    h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0;color:#52606d;line-height:1.5}";

/// Its policy: nothing may load or run; only that inline style applies.
const PLAIN_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// A page with no branding at all: we do not know whose site this is.
fn plain(status: StatusCode, title: &str, text: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>{PLAIN_STYLE}</style></head>\
         <body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, PLAIN_CSP),
        ],
        Body::from(html),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_ports_and_case() {
        assert_eq!(
            host_name("Acme.Callboard.localhost:3000").as_deref(),
            Some("acme.callboard.localhost")
        );
        assert_eq!(
            host_name("callboard.localhost.").as_deref(),
            Some("callboard.localhost")
        );
        assert_eq!(host_name("[::1]:3000").as_deref(), Some("[::1]"));
        assert_eq!(host_name(""), None);
    }

    #[test]
    fn classification() {
        let base = "callboard.localhost";
        assert_eq!(classify("callboard.localhost", base), HostKind::Platform);
        assert_eq!(
            classify("acme.callboard.localhost", base),
            HostKind::Subdomain("acme")
        );
        assert_eq!(
            classify("a.b.callboard.localhost", base),
            HostKind::Other("a.b.callboard.localhost")
        );
        assert_eq!(
            classify("evilcallboard.localhost", base),
            HostKind::Other("evilcallboard.localhost")
        );
        assert_eq!(
            classify("portal.acme.com", base),
            HostKind::Other("portal.acme.com")
        );
    }
}
