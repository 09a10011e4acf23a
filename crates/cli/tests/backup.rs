//! `rightsdoc backup` and `restore`: a restored archive verifies and equals the original, and
//! a backup taken while another process keeps writing is a consistent prefix of the log.

mod common;

use common::{add, fails, ok};
use serde_json::Value;
use std::process::Stdio;

fn verify_json(archive: &std::path::Path) -> Value {
    serde_json::from_str(&ok(archive, &["verify", "--json"])).unwrap()
}

#[test]
fn a_restored_archive_verifies_and_equals_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    ok(&a, &["init"]);
    let src = add(
        &a,
        r#"{"kind": "source", "title": "Testimony", "source_type": "testimony"}"#,
    );
    let p = add(
        &a,
        &format!(
            r#"{{"kind": "person", "names": [{{"value": "Witness W", "classification": "confidential"}}], "citations": [{{"source": "{src}"}}]}}"#
        ),
    );
    ok(&a, &["edit", &p, "--data", r#"{"birth": "1962"}"#]);
    ok(&a, &["checkpoint"]);
    let backup = dir.path().join("backup");
    let m: Value =
        serde_json::from_str(&ok(&a, &["--json", "backup", backup.to_str().unwrap()])).unwrap();
    assert!(backup.join("backup.json").exists());
    assert!(!dir.path().join("backup.partial").exists());
    // A backup is never written over.
    let err = fails(&a, &["backup", backup.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");

    let b = dir.path().join("b");
    ok(&b, &["restore", backup.to_str().unwrap()]);
    let (va, vb) = (verify_json(&a), verify_json(&b));
    assert_eq!(va["root"], vb["root"]);
    assert_eq!(va["operations"], vb["operations"]);
    assert_eq!(m["root"], va["root"]);
    let export = |dir: &std::path::Path| {
        ok(
            dir,
            &["--clearance", "confidential", "export", "--format", "json"],
        )
    };
    assert_eq!(export(&a), export(&b));
    assert_eq!(ok(&a, &["history", &p]), ok(&b, &["history", &p]));
    // The restored copy signs with the same key: its checkpoints extend the original's.
    let cp = dir.path().join("cp.txt");
    std::fs::write(&cp, ok(&a, &["checkpoint"]) + "\n").unwrap();
    ok(&b, &["verify", "--checkpoint", cp.to_str().unwrap()]);
    // Restoring over a non-empty folder is refused.
    let err = fails(&a, &["restore", backup.to_str().unwrap()]);
    assert!(err.contains("not empty"), "{err}");

    // A tampered backup is refused on restore: one letter of a logged record changed.
    let db = backup.join("archive.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"Testimony")
        .expect("the source's title is in the backup");
    bytes[at] ^= 0x40;
    std::fs::write(&db, bytes).unwrap();
    let c = dir.path().join("c");
    fails(&c, &["restore", backup.to_str().unwrap()]);
}

#[test]
fn a_backup_during_an_import_is_a_consistent_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    ok(&a, &["init"]);
    let people: Vec<Value> = (0..6000)
        .map(|i| serde_json::json!({"kind": "person", "names": [{"value": format!("Person {i}")}]}))
        .collect();
    // JSON Lines, so the import commits in chunks while the backup runs.
    let file = dir.path().join("people.jsonl");
    let lines: Vec<String> = people.iter().map(|p| p.to_string()).collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let mut import = common::command()
        .args([
            "--archive",
            a.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
        ])
        .env("RIGHTSDOC_ACTOR", "importer")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut backups = Vec::new();
    for i in 0..4 {
        let out = dir.path().join(format!("backup{i}"));
        ok(&a, &["backup", out.to_str().unwrap()]);
        backups.push(out);
    }
    assert!(import.wait().unwrap().success());
    let full = verify_json(&a);
    for (i, backup) in backups.iter().enumerate() {
        let restored = dir.path().join(format!("restored{i}"));
        ok(&restored, &["restore", backup.to_str().unwrap()]);
        let v = verify_json(&restored);
        // The restored log is a prefix of the original: the original's checkpoint proves it
        // extends the restored one.
        let cp = ok(&restored, &["checkpoint"]);
        let cp_file = dir.path().join(format!("cp{i}.txt"));
        std::fs::write(&cp_file, cp + "\n").unwrap();
        ok(&a, &["verify", "--checkpoint", cp_file.to_str().unwrap()]);
        assert!(v["operations"].as_u64().unwrap() <= full["operations"].as_u64().unwrap());
    }
}
