//! What a file says about itself: its EXIF block (here), its XMP packet (`xmp.rs`), its
//! container's recording details (`media.rs`) and its C2PA content credentials
//! (`credentials.rs`, the `c2pa` feature). These are written by cameras, phones and editing
//! software, and can be written by anyone: every value is a claim the file makes, to be
//! weighed like any other source, never a fact the archive vouches for.

use exif::{In, Reader, Tag, Value};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Seek};
use std::path::Path;

/// The claims a file makes about itself. Every field is optional; absent means the file
/// says nothing (or nothing readable) about it. The EXIF claims sit at the top level (as
/// they always have in evidence records); XMP, container and C2PA claims in their own
/// objects. Field names are those of the evidence record's `metadata` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Metadata {
    /// When the file claims the picture was taken (EXIF DateTimeOriginal, with
    /// OffsetTimeOriginal when given): `YYYY-MM-DDTHH:MM:SS[+HH:MM]`, or the raw text when it
    /// does not parse. Camera clocks are often wrong and easily set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_original: Option<String>,
    /// Where the file claims it was taken (EXIF GPS), in decimal degrees (WGS84).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps: Option<GpsPoint>,
    /// The device maker the file names (EXIF Make).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    /// The device model the file names (EXIF Model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The software the file says processed it (EXIF Software).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    /// What the file's XMP packet claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xmp: Option<crate::xmp::XmpClaims>,
    /// What a video or audio container claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<crate::media::MediaClaims>,
    /// The file's C2PA content credentials and whether they validate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c2pa: Option<ContentCredentials>,
}

use crate::credentials::ContentCredentials;

/// A position in decimal degrees; south and west are negative.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GpsPoint {
    pub lat: f64,
    pub lon: f64,
}

impl Metadata {
    /// The file claims nothing this struct holds.
    pub fn is_empty(&self) -> bool {
        *self == Metadata::default()
    }
}

/// Read the EXIF claims of a JPEG, TIFF (and TIFF-based raw formats), HEIF/AVIF, PNG or WebP
/// file. Anything else, a file without EXIF, or an EXIF block too damaged to read gives an
/// empty [`Metadata`]: metadata is a description, never a reason to refuse a file. A TIFF is
/// read into memory by the EXIF reader; the other formats are read only up to their EXIF
/// block.
pub fn extract_metadata<R: BufRead + Seek>(mut reader: R) -> Metadata {
    match Reader::new().read_from_container(&mut reader) {
        Ok(exif) => from_exif(&exif),
        Err(_) => Metadata::default(),
    }
}

/// [`extract_metadata`] of a file on disk (empty if it cannot be opened).
pub fn extract_metadata_path(path: &Path) -> Metadata {
    match std::fs::File::open(path) {
        Ok(f) => extract_metadata(std::io::BufReader::new(f)),
        Err(_) => Metadata::default(),
    }
}

fn from_exif(exif: &exif::Exif) -> Metadata {
    let ascii = |tag: Tag| -> Option<&[u8]> {
        match &exif.get_field(tag, In::PRIMARY)?.value {
            Value::Ascii(parts) => parts.first().map(Vec::as_slice),
            _ => None,
        }
    };
    let text = |tag: Tag| ascii(tag).and_then(clean_text);
    Metadata {
        date_time_original: ascii(Tag::DateTimeOriginal).and_then(|raw| {
            match exif::DateTime::from_ascii(raw) {
                Ok(mut dt) => {
                    if let Some(offset) = ascii(Tag::OffsetTimeOriginal) {
                        let _ = dt.parse_offset(offset);
                    }
                    Some(format_datetime(&dt))
                }
                Err(_) => clean_text(raw),
            }
        }),
        gps: gps(exif),
        make: text(Tag::Make),
        model: text(Tag::Model),
        software: text(Tag::Software),
        ..Metadata::default()
    }
}

fn format_datetime(dt: &exif::DateTime) -> String {
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
    );
    if let Some(off) = dt.offset {
        let sign = if off < 0 { '-' } else { '+' };
        let off = off.unsigned_abs();
        s.push_str(&format!("{sign}{:02}:{:02}", off / 60, off % 60));
    }
    s
}

/// One line of printable text, at most 200 characters; `None` if nothing is left. EXIF
/// strings are NUL-padded, sometimes not UTF-8, sometimes garbage.
pub(crate) fn clean_text(raw: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(raw);
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let s: String = s.chars().take(200).collect();
    (!s.is_empty()).then_some(s)
}

/// Degrees, minutes and seconds with their hemisphere, as decimal degrees. No hemisphere
/// reference, a zero denominator or a value off the globe: no claim is read.
fn gps(exif: &exif::Exif) -> Option<GpsPoint> {
    let coord = |tag: Tag, reference: Tag, negative: u8, limit: f64| -> Option<f64> {
        let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
            return None;
        };
        let Value::Ascii(r) = &exif.get_field(reference, In::PRIMARY)?.value else {
            return None;
        };
        let hemisphere = r.first()?.first()?.to_ascii_uppercase();
        let mut degrees = 0.0;
        for (part, scale) in parts.iter().zip([1.0, 60.0, 3600.0]) {
            if part.denom == 0 {
                return None;
            }
            degrees += part.to_f64() / scale;
        }
        if parts.is_empty() || !degrees.is_finite() || degrees > limit {
            return None;
        }
        let signed = if hemisphere == negative {
            -degrees
        } else {
            degrees
        };
        Some((signed * 1e7).round() / 1e7)
    };
    Some(GpsPoint {
        lat: coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0)?,
        lon: coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_to_one_printable_line() {
        assert_eq!(clean_text(b"Canon\0\0\0"), Some("Canon".into()));
        assert_eq!(
            clean_text(b"  EOS\n5D\tMark IV "),
            Some("EOS 5D Mark IV".into())
        );
        assert_eq!(clean_text(b"\0\0 \0"), None);
        assert_eq!(clean_text(&[b'x'; 500]).unwrap().len(), 200);
    }

    #[test]
    fn anything_but_a_photo_claims_nothing() {
        let m = extract_metadata(std::io::Cursor::new(b"%PDF-1.7\n".to_vec()));
        assert!(m.is_empty());
        let m = extract_metadata(std::io::Cursor::new(
            b"\xFF\xD8\xFF\xE1\0\x10Exif\0\0garbage".to_vec(),
        ));
        assert!(m.is_empty());
    }
}
