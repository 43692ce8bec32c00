//! Agent settings: how an organization's agent greets and routes callers,
//! and the phone numbers it answers. Shared by the server and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DEFAULT_TIMEZONE: &str = "America/Phoenix";
pub const DEFAULT_HOURS: (u8, u8) = (6, 22);

/// Used when the organization leaves the welcome message empty.
pub const DEFAULT_WELCOME: &str =
    "Thank you for calling {{company_name}}. How can I help you today?";

/// Used when the organization leaves the after-hours message empty.
pub const DEFAULT_AFTER_HOURS: &str = "Thanks for calling {{company_name}}. Our office is closed \
     right now, but I can help with most questions, and I can take a message for the team.";

pub const MAX_MESSAGE_CHARS: usize = 1000;

/// When calls reach the agent; the carrier does the routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ForwardingMode {
    #[default]
    Always,
    AfterHours,
    Overflow,
}

impl ForwardingMode {
    pub const ALL: [ForwardingMode; 3] = [
        ForwardingMode::Always,
        ForwardingMode::AfterHours,
        ForwardingMode::Overflow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ForwardingMode::Always => "always",
            ForwardingMode::AfterHours => "after_hours",
            ForwardingMode::Overflow => "overflow",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ForwardingMode::Always => "Always",
            ForwardingMode::AfterHours => "After hours only",
            ForwardingMode::Overflow => "Overflow",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            ForwardingMode::Always => {
                "Every call goes straight to the agent, day and night. Choose this if nobody \
                 answers the phone in the office."
            }
            ForwardingMode::AfterHours => {
                "During business hours your office phone rings as usual. Outside them, your \
                 phone provider forwards calls to the agent."
            }
            ForwardingMode::Overflow => {
                "Your office phone always rings first. When nobody picks up, the call \
                 forwards to the agent, so no caller goes unanswered."
            }
        }
    }

    /// Whether the office phone rings first in this mode.
    pub fn needs_office_phone(self) -> bool {
        self != ForwardingMode::Always
    }
}

/// The phone provider whose set-up steps the settings page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    #[default]
    Twilio,
    Telnyx,
    Other,
}

impl Carrier {
    pub const ALL: [Carrier; 3] = [Carrier::Twilio, Carrier::Telnyx, Carrier::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Carrier::Twilio => "twilio",
            Carrier::Telnyx => "telnyx",
            Carrier::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Carrier::Twilio => "Twilio",
            Carrier::Telnyx => "Telnyx",
            Carrier::Other => "Another phone company",
        }
    }
}

/// An organization's saved agent settings (or the defaults before the first save).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSettings {
    pub company_name: String,
    pub operator_name: String,
    pub operator_phone: String,
    pub operator_email: String,
    pub timezone: String,
    /// Empty means "use [`DEFAULT_WELCOME`]".
    pub welcome_message: String,
    /// Empty means "use [`DEFAULT_AFTER_HOURS`]".
    pub after_hours_message: String,
    pub business_hours_start: u8,
    pub business_hours_end: u8,
    pub transfer_enabled: bool,
    pub forwarding_mode: ForwardingMode,
    pub office_phone: String,
    pub carrier: Carrier,
}

impl AgentSettings {
    /// What an organization starts with before its first save.
    pub fn defaults(company_name: &str, operator_email: &str) -> Self {
        AgentSettings {
            company_name: company_name.to_string(),
            operator_name: String::new(),
            operator_phone: String::new(),
            operator_email: operator_email.to_string(),
            timezone: DEFAULT_TIMEZONE.to_string(),
            welcome_message: String::new(),
            after_hours_message: String::new(),
            business_hours_start: DEFAULT_HOURS.0,
            business_hours_end: DEFAULT_HOURS.1,
            transfer_enabled: true,
            forwarding_mode: ForwardingMode::Always,
            office_phone: String::new(),
            carrier: Carrier::Twilio,
        }
    }
}

/// The settings form as submitted: every value as typed, so that a mistake
/// in one field is reported against that field instead of failing the
/// whole request. The server turns it into [`AgentSettings`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub company_name: String,
    pub operator_name: String,
    pub operator_phone: String,
    pub operator_email: String,
    pub timezone: String,
    pub welcome_message: String,
    pub after_hours_message: String,
    pub business_hours_start: String,
    pub business_hours_end: String,
    /// A checkbox: present ("on") when ticked.
    pub transfer_enabled: Option<String>,
    pub forwarding_mode: String,
    pub office_phone: String,
    pub carrier: String,
}

