//! Connecting phone numbers to the voice platform: the form a manager fills
//! in, the page they see, and the rules a field must meet before anything is
//! sent.

use super::settings::{Carrier, PhoneNumber};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Connect a number, or change one (`number` is then ignored). Blank
/// optional fields are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NumberForm {
    pub number: String,
    pub termination_uri: String,
    pub provider: String,
    pub sip_username: Option<String>,
    /// Never sent back: the form is empty again after a save.
    pub sip_password: Option<String>,
    /// On a change: drop the stored password.
    pub clear_sip_password: bool,
    pub agent_id: Option<Uuid>,
}

/// Which voice-platform key an organization's requests use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyUse {
    /// Its own, ending in these characters.
    Own(String),
    /// The agency's shared key, ending in these characters.
    Shared(String),
    /// Neither is stored: nothing can be connected yet.
    Missing,
}

impl KeyUse {
    pub fn describe(&self) -> String {
        match self {
            KeyUse::Own(l4) => format!("The organization's own API key (…{l4})"),
            KeyUse::Shared(l4) => format!("The agency's shared API key (…{l4})"),
            KeyUse::Missing => {
                "No API key: store the organization's own or the agency's shared key first.".into()
            }
        }
    }
}

/// The numbers section: the list, whether this person may connect and
/// change numbers, the agents that may answer, and (for the agency) the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumbersPage {
    pub numbers: Vec<PhoneNumber>,
    pub can_edit: bool,
    /// Whether the organization's own admins may manage numbers (the agency
    /// sets it).
    pub clients_manage: bool,
    pub agents: Vec<(Uuid, String)>,
    /// Shown to the agency only.
    pub key: Option<KeyUse>,
}

/// A SIP termination URI as the platform takes it: a host name with an
/// optional port (`example.pstn.twilio.com`, `sip.telnyx.com:5060`), with or
/// without `sip:`.
pub fn termination_uri(input: &str) -> Result<String, String> {
    let uri = input.trim();
    let host = uri.strip_prefix("sip:").unwrap_or(uri);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let name_ok = name.len() <= 253 && name.contains('.') && name.split('.').all(label_ok);
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    if uri.is_empty() {
        Err("Enter the SIP termination URI your phone company gave you.".into())
    } else if name_ok && port_ok {
        Ok(uri.to_string())
    } else {
        Err("Enter a host name such as example.pstn.twilio.com (a port is optional).".into())
    }
}

/// A SIP user name or password: no spaces, bounded.
pub fn sip_credential(input: &str, what: &str) -> Result<String, String> {
    let v = input.trim();
    if v.chars().count() > 200 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!(
            "The SIP {what} has no spaces and at most 200 characters."
        ))
    } else {
        Ok(v.to_string())
    }
}

pub fn provider(input: &str) -> Result<Carrier, String> {
    Carrier::parse(input.trim()).ok_or_else(|| "Choose the phone company.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn termination_uris() {
        for ok in [
            "example.pstn.twilio.com",
            "sip:sip.telnyx.com:5060",
            " a-b.example.org ",
        ] {
            assert!(termination_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "localhost",
            "sip:",
            "exa mple.com",
            "example.com:0",
            "example.com:99999",
            "-a.example.com",
            "a..b",
        ] {
            assert!(termination_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sip_credentials_and_providers() {
        assert_eq!(sip_credential(" user_1 ", "user name").unwrap(), "user_1");
        assert!(sip_credential("has space", "password").is_err());
        assert_eq!(provider("telnyx").unwrap(), Carrier::Telnyx);
        assert!(provider("acme").is_err());
    }
}
