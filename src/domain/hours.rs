//! Is the office open right now? Business hours are whole hours in the
//! organization's IANA timezone, so the question is "what hour is it there",
//! which chrono-tz answers correctly across daylight-saving changes.
//!
//! The rules (also in docs/api.md):
//! * the start hour is included, the end hour is not: 6–22 is open from
//!   06:00 up to 21:59:59;
//! * start after end spans midnight: 22–6 is open from 22:00 to 05:59:59;
//! * start equal to end means open around the clock (a business that sets
//!   its hours to 9–9 is never "after hours"; an organization that wants the
//!   agent on every call chooses the *Always* forwarding mode instead).

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

/// Whether `hour` (0–23, local) falls inside `start..end` as described above.
pub fn hour_is_open(start: u8, end: u8, hour: u32) -> bool {
    let (start, end) = (u32::from(start), u32::from(end));
    if start == end {
        true
    } else if start < end {
        (start..end).contains(&hour)
    } else {
        hour >= start || hour < end
    }
}

/// Whether the office is open at `now` in `tz`.
pub fn is_open(tz: Tz, start: u8, end: u8, now: DateTime<Utc>) -> bool {
    hour_is_open(start, end, now.with_timezone(&tz).hour())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn day_ranges_include_the_start_and_exclude_the_end() {
        assert!(!hour_is_open(6, 22, 5));
        assert!(hour_is_open(6, 22, 6));
        assert!(hour_is_open(6, 22, 21));
        assert!(!hour_is_open(6, 22, 22));
    }

    #[test]
    fn overnight_ranges_cross_midnight() {
        for h in [22, 23, 0, 1, 5] {
            assert!(hour_is_open(22, 6, h), "{h}");
        }
        for h in [6, 7, 12, 21] {
            assert!(!hour_is_open(22, 6, h), "{h}");
        }
    }

    #[test]
    fn equal_hours_mean_open_all_day() {
        for h in 0..24 {
            assert!(hour_is_open(9, 9, h));
            assert!(hour_is_open(0, 0, h));
        }
    }

    /// Instants either side of the 2026 daylight-saving changes, with the
    /// answer worked out by hand from the local time (hours 6–22, and the
    /// overnight 22–6).
    #[test]
    fn daylight_saving_changes_in_two_timezones() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let phoenix: Tz = "America/Phoenix".parse().unwrap();
        let table: &[(Tz, &str, u8, u8, bool)] = &[
            // New York springs forward 2026-03-08 07:00 UTC (EST -5 → EDT -4).
            (ny, "2026-03-07T10:30:00Z", 6, 22, false), // 05:30 EST
            (ny, "2026-03-08T10:30:00Z", 6, 22, true),  // 06:30 EDT
            (ny, "2026-03-08T06:59:00Z", 22, 6, true),  // 01:59 EST
            (ny, "2026-03-08T10:30:00Z", 22, 6, false), // 06:30 EDT
            (ny, "2026-03-09T02:30:00Z", 6, 22, false), // 22:30 EDT
            (ny, "2026-03-07T02:30:00Z", 6, 22, true),  // 21:30 EST
            // …and falls back 2026-11-01 06:00 UTC (EDT → EST).
            (ny, "2026-10-31T10:30:00Z", 6, 22, true), // 06:30 EDT
            (ny, "2026-11-01T10:30:00Z", 6, 22, false), // 05:30 EST
            (ny, "2026-11-01T05:30:00Z", 22, 6, true), // 01:30 EDT
            (ny, "2026-11-01T06:30:00Z", 22, 6, true), // 01:30 EST (the hour repeats)
            (ny, "2026-11-01T11:00:00Z", 22, 6, false), // 06:00 EST
            // Berlin springs forward 2026-03-29 01:00 UTC (CET +1 → CEST +2).
            (berlin, "2026-03-28T04:30:00Z", 6, 22, false), // 05:30 CET
            (berlin, "2026-03-29T04:30:00Z", 6, 22, true),  // 06:30 CEST
            (berlin, "2026-03-28T20:30:00Z", 6, 22, true),  // 21:30 CET
            (berlin, "2026-03-29T20:30:00Z", 6, 22, false), // 22:30 CEST
            // …and falls back 2026-10-25 01:00 UTC.
            (berlin, "2026-10-24T04:30:00Z", 6, 22, true), // 06:30 CEST
            (berlin, "2026-10-25T04:30:00Z", 6, 22, false), // 05:30 CET
            (berlin, "2026-10-24T20:30:00Z", 22, 6, true), // 22:30 CEST
            (berlin, "2026-10-25T20:30:00Z", 22, 6, false), // 21:30 CET
            // Phoenix keeps MST (-7) all year.
            (phoenix, "2026-03-08T13:30:00Z", 6, 22, true), // 06:30
            (phoenix, "2026-03-08T12:30:00Z", 6, 22, false), // 05:30
            (phoenix, "2026-07-01T04:59:00Z", 6, 22, true), // 21:59
            (phoenix, "2026-07-01T05:00:00Z", 6, 22, false), // 22:00
        ];
        for (tz, instant, start, end, open) in table {
            assert_eq!(
                is_open(*tz, *start, *end, at(instant)),
                *open,
                "{tz} {instant} {start}-{end}"
            );
        }
    }
}
