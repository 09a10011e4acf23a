//! `S3Blobs` against a real S3-compatible server (moto's, started by the tests; see
//! `support/moto.rs`). One server serves the whole file; each test has its own bucket.
#![cfg(feature = "s3")]

#[path = "support/moto.rs"]
mod moto;

use rightsdoc_blobs::{BlobError, BlobStore, S3Blobs, S3Location};
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::time::{Duration, Instant};

fn store_at(moto: &moto::Moto, url: &str) -> S3Blobs {
    S3Blobs::new(&S3Location::parse(url).unwrap(), moto.settings()).unwrap()
}

/// A fresh bucket and a store in it under `prefix`.
fn store(hint: &str, prefix: &str) -> (String, S3Blobs) {
    let moto = moto::shared();
    let bucket = moto.bucket(hint);
    let blobs = store_at(moto, &format!("s3://{bucket}/{prefix}"));
    (bucket, blobs)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn names(blobs: &dyn BlobStore) -> Vec<String> {
    let mut out = Vec::new();
    blobs
        .for_each(&mut |n| {
            out.push(n.to_string());
            Ok(())
        })
        .unwrap();
    out
}

fn read_all(blobs: &dyn BlobStore, sha256: &str) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    blobs.open(sha256).unwrap().read_to_end(&mut out)?;
    Ok(out)
}

/// `len` bytes of a deterministic pseudo-random stream, produced as they are read (never
/// held whole), hashed as they go out.
struct Generated {
    left: u64,
    state: u64,
    hasher: Sha256,
    /// Fail like a pulled cable after this many bytes.
    fail_after: Option<u64>,
    sent: u64,
}

