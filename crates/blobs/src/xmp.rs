//! XMP: the RDF/XML packet that editing software, cameras and phones write into JPEG, PNG,
//! TIFF, PDF, MP4 and most other formats (creation and modification dates, the tool that
//! made the file, its document and instance ids, where it was taken, and the history of
//! edits). Like EXIF, every value is a claim the file makes; anyone can write it.
//!
//! The packet is found by scanning the bytes (XMP Part 3, "scanning files for XMP
//! packets": every format stores it as plain UTF-8 XML), so one reader serves every
//! container without knowing its layout, and then read with a namespace-aware XML parser.

use crate::metadata::{GpsPoint, clean_text};
use memchr::memmem;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use serde::{Deserialize, Serialize};

/// The largest packet read. Real packets are a few KiB; Photoshop's with a long history a
/// few hundred.
const MAX_PACKET: usize = 4 << 20;
/// At most this many history entries are kept (the first ones: the file's origin).
const MAX_HISTORY: usize = 100;

const START: [&[u8]; 2] = [b"<?xpacket begin", b"<x:xmpmeta"];
const END_XPACKET: &[u8] = b"<?xpacket end";
const END_XMPMETA: &[u8] = b"</x:xmpmeta>";

const NS_RDF: &[u8] = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const NS_XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/";
const NS_MM: &[u8] = b"http://ns.adobe.com/xap/1.0/mm/";
const NS_EVENT: &[u8] = b"http://ns.adobe.com/xap/1.0/sType/ResourceEvent#";
const NS_EXIF: &[u8] = b"http://ns.adobe.com/exif/1.0/";
const NS_PHOTOSHOP: &[u8] = b"http://ns.adobe.com/photoshop/1.0/";

/// What a file's XMP packet claims. Field names are those of the evidence record's
/// `metadata.xmp` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct XmpClaims {
    /// When the file says it was created (xmp:CreateDate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    /// When it says it was last changed (xmp:ModifyDate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modify_date: Option<String>,
    /// When its metadata says it was last changed (xmp:MetadataDate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_date: Option<String>,
    /// When the picture says it was taken (exif:DateTimeOriginal, else photoshop:DateCreated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_taken: Option<String>,
    /// The software that made the file (xmp:CreatorTool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator_tool: Option<String>,
    /// The document every version of this work shares (xmpMM:DocumentID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// This version of it (xmpMM:InstanceID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// The document it was first made as (xmpMM:OriginalDocumentID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_document_id: Option<String>,
    /// Where it says it was taken (exif:GPSLatitude/GPSLongitude), in decimal degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps: Option<GpsPoint>,
    /// The edits it records (xmpMM:History), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<XmpEvent>,
}

/// One entry of xmpMM:History (an stEvt:ResourceEvent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct XmpEvent {
    /// created, saved, converted, edited, derived…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_agent: Option<String>,
    /// The parts changed (`/metadata`, `/content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
}

impl XmpClaims {
    pub fn is_empty(&self) -> bool {
        *self == XmpClaims::default()
    }
}

impl XmpEvent {
    fn is_empty(&self) -> bool {
        *self == XmpEvent::default()
    }
}

/// Finds the first XMP packet in bytes given chunk by chunk (a stream of any length is
/// scanned once, keeping at most one packet in memory).
#[derive(Default)]
pub struct XmpScanner {
    /// The last bytes of the previous chunk, so a marker split across chunks is found.
    tail: Vec<u8>,
    /// The packet so far, once its start was seen.
    packet: Option<Vec<u8>>,
    done: bool,
    found: Option<Vec<u8>>,
}

impl XmpScanner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        if self.done || chunk.is_empty() {
            return;
        }
        if let Some(packet) = &mut self.packet {
            let from = packet.len().saturating_sub(END_XMPMETA.len());
            packet.extend_from_slice(chunk);
            self.close_packet(from);
            return;
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        let start = START
            .iter()
            .filter_map(|marker| memmem::find(&window, marker))
            .min();
        match start {
            Some(at) => {
                self.packet = Some(window[at..].to_vec());
                self.close_packet(0);
            }
            None => {
                let keep = window.len().min(START[0].len() - 1);
                self.tail = window[window.len() - keep..].to_vec();
            }
        }
    }

    /// Look for the packet's end from byte `from`; stop when found or when it grew too long.
    fn close_packet(&mut self, from: usize) {
        let Some(packet) = &mut self.packet else {
            return;
        };
        let end = [
            memmem::find(&packet[from..], END_XMPMETA).map(|i| from + i + END_XMPMETA.len()),
            memmem::find(&packet[from..], END_XPACKET).map(|i| from + i),
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(end) = end {
            packet.truncate(end);
            self.found = self.packet.take();
            self.done = true;
        } else if packet.len() > MAX_PACKET {
            self.packet = None;
            self.done = true;
        }
    }

    /// The claims of the packet found, if any. A packet cut short by the end of the file
    /// gives what it holds before the cut.
    pub fn finish(self) -> Option<XmpClaims> {
        let claims = parse_packet(&self.found.or(self.packet)?);
        (!claims.is_empty()).then_some(claims)
    }
}

