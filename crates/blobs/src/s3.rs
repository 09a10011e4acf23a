//! Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, moto…), through the
//! `object_store` crate.
//!
//! The [`BlobStore`] trait is synchronous; each store owns a small single-threaded tokio
//! runtime and blocks on it. Its methods may be called from plain threads and from a
//! runtime's blocking threads (`spawn_blocking`), never from inside an async task.

use crate::verify::Verifying;
use crate::{BlobError, BlobStore, S3Location, Stored, check_name, is_sha256};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    WriteMultipart,
};
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

/// Bytes per part of a multipart upload (S3 wants at least 5 MiB but for the last), and at
/// most what one `put` holds in memory. A file smaller than this is sent in one request.
const PART: usize = 8 * 1024 * 1024;
/// Bytes read from the caller at a time.
const CHUNK: usize = 256 * 1024;
/// S3 copies at most 5 GiB in one request (`CopyObject`); a blob is moved from its
/// temporary key to its name by such a copy.
const MAX_COPY: u64 = 5 * 1024 * 1024 * 1024;

const CREDENTIALS: &str = "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials): the server refused them, or they may not use this bucket";
const ENDPOINT: &str = "check that AWS_ENDPOINT_URL names a running S3-compatible server (unset it for AWS itself) and that AWS_REGION is its region";
const BUCKET: &str = "the bucket does not exist: create it, or correct the URL (`init --blobs`, or `blobs` in rightsdoc.toml)";
const HTTP: &str = "set AWS_ALLOW_HTTP=true to use an http:// endpoint (a server on this machine or a trusted network), or give an https:// one in AWS_ENDPOINT_URL";
const GENERAL: &str = "check AWS_ENDPOINT_URL, AWS_REGION and the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)";

/// Blobs in an S3 bucket: `prefix/sha256/ab/<64 hex>`, each uploaded to `prefix/tmp/…`
/// first (in parts, hashed as it goes) and then copied to its name if that is absent. Cheap
/// to clone: clones share the connection pool and the runtime.
#[derive(Clone)]
pub struct S3Blobs {
    inner: Arc<Inner>,
}

struct Inner {
    store: AmazonS3,
    location: S3Location,
    rt: Runtime,
}

/// The store's runtime. Dropped with `shutdown_background`, which never blocks, so a store
/// may be dropped anywhere (even inside another runtime's task).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for S3Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Blobs")
            .field("location", &self.inner.location.to_string())
            .finish()
    }
}

impl S3Blobs {
    /// The bucket and prefix of `location`, with the endpoint, region and credentials from
    /// the environment: every `AWS_*` variable `object_store` knows (`AWS_ENDPOINT_URL`,
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
    /// `AWS_ALLOW_HTTP`, `AWS_COPY_IF_NOT_EXISTS`…; without keys, the instance's or
    /// container's role). `~/.aws` files are not read. Nothing is sent until first use.
    pub fn from_env(location: &S3Location) -> Result<S3Blobs, BlobError> {
        let settings = std::env::vars().filter(|(k, _)| {
            k.starts_with("AWS_") && k.to_ascii_lowercase().parse::<AmazonS3ConfigKey>().is_ok()
        });
        Self::new(location, settings)
    }

