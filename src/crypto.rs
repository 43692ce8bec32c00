//! Sealing third-party secrets at rest: AES-256-GCM with a random 96-bit nonce
//! and associated data that binds the ciphertext to its organization and
//! column, so a sealed value copied to another row or tenant will not open.
//!
//! Keys come from `CALLBOARD_ENCRYPTION_KEY` (current) and
//! `CALLBOARD_ENCRYPTION_KEY_PREVIOUS` (older keys, comma-separated, for
//! rotation). Each sealed value records the id of the key that sealed it: the
//! first 8 hex digits of SHA-256 of the key, which names a key without
//! revealing it. `callboard rotate-encryption-key` re-seals everything with
//! the current key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Clone)]
pub struct Keyring {
    current: (String, [u8; 32]),
    previous: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.0)
            .finish_non_exhaustive()
    }
}

/// A secret as stored: which key, which nonce, and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the value was sealed with key {0}, which is not configured")]
    UnknownKey(String),
    #[error("the value does not open with its key (tampered, or moved to another row)")]
    Corrupt,
}

pub fn key_id(key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(key)[..4])
}

fn aad(org_id: Uuid, column: &str) -> Vec<u8> {
    format!("callboard:v1:org={org_id}:col={column}").into_bytes()
}

impl Keyring {
    pub fn new(current: [u8; 32], previous: Vec<[u8; 32]>) -> Self {
        Keyring {
            current: (key_id(&current), current),
            previous: previous.into_iter().map(|k| (key_id(&k), k)).collect(),
        }
    }

    pub fn current_id(&self) -> &str {
        &self.current.0
    }

    fn key(&self, id: &str) -> Option<&[u8; 32]> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|(kid, _)| kid == id)
            .map(|(_, k)| k)
    }

    pub fn seal(&self, org_id: Uuid, column: &str, plaintext: &str) -> Sealed {
        let cipher = Aes256Gcm::new((&self.current.1).into());
        let nonce: [u8; 12] = rand::random();
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: &aad(org_id, column),
        };
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("AES-GCM encryption of a short secret cannot fail");
        Sealed {
            key_id: self.current.0.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    pub fn open(&self, org_id: Uuid, column: &str, sealed: &Sealed) -> Result<String, CryptoError> {
        let key = self
            .key(&sealed.key_id)
            .ok_or_else(|| CryptoError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.nonce.len() != 12 {
            return Err(CryptoError::Corrupt);
        }
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: &aad(org_id, column),
        };
        let plain = Aes256Gcm::new(key.into())
            .decrypt(Nonce::from_slice(&sealed.nonce), payload)
            .map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Corrupt)
    }

    /// Whether `sealed` should be re-sealed with the current key.
    pub fn is_stale(&self, sealed: &Sealed) -> bool {
        sealed.key_id != self.current.0
    }
}

/// The last four characters, the only part of a secret the UI ever shows.
pub fn last4(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// A link token for an e-mail (an invitation, a password reset): 256 random
/// bits, URL-safe, and the SHA-256 that is stored instead of it.
pub fn new_link_token() -> (String, Vec<u8>) {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = link_token_hash(&token);
    (token, hash)
}

/// What a link token is stored and looked up as.
pub fn link_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::new([7; 32], vec![[9; 32]])
    }

    #[test]
    fn seals_and_opens() {
        let org = Uuid::new_v4();
        let sealed = ring().seal(org, "voice_api_key", "key_abc123");
        assert_ne!(sealed.ciphertext, b"key_abc123");
        assert_eq!(
            ring().open(org, "voice_api_key", &sealed).unwrap(),
            "key_abc123"
        );
    }

    #[test]
    fn nonces_are_fresh() {
        let org = Uuid::new_v4();
        let a = ring().seal(org, "c", "same");
        let b = ring().seal(org, "c", "same");
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn another_org_or_column_cannot_open_it() {
        let org = Uuid::new_v4();
        let sealed = ring().seal(org, "voice_api_key", "secret");
        assert_eq!(
            ring().open(Uuid::new_v4(), "voice_api_key", &sealed),
            Err(CryptoError::Corrupt)
        );
        assert_eq!(
            ring().open(org, "other", &sealed),
            Err(CryptoError::Corrupt)
        );
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert_eq!(
            ring().open(org, "voice_api_key", &tampered),
            Err(CryptoError::Corrupt)
        );
    }

    #[test]
    fn rotation_opens_old_values_and_seals_with_the_new_key() {
        let org = Uuid::new_v4();
        let old = Keyring::new([9; 32], vec![]);
        let sealed = old.seal(org, "c", "secret");
        let rotated = ring();
        assert!(rotated.is_stale(&sealed));
        assert_eq!(rotated.open(org, "c", &sealed).unwrap(), "secret");
        let resealed = rotated.seal(org, "c", "secret");
        assert!(!rotated.is_stale(&resealed));
        let unknown = Keyring::new([1; 32], vec![]);
        assert!(matches!(
            unknown.open(org, "c", &sealed),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn last4_is_short() {
        assert_eq!(last4("key_1234abcd"), "abcd");
        assert_eq!(last4("ab"), "ab");
    }

    #[test]
    fn link_tokens_are_long_random_and_stored_only_as_their_hash() {
        let (a, hash_a) = new_link_token();
        let (b, _) = new_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(hash_a.len(), 32);
        assert_eq!(link_token_hash(&format!(" {a}\n")), hash_a);
    }
}
