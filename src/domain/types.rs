use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member's role within one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgStatus {
    Active,
    Suspended,
}

impl OrgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<OrgStatus> {
        match s {
            "active" => Some(OrgStatus::Active),
            "suspended" => Some(OrgStatus::Suspended),
            _ => None,
        }
    }
}

/// Which front door a request came through: the platform's root domain, or
/// one organization's subdomain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Site {
    Platform,
    Org { name: String, slug: String },
}

/// The signed-in person as the UI needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub email: String,
    pub is_super_admin: bool,
    /// The role in the organization of this host; `None` on the platform host.
    pub role: Option<Role>,
    /// Signed in with a password alone where two factors are required:
    /// every page but Account sends them there.
    #[serde(default)]
    pub must_enrol: bool,
}

/// What every page needs to know first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    pub site: Site,
    /// Nobody, before sign-in (`viewer` on the wire, as documented).
    #[serde(rename = "viewer")]
    pub signed_in: Option<SignedIn>,
    /// A super admin viewing as this organization: its name and when the
    /// view ends (the banner).
    pub impersonating: Option<(String, chrono::DateTime<chrono::Utc>)>,
    /// The clock this person reads times by (UTC before sign-in).
    pub clock: super::time::Clock,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub subdomain: String,
    pub custom_domain: Option<String>,
    pub status: OrgStatus,
    pub members: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    pub since: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDetail {
    pub org: OrgSummary,
    pub members: Vec<Member>,
    /// Where this organization's users sign in.
    pub url: String,
    /// The Stripe customer its statements are invoiced to (made with its
    /// first invoice).
    #[serde(default)]
    pub stripe_customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipBrief {
    pub org_slug: String,
    pub org_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: Uuid,
    pub email: String,
    pub is_super_admin: bool,
    pub disabled: bool,
    pub memberships: Vec<MembershipBrief>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The organization home page (the dashboard arrives in a later release).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgHome {
    pub org_name: String,
    pub role: Role,
    pub email: String,
    pub members: i64,
}

/// An organization a user belongs to, and where its users sign in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrgLink {
    pub name: String,
    pub url: String,
    /// This is the address the list was asked on.
    pub current: bool,
}
