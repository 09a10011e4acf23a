//! Indexing records as an import writes them, from memory.
//!
//! [`SearchIndex::catch_up`] reads operations back from the store, re-checks their digests
//! and parses their payloads: right for a rebuild or after a crash, but for an import that
//! holds the records it has just written, a second reading of everything. A [`BulkIndex`]
//! takes those records directly. It holds tantivy's writer lock from start to end, commits
//! only when told (so an import inside one store transaction can be discarded without the
//! index ever getting ahead of the log), and falls back to the store for operations other
//! writers appended in between. What it commits is what a catch-up would have made: the
//! records given are the ones the log holds, as stored.

use crate::analysis::Analyzers;
use crate::document::{Doc, document};
use crate::error::SearchError;
use crate::index::SearchIndex;
use rightsdoc_model::Record;
use rightsdoc_store::Store;
use tantivy::IndexWriter;

/// A search index taking the records of a running import; see the module documentation.
pub struct BulkIndex {
    index: SearchIndex,
    writer: IndexWriter<Doc>,
    analyzers: Analyzers,
    /// The log size the index holds once what was added is committed.
    next: u64,
}

impl SearchIndex {
    /// Brings the index up to date with `store` and takes its writer for an import.
    pub fn into_bulk(mut self, store: &dyn Store) -> Result<BulkIndex, SearchError> {
        self.catch_up(store)?;
        let writer = self.bulk_writer()?;
        // Under the writer's lock: another process may have caught up meanwhile.
        self.reload_position()?;
        let next = self.log_size();
        Ok(BulkIndex {
            index: self,
            writer,
            analyzers: Analyzers::default(),
            next,
        })
    }
}

impl BulkIndex {
    /// Adds the records operations `seq` created, in log order. Operations before the first
    /// that this index has not seen (another writer's, between two chunks of an import that
    /// commits chunk by chunk) are read from `store` first; they are committed already.
    /// Records the index holds already (caught up from the log) are passed over.
    pub fn add(
        &mut self,
        written: &[(u64, &Record)],
        store: &dyn Store,
    ) -> Result<(), SearchError> {
        for (seq, record) in written {
            if *seq < self.next {
                // Indexed from the log already: committed before this index caught up.
                continue;
            }
            if *seq > self.next {
                self.index
                    .apply(&mut self.writer, store, self.next, *seq, false)?;
            }
            let doc = document(record, self.index.fields(), &mut self.analyzers);
            self.writer
                .add_document(doc)
                .map_err(SearchError::tantivy(self.index.dir()))?;
            self.next = seq + 1;
        }
        Ok(())
    }

    /// Commits what was added, with any operations appended after it (read from `store`,
    /// which must show the import committed), and returns the index, ready to search.
    pub fn commit(mut self, store: &dyn Store) -> Result<SearchIndex, SearchError> {
        let log = store.log_size()?;
        if log < self.next {
            return Err(SearchError::AheadOfLog {
                dir: self.index.dir().to_path_buf(),
                indexed: self.next,
                log,
            });
        }
        self.index
            .apply(&mut self.writer, store, self.next, log, false)?;
        self.index.commit(&mut self.writer, store, log)?;
        self.index.finish(self.writer)?;
        Ok(self.index)
    }

    /// Drops everything added since [`SearchIndex::into_bulk`] (the import was discarded).
    pub fn abandon(mut self) -> Result<SearchIndex, SearchError> {
        self.writer
            .rollback()
            .map_err(SearchError::tantivy(self.index.dir()))?;
        self.index.finish(self.writer)?;
        Ok(self.index)
    }
}
