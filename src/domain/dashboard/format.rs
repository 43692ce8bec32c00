//! Figures and call facts in words, the same on the server and in the browser.

use super::filter::STATUSES;

/// A disconnection reason in plain words. New reasons appear over time; an
/// unknown one is shown as its words ("some_reason" → "Some reason").
pub fn ended_because(reason: &str) -> String {
    let known = match reason {
        "user_hangup" => "The caller hung up",
        "agent_hangup" => "The agent ended the call",
        "call_transfer" => "Transferred to a person",
        "voicemail_reached" => "Reached voicemail",
        "inactivity" => "Ended after a long silence",
        "max_duration_reached" => "Reached the maximum call length",
        "dial_busy" => "The line was busy",
        "dial_failed" => "The call could not be placed",
        "dial_no_answer" => "Nobody answered",
        "concurrency_limit_reached" => "Too many calls at once",
        "no_valid_payment" | "scam_detected" => "The call was refused",
        r if r.starts_with("error") => "Ended by a technical problem",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    let words = reason.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Unknown".into(),
    }
}

/// A call status in words.
pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(k, _)| *k == status)
        .map(|(_, l)| *l)
        .unwrap_or("Unknown")
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Cents as dollars: `123456` → `"$1,234.56"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}${}.{:02}", thousands((c / 100) as i64), c % 100)
}

/// A duration for people: `154_000` → `"2m 34s"`, `3_725_000` → `"1h 2m 5s"`.
pub fn duration(ms: i64) -> String {
    let s = (ms.max(0) + 500) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s:02}s"),
        _ => format!("{h}h {m:02}m {s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-12345), "-12,345");
        assert_eq!(money(0), "$0.00");
        assert_eq!(money(5), "$0.05");
        assert_eq!(money(123456), "$1,234.56");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59_499), "59s");
        assert_eq!(duration(154_000), "2m 34s");
        assert_eq!(duration(3_725_000), "1h 02m 05s");
    }
}
