//! Cross-site request refusal and response security headers.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How the site is reached from outside (the scheme of `CALLBOARD_PUBLIC_URL`).
#[derive(Clone, Copy, Debug)]
pub struct Served {
    pub https: bool,
}

/// Refuses state-changing requests that a browser marks as coming from
/// another site, including a sibling subdomain (another organization). An
/// `Origin` header, when there is one, must be exactly this site — scheme
/// and host — whatever `Sec-Fetch-Site` says; without one, `Sec-Fetch-Site`
/// must say `same-origin` (or `none`). Requests with neither header come from
/// non-browser clients, which carry no ambient cookies to abuse.
pub async fn refuse_cross_site(State(served): State<Served>, req: Request, next: Next) -> Response {
    if is_safe_method(req.method()) || is_machine_route(req.uri().path()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let allowed = match (
        text(header::ORIGIN),
        text(HeaderName::from_static("sec-fetch-site")),
    ) {
        (Some(origin), _) => {
            text(header::HOST).is_some_and(|host| same_origin(served, origin, host))
        }
        (None, Some(site)) => site == "same-origin" || site == "none",
        (None, None) => true,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

/// `origin` is `<our scheme>://<host>`, compared without regard to case.
fn same_origin(served: Served, origin: &str, host: &str) -> bool {
    let scheme = if served.https { "https" } else { "http" };
    origin.split_once("://").is_some_and(|(s, authority)| {
        s.eq_ignore_ascii_case(scheme) && authority.eq_ignore_ascii_case(host)
    })
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Routes called by machines with their own signatures, not by browsers.
fn is_machine_route(path: &str) -> bool {
    path.starts_with("/webhooks/") || path.starts_with("/tools/")
}

/// Adds security headers to every response. Pages set their own CSP (with a
/// per-response nonce) in the shell; anything else gets a locked-down one.
pub async fn headers(State(served): State<Served>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if served.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    // Built assets and organizations' logos (shown before sign-in anyway)
    // hold no private data; everything else may be personal, so no shared
    // or disk caching.
    if path.starts_with("/pkg/") {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(super::assets::cache_control(&path)),
        );
    } else if path.starts_with("/brand/") {
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("public, max-age=300"));
    } else {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_match_scheme_and_host() {
        let https = Served { https: true };
        let http = Served { https: false };
        assert!(same_origin(
            https,
            "https://acme.example.com",
            "acme.example.com"
        ));
        assert!(same_origin(
            https,
            "HTTPS://Acme.Example.com",
            "acme.example.com"
        ));
        assert!(!same_origin(
            https,
            "http://acme.example.com",
            "acme.example.com"
        ));
        assert!(!same_origin(
            http,
            "https://acme.localhost:3000",
            "acme.localhost:3000"
        ));
        assert!(same_origin(
            http,
            "http://acme.localhost:3000",
            "acme.localhost:3000"
        ));
        assert!(!same_origin(
            https,
            "https://evil.example",
            "acme.example.com"
        ));
        assert!(!same_origin(https, "null", "acme.example.com"));
    }
}
