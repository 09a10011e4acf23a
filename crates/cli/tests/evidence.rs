//! `rightsdoc evidence`: files stored once under their SHA-256, media types from the bytes,
//! EXIF claims, verified copies, and a chain of custody that is part of the log.

mod common;
#[path = "../../blobs/tests/support/png.rs"]
mod png;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---- Test files, made here byte by byte (nothing is downloaded). ----

enum V {
    Ascii(&'static str),
    Long(u32),
    Rational(&'static [(u32, u32)]),
}

/// One big-endian TIFF IFD at the end of `out` (offsets count from the start of `out`, the
/// TIFF header), its values that do not fit in four bytes right after it. Returns the
/// position of each entry's value field, to patch sub-IFD pointers.
fn write_ifd(out: &mut Vec<u8>, entries: &[(u16, V)]) -> Vec<usize> {
    let n = entries.len();
    out.extend((n as u16).to_be_bytes());
    let data_at = out.len() + n * 12 + 4;
    let mut data = Vec::new();
    let mut positions = Vec::new();
    for (tag, v) in entries {
        let (ty, count, bytes): (u16, usize, Vec<u8>) = match v {
            V::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len(), b)
            }
            V::Long(x) => (4, 1, x.to_be_bytes().to_vec()),
            V::Rational(parts) => (
                5,
                parts.len(),
                parts
                    .iter()
                    .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
                    .collect(),
            ),
        };
        out.extend(tag.to_be_bytes());
        out.extend(ty.to_be_bytes());
        out.extend((count as u32).to_be_bytes());
        positions.push(out.len());
        if bytes.len() <= 4 {
            let mut b = bytes;
            b.resize(4, 0);
            out.extend(b);
        } else {
            out.extend(((data_at + data.len()) as u32).to_be_bytes());
            data.extend(bytes);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    out.extend(0u32.to_be_bytes());
    out.extend(data);
    positions
}

/// A JPEG whose APP1 segment holds EXIF: device, software, when and where it claims to be
/// taken (35°47'48" N, 51°23'8" E).
fn jpeg_with_exif() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    let ifd0 = write_ifd(
        &mut tiff,
        &[
            (0x010F, V::Ascii("Canon")),
            (0x0110, V::Ascii("Canon EOS 5D")),
            (0x0131, V::Ascii("GIMP 2.10")),
            (0x8769, V::Long(0)),
            (0x8825, V::Long(0)),
        ],
    );
    let exif_at = tiff.len() as u32;
    write_ifd(&mut tiff, &[(0x9003, V::Ascii("1988:08:15 06:30:00"))]);
    let gps_at = tiff.len() as u32;
    write_ifd(
        &mut tiff,
        &[
            (0x0001, V::Ascii("N")),
            (0x0002, V::Rational(&[(35, 1), (47, 1), (48, 1)])),
            (0x0003, V::Ascii("E")),
            (0x0004, V::Rational(&[(51, 1), (23, 1), (8, 1)])),
        ],
    );
    tiff[ifd0[3]..ifd0[3] + 4].copy_from_slice(&exif_at.to_be_bytes());
    tiff[ifd0[4]..ifd0[4] + 4].copy_from_slice(&gps_at.to_be_bytes());

    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    jpeg.extend(b"Exif\0\0");
    jpeg.extend(tiff);
    jpeg.extend([0xFF, 0xD9]);
    jpeg
}

/// A 1×1 grey PNG without metadata.
fn png() -> Vec<u8> {
    let mut out = png::SIGNATURE.to_vec();
    png::chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    png::chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1],
    );
    png::chunk(&mut out, b"IEND", &[]);
    out
}

/// 300 KiB of pseudo-random bytes: no known format, more than one write buffer.
fn binary() -> Vec<u8> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..300 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

// ---- Helpers. ----

struct Setup {
    _tmp: tempfile::TempDir,
    archive: PathBuf,
    files: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let files = tmp.path().join("files");
    std::fs::create_dir(&files).unwrap();
    ok(&archive, &["init"]);
    Setup {
        _tmp: tmp,
        archive,
        files,
    }
}

