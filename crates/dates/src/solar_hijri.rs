//! Solar Hijri (Jalali) input, converted to the Gregorian days it covers.
//!
//! The calendar arithmetic is icu_calendar's (`Persian`, whose leap years follow the
//! astronomical rule used in Iran), never our own.

use std::ops::RangeInclusive;

use icu_calendar::cal::Persian;
use icu_calendar::{Date, Iso};

use crate::{DateError, Day, Edtf, EdtfDate, IntervalEnd};

/// Solar Hijri years accepted (1821–2122 CE). Every date the archive records falls inside; a year
/// outside is almost surely a typo or a Gregorian year given a Solar Hijri marker.
const YEARS: RangeInclusive<i32> = 1200..=1500;

/// Month names used in messages.
const MONTHS: [&str; 12] = [
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
];

/// Accepted spellings of each month, as they read after [`normalize`] (so `دي`, `آذر` and
/// `اردی‌بهشت` are covered by `دی`, `اذر` and `اردیبهشت`).
const MONTH_SPELLINGS: [&[&str]; 12] = [
    &["فروردین", "farvardin"],
    &["اردیبهشت", "ordibehesht"],
    &["خرداد", "khordad"],
    &["تیر", "tir"],
    &["مرداد", "امرداد", "mordad", "amordad"],
    &["شهریور", "shahrivar"],
    &["مهر", "mehr"],
    &["ابان", "aban"],
    &["اذر", "azar"],
    &["دی", "dey", "dei"],
    &["بهمن", "bahman"],
    &["اسفند", "esfand", "espand"],
];

/// Persian markers of a Solar Hijri date, as they read after [`normalize`] (tatweel removed, so
/// `هـ.ش` is `ه.ش`); longest first so that a shorter one does not eat part of a longer one.
const PERSIAN_MARKERS: [&str; 5] = ["هجری شمسی", "ه. ش.", "ه.ش.", "ه. ش", "ه.ش"];

/// The Latin marker, as a word of its own: `1367 SH`, `SH 1367-05`.
const LATIN_MARKER: &str = "sh";

/// The forms understood, for messages.
const FORMS: &str = "expected a Solar Hijri date such as مرداد ۱۳۶۷, ۱۵ مرداد ۱۳۶۷, \
                     Mordad 1367, ۱۳۶۷/۰۵/۱۵, 1367-05-15 SH or ۱۳۶۷ ه.ش";

/// Whether `text` is meant as a Solar Hijri date: it has Persian or Arabic script or digits, the
/// word `SH`, or a Latin month name. Anything else is read as EDTF.
pub(crate) fn looks_like(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        || text.split_whitespace().any(|word| {
            let word = word.to_ascii_lowercase();
            word == LATIN_MARKER || month_number(&word).is_some()
        })
}

/// Parses a Solar Hijri day, month or year into the Gregorian day or day interval it covers.
///
/// Forms: `[day] month-name year` (month names in Persian, with Arabic yeh/kaf and other common
/// variants, or Latin, any case); `year[-month[-day]]` or with `/` when marked by `SH`, `ه.ش`,
/// `هـ.ش` or `هجری شمسی` (before or after), or when written in Persian (۰-۹) or Arabic-Indic
/// (٠-٩) digits: with those digits a date is read as Solar Hijri (years 1200–1500) even without
/// a marker, as that is how such dates are written in practice.
pub(crate) fn parse(text: &str) -> Result<Edtf, DateError> {
    let fail = |reason: String| DateError::new(text, reason);
    let (mut rest, native_digits) = normalize(text);
    let mut marked = false;
    for marker in PERSIAN_MARKERS {
        if rest.contains(marker) {
            rest = rest.replace(marker, " ");
            marked = true;
        }
    }
    let mut words = Vec::new();
    for word in rest.split_whitespace() {
        if word == LATIN_MARKER {
            marked = true;
        } else {
            words.push(word);
        }
    }
    let (year, month, day) = match words.as_slice() {
        [name] if month_number(name).is_some() => {
            return Err(fail(format!(
                "the year is missing after the month; {FORMS}"
            )));
        }
        [numeric] => {
            if !marked && !native_digits {
                return Err(fail(format!(
                    "a numeric Solar Hijri date needs a marker; {FORMS}"
                )));
            }
            numeric_date(numeric).map_err(fail)?
        }
        [name, year] => {
            let month = month_name(name).map_err(fail)?;
            (year_number(year).map_err(fail)?, Some(month), None)
        }
        [day, name, year] => {
            let month = month_name(name).map_err(fail)?;
            let day = number(day, "day").map_err(fail)?;
            (year_number(year).map_err(fail)?, Some(month), Some(day))
        }
        _ => {
            return Err(fail(format!(
                "not a date in a form this archive reads; {FORMS}"
            )));
        }
    };
    if !YEARS.contains(&year) {
        return Err(fail(format!(
            "Solar Hijri year {year} is outside 1200–1500 (1821–2122 CE); \
             write a Gregorian date as EDTF in Latin digits, e.g. 1988"
        )));
    }
    let month_range = |month: u8| -> Result<(Date<Persian>, Date<Persian>), DateError> {
        let first = persian(text, year, month, 1)?;
        let last = persian(text, year, month, first.days_in_month())?;
        Ok((first, last))
    };
    let (first, last) = match (month, day) {
        (None, _) => (month_range(1)?.0, month_range(12)?.1),
        (Some(month), None) => {
            check_month(month).map_err(fail)?;
            month_range(month)?
        }
        (Some(month), Some(day)) => {
            check_month(month).map_err(fail)?;
            let length = month_range(month)?.1.day_of_month().0;
            if !(1..=length).contains(&day) {
                let name = MONTHS[usize::from(month - 1)];
                let leap = if month == 12 && day == 30 {
                    format!(" ({year} is not a leap year)")
                } else {
                    String::new()
                };
                return Err(fail(format!(
                    "day {day} is not in {name} {year}, which has {length} days{leap}"
                )));
            }
            return Ok(Edtf::Date(EdtfDate::from_day(gregorian(&persian(
                text, year, month, day,
            )?))?));
        }
    };
    let end = |date: &Date<Persian>| EdtfDate::from_day(gregorian(date)).map(IntervalEnd::Date);
    Edtf::interval(end(&first)?, end(&last)?)
}