impl Generated {
    fn new(len: u64) -> Self {
        Generated {
            left: len,
            state: 0x9E37_79B9_7F4A_7C15,
            hasher: Sha256::new(),
            fail_after: None,
            sent: 0,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail_after.is_some_and(|n| self.sent >= n) {
            return Err(io::Error::other("device removed"));
        }
        let n = (buf.len() as u64).min(self.left).min(64 * 1024) as usize;
        for b in &mut buf[..n] {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            *b = self.state as u8;
        }
        self.hasher.update(&buf[..n]);
        self.left -= n as u64;
        self.sent += n as u64;
        Ok(n)
    }
}

#[test]
fn put_open_contains_check_and_list_round_trip() {
    let moto = moto::shared();
    let (bucket, blobs) = store("round-trip", "org/case-1/");
    assert_eq!(blobs.location(), format!("s3://{bucket}/org/case-1"));
    blobs.probe().unwrap();
    assert!(names(&blobs).is_empty());

    let mut stored = Vec::new();
    for text in ["testimony", "a photo of the site", "an audio tape", ""] {
        let s = blobs.put(&mut text.as_bytes()).unwrap();
        assert_eq!(
            (s.sha256.as_str(), s.size, s.new),
            (sha(text.as_bytes()).as_str(), text.len() as u64, true)
        );
        assert!(blobs.contains(&s.sha256).unwrap());
        assert!(blobs.check(&s.sha256).unwrap());
        assert_eq!(read_all(&blobs, &s.sha256).unwrap(), text.as_bytes());
        stored.push(s.sha256);
    }
    // Listed in name order; laid out as in a local folder, under the prefix; nothing is
    // left under tmp/.
    stored.sort();
    assert_eq!(names(&blobs), stored);
    let mut expected: Vec<String> = stored
        .iter()
        .map(|s| format!("org/case-1/sha256/{}/{s}", &s[..2]))
        .collect();
    expected.sort();
    assert_eq!(moto.keys(&bucket), expected);
    assert_eq!(blobs.key(&stored[0]).unwrap(), expected[0]);

    // Objects that are not blobs are not listed.
    moto.put_object(&bucket, "org/case-1/sha256/zz/notes.txt", b"x");
    moto.put_object(
        &bucket,
        &format!("org/case-1/sha256/00/{}", stored[1]),
        b"x",
    );
    moto.put_object(&bucket, "org/other/sha256/ab/x", b"x");
    assert_eq!(names(&blobs), stored);

    let absent = sha(b"never stored");
    assert!(!blobs.contains(&absent).unwrap());
    for err in [
        blobs.open(&absent).err().unwrap(),
        blobs.check(&absent).unwrap_err(),
    ] {
        assert!(matches!(err, BlobError::NotFound { .. }), "{err}");
        assert!(
            err.to_string()
                .contains(&format!("s3://{bucket}/org/case-1")),
            "{err}"
        );
    }
    assert!(matches!(blobs.open("../x"), Err(BlobError::BadName(_))));
    assert!(matches!(
        blobs.contains(&"A".repeat(64)),
        Err(BlobError::BadName(_))
    ));
}

#[test]
fn the_same_bytes_twice_are_one_object() {
    let moto = moto::shared();
    let (bucket, blobs) = store("twice", "");
    let first = blobs.put(&mut &b"the same video"[..]).unwrap();
    let again = blobs.put(&mut &b"the same video"[..]).unwrap();
    assert!(first.new && !again.new);
    assert_eq!(first.sha256, again.sha256);
    let key = format!("sha256/{}/{}", &first.sha256[..2], first.sha256);
    assert_eq!(moto.keys(&bucket), vec![key]);
}

#[test]
fn a_20_mib_stream_is_uploaded_in_parts_and_read_back_verified() {
    let moto = moto::shared();
    let (bucket, blobs) = store("large", "big");
    let len = 20 * 1024 * 1024 + 12_345;
    let mut input = Generated::new(len);
    let stored = blobs.put(&mut input).unwrap();
    let expected = hex::encode(input.hasher.finalize());
    assert_eq!(
        (stored.sha256.as_str(), stored.size),
        (expected.as_str(), len)
    );
    assert_eq!(moto.keys(&bucket).len(), 1, "only the blob is left");
    assert_eq!(moto.open_uploads(&bucket), 0);

    assert!(blobs.check(&stored.sha256).unwrap());
    let mut hasher = Sha256::new();
    let mut reader = blobs.open(&stored.sha256).unwrap();
    let mut buf = vec![0u8; 100_000];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    assert_eq!((total, hex::encode(hasher.finalize())), (len, expected));
}

#[test]
fn a_put_that_fails_midway_leaves_no_blob_and_no_upload() {
    let moto = moto::shared();
    let (bucket, blobs) = store("interrupted", "p");
    // Past the first part (8 MiB), so a multipart upload is under way when the input fails.
    let mut input = Generated::new(30 * 1024 * 1024);
    input.fail_after = Some(17 * 1024 * 1024);
    let err = blobs.put(&mut input).unwrap_err();
    assert!(matches!(err, BlobError::Input(_)), "{err}");
    assert!(err.to_string().contains("nothing was stored"), "{err}");
    assert!(moto.keys(&bucket).is_empty(), "{:?}", moto.keys(&bucket));
    assert_eq!(moto.open_uploads(&bucket), 0);
    assert!(names(&blobs).is_empty());
}

#[test]
fn an_object_altered_on_the_server_is_caught_by_check_and_at_the_end_of_open() {
    let moto = moto::shared();
    let (bucket, blobs) = store("altered", "evidence");
    let original = b"photo of the mass grave at Khavaran, 2008".repeat(1000);
    let stored = blobs.put(&mut &original[..]).unwrap();
    let mut altered = original.clone();
    altered[500] ^= 1;
    moto.put_object(&bucket, &blobs.key(&stored.sha256).unwrap(), &altered);

    assert!(blobs.contains(&stored.sha256).unwrap());
    assert!(!blobs.check(&stored.sha256).unwrap());
    let mut reader = blobs.open(&stored.sha256).unwrap();
    let mut got = Vec::new();
    let err = reader.read_to_end(&mut got).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    // Every byte was handed out, and only the end was refused.
    assert_eq!(got, altered);
    let text = err.to_string();
    assert!(
        text.contains(&stored.sha256) && text.contains(&sha(&altered)),
        "{text}"
    );
    assert!(text.contains(&format!("s3://{bucket}/evidence")), "{text}");
    // Storing the original again does not hide the damage: the name is taken.
    assert!(!blobs.put(&mut &original[..]).unwrap().new);
    assert!(!blobs.check(&stored.sha256).unwrap());
}

#[test]
fn a_server_that_is_down_is_reported_quickly_with_what_to_check() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let blobs = S3Blobs::new(
        &S3Location::parse("s3://evidence/p").unwrap(),
        [
            ("aws_endpoint", format!("http://127.0.0.1:{port}")),
            ("aws_allow_http", "true".into()),
            ("aws_region", "us-east-1".into()),
            ("aws_access_key_id", "k".into()),
            ("aws_secret_access_key", "s".into()),
        ],
    )
    .unwrap();
    let start = Instant::now();
    let err = blobs.put(&mut &b"x"[..]).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let text = err.to_string();
    assert!(
        text.starts_with("cannot store s3://evidence/p/tmp/put-"),
        "{text}"
    );
    assert!(text.contains("AWS_ENDPOINT_URL"), "{text}");
    let text = blobs.probe().unwrap_err().to_string();
    assert!(
        text.contains("s3://evidence/p/sha256") && text.contains("AWS_ENDPOINT_URL"),
        "{text}"
    );
}

