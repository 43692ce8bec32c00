//! Reading a reservations or drivers CSV: headers by name (any case, any
//! order; unknown ones reported and ignored), comma or semicolon, quoted
//! fields, UTF-8 with or without a byte-order mark. Every row is checked;
//! each problem is reported by line and column, in words.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::io::{BufRead, BufReader, Read};

/// The largest file accepted (the page says so).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Row errors reported at most (the rest are counted).
pub const MAX_ERRORS_SHOWN: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reservations,
    Drivers,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reservations => "reservations",
            Kind::Drivers => "drivers",
        }
    }

    /// The columns, in the template's order; the required ones first.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Reservations => &[
                "confirmation_number",
                "pickup_at",
                "passenger_name",
                "passenger_phone",
                "pickup_address",
                "dropoff_address",
                "status",
                "driver_name",
            ],
            Kind::Drivers => &["name", "phone", "active"],
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Reservations => &["confirmation_number", "pickup_at"],
            Kind::Drivers => &["name"],
        }
    }
}

pub use super::tool_data::RowError;

#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    pub confirmation_number: String,
    pub passenger_name: Option<String>,
    pub passenger_phone: Option<String>,
    pub pickup_at: DateTime<Utc>,
    pub pickup_address: Option<String>,
    pub dropoff_address: Option<String>,
    pub status: String,
    pub driver_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    pub name: String,
    pub phone: Option<String>,
    pub active: bool,
}

/// What a file holds: its good rows, every problem, and the columns it had
/// that we do not read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub reservations: Vec<Reservation>,
    pub drivers: Vec<Driver>,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    pub ignored_columns: Vec<String>,
    /// The header line, lower-cased.
    pub headers: Vec<String>,
    /// The first rows as written, for the preview.
    pub first_rows: Vec<Vec<String>>,
    pub rows: usize,
}

impl Parsed {
    fn problem(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS_SHOWN {
            self.errors.push(RowError {
                line,
                column: column.to_string(),
                message: message.into(),
            });
        }
    }
}

/// The delimiter of a file: the one of `,` and `;` the header line has more of.
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| header.iter().filter(|b| **b == d).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// A pickup time: ISO 8601 with an offset, or a local time in `tz`
/// (`2026-12-05 06:30`, `2026-12-05T06:30:00`).
pub fn pickup_at(value: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
    .ok_or_else(|| {
        "Write the time as 2026-12-05 06:30 (local) or 2026-12-05T06:30:00-07:00.".to_string()
    })?;
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        // A clock set back: the first of the two moments.
        chrono::LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        chrono::LocalResult::None => Err(format!(
            "{v} does not exist in {} (the clocks skip it); give the offset.",
            tz.name()
        )),
    }
}

fn optional(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn phone(v: Option<&str>) -> Result<Option<String>, String> {
    match optional(v) {
        None => Ok(None),
        Some(p) => super::e164(&p).map(Some),
    }
}

/// One good row, handed over as it is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Reservation(Reservation),
    Driver(Driver),
}

/// The message for a file over [`MAX_BYTES`] (the upload route's too).
pub fn too_large() -> String {
    format!(
        "The file is larger than {} MB. Split it, or import in parts with \u{201c}merge\u{201d}.",
        MAX_BYTES / 1_048_576
    )
}

/// Reads `bytes` as a file of `kind`, keeping every good row in the result;
/// `tz` reads local pickup times.
pub fn parse(kind: Kind, bytes: &[u8], tz: Tz) -> Result<Parsed, String> {
    let mut reservations = Vec::new();
    let mut drivers = Vec::new();
    let mut out = read(kind, bytes, tz, |row| match row {
        Row::Reservation(r) => reservations.push(r),
        Row::Driver(d) => drivers.push(d),
    })?;
    out.reservations = reservations;
    out.drivers = drivers;
    Ok(out)
}

/// A reader that stops at [`MAX_BYTES`] and says so.
struct Limited<R> {
    inner: R,
    read: usize,
    over: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        if self.read > MAX_BYTES {
            self.over.set(true);
            return Err(std::io::Error::other("too large"));
        }
        Ok(n)
    }
}

