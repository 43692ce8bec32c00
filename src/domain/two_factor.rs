//! What the Account page shows of two-factor sign-in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// When it was turned on; `None` while off (or still being set up).
    pub on_since: Option<chrono::DateTime<chrono::Utc>>,
    /// A set-up under way: scan the code or type the secret, then confirm.
    pub enrolment: Option<Enrolment>,
    /// Recovery codes not yet used.
    pub codes_left: i64,
    /// The person's account must use it (it cannot be turned off).
    pub required: bool,
    /// Recovery codes just made, shown this once.
    pub fresh_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The QR code, drawn on the server as an SVG document.
    pub qr_svg: String,
    /// The same secret as text, in groups of four.
    pub secret: String,
}