impl Setup {
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.files.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&ok(&self.archive, &all)).unwrap()
    }

    fn add(&self, path: &str, extra: &[&str]) -> Value {
        let mut args = vec!["evidence", "add", path];
        args.extend(extra);
        self.json(&args)
    }

    fn out(&self, name: &str) -> String {
        self.files.join(name).to_str().unwrap().to_string()
    }

    fn blob_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let top = self.archive.join("blobs/sha256");
        for shard in std::fs::read_dir(&top).into_iter().flatten() {
            for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
                out.push(f.unwrap().path());
            }
        }
        out
    }

    fn blob_path(&self, sha: &str) -> PathBuf {
        self.archive.join("blobs/sha256").join(&sha[..2]).join(sha)
    }

    /// The records of `kind` visible at `clearance`.
    fn records(&self, kind: &str, clearance: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(&ok(
            &self.archive,
            &["export", "--format", "json", "--clearance", clearance],
        ))
        .unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == kind)
            .cloned()
            .collect()
    }
}

/// The SHA-256 `sha256sum` gives (what anyone checking the archive's claims would use).
fn sha256_hex(bytes: &[u8]) -> String {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), bytes).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().next().unwrap().to_string()
}

fn make_writable(path: &Path) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).unwrap();
}

// ---- Tests. ----

#[test]
fn a_jpeg_with_exif_round_trips_and_its_claims_are_recorded() {
    let s = setup();
    let photo = jpeg_with_exif();
    let path = s.file("evin.jpg", &photo);
    let added = s.add(&path, &["--note", "given by a relative"]);
    assert_eq!(added["sha256"], sha256_hex(&photo));
    assert_eq!(added["size"], photo.len());
    assert_eq!(added["media_type"], "image/jpeg");
    assert_eq!(added["existing"], false);
    assert!(added["warnings"].as_array().unwrap().is_empty());
    let id = added["evidence"].as_str().unwrap();

    let record: Value = serde_json::from_str(&ok(&s.archive, &["show", id, "--json"])).unwrap();
    assert_eq!(record["sha256"], added["sha256"]);
    assert_eq!(record["original_name"], "evin.jpg");
    assert_eq!(record["acquired_by"], "tester");
    assert_eq!(record["note"], "given by a relative");
    assert!(record["acquired"].is_string() || record["acquired"].is_object());
    let m = &record["metadata"];
    assert_eq!(m["make"], "Canon");
    assert_eq!(m["model"], "Canon EOS 5D");
    assert_eq!(m["software"], "GIMP 2.10");
    assert_eq!(m["date_time_original"], "1988-08-15T06:30:00");
    assert_eq!(m["gps"]["lat"], 35.7966667);
    assert_eq!(m["gps"]["lon"], 51.3855556);

    // The text output leads with the hash and the id, and calls the metadata claims.
    let text = ok(
        &s.archive,
        &["evidence", "add", &s.file("again.jpg", &photo)],
    );
    assert!(
        text.starts_with(&format!("{}  {id}", added["sha256"].as_str().unwrap())),
        "{text}"
    );

    let out = s.out("copy.jpg");
    ok(&s.archive, &["evidence", "get", id, "--out", &out]);
    assert_eq!(std::fs::read(&out).unwrap(), photo);
}

#[test]
fn a_png_and_an_arbitrary_binary_round_trip() {
    let s = setup();
    for (name, bytes, media) in [
        ("grey.png", png(), "image/png"),
        ("dump.bin", binary(), "application/octet-stream"),
    ] {
        let added = s.add(&s.file(name, &bytes), &[]);
        assert_eq!(added["media_type"], media, "{name}");
        assert_eq!(added["sha256"], sha256_hex(&bytes));
        let id = added["evidence"].as_str().unwrap();
        let record: Value = serde_json::from_str(&ok(&s.archive, &["show", id, "--json"])).unwrap();
        assert!(record.get("metadata").is_none(), "{name} claims nothing");
        let out = s.out(&format!("{name}.copy"));
        let copy = s.json(&["evidence", "get", id, "--out", &out]);
        assert_eq!(copy["size"], bytes.len());
        assert_eq!(std::fs::read(&out).unwrap(), bytes, "{name}");
    }
    // The blob is stored read-only under its hash.
    for f in s.blob_files() {
        assert!(std::fs::metadata(&f).unwrap().permissions().readonly());
    }
    assert_eq!(s.blob_files().len(), 2);
}