/// Reads a file of `kind` from `input` as it arrives, handing each good row
/// to `keep` and holding only the summary (the result's row lists stay
/// empty), so a large file is never in memory whole.
pub fn read(
    kind: Kind,
    input: impl Read,
    tz: Tz,
    mut keep: impl FnMut(Row),
) -> Result<Parsed, String> {
    let over = std::rc::Rc::new(std::cell::Cell::new(false));
    let limited = Limited {
        inner: input,
        read: 0,
        over: over.clone(),
    };
    let mut input = BufReader::with_capacity(256 * 1024, limited);
    // The delimiter is decided by the header line, read whole first however
    // the file arrives in pieces.
    let mut head = Vec::new();
    match input.read_until(b'\n', &mut head) {
        Ok(_) => {}
        Err(_) if over.get() => return Err(too_large()),
        Err(_) => return Err("The file could not be read.".to_string()),
    }
    if head.is_empty() {
        return Err("The file is empty. Download the template to start from.".to_string());
    }
    if head.starts_with("\u{feff}".as_bytes()) {
        head.drain(..3);
    }
    let delimiter = delimiter(&head);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(std::io::Cursor::new(head).chain(input));
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
        Err(_) if over.get() => return Err(too_large()),
        Err(_) => return Err("The file is not readable as CSV text (UTF-8).".to_string()),
    };
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The first line must name the columns; missing: {}. Download the template to start from.",
            missing.join(", ")
        ));
    }
    let at = |name: &str| headers.iter().position(|h| h == name);
    let cols: Vec<Option<usize>> = kind.columns().iter().map(|c| at(c)).collect();
    let mut out = Parsed {
        headers: headers.clone(),
        ignored_columns: headers
            .iter()
            .filter(|h| !kind.columns().contains(&h.as_str()))
            .cloned()
            .collect(),
        ..Parsed::default()
    };
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let line = out.rows as u64 + 2;
        out.rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(_) if over.get() => return Err(too_large()),
            Err(e) => {
                out.problem(line, "", format!("This line cannot be read: {e}"));
                continue;
            }
        };
        if out.first_rows.len() < super::tool_data::PREVIEW_ROWS {
            out.first_rows
                .push(record.iter().map(str::to_string).collect());
        }
        let get = |i: usize| cols[i].and_then(|c| record.get(c));
        match kind {
            Kind::Reservations => {
                let number = optional(get(0));
                let when = get(1).map(|v| pickup_at(v, tz));
                let phone = phone(get(3));
                let mut ok = true;
                if number.is_none() {
                    out.problem(
                        line,
                        "confirmation_number",
                        "The confirmation number is empty.",
                    );
                    ok = false;
                }
                if let Some(n) = &number {
                    if n.chars().count() > 64 {
                        out.problem(line, "confirmation_number", "At most 64 characters.");
                        ok = false;
                    } else if let Some(first) = seen.insert(n.clone(), line) {
                        out.problem(
                            line,
                            "confirmation_number",
                            format!("{n} is already on line {first}."),
                        );
                        ok = false;
                    }
                }
                let pickup = match when {
                    Some(Ok(t)) => Some(t),
                    Some(Err(m)) => {
                        out.problem(line, "pickup_at", m);
                        None
                    }
                    None => {
                        out.problem(line, "pickup_at", "The pickup time is empty.");
                        None
                    }
                };
                let phone = match phone {
                    Ok(p) => p,
                    Err(m) => {
                        out.problem(line, "passenger_phone", m);
                        ok = false;
                        None
                    }
                };
                if let (true, Some(confirmation_number), Some(pickup_at)) = (ok, number, pickup) {
                    keep(Row::Reservation(Reservation {
                        confirmation_number,
                        passenger_name: optional(get(2)),
                        passenger_phone: phone,
                        pickup_at,
                        pickup_address: optional(get(4)),
                        dropoff_address: optional(get(5)),
                        status: optional(get(6)).unwrap_or_else(|| "scheduled".into()),
                        driver_name: optional(get(7)),
                    }));
                }
            }
            Kind::Drivers => {
                let name = optional(get(0));
                let active = match optional(get(2)).map(|a| a.to_ascii_lowercase()) {
                    None => Ok(true),
                    Some(a) if ["yes", "true", "1", "y", "active"].contains(&a.as_str()) => {
                        Ok(true)
                    }
                    Some(a) if ["no", "false", "0", "n", "inactive"].contains(&a.as_str()) => {
                        Ok(false)
                    }
                    Some(_) => Err("Write yes or no."),
                };
                let mut ok = true;
                if name.is_none() {
                    out.problem(line, "name", "The driver's name is empty.");
                    ok = false;
                }
                if let Some(n) = &name {
                    if let Some(first) = seen.insert(n.clone(), line) {
                        out.problem(line, "name", format!("{n} is already on line {first}."));
                        ok = false;
                    }
                }
                let phone = match phone(get(1)) {
                    Ok(p) => p,
                    Err(m) => {
                        out.problem(line, "phone", m);
                        ok = false;
                        None
                    }
                };
                let active = match active {
                    Ok(a) => a,
                    Err(m) => {
                        out.problem(line, "active", m);
                        ok = false;
                        true
                    }
                };
                if let (true, Some(name)) = (ok, name) {
                    keep(Row::Driver(Driver {
                        name,
                        phone,
                        active,
                    }));
                }
            }
        }
    }
    Ok(out)
}

