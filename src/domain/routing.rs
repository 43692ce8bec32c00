//! Set-up steps for the organization's phone provider, per forwarding mode,
//! quoting the organization's own hours, timezone and numbers. The routing
//! itself happens at the provider; these steps tell the operator what to set.

use super::settings::{hours_in_words, Carrier, ForwardingMode};

/// What the steps need to know, as the form currently shows it.
pub struct RoutingFacts<'a> {
    pub mode: ForwardingMode,
    pub carrier: Carrier,
    pub start: u8,
    pub end: u8,
    pub timezone: &'a str,
    pub office_phone: &'a str,
    /// The number the agent answers, once one is connected.
    pub agent_line: Option<&'a str>,
}

/// The steps, in order, as plain sentences.
pub fn routing_steps(f: &RoutingFacts<'_>) -> Vec<String> {
    let line = f
        .agent_line
        .map(|n| format!("your agent line {n}"))
        .unwrap_or_else(|| "your agent line (your account manager gives you this number)".into());
    let office = if f.office_phone.trim().is_empty() {
        "your office phone".to_string()
    } else {
        format!("your office phone {}", f.office_phone.trim())
    };
    let hours = hours_in_words(f.start, f.end);
    let tz = if f.timezone.trim().is_empty() {
        "your timezone"
    } else {
        f.timezone.trim()
    };
    let when = format!("{hours} ({tz} time)");
    use Carrier::*;
    use ForwardingMode::*;
    let steps: Vec<String> = match (f.mode, f.carrier) {
        (Always, Twilio) => vec![
            "In the Twilio Console, open Phone Numbers → Manage → Active numbers and choose your main number.".into(),
            format!("Under Voice configuration, set “A call comes in” to forward every call to {line}."),
            "Save, then call your main number: the agent should answer.".into(),
        ],
        (Always, Telnyx) => vec![
            "In the Telnyx Mission Control portal, open Numbers → My Numbers and choose your main number.".into(),
            format!("Turn on call forwarding (Voice settings → Call forwarding → Always) to {line}."),
            "Save, then call your main number: the agent should answer.".into(),
        ],
        (Always, Other) => vec![
            format!("Ask your phone company to turn on unconditional call forwarding (\u{201c}forward all calls\u{201d}) from your main number to {line}."),
            "Then call your main number: the agent should answer.".into(),
        ],
        (AfterHours, Twilio) => vec![
            "In the Twilio Console, open Studio and create a Flow from scratch.".into(),
            format!("Add a “Split Based On…” widget that checks the current time in {tz}: from {hours}, connect the call to {office}."),
            format!("For every other time, connect the call to {line}."),
            "Open Phone Numbers → your main number, set “A call comes in” to this Studio Flow, and save.".into(),
            format!("Test once inside and once outside {when}."),
        ],
        (AfterHours, Telnyx) => vec![
            "In the Telnyx portal, create a TeXML (or Call Control) application for your main number.".into(),
            format!("During business hours, {when}, transfer calls to {office}."),
            format!("Outside those hours, transfer calls to {line}."),
            "Assign the application to your main number and save.".into(),
            format!("Test once inside and once outside {when}."),
        ],
        (AfterHours, Other) => vec![
            "Ask your phone company for time-of-day (scheduled) call forwarding on your main number.".into(),
            format!("During business hours, {when}, calls should ring {office} as usual."),
            format!("Outside those hours, they should forward to {line}."),
            format!("Test once inside and once outside {when}."),
        ],
        (Overflow, Twilio) => vec![
            "In the Twilio Console, open Studio and create a Flow from scratch.".into(),
            format!("Add a “Connect Call To” widget that rings {office} with a timeout of about 20 seconds."),
            format!("On no answer, busy or failure, connect the call to {line}."),
            "Open Phone Numbers → your main number, set “A call comes in” to this Studio Flow, and save.".into(),
            "Test by calling and letting the office phone ring out.".into(),
        ],
        (Overflow, Telnyx) => vec![
            "In the Telnyx portal, create a TeXML (or Call Control) application for your main number.".into(),
            format!("Dial {office} first, with a timeout of about 20 seconds."),
            format!("When nobody answers (or the line is busy), transfer the call to {line}."),
            "Assign the application to your main number and save.".into(),
            "Test by calling and letting the office phone ring out.".into(),
        ],
        (Overflow, Other) => vec![
            format!("Ask your phone company for \u{201c}forward on no answer\u{201d} and \u{201c}forward on busy\u{201d} on {office}."),
            format!("Set both to forward to {line} after about 20 seconds (four or five rings)."),
            "Test by calling and letting the office phone ring out.".into(),
        ],
    };
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(mode: ForwardingMode, carrier: Carrier) -> RoutingFacts<'static> {
        RoutingFacts {
            mode,
            carrier,
            start: 6,
            end: 22,
            timezone: "America/Phoenix",
            office_phone: "+15205550005",
            agent_line: Some("+15205550100"),
        }
    }

    #[test]
    fn after_hours_steps_quote_the_hours_timezone_and_numbers() {
        for carrier in Carrier::ALL {
            let text = routing_steps(&facts(ForwardingMode::AfterHours, carrier)).join(" ");
            assert!(text.contains("6 AM to 10 PM"), "{carrier:?}: {text}");
            assert!(text.contains("America/Phoenix"), "{carrier:?}: {text}");
            assert!(text.contains("+15205550005"), "{carrier:?}: {text}");
            assert!(text.contains("+15205550100"), "{carrier:?}: {text}");
        }
    }

    #[test]
    fn every_mode_and_carrier_has_steps() {
        for mode in ForwardingMode::ALL {
            for carrier in Carrier::ALL {
                let steps = routing_steps(&facts(mode, carrier));
                assert!(steps.len() >= 2, "{mode:?} {carrier:?}");
            }
        }
    }

    #[test]
    fn a_missing_agent_line_is_explained() {
        let f = RoutingFacts {
            agent_line: None,
            ..facts(ForwardingMode::Always, Carrier::Other)
        };
        assert!(routing_steps(&f).join(" ").contains("account manager"));
    }
}
