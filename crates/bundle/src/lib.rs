//! The bundle for courts and UN mechanisms: a ZIP holding one BagIt bag (RFC 8493) with the
//! selected records as a reader of one clearance may see them, every log operation that
//! concerns them, a C2SP inclusion proof per operation against one checkpoint signed at
//! export time, the archive's public key (also as PEM, with the checkpoint's signed text and
//! raw signature beside it, for OpenSSL), the evidence files, a plain-language README and a
//! standard-library Python checker.
//!
//! Layout of a bag (`<name>/` inside the ZIP):
//!
//! ```text
//! bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt  README.txt
//! tools/check_proofs.py
//! data/records.json                    one record per line, inside a JSON array
//! data/log/operations.jsonl            one operation per line: seq, leaf, header, salt+payload or why withheld
//! data/log/proofs/<seq>.tlog-proof     c2sp.org/tlog-proof@v1
//! data/log/checkpoint.txt              the signed note (C2SP tlog-checkpoint)
//! data/log/checkpoint.body             the exact signed text
//! data/log/checkpoint.sig              the raw 64-byte ed25519 signature
//! data/log/verifier.key                the signed-note verifier key
//! data/log/verifier.pem                the same key as an SPKI PEM
//! data/evidence/<sha256>               evidence files of the selected evidence records
//! ```
//!
//! Records leave the archive only through `Archive::get_visible` and `Archive::visible`
//! (the one access-control layer); an operation's payload is included only when it holds
//! nothing above the clearance (`redact(payload) == payload`), otherwise only its digest
//! (inside the header) is, so its leaf still verifies.

mod bag;
mod export;
mod note;
mod readme;
mod verify;

pub use export::{BundleSummary, Selection, export_bundle};
pub use verify::{BundleReport, verify_bundle};

use std::path::PathBuf;

/// The text in `operations.jsonl` where a payload above the bundle's clearance would be.
pub const WITHHELD: &str = "payload withheld at this clearance";
/// The text in `operations.jsonl` for a payload destroyed in the archive (crypto-shredding).
pub const DESTROYED: &str = "payload destroyed in the archive (redacted by crypto-shredding)";

/// Everything that can go wrong exporting or verifying a bundle. Verification failures name
/// the file inside the bag and, where it applies, the line.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Archive(#[from] rightsdoc_archive::ArchiveError),
    #[error(transparent)]
    Store(#[from] rightsdoc_store::StoreError),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A `--where` condition that cannot be used.
    #[error("--where {condition}: {message}")]
    Selection { condition: String, message: String },
    #[error("no record `{0}` is visible at this clearance")]
    NotVisible(String),
    /// The bundle is not a ZIP, or the ZIP itself is damaged.
    #[error("{path}: {message}")]
    Zip { path: PathBuf, message: String },
    /// Verification failed: `file` is the path inside the bag.
    #[error("{}", invalid_text(file, *line, message))]
    Invalid {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}

fn invalid_text(file: &str, line: Option<usize>, message: &str) -> String {
    match line {
        Some(n) => format!("{file} line {n}: {message}"),
        None => format!("{file}: {message}"),
    }
}

impl BundleError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BundleError {
        let path = path.into();
        move |error| BundleError::Io { path, error }
    }

    pub(crate) fn invalid(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        BundleError::Invalid {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}
