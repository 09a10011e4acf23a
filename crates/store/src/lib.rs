//! Storage of an archive: the append-only log, its Merkle tree, checkpoints, and the
//! current-state projections derived from the log.
//!
//! The [`Store`] trait is the only thing the rest of the code sees; [`SqliteStore`] is the
//! embedded backend, `PostgresStore` (the `postgres` feature) the server one. Invariants every backend keeps:
//! - one `append` is one transaction: the operations, their tree hashes and the projection
//!   rows are all written or none are;
//! - projections are a pure function of the log ([`projection`]), so [`verify`] can rebuild
//!   them and compare.

mod error;
#[cfg(feature = "postgres")]
mod postgres;
pub mod projection;
#[cfg(feature = "postgres")]
mod raw;
mod sqlite;
mod store;
pub mod verify;

pub use error::StoreError;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_SCHEMA, PostgresStore, PostgresUrl, hide_password};
pub use projection::{RecordRow, RefRow};
pub use sqlite::{SqliteStore, snapshot_sqlite_file};
pub use store::{Appended, Change, LogEntry, Store};
pub use verify::{VerifyReport, verify};
