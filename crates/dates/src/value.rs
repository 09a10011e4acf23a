//! What a record's date field holds, and how user input becomes one.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{DateError, Edtf, solar_hijri};

/// The calendar the user wrote a date in; the stored [`Edtf`] is always Gregorian.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Calendar {
    /// EDTF as written.
    #[default]
    Gregorian,
    /// Solar Hijri (Jalali), the official calendar of Iran.
    SolarHijri,
}

/// What a record's date field holds: a normalized EDTF value plus, when the user wrote it in
/// another calendar or notation, the original text and its calendar, so that nothing the user
/// wrote is lost and the conversion can be checked later.
///
/// Serializes to a plain EDTF string when Gregorian without original, otherwise to
/// `{"edtf": "1988-07-23/1988-08-22", "original": "مرداد ۱۳۶۷", "calendar": "solar-hijri"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateValue {
    /// The Gregorian days meant.
    pub edtf: Edtf,
    /// The user's text when it was not plain EDTF.
    pub original: Option<String>,
    /// The calendar of `original`.
    pub calendar: Calendar,
}

/// The name used in JSON: `gregorian`, `solar-hijri`.
impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Calendar::Gregorian => "gregorian",
            Calendar::SolarHijri => "solar-hijri",
        })
    }
}

impl From<Edtf> for DateValue {
    fn from(edtf: Edtf) -> Self {
        DateValue {
            edtf,
            original: None,
            calendar: Calendar::Gregorian,
        }
    }
}

/// Reads a date as users type it: EDTF (Gregorian), or a Solar Hijri date, which becomes the
/// Gregorian day or day interval it covers and keeps its text in `original`. Surrounding
/// whitespace is dropped, in `original` too.
///
/// Solar Hijri forms: `مرداد ۱۳۶۷`, `مرداد 1367`, `Mordad 1367`, `۱۵ مرداد ۱۳۶۷`, `۱۳۶۷ ه.ش`,
/// `1367 SH`, `1367-05 SH`, `1367-05-15 SH`, `SH 1367-05`, `1367/05/15 SH`, `۱۳۶۷/۰۵/۱۵`, with
/// Persian or Arabic-Indic digits, markers `SH`, `ه.ش`, `هـ.ش` or `هجری شمسی`. Numbers in
/// Persian or Arabic-Indic digits are always read as Solar Hijri (years 1200–1500), marker or
/// not; numbers in Latin digits need a marker or a month name.
pub fn parse_date(input: &str) -> Result<DateValue, DateError> {
    let text = input.trim();
    if text.is_empty() || !solar_hijri::looks_like(text) {
        return Edtf::parse(text).map(DateValue::from).map_err(|e| {
            // `1367/05/15` is how Iranian forms write Solar Hijri dates; say how to mark one.
            if text.matches('/').count() == 2 {
                e.with_note("a Solar Hijri date needs a marker: 1367/05/15 SH")
            } else {
                e
            }
        });
    }
    Ok(DateValue {
        edtf: solar_hijri::parse(text)?,
        original: Some(text.to_owned()),
        calendar: Calendar::SolarHijri,
    })
}

/// The object form of a [`DateValue`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DateObject {
    edtf: Option<String>,
    original: Option<String>,
    calendar: Option<Calendar>,
}

impl DateObject {
    /// `edtf` is recomputed from `original` when missing and must agree with it when present:
    /// a stored date never contradicts what the user wrote.
    fn into_value(self) -> Result<DateValue, DateError> {
        let Some(original) = self.original else {
            let Some(text) = self.edtf else {
                return Err(DateError::new(
                    "",
                    "a date object needs `edtf` or `original`",
                ));
            };
            return Ok(DateValue {
                edtf: Edtf::parse(&text)?,
                original: None,
                calendar: self.calendar.unwrap_or_default(),
            });
        };
        let read = parse_date(&original)?;
        if let Some(calendar) = self.calendar
            && calendar != read.calendar
        {
            return Err(DateError::new(
                &original,
                format!("is not a {calendar} date"),
            ));
        }
        if let Some(text) = self.edtf {
            let edtf = Edtf::parse(&text)?;
            if edtf != read.edtf {
                return Err(DateError::new(
                    &text,
                    format!(
                        "does not match the original `{original}`, which is {}",
                        read.edtf
                    ),
                ));
            }
        }
        Ok(DateValue {
            edtf: read.edtf,
            original: Some(original),
            calendar: read.calendar,
        })
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.calendar == Calendar::Gregorian && self.original.is_none() {
            return self.edtf.serialize(serializer);
        }
        let fields = if self.original.is_some() { 3 } else { 2 };
        let mut object = serializer.serialize_struct("DateValue", fields)?;
        object.serialize_field("edtf", &self.edtf)?;
        if let Some(original) = &self.original {
            object.serialize_field("original", original)?;
        }
        object.serialize_field("calendar", &self.calendar)?;
        object.end()
    }
}

