//! Court bundles end to end: export, verify, tamper with every file, canaries, public tools.

use rightsdoc_archive::{Archive, EvidenceInput};
use rightsdoc_bundle::{BundleError, Selection, export_bundle, verify_bundle};
use rightsdoc_model::Classification;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const CANARY: &str = "CANARY-WITNESS-Zq81x";
const CANARY_ALIAS: &str = "CANARY-ALIAS-Pw27k";
/// Planted in the bytes of a confidential evidence file.
const CANARY_FILE: &str = "CANARY-FILE-Hh40q";

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    archive: Archive,
    victim: String,
    testimony: String,
    act: String,
    event: String,
    place: String,
    unrelated: String,
    secret: String,
    /// A public photo (the victim's), and a confidential recording.
    photo: String,
    photo_sha: String,
    recording: String,
    recording_sha: String,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let id = |r: rightsdoc_model::Record| r.id;
    let testimony = id(a
        .add(
            json!({"kind": "source", "title": "Testimony of a survivor", "source_type": "testimony",
                     "witness": CANARY}),
        )
        .unwrap());
    let report = id(a
        .add(
            json!({"kind": "source", "title": "Blood-soaked secrets", "source_type": "report",
                     "publisher": "Amnesty International", "reliability": "B"}),
        )
        .unwrap());
    let place = id(a
        .add(json!({"kind": "place", "names": ["Evin prison"], "place_type": "prison"}))
        .unwrap());
    let victim = id(a
        .add(json!({"kind": "person",
                     "names": ["محمد رضایی", {"value": CANARY_ALIAS, "classification": "confidential"}],
                     "citations": [{"source": testimony}]}))
        .unwrap());
    let event = id(a
        .add(json!({"kind": "event", "title": "Executions at Evin prison", "period": "1988-07/1988-09",
                     "places": [place], "citations": [{"source": report, "locator": "p. 12"}]}))
        .unwrap());
    let act = id(a
        .add(
            json!({"kind": "act", "event": event, "victim": victim, "act_type": "execution",
                     "date": "1988-08~"}),
        )
        .unwrap());
    let unrelated = id(a
        .add(json!({"kind": "person", "names": ["Someone Else"]}))
        .unwrap());
    let secret = id(a
        .add(json!({"kind": "person", "names": ["CANARY-CONF-RECORD"], "classification": "confidential"}))
        .unwrap());
    let photo = a
        .add_evidence(
            &mut &b"\x89PNG\r\n\x1a\n a photograph of the victim"[..],
            &EvidenceInput {
                original_name: Some("victim.png".into()),
                source: Some(report.clone()),
                ..EvidenceInput::default()
            },
        )
        .unwrap();
    let recording = a
        .add_evidence(
            &mut format!("a recorded statement by {CANARY_FILE}").as_bytes(),
            &EvidenceInput {
                original_name: Some("statement.txt".into()),
                source: Some(testimony.clone()),
                classification: Classification::Confidential,
                ..EvidenceInput::default()
            },
        )
        .unwrap();
    a.edit(&victim, &json!({"photo": photo.evidence})).unwrap();
    a.edit(&victim, &json!({"birth": "1962"})).unwrap();
    a.edit(&victim, &json!({"sex": "male"})).unwrap();
    Fixture {
        _tmp: tmp,
        dir,
        archive: a,
        victim,
        testimony,
        act,
        event,
        place,
        unrelated,
        secret,
        photo: photo.evidence,
        photo_sha: photo.sha256,
        recording: recording.evidence,
        recording_sha: recording.sha256,
    }
}

