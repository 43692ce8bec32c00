//! What the `check_reservation` tool says: a reservation (or none) in a few
//! plain sentences the voice agent can speak, with times in the
//! organization's timezone and in words, and the driver's phone only when the
//! organization transfers calls and its office is open.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

/// A reservation as the tool found it, with its driver's phone if the
/// driver is known and active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundReservation {
    pub confirmation_number: String,
    pub passenger_name: Option<String>,
    pub pickup_at: DateTime<Utc>,
    pub pickup_address: Option<String>,
    pub dropoff_address: Option<String>,
    pub status: String,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
}

/// What the organization's settings and last import say about answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolContext {
    pub timezone: Tz,
    pub business_hours_start: u8,
    pub business_hours_end: u8,
    pub transfer_enabled: bool,
    pub last_import_at: Option<DateTime<Utc>>,
    pub stale_hours: i32,
}

/// What the caller asked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Confirmation(String),
    CallerPhone,
}

/// A confirmation number as it is compared: letters and digits, upper case
/// (the stored `confirmation_key` is made the same way).
pub fn confirmation_key(said: &str) -> String {
    said.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// "today at 6:30 AM", "tomorrow at 6:30 AM", "yesterday at 11:05 PM", or
/// "on Friday, December 4 at 6:30 AM", in `tz`.
pub fn spoken_time(at: DateTime<Utc>, tz: Tz, now: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    let today = now.with_timezone(&tz).date_naive();
    let clock = local.format("%-I:%M %p").to_string();
    let day = local.date_naive();
    match (day - today).num_days() {
        0 => format!("today at {clock}"),
        1 => format!("tomorrow at {clock}"),
        -1 => format!("yesterday at {clock}"),
        _ => format!(
            "on {}, {} {} at {clock}",
            local.format("%A"),
            local.format("%B"),
            local.day()
        ),
    }
}

/// The tool's answer: a few sentences, well under the platform's 15,000
/// characters.
pub fn answer(
    found: Option<&FoundReservation>,
    asked: &Asked,
    ctx: &ToolContext,
    now: DateTime<Utc>,
) -> String {
    let mut out = match (found, asked) {
        (None, Asked::Confirmation(number)) => format!(
            "I could not find a reservation with confirmation number {}. Please check the number \
             with the caller.",
            number.trim()
        ),
        (None, Asked::CallerPhone) => "I could not find a reservation for the caller's phone \
             number in the next 24 hours. Ask the caller for the confirmation number."
            .to_string(),
        (Some(r), _) => {
            let mut s = format!("Reservation {} ", r.confirmation_number);
            if let Some(name) = r.passenger_name.as_deref().filter(|n| !n.trim().is_empty()) {
                s.push_str(&format!("for {} ", name.trim()));
            }
            s.push_str(&format!(
                "is {}: pickup {}",
                r.status.trim(),
                spoken_time(r.pickup_at, ctx.timezone, now)
            ));
            if let Some(from) = r.pickup_address.as_deref().filter(|a| !a.trim().is_empty()) {
                s.push_str(&format!(" at {}", from.trim()));
            }
            if let Some(to) = r
                .dropoff_address
                .as_deref()
                .filter(|a| !a.trim().is_empty())
            {
                s.push_str(&format!(", going to {}", to.trim()));
            }
            s.push('.');
            if let Some(driver) = r.driver_name.as_deref().filter(|d| !d.trim().is_empty()) {
                s.push_str(&format!(" The driver is {}.", driver.trim()));
                let open = super::hours::is_open(
                    ctx.timezone,
                    ctx.business_hours_start,
                    ctx.business_hours_end,
                    now,
                );
                match r.driver_phone.as_deref() {
                    Some(phone) if ctx.transfer_enabled && open => s.push_str(&format!(
                        " The driver's phone is {phone}; you may transfer the caller."
                    )),
                    _ => {}
                }
            }
            s
        }
    };
    if super::tool_data::is_stale(ctx.last_import_at, ctx.stale_hours, now) {
        out.push_str(
            " Note: the reservation list has not been updated recently, so details may have \
             changed; offer to have the office confirm.",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn ctx(transfer: bool) -> ToolContext {
        ToolContext {
            timezone: chrono_tz::America::Phoenix,
            business_hours_start: 6,
            business_hours_end: 22,
            transfer_enabled: transfer,
            last_import_at: Some(at("2026-12-04T12:00:00Z")),
            stale_hours: 24,
        }
    }

    fn ride() -> FoundReservation {
        FoundReservation {
            confirmation_number: "DS-4411".into(),
            passenger_name: Some("Jane Roe".into()),
            // 06:30 in Phoenix (UTC-7) on Dec 5.
            pickup_at: at("2026-12-05T13:30:00Z"),
            pickup_address: Some("12 Saguaro Way".into()),
            dropoff_address: Some("Sky Harbor Terminal 4".into()),
            status: "confirmed".into(),
            driver_name: Some("Sam Ortiz".into()),
            driver_phone: Some("+15555550177".into()),
        }
    }

    #[test]
    fn confirmation_numbers_compare_without_spaces_dashes_or_case() {
        for said in ["DS-4411", "ds 4411", " ds4411 ", "D.S. 44-11"] {
            assert_eq!(confirmation_key(said), "DS4411", "{said}");
        }
    }

    #[test]
    fn times_are_local_and_in_words() {
        let tz = chrono_tz::America::Phoenix;
        // 15:00 UTC is 08:00 in Phoenix, Dec 4.
        let now = at("2026-12-04T15:00:00Z");
        assert_eq!(
            spoken_time(at("2026-12-05T13:30:00Z"), tz, now),
            "tomorrow at 6:30 AM"
        );
        assert_eq!(
            spoken_time(at("2026-12-04T23:00:00Z"), tz, now),
            "today at 4:00 PM"
        );
        // 06:30 UTC on Dec 5 is still Dec 4 (11:30 PM) in Phoenix.
        assert_eq!(
            spoken_time(at("2026-12-05T06:30:00Z"), tz, now),
            "today at 11:30 PM"
        );
        assert_eq!(
            spoken_time(at("2026-12-08T16:00:00Z"), tz, now),
            "on Tuesday, December 8 at 9:00 AM"
        );
    }

    #[test]
    fn the_drivers_phone_only_with_transfer_on_and_the_office_open() {
        let asked = Asked::Confirmation("ds 4411".into());
        let open = at("2026-12-04T15:00:00Z"); // 08:00 local
        let closed = at("2026-12-05T06:00:00Z"); // 23:00 local
        let said = answer(Some(&ride()), &asked, &ctx(true), open);
        assert!(said.contains("+15555550177"), "{said}");
        assert!(said.contains("tomorrow at 6:30 AM"), "{said}");
        assert!(
            said.contains("Jane Roe") && said.contains("Sam Ortiz"),
            "{said}"
        );
        assert!(!said.contains("Note:"), "{said}");
        assert!(!answer(Some(&ride()), &asked, &ctx(false), open).contains("+15555550177"));
        assert!(!answer(Some(&ride()), &asked, &ctx(true), closed).contains("+15555550177"));
    }

    #[test]
    fn not_found_and_stale_are_said_plainly() {
        let now = at("2026-12-06T15:00:00Z");
        let said = answer(None, &Asked::Confirmation("XX-1".into()), &ctx(true), now);
        assert!(said.contains("could not find a reservation with confirmation number XX-1"));
        assert!(
            said.contains("not been updated recently"),
            "two days old: {said}"
        );
        let by_phone = answer(
            None,
            &Asked::CallerPhone,
            &ctx(true),
            at("2026-12-04T15:00:00Z"),
        );
        assert!(by_phone.contains("caller's phone number"));
        assert!(by_phone.len() < 15_000);
    }
}
