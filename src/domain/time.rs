//! Times as a person reads them: in the organization's timezone on its site,
//! in the super admin's chosen one on the console, always labelled
//! ("Nov 30, 3:20 PM EST").
//!
//! The browser has no timezone database (chrono-tz would make the bundle
//! much larger), so the server sends a `Clock`: the zone's offsets and
//! abbreviations over the window any page shows (three years back, 400 days
//! ahead). Both sides format with it, so a hydrated page says exactly what the
//! server rendered.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// From `from` (Unix seconds) on, local time is UTC + `offset` seconds, called `abbr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: i64,
    pub offset: i32,
    pub abbr: String,
}

/// A timezone's name and its offsets over the window pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub zone: String,
    /// Sorted by `from`; the first applies to every earlier instant too.
    pub spans: Vec<Span>,
    /// When the server made this clock (Unix seconds). The browser cannot
    /// ask WebAssembly for the time (chrono panics there), so "this year"
    /// and "the zone's name now" are judged from this reading.
    pub made_at: i64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            zone: "UTC".into(),
            spans: vec![Span {
                from: i64::MIN,
                offset: 0,
                abbr: "UTC".into(),
            }],
            made_at: 0,
        }
    }
}

impl Clock {
    fn span(&self, at: DateTime<Utc>) -> Option<&Span> {
        let t = at.timestamp();
        let i = self.spans.partition_point(|s| s.from <= t);
        self.spans.get(i.saturating_sub(1))
    }

    /// Local wall time and its abbreviation.
    pub fn local(&self, at: DateTime<Utc>) -> (NaiveDateTime, &str) {
        match self.span(at) {
            Some(s) => (
                at.naive_utc() + Duration::seconds(i64::from(s.offset)),
                s.abbr.as_str(),
            ),
            None => (at.naive_utc(), "UTC"),
        }
    }

    /// "Nov 30, 3:20 PM EST" (the year too when it is not this year's).
    pub fn when(&self, at: DateTime<Utc>) -> String {
        self.format(at, "%-I:%M %p")
    }

    /// "Nov 30, 3:20:07 PM EST", for logs where order within a minute matters.
    pub fn when_exact(&self, at: DateTime<Utc>) -> String {
        self.format(at, "%-I:%M:%S %p")
    }

    /// "3:20 PM EST".
    pub fn time(&self, at: DateTime<Utc>) -> String {
        let (local, abbr) = self.local(at);
        format!("{} {abbr}", local.format("%-I:%M %p"))
    }

    /// The zone's abbreviation when the clock was made ("EST").
    pub fn abbr_now(&self) -> &str {
        let at = DateTime::<Utc>::from_timestamp(self.made_at, 0).unwrap_or_default();
        self.local(at).1
    }

    /// "Nov 30, 2026" (the local date).
    pub fn date(&self, at: DateTime<Utc>) -> String {
        self.local(at).0.format("%b %-d, %Y").to_string()
    }

    fn format(&self, at: DateTime<Utc>, clock: &str) -> String {
        let (local, abbr) = self.local(at);
        let made_at = DateTime::<Utc>::from_timestamp(self.made_at, 0).unwrap_or_default();
        let (now, _) = self.local(made_at);
        let day = if local.format("%Y").to_string() == now.format("%Y").to_string() {
            "%b %-d"
        } else {
            "%b %-d, %Y"
        };
        format!("{}, {} {abbr}", local.format(day), local.format(clock))
    }
}

/// What the server knows of zones (the browser only ever gets a `Clock`).
#[cfg(feature = "ssr")]
mod zones {
    use super::{Clock, Span};
    use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
    use chrono_tz::{OffsetName, Tz};

    /// A zone chrono-tz knows by this IANA name.
    pub fn timezone(name: &str) -> Option<Tz> {
        name.parse().ok()
    }