#[test]
fn the_same_bytes_twice_are_one_blob_and_one_item_with_two_acquisitions() {
    let s = setup();
    let bytes = binary();
    let first = s.add(&s.file("tape.bin", &bytes), &["--note", "from the family"]);
    let second = s.add(
        &s.file("tape-copy.bin", &bytes),
        &["--note", "the same tape, sent again by a lawyer"],
    );
    assert_eq!(second["existing"], true);
    assert_eq!(second["new_blob"], false);
    assert_eq!(second["evidence"], first["evidence"]);
    assert_ne!(second["custody"], first["custody"]);
    assert_eq!(s.blob_files().len(), 1);
    assert_eq!(s.records("evidence", "public").len(), 1);

    let id = first["evidence"].as_str().unwrap();
    let chain = s.json(&["evidence", "custody", id]);
    let acquired: Vec<&Value> = chain
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "acquired")
        .collect();
    assert_eq!(acquired.len(), 2);
    assert_eq!(
        acquired[1]["notes"],
        "the same tape, sent again by a lawyer"
    );

    // And the text output says so.
    let text = ok(
        &s.archive,
        &["evidence", "add", &s.file("third.bin", &bytes)],
    );
    assert!(
        text.contains("already evidence") && text.contains(id),
        "{text}"
    );
}

