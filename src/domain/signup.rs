//! Self-serve sign-up and the setup wizard: what the pages show and send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The sign-up form as typed (`form[...]`), kept whole on an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    pub company_name: String,
    pub subdomain: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// The live answer about a wanted subdomain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubdomainCheck {
    pub ok: bool,
    /// "acme.example.com is free", or what is wrong with it.
    pub message: String,
}

/// What a confirmation link is for, before the person confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupView {
    pub company_name: String,
    /// Where the portal will be (`https://acme.example.com`).
    pub address: String,
    pub email: String,
}

/// The console's sign-up settings: open or not, and the rates new
/// organizations start on (dollars per minute, as typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupSettings {
    pub open: bool,
    pub billing: String,
    pub cogs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupState {
    /// The e-mail is not confirmed yet.
    Waiting,
    /// Not confirmed in time.
    Expired,
    /// Confirmed: the organization exists.
    Active,
    Suspended,
    /// Confirmed, but the organization was deleted since.
    Deleted,
}

impl SignupState {
    pub fn label(self) -> &'static str {
        match self {
            SignupState::Waiting => "Waiting for e-mail confirmation",
            SignupState::Expired => "Never confirmed",
            SignupState::Active => "Active",
            SignupState::Suspended => "Suspended",
            SignupState::Deleted => "Deleted",
        }
    }
}

/// One sign-up in the console's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupRow {
    pub id: Uuid,
    pub company_name: String,
    pub subdomain: String,
    pub person_name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub state: SignupState,
    pub org_id: Option<Uuid>,
    /// Whether the organization has finished its setup wizard.
    pub setup_done: bool,
}

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    Details,
    Messages,
    Hours,
    Phone,
    Done,
}

impl SetupStep {
    pub const ALL: [SetupStep; 5] = [
        SetupStep::Details,
        SetupStep::Messages,
        SetupStep::Hours,
        SetupStep::Phone,
        SetupStep::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetupStep::Details => "details",
            SetupStep::Messages => "messages",
            SetupStep::Hours => "hours",
            SetupStep::Phone => "phone",
            SetupStep::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            SetupStep::Details => "Company details",
            SetupStep::Messages => "Greeting",
            SetupStep::Hours => "Hours and transfer",
            SetupStep::Phone => "Phone number",
            SetupStep::Done => "Done",
        }
    }

    pub fn next(self) -> SetupStep {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1).min(Self::ALL.len() - 1)]
    }

    pub fn previous(self) -> Option<SetupStep> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|p| Self::ALL[p])
    }
}

/// How far an organization is through its setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupProgress {
    /// Each step before Done, and whether it is done (or, for the phone,
    /// skipped).
    pub steps: Vec<(SetupStep, bool)>,
    pub phone_skipped: bool,
    pub completed: bool,
}

impl SetupProgress {
    /// The first step not done yet (Done when all are).
    pub fn first_open(&self) -> SetupStep {
        self.steps
            .iter()
            .find(|(_, done)| !done)
            .map_or(SetupStep::Done, |(s, _)| *s)
    }
}

/// What the wizard needs: the progress and the settings so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupPage {
    pub progress: SetupProgress,
    pub settings: super::settings::AgentSettings,
    pub timezones: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_in_order_and_the_first_open_one_leads() {
        assert_eq!(SetupStep::Details.next(), SetupStep::Messages);
        assert_eq!(SetupStep::Phone.next(), SetupStep::Done);
        assert_eq!(SetupStep::Done.next(), SetupStep::Done);
        assert_eq!(SetupStep::Details.previous(), None);
        assert_eq!(SetupStep::parse("hours"), Some(SetupStep::Hours));
        let p = SetupProgress {
            steps: vec![
                (SetupStep::Details, true),
                (SetupStep::Messages, false),
                (SetupStep::Hours, false),
                (SetupStep::Phone, false),
            ],
            phone_skipped: false,
            completed: false,
        };
        assert_eq!(p.first_open(), SetupStep::Messages);
    }
}
