//! EDTF (ISO 8601-2) level 0 and the level-1 features the archive needs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::day::days_in_month;
use crate::error::show_char;
use crate::{DateError, Day};

/// Appended to syntax errors so that the user sees what a valid value looks like.
const HINT: &str =
    "expected an EDTF date such as 1988, 1988-07, 1988-07-19, 1988~ or 1988-07/1988-09";

/// How finely a date is written: the last component present in the text, whether given or
/// unspecified (`1988-XX` has month precision even though it covers the whole year).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    /// `1988`, `198X`
    Year,
    /// `1988-07`, `1988-XX`
    Month,
    /// `1988-07-19`, `1988-07-XX`
    Day,
}

/// A month or a day of an [`EdtfDate`]: a number, or `XX` (EDTF level 1 "unspecified").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part {
    Known(u8),
    Unspecified,
}

/// One EDTF date like `1988`, `1988-07`, `1988-07-19`, `1988~`, `1988?`, `1988%`, `1988-07?`,
/// or with unspecified digits `198X`, `19XX`, `1988-XX`, `1988-07-XX`, `1988-XX-XX`.
///
/// `?` marks the date uncertain, `~` approximate, `%` both; the qualifier applies to the whole
/// date and does not widen the days it covers (`1988~` covers 1988): how much "circa" means is
/// for the reader to judge, not for this crate to invent. `X` may replace only the last one or
/// two year digits, or a whole month or day, and only at the end of the date (level 1), so a
/// date always covers one contiguous run of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    /// The year with its unspecified digits stored as 0 (`198X` is 1980), so that equal texts
    /// give equal values.
    year: i32,
    /// How many of the last year digits are `X` (0–2).
    unspecified_year_digits: u8,
    month: Option<Part>,
    day: Option<Part>,
    uncertain: bool,
    approximate: bool,
}

impl EdtfDate {
    /// A date of day precision without qualifier; refuses an invalid [`Day`].
    pub fn from_day(day: Day) -> Result<EdtfDate, DateError> {
        let day = Day::new(day.year, day.month, day.day)?;
        Ok(EdtfDate {
            year: day.year,
            unspecified_year_digits: 0,
            month: Some(Part::Known(day.month)),
            day: Some(Part::Known(day.day)),
            uncertain: false,
            approximate: false,
        })
    }

    /// The last component written, given or unspecified.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (_, Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            (None, None) => Precision::Year,
        }
    }

    /// The first day the date may mean.
    pub fn earliest(&self) -> Day {
        Day {
            year: self.year,
            month: known_or(self.month, 1),
            day: known_or(self.day, 1),
        }
    }

    /// The last day the date may mean.
    pub fn latest(&self) -> Day {
        let year = self.year + 10_i32.pow(u32::from(self.unspecified_year_digits)) - 1;
        let month = known_or(self.month, 12);
        Day {
            year,
            month,
            day: known_or(self.day, days_in_month(year, month)),
        }
    }

    /// Marked `?` or `%`.
    pub fn is_uncertain(&self) -> bool {
        self.uncertain
    }

    /// Marked `~` or `%`.
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }
}

fn known_or(part: Option<Part>, default: u8) -> u8 {
    match part {
        Some(Part::Known(n)) => n,
        _ => default,
    }
}

/// Canonical EDTF text, e.g. `198X`, `1988-07-XX?`.
impl fmt::Display for EdtfDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:04}", self.year);
        let given = digits.len() - usize::from(self.unspecified_year_digits);
        f.write_str(&digits[..given])?;
        for _ in given..digits.len() {
            f.write_str("X")?;
        }
        for part in [self.month, self.day].into_iter().flatten() {
            match part {
                Part::Known(n) => write!(f, "-{n:02}")?,
                Part::Unspecified => f.write_str("-XX")?,
            }
        }
        match (self.uncertain, self.approximate) {
            (true, true) => f.write_str("%"),
            (true, false) => f.write_str("?"),
            (false, true) => f.write_str("~"),
            (false, false) => Ok(()),
        }
    }
}

