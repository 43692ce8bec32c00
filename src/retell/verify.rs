//! The one check every request signed by the voice platform passes — call
//! events, inbound-call questions and (next) tool calls: open the
//! organization's sealed API key, then verify the signature with it. The
//! refusal stays typed from here to the counters and the agent's status.

use super::signature::{self, Rejection};
use crate::crypto::Keyring;
use crate::db::credentials::VoiceKey;
use uuid::Uuid;

/// Why a signed request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The organization has no API key to check with (or it cannot be opened).
    NoKey,
    /// The signature is missing, malformed, stale or wrong.
    Signature(Rejection),
}

impl Refusal {
    /// The label used in counters and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::NoKey => "rejected_no_key",
            Refusal::Signature(r) => r.as_str(),
        }
    }

    /// What the agency should hear about it on the agent's status, if
    /// anything. Anyone who learns a webhook URL can post to it: only a
    /// request that carries a well-formed signature header (as the platform
    /// sends, but made with another key or an old timestamp) says something
    /// about the set-up; a missing or garbled header is counted, nothing more.
    pub fn status_message(self, header: Option<&str>) -> Option<&'static str> {
        if !signature::well_formed(header) {
            return None;
        }
        Some(match self {
            Refusal::NoKey => {
                "Events arrive, but the organization has no API key to verify them with."
            }
            Refusal::Signature(Rejection::Stale) => {
                "Events arrive with old timestamps; check the sender's clock."
            }
            Refusal::Signature(_) => {
                "Events arrive with signatures that do not match the stored API key."
            }
        })
    }
}

/// Checks `header` over `body` with the key `org_id` uses (its own, or the
/// agency's shared one), at `now_ms`.
pub fn verify(
    keys: &Keyring,
    org_id: Uuid,
    key: Option<&VoiceKey>,
    body: &[u8],
    header: Option<&str>,
    now_ms: i64,
) -> Result<(), Refusal> {
    let key = key
        .and_then(|k| k.open(keys, org_id).ok())
        .ok_or(Refusal::NoKey)?;
    signature::verify(&key, body, header, now_ms).map_err(Refusal::Signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::db::credentials::{SHARED_VOICE_API_KEY, VOICE_API_KEY};

    #[test]
    fn the_shared_key_verifies_for_an_organization_without_its_own() {
        let keys = Keyring::new([3; 32], vec![]);
        let shared =
            VoiceKey::Shared(keys.seal(Uuid::nil(), SHARED_VOICE_API_KEY, "key_agency_9876"));
        let now = 1_764_000_000_000;
        let body = br#"{"event":"call_ended"}"#;
        let sig = signature::sign("key_agency_9876", body, now);
        for org in [Uuid::new_v4(), Uuid::new_v4()] {
            assert_eq!(
                verify(&keys, org, Some(&shared), body, Some(&sig), now),
                Ok(())
            );
        }
        // An organization's own key sealed as if shared does not open.
        let own = keys.seal(Uuid::new_v4(), VOICE_API_KEY, "key_agency_9876");
        let posing = VoiceKey::Shared(own);
        assert_eq!(
            verify(&keys, Uuid::new_v4(), Some(&posing), body, Some(&sig), now),
            Err(Refusal::NoKey)
        );
    }

    #[test]
    fn a_request_is_refused_without_a_key_and_with_a_wrong_one() {
        let keys = Keyring::new([3; 32], vec![]);
        let org = Uuid::new_v4();
        let sealed = VoiceKey::Own(keys.seal(org, VOICE_API_KEY, "key_fictional_0123"));
        let now = 1_764_000_000_000;
        let body = br#"{"event":"call_ended"}"#;
        let good = signature::sign("key_fictional_0123", body, now);
        let other = signature::sign("key_someone_else", body, now);
        assert_eq!(
            verify(&keys, org, Some(&sealed), body, Some(&good), now),
            Ok(())
        );
        assert_eq!(
            verify(&keys, org, None, body, Some(&good), now),
            Err(Refusal::NoKey)
        );
        // Sealed for another organization: it does not open for this one.
        assert_eq!(
            verify(&keys, Uuid::new_v4(), Some(&sealed), body, Some(&good), now),
            Err(Refusal::NoKey)
        );
        let wrong = verify(&keys, org, Some(&sealed), body, Some(&other), now).unwrap_err();
        assert_eq!(wrong, Refusal::Signature(Rejection::Mismatch));
        assert_eq!(wrong.as_str(), "rejected_signature");
        assert!(wrong.status_message(Some(&other)).is_some());
        assert_eq!(Refusal::NoKey.status_message(Some("garbage")), None);
        assert_eq!(
            verify(&keys, org, Some(&sealed), body, None, now),
            Err(Refusal::Signature(Rejection::Missing))
        );
    }
}
