//! Fetching call recordings without letting a URL that arrived in an event
//! reach anything but the voice platform's recording storage.
//!
//! A recording URL is data from a signed event, and whoever holds an
//! organization's key can sign anything; so the URL is not trusted. Before a
//! byte is fetched: the scheme must be `https`, the host must be a name on the
//! allowlist (`CALLBOARD_RECORDING_HOSTS`; never an address literal), and
//! every address the name resolves to must be public — not loopback, private,
//! link-local, unique-local, multicast, shared or reserved — checked inside the
//! client's resolver, so the connection goes only to an address that passed.
//! Redirects are not followed. Only audio passes through, with a size cap and
//! a time limit.

use futures_util::StreamExt;
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Where the voice platform keeps recordings, as its recording links show.
/// Operators whose links point elsewhere set `CALLBOARD_RECORDING_HOSTS`.
pub const DEFAULT_HOSTS: &str = "dxc03zgurdly9.cloudfront.net,*.retellai.com";

/// A one-hour two-channel WAV is ~230 MB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// What may be fetched.
#[derive(Clone, Debug, Default)]
pub struct MediaPolicy {
    /// Exact names (`a.example`) or suffixes (`*.example`, which does not
    /// match `example` itself), lowercase.
    pub hosts: Vec<String>,
    /// Addresses exempt from the private-range check
    /// (`CALLBOARD_RECORDING_ALLOW_ADDRESSES`; for a store on an internal network).
    pub allow_addresses: Vec<IpNet>,
    /// Names answered without DNS (tests); the address check still applies.
    pub resolve: Vec<(String, IpAddr)>,
    /// An extra trusted root certificate, PEM (`CALLBOARD_RECORDING_CA_FILE`).
    pub extra_root_pem: Option<Vec<u8>>,
    pub max_bytes: u64,
    pub timeout: Duration,
}

/// Why a recording was not fetched. Logged; the person only sees that the
/// recording is unavailable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not a URL")]
    Unparsable,
    #[error("only https is fetched")]
    Scheme,
    #[error("the host is not on the recording allowlist")]
    Host,
    #[error("the host resolves to an internal address")]
    Address,
    #[error("the store answered {0}")]
    Status(u16),
    #[error("not audio")]
    ContentType,
    #[error("larger than the limit")]
    TooLarge,
    #[error("could not reach the store")]
    Unreachable,
}

impl MediaPolicy {
    /// Parses `CALLBOARD_RECORDING_HOSTS`-style text.
    pub fn hosts_from(text: &str) -> Vec<String> {
        text.split(',')
            .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect()
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().any(|rule| match rule.strip_prefix("*.") {
            Some(suffix) => host
                .strip_suffix(suffix)
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            None => *rule == host,
        })
    }

    /// The cheap checks on the URL itself.
    pub fn check_url(&self, raw: &str) -> Result<reqwest::Url, Refusal> {
        let url = reqwest::Url::parse(raw).map_err(|_| Refusal::Unparsable)?;
        if url.scheme() != "https" {
            return Err(Refusal::Scheme);
        }
        // `domain()` is None for address literals: they are never on a list of names.
        match url.domain() {
            Some(name) if self.host_allowed(name) => Ok(url),
            _ => Err(Refusal::Host),
        }
    }

    fn address_allowed(&self, ip: IpAddr) -> bool {
        !is_internal(ip) || self.allow_addresses.iter().any(|net| net.contains(&ip))
    }
}

/// Loopback, private, link-local, unique-local, multicast, shared, reserved
/// and other addresses that are not somebody's public server. IPv4 inside
/// IPv6 (mapped, NAT64, 6to4 …) is judged by its IPv4 part.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return internal_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0) // IPv4-compatible
        || (s[0] == 0x0064 && s[1] == 0xff9b && internal_v4(embedded(s[6], s[7]))) // NAT64
        || (s[0] == 0x2002 && internal_v4(embedded(s[1], s[2]))) // 6to4
        || s[0] == 0x2001 && s[1] == 0 // Teredo: the server is somewhere else
}