    /// Every IANA zone name, sorted (for the pickers).
    pub fn timezone_names() -> Vec<String> {
        let mut names: Vec<String> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|z| z.name().to_string())
            .collect();
        names.sort();
        names
    }

    fn offset_at(tz: Tz, t: i64) -> (i32, String) {
        let at = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
        let o = tz.offset_from_utc_datetime(&at.naive_utc());
        let abbr = o.abbreviation().map(str::to_string).unwrap_or_else(|| {
            // Zones without a letter abbreviation ("+0530"-style names in
            // the database) read best as a UTC offset.
            let secs = o.fix().local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let m = secs.abs() / 60;
            format!("UTC{sign}{}:{:02}", m / 60, m % 60)
        });
        (o.fix().local_minus_utc(), abbr)
    }

    impl Clock {
        /// `tz`'s offsets from three years before `now` to 400 days after
        /// it. Changes are found day by day, then to the second.
        pub fn of(tz: Tz, now: DateTime<Utc>) -> Clock {
            let start = (now - Duration::days(3 * 366)).timestamp();
            let end = (now + Duration::days(400)).timestamp();
            let (offset, abbr) = offset_at(tz, start);
            let mut spans = vec![Span {
                from: i64::MIN,
                offset,
                abbr,
            }];
            let mut t = start;
            while t < end {
                let next = t + 86_400;
                let here = offset_at(tz, next);
                let last = spans.last().expect("one span at least");
                if (here.0, here.1.as_str()) != (last.offset, last.abbr.as_str()) {
                    // The change lies in (t, next]: narrow it to the second.
                    let (mut lo, mut hi) = (t, next);
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        let m = offset_at(tz, mid);
                        if (m.0, m.1.as_str()) == (last.offset, last.abbr.as_str()) {
                            lo = mid;
                        } else {
                            hi = mid;
                        }
                    }
                    spans.push(Span {
                        from: hi,
                        offset: here.0,
                        abbr: here.1,
                    });
                }
                t = next;
            }
            Clock {
                zone: tz.name().to_string(),
                spans,
                made_at: now.timestamp(),
            }
        }

        /// The clock of the zone called `name`, or UTC's for a name no zone has.
        pub fn named(name: &str, now: DateTime<Utc>) -> Clock {
            timezone(name).map_or_else(
                || Clock {
                    made_at: now.timestamp(),
                    ..Clock::default()
                },
                |tz| Clock::of(tz, now),
            )
        }
    }
}

#[cfg(feature = "ssr")]
pub use zones::{timezone, timezone_names};

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn new_york_falls_back_at_the_right_second() {
        let ny = Clock::named("America/New_York", at("2026-06-01T00:00:00Z"));
        // EDT until 2026-11-01 06:00:00 UTC (2 AM EDT), then EST.
        assert_eq!(ny.time(at("2026-11-01T05:59:59Z")), "1:59 AM EDT");
        assert_eq!(ny.time(at("2026-11-01T06:00:00Z")), "1:00 AM EST");
        assert_eq!(ny.date(at("2026-12-01T03:00:00Z")), "Nov 30, 2026");
        assert!(
            ny.spans.len() >= 8,
            "{} changes in ~4 years",
            ny.spans.len()
        );
    }

    #[test]
    fn zones_without_summer_time_or_letters() {
        let kolkata = Clock::named("Asia/Kolkata", Utc::now());
        assert_eq!(kolkata.spans.len(), 1);
        assert_eq!(kolkata.time(at("2026-11-30T10:00:00Z")), "3:30 PM IST");
        let phoenix = Clock::named("America/Phoenix", Utc::now());
        assert_eq!(phoenix.time(at("2026-07-01T19:00:00Z")), "12:00 PM MST");
        let noronha = Clock::named("America/Noronha", Utc::now());
        assert_eq!(
            noronha.time(at("2026-07-01T12:00:00Z")),
            "10:00 AM UTC-2:00"
        );
    }

    #[test]
    fn unknown_zones_read_as_utc_and_the_year_shows_when_not_this_one() {
        let c = Clock::named("Mars/Base", Utc::now());
        assert_eq!(c.zone, "UTC");
        assert_eq!(
            c.when(at("2020-02-03T04:05:06Z")),
            "Feb 3, 2020, 4:05 AM UTC"
        );
        let now = Utc::now();
        assert!(!c.when(now).contains(&now.format("%Y").to_string()));
        assert!(c
            .when_exact(at("2020-02-03T04:05:06Z"))
            .contains("4:05:06 AM"));
    }

    #[test]
    fn timezone_names_parse_and_include_the_default() {
        let names = timezone_names();
        assert!(names.len() > 300);
        assert!(names.iter().any(|n| n == crate::domain::DEFAULT_TIMEZONE));
        assert!(timezone("Mars/Olympus_Mons").is_none());
        for n in names.iter().take(20) {
            assert!(timezone(n).is_some(), "{n}");
        }
    }

    #[test]
    fn a_clock_survives_the_trip_to_the_browser() {
        let ny = Clock::named("America/New_York", Utc::now());
        let back: Clock = serde_json::from_str(&serde_json::to_string(&ny).unwrap()).unwrap();
        assert_eq!(back, ny);
        assert_eq!(
            back.when(at("2026-11-30T20:20:00Z")),
            ny.when(at("2026-11-30T20:20:00Z"))
        );
    }
}