/// One end of an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntervalEnd {
    /// A date, e.g. the `1988-07` of `1988-07/1988-09`.
    Date(EdtfDate),
    /// `..`: the interval has no bound on this side (e.g. "still in office").
    Open,
    /// Empty: the bound exists but is not known.
    Unknown,
}

impl IntervalEnd {
    /// The date at this end, if any.
    pub fn date(&self) -> Option<EdtfDate> {
        match self {
            IntervalEnd::Date(date) => Some(*date),
            IntervalEnd::Open | IntervalEnd::Unknown => None,
        }
    }
}

/// `..`, nothing, or the date.
impl fmt::Display for IntervalEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntervalEnd::Date(date) => date.fmt(f),
            IntervalEnd::Open => f.write_str(".."),
            IntervalEnd::Unknown => Ok(()),
        }
    }
}

/// A parsed EDTF value: a single date, or an interval `a/b` whose ends may be a date, open
/// (`..`), or unknown (empty).
///
/// Build intervals with [`Edtf::interval`] (or parse them), which checks that the start is not
/// after the end and that at least one end is a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edtf {
    /// A single date.
    Date(EdtfDate),
    /// `start/end`.
    Interval {
        /// Before the `/`.
        start: IntervalEnd,
        /// After the `/`.
        end: IntervalEnd,
    },
}

impl Edtf {
    /// Parses EDTF text strictly: nothing is trimmed, and the error names what is wrong and where
    /// (positions count characters from 1).
    pub fn parse(s: &str) -> Result<Edtf, DateError> {
        Parser::new(s).edtf()
    }

    /// An interval, refused when neither end is a date or when its start is after its end (no day
    /// of the start can precede a day of the end). Imprecise ends may reach past each other, as in
    /// `1988-07-19/1988` (detained on 19 July, released later that year): the interval then covers
    /// only the possible days, here 1988-07-19 to 1988-12-31.
    pub fn interval(start: IntervalEnd, end: IntervalEnd) -> Result<Edtf, DateError> {
        let edtf = Edtf::Interval { start, end };
        match (start, end) {
            (IntervalEnd::Date(s), IntervalEnd::Date(e)) if s.earliest() > e.latest() => {
                Err(DateError::new(
                    &edtf.to_string(),
                    format!("the interval starts ({s}) after it ends ({e})"),
                ))
            }
            (IntervalEnd::Date(_), _) | (_, IntervalEnd::Date(_)) => Ok(edtf),
            _ => Err(DateError::new(
                &edtf.to_string(),
                "an interval needs a date at one end at least",
            )),
        }
    }

    /// First day covered; `None` when the start is open or unknown.
    pub fn earliest(&self) -> Option<Day> {
        match self {
            Edtf::Date(date) => Some(date.earliest()),
            Edtf::Interval { start, .. } => start.date().map(|d| d.earliest()),
        }
    }

    /// Last day covered; `None` when the end is open or unknown.
    pub fn latest(&self) -> Option<Day> {
        match self {
            Edtf::Date(date) => Some(date.latest()),
            Edtf::Interval { end, .. } => end.date().map(|d| d.latest()),
        }
    }

    /// Whether the two may share a day; open and unknown ends are unbounded, because an unknown
    /// end may lie anywhere.
    pub fn overlaps(&self, other: &Edtf) -> bool {
        fn not_after(lo: Option<Day>, hi: Option<Day>) -> bool {
            match (lo, hi) {
                (Some(lo), Some(hi)) => lo <= hi,
                _ => true,
            }
        }
        not_after(self.earliest(), other.latest()) && not_after(other.earliest(), self.latest())
    }

    /// Whether `day` is one of the days covered (open and unknown ends are unbounded).
    pub fn contains(&self, day: Day) -> bool {
        self.earliest().is_none_or(|first| first <= day)
            && self.latest().is_none_or(|last| day <= last)
    }

    /// First and last year covered; `None` if either end is unbounded.
    pub fn year_span(&self) -> Option<(i32, i32)> {
        Some((self.earliest()?.year, self.latest()?.year))
    }