/// Resolves names and refuses the lot if any address is internal, so a name
/// cannot mix a public address with a private one and hope for the second.
struct GuardedResolver {
    policy: Arc<MediaPolicy>,
    fixed: HashMap<String, IpAddr>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_ascii_lowercase();
        let fixed = self.fixed.get(&name).copied();
        let policy = self.policy.clone();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = match fixed {
                Some(ip) => vec![SocketAddr::new(ip, 0)],
                None => tokio::net::lookup_host((name.as_str(), 0)).await?.collect(),
            };
            if addrs.is_empty() || !addrs.iter().all(|a| policy.address_allowed(a.ip())) {
                return Err(Box::new(AddressRefused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[derive(Debug)]
struct AddressRefused;

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the name resolves to an internal address")
    }
}

impl std::error::Error for AddressRefused {}

/// An upstream answer that passed every check, ready to stream.
pub struct Fetched {
    pub status: u16,
    pub headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    pub body: futures_util::stream::BoxStream<'static, Result<axum::body::Bytes, std::io::Error>>,
}

/// The recording fetcher held in the server's state.
#[derive(Clone)]
pub struct MediaClient {
    policy: Arc<MediaPolicy>,
    client: reqwest::Client,
}

impl MediaClient {
    pub fn new(policy: MediaPolicy) -> anyhow::Result<Self> {
        let policy = Arc::new(policy);
        let resolver = GuardedResolver {
            policy: policy.clone(),
            fixed: policy
                .resolve
                .iter()
                .map(|(n, ip)| (n.to_ascii_lowercase(), *ip))
                .collect(),
        };
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(resolver));
        if let Some(pem) = &policy.extra_root_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(pem)?);
        }
        Ok(MediaClient {
            client: builder.build()?,
            policy,
        })
    }

    /// Fetches `url` (passing a `Range` through), or says why not.
    pub async fn fetch(&self, url: &str, range: Option<&str>) -> Result<Fetched, Refusal> {
        let url = self.policy.check_url(url)?;
        let mut req = self.client.get(url);
        if let Some(range) = range.filter(|r| r.len() <= 100 && r.starts_with("bytes=")) {
            req = req.header(reqwest::header::RANGE, range);
        }
        let res = req.send().await.map_err(|e| {
            if is_address_refusal(&e) {
                Refusal::Address
            } else {
                Refusal::Unreachable
            }
        })?;
        let status = res.status().as_u16();
        if !(status == 200 || status == 206) {
            return Err(Refusal::Status(status));
        }
        let audio = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("audio/"));
        if !audio {
            return Err(Refusal::ContentType);
        }
        let max = self.policy.max_bytes;
        if res.content_length().is_some_and(|n| n > max) {
            return Err(Refusal::TooLarge);
        }
        use reqwest::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE};
        let headers = [CONTENT_TYPE, CONTENT_LENGTH, CONTENT_RANGE, ACCEPT_RANGES]
            .into_iter()
            .filter_map(|n| res.headers().get(&n).map(|v| (n, v.clone())))
            .collect();
        // Stops (with an error, which cuts the response short) past the cap,
        // whatever the store claimed as its length.
        let mut seen = 0u64;
        let body = res
            .bytes_stream()
            .map(move |chunk| {
                let chunk = chunk.map_err(std::io::Error::other)?;
                seen += chunk.len() as u64;
                if seen > max {
                    return Err(std::io::Error::other("recording larger than the limit"));
                }
                Ok(chunk)
            })
            .boxed();
        Ok(Fetched {
            status,
            headers,
            body,
        })
    }
}

fn is_address_refusal(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<AddressRefused>() {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> MediaPolicy {
        MediaPolicy {
            hosts: MediaPolicy::hosts_from("recordings.example, *.store.example"),
            max_bytes: 10,
            timeout: Duration::from_secs(1),
            ..Default::default()
        }
    }

    #[test]
    fn only_https_urls_on_listed_names_pass_the_first_check() {
        let p = policy();
        assert!(p.check_url("https://recordings.example/a.wav").is_ok());
        assert!(p.check_url("https://RECORDINGS.example./a.wav").is_ok());
        assert!(p.check_url("https://eu.store.example/a.wav").is_ok());
        assert_eq!(
            p.check_url("http://recordings.example/a.wav"),
            Err(Refusal::Scheme)
        );
        assert_eq!(
            p.check_url("https://store.example/a.wav"),
            Err(Refusal::Host)
        );
        assert_eq!(
            p.check_url("https://evilstore.example/a.wav"),
            Err(Refusal::Host)
        );
        assert_eq!(
            p.check_url("https://recordings.example.evil.test/a.wav"),
            Err(Refusal::Host)
        );
        for literal in [
            "https://127.0.0.1/a.wav",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/a.wav",
        ] {
            assert_eq!(p.check_url(literal), Err(Refusal::Host), "{literal}");
        }
        assert_eq!(p.check_url("file:///etc/passwd"), Err(Refusal::Scheme));
        assert_eq!(p.check_url("not a url"), Err(Refusal::Unparsable));
    }

    #[test]
    fn internal_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip} is internal");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn exemptions_are_exact() {
        let mut p = policy();
        p.allow_addresses = vec!["127.0.0.2/32".parse().unwrap()];
        assert!(p.address_allowed("127.0.0.2".parse().unwrap()));
        assert!(!p.address_allowed("127.0.0.1".parse().unwrap()));
        assert!(p.address_allowed("93.184.216.34".parse().unwrap()));
    }
}