/// Folds the spellings people use onto one: Persian and Arabic-Indic digits to ASCII, Arabic
/// yeh/kaf to Persian, alef with madda or hamza to plain alef, Latin to lower case; drops
/// zero-width and direction marks and tatweel; reads commas as spaces. Also says whether any
/// Persian or Arabic-Indic digit was seen.
fn normalize(text: &str) -> (String, bool) {
    let mut native_digits = false;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '۰'..='۹' | '٠'..='٩' => {
                native_digits = true;
                let zero = if c >= '۰' { '۰' } else { '٠' };
                char::from(b'0' + (u32::from(c) - u32::from(zero)) as u8)
            }
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            'آ' | 'أ' | 'إ' => 'ا',
            '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | 'ـ' => continue,
            '،' | ',' => ' ',
            c => c.to_ascii_lowercase(),
        };
        out.push(c);
    }
    (out, native_digits)
}

/// `1367`, `1367-05`, `1367/05/15` (already normalized).
fn numeric_date(word: &str) -> Result<(i32, Option<u8>, Option<u8>), String> {
    if word.contains('-') && word.contains('/') {
        return Err(format!("`{word}` mixes '-' and '/'; {FORMS}"));
    }
    let parts: Vec<&str> = word.split(['-', '/']).collect();
    match parts.as_slice() {
        [year] => Ok((year_number(year)?, None, None)),
        [year, month] => Ok((year_number(year)?, Some(number(month, "month")?), None)),
        [year, month, day] => Ok((
            year_number(year)?,
            Some(number(month, "month")?),
            Some(number(day, "day")?),
        )),
        _ => Err(format!("`{word}` has too many parts; {FORMS}")),
    }
}

/// A four-digit year, first in numeric dates (`1367/05/15`, never `15/05/1367`).
fn year_number(word: &str) -> Result<i32, String> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Solar Hijri year `{word}` must have four digits and come first in numeric dates; {FORMS}"
        ));
    }
    word.parse()
        .map_err(|_| format!("Solar Hijri year `{word}` is not a number"))
}

/// A month or day number of one or two digits.
fn number(word: &str, what: &str) -> Result<u8, String> {
    if word.is_empty() || word.len() > 2 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Solar Hijri {what} `{word}` must be a number of one or two digits; {FORMS}"
        ));
    }
    word.parse()
        .map_err(|_| format!("Solar Hijri {what} `{word}` is not a number"))
}

fn month_name(word: &str) -> Result<u8, String> {
    month_number(word).ok_or_else(|| {
        format!("unknown Solar Hijri month `{word}`; expected a month name such as مرداد or Mordad, then the year")
    })
}

/// 1–12 for an accepted month spelling (normalized).
fn month_number(word: &str) -> Option<u8> {
    (1..=12)
        .zip(MONTH_SPELLINGS)
        .find_map(|(number, spellings)| spellings.contains(&word).then_some(number))
}

fn check_month(month: u8) -> Result<(), String> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(format!(
            "Solar Hijri month {month} does not exist; expected 1–12"
        ))
    }
}

