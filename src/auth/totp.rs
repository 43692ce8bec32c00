//! Time-based one-time codes (RFC 6238) for two-factor sign-in, with the
//! `totp-rs` crate: SHA-1, six digits, 30-second steps — what every
//! authenticator app reads from the QR code — and one step of clock drift
//! either way. Which step a code belongs to is kept, so that a code is good
//! once (`db::two_factor::take_step`).

use totp_rs::{Algorithm, Secret, TOTP};

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
/// 160 bits, the size RFC 4226 recommends for SHA-1.
const SECRET_BYTES: usize = 20;

/// A new random secret, as the base32 text the person may type into their
/// app instead of scanning (and as it is sealed at rest).
pub fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn authenticator(secret_base32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let raw = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    // The otpauth label is "issuer:account": neither part may hold a colon.
    let clean = |s: &str| s.replace(':', " ").trim().to_string();
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECONDS,
        raw,
        Some(clean(issuer)).filter(|s| !s.is_empty()),
        clean(account),
    )
    .ok()
}

/// The `otpauth://` address an authenticator app reads from the QR code.
/// `issuer` is what the app shows the code under: the organization's name
/// (or the console's), never a vendor's.
pub fn provisioning_url(secret_base32: &str, issuer: &str, account: &str) -> Option<String> {
    authenticator(secret_base32, issuer, account).map(|t| t.get_url())
}

/// The QR code of `url` as an SVG document, drawn on the server so the page
/// needs no script to show it.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// The code an authenticator app with this secret shows at `time` (Unix
/// seconds): for the operator's checks and the tests.
pub fn code_at(secret_base32: &str, time: u64) -> Option<String> {
    let clean: String = secret_base32
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    authenticator(&clean, "", "account").map(|t| t.generate(time))
}

/// The step of the code `code` at `now` (Unix seconds), if it is right for
/// this step or one either side of it; compared in constant time.
pub fn matching_step(secret_base32: &str, code: &str, now: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = authenticator(secret_base32, "", "account")?;
    let current = now / STEP_SECONDS;
    let mut found = None;
    // Every candidate is computed and compared, so the time taken does not
    // say which one matched.
    for step in [current.saturating_sub(1), current, current + 1] {
        let expected = totp.generate(step * STEP_SECONDS);
        let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into();
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Whether `text` looks like an authenticator code (six digits) rather than
/// a recovery code.
pub fn is_code(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// How many recovery codes a person gets.
pub const RECOVERY_CODES: usize = 10;

/// Ten recovery codes: 16 characters of a 32-letter alphabet without look-
/// alikes (80 random bits each), shown in groups of four.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz023456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes: [u8; 16] = rand::random();
            let letters: Vec<char> = bytes
                .iter()
                .map(|b| ALPHABET[(*b & 31) as usize] as char)
                .collect();
            letters
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// What a recovery code is stored and looked up as: SHA-256 of the code
/// without spaces, dashes or case, so it can be typed loosely.
pub fn recovery_hash(code: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let clean: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(clean.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the reference secrets and times, 8 digits.
    #[test]
    fn the_generator_matches_rfc_6238_appendix_b() {
        let sha1 = b"12345678901234567890".to_vec();
        let sha256 = b"12345678901234567890123456789012".to_vec();
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234".to_vec();
        let vectors: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, want1, want256, want512) in vectors {
            for (alg, secret, want) in [
                (Algorithm::SHA1, &sha1, want1),
                (Algorithm::SHA256, &sha256, want256),
                (Algorithm::SHA512, &sha512, want512),
            ] {
                let totp = TOTP::new(alg, 8, 1, 30, secret.clone(), None, "t".into()).unwrap();
                assert_eq!(totp.generate(time), want, "{alg:?} at {time}");
            }
        }
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_side_only() {
        let secret = new_secret();
        let totp = authenticator(&secret, "Acme", "a@example.test").unwrap();
        let now = 1_800_000_015;
        let code = totp.generate(now);
        assert_eq!(matching_step(&secret, &code, now), Some(now / 30));
        assert_eq!(matching_step(&secret, &code, now + 30), Some(now / 30));
        assert_eq!(matching_step(&secret, &code, now - 30), Some(now / 30));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        assert_eq!(matching_step(&secret, " 12 34 5", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn the_app_address_names_the_issuer_and_never_breaks_on_a_colon() {
        let url = provisioning_url(&new_secret(), "Acme: Dental", "pat@acme.test").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(
            url.contains("issuer=Acme%20%20Dental") || url.contains("issuer=Acme"),
            "{url}"
        );
        assert!(qr_svg(&url).unwrap().starts_with("<?xml"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        assert_eq!(codes[0].len(), 19);
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase().replace('-', " "))
        );
        assert!(!is_code(&codes[0]) && is_code("123 456"));
    }
}
