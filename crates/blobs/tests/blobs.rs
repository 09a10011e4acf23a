//! The local blob store through the `BlobStore` trait, and what a photo claims about itself.

#[path = "support/png.rs"]
mod png;

use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use rightsdoc_blobs::{
    BlobError, BlobStore, GpsPoint, InspectOptions, LocalBlobs, Metadata, inspect, sniff,
};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};

fn ascii(tag: Tag, s: &str) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![s.as_bytes().to_vec()]),
    }
}

fn dms(d: u32, m: u32, s_hundredths: u32) -> Value {
    Value::Rational(vec![
        Rational { num: d, denom: 1 },
        Rational { num: m, denom: 1 },
        Rational {
            num: s_hundredths,
            denom: 100,
        },
    ])
}

/// An EXIF block (TIFF structure) with the fields the archive reads.
fn exif_block(lat_ref: &str, lon_ref: &str, little_endian: bool) -> Vec<u8> {
    let fields = [
        ascii(Tag::Make, "Canon"),
        ascii(Tag::Model, "Canon EOS 5D"),
        ascii(Tag::Software, "GIMP 2.10"),
        ascii(Tag::DateTimeOriginal, "1988:08:15 06:30:00"),
        ascii(Tag::OffsetTimeOriginal, "+03:30"),
        ascii(Tag::GPSLatitudeRef, lat_ref),
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(35, 47, 4800),
        },
        ascii(Tag::GPSLongitudeRef, lon_ref),
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(51, 23, 800),
        },
    ];
    let mut w = Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, little_endian).unwrap();
    out.into_inner()
}

/// A small JPEG: SOI, an APP1 Exif segment, a comment, EOI.
fn jpeg_with_exif() -> Vec<u8> {
    let tiff = exif_block("N", "E", false);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(&tiff);
    out.extend([0xFF, 0xFE, 0x00, 0x07]);
    out.extend(b"hello");
    out.extend([0xFF, 0xD9]);
    out
}

/// A 1×1 PNG with an eXIf chunk.
fn png_with_exif() -> Vec<u8> {
    let mut out = png::SIGNATURE.to_vec();
    png::chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    png::chunk(&mut out, b"eXIf", &exif_block("S", "W", true));
    png::chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1],
    );
    png::chunk(&mut out, b"IEND", &[]);
    out
}

fn store() -> (tempfile::TempDir, LocalBlobs) {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::new(dir.path().join("blobs"));
    (dir, blobs)
}

fn read_all(store: &dyn BlobStore, sha: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    store.open(sha).unwrap().read_to_end(&mut out)?;
    Ok(out)
}

fn all_names(store: &dyn BlobStore) -> Vec<String> {
    let mut names = Vec::new();
    store
        .for_each(&mut |n| {
            names.push(n.to_string());
            Ok(())
        })
        .unwrap();
    names
}

#[test]
fn a_photo_round_trips_and_its_exif_claims_are_read() {
    let (_dir, blobs) = store();
    let photo = jpeg_with_exif();
    let stored = blobs.put(&mut photo.as_slice()).unwrap();
    assert_eq!(stored.sha256, hex::encode(Sha256::digest(&photo)));
    assert_eq!(stored.size, photo.len() as u64);
    assert!(stored.new);
    assert_eq!(read_all(&blobs, &stored.sha256).unwrap(), photo);
    assert!(blobs.check(&stored.sha256).unwrap());

    let seen = inspect(&blobs, &stored.sha256, &InspectOptions::default()).unwrap();
    assert_eq!(seen.media_type, Some("image/jpeg"));
    assert_eq!(
        seen.metadata,
        Metadata {
            date_time_original: Some("1988-08-15T06:30:00+03:30".into()),
            gps: Some(GpsPoint {
                lat: 35.7966667,
                lon: 51.3855556
            }),
            make: Some("Canon".into()),
            model: Some("Canon EOS 5D".into()),
            software: Some("GIMP 2.10".into()),
            ..Metadata::default()
        }
    );
    // Serialized with only the claims present, under the record's field names.
    let json = serde_json::to_value(&seen.metadata).unwrap();
    assert_eq!(json["gps"]["lat"], 35.7966667);
    assert_eq!(json["make"], "Canon");
}