/// The claims of the first XMP packet in `bytes`.
pub fn extract_xmp(bytes: &[u8]) -> Option<XmpClaims> {
    let mut scanner = XmpScanner::new();
    scanner.feed(bytes);
    scanner.finish()
}

/// A property this reader keeps: where it goes.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    CreateDate,
    ModifyDate,
    MetadataDate,
    DateTimeOriginal,
    DateCreated,
    CreatorTool,
    DocumentId,
    InstanceId,
    OriginalDocumentId,
    Latitude,
    Longitude,
}

fn slot(ns: &[u8], local: &[u8]) -> Option<Slot> {
    Some(match (ns, local) {
        (NS_XMP, b"CreateDate") => Slot::CreateDate,
        (NS_XMP, b"ModifyDate") => Slot::ModifyDate,
        (NS_XMP, b"MetadataDate") => Slot::MetadataDate,
        (NS_XMP, b"CreatorTool") => Slot::CreatorTool,
        (NS_MM, b"DocumentID") => Slot::DocumentId,
        (NS_MM, b"InstanceID") => Slot::InstanceId,
        (NS_MM, b"OriginalDocumentID") => Slot::OriginalDocumentId,
        (NS_EXIF, b"DateTimeOriginal") => Slot::DateTimeOriginal,
        (NS_EXIF, b"GPSLatitude") => Slot::Latitude,
        (NS_EXIF, b"GPSLongitude") => Slot::Longitude,
        (NS_PHOTOSHOP, b"DateCreated") => Slot::DateCreated,
        _ => return None,
    })
}

/// An open element: its namespace and local name.
type Open = (Vec<u8>, Vec<u8>);

#[derive(Default)]
struct Collected {
    values: Vec<(Slot, String)>,
    history: Vec<XmpEvent>,
}

impl Collected {
    fn set(&mut self, slot: Slot, raw: &str) {
        if let Some(v) = clean_text(raw.as_bytes())
            && !self.values.iter().any(|(s, _)| *s == slot)
        {
            self.values.push((slot, v));
        }
    }

    fn get(&self, slot: Slot) -> Option<String> {
        self.values
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, v)| v.clone())
    }
}

fn set_event(event: &mut XmpEvent, local: &[u8], raw: &str) {
    let field = match local {
        b"action" => &mut event.action,
        b"when" => &mut event.when,
        b"softwareAgent" => &mut event.software_agent,
        b"changed" => &mut event.changed,
        b"instanceID" => &mut event.instance_id,
        b"parameters" => &mut event.parameters,
        _ => return,
    };
    if field.is_none() {
        *field = clean_text(raw.as_bytes());
    }
}

fn namespace(r: ResolveResult<'_>) -> &[u8] {
    match r {
        ResolveResult::Bound(ns) => ns.0,
        _ => b"",
    }
}

/// Read an RDF/XML packet. Properties are taken from the top-level `rdf:Description`s,
/// written as attributes or as elements; history entries from the `rdf:li`s of
/// xmpMM:History, whose fields may also be attributes or elements. A packet that is not
/// well-formed gives the claims read before the fault.
fn parse_packet(packet: &[u8]) -> XmpClaims {
    let mut reader = NsReader::from_reader(packet);
    let mut buf = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut text = String::new();
    let mut got = Collected::default();
    let mut event: Option<XmpEvent> = None;
    let in_history = |stack: &[Open]| stack.iter().any(|(ns, l)| ns == NS_MM && l == b"History");
    loop {
        let (start, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e.into_owned(), false),
            Ok(Event::Empty(e)) => (e.into_owned(), true),
            Ok(Event::Text(t)) => {
                if let Ok(s) = t.xml10_content() {
                    text.push_str(&s);
                }
                buf.clear();
                continue;
            }
            Ok(Event::CData(t)) => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
                buf.clear();
                continue;
            }
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Ok(name) = r.decode()
                    && let Some(s) = quick_xml::escape::resolve_predefined_entity(&name)
                {
                    text.push_str(s);
                }
                buf.clear();
                continue;
            }
            Ok(Event::End(_)) => {
                let Some((ns, local)) = stack.pop() else {
                    break;
                };
                let value = std::mem::take(&mut text);
                close(
                    &stack,
                    &ns,
                    &local,
                    &value,
                    &mut got,
                    &mut event,
                    in_history(&stack),
                );
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        text.clear();
        let (ns, local) = {
            let (r, l) = reader.resolver().resolve_element(start.name());
            (namespace(r).to_vec(), l.as_ref().to_vec())
        };
        let history = in_history(&stack);
        if history && ns == NS_RDF && local == b"li" {
            event = Some(XmpEvent::default());
        }
        attributes(
            &reader, &start, &stack, &ns, &local, &mut got, &mut event, history,
        );
        if empty {
            close(&stack, &ns, &local, "", &mut got, &mut event, history);
        } else {
            stack.push((ns, local));
        }
        buf.clear();
    }
    let gps = match (got.get(Slot::Latitude), got.get(Slot::Longitude)) {
        (Some(lat), Some(lon)) => match (coordinate(&lat, 90.0), coordinate(&lon, 180.0)) {
            (Some(lat), Some(lon)) => Some(GpsPoint { lat, lon }),
            _ => None,
        },
        _ => None,
    };
    XmpClaims {
        create_date: got.get(Slot::CreateDate),
        modify_date: got.get(Slot::ModifyDate),
        metadata_date: got.get(Slot::MetadataDate),
        date_taken: got
            .get(Slot::DateTimeOriginal)
            .or_else(|| got.get(Slot::DateCreated)),
        creator_tool: got.get(Slot::CreatorTool),
        document_id: got.get(Slot::DocumentId),
        instance_id: got.get(Slot::InstanceId),
        original_document_id: got.get(Slot::OriginalDocumentId),
        gps,
        history: got.history,
    }
}

