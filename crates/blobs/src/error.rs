use std::path::PathBuf;

/// Why a blob operation failed. Each message names the blob or folder and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("`{0}` is not a blob name: a SHA-256 is 64 lower-case hexadecimal characters")]
    BadName(String),
    #[error(
        "blob {sha256} is missing from the blob store {store}: it was removed or never stored there; restore it from a backup"
    )]
    NotFound { sha256: String, store: String },
    #[error(
        "blob {sha256} in {store} has been altered: its bytes now hash to {actual}; restore the original from a backup"
    )]
    Altered {
        sha256: String,
        actual: String,
        store: String,
    },
    #[error("cannot read the file being stored ({0}); nothing was stored")]
    Input(#[source] std::io::Error),
    #[error(
        "cannot {action} {}: {source}; check that the folder exists, is writable and the disk has room",
        path.display()
    )]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// A blob store URL (`s3://bucket/prefix`) that cannot be used.
    #[error("blob store `{url}`: {reason}")]
    Location { url: String, reason: String },
    /// An S3 request failed; `url` is the bucket and key (`s3://bucket/key`), `advice` what
    /// to check (credentials, endpoint, bucket).
    #[error("cannot {action} {url}: {detail}; {advice}")]
    S3 {
        action: &'static str,
        url: String,
        detail: String,
        advice: &'static str,
    },
    /// An error raised by a caller's visitor in [`crate::BlobStore::for_each`].
    #[error("{0}")]
    Other(String),
}