#[test]
fn a_png_with_exif_claims_south_and_west_as_negative() {
    let (_dir, blobs) = store();
    let stored = blobs.put(&mut png_with_exif().as_slice()).unwrap();
    let seen = inspect(&blobs, &stored.sha256, &InspectOptions::default()).unwrap();
    assert_eq!(seen.media_type, Some("image/png"));
    assert_eq!(
        seen.metadata.gps,
        Some(GpsPoint {
            lat: -35.7966667,
            lon: -51.3855556
        })
    );
    assert_eq!(seen.metadata.model.as_deref(), Some("Canon EOS 5D"));
}

#[test]
fn the_same_bytes_are_one_blob() {
    let (_dir, blobs) = store();
    let first = blobs.put(&mut &b"testimony audio"[..]).unwrap();
    let second = blobs.put(&mut &b"testimony audio"[..]).unwrap();
    assert!(first.new && !second.new);
    assert_eq!(first.sha256, second.sha256);
    let other = blobs.put(&mut &b"another file"[..]).unwrap();
    let mut want = vec![first.sha256.clone(), other.sha256.clone()];
    want.sort();
    assert_eq!(all_names(&blobs), want);
}

#[test]
fn an_arbitrary_binary_streams_in_and_out() {
    // 24 MiB from a generator: put hashes as it writes and holds one buffer, not the file.
    struct Gen(u64, u64);
    impl Read for Gen {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min((self.1 - self.0) as usize);
            for b in &mut buf[..n] {
                self.0 += 1;
                *b = (self.0.wrapping_mul(2_654_435_761) >> 13) as u8;
            }
            Ok(n)
        }
    }
    let (_dir, blobs) = store();
    let size = 24 << 20;
    let stored = blobs.put(&mut Gen(0, size)).unwrap();
    assert_eq!(stored.size, size);
    let mut hasher = Sha256::new();
    std::io::copy(&mut Gen(0, size), &mut hasher).unwrap();
    assert_eq!(stored.sha256, hex::encode(hasher.finalize()));
    let mut back = Sha256::new();
    std::io::copy(&mut blobs.open(&stored.sha256).unwrap(), &mut back).unwrap();
    assert_eq!(hex::encode(back.finalize()), stored.sha256);
    assert_eq!(sniff(&[0u8, 1, 2, 3, 250, 251]), None);
}

#[test]
fn a_flipped_byte_is_caught_by_check_and_by_reading() {
    let (_dir, blobs) = store();
    let stored = blobs.put(&mut &b"the original photograph"[..]).unwrap();
    let path = blobs.path(&stored.sha256).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[4] ^= 0x01;
    // The file is read-only; whoever alters it has to make it writable first.
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, &bytes).unwrap();

    assert!(!blobs.check(&stored.sha256).unwrap());
    let err = read_all(&blobs, &stored.sha256).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    let msg = err.to_string();
    assert!(
        msg.contains(&stored.sha256) && msg.contains("altered"),
        "{msg}"
    );
}

#[test]
fn a_missing_blob_is_named() {
    let (_dir, blobs) = store();
    let sha = hex::encode(Sha256::digest(b"never stored"));
    assert!(!blobs.contains(&sha).unwrap());
    let err = match blobs.open(&sha) {
        Err(e) => e,
        Ok(_) => panic!("opened a blob that was never stored"),
    };
    assert!(matches!(err, BlobError::NotFound { .. }));
    let msg = err.to_string();
    assert!(msg.contains(&sha) && msg.contains("restore"), "{msg}");
    assert!(matches!(blobs.check(&sha), Err(BlobError::NotFound { .. })));
}
