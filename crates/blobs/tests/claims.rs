//! What files claim about themselves beyond EXIF: XMP packets in a JPEG, a PNG and a PDF,
//! and a recording's container (an MP4 built here box by box).

#[path = "support/png.rs"]
mod png;

use rightsdoc_blobs::{
    BlobStore, GpsPoint, InspectOptions, LocalBlobs, MediaClaims, XmpEvent, inspect,
};

fn stored(bytes: &[u8]) -> rightsdoc_blobs::Inspection {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::new(dir.path().join("blobs"));
    let put = blobs.put(&mut &bytes[..]).unwrap();
    inspect(&blobs, &put.sha256, &InspectOptions::default()).unwrap()
}

/// An XMP packet as Photoshop writes one: simple properties as attributes of the top
/// description, GPS in the exif namespace, a history with one event as attributes and one as
/// elements, and a pantry item whose instance id must not be taken for the file's.
const PACKET: &str = r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.1">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmp:CreateDate="1988-08-15T06:30:00+03:30"
    xmp:ModifyDate="2024-03-01T10:22:33+03:30"
    xmp:MetadataDate="2024-03-01T10:22:33+03:30"
    xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)"
    xmpMM:DocumentID="xmp.did:0a1b2c"
    xmpMM:OriginalDocumentID="xmp.did:origin"
    exif:GPSLatitude="35,47.8N"
    exif:GPSLongitude="51,23.133333E">
   <xmpMM:InstanceID>xmp.iid:ff00ee</xmpMM:InstanceID>
   <photoshop:DateCreated>1988-08-15</photoshop:DateCreated>
   <xmpMM:History>
    <rdf:Seq>
     <rdf:li stEvt:action="created" stEvt:when="1988-08-15T06:30:00+03:30"
       stEvt:softwareAgent="Scanner &amp; Co 1.0" stEvt:instanceID="xmp.iid:first"/>
     <rdf:li rdf:parseType="Resource">
      <stEvt:action>saved</stEvt:action>
      <stEvt:when>2024-03-01T10:22:33+03:30</stEvt:when>
      <stEvt:softwareAgent>Adobe Photoshop 25.0 (Windows)</stEvt:softwareAgent>
      <stEvt:changed>/</stEvt:changed>
     </rdf:li>
    </rdf:Seq>
   </xmpMM:History>
   <xmpMM:Pantry>
    <rdf:Bag>
     <rdf:li><rdf:Description xmpMM:InstanceID="xmp.iid:pantry"/></rdf:li>
    </rdf:Bag>
   </xmpMM:Pantry>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

fn assert_full_packet(xmp: &rightsdoc_blobs::XmpClaims) {
    assert_eq!(
        xmp.create_date.as_deref(),
        Some("1988-08-15T06:30:00+03:30")
    );
    assert_eq!(
        xmp.modify_date.as_deref(),
        Some("2024-03-01T10:22:33+03:30")
    );
    assert_eq!(
        xmp.metadata_date.as_deref(),
        Some("2024-03-01T10:22:33+03:30")
    );
    assert_eq!(xmp.date_taken.as_deref(), Some("1988-08-15"));
    assert_eq!(
        xmp.creator_tool.as_deref(),
        Some("Adobe Photoshop 25.0 (Windows)")
    );
    assert_eq!(xmp.document_id.as_deref(), Some("xmp.did:0a1b2c"));
    assert_eq!(xmp.instance_id.as_deref(), Some("xmp.iid:ff00ee"));
    assert_eq!(xmp.original_document_id.as_deref(), Some("xmp.did:origin"));
    assert_eq!(
        xmp.gps,
        Some(GpsPoint {
            lat: 35.7966667,
            lon: 51.3855556
        })
    );
    assert_eq!(
        xmp.history,
        vec![
            XmpEvent {
                action: Some("created".into()),
                when: Some("1988-08-15T06:30:00+03:30".into()),
                software_agent: Some("Scanner & Co 1.0".into()),
                instance_id: Some("xmp.iid:first".into()),
                ..XmpEvent::default()
            },
            XmpEvent {
                action: Some("saved".into()),
                when: Some("2024-03-01T10:22:33+03:30".into()),
                software_agent: Some("Adobe Photoshop 25.0 (Windows)".into()),
                changed: Some("/".into()),
                ..XmpEvent::default()
            },
        ]
    );
}

/// A JPEG with the packet in its APP1 XMP segment (after some image bytes).
fn jpeg_with_xmp(packet: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    out.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let ns = b"http://ns.adobe.com/xap/1.0/\0";
    out.extend([0xFF, 0xE1]);
    out.extend(((2 + ns.len() + packet.len()) as u16).to_be_bytes());
    out.extend(ns);
    out.extend(packet.as_bytes());
    out.extend([0xFF, 0xD9]);
    out
}