    /// Whether any date in it is marked approximate (`~` or `%`).
    pub fn is_approximate(&self) -> bool {
        self.dates().any(|d| d.approximate)
    }

    /// Whether any date in it is marked uncertain (`?` or `%`).
    pub fn is_uncertain(&self) -> bool {
        self.dates().any(|d| d.uncertain)
    }

    fn dates(&self) -> impl Iterator<Item = EdtfDate> {
        let (a, b) = match self {
            Edtf::Date(date) => (Some(*date), None),
            Edtf::Interval { start, end } => (start.date(), end.date()),
        };
        a.into_iter().chain(b)
    }
}

impl From<EdtfDate> for Edtf {
    fn from(date: EdtfDate) -> Self {
        Edtf::Date(date)
    }
}

/// Canonical EDTF text: `Edtf::parse(&e.to_string()) == Ok(e)`, and parsing then printing
/// canonical text gives it back unchanged.
impl fmt::Display for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edtf::Date(date) => date.fmt(f),
            Edtf::Interval { start, end } => write!(f, "{start}/{end}"),
        }
    }
}

impl FromStr for Edtf {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Edtf::parse(s)
    }
}

/// Timeline order: by earliest day (unbounded start first), then latest day (unbounded end last),
/// then text, which makes the order total and consistent with equality.
impl Ord for Edtf {
    fn cmp(&self, other: &Self) -> Ordering {
        let latest = match (self.latest(), other.latest()) {
            (Some(a), Some(b)) => a.cmp(&b),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        self.earliest()
            .cmp(&other.earliest())
            .then(latest)
            .then_with(|| self.to_string().cmp(&other.to_string()))
    }
}

impl PartialOrd for Edtf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// As its EDTF string.
impl Serialize for Edtf {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From an EDTF string, strictly.
impl<'de> Deserialize<'de> for Edtf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Edtf::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A hand-written scanner: EDTF is small, and this way every error can say where it is.
struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            chars: text.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    /// 1-based position of the next character, for messages.
    fn at(&self) -> usize {
        self.pos + 1
    }

    /// A value error (the text is well formed but means something impossible).
    fn fail(&self, reason: impl fmt::Display) -> DateError {
        DateError::new(self.text, reason)
    }

    /// A format error: adds what valid text looks like.
    fn syntax(&self, reason: impl fmt::Display) -> DateError {
        DateError::new(self.text, format!("{reason}; {HINT}"))
    }

    fn edtf(mut self) -> Result<Edtf, DateError> {
        if self.chars.is_empty() {
            return Err(DateError::new("", format!("empty date; {HINT}")));
        }
        let start = self.end()?;
        if self.peek() != Some('/') {
            self.finish()?;
            return match start {
                IntervalEnd::Date(date) => Ok(Edtf::Date(date)),
                _ => Err(self.syntax("`..` is only an open end of an interval, as in ../1988")),
            };
        }
        self.pos += 1;
        let end = self.end()?;
        self.finish()?;
        Edtf::interval(start, end)
    }

    fn end(&mut self) -> Result<IntervalEnd, DateError> {
        match self.peek() {
            None | Some('/') => Ok(IntervalEnd::Unknown),
            Some('.') if self.peek_at(1) == Some('.') => {
                self.pos += 2;
                Ok(IntervalEnd::Open)
            }
            _ => self.date().map(IntervalEnd::Date),
        }
    }

    /// Refuses anything left over.
    fn finish(&self) -> Result<(), DateError> {
        let at = self.at();
        match self.peek() {
            None => Ok(()),
            Some('T') => Err(self.fail(format!(
                "times are not supported, a date is a calendar day ('T' at position {at})"
            ))),
            Some('/') => Err(self.syntax(format!("a second '/' at position {at}"))),
            Some(c) => Err(self.syntax(format!("unexpected {} at position {at}", show_char(c)))),
        }
    }

