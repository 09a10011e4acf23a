//! The index on disk and how it follows the log.

use crate::analysis::{self, Analyzers};
use crate::document::{Doc, document};
use crate::error::SearchError;
use crate::fields::{FORMAT, Fields};
use crate::merges::BalancedMerges;
use crate::query::{
    FacetCache, FacetCounter, FirstDocs, Hit, SearchQuery, SearchResults, build, group_facets,
};
use rightsdoc_ledger::{Action, SealedOp};
use rightsdoc_model::{Classification, Kind, Record};
use rightsdoc_store::Store;
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::schema::Value as _;
use tantivy::{Index, IndexMeta, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Operations read from the store at a time.
const CHUNK: u64 = 20_000;
/// Commit at least this often during a long catch-up, so that a crash loses little work.
const COMMIT_EVERY: u64 = 200_000;
/// Catch-ups longer than this get the big writer (more threads, 256 MB of indexing memory).
const BULK: u64 = 10_000;
const BULK_HEAP: usize = 256 << 20;
const SMALL_HEAP: usize = 32 << 20;

/// What the index knows of the log, kept in tantivy's commit payload so that it changes
/// atomically with the documents.
#[derive(Clone, Debug, Default, PartialEq)]
struct Position {
    /// Operations `0..log_size` are reflected in the index.
    log_size: u64,
    /// Hex Merkle root of those operations: tells this log from another one of the same size.
    root: String,
}

impl Position {
    fn payload(&self) -> String {
        json!({"format": FORMAT, "log_size": self.log_size, "root": self.root}).to_string()
    }

    /// The position committed with `metas`; `Ok(None)` for an index written by another
    /// format of this crate.
    fn of(metas: &IndexMeta) -> Result<Option<Position>, String> {
        match metas.payload.as_deref() {
            Some(payload) => Position::parse(payload),
            // Created, never committed.
            None if metas.segments.is_empty() => Ok(Some(Position::default())),
            None => Err("it holds documents but not which log operations they reflect".into()),
        }
    }

    fn parse(payload: &str) -> Result<Option<Position>, String> {
        let v: Value = serde_json::from_str(payload).map_err(|e| format!("commit payload: {e}"))?;
        if v.get("format").and_then(Value::as_u64) != Some(FORMAT) {
            return Ok(None);
        }
        match (v["log_size"].as_u64(), v["root"].as_str()) {
            (Some(log_size), Some(root)) => Ok(Some(Position {
                log_size,
                root: root.to_string(),
            })),
            _ => Err(format!("commit payload `{payload}` lacks log_size or root")),
        }
    }
}

/// The search index of an archive: a projection of its log, rebuildable at any time.
///
/// [`SearchIndex::catch_up`] and [`SearchIndex::rebuild`] are the only writers; they hold
/// tantivy's lock only while they run, so several processes may share one index.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzers: Analyzers,
    position: Position,
    facets: Arc<FacetCache>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating an empty one if there is none. An index written by
    /// another version of this crate is discarded (the next catch-up rebuilds it).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let damaged = |reason: String| SearchError::Damaged {
            dir: dir.to_path_buf(),
            reason,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = Fields::schema();
        let mut position = Position::default();
        let mut index = if dir.join("meta.json").exists() {
            let index = Index::open_in_dir(dir).map_err(SearchError::tantivy(dir))?;
            let metas = index.load_metas().map_err(SearchError::tantivy(dir))?;
            match Position::of(&metas).map_err(damaged)? {
                Some(p) if index.schema() == schema => {
                    position = p;
                    index
                }
                // Written by another version of this crate: start again from the log.
                _ => {
                    drop(index);
                    fs::remove_dir_all(dir).map_err(io)?;
                    fs::create_dir_all(dir).map_err(io)?;
                    Index::create_in_dir(dir, schema).map_err(SearchError::tantivy(dir))?
                }
            }
        } else {
            Index::create_in_dir(dir, schema).map_err(SearchError::tantivy(dir))?
        };
        analysis::register(index.tokenizers());
        // Segments are searched in parallel (see `merges`).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores > 1 {
            index
                .set_multithread_executor(cores.min(4))
                .map_err(SearchError::tantivy(dir))?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::tantivy(dir))?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            analyzers: Analyzers::default(),
            position,
            facets: Arc::default(),
        })
    }

    /// Deletes the index in `dir`, whatever state it is in, and opens an empty one: what
    /// `rightsdoc search --rebuild` does when [`SearchIndex::open`] reports a damaged index.
    /// The next [`SearchIndex::catch_up`] indexes the whole log. `dir` must be the archive's
    /// own search folder: everything in it is removed.
    pub fn reset(dir: &Path) -> Result<SearchIndex, SearchError> {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|source| SearchError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        SearchIndex::open(dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of log operations the index reflects (operations `0..n`).
    pub fn log_size(&self) -> u64 {
        self.position.log_size
    }

    /// How many log operations this handle's view of the index holds (a cheap check before
    /// [`SearchIndex::catch_up`], which also re-reads the index's metadata and checks the
    /// log's root).
    pub fn indexed_log_size(&self) -> u64 {
        self.position.log_size
    }

    /// Number of records in the index, at every clearance.
    pub fn num_records(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Applies the log operations after the last one the index holds (all of them after a
    /// crash, none when up to date) and returns how many it applied. Refuses an index that is
    /// ahead of the log or was built from another log: those need [`SearchIndex::rebuild`].
    ///
    /// Also picks up what another process (another handle) committed meanwhile, so a
    /// long-lived handle calls this before searching to see every change.
    pub fn catch_up(&mut self, store: &dyn Store) -> Result<u64, SearchError> {
        let log = store.log_size()?;
        self.refresh()?;
        if self.position.log_size == log && self.position_matches(store)? {
            return Ok(0);
        }
        let mut writer = self.writer(log.saturating_sub(self.position.log_size))?;
        // Under the writer's lock: another process may have caught up meanwhile.
        self.refresh()?;
        let from = self.position.log_size;
        if from > log {
            return Err(SearchError::AheadOfLog {
                dir: self.dir.clone(),
                indexed: from,
                log,
            });
        }
        if !self.position_matches(store)? {
            return Err(SearchError::Diverged {
                dir: self.dir.clone(),
            });
        }
        if from == log {
            return Ok(0);
        }
        self.apply(&mut writer, store, from, log, true)?;
        self.finish(writer)?;
        Ok(log - from)
    }

    /// Discards every document and indexes the whole log again. Returns the number of
    /// operations applied. Until it commits, searches see the old index.
    pub fn rebuild(&mut self, store: &dyn Store) -> Result<u64, SearchError> {
        let log = store.log_size()?;
        let mut writer = self.writer(log)?;
        writer
            .delete_all_documents()
            .map_err(SearchError::tantivy(&self.dir))?;
        self.apply(&mut writer, store, 0, log, true)?;
        self.finish(writer)?;
        Ok(log)
    }

    /// [`SearchIndex::refresh`], for the bulk indexer.
    pub(crate) fn reload_position(&mut self) -> Result<(), SearchError> {
        self.refresh()
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The writer for a long run of additions (an import).
    pub(crate) fn bulk_writer(&self) -> Result<IndexWriter<Doc>, SearchError> {
        self.writer(BULK + 1)
    }

    /// Re-reads the position committed on disk and, if it moved, the documents.
    fn refresh(&mut self) -> Result<(), SearchError> {
        let err = SearchError::tantivy(&self.dir);
        let metas = self.index.load_metas().map_err(&err)?;
        let damaged = |reason| SearchError::Damaged {
            dir: self.dir.clone(),
            reason,
        };
        let position = Position::of(&metas)
            .map_err(damaged)?
            .ok_or_else(|| damaged("another version of rightsdoc rewrote it".into()))?;
        if position != self.position {
            self.reload()?;
            self.position = position;
        }
        Ok(())
    }

    /// Shows committed changes to searches, and forgets what searches kept of segments that
    /// are gone (merged away or deleted): the only point at which the segments searched change.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader
            .reload()
            .map_err(SearchError::tantivy(&self.dir))?;
        let live: Vec<_> = (self.reader.searcher().segment_readers().iter())
            .map(|r| r.segment_id())
            .collect();
        self.facets.retain(&live);
        Ok(())
    }

    /// Whether the operations the index holds are the first ones of `store`'s log.
    fn position_matches(&self, store: &dyn Store) -> Result<bool, SearchError> {
        let p = &self.position;
        Ok(p.log_size == 0
            || (p.log_size <= store.log_size()? && root_hex(store, p.log_size)? == p.root))
    }

    /// A writer (and tantivy's lock) sized for applying `ops` operations.
    fn writer(&self, ops: u64) -> Result<IndexWriter<Doc>, SearchError> {
        let (threads, heap) = if ops > BULK {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            (cores.clamp(1, 4), BULK_HEAP)
        } else {
            (1, SMALL_HEAP)
        };
        let writer = self
            .index
            .writer_with_num_threads(threads, heap)
            .map_err(SearchError::tantivy(&self.dir))?;
        writer.set_merge_policy(Box::new(BalancedMerges));
        Ok(writer)
    }

    /// Lets merges started by the commits finish (so segments do not pile up), releases the
    /// lock and shows the new documents to searches.
    pub(crate) fn finish(&mut self, writer: IndexWriter<Doc>) -> Result<(), SearchError> {
        let err = SearchError::tantivy(&self.dir);
        writer.wait_merging_threads().map_err(&err)?;
        self.reload()
    }

    /// Applies operations `from..to`; with `commit`, commits every [`COMMIT_EVERY`]
    /// operations and at the end (a bulk indexer commits when its import has).
    pub(crate) fn apply(
        &mut self,
        writer: &mut IndexWriter<Doc>,
        store: &dyn Store,
        from: u64,
        to: u64,
        commit: bool,
    ) -> Result<(), SearchError> {
        let err = SearchError::tantivy(&self.dir);
        let read = |at: u64, end: u64| -> Result<Vec<SealedOp>, SearchError> {
            let ops = store.read_log(at, end)?;
            if ops.len() as u64 != end - at {
                return Err(SearchError::Store(rightsdoc_store::StoreError::Corrupt(
                    format!("the log returned {} operations for {at}..{end}", ops.len()),
                )));
            }
            Ok(ops)
        };
        let mut at = from;
        let mut uncommitted = 0;
        let mut ops = read(at, (at + CHUNK).min(to))?;
        while at < to {
            let end = at + ops.len() as u64;
            // The next chunk is read while this one is prepared.
            let (changes, next) =
                prepare_all(&ops, &self.fields, || read(end, (end + CHUNK).min(to)));
            for change in changes? {
                match change {
                    Change::Add { replaces, doc } => {
                        if let Some(id) = replaces {
                            writer.delete_term(Term::from_field_text(self.fields.id, &id));
                        }
                        writer.add_document(doc).map_err(&err)?;
                    }
                    Change::Remove(id) => {
                        writer.delete_term(Term::from_field_text(self.fields.id, &id));
                    }
                    Change::None => {}
                }
            }
            uncommitted += end - at;
            at = end;
            ops = next?;
            if commit && uncommitted >= COMMIT_EVERY && at < to {
                self.commit(writer, store, at)?;
                uncommitted = 0;
            }
        }
        if commit {
            self.commit(writer, store, to)?;
        }
        Ok(())
    }

    pub(crate) fn commit(
        &mut self,
        writer: &mut IndexWriter<Doc>,
        store: &dyn Store,
        log_size: u64,
    ) -> Result<(), SearchError> {
        let position = Position {
            log_size,
            root: root_hex(store, log_size)?,
        };
        let mut prepared = writer
            .prepare_commit()
            .map_err(SearchError::tantivy(&self.dir))?;
        prepared.set_payload(&position.payload());
        prepared.commit().map_err(SearchError::tantivy(&self.dir))?;
        self.position = position;
        Ok(())
    }

    /// Runs `q` for a reader with `clearance`: only records and fields that clearance may
    /// see are searched, counted and labelled.
    pub fn search(
        &self,
        q: &SearchQuery,
        clearance: Classification,
    ) -> Result<SearchResults, SearchError> {
        let err = SearchError::tantivy(&self.dir);
        let searcher = self.reader.searcher();
        let mut analyzers = self.analyzers.clone();
        let query = build(q, clearance, &self.fields, &mut analyzers, &searcher).map_err(&err)?;
        let tiers = self.fields.tiers(clearance);
        let schema = self.index.schema();
        let counter = FacetCounter {
            fields: tiers
                .iter()
                .map(|t| schema.get_field_name(t.facets).to_string())
                .collect(),
            cache: self.facets.clone(),
        };
        let limit = q.limit.max(1);
        let (top, (total, counts)) = if q.text.trim().is_empty() {
            searcher.search(&query, &(FirstDocs { limit }, counter))
        } else {
            let top = TopDocs::with_limit(limit).order_by_score();
            searcher.search(&query, &(top, counter))
        }
        .map_err(&err)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(q.limit) {
            let doc: TantivyDocument = searcher.doc(address).map_err(&err)?;
            let text = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let kind = text(self.fields.kind);
            // The label of the highest tier that holds the record (see `fields`).
            let label = tiers
                .iter()
                .rev()
                .find_map(|t| doc.get_first(t.label).and_then(|v| v.as_str()))
                .unwrap_or_default()
                .to_string();
            hits.push(Hit {
                id: text(self.fields.id),
                kind: Kind::parse(&kind).ok_or_else(|| SearchError::Damaged {
                    dir: self.dir.clone(),
                    reason: format!("a document has the unknown kind `{kind}`"),
                })?,
                label,
                score,
            });
        }
        Ok(SearchResults {
            total: total as usize,
            hits,
            facets: group_facets(counts),
        })
    }
}

fn root_hex(store: &dyn Store, size: u64) -> Result<String, SearchError> {
    let root = store.root(size)?;
    Ok(root.0.iter().map(|b| format!("{b:02x}")).collect())
}

/// What one log operation does to the index.
enum Change {
    /// Add a document, after removing the record's old one (`replaces`) for an edit. A create
    /// needs no removal: the store refuses to create an id that exists.
    Add {
        replaces: Option<String>,
        doc: Doc,
    },
    Remove(String),
    /// The archive's init operation, or a payload that has been destroyed (redacted): the
    /// index keeps the record as it was, like the store's projections.
    None,
}

/// Below this many operations, preparing documents on other threads costs more than it saves.
const PARALLEL_MIN: usize = 512;

/// Prepares the documents of `ops`, in order, on worker threads while the calling thread runs
/// `meanwhile` (the store is not shared between threads, so it reads the next chunk).
/// Reading payloads, redaction and analysis, not tantivy's indexing, dominate a rebuild.
fn prepare_all<R>(
    ops: &[SealedOp],
    fields: &Fields,
    meanwhile: impl FnOnce() -> R,
) -> (Result<Vec<Change>, SearchError>, R) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || ops.len() < PARALLEL_MIN {
        let mut analyzers = Analyzers::default();
        let changes = ops
            .iter()
            .map(|op| prepare(op, fields, &mut analyzers))
            .collect();
        return (changes, meanwhile());
    }
    let per_thread = ops.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = ops
            .chunks(per_thread)
            .map(|chunk| {
                s.spawn(move || {
                    let mut analyzers = Analyzers::default();
                    chunk
                        .iter()
                        .map(|op| prepare(op, fields, &mut analyzers))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let other = meanwhile();
        let mut out = Vec::with_capacity(ops.len());
        for h in handles {
            match h.join().expect("document preparation does not panic") {
                Ok(changes) => out.extend(changes),
                Err(e) => return (Err(e), other),
            }
        }
        (Ok(out), other)
    })
}

fn prepare(op: &SealedOp, fields: &Fields, a: &mut Analyzers) -> Result<Change, SearchError> {
    let h = &op.header;
    let bad = |message: String| SearchError::BadOperation {
        seq: h.seq,
        message,
    };
    match h.action {
        Action::Init | Action::View | Action::Redact => Ok(Change::None),
        Action::Delete => Ok(Change::Remove(h.target.clone())),
        Action::Create | Action::Edit => {
            let Some(payload) = op.payload_json().map_err(|e| bad(e.to_string()))? else {
                return Ok(Change::None);
            };
            let record = logged_record(payload).map_err(bad)?;
            if record.id != h.target {
                return Err(bad(format!(
                    "it names `{}` but holds record `{}`",
                    h.target, record.id
                )));
            }
            let replaces = (h.action == Action::Edit).then(|| record.id.clone());
            Ok(Change::Add {
                replaces,
                doc: document(&record, fields, a),
            })
        }
    }
}

/// The record a create or edit operation holds. The log keeps records exactly as validation
/// normalized them (the store validated them before appending, and `rightsdoc verify`
/// re-validates the whole log), so validating again here would only double the cost of a
/// rebuild; the fields the index relies on are checked.
fn logged_record(payload: Value) -> Result<Record, String> {
    let Value::Object(body) = payload else {
        return Err("its payload is not a record (JSON object)".into());
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let kind = text("kind")
        .and_then(Kind::parse)
        .ok_or("its record has no known `kind`")?;
    let id = text("id").ok_or("its record has no `id`")?.to_string();
    let classification = text("classification")
        .ok_or("its record has no `classification`")?
        .parse()?;
    Ok(Record {
        id,
        kind,
        classification,
        body,
        references: Vec::new(),
    })
}