#[test]
fn an_http_endpoint_needs_allow_http() {
    let moto = moto::shared();
    let bucket = moto.bucket("plain-http");
    let settings = moto
        .settings()
        .into_iter()
        .filter(|(k, _)| *k != "aws_allow_http");
    let blobs = S3Blobs::new(
        &S3Location::parse(&format!("s3://{bucket}")).unwrap(),
        settings,
    )
    .unwrap();
    let text = blobs.probe().unwrap_err().to_string();
    assert!(text.contains("set AWS_ALLOW_HTTP=true"), "{text}");
}

#[test]
fn wrong_credentials_and_a_missing_bucket_say_what_to_fix() {
    // A server of its own that checks credentials (it knows none, so every key is wrong).
    let strict = moto::Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let blobs = store_at(&strict, "s3://evidence/p");
    let text = blobs.put(&mut &b"x"[..]).unwrap_err().to_string();
    assert!(
        text.contains("AWS_ACCESS_KEY_ID") && text.contains("AWS_SECRET_ACCESS_KEY"),
        "{text}"
    );
    assert!(text.contains("s3://evidence/p/"), "{text}");
    let text = blobs.probe().unwrap_err().to_string();
    assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
    drop(strict);

    let moto = moto::shared();
    let blobs = store_at(moto, "s3://no-such-bucket-here/p");
    let text = blobs.probe().unwrap_err().to_string();
    assert!(text.contains("s3://no-such-bucket-here/p/sha256"), "{text}");
    assert!(text.contains("bucket does not exist"), "{text}");
    let text = blobs.put(&mut &b"x"[..]).unwrap_err().to_string();
    assert!(text.contains("bucket does not exist"), "{text}");
}

#[test]
fn it_works_from_plain_threads_and_from_another_runtimes_blocking_threads() {
    let (_bucket, blobs) = store("threads", "t");
    // Plain threads sharing one store (a CLI command, a pool of archive handles).
    std::thread::scope(|s| {
        for i in 0..4 {
            let blobs = &blobs;
            s.spawn(move || {
                for j in 0..5 {
                    let bytes = format!("file {i}.{j}").repeat(100);
                    let stored = blobs.put(&mut bytes.as_bytes()).unwrap();
                    assert_eq!(read_all(blobs, &stored.sha256).unwrap(), bytes.as_bytes());
                }
            });
        }
    });
    assert_eq!(names(&blobs).len(), 20);

    // The web server's way: its handlers run archive calls with `spawn_blocking`.
    for flavor in ["multi_thread", "current_thread"] {
        let rt = match flavor {
            "multi_thread" => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build(),
            _ => tokio::runtime::Builder::new_current_thread().build(),
        }
        .unwrap();
        let handle = blobs.clone();
        let got = rt.block_on(async move {
            let mut tasks = Vec::new();
            for i in 0..3 {
                let blobs = handle.clone();
                tasks.push(tokio::task::spawn_blocking(move || {
                    let bytes = format!("{flavor} upload {i}");
                    let stored = blobs.put(&mut bytes.as_bytes()).unwrap();
                    read_all(&blobs, &stored.sha256).unwrap()
                }));
            }
            let mut out = Vec::new();
            for t in tasks {
                out.push(String::from_utf8(t.await.unwrap()).unwrap());
            }
            // A store may also be dropped inside a task without blocking it.
            drop(handle);
            out
        });
        assert_eq!(
            got,
            (0..3)
                .map(|i| format!("{flavor} upload {i}"))
                .collect::<Vec<_>>()
        );
    }
    let moto = moto::shared();
    let dropped_in_task = store_at(moto, "s3://whatever/x");
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async move { drop(dropped_in_task) });
}