    fn date(&mut self) -> Result<EdtfDate, DateError> {
        match self.peek() {
            Some('-') => return Err(self.syntax("negative years are not supported")),
            Some('Y') => {
                return Err(self.syntax("years beyond 9999 ('Y' prefix) are not supported"));
            }
            _ => {}
        }
        let mut year = 0;
        let mut unspecified = 0;
        for found in 0..4 {
            let at = self.at();
            match self.peek() {
                Some(c @ '0'..='9') if unspecified > 0 => {
                    return Err(self.syntax(format!(
                        "digit '{c}' at position {at} follows an unspecified digit 'X'; \
                         X may only replace the last digits, as in 19XX"
                    )));
                }
                Some(c @ '0'..='9') => year = year * 10 + i32::from(c as u8 - b'0'),
                Some('X') if unspecified == 2 => {
                    return Err(self.syntax(format!(
                        "a third unspecified digit 'X' at position {at}; \
                         only the last one or two year digits may be X (198X, 19XX)"
                    )));
                }
                Some('X') => {
                    unspecified += 1;
                    year *= 10;
                }
                Some(c) if found == 0 || !matches!(c, '-' | '/' | '?' | '~' | '%' | '.') => {
                    return Err(self.syntax(format!(
                        "invalid year digit {} at position {at}",
                        show_char(c)
                    )));
                }
                _ => return Err(self.syntax(format!("year must have four digits, found {found}"))),
            }
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| c.is_ascii_digit() || c == 'X') {
            return Err(self.syntax(format!(
                "year has more than four digits at position {}; years beyond 9999 are not supported",
                self.at()
            )));
        }
        let mut date = EdtfDate {
            year,
            unspecified_year_digits: unspecified,
            month: None,
            day: None,
            uncertain: false,
            approximate: false,
        };
        if self.peek() == Some('-') {
            if unspecified > 0 {
                return Err(self.syntax(format!(
                    "a month cannot follow unspecified year digits ('-' at position {}); \
                     X may only replace the last digits, as in 19XX",
                    self.at()
                )));
            }
            self.pos += 1;
            let month = self.part("month")?;
            if let Part::Known(m) = month
                && !(1..=12).contains(&m)
            {
                let seasons = if (21..=24).contains(&m) {
                    " (seasons 21–24 are not supported)"
                } else {
                    ""
                };
                return Err(self.fail(format!(
                    "month {m:02} does not exist; expected 01–12{seasons}"
                )));
            }
            date.month = Some(month);
            if self.peek() == Some('-') {
                self.pos += 1;
                let day = self.part("day")?;
                match (month, day) {
                    (Part::Unspecified, Part::Known(_)) => {
                        return Err(self.fail(
                            "day given with an unspecified month (XX); \
                             write 1988-XX-XX or give the month",
                        ));
                    }
                    (Part::Known(m), Part::Known(d)) => {
                        let last = days_in_month(year, m);
                        if !(1..=last).contains(&d) {
                            return Err(self.fail(format!(
                                "day {d:02} is not in {year:04}-{m:02}, which has {last} days"
                            )));
                        }
                    }
                    _ => {}
                }
                date.day = Some(day);
            }
        }
        match self.peek() {
            Some('?') => date.uncertain = true,
            Some('~') => date.approximate = true,
            Some('%') => (date.uncertain, date.approximate) = (true, true),
            _ => return Ok(date),
        }
        self.pos += 1;
        if let Some(c @ ('?' | '~' | '%')) = self.peek() {
            return Err(self.fail(format!(
                "second qualifier '{c}' at position {}; use % alone for uncertain and approximate",
                self.at()
            )));
        }
        Ok(date)
    }