/// From a string (read with [`parse_date`]) or from the object form.
impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DateValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an EDTF or Solar Hijri date string, or {\"edtf\", \"original\", \"calendar\"}",
                )
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateValue, E> {
                parse_date(text).map_err(E::custom)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<DateValue, A::Error> {
                let object =
                    DateObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                object.into_value().map_err(serde::de::Error::custom)
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: &DateValue) -> String {
        serde_json::to_string(value).unwrap()
    }

    fn from_json(text: &str) -> Result<DateValue, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn parse_date_reads_edtf_and_solar_hijri() {
        let value = parse_date(" 1988-07/1988-09\n").unwrap();
        assert_eq!(
            value,
            DateValue::from(Edtf::parse("1988-07/1988-09").unwrap())
        );
        let value = parse_date(" مرداد ۱۳۶۷ ").unwrap();
        assert_eq!(value.edtf.to_string(), "1988-07-23/1988-08-22");
        assert_eq!(value.original.as_deref(), Some("مرداد ۱۳۶۷"));
        assert_eq!(value.calendar, Calendar::SolarHijri);
        let err = parse_date("   ").unwrap_err().to_string();
        assert!(
            err.starts_with("empty date; expected an EDTF date"),
            "{err}"
        );
        let err = parse_date("1367/05/15").unwrap_err().to_string();
        assert!(
            err.ends_with("; a Solar Hijri date needs a marker: 1367/05/15 SH"),
            "{err}"
        );
        let err = parse_date("19x5").unwrap_err().to_string();
        assert!(
            err.starts_with("`19x5`: invalid year digit 'x' at position 3"),
            "{err}"
        );
    }

    #[test]
    fn serializes_plain_gregorian_as_string_else_as_object() {
        assert_eq!(json(&parse_date("1988~").unwrap()), r#""1988~""#);
        assert_eq!(
            json(&parse_date("مرداد ۱۳۶۷").unwrap()),
            r#"{"edtf":"1988-07-23/1988-08-22","original":"مرداد ۱۳۶۷","calendar":"solar-hijri"}"#
        );
        let bare = DateValue {
            calendar: Calendar::SolarHijri,
            ..DateValue::from(Edtf::parse("1988").unwrap())
        };
        assert_eq!(json(&bare), r#"{"edtf":"1988","calendar":"solar-hijri"}"#);
        for value in [
            parse_date("1988").unwrap(),
            parse_date("۱۵ مرداد ۱۳۶۷").unwrap(),
            bare,
        ] {
            assert_eq!(from_json(&json(&value)), Ok(value));
        }
    }

    #[test]
    fn deserializes_strings_and_objects() {
        let mordad = parse_date("مرداد ۱۳۶۷").unwrap();
        assert_eq!(from_json(r#""مرداد ۱۳۶۷""#), Ok(mordad.clone()));
        assert_eq!(
            from_json(r#"{"original": "مرداد ۱۳۶۷", "calendar": "solar-hijri"}"#),
            Ok(mordad.clone())
        );
        assert_eq!(
            from_json(r#"{"original": "مرداد ۱۳۶۷"}"#),
            Ok(mordad.clone())
        );
        assert_eq!(
            from_json(
                r#"{"edtf": "1988-07-23/1988-08-22", "original": "مرداد ۱۳۶۷", "calendar": "solar-hijri"}"#
            ),
            Ok(mordad)
        );
        assert_eq!(
            from_json(r#"{"edtf": "1988"}"#),
            Ok(parse_date("1988").unwrap())
        );
        assert_eq!(
            from_json(r#"{"edtf": "1988", "original": "1988", "calendar": "gregorian"}"#),
            Ok(DateValue {
                original: Some("1988".into()),
                ..parse_date("1988").unwrap()
            })
        );
    }

    #[test]
    fn refuses_contradictions_and_bad_objects() {
        let cases = [
            (
                r#"{"edtf": "1988-07", "original": "مرداد ۱۳۶۷", "calendar": "solar-hijri"}"#,
                "`1988-07`: does not match the original `مرداد ۱۳۶۷`, which is 1988-07-23/1988-08-22",
            ),
            (
                r#"{"original": "مرداد ۱۳۶۷", "calendar": "gregorian"}"#,
                "`مرداد ۱۳۶۷`: is not a gregorian date",
            ),
            (
                r#"{"original": "1988", "calendar": "solar-hijri"}"#,
                "`1988`: is not a solar-hijri date",
            ),
            (
                r#"{"calendar": "solar-hijri"}"#,
                "a date object needs `edtf` or `original`",
            ),
            (
                r#"{"original": "1367-13 SH"}"#,
                "Solar Hijri month 13 does not exist",
            ),
            (
                r#"{"edtf": "1990/1988"}"#,
                "starts (1990) after it ends (1988)",
            ),
            (r#"{"edtf": "1988", "note": "x"}"#, "unknown field `note`"),
            (
                r#"{"edtf": "1988", "calendar": "julian"}"#,
                "unknown variant `julian`",
            ),
            (r#""1988-02-30""#, "day 30 is not in 1988-02"),
            ("1988", "invalid type: integer"),
        ];
        for (text, expected) in cases {
            let err = from_json(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
