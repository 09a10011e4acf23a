//! An archive on disk and the one service every interface (CLI, web, importers) goes through:
//! it validates input, assigns ids, turns changes into log operations, signs checkpoints and
//! filters what leaves the archive by clearance.
//!
//! Layout of an archive folder:
//! - `rightsdoc.toml`: format version, log origin, which store holds the data, and where the
//!   evidence files are when not in `blobs/` (`blobs = "s3://bucket/prefix"`);
//! - `archive.db`: the SQLite store (log, tree, checkpoints, projections);
//! - `keys/signing.key` (owner-only) and `keys/verifier.key` (public): the ed25519 checkpoint key;
//! - `blobs/`: the evidence files, stored once under their SHA-256 (`rightsdoc_blobs::LocalBlobs`),
//!   unless they are kept in S3-compatible storage (`rightsdoc_blobs::S3Blobs`, the `s3` feature);
//! - `c2pa-trust-anchors.pem` (optional, put there by the operator): the root certificates whose
//!   signers' C2PA content credentials are reported as trusted (the `c2pa` feature).

mod archive;
mod backup;
mod database;
mod error;
mod evidence;
mod keys;
#[cfg(feature = "postgres")]
mod migrate;
mod seal;
mod sealed_blob;

pub use archive::{Archive, Created, HistoryEntry, InitOptions, Written};
pub use backup::BackupManifest;
pub use error::ArchiveError;
pub use evidence::{
    C2PA_TRUST_ANCHORS, ChainEntry, CustodyInput, EvidenceAdded, EvidenceCopy, EvidenceInput,
};
pub use keys::KeySource;
#[cfg(feature = "postgres")]
pub use migrate::Migrated;
pub use rightsdoc_blobs as blobs;
pub use rightsdoc_ledger::SignedCheckpoint;
pub use rightsdoc_store::VerifyReport;
