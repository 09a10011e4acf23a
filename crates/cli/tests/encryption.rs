//! Encryption at rest, as an attacker who copies the archive folder and as its users see it:
//! canaries planted in confidential fields, names, notes, imports and evidence files appear
//! nowhere in the folder's raw bytes; with the key they read back exactly; crypto-shredding
//! destroys them for good while the log still verifies.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const PASSPHRASE: &str = "a long passphrase for the test archive";

/// The binary with a passphrase (so Argon2id is exercised) instead of the test key file.
fn with_passphrase(archive: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.env_remove("RIGHTSDOC_KEY_FILE");
    if let Some(p) = passphrase {
        cmd.env("RIGHTSDOC_PASSPHRASE", p);
    }
    cmd.arg("--archive")
        .arg(archive)
        .args(args)
        .output()
        .unwrap()
}

fn run_ok(archive: &Path, args: &[&str]) -> String {
    let out = with_passphrase(archive, Some(PASSPHRASE), args);
    assert!(
        out.status.success(),
        "rightsdoc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn run_err(archive: &Path, passphrase: Option<&str>, args: &[&str]) -> String {
    let out = with_passphrase(archive, passphrase, args);
    assert!(!out.status.success(), "rightsdoc {args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The files under `dir` whose raw bytes contain `needle`.
fn holding(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| {
            std::fs::read(p)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
        .collect()
}

const CANARIES: [&str; 6] = [
    "CanaryWitnessName",
    "CANARY-NOTE-7731",
    "CanaryAliasSecret",
    "CanaryImportedName",
    "CANARY-FILE-BYTES",
    "canary-original-name",
];

struct Planted {
    _tmp: tempfile::TempDir,
    archive: PathBuf,
    witness: String,
    person: String,
    evidence: String,
    evidence_bytes: Vec<u8>,
}

fn plant() -> Planted {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    run_ok(&archive, &["init"]);
    let witness = run_ok(
        &archive,
        &[
            "add",
            "--data",
            r#"{"kind":"person","classification":"confidential","names":[{"value":"CanaryWitnessName","lang":"en"}],"notes":"CANARY-NOTE-7731"}"#,
        ],
    );
    let person = run_ok(
        &archive,
        &[
            "add",
            "--data",
            r#"{"kind":"person","names":[{"value":"Public Person"},{"value":"CanaryAliasSecret","classification":"confidential"}]}"#,
        ],
    );
    let csv = tmp.path().join("witnesses.csv");
    std::fs::write(
        &csv,
        "full_name,classification\nCanaryImportedName,confidential\n",
    )
    .unwrap();
    run_ok(
        &archive,
        &["import", csv.to_str().unwrap(), "--kind", "person"],
    );
    let evidence_bytes = b"%PDF-1.4\n testimony CANARY-FILE-BYTES of a witness\n".repeat(3000);
    let file = tmp.path().join("canary-original-name.pdf");
    std::fs::write(&file, &evidence_bytes).unwrap();
    let added: Value = serde_json::from_str(&run_ok(
        &archive,
        &[
            "--json",
            "evidence",
            "add",
            file.to_str().unwrap(),
            "--classification",
            "confidential",
            "--note",
            "CANARY-NOTE-7731 again",
        ],
    ))
    .unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(&csv).unwrap();
    // Searching builds the index, a checkpoint and a public export add their files: none
    // may hold a canary either.
    run_ok(
        &archive,
        &["--clearance", "confidential", "search", "Canary"],
    );
    run_ok(&archive, &["checkpoint"]);
    Planted {
        archive,
        witness,
        person,
        evidence: added["evidence"].as_str().unwrap().to_string(),
        evidence_bytes,
        _tmp: tmp,
    }
}

#[test]
fn a_stolen_archive_folder_reveals_no_confidential_value_and_the_key_reads_them_back() {
    let p = plant();
    for canary in CANARIES {
        let found = holding(&p.archive, canary.as_bytes());
        assert!(found.is_empty(), "`{canary}` is readable in {found:?}");
    }
    // The grep can fail: the key holder reads every canary back.
    let all = run_ok(&p.archive, &["--clearance", "confidential", "export"]);
    for canary in &CANARIES[..4] {
        assert!(all.contains(canary), "{canary} missing from {all}");
    }
    let witness = run_ok(
        &p.archive,
        &["--clearance", "confidential", "show", &p.witness],
    );
    assert!(witness.contains("CanaryWitnessName") && witness.contains("CANARY-NOTE-7731"));
    let out = p.archive.parent().unwrap().join("copy.pdf");
    run_ok(
        &p.archive,
        &[
            "--clearance",
            "confidential",
            "evidence",
            "get",
            &p.evidence,
            "--out",
            out.to_str().unwrap(),
            "--reason",
            "court request",
        ],
    );
    assert_eq!(std::fs::read(&out).unwrap(), p.evidence_bytes);
    let verified = run_ok(&p.archive, &["verify"]);
    assert!(verified.contains("evidence file"), "{verified}");
}

#[test]
fn without_the_key_public_work_goes_on_and_confidential_reads_say_how_to_unlock() {
    let p = plant();
    // Verification, public reads and statistics need no key.
    assert!(
        with_passphrase(&p.archive, None, &["verify"])
            .status
            .success()
    );
    let public = with_passphrase(&p.archive, None, &["export"]);
    assert!(public.status.success());
    let public = String::from_utf8(public.stdout).unwrap();
    assert!(public.contains("Public Person") && !public.contains("Canary"));

    let err = run_err(
        &p.archive,
        None,
        &["--clearance", "confidential", "show", &p.witness],
    );
    assert!(err.contains("RIGHTSDOC_PASSPHRASE"), "{err}");
    let err = run_err(
        &p.archive,
        None,
        &[
            "add",
            "--data",
            r#"{"kind":"person","classification":"confidential","names":["X"]}"#,
        ],
    );
    assert!(err.contains("encrypted and no key"), "{err}");
    let err = run_err(
        &p.archive,
        Some("not the passphrase at all"),
        &["--clearance", "confidential", "show", &p.witness],
    );
    assert!(err.contains("does not unlock"), "{err}");
}

#[test]
fn redaction_destroys_the_values_for_good_and_verify_reports_it() {
    let p = plant();
    let size_before: Value =
        serde_json::from_str(&run_ok(&p.archive, &["--json", "verify"])).unwrap();
    run_ok(
        &p.archive,
        &["redact", &p.person, "--reason", "the family asked"],
    );
    run_ok(
        &p.archive,
        &["redact", &p.evidence, "--reason", "witness at risk"],
    );

    let report: Value = serde_json::from_str(&run_ok(&p.archive, &["--json", "verify"])).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(
        report["operations"].as_u64().unwrap(),
        size_before["operations"].as_u64().unwrap() + 2
    );
    let shredded: Vec<&str> = report["shredded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(shredded, [p.person.as_str(), p.evidence.as_str()]);
    let text = run_ok(&p.archive, &["verify"]);
    assert!(text.contains("the family asked"), "{text}");

    // The record stays with what was public; its secret alias is gone, even with the key,
    // from the current state and from every version in its history.
    let shown = run_ok(
        &p.archive,
        &["--clearance", "confidential", "show", &p.person],
    );
    assert!(shown.contains("Public Person") && !shown.contains("CanaryAliasSecret"));
    let history = run_ok(
        &p.archive,
        &["--clearance", "confidential", "history", &p.person],
    );
    assert!(!history.contains("CanaryAliasSecret"), "{history}");
    // The evidence file no longer opens.
    let out = p.archive.parent().unwrap().join("after.pdf");
    let err = run_err(
        &p.archive,
        Some(PASSPHRASE),
        &[
            "--clearance",
            "confidential",
            "evidence",
            "get",
            &p.evidence,
            "--out",
            out.to_str().unwrap(),
            "--reason",
            "try",
        ],
    );
    assert!(err.contains("destroyed"), "{err}");
    // A redacted record cannot quietly take confidential values again, nor be shredded twice.
    let err = run_err(
        &p.archive,
        Some(PASSPHRASE),
        &[
            "edit",
            &p.person,
            "--data",
            r#"{"names":[{"value":"Public Person"},{"value":"New secret","classification":"confidential"}]}"#,
        ],
    );
    assert!(err.contains("was redacted"), "{err}");
    let err = run_err(
        &p.archive,
        Some(PASSPHRASE),
        &["redact", &p.person, "--reason", "again"],
    );
    assert!(err.contains("already"), "{err}");
    // A record with nothing encrypted has no key to destroy.
    let plain = run_ok(
        &p.archive,
        &["add", "--data", r#"{"kind":"person","names":["Plain"]}"#],
    );
    let err = run_err(
        &p.archive,
        Some(PASSPHRASE),
        &["redact", &plain, "--reason", "x"],
    );
    assert!(err.contains("no encrypted values"), "{err}");
}

#[test]
fn a_new_archive_in_a_script_needs_a_key_or_an_explicit_choice_of_clear_text() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let err = run_err(&a, None, &["init"]);
    assert!(
        err.contains("--no-encryption") && err.contains("RIGHTSDOC_PASSPHRASE"),
        "{err}"
    );
    assert!(!a.join("rightsdoc.toml").exists());

    // In the clear, the same canary is in the raw files: what the first test proves absent
    // would be found.
    let out = with_passphrase(&a, None, &["init", "--no-encryption"]);
    assert!(out.status.success());
    let out = with_passphrase(
        &a,
        None,
        &[
            "add",
            "--data",
            r#"{"kind":"person","classification":"confidential","names":["CanaryWitnessName"]}"#,
        ],
    );
    assert!(out.status.success());
    assert!(!holding(&a, b"CanaryWitnessName").is_empty());
}