    /// The bucket and prefix of `location` with only the given settings, named by
    /// `object_store`'s keys (`aws_endpoint`, `aws_region`, `aws_access_key_id`,
    /// `aws_secret_access_key`, `aws_allow_http`…, case-insensitive); the environment is not
    /// read.
    pub fn new<K: AsRef<str>, V: Into<String>>(
        location: &S3Location,
        settings: impl IntoIterator<Item = (K, V)>,
    ) -> Result<S3Blobs, BlobError> {
        let bad = |reason: String| BlobError::Location {
            url: location.to_string(),
            reason,
        };
        // No overall time limit on a request (a large file takes as long as it takes), but
        // a connection that cannot be made, or stalls, fails.
        let client = ClientOptions::new()
            .with_timeout_disabled()
            .with_connect_timeout(Duration::from_secs(10))
            .with_read_timeout(Duration::from_secs(60));
        // A few quick retries: a server that is down is reported within seconds.
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(5),
                base: 2.0,
            },
            max_retries: 4,
            retry_timeout: Duration::from_secs(60),
        };
        let mut builder = AmazonS3Builder::new()
            .with_client_options(client)
            .with_retry(retry);
        for (key, value) in settings {
            let key = key.as_ref();
            let parsed: AmazonS3ConfigKey = key
                .to_ascii_lowercase()
                .parse()
                .map_err(|_| bad(format!("`{key}` is not an S3 setting")))?;
            builder = builder.with_config(parsed, value);
        }
        let store = builder
            .with_bucket_name(&location.bucket)
            .build()
            .map_err(|e| bad(format!("{}; {GENERAL}", one_line(&e))))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| bad(format!("cannot start the S3 client's runtime: {e}")))?;
        Ok(S3Blobs {
            inner: Arc::new(Inner {
                store,
                location: location.clone(),
                rt: Runtime(Some(rt)),
            }),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.inner.location.bucket
    }

    pub fn prefix(&self) -> &str {
        &self.inner.location.prefix
    }

    /// The object key of blob `sha256` (whether or not it is there), e.g. to inspect it with
    /// other S3 tools. Reading it directly skips the hash check that [`BlobStore::open`] makes.
    pub fn key(&self, sha256: &str) -> Result<String, BlobError> {
        check_name(sha256)?;
        Ok(self.blob_path(sha256).to_string())
    }

    fn path(&self, rest: &str) -> Path {
        self.inner.path(rest)
    }

    fn blob_path(&self, sha256: &str) -> Path {
        self.path(&format!("sha256/{}/{sha256}", &sha256[..2]))
    }

    fn run<F: Future>(&self, f: F) -> F::Output {
        self.inner.run(f)
    }

    fn error(&self, action: &'static str, path: &Path, e: object_store::Error) -> BlobError {
        self.inner.error(action, path, e)
    }

    fn not_found(&self, sha256: &str) -> BlobError {
        BlobError::NotFound {
            sha256: sha256.to_string(),
            store: self.location(),
        }
    }

    /// Start reading blob `sha256`; `NotFound` if absent.
    fn get(&self, sha256: &str) -> Result<Body, BlobError> {
        check_name(sha256)?;
        let path = self.blob_path(sha256);
        match self.run(self.inner.store.get(&path)) {
            Ok(got) => Ok(Body {
                inner: self.inner.clone(),
                stream: got.into_stream(),
                chunk: Bytes::new(),
                path,
            }),
            Err(object_store::Error::NotFound { .. }) => Err(self.not_found(sha256)),
            Err(e) => Err(self.error("read", &path, e)),
        }
    }

    /// Upload everything `reader` yields to `tmp`, hashing it; returns (hash, size).
    fn upload(&self, reader: &mut dyn Read, tmp: &Path) -> Result<(String, u64), BlobError> {
        let mut hasher = Sha256::new();
        let mut first = Vec::new();
        reader
            .take(PART as u64)
            .read_to_end(&mut first)
            .map_err(BlobError::Input)?;
        hasher.update(&first);
        let mut size = first.len() as u64;
        if first.len() < PART {
            self.run(self.inner.store.put(tmp, PutPayload::from(first)))
                .map_err(|e| self.error("store", tmp, e))?;
            return Ok((hex::encode(hasher.finalize()), size));
        }
        let upload = self
            .run(self.inner.store.put_multipart(tmp))
            .map_err(|e| self.error("start a multipart upload to", tmp, e))?;
        let mut parts = WriteMultipart::new_with_chunk_size(upload, PART);
        match self.send_parts(&mut parts, first, reader, &mut hasher, &mut size, tmp) {
            // `finish` aborts the upload itself if it fails.
            Ok(()) => self
                .run(parts.finish())
                .map(|_| ())
                .map_err(|e| self.error("complete the upload of", tmp, e))?,
            Err(e) => {
                // Best effort: the parts uploaded so far are discarded by the server.
                let _ = self.run(parts.abort());
                return Err(e);
            }
        }
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Write `first` and then the rest of `reader` to `parts`, one part in flight at a time
    /// (so at most one part is held in memory).
    fn send_parts(
        &self,
        parts: &mut WriteMultipart,
        first: Vec<u8>,
        reader: &mut dyn Read,
        hasher: &mut Sha256,
        size: &mut u64,
        tmp: &Path,
    ) -> Result<(), BlobError> {
        let send = |parts: &mut WriteMultipart, bytes: &[u8]| {
            // Parts are spawned on the store's runtime: write inside it.
            self.run(async {
                parts.write(bytes);
                parts.wait_for_capacity(0).await
            })
            .map_err(|e| self.error("upload a part of", tmp, e))
        };
        send(parts, &first)?;
        drop(first);
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BlobError::Input(e)),
            };
            *size += n as u64;
            if *size > MAX_COPY {
                return Err(BlobError::S3 {
                    action: "store",
                    url: self.inner.url(tmp),
                    detail: "the file is larger than 5 GiB, the most S3 copies in one request"
                        .into(),
                    advice: "keep files this large in an archive with a local blob folder (nothing was stored)",
                });
            }
            hasher.update(&buf[..n]);
            send(parts, &buf[..n])?;
        }
    }

    /// Give the uploaded `tmp` its name `dest` unless a blob has it already; true if it did.
    fn place(&self, tmp: &Path, dest: &Path) -> Result<bool, BlobError> {
        let store = &self.inner.store;
        match self.run(store.head(dest)) {
            Ok(_) => return Ok(false),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.error("look up", dest, e)),
        }
        match self.run(store.copy_if_not_exists(tmp, dest)) {
            Ok(()) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(false),
            // Plain S3 (and moto) cannot copy conditionally unless `AWS_COPY_IF_NOT_EXISTS`
            // says how. The name was absent a moment ago; if another writer stored the same
            // bytes since, this copy writes identical bytes over them: the name is their hash.
            Err(object_store::Error::NotSupported { .. })
            | Err(object_store::Error::NotImplemented { .. }) => self
                .run(store.copy(tmp, dest))
                .map(|()| true)
                .map_err(|e| self.error("store", dest, e)),
            Err(e) => Err(self.error("store", dest, e)),
        }
    }
}

