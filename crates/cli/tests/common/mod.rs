//! Helpers for driving the real `rightsdoc` binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The key file every test archive is encrypted under (64 hex digits: a raw key, so no
/// test pays for Argon2id; `tests/encryption.rs` covers passphrases).
pub const TEST_KEY_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/test.key");

/// The binary with the test environment: actor and key.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rightsdoc"));
    cmd.env("RIGHTSDOC_ACTOR", "tester")
        .env("RIGHTSDOC_KEY_FILE", TEST_KEY_FILE)
        .env_remove("RIGHTSDOC_PASSPHRASE");
    cmd
}

pub fn rightsdoc(archive: &Path, args: &[&str]) -> Output {
    command()
        .arg("--archive")
        .arg(archive)
        .args(args)
        .output()
        .expect("the rightsdoc binary runs")
}

/// Run and require success; returns trimmed stdout.
pub fn ok(archive: &Path, args: &[&str]) -> String {
    let out = rightsdoc(archive, args);
    assert!(
        out.status.success(),
        "rightsdoc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Run and require failure; returns stderr, which must be exactly one line.
pub fn fails(archive: &Path, args: &[&str]) -> String {
    let out = rightsdoc(archive, args);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !out.status.success(),
        "rightsdoc {args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "error is not one line: {err}"
    );
    err
}

pub fn add(archive: &Path, json: &str) -> String {
    ok(archive, &["add", "--data", json])
}

pub fn log_size(archive: &Path) -> u64 {
    let v: serde_json::Value = serde_json::from_str(&ok(archive, &["verify", "--json"])).unwrap();
    v["operations"].as_u64().unwrap()
}

/// Every file of a ZIP (a bundle): (name, content), in the ZIP's order.
pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
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

/// Write `files` as a new ZIP at `path`.
pub fn write_zip(path: &Path, files: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}
