//! Rows exactly as a backend stores them, for copying a whole store from one backend to
//! another (a PostgreSQL snapshot into SQLite, an embedded archive into PostgreSQL) without
//! re-sealing anything: the header bytes, salts, payload bytes, leaves and tree hashes are
//! the evidence, so they are moved, never recomputed.

use crate::error::StoreError;
use crate::projection::{RecordRow, RefRow};

/// How many rows one batch carries (bounded memory for any size of store).
pub(crate) const CHUNK: usize = 5_000;

/// One table's rows, in the table's key order.
pub(crate) enum RawBatch {
    /// seq, target, header bytes, leaf.
    Log(Vec<(i64, String, Vec<u8>, Vec<u8>)>),
    /// seq, salt, payload bytes.
    Payloads(Vec<(i64, Vec<u8>, Vec<u8>)>),
    /// index, hash.
    Tree(Vec<(i64, Vec<u8>)>),
    /// size, signed note; in the order they were stored.
    Checkpoints(Vec<(i64, String)>),
    Meta(Vec<(String, String)>),
    Records(Vec<RecordRow>),
    Refs(Vec<RefRow>),
    /// id, wrapped data key (empty once destroyed).
    RecordKeys(Vec<(String, Vec<u8>)>),
}

/// Where an export puts its batches.
pub(crate) type RawSink<'a> = dyn FnMut(RawBatch) -> Result<(), StoreError> + 'a;

/// Feeds rows one at a time into `sink` in batches of [`CHUNK`].
pub(crate) struct Chunker<T> {
    rows: Vec<T>,
    wrap: fn(Vec<T>) -> RawBatch,
}

impl<T> Chunker<T> {
    pub(crate) fn new(wrap: fn(Vec<T>) -> RawBatch) -> Self {
        Chunker {
            rows: Vec::new(),
            wrap,
        }
    }

    pub(crate) fn push(&mut self, row: T, sink: &mut RawSink) -> Result<(), StoreError> {
        self.rows.push(row);
        if self.rows.len() >= CHUNK {
            self.flush(sink)?;
        }
        Ok(())
    }

    pub(crate) fn flush(&mut self, sink: &mut RawSink) -> Result<(), StoreError> {
        if !self.rows.is_empty() {
            sink((self.wrap)(std::mem::take(&mut self.rows)))?;
        }
        Ok(())
    }
}