/// The template for `kind`: the header line and one fictional example.
pub fn template(kind: Kind) -> String {
    let example = match kind {
        Kind::Reservations => "DS-4411,2026-12-05 06:30,Jane Roe,+15555550101,12 Saguaro Way,Sky Harbor Terminal 4,confirmed,Sam Ortiz",
        Kind::Drivers => "Sam Ortiz,+15555550177,yes",
    };
    format!("{}\n{example}\n", kind.columns().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHX: Tz = chrono_tz::America::Phoenix;

    #[test]
    fn headers_in_any_case_and_order_with_a_bom_and_semicolons() {
        let file = "\u{feff}Pickup_At;CONFIRMATION_NUMBER;note;passenger_phone\n\
                    2026-12-05 06:30;ds-1;vip;+1 555 555 0101\n\
                    \"2026-12-05T06:30:00-05:00\";\"DS;2\";;\n";
        let p = parse(Kind::Reservations, file.as_bytes(), PHX).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.ignored_columns, vec!["note".to_string()]);
        assert_eq!(p.reservations.len(), 2);
        assert_eq!(
            p.reservations[0].pickup_at,
            "2026-12-05T13:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            p.reservations[0].passenger_phone.as_deref(),
            Some("+15555550101")
        );
        assert_eq!(p.reservations[1].confirmation_number, "DS;2");
        assert_eq!(
            p.reservations[1].pickup_at,
            "2026-12-05T11:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(p.reservations[1].status, "scheduled");
    }

    #[test]
    fn every_row_error_names_its_line_and_column() {
        let file = "confirmation_number,pickup_at,passenger_phone\n\
                    A1,2026-12-05 06:30,+15555550101\n\
                    ,2026-12-05 06:30,\n\
                    A1,tomorrow,12\n";
        let p = parse(Kind::Reservations, file.as_bytes(), PHX).unwrap();
        assert_eq!(p.reservations.len(), 1);
        let at: Vec<(u64, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            at,
            vec![
                (3, "confirmation_number"),
                (4, "confirmation_number"),
                (4, "pickup_at"),
                (4, "passenger_phone")
            ]
        );
        assert!(p.errors[1].message.contains("line 2"));
    }

    #[test]
    fn a_missing_required_column_refuses_the_file() {
        let e = parse(Kind::Drivers, b"phone,active\n+15555550177,yes\n", PHX).unwrap_err();
        assert!(e.contains("missing: name"), "{e}");
        let d = parse(
            Kind::Drivers,
            b"name,phone,active\nSam,+15555550177,no\nAli,,\n",
            PHX,
        )
        .unwrap();
        assert_eq!(d.drivers.len(), 2);
        assert!(!d.drivers[0].active && d.drivers[1].active);
        // Over the limit, whether the header or the rows run past it.
        let mut long_rows = b"name\n".to_vec();
        long_rows.resize(MAX_BYTES + 1, b'x');
        for file in [vec![b'x'; MAX_BYTES + 1], long_rows] {
            let e = parse(Kind::Drivers, &file, PHX).unwrap_err();
            assert!(e.contains("larger than 50 MB"), "{e}");
        }
        assert!(parse(Kind::Drivers, b"", PHX)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn local_times_across_daylight_saving() {
        let ny: Tz = chrono_tz::America::New_York;
        // 2026-03-08 02:30 does not exist in New York; 2026-11-01 01:30 happens twice.
        assert!(pickup_at("2026-03-08 02:30", ny).is_err());
        assert_eq!(
            pickup_at("2026-11-01 01:30", ny).unwrap(),
            "2026-11-01T05:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn templates_parse_cleanly() {
        for kind in [Kind::Reservations, Kind::Drivers] {
            let p = parse(kind, template(kind).as_bytes(), PHX).unwrap();
            assert!(p.errors.is_empty() && p.rows == 1, "{kind:?}");
        }
    }
}