/// What the Agent Settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub settings: AgentSettings,
    /// False until the first save.
    pub saved: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub can_edit: bool,
    pub numbers: Vec<PhoneNumber>,
    /// Every IANA timezone name, for the searchable list.
    pub timezones: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberStatus {
    /// Recorded before numbers were connected through Callboard, and not
    /// checked with the voice platform since.
    Pending,
    /// The voice platform has it, pointed at us (at import or the last check).
    Connected,
    /// The last check or change failed; `last_error` says why.
    Error,
}

impl NumberStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "connected" => NumberStatus::Connected,
            "error" => NumberStatus::Error,
            _ => NumberStatus::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NumberStatus::Pending => "Waiting for the first call",
            NumberStatus::Connected => "Connected",
            NumberStatus::Error => "Error",
        }
    }

    /// The badge tone the UI shows this status with.
    pub fn tone(self) -> &'static str {
        match self {
            NumberStatus::Pending => "neutral",
            NumberStatus::Connected => "good",
            NumberStatus::Error => "bad",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    pub id: Uuid,
    pub number: String,
    pub status: NumberStatus,
    pub last_inbound_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Where the voice platform sends calls out to the phone company (SIP).
    pub termination_uri: Option<String>,
    pub provider: Carrier,
    pub sip_username: Option<String>,
    /// Whether a SIP password is stored; the password itself never leaves
    /// the server.
    pub has_sip_password: bool,
    /// The organization's agent that answers it.
    pub agent_id: Option<Uuid>,
    pub agent_name: Option<String>,
    /// The platform's own rendering of the number.
    pub platform_label: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    /// What went wrong last, in plain words.
    pub last_error: Option<String>,
}

/// "12 AM", "6 AM", "12 PM", "10 PM" for an hour 0–23.
pub fn hour_label(hour: u8) -> String {
    let h = hour % 24;
    let (twelve, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{twelve} {half}")
}

/// Business hours in words: "6 AM to 10 PM"; equal hours mean open all day.
pub fn hours_in_words(start: u8, end: u8) -> String {
    if start == end {
        "24 hours a day".to_string()
    } else {
        format!("{} to {}", hour_label(start), hour_label(end))
    }
}

/// `{{company_name}}` replaced by the company's name.
pub fn fill_company(template: &str, company: &str) -> String {
    template.replace("{{company_name}}", company)
}

/// A phone number as typed ("+1 (415) 555-0123") in E.164 ("+14155550123"),
/// or why not.
pub fn e164(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or("");
    let valid = (7..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(compact)
    } else {
        Err(
            "Enter the number in international format, starting with + and the country \
             code, e.g. +14155550123."
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_labels() {
        assert_eq!(hour_label(0), "12 AM");
        assert_eq!(hour_label(6), "6 AM");
        assert_eq!(hour_label(11), "11 AM");
        assert_eq!(hour_label(12), "12 PM");
        assert_eq!(hour_label(22), "10 PM");
        assert_eq!(hour_label(23), "11 PM");
    }

    #[test]
    fn hours_in_plain_words() {
        assert_eq!(hours_in_words(6, 22), "6 AM to 10 PM");
        assert_eq!(hours_in_words(22, 6), "10 PM to 6 AM");
        assert_eq!(hours_in_words(9, 9), "24 hours a day");
    }

    #[test]
    fn phone_numbers_in_e164() {
        assert_eq!(e164("+14155550123").unwrap(), "+14155550123");
        assert_eq!(e164("+1 (415) 555-0123").unwrap(), "+14155550123");
        assert_eq!(e164("+44 20 7946 0958").unwrap(), "+442079460958");
        for bad in [
            "",
            "4155550123",
            "+0123456789",
            "+1415555012345678",
            "+1415abc0123",
            "+",
        ] {
            assert!(e164(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn company_name_is_filled_in() {
        assert_eq!(
            fill_company(DEFAULT_WELCOME, "Cactus Flats Shuttle"),
            "Thank you for calling Cactus Flats Shuttle. How can I help you today?"
        );
    }

    #[test]
    fn modes_and_carriers_round_trip() {
        for m in ForwardingMode::ALL {
            assert_eq!(ForwardingMode::parse(m.as_str()), Some(m));
        }
        for c in Carrier::ALL {
            assert_eq!(Carrier::parse(c.as_str()), Some(c));
        }
        assert!(ForwardingMode::parse("sometimes").is_none());
    }
}