#[test]
fn the_media_type_comes_from_the_bytes_not_the_name() {
    let s = setup();
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let added = s.add(&s.file("photo.jpg", pdf), &[]);
    assert_eq!(added["media_type"], "application/pdf");
    let warning = added["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains(".jpg") && warning.contains("application/pdf"),
        "{warning}"
    );
    let record: Value = serde_json::from_str(&ok(
        &s.archive,
        &["show", added["evidence"].as_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(record["media_type"], "application/pdf");
    assert_eq!(record["original_name"], "photo.jpg");
}

#[test]
fn a_flipped_byte_in_a_stored_file_is_caught_by_verify_naming_the_evidence() {
    let s = setup();
    let photo = jpeg_with_exif();
    let added = s.add(&s.file("evin.jpg", &photo), &[]);
    let id = added["evidence"].as_str().unwrap();
    let sha = added["sha256"].as_str().unwrap();
    let v = s.json(&["verify"]);
    assert_eq!(v["blobs"], 1);

    let blob = s.blob_path(sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x01;
    make_writable(&blob);
    std::fs::write(&blob, &bytes).unwrap();

    let err = fails(&s.archive, &["verify"]);
    assert!(err.contains("FAILED"), "{err}");
    assert!(
        err.contains(id) && err.contains(sha) && err.contains("altered"),
        "{err}"
    );

    // A copy of the altered file is refused, and nothing is written or logged.
    let size = log_size_unverified(&s.archive);
    let out = s.out("copy.jpg");
    let err = fails(&s.archive, &["evidence", "get", id, "--out", &out]);
    assert!(err.contains(id) && err.contains("altered"), "{err}");
    assert!(!Path::new(&out).exists());
    assert_eq!(log_size_unverified(&s.archive), size);
    let leftovers: Vec<_> = std::fs::read_dir(&s.files)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".rightsdoc-copy-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A missing file is named too.
    std::fs::remove_file(&blob).unwrap();
    let err = fails(&s.archive, &["verify"]);
    assert!(err.contains(id) && err.contains("missing"), "{err}");
}

/// The number of operations in the log, read from the SQLite store directly (`verify`
/// refuses to count while a blob is damaged).
fn log_size_unverified(archive: &Path) -> u64 {
    let db = rusqlite::Connection::open(archive.join("archive.db")).unwrap();
    db.query_row("SELECT COUNT(*) FROM log", [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn a_confidential_item_is_refused_at_public_clearance() {
    let s = setup();
    let added = s.add(
        &s.file("witness.bin", b"a witness statement, recorded"),
        &["--classification", "confidential"],
    );
    let id = added["evidence"].as_str().unwrap();
    let before = log_size(&s.archive);
    let out = s.out("leak.bin");

    let err = fails(&s.archive, &["evidence", "get", id, "--out", &out]);
    assert!(
        err.contains(id) && err.contains("clearance public"),
        "{err}"
    );
    let err = fails(
        &s.archive,
        &[
            "evidence",
            "get",
            id,
            "--out",
            &out,
            "--clearance",
            "restricted",
        ],
    );
    assert!(err.contains("clearance restricted"), "{err}");
    // Cleared, but a confidential copy needs a reason.
    let err = fails(
        &s.archive,
        &[
            "evidence",
            "get",
            id,
            "--out",
            &out,
            "--clearance",
            "confidential",
        ],
    );
    assert!(err.contains("--reason"), "{err}");
    assert!(!Path::new(&out).exists());
    assert_eq!(log_size(&s.archive), before, "refusals write nothing");
    fails(&s.archive, &["evidence", "custody", id]);
    fails(
        &s.archive,
        &["evidence", "hand-over", id, "--to", "x", "--reason", "y"],
    );

    ok(
        &s.archive,
        &[
            "evidence",
            "get",
            id,
            "--out",
            &out,
            "--clearance",
            "confidential",
            "--reason",
            "translation for the prosecutor",
        ],
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"a witness statement, recorded"
    );

    // Its custody entries are confidential too: nothing about the item leaves at public.
    assert!(s.records("custody", "public").is_empty());
    assert!(s.records("evidence", "public").is_empty());
    assert_eq!(s.records("custody", "confidential").len(), 2);
    let public_export = ok(&s.archive, &["export", "--format", "json"]);
    assert!(!public_export.contains(id) && !public_export.contains("prosecutor"));
}

#[test]
fn an_item_made_confidential_later_takes_its_custody_entries_with_it() {
    let s = setup();
    let added = s.add(&s.file("photo.png", &png()), &[]);
    let id = added["evidence"].as_str().unwrap();
    ok(
        &s.archive,
        &[
            "evidence",
            "hand-over",
            id,
            "--to",
            "a journalist",
            "--reason",
            "publication",
        ],
    );
    assert_eq!(s.records("custody", "public").len(), 2);
    ok(
        &s.archive,
        &[
            "edit",
            id,
            "--data",
            r#"{"classification": "confidential"}"#,
        ],
    );
    assert!(s.records("custody", "public").is_empty());
    assert_eq!(s.records("custody", "confidential").len(), 2);
    // A custody entry written by hand cannot be less secret than its item.
    let cus = ok(
        &s.archive,
        &[
            "add",
            "custody",
            "--data",
            &format!(r#"{{"evidence": "{id}", "action": "accessed"}}"#),
        ],
    );
    let shown: Value = serde_json::from_str(&ok(
        &s.archive,
        &["show", &cus, "--json", "--clearance", "confidential"],
    ))
    .unwrap();
    assert_eq!(shown["classification"], "confidential");
    ok(&s.archive, &["verify"]);
}

#[test]
fn the_chain_of_custody_lists_acquisition_hand_over_and_copy_with_actors_and_reasons() {
    let s = setup();
    let photo = jpeg_with_exif();
    let added = s.add(
        &s.file("grave-site.jpg", &photo),
        &["--note", "taken at Khavaran"],
    );
    let id = added["evidence"].as_str().unwrap();
    ok(
        &s.archive,
        &[
            "--actor",
            "alice",
            "evidence",
            "hand-over",
            id,
            "--to",
            "bob",
            "--reason",
            "forensic review",
        ],
    );
    let out = s.out("for-court.jpg");
    ok(
        &s.archive,
        &[
            "--actor",
            "bob",
            "evidence",
            "get",
            id,
            "--out",
            &out,
            "--reason",
            "exhibit for the tribunal",
        ],
    );

    let chain = s.json(&["evidence", "custody", id]);
    let chain = chain.as_array().unwrap();
    let actions: Vec<&str> = chain
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["record created", "acquired", "handed_over", "copied"]
    );
    let seqs: Vec<u64> = chain.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in log order: {seqs:?}"
    );
    assert_eq!(chain[0]["logged_by"], "tester");
    assert_eq!(chain[1]["actor"], "tester");
    assert_eq!(chain[1]["notes"], "taken at Khavaran");
    assert_eq!(chain[2]["actor"], "alice");
    assert_eq!(chain[2]["from"], "alice");
    assert_eq!(chain[2]["to"], "bob");
    assert_eq!(chain[2]["reason"], "forensic review");
    assert_eq!(chain[3]["actor"], "bob");
    assert_eq!(chain[3]["reason"], "exhibit for the tribunal");
    assert!(chain[3]["to"].as_str().unwrap().ends_with("for-court.jpg"));
    for e in chain {
        assert!(e["time"].as_str().unwrap().ends_with('Z'), "{e}");
    }

    let text = ok(&s.archive, &["evidence", "custody", id]);
    for want in [
        "handed_over",
        "from alice to bob",
        "why: forensic review",
        "why: exhibit for the tribunal",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn a_derived_copy_points_at_its_original() {
    let s = setup();
    let original = s.add(&s.file("full.jpg", &jpeg_with_exif()), &[]);
    let id = original["evidence"].as_str().unwrap();
    let thumb = s.add(
        &s.file("thumb.png", &png()),
        &["--derived-from", id, "--derivation", "thumbnail"],
    );
    let record: Value = serde_json::from_str(&ok(
        &s.archive,
        &["show", thumb["evidence"].as_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(record["derived_from"], id);
    assert_eq!(record["derivation"], "thumbnail");
    assert_eq!(
        s.blob_files().len(),
        2,
        "a derived copy is a blob of its own"
    );
}

#[test]
fn bad_requests_are_one_line_naming_the_file_or_id_and_store_nothing() {
    let s = setup();
    let before = log_size(&s.archive);
    let path = s.file("photo.png", &png());
    for (args, want) in [
        (
            vec!["evidence", "add", "/nonexistent/x.jpg"],
            "/nonexistent/x.jpg",
        ),
        (
            vec!["evidence", "add", &path, "--derived-from", "evd_x"],
            "derivation",
        ),
        (
            vec![
                "evidence",
                "add",
                &path,
                "--derived-from",
                "evd_nothere",
                "--derivation",
                "redacted",
            ],
            "evd_nothere",
        ),
        (
            vec!["evidence", "add", &path, "--source", "src_nothere"],
            "src_nothere",
        ),
        (vec!["evidence", "add", &path, "--source", "psn_x"], "psn_x"),
        (
            vec![
                "evidence",
                "add",
                &path,
                "--derived-from",
                "evd_x",
                "--derivation",
                "colourised",
            ],
            "colourised",
        ),
        (
            vec!["evidence", "get", "evd_nothere", "--out", "/tmp/x"],
            "evd_nothere",
        ),
        (vec!["evidence", "custody", "evd_nothere"], "evd_nothere"),
    ] {
        let err = fails(&s.archive, &args);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(
            err.contains("photo.png") || !args.contains(&"add") || want.starts_with('/'),
            "{err}"
        );
    }
    assert_eq!(log_size(&s.archive), before);
    assert!(s.blob_files().is_empty(), "nothing stored");

    // An existing --out is never overwritten.
    let added = s.add(&path, &[]);
    let out = s.file("taken.bin", b"mine");
    let err = fails(
        &s.archive,
        &[
            "evidence",
            "get",
            added["evidence"].as_str().unwrap(),
            "--out",
            &out,
        ],
    );
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
}

/// What an item's file is cannot be edited away: the original is never modified, so another
/// file is another item. Notes about the item may still change.
#[test]
fn the_file_an_item_describes_cannot_be_edited() {
    let s = setup();
    let added = s.add(&s.file("grey.png", &png()), &[]);
    let id = added["evidence"].as_str().unwrap();
    let before = log_size(&s.archive);
    for patch in [
        format!(r#"{{"sha256": "{}"}}"#, "0".repeat(64)),
        r#"{"size": 1}"#.to_string(),
        r#"{"media_type": "text/plain"}"#.to_string(),
        r#"{"original_name": "other.png"}"#.to_string(),
    ] {
        let err = fails(&s.archive, &["edit", id, "--data", &patch]);
        assert!(
            err.contains("cannot be edited") && err.contains(id),
            "{err}"
        );
    }
    assert_eq!(
        log_size(&s.archive),
        before,
        "a refused edit writes nothing"
    );
    ok(
        &s.archive,
        &["edit", id, "--data", r#"{"note": "scanned at the office"}"#],
    );
    assert_eq!(log_size(&s.archive), before + 1);
}

/// Content credentials made here with the `c2pa` crate's Builder and a certificate chain
/// generated at test time, stored through `rightsdoc evidence add`.
#[cfg(feature = "c2pa")]
mod content_credentials {
    use super::*;
    use base64::Engine;
    use c2pa::{Builder, BuilderIntent, Context, EphemeralSigner, Signer};

    /// `png()` signed as a camera capture by `signer`.
    fn signed(signer: &EphemeralSigner) -> Vec<u8> {
        let definition = r#"{"title": "gate.png",
            "claim_generator_info": [{"name": "Field Camera", "version": "2.1"}]}"#;
        let mut builder = Builder::from_context(Context::new())
            .with_definition(definition)
            .unwrap();
        builder.set_intent(BuilderIntent::Create(
            c2pa::assertions::DigitalSourceType::DigitalCapture,
        ));
        let mut out = std::io::Cursor::new(Vec::new());
        builder
            .sign(
                signer,
                "image/png",
                &mut std::io::Cursor::new(png()),
                &mut out,
            )
            .unwrap();
        out.into_inner()
    }

    fn ca_pem(signer: &EphemeralSigner) -> String {
        let der = signer.certs().unwrap().pop().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<String> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn credentials_are_recorded_as_claims_untrusted_trusted_or_invalid() {
        let s = setup();
        let signer = EphemeralSigner::new("Field Camera Signer").unwrap();
        let photo = signed(&signer);

        // Stored and shown as claims; the signer is unknown to this archive.
        let text = ok(
            &s.archive,
            &["evidence", "add", &s.file("gate.png", &photo)],
        );
        assert!(
            text.contains("claims the file makes, not verified"),
            "{text}"
        );
        assert!(
            text.contains("C2PA content credentials: untrusted")
                && text.contains("signed by Field Camera Signer")
                && text.contains("made with Field Camera 2.1")
                && text.contains("c2pa.created"),
            "{text}"
        );
        let id = text.split_whitespace().nth(1).unwrap();
        let record: Value = serde_json::from_str(&ok(&s.archive, &["show", id, "--json"])).unwrap();
        let c = &record["metadata"]["c2pa"];
        assert_eq!(c["state"], "untrusted", "{record}");
        assert_eq!(c["signer"], "Field Camera Signer");
        assert_eq!(c["claim_generator"], "Field Camera 2.1");
        assert_eq!(c["manifests"], 1);

        // One byte of the image changed: the same claims, now invalid, and the file is kept.
        let mut tampered = photo.clone();
        let idat = tampered.windows(4).position(|w| w == b"IDAT").unwrap();
        tampered[idat + 6] ^= 0x01;
        let added = s.add(&s.file("gate-2.png", &tampered), &[]);
        let c = &added["metadata"]["c2pa"];
        assert_eq!(c["state"], "invalid", "{added}");
        assert!(c["reason"].as_str().unwrap().contains("tampered"), "{c}");
        assert_eq!(c["signer"], "Field Camera Signer");

        // With the signer's CA among the archive's trust anchors, a new file of that signer
        // is trusted (what was recorded before stays as it was recorded).
        std::fs::write(s.archive.join("c2pa-trust-anchors.pem"), ca_pem(&signer)).unwrap();
        let again = signed(&signer);
        let added = s.add(&s.file("gate-3.png", &again), &[]);
        assert_eq!(added["metadata"]["c2pa"]["state"], "trusted", "{added}");
        let old: Value = serde_json::from_str(&ok(&s.archive, &["show", id, "--json"])).unwrap();
        assert_eq!(old["metadata"]["c2pa"]["state"], "untrusted");
        ok(&s.archive, &["verify"]);
    }
}
