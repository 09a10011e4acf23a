//! What a video or audio file says about itself: when it was recorded, how long it is,
//! where (ISO 6709, the `©xyz` atom phones write), the device and the frame size. Read with
//! `nom-exif` from MP4, QuickTime (MOV), 3GP, Matroska and WebM containers. A recording
//! device's clock and position are easily set or rewritten: these are claims.

use crate::metadata::{GpsPoint, clean_text};
use nom_exif::{EntryValue, MediaKind, MediaParser, MediaSource, TrackInfo, TrackInfoTag};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};

/// The claims of a recording's container. Field names are those of the evidence record's
/// `metadata.media` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaClaims {
    /// When the container says the recording was made (MP4/MOV `mvhd` creation time or the
    /// QuickTime creation date; Matroska's date), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Length in seconds, as the container states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    /// Where it says it was recorded, in decimal degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps: Option<GpsPoint>,
    /// The position as written (ISO 6709, e.g. `+35.6892+051.3890/`), with any altitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso6709: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Frame size in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

impl MediaClaims {
    pub fn is_empty(&self) -> bool {
        *self == MediaClaims::default()
    }
}

/// Media types whose container this module reads.
pub fn has_media_reader(media_type: &str) -> bool {
    matches!(
        media_type,
        "video/mp4"
            | "video/quicktime"
            | "video/3gpp"
            | "video/x-m4v"
            | "video/x-matroska"
            | "video/webm"
            | "audio/m4a"
            | "audio/mp4"
            | "audio/x-m4a"
            | "audio/x-matroska"
    )
}

/// The claims of a recording's container; `None` when the bytes are not a container this
/// reads, hold no track information, or are too damaged to read.
pub fn extract_media<R: Read + Seek>(reader: R) -> Option<MediaClaims> {
    let source = MediaSource::seekable(reader).ok()?;
    if source.kind() != MediaKind::Track {
        return None;
    }
    let info = MediaParser::new().parse_track(source).ok()?;
    let claims = from_track(&info);
    (!claims.is_empty()).then_some(claims)
}

fn from_track(info: &TrackInfo) -> MediaClaims {
    let text = |tag| match info.get(tag)? {
        EntryValue::Text(s) => clean_text(s.as_bytes()),
        _ => None,
    };
    let number = |tag| -> Option<u64> {
        match info.get(tag)? {
            EntryValue::U64(n) => Some(*n),
            EntryValue::U32(n) => Some(u64::from(*n)),
            EntryValue::U16(n) => Some(u64::from(*n)),
            _ => None,
        }
    };
    let created = match info.get(TrackInfoTag::CreateDate) {
        Some(EntryValue::DateTime(t)) => Some(t.to_rfc3339()),
        Some(EntryValue::NaiveDateTime(t)) => Some(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        Some(EntryValue::Text(s)) => clean_text(s.as_bytes()),
        _ => None,
    };
    let gps = info.gps_info().and_then(|g| {
        let (lat, lon) = (g.latitude_decimal()?, g.longitude_decimal()?);
        let ok = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        ok.then(|| GpsPoint {
            lat: (lat * 1e7).round() / 1e7,
            lon: (lon * 1e7).round() / 1e7,
        })
    });
    let dimension = |tag| {
        number(tag)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    };
    MediaClaims {
        created,
        duration_seconds: number(TrackInfoTag::DurationMs)
            .filter(|ms| *ms > 0)
            .map(|ms| ms as f64 / 1000.0),
        gps,
        iso6709: text(TrackInfoTag::GpsIso6709),
        make: text(TrackInfoTag::Make),
        model: text(TrackInfoTag::Model),
        software: text(TrackInfoTag::Software),
        author: text(TrackInfoTag::Author),
        width: dimension(TrackInfoTag::Width),
        height: dimension(TrackInfoTag::Height),
    }
}