    /// A two-character month or day: digits or `XX`.
    fn part(&mut self, what: &str) -> Result<Part, DateError> {
        let at = self.at();
        let Some(a) = self.peek() else {
            return Err(self.syntax(format!("missing {what} after '-'")));
        };
        if !a.is_ascii_digit() && a != 'X' {
            return Err(self.syntax(format!(
                "invalid {what} digit {} at position {at}",
                show_char(a)
            )));
        }
        let b = match self.peek_at(1) {
            Some(b) if b.is_ascii_digit() || b == 'X' => b,
            _ => return Err(self.syntax(format!("{what} must have two digits (position {at})"))),
        };
        let part = match (a, b) {
            ('X', 'X') => Part::Unspecified,
            _ if a.is_ascii_digit() && b.is_ascii_digit() => {
                Part::Known((a as u8 - b'0') * 10 + (b as u8 - b'0'))
            }
            _ => {
                return Err(self.syntax(format!(
                    "{what} must be two digits or XX, found `{a}{b}` at position {at}"
                )));
            }
        };
        self.pos += 2;
        Ok(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u8, day: u8) -> Day {
        Day::new(year, month, day).unwrap()
    }

    fn parse(s: &str) -> Edtf {
        Edtf::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refuse(s: &str) -> String {
        match Edtf::parse(s) {
            Ok(e) => panic!("{s:?} was accepted as {e:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// Every accepted form, with the days it covers and its flags.
    #[test]
    fn accepted_forms() {
        /// Text, earliest, latest, approximate, uncertain.
        type Case = (&'static str, Option<Day>, Option<Day>, bool, bool);
        let cases: &[Case] = &[
            (
                "1988",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                false,
                false,
            ),
            (
                "0000",
                Some(day(0, 1, 1)),
                Some(day(0, 12, 31)),
                false,
                false,
            ),
            (
                "9999",
                Some(day(9999, 1, 1)),
                Some(day(9999, 12, 31)),
                false,
                false,
            ),
            (
                "1988-07",
                Some(day(1988, 7, 1)),
                Some(day(1988, 7, 31)),
                false,
                false,
            ),
            (
                "1988-02",
                Some(day(1988, 2, 1)),
                Some(day(1988, 2, 29)),
                false,
                false,
            ),
            (
                "1900-02",
                Some(day(1900, 2, 1)),
                Some(day(1900, 2, 28)),
                false,
                false,
            ),
            (
                "1988-07-19",
                Some(day(1988, 7, 19)),
                Some(day(1988, 7, 19)),
                false,
                false,
            ),
            (
                "2000-02-29",
                Some(day(2000, 2, 29)),
                Some(day(2000, 2, 29)),
                false,
                false,
            ),
            (
                "1988~",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                true,
                false,
            ),
            (
                "1988?",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                false,
                true,
            ),
            (
                "1988%",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                true,
                true,
            ),
            (
                "1988-07?",
                Some(day(1988, 7, 1)),
                Some(day(1988, 7, 31)),
                false,
                true,
            ),
            (
                "1988-07-19~",
                Some(day(1988, 7, 19)),
                Some(day(1988, 7, 19)),
                true,
                false,
            ),
            (
                "198X",
                Some(day(1980, 1, 1)),
                Some(day(1989, 12, 31)),
                false,
                false,
            ),
            (
                "19XX",
                Some(day(1900, 1, 1)),
                Some(day(1999, 12, 31)),
                false,
                false,
            ),
            (
                "198X~",
                Some(day(1980, 1, 1)),
                Some(day(1989, 12, 31)),
                true,
                false,
            ),
            (
                "1988-XX",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                false,
                false,
            ),
            (
                "1988-07-XX",
                Some(day(1988, 7, 1)),
                Some(day(1988, 7, 31)),
                false,
                false,
            ),
            (
                "1988-XX-XX",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                false,
                false,
            ),
            (
                "1988-02-XX?",
                Some(day(1988, 2, 1)),
                Some(day(1988, 2, 29)),
                false,
                true,
            ),
            (
                "1988-07/1988-09",
                Some(day(1988, 7, 1)),
                Some(day(1988, 9, 30)),
                false,
                false,
            ),
            (
                "1988/1988",
                Some(day(1988, 1, 1)),
                Some(day(1988, 12, 31)),
                false,
                false,
            ),
            (
                "1988-12/1988",
                Some(day(1988, 12, 1)),
                Some(day(1988, 12, 31)),
                false,
                false,
            ),
            (
                "1984?/2004~",
                Some(day(1984, 1, 1)),
                Some(day(2004, 12, 31)),
                true,
                true,
            ),
            ("../1988", None, Some(day(1988, 12, 31)), false, false),
            ("1988/..", Some(day(1988, 1, 1)), None, false, false),
            ("/1988-07", None, Some(day(1988, 7, 31)), false, false),
            ("1988-07-19/", Some(day(1988, 7, 19)), None, false, false),
            ("../198X", None, Some(day(1989, 12, 31)), false, false),
        ];
        for &(text, earliest, latest, approximate, uncertain) in cases {
            let e = parse(text);
            assert_eq!(e.to_string(), text);
            assert_eq!(e.earliest(), earliest, "{text}");
            assert_eq!(e.latest(), latest, "{text}");
            assert_eq!(e.is_approximate(), approximate, "{text}");
            assert_eq!(e.is_uncertain(), uncertain, "{text}");
            assert_eq!(text.parse::<Edtf>(), Ok(e));
        }
    }

    #[test]
    fn structure_and_precision() {
        let Edtf::Interval { start, end } = parse("../1988-07") else {
            panic!("not an interval")
        };
        assert_eq!(start, IntervalEnd::Open);
        assert_eq!(end.date().map(|d| d.precision()), Some(Precision::Month));
        assert_eq!(
            parse("/1988"),
            Edtf::Interval {
                start: IntervalEnd::Unknown,
                end: parse_end("1988"),
            }
        );
        let precision = |s: &str| match parse(s) {
            Edtf::Date(d) => d.precision(),
            other => panic!("{other}"),
        };
        assert_eq!(precision("198X"), Precision::Year);
        assert_eq!(precision("1988-XX"), Precision::Month);
        assert_eq!(precision("1988-07-XX"), Precision::Day);
        assert_eq!(
            Edtf::from(EdtfDate::from_day(day(1988, 7, 19)).unwrap()),
            parse("1988-07-19")
        );
    }

    fn parse_end(s: &str) -> IntervalEnd {
        match parse(s) {
            Edtf::Date(d) => IntervalEnd::Date(d),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn refusals_name_the_text_and_the_problem() {
        let cases = [
            (
                "19x5",
                "`19x5`: invalid year digit 'x' at position 3; expected an EDTF date such as 1988, 1988-07, 1988-07-19, 1988~ or 1988-07/1988-09",
            ),
            ("", "empty date; expected an EDTF date such as"),
            (
                "1988-7",
                "`1988-7`: month must have two digits (position 6)",
            ),
            (
                "1988-07-1",
                "`1988-07-1`: day must have two digits (position 9)",
            ),
            ("1988-7-19", "`1988-7-19`: month must have two digits"),
            ("198", "`198`: year must have four digits, found 3"),
            ("88-07", "`88-07`: year must have four digits, found 2"),
            (
                "19885",
                "`19885`: year has more than four digits at position 5",
            ),
            (
                "1988-13",
                "`1988-13`: month 13 does not exist; expected 01–12",
            ),
            ("1988-00", "`1988-00`: month 00 does not exist"),
            ("1988-21", "seasons 21–24 are not supported"),
            (
                "1988-04-31",
                "`1988-04-31`: day 31 is not in 1988-04, which has 30 days",
            ),
            ("1988-07-32", "day 32 is not in 1988-07"),
            ("1988-07-00", "day 00 is not in 1988-07"),
            (
                "1900-02-29",
                "`1900-02-29`: day 29 is not in 1900-02, which has 28 days",
            ),
            (
                "1990/1988",
                "`1990/1988`: the interval starts (1990) after it ends (1988)",
            ),
            (
                "1988-09/1988-07",
                "starts (1988-09) after it ends (1988-07)",
            ),
            ("1988 ", "`1988 `: unexpected ' ' at position 5"),
            (" 1988", "` 1988`: invalid year digit ' ' at position 1"),
            ("1988x", "`1988x`: unexpected 'x' at position 5"),
            (
                "1988-07-19T10:00",
                "times are not supported, a date is a calendar day ('T' at position 11)",
            ),
            (
                "1X88",
                "`1X88`: digit '8' at position 3 follows an unspecified digit 'X'",
            ),
            ("1XXX", "a third unspecified digit 'X' at position 4"),
            ("XXXX", "a third unspecified digit 'X' at position 3"),
            ("19xx", "invalid year digit 'x' at position 3"),
            (
                "19XX-07",
                "a month cannot follow unspecified year digits ('-' at position 5)",
            ),
            ("198X-XX", "a month cannot follow unspecified year digits"),
            (
                "1988-XX-05",
                "`1988-XX-05`: day given with an unspecified month (XX)",
            ),
            (
                "1988-1X",
                "month must be two digits or XX, found `1X` at position 6",
            ),
            ("1988-07-X1", "day must be two digits or XX, found `X1`"),
            ("1988-", "`1988-`: missing month after '-'"),
            ("1988-07-", "missing day after '-'"),
            ("1988-ab", "invalid month digit 'a' at position 6"),
            ("1988?~", "second qualifier '~' at position 6; use % alone"),
            ("~1988", "invalid year digit '~' at position 1"),
            ("-1988", "negative years are not supported"),
            ("Y17000", "'Y' prefix"),
            ("1988/1989/1990", "a second '/' at position 10"),
            ("..", "`..` is only an open end of an interval"),
            (
                "../..",
                "`../..`: an interval needs a date at one end at least",
            ),
            ("/", "`/`: an interval needs a date at one end at least"),
            ("../", "an interval needs a date at one end at least"),
            ("...", "unexpected '.' at position 3"),
            ("1988/...", "unexpected '.' at position 8"),
            ("1988\n", "`1988\\n`: unexpected '\\n' at position 5"),
            ("۱۹۸۸", "invalid year digit '۱' at position 1"),
            ("1988/19x9", "invalid year digit 'x' at position 8"),
        ];
        for (text, expected) in cases {
            let message = refuse(text);
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(!message.contains('\n'), "{text:?}: {message}");
        }
    }

    #[test]
    fn overlaps_contains_and_spans() {
        let (a, b, c) = (
            parse("1988-07/1988-09"),
            parse("1988-09-30"),
            parse("1988-10"),
        );
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c) && !c.overlaps(&a));
        assert!(parse("../1988").overlaps(&parse("1900")));
        assert!(!parse("../1988").overlaps(&parse("1989")));
        assert!(parse("1988/..").overlaps(&parse("/1989")));
        assert!(a.contains(day(1988, 7, 1)) && a.contains(day(1988, 9, 30)));
        assert!(!a.contains(day(1988, 6, 30)) && !a.contains(day(1988, 10, 1)));
        assert!(parse("1988/..").contains(day(9999, 12, 31)));
        assert_eq!(a.year_span(), Some((1988, 1988)));
        assert_eq!(parse("198X/2001-03").year_span(), Some((1980, 2001)));
        assert_eq!(parse("1988/..").year_span(), None);
        assert_eq!(parse("/1988").year_span(), None);
    }

    #[test]
    fn timeline_order() {
        let mut values: Vec<Edtf> = [
            "1988/..", "1988-07", "1988", "../1990", "1987", "1988~", "/1988",
        ]
        .iter()
        .map(|s| parse(s))
        .collect();
        values.sort();
        let texts: Vec<String> = values.iter().map(Edtf::to_string).collect();
        assert_eq!(
            texts,
            [
                "/1988", "../1990", "1987", "1988", "1988~", "1988/..", "1988-07"
            ]
        );
    }

    #[test]
    fn serde_as_string() {
        let e = parse("1988-07/1988-09");
        assert_eq!(serde_json::to_string(&e).unwrap(), r#""1988-07/1988-09""#);
        assert_eq!(
            serde_json::from_str::<Edtf>(r#""1988~""#).unwrap(),
            parse("1988~")
        );
        let err = serde_json::from_str::<Edtf>(r#""1988-13""#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("month 13 does not exist"), "{err}");
        assert!(serde_json::from_str::<Edtf>("1988").is_err());
    }
}
