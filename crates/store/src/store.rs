use crate::error::StoreError;
use crate::projection::{RecordRow, RefRow};
use rightsdoc_ledger::{Hash, HashReader, Operation, SealedOp};
use rightsdoc_model::Record;

/// One change to append: the operation, and for a create or edit the record as it will be
/// (the validated form of `op.payload`, which is what the log keeps).
#[derive(Debug, Clone)]
pub struct Change {
    pub op: Operation,
    pub record: Option<Record>,
    /// For an edit: the record version the change was computed from (optimistic locking).
    pub expect_version: Option<u64>,
    /// For a create: if the record already exists with exactly this content, write nothing
    /// for it instead of failing (re-importing a file changes nothing).
    pub skip_identical: bool,
}

/// What an append wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub seq: u64,
    pub target: String,
    pub leaf: Hash,
}

/// One operation from the log, opened and checked.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub op: SealedOp,
}

/// The storage an archive needs. Implemented by [`crate::SqliteStore`]; PostgreSQL later.
/// Domain code uses only this trait.
pub trait Store: HashReader + Send {
    /// Append changes atomically, in order; returns what was written (creates skipped as
    /// identical are left out). Checks that created ids are new, that edits apply
    /// to the version they were computed from, that deleted records are not referenced, and that
    /// every reference of every written record resolves (forward references within the batch
    /// are allowed).
    fn append(&mut self, changes: Vec<Change>) -> Result<Vec<Appended>, StoreError>;

    /// Starts a bulk write: the appends (and data keys) until [`Store::end_bulk`] are one
    /// transaction, committed or discarded together, so a large import is all or nothing
    /// without reading its file twice. Other writers wait meanwhile. Returns `false` when
    /// the backend has no bulk writes; each append then commits by itself.
    fn begin_bulk(&mut self) -> Result<bool, StoreError> {
        Ok(false)
    }
    /// Ends a bulk write begun by [`Store::begin_bulk`]: commits it, or discards everything
    /// it wrote when `commit` is false.
    fn end_bulk(&mut self, commit: bool) -> Result<(), StoreError> {
        let _ = commit;
        Ok(())
    }

    /// Root hash of the first `size` operations.
    fn root(&self, size: u64) -> Result<Hash, StoreError>;
    /// Number of operations in the log.
    fn log_size(&self) -> Result<u64, StoreError>;
    /// Operations `from..to` in order (`to` exclusive), re-checked against their digests.
    fn read_log(&self, from: u64, to: u64) -> Result<Vec<SealedOp>, StoreError>;
    /// Sequence numbers of every operation on `target`, oldest first.
    fn history(&self, target: &str) -> Result<Vec<u64>, StoreError>;

    fn record(&self, id: &str) -> Result<Option<RecordRow>, StoreError>;
    /// Visit current records (optionally of one kind) in id order.
    fn for_each_record(
        &self,
        kind: Option<&str>,
        f: &mut dyn FnMut(RecordRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// One page of the records of `kind` whose own classification `clearance` permits, in id
    /// order, and how many there are in all. Nested values are not redacted here: callers
    /// redact each record (the archive's `visible_page` does).
    fn records_page(
        &self,
        kind: &str,
        clearance: rightsdoc_model::Classification,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<RecordRow>, u64), StoreError>;
    fn for_each_ref(
        &self,
        f: &mut dyn FnMut(RefRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Records that refer to `id`.
    fn referrers(&self, id: &str) -> Result<Vec<RefRow>, StoreError>;

    /// Every stored tree hash in index order (for verification).
    fn for_each_stored_hash(
        &self,
        f: &mut dyn FnMut(u64, Hash) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    fn add_checkpoint(&mut self, size: u64, text: &str) -> Result<(), StoreError>;
    /// Stored checkpoints: (size, signed note).
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, StoreError>;

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The backend's own consistency check (SQLite: `PRAGMA integrity_check`).
    fn check_storage(&self) -> Result<(), StoreError>;

    /// Write a consistent copy of the whole store to `path` (a new file), while other
    /// processes may be writing: the copy holds exactly the operations committed when it
    /// began.
    fn snapshot_to(&self, path: &std::path::Path) -> Result<(), StoreError>;

    /// The wrapped data key of record `id` (its confidential values are sealed with it), if
    /// one was stored. `Some(empty)` means the key was destroyed (crypto-shredding). Keys are
    /// outside the log on purpose: destroying one must not break the Merkle tree.
    fn record_key(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Store `wrapped` as the data key of `id` unless the record has one already (or had
    /// one destroyed); returns the key now stored, so two writers that race agree on one key.
    /// Committed on return, before the operation that uses it is appended.
    fn insert_record_key(&mut self, id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Overwrite the data key of `id` with the empty marker (and let the backend scrub the
    /// old bytes). Returns whether there was a key to destroy.
    fn destroy_record_key(&mut self, id: &str) -> Result<bool, StoreError>;
}