/// A 1×1 PNG with the packet in an iTXt chunk (`XML:com.adobe.xmp`).
fn png_with_xmp(packet: &str) -> Vec<u8> {
    let mut out = png::SIGNATURE.to_vec();
    png::chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt.extend(packet.as_bytes());
    png::chunk(&mut out, b"iTXt", &itxt);
    png::chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1],
    );
    png::chunk(&mut out, b"IEND", &[]);
    out
}

/// A one-page PDF whose catalogue points to an uncompressed metadata stream, placed after
/// 200 KiB of page content so that it is past the bytes used to sniff the type.
fn pdf_with_xmp(packet: &str) -> Vec<u8> {
    let filler = "0 0 m 1 1 l S\n".repeat(15_000);
    format!(
        "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >> endobj\n\
         2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
         3 0 obj << /Type /Page /Parent 2 0 R /Contents 5 0 R >> endobj\n\
         5 0 obj << /Length {} >> stream\n{filler}endstream endobj\n\
         4 0 obj << /Type /Metadata /Subtype /XML /Length {} >> stream\n{packet}\nendstream endobj\n\
         trailer << /Root 1 0 R >>\n%%EOF\n",
        filler.len(),
        packet.len()
    )
    .into_bytes()
}

#[test]
fn an_xmp_packet_is_read_from_a_jpeg_a_png_and_a_pdf() {
    for (name, bytes, media) in [
        ("jpeg", jpeg_with_xmp(PACKET), "image/jpeg"),
        ("png", png_with_xmp(PACKET), "image/png"),
        ("pdf", pdf_with_xmp(PACKET), "application/pdf"),
    ] {
        let seen = stored(&bytes);
        assert_eq!(seen.media_type, Some(media), "{name}");
        let xmp = seen
            .metadata
            .xmp
            .unwrap_or_else(|| panic!("{name}: no XMP"));
        assert_full_packet(&xmp);
    }
}

#[test]
fn a_broken_packet_gives_what_was_read_before_the_fault_and_never_fails() {
    // A file cut in the middle of its packet.
    let cut = &PACKET[..PACKET.find("<xmpMM:History>").unwrap()];
    let seen = stored(&jpeg_with_xmp(cut));
    let xmp = seen.metadata.xmp.expect("the attributes before the cut");
    assert_eq!(
        xmp.creator_tool.as_deref(),
        Some("Adobe Photoshop 25.0 (Windows)")
    );
    assert!(xmp.history.is_empty());
    // Not XML at all, or a packet with nothing in it: no claims, no error.
    for packet in [
        "<x:xmpmeta <<<< &&& </x:xmpmeta>",
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">",
    ] {
        let seen = stored(&jpeg_with_xmp(packet));
        assert_eq!(seen.media_type, Some("image/jpeg"));
        assert!(seen.metadata.xmp.is_none(), "{packet}");
    }
}

#[test]
fn a_packet_with_elements_and_other_prefixes_reads_the_same() {
    // Same namespaces under other prefixes, values as elements: the parser goes by namespace.
    let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <r:Description xmlns:a="http://ns.adobe.com/xap/1.0/" xmlns:m="http://ns.adobe.com/xap/1.0/mm/">
        <a:CreatorTool>Phone Camera 3</a:CreatorTool><m:DocumentID>uuid:1234</m:DocumentID>
        <a:CreateDate><![CDATA[2023-01-02T03:04:05Z]]></a:CreateDate>
      </r:Description></r:RDF></x:xmpmeta>"#;
    let xmp = stored(&png_with_xmp(packet)).metadata.xmp.unwrap();
    assert_eq!(xmp.creator_tool.as_deref(), Some("Phone Camera 3"));
    assert_eq!(xmp.document_id.as_deref(), Some("uuid:1234"));
    assert_eq!(xmp.create_date.as_deref(), Some("2023-01-02T03:04:05Z"));
    assert!(xmp.gps.is_none() && xmp.instance_id.is_none());
}

// ---- A recording: an MP4 built box by box. ----

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((8 + body.len()) as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(body);
    out
}

/// Seconds from 1904-01-01 (the MP4 epoch) to 2022-09-21T16:40:00Z.
const CREATED_1904: u32 = 3_746_623_200;

fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 4]; // version 0, flags
    b.extend(CREATED_1904.to_be_bytes());
    b.extend(CREATED_1904.to_be_bytes());
    b.extend(timescale.to_be_bytes());
    b.extend(duration.to_be_bytes());
    b.extend(0x0001_0000u32.to_be_bytes()); // rate 1.0
    b.extend(0x0100u16.to_be_bytes()); // volume 1.0
    b.extend([0u8; 10]);
    for m in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        b.extend(m.to_be_bytes());
    }
    b.extend([0u8; 24]);
    b.extend(2u32.to_be_bytes());
    mp4_box(b"mvhd", &b)
}

