//! Helpers for driving the real `rightsdoc` binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn rightsdoc(archive: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rightsdoc"))
        .arg("--archive")
        .arg(archive)
        .args(args)
        .env("RIGHTSDOC_ACTOR", "tester")
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
