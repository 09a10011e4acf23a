//! An archive whose evidence files are in S3-compatible storage (`init --blobs s3://…`),
//! end to end through the `rightsdoc` binary, against a real S3 server (moto's, started by
//! the test: `crates/blobs/tests/support/moto.rs`).
#![cfg(feature = "s3")]

#[path = "../../blobs/tests/support/moto.rs"]
mod moto;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Every variable that could point the binary elsewhere than the test's server.
const AWS_VARS: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT",
    "AWS_ALLOW_HTTP",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_COPY_IF_NOT_EXISTS",
];

fn rightsdoc(archive: &Path, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rightsdoc"));
    cmd.arg("--archive")
        .arg(archive)
        .args(args)
        .env("RIGHTSDOC_ACTOR", "tester")
        .env(
            "RIGHTSDOC_KEY_FILE",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/test.key"),
        );
    for var in AWS_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    cmd.output().expect("the rightsdoc binary runs")
}

fn ok(archive: &Path, env: &[(&str, String)], args: &[&str]) -> String {
    let out = rightsdoc(archive, env, args);
    assert!(
        out.status.success(),
        "rightsdoc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn json(archive: &Path, env: &[(&str, String)], args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(archive, env, &all)).unwrap()
}

/// Run and require failure with a one-line reason; returns it.
fn fails(archive: &Path, env: &[(&str, String)], args: &[&str]) -> String {
    let out = rightsdoc(archive, env, args);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !out.status.success(),
        "rightsdoc {args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    err
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn evidence_is_stored_copied_and_verified_in_the_bucket_and_an_altered_object_is_caught() {
    let moto = moto::shared();
    let env = moto.env();
    let bucket = moto.bucket("cli");
    let url = format!("s3://{bucket}/org/case-1");
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");

    let init = json(&archive, &env, &["init", "--blobs", &format!("{url}/")]);
    assert_eq!(init["blobs"], url.as_str());
    let config = std::fs::read_to_string(archive.join("rightsdoc.toml")).unwrap();
    assert!(config.contains(&format!("blobs = \"{url}\"")), "{config}");
    assert!(!archive.join("blobs").exists());

    let photo = b"\xFF\xD8\xFF\xE0 a photo of the grave site at Khavaran, 2008".repeat(300);
    let file = tmp.path().join("khavaran.jpg");
    std::fs::write(&file, &photo).unwrap();
    let added = json(&archive, &env, &["evidence", "add", file.to_str().unwrap()]);
    let (id, sha) = (
        added["evidence"].as_str().unwrap().to_string(),
        added["sha256"].as_str().unwrap().to_string(),
    );
    let key = format!("org/case-1/sha256/{}/{sha}", &sha[..2]);
    assert_eq!(moto.keys(&bucket), vec![key.clone()]);
    assert_eq!(moto.get_object(&bucket, &key).unwrap(), photo);

    let copy = tmp.path().join("copy.jpg");
    ok(
        &archive,
        &env,
        &["evidence", "get", &id, "--out", copy.to_str().unwrap()],
    );
    assert_eq!(std::fs::read(&copy).unwrap(), photo);
    let verified = json(&archive, &env, &["verify"]);
    assert_eq!(verified["blobs"], 1);

    // Neither the endpoint nor the credentials were written anywhere in the archive.
    for (path, bytes) in files(&archive) {
        for secret in [moto::SECRET_KEY, moto::ACCESS_KEY, &moto.endpoint] {
            assert!(!contains(&bytes, secret), "{path} holds {secret}");
        }
    }

    // A backup leaves the bucket where it is and says so.
    let backup = tmp.path().join("backup");
    let said = ok(&archive, &env, &["backup", backup.to_str().unwrap()]);
    assert!(said.contains("not copied") && said.contains(&url), "{said}");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(backup.join("backup.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["external_blobs"], url.as_str());
    assert!(!backup.join("blobs").exists());

    // The object is altered on the server: verify re-hashes it and names the item, and a
    // copy is refused.
    let mut altered = photo.clone();
    altered[100] ^= 0x20;
    moto.put_object(&bucket, &key, &altered);
    let err = fails(&archive, &env, &["verify"]);
    assert!(
        err.contains(&id) && err.contains(&sha) && err.contains("altered") && err.contains(&url),
        "{err}"
    );
    let again = tmp.path().join("again.jpg");
    let err = fails(
        &archive,
        &env,
        &["evidence", "get", &id, "--out", again.to_str().unwrap()],
    );
    assert!(err.contains(&id) && err.contains("altered"), "{err}");
    assert!(!again.exists());
}

#[test]
fn init_refuses_an_unusable_blob_store_in_one_line_and_creates_nothing() {
    let moto = moto::shared();
    let env = moto.env();
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");

    let err = fails(&archive, &env, &["init", "--blobs", "gs://evidence/x"]);
    assert!(err.contains("s3://BUCKET/PREFIX"), "{err}");
    let err = fails(
        &archive,
        &env,
        &["init", "--blobs", "s3://no-such-bucket-cli/x"],
    );
    assert!(err.contains("bucket does not exist"), "{err}");

    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let mut env_down = env.clone();
    env_down[0].1 = down;
    let bucket = moto.bucket("cli-init");
    let err = fails(
        &archive,
        &env_down,
        &["init", "--blobs", &format!("s3://{bucket}")],
    );
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
    assert!(!archive.join("rightsdoc.toml").exists());

    // Made with the right environment, then used without AWS_ALLOW_HTTP: the reason says
    // what to set.
    ok(
        &archive,
        &env,
        &["init", "--blobs", &format!("s3://{bucket}")],
    );
    let file = tmp.path().join("note.txt");
    std::fs::write(&file, "testimony").unwrap();
    let no_http: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "AWS_ALLOW_HTTP")
        .cloned()
        .collect();
    let err = fails(
        &archive,
        &no_http,
        &["evidence", "add", file.to_str().unwrap()],
    );
    assert!(err.contains("AWS_ALLOW_HTTP=true"), "{err}");
    assert!(moto.keys(&bucket).is_empty());
}
