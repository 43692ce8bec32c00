//! Input rules, written once and used by the server (authoritative) and the
//! browser (for early hints).

use crate::error::{AppError, FieldError};

/// Names that can never be an organization's subdomain: they belong to the
/// platform or would confuse people.
pub const RESERVED_SUBDOMAINS: &[&str] = &[
    "www",
    "admin",
    "api",
    "app",
    "auth",
    "login",
    "mail",
    "smtp",
    "static",
    "assets",
    "pkg",
    "status",
    "support",
    "help",
    "webhooks",
    "docs",
    "billing",
    "platform",
    "root",
    "signup",
    "welcome",
    "console",
    "account",
    "invite",
    "portal",
    "dashboard",
    "ns1",
    "ns2",
    "ftp",
];

pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 256;

/// A DNS label in lower case: 1–63 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn dns_label(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Required.".into());
    }
    if value.len() > 63 {
        return Err("At most 63 characters.".into());
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("Use lower-case letters, digits and hyphens only.".into());
    }
    if value.starts_with('-') || value.ends_with('-') {
        return Err("Cannot start or end with a hyphen.".into());
    }
    Ok(())
}

pub fn subdomain(value: &str) -> Result<(), String> {
    dns_label(value)?;
    if RESERVED_SUBDOMAINS.contains(&value) {
        return Err(format!("\"{value}\" is reserved; choose another."));
    }
    Ok(())
}

pub fn org_name(value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    if v.chars().count() > 120 {
        return Err("At most 120 characters.".into());
    }
    Ok(())
}

/// A host name such as `portal.example.com`, lower case, at least two labels.
pub fn custom_domain(value: &str) -> Result<(), String> {
    if value.len() > 253 {
        return Err("At most 253 characters.".into());
    }
    let labels: Vec<&str> = value.split('.').collect();
    if labels.len() < 2 {
        return Err("Enter a full domain such as portal.example.com.".into());
    }
    for label in labels {
        dns_label(label)
            .map_err(|_| "Enter a valid domain such as portal.example.com.".to_string())?;
    }
    Ok(())
}

/// A simple, deliberate email check: one `@`, something on each side, a dot in
/// the domain, no spaces. Deliverability is proven by invitations, not regexes.
pub fn email(value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    if v.len() > 254 || v.chars().any(char::is_whitespace) {
        return Err("Enter a valid email address.".into());
    }
    match v.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(())
        }
        _ => Err("Enter a valid email address.".into()),
    }
}

pub fn new_password(value: &str) -> Result<(), String> {
    let n = value.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(format!("Use at least {MIN_PASSWORD_LEN} characters."));
    }
    if n > MAX_PASSWORD_LEN {
        return Err(format!("Use at most {MAX_PASSWORD_LEN} characters."));
    }
    Ok(())
}

/// A slug suggestion from a name: "Acme Shuttle Co." → "acme-shuttle-co".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// Collects field problems and turns them into one `Validation` error.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(mut self, field: &str, result: Result<(), String>) -> Self {
        if let Err(message) = result {
            self.0.push(FieldError {
                field: field.into(),
                message,
            });
        }
        self
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::fields(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label("acme").is_ok());
        assert!(dns_label("a-1").is_ok());
        assert!(dns_label("a").is_ok());
        assert!(dns_label("").is_err());
        assert!(dns_label("-a").is_err());
        assert!(dns_label("a-").is_err());
        assert!(dns_label("Acme").is_err());
        assert!(dns_label("a_b").is_err());
        assert!(dns_label(&"a".repeat(64)).is_err());
        assert!(dns_label(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn reserved_subdomains_are_refused() {
        for name in ["www", "admin", "api"] {
            let err = subdomain(name).unwrap_err();
            assert!(err.contains("reserved"), "{name}: {err}");
        }
        assert!(subdomain("acme").is_ok());
    }

    #[test]
    fn emails() {
        assert!(email("a@b.co").is_ok());
        assert!(email("a@b").is_err());
        assert!(email("a b@c.de").is_err());
        assert!(email("@c.de").is_err());
        assert!(email("a@@c.de").is_err());
        assert!(email("a@c.de.").is_err());
    }

    #[test]
    fn custom_domains() {
        assert!(custom_domain("portal.example.com").is_ok());
        assert!(custom_domain("example").is_err());
        assert!(custom_domain("exa mple.com").is_err());
    }

    #[test]
    fn slugs_from_names() {
        assert_eq!(slugify("Acme Shuttle Co."), "acme-shuttle-co");
        assert_eq!(slugify("  Café -- Zürich  "), "caf-z-rich");
        assert_eq!(slugify("!!!"), "");
        assert!(dns_label(&slugify(&"Long name ".repeat(20))).is_ok());
    }

    #[test]
    fn passwords() {
        assert!(new_password("short").is_err());
        assert!(new_password("twelve chars").is_ok());
    }

    #[test]
    fn checks_collect_every_field() {
        let err = Checks::new()
            .check("a", Err("bad a".into()))
            .check("b", Ok(()))
            .check("c", Err("bad c".into()))
            .finish()
            .unwrap_err();
        assert_eq!(err.field_message("a").as_deref(), Some("bad a"));
        assert_eq!(err.field_message("b"), None);
        assert_eq!(err.field_message("c").as_deref(), Some("bad c"));
    }
}