fn persian(text: &str, year: i32, month: u8, day: u8) -> Result<Date<Persian>, DateError> {
    Date::try_new_persian(year, month, day)
        .map_err(|e| DateError::new(text, format!("not a Solar Hijri date: {e}")))
}

fn gregorian(date: &Date<Persian>) -> Day {
    let iso = date.to_calendar(Iso);
    Day {
        year: iso.year().extended_year(),
        month: iso.month().ordinal,
        day: iso.day_of_month().0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_date;

    fn edtf(text: &str) -> String {
        parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .to_string()
    }

    fn refuse(text: &str) -> String {
        match parse(text) {
            Ok(e) => panic!("{text:?} was accepted as {e}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn month_year_and_day_examples() {
        assert_eq!(edtf("مرداد ۱۳۶۷"), "1988-07-23/1988-08-22");
        assert_eq!(edtf("۱۳۶۷ ه.ش"), "1988-03-21/1989-03-20");
        assert_eq!(edtf("۱۵ مرداد ۱۳۶۷"), "1988-08-06");
    }

    /// Known conversions. Each was checked against a second source of truth: the date of Nowruz
    /// (the vernal equinox before or after noon in Tehran) and the fixed month lengths
    /// (6 × 31, 5 × 30, Esfand 29/30), or a historical event known in both calendars.
    #[test]
    fn known_conversions() {
        let table = [
            ("1 Farvardin 1403", "2024-03-20"),  // Nowruz 2024
            ("1 Farvardin 1367", "1988-03-21"),  // Nowruz 1988
            ("30 Esfand 1403", "2025-03-20"),    // 1403 is leap; Nowruz 1404 is 2025-03-21
            ("1 Farvardin 1404", "2025-03-21"),  // Nowruz 2025
            ("29 Esfand 1402", "2024-03-19"),    // eve of Nowruz 1403
            ("1 Farvardin 1402", "2023-03-21"),  // Nowruz 2023
            ("1 Farvardin 1399", "2020-03-20"),  // Nowruz 2020
            ("30 Esfand 1399", "2021-03-20"),    // 1399 is leap; Nowruz 1400 is 2021-03-21
            ("22 Bahman 1357", "1979-02-11"),    // revolution
            ("12 Farvardin 1358", "1979-04-01"), // Islamic Republic referendum day
            ("13 Aban 1358", "1979-11-04"),      // US embassy seized
            ("31 Shahrivar 1359", "1980-09-22"), // Iran–Iraq war begins
            ("27 Tir 1367", "1988-07-18"),       // Iran accepts resolution 598
            ("1 Mehr 1367", "1988-09-23"),       // day 187 of a year that began 1988-03-21
            ("1 Dey 1367", "1988-12-22"),        // day 277
            ("14 Khordad 1368", "1989-06-04"),   // Khomeini's death, as commemorated
            ("1 Farvardin 1304", "1925-03-21"),  // the calendar's adoption year
        ];
        for (sh, gregorian) in table {
            assert_eq!(edtf(sh), gregorian, "{sh}");
        }
    }

    #[test]
    fn accepted_forms() {
        let mordad = "1988-07-23/1988-08-22";
        let day = "1988-08-06";
        let year = "1988-03-21/1989-03-20";
        let cases = [
            ("مرداد ۱۳۶۷", mordad),
            ("مرداد 1367", mordad),
            ("امرداد ۱۳۶۷", mordad),
            ("Mordad 1367", mordad),
            ("MORDAD 1367 SH", mordad),
            ("مرداد ۱۳۶۷ ه.ش", mordad),
            ("مرداد ١٣٦٧", mordad),
            ("1367-05 SH", mordad),
            ("SH 1367-05", mordad),
            ("1367/5 sh", mordad),
            ("۱۳۶۷/۰۵", mordad),
            ("۱۵ مرداد ۱۳۶۷", day),
            ("15 Mordad 1367", day),
            ("۱۵ مرداد، ۱۳۶۷", day),
            ("1367-05-15 SH", day),
            ("1367/05/15 SH", day),
            ("1367/5/15 SH", day),
            ("۱۳۶۷/۰۵/۱۵", day),
            ("١٣٦٧/٠٥/١٥", day),
            ("۱۳۶۷-۰۵-۱۵", day),
            ("۱۳۶۷/۰۵/۱۵ ه.ش", day),
            ("۱۳۶۷/۰۵/۱۵ هـ.ش", day),
            ("هـ.ش ۱۳۶۷/۰۵/۱۵", day),
            ("۱۳۶۷/۰۵/۱۵ هجری شمسی", day),
            ("۱۳۶۷ ه.ش", year),
            ("۱۳۶۷ هـ.ش", year),
            ("۱۳۶۷ه.ش", year),
            ("1367 SH", year),
            ("۱۳۶۷", year),
        ];
        for (text, expected) in cases {
            assert_eq!(edtf(text), expected, "{text}");
        }
    }

    #[test]
    fn month_spellings() {
        let names = [
            ["فروردین", "Farvardin"],
            ["اردیبهشت", "Ordibehesht"],
            ["خرداد", "Khordad"],
            ["تیر", "Tir"],
            ["مرداد", "Mordad"],
            ["شهریور", "Shahrivar"],
            ["مهر", "Mehr"],
            ["آبان", "Aban"],
            ["آذر", "Azar"],
            ["دی", "Dey"],
            ["بهمن", "Bahman"],
            ["اسفند", "Esfand"],
        ];
        for (i, [persian, latin]) in names.into_iter().enumerate() {
            let numeric = edtf(&format!("1367-{:02} SH", i + 1));
            assert_eq!(edtf(&format!("{persian} ۱۳۶۷")), numeric, "{persian}");
            assert_eq!(
                edtf(&format!("{} 1367", latin.to_lowercase())),
                numeric,
                "{latin}"
            );
        }
        for [a, b] in [
            ["دي ۱۳۶۷", "دی ۱۳۶۷"],
            ["اذر ۱۳۶۷", "آذر ۱۳۶۷"],
            ["ابان ۱۳۶۷", "آبان ۱۳۶۷"],
            ["اردی\u{200C}بهشت ۱۳۶۷", "اردیبهشت ۱۳۶۷"],
            ["فروردين ۱۳۶۷", "فروردین ۱۳۶۷"],
            ["شهريور ۱۳۶۷", "شهریور ۱۳۶۷"],
            ["Dei 1367", "Dey 1367"],
        ] {
            assert_eq!(edtf(a), edtf(b), "{a}");
        }
    }

    #[test]
    fn refusals() {
        let cases = [
            (
                "1367-13 SH",
                "`1367-13 SH`: Solar Hijri month 13 does not exist; expected 1–12",
            ),
            ("1367-00 SH", "Solar Hijri month 0 does not exist"),
            (
                "1367-05-32 SH",
                "`1367-05-32 SH`: day 32 is not in Mordad 1367, which has 31 days",
            ),
            (
                "1367-07-31 SH",
                "day 31 is not in Mehr 1367, which has 30 days",
            ),
            ("1367-05-00 SH", "day 0 is not in Mordad 1367"),
            (
                "30 Esfand 1402",
                "day 30 is not in Esfand 1402, which has 29 days (1402 is not a leap year)",
            ),
            ("۳۰ اسفند ۱۴۰۲", "day 30 is not in Esfand 1402"),
            ("1988 SH", "Solar Hijri year 1988 is outside 1200–1500"),
            ("۱۹۸۸/۰۷/۱۹", "Solar Hijri year 1988 is outside 1200–1500"),
            ("مرداد ۶۷", "Solar Hijri year `67` must have four digits"),
            (
                "۱۵/۰۵/۱۳۶۷",
                "Solar Hijri year `15` must have four digits and come first",
            ),
            ("مردا ۱۳۶۷", "unknown Solar Hijri month `مردا`"),
            ("۱۳۶۷ مرداد", "unknown Solar Hijri month `1367`"),
            ("مرداد", "`مرداد`: the year is missing after the month"),
            ("1367-05/15 SH", "mixes '-' and '/'"),
            ("1367-05-15-01 SH", "has too many parts"),
            (
                "1367-005 SH",
                "Solar Hijri month `005` must be a number of one or two digits",
            ),
            ("۱۱۵ مرداد ۱۳۶۷", "Solar Hijri day `115` must be a number"),
            ("SH", "not a date in a form this archive reads"),
            (
                "مرداد ۱۳۶۷ ۱۳۶۸ ۱",
                "not a date in a form this archive reads",
            ),
        ];
        for (text, expected) in cases {
            let message = refuse(text);
            assert!(message.contains(expected), "{text}: {message}");
            assert!(message.contains(&format!("`{text}`")), "{text}: {message}");
        }
    }

    #[test]
    fn detection() {
        for text in ["مرداد ۱۳۶۷", "1367 SH", "sh 1367", "Mordad 1367", "۱۳۶۷"] {
            assert!(looks_like(text), "{text}");
        }
        for text in ["1988", "1988-07/1988-09", "1988~", "", "Shah 1367"] {
            assert!(!looks_like(text), "{text}");
        }
        assert!(parse_date("Shah 1367").is_err());
    }
}
