//! A real S3-compatible server for tests: moto's (`pip install "moto[server]"`), started on a
//! free port of 127.0.0.1 and spoken to over plain HTTP.
//!
//! Shared with the CLI's tests (`#[path]`). Moto runs in a Python process that exits when
//! its standard input closes: when the [`Moto`] guard is dropped, and also when the test
//! process ends in any way, so a server shared by a whole test binary ([`shared`]) never
//! outlives it. Without moto the tests fail and say how to install it; they never skip.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Seek};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Credentials moto accepts (it checks none unless asked to).
pub const ACCESS_KEY: &str = "rightsdoc-test-key";
pub const SECRET_KEY: &str = "rightsdoc-test-secret-4f1c";
pub const REGION: &str = "us-east-1";

const SCRIPT: &str = r#"
import os, sys
try:
    from moto.server import ThreadedMotoServer
except ImportError as e:
    print("missing", e, flush=True)
    sys.exit(3)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print("ready", server._server.port, flush=True)
sys.stdin.read()
os._exit(0)
"#;

pub struct Moto {
    child: Child,
    /// Closing it stops the server.
    stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
}

/// One server for the whole test binary, started on first use.
pub fn shared() -> &'static Moto {
    static SERVER: OnceLock<Moto> = OnceLock::new();
    SERVER.get_or_init(|| Moto::start(&[]))
}

/// The Python that runs moto: `RIGHTSDOC_MOTO_PYTHON`, else `python3`.
fn python() -> String {
    std::env::var("RIGHTSDOC_MOTO_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn install_hint(python: &str) -> String {
    format!(
        "the S3 tests need moto's S3 server, a real S3-compatible server: install it with `{python} -m pip install \"moto[server]\"` (or point RIGHTSDOC_MOTO_PYTHON at a Python that has it; .ci/run installs it)"
    )
}

impl Moto {
    /// Start a server; `env` is given to it (e.g. `INITIAL_NO_AUTH_ACTION_COUNT=0` to make
    /// it check credentials).
    pub fn start(env: &[(&str, &str)]) -> Moto {
        let python = python();
        // Its log goes to an unnamed file, read only if it fails to start.
        let mut log = tempfile::tempfile().expect("a temporary file");
        let mut child = Command::new(&python)
            .args(["-c", SCRIPT])
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.try_clone().expect("a second handle"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `{python}` ({e}); {}", install_hint(&python)));
        let stdin = child.stdin.take();
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line);
        let port = match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["ready", port] => port.to_string(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                let mut err = String::new();
                let _ = log.seek(std::io::SeekFrom::Start(0));
                let _ = log.read_to_string(&mut err);
                let err = err.lines().last().unwrap_or_default().to_string();
                panic!(
                    "moto did not start ({} {}); {}",
                    line.trim(),
                    err.trim(),
                    install_hint(&python)
                );
            }
        };
        let moto = Moto {
            child,
            stdin,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        moto.wait_until_answering();
        moto
    }

    fn wait_until_answering(&self) {
        let start = Instant::now();
        loop {
            match ureq::get(&format!("{}/", self.endpoint)).call() {
                Ok(_) | Err(ureq::Error::Status(..)) => return,
                Err(e) if start.elapsed() > Duration::from_secs(30) => {
                    panic!("moto at {} does not answer: {e}", self.endpoint)
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// The environment a `rightsdoc` process needs to use this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
        ]
    }

    /// The same as `object_store` settings (for `S3Blobs::new`).
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("aws_endpoint", self.endpoint.clone()),
            ("aws_allow_http", "true".into()),
            ("aws_region", REGION.into()),
            ("aws_access_key_id", ACCESS_KEY.into()),
            ("aws_secret_access_key", SECRET_KEY.into()),
        ]
    }

    /// A new, empty bucket with a name no other test uses (S3 CreateBucket: `PUT /bucket`).
    pub fn bucket(&self, hint: &str) -> String {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("{hint}-{}-{n}", std::process::id());
        request("PUT", &format!("{}/{name}", self.endpoint))
            .call()
            .unwrap_or_else(|e| panic!("create bucket {name}: {e}"));
        name
    }

    /// Write an object through the S3 API (PutObject), replacing what is there.
    pub fn put_object(&self, bucket: &str, key: &str, bytes: &[u8]) {
        if let Err(e) =
            request("PUT", &format!("{}/{bucket}/{key}", self.endpoint)).send_bytes(bytes)
        {
            let body = match e {
                ureq::Error::Status(_, r) => r.into_string().unwrap_or_default(),
                e => e.to_string(),
            };
            panic!("put s3://{bucket}/{key}: {body}");
        }
    }

    /// An object's bytes (GetObject), or `None` if absent.
    pub fn get_object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        match request("GET", &format!("{}/{bucket}/{key}", self.endpoint)).call() {
            Ok(r) => {
                let mut out = Vec::new();
                r.into_reader().read_to_end(&mut out).unwrap();
                Some(out)
            }
            Err(ureq::Error::Status(404, _)) => None,
            Err(e) => panic!("get s3://{bucket}/{key}: {e}"),
        }
    }

    /// Every key in a bucket (ListObjectsV2, following continuation tokens).
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut req =
                request("GET", &format!("{}/{bucket}", self.endpoint)).query("list-type", "2");
            if let Some(t) = &token {
                req = req.query("continuation-token", t);
            }
            let xml = req
                .call()
                .unwrap_or_else(|e| panic!("list s3://{bucket}: {e}"))
                .into_string()
                .unwrap();
            keys.extend(elements(&xml, "Key"));
            token = elements(&xml, "NextContinuationToken").into_iter().next();
            if token.is_none() {
                return keys;
            }
        }
    }

    /// Multipart uploads begun and neither completed nor aborted (ListMultipartUploads).
    pub fn open_uploads(&self, bucket: &str) -> usize {
        let xml = request("GET", &format!("{}/{bucket}?uploads", self.endpoint))
            .call()
            .unwrap_or_else(|e| panic!("list uploads of s3://{bucket}: {e}"))
            .into_string()
            .unwrap();
        elements(&xml, "UploadId").len()
    }
}

/// A request moto takes as the bucket owner's: it checks no signature, but refuses an
/// unsigned request to change an existing object.
fn request(method: &str, url: &str) -> ureq::Request {
    ureq::request(method, url).set(
        "Authorization",
        &format!(
            "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/s3/aws4_request, SignedHeaders=host, Signature=0"
        ),
    )
}

/// The text of every `<tag>…</tag>` in `xml` (keys here need no unescaping).
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let Some(j) = rest.find(&close) else { break };
        out.push(rest[..j].to_string());
        rest = &rest[j + close.len()..];
    }
    out
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
