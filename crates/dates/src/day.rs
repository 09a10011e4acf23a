//! Calendar days in the proleptic Gregorian calendar.

use std::fmt;

use crate::DateError;

/// A calendar day in the proleptic Gregorian calendar. Ord by (year, month, day).
///
/// A day is never a timestamp: nothing in this crate looks at a clock or a time zone, so a day
/// cannot shift. The fields are public for convenience; [`Day::new`] checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Year, 0000–9999 (astronomical numbering, as EDTF writes it).
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

/// The years EDTF level 0 can write with four digits.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

impl Day {
    /// A checked day: year 0000–9999, month 1–12, day within the month (leap years included).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Day, DateError> {
        let text = format!("{year:04}-{month:02}-{day:02}");
        if !YEARS.contains(&year) {
            return Err(DateError::new(&text, "year must be 0000–9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::new(
                &text,
                format!("month {month} does not exist; expected 01–12"),
            ));
        }
        let last = days_in_month(year, month);
        if !(1..=last).contains(&day) {
            return Err(DateError::new(
                &text,
                format!("day {day} is not in {year:04}-{month:02}, which has {last} days"),
            ));
        }
        Ok(Day { year, month, day })
    }
}

/// ISO 8601 form, `1988-07-19`.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Gregorian leap-year rule (1900 is not a leap year, 2000 is).
pub(crate) fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in a Gregorian month; `month` must be 1–12.
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icu_calendar::Date;

    #[test]
    fn days_in_month_agrees_with_icu() {
        for year in (0..=2400).chain([9999]) {
            for month in 1..=12 {
                let icu = Date::try_new_iso(year, month, 1).unwrap().days_in_month();
                assert_eq!(days_in_month(year, month), icu, "{year}-{month}");
            }
        }
    }

    #[test]
    fn new_checks_fields() {
        assert_eq!(
            Day::new(2000, 2, 29),
            Ok(Day {
                year: 2000,
                month: 2,
                day: 29
            })
        );
        let err = Day::new(1900, 2, 29).unwrap_err().to_string();
        assert_eq!(
            err,
            "`1900-02-29`: day 29 is not in 1900-02, which has 28 days"
        );
        assert!(Day::new(1988, 13, 1).is_err());
        assert!(Day::new(1988, 4, 31).is_err());
        assert!(Day::new(1988, 4, 0).is_err());
        assert!(Day::new(10000, 1, 1).is_err());
        assert!(Day::new(-1, 1, 1).is_err());
    }

    #[test]
    fn orders_by_year_month_day() {
        let a = Day::new(1988, 7, 31).unwrap();
        let b = Day::new(1988, 8, 1).unwrap();
        let c = Day::new(1989, 1, 1).unwrap();
        assert!(a < b && b < c);
        assert_eq!(b.to_string(), "1988-08-01");
    }
}
