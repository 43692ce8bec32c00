//! Who the client is, behind any proxies we were told to trust.
//!
//! The TCP peer is the client unless it is one of `CALLBOARD_TRUSTED_PROXIES`;
//! then `X-Forwarded-For` is read from the right, skipping trusted proxies, and
//! the first address that is not one of them is the client. A forwarded header
//! from anyone else is ignored, so a client cannot choose its own address for
//! the sign-in limits or the activity log.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

pub use crate::tenancy::ClientIp;

pub fn client_ip(trusted: &[IpNet], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|hop| parse_hop(hop.trim()))
        .collect();
    // A hop that does not parse ends the trusted chain there: everything to
    // its left came from someone we cannot vouch for.
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Middleware: puts [`ClientIp`] in the request's extensions.
pub async fn stamp(
    State(trusted): State<std::sync::Arc<Vec<IpNet>>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = client_ip(&trusted, peer.ip(), req.headers());
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        // Through the proxy: the address it saw.
        assert_eq!(
            client_ip(&trusted, proxy, &headers("198.51.100.7")),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // A client's own claim in front of the proxy's is skipped.
        assert_eq!(
            client_ip(&trusted, proxy, &headers("1.2.3.4, 198.51.100.7, 10.0.0.6")),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Not from a proxy: the header is ignored.
        assert_eq!(client_ip(&trusted, stranger, &headers("1.2.3.4")), stranger);
        // No trusted proxies configured: always the peer.
        assert_eq!(client_ip(&[], proxy, &headers("1.2.3.4")), proxy);
        // Garbage ends the chain; without a header, the proxy itself.
        assert_eq!(client_ip(&trusted, proxy, &headers("nonsense")), proxy);
        assert_eq!(client_ip(&trusted, proxy, &HeaderMap::new()), proxy);
    }
}