/// Is the element on top of `stack` a top-level `rdf:Description` (inside `rdf:RDF`)?
fn is_top_description(stack: &[Open], ns: &[u8], local: &[u8]) -> bool {
    ns == NS_RDF
        && local == b"Description"
        && matches!(stack.last(), Some((pns, pl)) if pns == NS_RDF && pl == b"RDF")
}

#[allow(clippy::too_many_arguments)]
fn attributes(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    stack: &[Open],
    ns: &[u8],
    local: &[u8],
    got: &mut Collected,
    event: &mut Option<XmpEvent>,
    history: bool,
) {
    let top = is_top_description(stack, ns, local);
    if !top && !history {
        return;
    }
    for attr in start.attributes().flatten() {
        let Ok(value) = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
            continue;
        };
        let (r, l) = reader
            .resolver()
            .resolve_attribute(QName(attr.key.as_ref()));
        let ans = namespace(r);
        if history {
            if ans == NS_EVENT
                && let Some(e) = event
            {
                set_event(e, l.as_ref(), &value);
            }
        } else if let Some(s) = slot(ans, l.as_ref()) {
            got.set(s, &value);
        }
    }
}

/// An element `ns:local` (whose parents are `stack`) closed with text `value`.
fn close(
    stack: &[Open],
    ns: &[u8],
    local: &[u8],
    value: &str,
    got: &mut Collected,
    event: &mut Option<XmpEvent>,
    history: bool,
) {
    if history {
        if ns == NS_EVENT {
            if let Some(e) = event {
                set_event(e, local, value);
            }
        } else if ns == NS_RDF
            && local == b"li"
            && let Some(e) = event.take()
            && !e.is_empty()
            && got.history.len() < MAX_HISTORY
        {
            got.history.push(e);
        }
        return;
    }
    // A property element directly inside a top-level rdf:Description.
    if let [.., grand, (pns, pl)] = stack
        && pns == NS_RDF
        && pl == b"Description"
        && grand.0 == NS_RDF
        && grand.1 == b"RDF"
        && let Some(s) = slot(ns, local)
    {
        got.set(s, value);
    }
}

/// An XMP GPS coordinate, `DDD,MM,SSk` or `DDD,MM.mmk` (k: N, S, E or W), in decimal
/// degrees; `None` if malformed or off the globe.
fn coordinate(raw: &str, limit: f64) -> Option<f64> {
    let raw = raw.trim();
    let hemisphere = raw.chars().last()?.to_ascii_uppercase();
    let sign = match hemisphere {
        'N' | 'E' => 1.0,
        'S' | 'W' => -1.0,
        _ => return None,
    };
    let body = &raw[..raw.len() - 1];
    let mut degrees = 0.0;
    let parts: Vec<&str> = body.split(',').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    for (part, scale) in parts.iter().zip([1.0, 60.0, 3600.0]) {
        let x: f64 = part.trim().parse().ok()?;
        if !x.is_finite() || x < 0.0 {
            return None;
        }
        degrees += x / scale;
    }
    (degrees <= limit).then(|| (sign * degrees * 1e7).round() / 1e7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_read_both_forms() {
        assert_eq!(coordinate("35,41.5N", 90.0), Some(35.6916667));
        assert_eq!(coordinate("51,23,24W", 180.0), Some(-51.39));
        assert_eq!(coordinate("91,0N", 90.0), None);
        assert_eq!(coordinate("35,41.5", 90.0), None);
        assert_eq!(coordinate("N", 90.0), None);
        assert_eq!(coordinate("1,2,3,4N", 90.0), None);
    }

    #[test]
    fn a_marker_split_across_chunks_is_found() {
        let packet = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Tool 1"/></rdf:RDF></x:xmpmeta>"#;
        let mut bytes = vec![0u8; 100];
        bytes.extend_from_slice(packet);
        bytes.extend_from_slice(&[0u8; 100]);
        for size in [1, 3, 7, 64, 1000] {
            let mut s = XmpScanner::new();
            for chunk in bytes.chunks(size) {
                s.feed(chunk);
            }
            let claims = s.finish().expect("found");
            assert_eq!(claims.creator_tool.as_deref(), Some("Tool 1"), "{size}");
        }
    }
}
