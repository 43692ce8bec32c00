//! Request signatures (`x-retell-signature: v=<ms>,d=<hex>`): HMAC-SHA256 keyed
//! with the organization's API key over the raw body followed by the decimal
//! timestamp. Verification works on the raw bytes and compares in constant time.

use hmac::{Mac, SimpleHmac};
use sha2::Sha256;

pub const HEADER: &str = "x-retell-signature";
/// How far the signer's clock may be from ours, either way (the boundary is accepted).
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

type HmacSha256 = SimpleHmac<Sha256>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No signature header.
    Missing,
    /// The header is not `v=<digits>,d=<64 lowercase hex>`.
    Malformed,
    /// Signed too long ago (or too far in the future).
    Stale,
    /// The digest does not match this body and key.
    Mismatch,
}

impl Rejection {
    /// The label used in counters and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Missing => "rejected_missing",
            Rejection::Malformed => "rejected_malformed",
            Rejection::Stale => "rejected_stale",
            Rejection::Mismatch => "rejected_signature",
        }
    }
}

fn mac(key: &str, body: &[u8], timestamp_ms: i64) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.update(timestamp_ms.to_string().as_bytes());
    mac
}

/// The header value for `body` signed with `key` at `timestamp_ms`.
pub fn sign(key: &str, body: &[u8], timestamp_ms: i64) -> String {
    let digest = mac(key, body, timestamp_ms).finalize().into_bytes();
    format!("v={timestamp_ms},d={}", hex::encode(digest))
}

/// Splits `v=<T>,d=<H>` without accepting anything looser: digits only for T,
/// exactly 64 lowercase hex characters for H.
fn parse(header: &str) -> Option<(i64, [u8; 32])> {
    let (v, d) = header.trim().split_once(',')?;
    let t = v.strip_prefix("v=")?;
    let h = d.strip_prefix("d=")?;
    if t.is_empty() || t.len() > 15 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if h.len() != 64 || !h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut digest = [0u8; 32];
    hex::decode_to_slice(h, &mut digest).ok()?;
    Some((t.parse().ok()?, digest))
}

/// Whether a header has the platform's shape (`v=<digits>,d=<64 hex>`),
/// whatever key made it.
pub fn well_formed(header: Option<&str>) -> bool {
    header.and_then(parse).is_some()
}

/// Checks `header` against the raw `body`, the organization's `key` and the
/// current time. The digest comparison is constant-time (`Mac::verify_slice`).
pub fn verify(key: &str, body: &[u8], header: Option<&str>, now_ms: i64) -> Result<(), Rejection> {
    let header = header.ok_or(Rejection::Missing)?;
    let (timestamp, digest) = parse(header).ok_or(Rejection::Malformed)?;
    if (now_ms - timestamp).abs() > WINDOW_MS {
        return Err(Rejection::Stale);
    }
    mac(key, body, timestamp)
        .verify_slice(&digest)
        .map_err(|_| Rejection::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "test-api-key";
    const BODY: &[u8] = br#"{"event":"call_ended"}"#;
    const T: i64 = 1_700_000_000_000;
    const SIG: &str =
        "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";

    #[test]
    fn the_documented_vector_signs_and_verifies() {
        assert_eq!(sign(KEY, BODY, T), SIG);
        assert_eq!(verify(KEY, BODY, Some(SIG), T), Ok(()));
    }

    #[test]
    fn the_window_is_five_minutes_inclusive() {
        assert_eq!(verify(KEY, BODY, Some(SIG), T + WINDOW_MS), Ok(()));
        assert_eq!(verify(KEY, BODY, Some(SIG), T - WINDOW_MS), Ok(()));
        assert_eq!(
            verify(KEY, BODY, Some(SIG), T + WINDOW_MS + 1),
            Err(Rejection::Stale)
        );
        assert_eq!(
            verify(KEY, BODY, Some(SIG), T - WINDOW_MS - 1),
            Err(Rejection::Stale)
        );
    }

    #[test]
    fn anything_else_is_rejected() {
        assert_eq!(verify(KEY, BODY, None, T), Err(Rejection::Missing));
        assert_eq!(
            verify("other", BODY, Some(SIG), T),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            verify(KEY, b"{\"event\": \"call_ended\"}", Some(SIG), T),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            verify(KEY, BODY, Some(&SIG.to_uppercase()), T),
            Err(Rejection::Malformed)
        );
        assert_eq!(
            verify(KEY, BODY, Some(&SIG[..SIG.len() - 2]), T),
            Err(Rejection::Malformed)
        );
        assert_eq!(
            verify(KEY, BODY, Some("v=1700000000000"), T),
            Err(Rejection::Malformed)
        );
        assert_eq!(
            verify(KEY, BODY, Some(&SIG.replace("v=", "v=-")), T),
            Err(Rejection::Malformed)
        );
        let other_time = SIG.replace("1700000000000", "1700000000001");
        assert_eq!(
            verify(KEY, BODY, Some(&other_time), T),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn an_empty_body_is_signed_over_the_timestamp_alone() {
        let sig = sign(KEY, b"", T);
        assert_eq!(verify(KEY, b"", Some(&sig), T), Ok(()));
        assert_eq!(verify(KEY, b" ", Some(&sig), T), Err(Rejection::Mismatch));
    }
}