fn tkhd(width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![0, 0, 0, 3];
    b.extend(CREATED_1904.to_be_bytes());
    b.extend(CREATED_1904.to_be_bytes());
    b.extend(1u32.to_be_bytes()); // track id
    b.extend([0u8; 4]);
    b.extend(12_500u32.to_be_bytes());
    b.extend([0u8; 8]);
    b.extend([0u8; 4]); // layer, alternate group
    b.extend([0u8; 4]); // volume, reserved
    for m in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        b.extend(m.to_be_bytes());
    }
    b.extend((u32::from(width) << 16).to_be_bytes());
    b.extend((u32::from(height) << 16).to_be_bytes());
    mp4_box(b"tkhd", &b)
}

/// QuickTime metadata: `keys` names each item, `ilst` holds their UTF-8 values.
fn quicktime_meta(items: &[(&str, &str)]) -> Vec<u8> {
    let mut hdlr = vec![0u8; 8];
    hdlr.extend(b"mdta");
    hdlr.extend([0u8; 13]);
    let mut keys = vec![0u8; 4];
    keys.extend((items.len() as u32).to_be_bytes());
    let mut ilst = Vec::new();
    for (i, (key, value)) in items.iter().enumerate() {
        keys.extend(((8 + key.len()) as u32).to_be_bytes());
        keys.extend(b"mdta");
        keys.extend(key.as_bytes());
        let mut data = vec![0, 0, 0, 1]; // UTF-8
        data.extend([0u8; 4]);
        data.extend(value.as_bytes());
        let item = mp4_box(b"data", &data);
        ilst.extend(((8 + item.len()) as u32).to_be_bytes());
        ilst.extend(((i + 1) as u32).to_be_bytes());
        ilst.extend(item);
    }
    let mut body = mp4_box(b"hdlr", &hdlr);
    body.extend(mp4_box(b"keys", &keys));
    body.extend(mp4_box(b"ilst", &ilst));
    mp4_box(b"meta", &body)
}

/// An MP4 as a phone writes one: `ftyp`, `mdat` first, then `moov` with the movie header
/// (created 2022-09-21T16:40:00Z, 12.5 s), a 1280×720 video track, a `©xyz` position in
/// `udta`, and the device in QuickTime metadata.
fn phone_video() -> Vec<u8> {
    let mut ftyp = b"isom".to_vec();
    ftyp.extend(512u32.to_be_bytes());
    ftyp.extend(b"isomiso2avc1mp41");
    let mut out = mp4_box(b"ftyp", &ftyp);
    out.extend(mp4_box(b"mdat", &vec![0x5A; 100_000]));
    let mut xyz = vec![0x00, 0x12, 0x15, 0xC7];
    xyz.extend(b"+35.6892+051.3890/");
    let mut trak_body = tkhd(1280, 720);
    trak_body.extend(mp4_box(
        b"mdia",
        &mp4_box(b"hdlr", b"\0\0\0\0\0\0\0\0vide\0\0\0\0\0\0\0\0\0\0\0\0\0"),
    ));
    let mut moov = mvhd(1000, 12_500);
    moov.extend(mp4_box(b"trak", &trak_body));
    moov.extend(mp4_box(b"udta", &mp4_box(b"\xA9xyz", &xyz)));
    moov.extend(quicktime_meta(&[
        ("com.apple.quicktime.make", "Apple"),
        ("com.apple.quicktime.model", "iPhone 12"),
        ("com.apple.quicktime.software", "16.0"),
    ]));
    out.extend(mp4_box(b"moov", &moov));
    out
}

#[test]
fn a_phone_video_claims_when_where_how_long_and_with_what() {
    let seen = stored(&phone_video());
    assert_eq!(seen.media_type, Some("video/mp4"));
    let media = seen.metadata.media.expect("container claims");
    assert_eq!(
        media,
        MediaClaims {
            created: Some("2022-09-21T16:40:00+00:00".into()),
            duration_seconds: Some(12.5),
            gps: Some(GpsPoint {
                lat: 35.6892,
                lon: 51.389
            }),
            iso6709: Some("+35.6892+051.3890/".into()),
            make: Some("Apple".into()),
            model: Some("iPhone 12".into()),
            software: Some("16.0".into()),
            author: None,
            width: Some(1280),
            height: Some(720),
        }
    );
}

#[test]
fn a_damaged_recording_claims_nothing_and_is_still_stored() {
    let mut video = phone_video();
    let len = video.len();
    video.truncate(len - 40);
    let seen = stored(&video);
    assert_eq!(seen.media_type, Some("video/mp4"));
    // Whatever survives is a claim; a cut header never fails the inspection.
    let _ = seen.metadata.media;
    let seen = stored(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2\0\0\0\x10moov\xff\xff\xff\xff");
    assert!(seen.metadata.media.is_none());
}