impl Inner {
    fn path(&self, rest: &str) -> Path {
        if self.location.prefix.is_empty() {
            Path::from(rest)
        } else {
            Path::from(format!("{}/{rest}", self.location.prefix))
        }
    }

    fn url(&self, path: &Path) -> String {
        format!("s3://{}/{path}", self.location.bucket)
    }

    fn run<F: Future>(&self, f: F) -> F::Output {
        self.rt.0.as_ref().expect("a live runtime").block_on(f)
    }

    fn error(&self, action: &'static str, path: &Path, e: object_store::Error) -> BlobError {
        let detail = one_line(&e);
        let has = |needle: &str| detail.to_ascii_lowercase().contains(needle);
        let advice = match &e {
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. } => CREDENTIALS,
            _ if has("nosuchbucket") || has("bucket does not exist") => BUCKET,
            _ if has("invalidaccesskeyid")
                || has("signaturedoesnotmatch")
                || has("accessdenied")
                || has("credential") =>
            {
                CREDENTIALS
            }
            _ if has("scheme is not allowed") => HTTP,
            _ if has("error sending request")
                || has("connect")
                || has("dns")
                || has("timed out") =>
            {
                ENDPOINT
            }
            _ => GENERAL,
        };
        BlobError::S3 {
            action,
            url: self.url(path),
            detail,
            advice,
        }
    }
}

