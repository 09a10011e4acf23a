//! Helpers for driving the real `rightsdoc` binary.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// Run with `stdin` as standard input (passwords, which are never arguments).
pub fn rightsdoc_with_stdin(archive: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = command()
        .arg("--archive")
        .arg(archive)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rightsdoc binary runs");
    // Dropped at the end of the statement: the command sees the end of its input.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
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

/// The server, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `rightsdoc serve` on a free port of 127.0.0.1, once it listens.
pub fn serve(archive: &Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = command()
        .arg("--archive")
        .arg(archive)
        .args(["serve", "--addr", &addr])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server {
        child,
        base: format!("http://{addr}"),
    }
}
