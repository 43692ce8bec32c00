//! Cross-site request refusal and response security headers.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses state-changing requests that a browser marks as coming from
/// another site, including a sibling subdomain (another organization). Uses
/// `Sec-Fetch-Site` when present and falls back to comparing `Origin` with
/// `Host`. Requests with neither header come from non-browser clients, which
/// carry no ambient cookies to abuse.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if is_safe_method(req.method()) || is_machine_route(req.uri().path()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match fetch_site {
        Some(v) => v == "same-origin" || v == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(origin) => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
                let origin_authority = origin.split_once("://").map(|(_, a)| a);
                host.is_some()
                    && origin_authority.map(str::to_ascii_lowercase)
                        == host.map(str::to_ascii_lowercase)
            }
        },
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
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
pub async fn headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
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
    if path.starts_with("/pkg/") || path.starts_with("/brand/") {
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

/// The page CSP. Scripts run only with this response's nonce (plus the
/// WebAssembly the hydration script loads).
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}
