//! Uncertain dates for rightsdoc: EDTF (ISO 8601-2) level 0 and the level-1 features the archive
//! needs (qualifiers `?` `~` `%`, unspecified digits `X`, open and unknown interval ends), and
//! Solar Hijri (Jalali) input converted to the Gregorian days it covers.
//!
//! Dates are calendar days, never timestamps: nothing here reads a clock or a time zone, so no
//! setting can shift a date by a day. Filters and timelines treat every value as the interval of
//! days it may mean ([`Edtf::earliest`], [`Edtf::latest`]), never as a made-up single day.
//!
//! ```
//! use rightsdoc_dates::{Calendar, Day, Edtf, parse_date};
//!
//! let summer: Edtf = "1988-07/1988-09".parse()?;
//! let mordad = parse_date("مرداد ۱۳۶۷")?;
//! assert_eq!(mordad.edtf.to_string(), "1988-07-23/1988-08-22");
//! assert_eq!(mordad.calendar, Calendar::SolarHijri);
//! assert!(summer.overlaps(&mordad.edtf));
//! assert!(summer.contains(Day::new(1988, 8, 6)?));
//! # Ok::<(), rightsdoc_dates::DateError>(())
//! ```

mod day;
mod edtf;
mod error;
mod solar_hijri;
mod value;

pub use day::Day;
pub use edtf::{Edtf, EdtfDate, IntervalEnd, Precision};
pub use error::DateError;
pub use value::{Calendar, DateValue, parse_date};