/// Every file of a bundle ZIP: (name in the ZIP, content).
fn entries(zip_path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

fn write_zip(path: &Path, files: &[(String, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

fn extract(zip_path: &Path, into: &Path) -> PathBuf {
    let files = entries(zip_path);
    for (name, bytes) in &files {
        let p = into.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    into.join(files[0].0.split('/').next().unwrap())
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a careful forger does after changing files: rewrite both manifests and the
/// Payload-Oxum so that every sum matches again.
fn reseal(files: &mut [(String, Vec<u8>)]) {
    let prefix = files[0].0.split('/').next().unwrap().to_string() + "/";
    let rel = |n: &str| n.strip_prefix(&prefix).unwrap().to_string();
    let mut manifest = String::new();
    let (mut bytes, mut count) = (0, 0);
    for (n, b) in files.iter() {
        if rel(n).starts_with("data/") {
            manifest.push_str(&format!("{}  {}\n", sha(b), rel(n)));
            bytes += b.len();
            count += 1;
        }
    }
    for (n, b) in files.iter_mut() {
        if rel(n) == "manifest-sha256.txt" {
            *b = manifest.clone().into_bytes();
        }
        if rel(n) == "bag-info.txt" {
            let text = String::from_utf8(b.clone()).unwrap();
            let fixed: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("Payload-Oxum: ") {
                        format!("Payload-Oxum: {bytes}.{count}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            *b = fixed.into_bytes();
        }
    }
    let mut tags = String::new();
    for (n, b) in files.iter() {
        let r = rel(n);
        if !r.starts_with("data/") && r != "tagmanifest-sha256.txt" {
            tags.push_str(&format!("{}  {r}\n", sha(b)));
        }
    }
    for (n, b) in files.iter_mut() {
        if rel(n) == "tagmanifest-sha256.txt" {
            *b = tags.clone().into_bytes();
        }
    }
}

fn export(f: &mut Fixture, sel: &Selection, clearance: Classification, name: &str) -> PathBuf {
    let out = f.dir.parent().unwrap().join(name);
    export_bundle(&mut f.archive, sel, clearance, &out).unwrap();
    out
}

fn file_of<'a>(files: &'a [(String, Vec<u8>)], rel: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|(n, _)| n.split_once('/').unwrap().1 == rel)
        .unwrap_or_else(|| panic!("no {rel} in the bundle"))
        .1
}

#[test]
fn a_bundle_round_trips_and_verifies() {
    let mut f = fixture();
    let out = export(
        &mut f,
        &Selection::everything(),
        Classification::Public,
        "case.zip",
    );
    let report = verify_bundle(&out, None).unwrap();
    assert_eq!(report.bag, "case");
    assert_eq!(report.origin, f.archive.origin());
    assert_eq!(report.clearance, Classification::Public);
    // Everything visible at public: 2 sources, place, 2 persons, event, act, the photo and
    // its `acquired` custody entry (not the secret person, nor the confidential recording).
    assert_eq!(report.records, 9, "{report:?}");
    assert_eq!(report.evidence_files, 1, "{report:?}");
    assert_eq!(report.evidence_proven, 1, "{report:?}");
    assert!(report.evidence_missing.is_empty(), "{report:?}");
    assert!(!report.trusted_key_checked);
    assert!(report.payloads_withheld >= 4, "{report:?}");
    // The victim's latest version holds a confidential alias, the testimony a witness.
    assert!(report.records_unproven.contains(&f.victim));
    assert!(report.records_unproven.contains(&f.testimony));
    assert_eq!(report.records_proven + report.records_unproven.len(), 9);

    let files = entries(&out);
    let records = String::from_utf8(file_of(&files, "data/records.json").to_vec()).unwrap();
    assert!(!records.contains(&f.secret));
    assert!(!records.contains(&f.recording));
    let photo = format!("data/evidence/{}", f.photo_sha);
    assert_eq!(
        file_of(&files, &photo),
        b"\x89PNG\r\n\x1a\n a photograph of the victim"
    );
    // The leaf of every line is recomputable from the header text alone.
    let ops = String::from_utf8(file_of(&files, "data/log/operations.jsonl").to_vec()).unwrap();
    for line in ops.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(v["header"].as_str().unwrap().as_bytes());
        assert_eq!(hex::encode(h.finalize()), v["leaf"].as_str().unwrap());
    }

    // With the archive's own key, obtained separately: origin proven.
    let key = std::fs::read_to_string(f.dir.join("keys/verifier.key")).unwrap();
    assert!(verify_bundle(&out, Some(&key)).unwrap().trusted_key_checked);
    // With another archive's key: refused, naming the checkpoint.
    let other = tempfile::tempdir().unwrap();
    Archive::init(other.path(), "x").unwrap();
    let other_key = std::fs::read_to_string(other.path().join("keys/verifier.key")).unwrap();
    let err = verify_bundle(&out, Some(&other_key))
        .unwrap_err()
        .to_string();
    assert!(err.contains("data/log/checkpoint.txt"), "{err}");
    assert!(err.contains("trusted key"), "{err}");
}

#[test]
fn a_selection_brings_what_it_references_and_every_operation_of_its_history() {
    let mut f = fixture();
    let sel = Selection::ids([f.act.clone()]);
    let out = export(&mut f, &sel, Classification::Public, "act.zip");
    let report = verify_bundle(&out, None).unwrap();
    let files = entries(&out);
    let records = String::from_utf8(file_of(&files, "data/records.json").to_vec()).unwrap();
    let ids: Vec<String> = serde_json::from_str::<Vec<Value>>(&records)
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for wanted in [&f.act, &f.event, &f.victim, &f.testimony, &f.photo] {
        assert!(ids.contains(wanted), "{wanted} missing from {ids:?}");
    }
    assert!(!ids.contains(&f.unrelated), "{ids:?}");
    assert!(!ids.contains(&f.secret), "{ids:?}");
    assert!(ids.contains(&f.place), "the event's place: {ids:?}");
    assert_eq!(report.records, ids.len());

    // The photo's chain of custody came with it, and its file.
    assert!(ids.iter().any(|i| i.starts_with("cus_")), "{ids:?}");
    file_of(&files, &format!("data/evidence/{}", f.photo_sha));
    assert_eq!(report.evidence_files, 1);

    // The victim was created and edited three times: every operation is in, each with a proof.
    let ops = String::from_utf8(file_of(&files, "data/log/operations.jsonl").to_vec()).unwrap();
    let victim_ops: Vec<Value> = ops
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| {
            let h: Value = serde_json::from_str(v["header"].as_str().unwrap()).unwrap();
            h["target"] == f.victim.as_str()
        })
        .collect();
    assert_eq!(victim_ops.len(), 4, "{victim_ops:?}");
    let history = f
        .archive
        .history(&f.victim, Classification::Confidential)
        .unwrap();
    assert_eq!(history.len(), 4);
    for (op, h) in victim_ops.iter().zip(&history) {
        assert_eq!(op["seq"].as_u64().unwrap(), h.seq);
        let proof = format!("data/log/proofs/{}.tlog-proof", h.seq);
        let text = String::from_utf8(file_of(&files, &proof).to_vec()).unwrap();
        assert!(text.starts_with(&format!("c2sp.org/tlog-proof@v1\nindex {}\n", h.seq)));
    }
    // The archive's first operation (origin and key) is in too.
    assert!(ops.lines().next().unwrap().starts_with("{\"seq\":0,"));

    // An id the clearance may not see is refused, without saying whether it exists.
    let err = export_bundle(
        &mut f.archive,
        &Selection::ids([f.secret.clone()]),
        Classification::Public,
        &f.dir.parent().unwrap().join("no.zip"),
    )
    .unwrap_err();
    assert!(matches!(err, BundleError::NotVisible(_)), "{err}");
    assert!(!f.dir.parent().unwrap().join("no.zip").exists());
}

#[test]
fn a_confidential_value_never_reaches_a_public_bundle_and_does_reach_a_confidential_one() {
    let mut f = fixture();
    let sel = Selection::everything();
    for (clearance, expect) in [
        (Classification::Public, false),
        (Classification::Restricted, false),
        (Classification::Confidential, true),
    ] {
        let out = export(&mut f, &sel, clearance, &format!("{clearance}.zip"));
        let report = verify_bundle(&out, None).unwrap();
        let raw = std::fs::read(&out).unwrap();
        let mut all = raw.clone();
        for (name, bytes) in entries(&out) {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(&bytes);
        }
        for canary in [CANARY, CANARY_ALIAS, CANARY_FILE, "CANARY-CONF-RECORD"] {
            let found = all.windows(canary.len()).any(|w| w == canary.as_bytes());
            assert_eq!(found, expect, "{canary} at {clearance}");
        }
        let sha = f.recording_sha.as_bytes();
        let found = all.windows(sha.len()).any(|w| w == sha);
        assert_eq!(found, expect, "the recording's digest at {clearance}");
        assert_eq!(report.evidence_files, if expect { 2 } else { 1 });
        if expect {
            // Exporting the confidential recording is in its chain of custody, and the entry is
            // in the bundle it describes.
            let chain = f.archive.custody_chain(&f.recording, clearance).unwrap();
            let exported: Vec<_> = chain
                .iter()
                .filter(|c| c.action.contains("export"))
                .collect();
            assert_eq!(exported.len(), 1, "{chain:?}");
            let records =
                String::from_utf8(file_of(&entries(&out), "data/records.json").to_vec()).unwrap();
            assert!(records.contains("\"action\":\"exported\""), "{records}");
            assert_eq!(report.records_unproven, Vec::<String>::new());
        }
    }
}

#[test]
fn a_flipped_byte_in_any_file_is_detected_and_named() {
    let mut f = fixture();
    let out = export(
        &mut f,
        &Selection::everything(),
        Classification::Public,
        "flip.zip",
    );
    let files = entries(&out);
    let tampered = f.dir.parent().unwrap().join("tampered.zip");
    let mut checked = 0;
    for i in 0..files.len() {
        let rel = files[i].0.split_once('/').unwrap().1.to_string();
        let len = files[i].1.len();
        assert!(len > 0, "{rel} is empty");
        for pos in [0, len / 2, len - 1] {
            for mask in [0x01u8, 0x20, 0x80] {
                let mut copy = files.clone();
                copy[i].1[pos] ^= mask;
                write_zip(&tampered, &copy);
                let err = match verify_bundle(&tampered, None) {
                    Ok(_) => panic!("{rel}: byte {pos} ^ {mask:#x} went unnoticed"),
                    Err(e) => e.to_string(),
                };
                assert!(
                    err.contains(&rel),
                    "{rel}: byte {pos} ^ {mask:#x}: the error does not name the file: {err}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 9 * 16, "{checked}");
}

#[test]
fn a_forger_who_rewrites_the_manifests_is_still_caught() {
    let mut f = fixture();
    let out = export(
        &mut f,
        &Selection::everything(),
        Classification::Public,
        "forge.zip",
    );
    let files = entries(&out);
    let forged = f.dir.parent().unwrap().join("forged.zip");
    let mut cases = 0;
    for i in 0..files.len() {
        let rel = files[i].0.split_once('/').unwrap().1.to_string();
        // Only the plain-language files may change without the log noticing: they describe
        // the bag and are covered by the tag manifest alone.
        if matches!(rel.as_str(), "README.txt" | "tools/check_proofs.py")
            || rel.ends_with("manifest-sha256.txt")
            || rel == "bag-info.txt"
        {
            continue;
        }
        let len = files[i].1.len();
        for pos in [0, len / 3, len / 2, len - 2] {
            let mut copy = files.clone();
            copy[i].1[pos] ^= 0x01;
            reseal(&mut copy);
            write_zip(&forged, &copy);
            let err = match verify_bundle(&forged, None) {
                Ok(_) => panic!("{rel}: byte {pos} changed and resealed went unnoticed"),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(&rel), "{rel} byte {pos}: {err}");
            cases += 1;
        }
    }
    assert!(cases > 20);

    // One file of the bag rewritten and every manifest line recomputed, as a forger would:
    // verification's error.
    let forge = |suffix: &str, edit: &dyn Fn(String) -> String| -> String {
        let mut copy = files.clone();
        let i = copy.iter().position(|(n, _)| n.ends_with(suffix)).unwrap();
        let text = String::from_utf8(copy[i].1.clone()).unwrap();
        let changed = edit(text.clone());
        assert_ne!(text, changed, "{suffix} was not changed");
        copy[i].1 = changed.into_bytes();
        reseal(&mut copy);
        write_zip(&forged, &copy);
        verify_bundle(&forged, None).unwrap_err().to_string()
    };

    // A record changed with its manifest lines recomputed: named by file and line.
    let err = forge("data/records.json", &|t| {
        t.replacen("Someone Else", "Someone Elsa", 1)
    });
    assert!(err.starts_with("data/records.json line "), "{err}");
    assert!(err.contains("differs from the payload"), "{err}");

    // A hash of an inclusion proof changed: the proof no longer leads to the signed root.
    let err = forge("data/log/proofs/1.tlog-proof", &|t| {
        let mut lines: Vec<String> = t.split('\n').map(str::to_string).collect();
        lines[2] = lines[2]
            .chars()
            .enumerate()
            .map(|(k, c)| match (k, c) {
                (3, 'A') => 'B',
                (3, _) => 'A',
                _ => c,
            })
            .collect();
        lines.join("\n")
    });
    assert!(
        err.starts_with("data/log/proofs/1.tlog-proof: does not prove operation 1"),
        "{err}"
    );

    // A shown payload changed: its digest in the header no longer matches.
    let err = forge("data/log/operations.jsonl", &|t| {
        t.replacen("Someone Else", "Someone Elsa", 1)
    });
    assert!(err.starts_with("data/log/operations.jsonl line "), "{err}");
    assert!(err.contains("does not match the digest"), "{err}");

    // A file added to the bag and listed in the manifest: refused.
    let mut copy = files.clone();
    let prefix = copy[0].0.split('/').next().unwrap().to_string();
    copy.push((format!("{prefix}/data/extra.txt"), b"planted".to_vec()));
    reseal(&mut copy);
    write_zip(&forged, &copy);
    let err = verify_bundle(&forged, None).unwrap_err().to_string();
    assert!(err.contains("data/extra.txt"), "{err}");

    // A proof file removed with its manifest line.
    let mut copy = files.clone();
    copy.retain(|(n, _)| !n.ends_with("data/log/proofs/0.tlog-proof"));
    reseal(&mut copy);
    write_zip(&forged, &copy);
    let err = verify_bundle(&forged, None).unwrap_err().to_string();
    assert!(err.contains("data/log/proofs/0.tlog-proof"), "{err}");
}

/// Extract a fresh public bundle for the public-tools tests.
fn extracted(name: &str) -> (Fixture, tempfile::TempDir, PathBuf) {
    let mut f = fixture();
    let sel = Selection::ids([f.act.clone(), f.event.clone()]);
    let out = export(&mut f, &sel, Classification::Public, name);
    let into = tempfile::tempdir().unwrap();
    let bag = extract(&out, into.path());
    (f, into, bag)
}

/// Whether a public tool is installed. Where `RIGHTSDOC_REQUIRE_PUBLIC_TOOLS` is set (CI
/// sets it), a missing tool fails the test instead of skipping its check.
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok()
        || Command::new(tool).arg("version").output().is_ok();
    assert!(
        found || std::env::var_os("RIGHTSDOC_REQUIRE_PUBLIC_TOOLS").is_none(),
        "{tool} is required here (RIGHTSDOC_REQUIRE_PUBLIC_TOOLS is set); install it"
    );
    found
}

#[test]
fn openssl_verifies_the_checkpoint_signature_with_the_pem_key() {
    if !have("openssl") {
        eprintln!("NOTE: openssl is not installed; the public-tool signature check was skipped");
        return;
    }
    let (_f, _tmp, bag) = extracted("openssl.zip");
    let run = |body: &str| {
        Command::new("openssl")
            .args([
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "data/log/verifier.pem",
                "-rawin",
            ])
            .args(["-in", body, "-sigfile", "data/log/checkpoint.sig"])
            .current_dir(&bag)
            .output()
            .unwrap()
    };
    let good = run("data/log/checkpoint.body");
    assert!(
        good.status.success(),
        "openssl refused: {} {}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).contains("Signature Verified Successfully"));
    // A changed body fails, so the check above means something.
    let body = std::fs::read_to_string(bag.join("data/log/checkpoint.body")).unwrap();
    std::fs::write(bag.join("forged.body"), body.replacen('\n', "\n9", 1)).unwrap();
    assert!(!run("forged.body").status.success());
}

#[test]
fn sha256sum_and_the_python_checker_accept_the_bag_and_catch_a_forgery() {
    let (_f, _tmp, bag) = extracted("python.zip");
    if have("sha256sum") {
        for m in ["manifest-sha256.txt", "tagmanifest-sha256.txt"] {
            let out = Command::new("sha256sum")
                .args(["-c", "--strict", m])
                .current_dir(&bag)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    } else {
        eprintln!("NOTE: sha256sum is not installed; skipped");
    }
    if !have("python3") {
        eprintln!("NOTE: python3 is not installed; the checker script was not run");
        return;
    }
    let run = |dir: &Path| {
        let out = Command::new("python3")
            .arg("tools/check_proofs.py")
            .current_dir(dir)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (ok, text) = run(&bag);
    assert!(ok, "{text}");
    assert!(text.contains("ALL CHECKS PASSED"), "{text}");
    assert!(text.contains("operations: every leaf recomputed"), "{text}");

    // Change a proof hash (and reseal the manifests as a forger would): the walk to the root fails.
    let proofs = bag.join("data/log/proofs");
    let first = std::fs::read_dir(&proofs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&first).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    if lines[2].is_empty() {
        // A proof of a one-leaf tree has no hashes; the fixture's log has more.
        panic!("expected a proof with hashes");
    }
    lines[2] = lines[2].replacen(|c: char| c.is_ascii_alphabetic(), "A", 1);
    let forged = lines.join("\n");
    let forged = if forged == text {
        forged.replacen('A', "B", 1)
    } else {
        forged
    };
    std::fs::write(&first, forged).unwrap();
    reseal_dir(&bag);
    let (ok, out) = run(&bag);
    assert!(!ok, "{out}");
    assert!(out.contains("FAILED: data/log/proofs/"), "{out}");
}

/// `reseal` for an extracted bag.
fn reseal_dir(bag: &Path) {
    let mut files = Vec::new();
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
                out.push((format!("bag/{rel}"), std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(bag, bag, &mut files);
    files.sort();
    reseal(&mut files);
    for (n, b) in files {
        std::fs::write(bag.join(n.strip_prefix("bag/").unwrap()), b).unwrap();
    }
}