/// An error and its causes on one line, without repeating a cause already in the text.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    // An S3 error body: keep its code and message, not the XML and request ids.
    if let Some(start) = text.find("<?xml").or_else(|| text.find("<Error>")) {
        let tag = |name: &str| {
            let open = format!("<{name}>");
            let from = text[start..].find(&open)? + start + open.len();
            let to = text[from..].find(&format!("</{name}>"))? + from;
            Some(text[from..to].to_string())
        };
        let said = [tag("Code"), tag("Message")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
        text = format!("{}{said}", &text[..start]);
    }
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.len() > 800 {
        let cut = (0..=800)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl BlobStore for S3Blobs {
    fn put(&self, reader: &mut dyn Read) -> Result<Stored, BlobError> {
        let tmp = self.path(&format!("tmp/put-{:032x}", rand::random::<u128>()));
        let (sha256, size) = self.upload(reader, &tmp)?;
        let placed = self.place(&tmp, &self.blob_path(&sha256));
        // The temporary object is never read as a blob; one left behind (a failed delete, a
        // killed process) only takes room.
        let _ = self.run(self.inner.store.delete(&tmp));
        Ok(Stored {
            sha256,
            size,
            new: placed?,
        })
    }

    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, BlobError> {
        let body = self.get(sha256)?;
        Ok(Box::new(Verifying::new(body, sha256, self.location())))
    }

    fn contains(&self, sha256: &str) -> Result<bool, BlobError> {
        check_name(sha256)?;
        let path = self.blob_path(sha256);
        match self.run(self.inner.store.head(&path)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.error("look up", &path, e)),
        }
    }

    fn for_each(&self, f: &mut dyn FnMut(&str) -> Result<(), BlobError>) -> Result<(), BlobError> {
        let top = self.path("sha256");
        let skip = top.as_ref().len() + 1;
        // S3 lists keys in byte order: shard by shard, names in order.
        let mut list = self.inner.store.list(Some(&top));
        while let Some(item) = self.run(list.next()) {
            let meta = item.map_err(|e| self.error("list", &top, e))?;
            let key = meta.location.as_ref();
            let Some((shard, name)) = key.get(skip..).and_then(|rest| rest.split_once('/')) else {
                continue;
            };
            if shard.len() == 2 && is_sha256(name) && name.starts_with(shard) {
                f(name)?;
            }
        }
        Ok(())
    }

    fn check(&self, sha256: &str) -> Result<bool, BlobError> {
        let mut body = self.get(sha256)?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = body.next_chunk()? {
            hasher.update(&chunk);
        }
        Ok(hex::encode(hasher.finalize()) == sha256)
    }

    fn location(&self) -> String {
        self.inner.location.to_string()
    }

    fn probe(&self) -> Result<(), BlobError> {
        let top = self.path("sha256");
        self.run(self.inner.store.list_with_delimiter(Some(&top)))
            .map(|_| ())
            .map_err(|e| self.error("list", &top, e))
    }
}

/// An object's bytes as they arrive.
struct Body {
    inner: Arc<Inner>,
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    chunk: Bytes,
    path: Path,
}

impl Body {
    fn next_chunk(&mut self) -> Result<Option<Bytes>, BlobError> {
        if !self.chunk.is_empty() {
            return Ok(Some(std::mem::take(&mut self.chunk)));
        }
        loop {
            match self.inner.run(self.stream.next()) {
                None => return Ok(None),
                Some(Ok(b)) if b.is_empty() => continue,
                Some(Ok(b)) => return Ok(Some(b)),
                Some(Err(e)) => return Err(self.inner.error("read", &self.path, e)),
            }
        }
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.chunk.is_empty() {
            match self.next_chunk().map_err(io::Error::other)? {
                Some(b) => self.chunk = b,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}
