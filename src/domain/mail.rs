//! The e-mails Callboard sends, as text and HTML, in the organization's own
//! look: its name, colours and logo, and its own address in every link. No
//! vendor's name appears in any of them.

use super::branding::Branding;

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The sender's display name: the organization's brand.
    pub from_name: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// `s` safe inside HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The HTML frame: the brand's bar (logo or name), the paragraphs, one
/// button, and the link written out for clients that hide buttons.
/// `logo` is an absolute URL.
fn frame(
    look: &Branding,
    logo: Option<&str>,
    paragraphs: &[String],
    button: &str,
    link: &str,
) -> String {
    let name = escape(&look.display_name);
    let head = match logo {
        Some(src) => format!(
            "<img src=\"{}\" alt=\"{name}\" style=\"max-height:40px\">",
            escape(src)
        ),
        None => format!("<strong style=\"font-size:18px;color:#ffffff\">{name}</strong>"),
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p)))
        .collect();
    let primary = escape(&look.primary);
    let link = escape(link);
    format!(
        "<!doctype html><html><body style=\"margin:0;font-family:Helvetica,Arial,sans-serif;color:#1f2933\">\
<div style=\"background:{primary};padding:16px 24px\">{head}</div>\
<div style=\"padding:24px;max-width:560px\">{body}\
<p style=\"margin:24px 0\"><a href=\"{link}\" style=\"background:{primary};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block\">{}</a></p>\
<p style=\"font-size:13px;color:#52606d\">Or open this address: <a href=\"{link}\">{link}</a></p>\
</div></body></html>",
        escape(button)
    )
}

/// An invitation to join `look`'s organization as `role` (`admin`/`viewer`).
pub fn invitation(
    look: &Branding,
    logo: Option<&str>,
    to: &str,
    inviter: &str,
    role: &str,
    link: &str,
    days: i64,
) -> Message {
    let org = &look.display_name;
    let role = if role == "admin" {
        "an admin"
    } else {
        "a viewer"
    };
    let lines = [
        format!("{inviter} has invited you to {org}'s call portal as {role}."),
        format!(
            "Open the link below to choose a password and sign in. It works once and expires in {days} days."
        ),
        "If you did not expect this, you can ignore this e-mail.".to_string(),
    ];
    Message {
        from_name: org.clone(),
        to: to.to_string(),
        subject: format!("You're invited to {org}"),
        text: format!("{}\n\n{link}\n\n{}\n", lines[..2].join("\n\n"), lines[2]),
        html: frame(look, logo, &lines, "Accept the invitation", link),
    }
}

/// A link to choose a new password, valid for `minutes`.
pub fn password_reset(
    look: &Branding,
    logo: Option<&str>,
    to: &str,
    link: &str,
    minutes: i64,
) -> Message {
    let lines = [
        format!(
            "Someone asked to reset the password of {to} for {}.",
            look.display_name
        ),
        format!("Open the link below to choose a new one. It works once and expires in {minutes} minutes; using it signs you out everywhere else."),
        "If it was not you, ignore this e-mail: your password stays as it is.".to_string(),
    ];
    Message {
        from_name: look.display_name.clone(),
        to: to.to_string(),
        subject: format!("Reset your {} password", look.display_name),
        text: format!("{}\n\n{link}\n\n{}\n", lines[..2].join("\n\n"), lines[2]),
        html: frame(look, logo, &lines, "Choose a new password", link),
    }
}

/// The link that confirms a self-serve sign-up for `company` at `portal`.
pub fn signup_confirm(
    look: &Branding,
    to: &str,
    company: &str,
    portal: &str,
    link: &str,
    hours: i64,
) -> Message {
    let lines = [
        format!("Thanks for signing up {company} for {}.", look.display_name),
        format!("Confirm your e-mail address with the link below and your call portal will be ready at {portal}. The link works once and expires in {hours} hours."),
        "If you did not sign up, ignore this e-mail: nothing is created without the confirmation.".to_string(),
    ];
    Message {
        from_name: look.display_name.clone(),
        to: to.to_string(),
        subject: format!("Confirm your e-mail for {company}"),
        text: format!("{}\n\n{link}\n\n{}\n", lines[..2].join("\n\n"), lines[2]),
        html: frame(look, None, &lines, "Confirm and create my portal", link),
    }
}

/// Someone signed up with an address that already has an account.
pub fn signup_existing(look: &Branding, to: &str, reset_link: &str) -> Message {
    let lines = [
        format!("Someone, perhaps you, tried to sign up for {} with {to}.", look.display_name),
        "This address already has an account, so nothing new was created. Sign in as usual, or choose a new password with the link below if you forgot it.".to_string(),
        "If it was not you, you can ignore this e-mail.".to_string(),
    ];
    Message {
        from_name: look.display_name.clone(),
        to: to.to_string(),
        subject: format!("You already have a {} account", look.display_name),
        text: format!(
            "{}\n\n{reset_link}\n\n{}\n",
            lines[..2].join("\n\n"),
            lines[2]
        ),
        html: frame(look, None, &lines, "Choose a new password", reset_link),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look() -> Branding {
        Branding {
            display_name: "Dune & Sun <Shuttles>".into(),
            primary: "#aa3300".into(),
            ..Branding::platform()
        }
    }

    #[test]
    fn an_invitation_carries_the_brand_and_the_link_and_escapes_names() {
        let link = "https://dune.callboard.example/invite/abc?x=1&y=2";
        let m = invitation(
            &look(),
            Some("https://dune.callboard.example/brand/1/logo?v=9"),
            "ann@example.com",
            "Bo <admin>",
            "viewer",
            link,
            7,
        );
        assert_eq!(m.subject, "You're invited to Dune & Sun <Shuttles>");
        assert!(m.text.contains(link) && m.text.contains("expires in 7 days"));
        assert!(m.html.contains("Dune &amp; Sun &lt;Shuttles&gt;"));
        assert!(m.html.contains("Bo &lt;admin&gt;") && !m.html.contains("<admin>"));
        assert!(m
            .html
            .contains("href=\"https://dune.callboard.example/invite/abc?x=1&amp;y=2\""));
        assert!(m.html.contains("background:#aa3300"));
        assert!(m.html.contains("brand/1/logo?v=9"));
        for body in [&m.text, &m.html] {
            assert!(!body.to_lowercase().contains("retell"));
        }
    }
}
