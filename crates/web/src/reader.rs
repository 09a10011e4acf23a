//! The one access-control layer of the web interface. Every page and every API route reads
//! the archive through a [`Reader`], which is built for one [`Viewer`] and can only return
//! what that viewer's clearance permits: records come redacted by `rightsdoc_model::redact`
//! (via `Archive::get_visible` / `Archive::visible`), searches run with the clearance, and
//! statistics count only visible records; evidence files and their chains of custody are
//! opened through it too. Handlers never hold an `Archive`.

use crate::error::WebError;
use rightsdoc_archive::blobs::BlobError;
use rightsdoc_archive::{
    Archive, ArchiveError, ChainEntry, CustodyInput, EvidenceAdded, EvidenceInput, HistoryEntry,
};
use rightsdoc_model::{Classification, Kind, plain_str, redact};
use rightsdoc_search::{SearchIndex, SearchQuery, SearchResults};
use rightsdoc_stats::Snapshot;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};

/// Who is asking. Until accounts exist every visitor is anonymous, with public clearance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub clearance: Classification,
}

impl Viewer {
    pub const ANONYMOUS: Viewer = Viewer {
        clearance: Classification::Public,
    };
}

/// The archive behind the server: a few open handles (SQLite connections) shared by request
/// threads, the search index, and statistics snapshots cached per clearance and log size.
pub struct Library {
    dir: PathBuf,
    pool: Mutex<Pool>,
    returned: Condvar,
    /// Searches share the index; only catching up with the log takes it alone.
    search: RwLock<SearchIndex>,
    /// Per clearance and set of kinds: the log size it was built at, and the snapshot.
    snapshots: Mutex<HashMap<SnapshotKey, (u64, Arc<Snapshot>)>>,
    /// The threads requests that read run on (see [`Readers`]).
    pub(crate) readers: Readers,
}

/// The blocking threads of requests that read (GET, HEAD): as many as archive handles, so
/// that under load each thread takes the next request as it finishes one, where 32 threads
/// of the runtime's pool each woke for a request and slept again waiting for a handle (the
/// switching was a fifth of a record read's CPU). Writes, which may wait up to 30 s on the
/// store's lock (an import in another process), and downloads streamed to slow clients stay
/// on the runtime's own blocking threads, so they do not hold back readers. One write is
/// made from a read: the log entry of a confidential view ([`Reader::open`]), which must be
/// written before the record is shown; during an import, as many such views at once as
/// there are reader threads would hold them all until the store's busy timeout.
pub(crate) struct Readers(Option<tokio::runtime::Runtime>);

impl Readers {
    pub(crate) fn start(threads: usize) -> std::io::Result<Readers> {
        // A runtime of which only the blocking pool is used; nothing drives its scheduler.
        tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(threads)
            .thread_name("rightsdoc-reader")
            .build()
            .map(|r| Readers(Some(r)))
    }

    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        self.0
            .as_ref()
            .expect("readers live as long as the library")
            .handle()
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        // The library may be dropped inside the server's runtime, where waiting is not allowed.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Library {
    pub fn open(dir: &Path) -> Result<Library, WebError> {
        let archive = Archive::open_reader(dir, READER_CACHE_MIB)?;
        let mut search = SearchIndex::open(&dir.join("search"))?;
        search.catch_up(archive.store())?;
        // More SQLite readers than cores only add memory (each keeps its own page cache).
        let max = std::thread::available_parallelism()
            .map_or(2, |n| n.get() * 2)
            .max(4);
        Ok(Library {
            dir: dir.to_path_buf(),
            pool: Mutex::new(Pool {
                idle: vec![archive],
                open: 1,
                max,
            }),
            returned: Condvar::new(),
            search: RwLock::new(search),
            snapshots: Mutex::new(HashMap::new()),
            readers: Readers::start(max).map_err(WebError::Threads)?,
        })
    }

    /// Create a record as `user` (the caller checked the user may write). Returns its id.
    pub fn add(&self, user: &str, value: Value) -> Result<String, WebError> {
        let mut archive = Archive::open(&self.dir, user)?;
        Ok(archive.add(value).map_err(refusal)?.id)
    }

    /// Create a record as `user`, safe to retry (see [`Archive::create`]): its id, and
    /// whether it was written now rather than found already there with the same content.
    pub fn create(&self, user: &str, value: Value) -> Result<(String, bool), WebError> {
        let mut archive = Archive::open(&self.dir, user)?;
        let created = archive.create(value).map_err(refusal)?;
        Ok((created.record.id, created.new))
    }

    /// Write one chunk of an import as `user`.
    pub fn add_imported(
        &self,
        user: &str,
        records: Vec<rightsdoc_model::Record>,
        context: &str,
    ) -> Result<(), ArchiveError> {
        // The server's index catches up from the log at the next search.
        Archive::open(&self.dir, user)?
            .add_imported(records, context)
            .map(drop)
    }

    /// Apply a merge patch to a record as `user`; with `expect`, only if the record is still
    /// at that version ([`WebError::Stale`] otherwise).
    pub fn edit(
        &self,
        user: &str,
        id: &str,
        patch: &Value,
        expect: Option<u64>,
    ) -> Result<(), WebError> {
        let mut archive = Archive::open(&self.dir, user)?;
        archive
            .edit_if(id, patch, expect)
            .map_err(|e| stale_or_refusal(e, expect))?;
        Ok(())
    }

    /// Delete a record as `user`, with the reason the log keeps; with `expect`, only if the
    /// record is still at that version.
    pub fn delete(
        &self,
        user: &str,
        id: &str,
        reason: &str,
        expect: Option<u64>,
    ) -> Result<(), WebError> {
        let mut archive = Archive::open(&self.dir, user)?;
        archive
            .delete_if(id, reason, expect)
            .map_err(|e| stale_or_refusal(e, expect))
    }

    /// Store an evidence file as `user` (the caller checked the user may write): the bytes
    /// of `file` from its start, an evidence record and its `acquired` custody entry, logged
    /// under the user's name. The same bytes already stored make no second item (see
    /// [`EvidenceAdded::existing`]).
    pub fn add_evidence(
        &self,
        user: &str,
        file: std::fs::File,
        input: &EvidenceInput,
    ) -> Result<EvidenceAdded, WebError> {
        use std::io::Seek;
        let mut file = file;
        file.rewind().map_err(|e| ArchiveError::Io {
            path: self.dir.clone(),
            error: e,
        })?;
        let mut bytes = std::io::BufReader::with_capacity(256 * 1024, file);
        let mut archive = Archive::open(&self.dir, user)?;
        archive.add_evidence(&mut bytes, input).map_err(refusal)
    }

    /// An unnamed temporary file for an upload on its way in, in the archive's own folder
    /// rather than the machine's shared temporary one (an upload may be confidential). It has
    /// no name, so it is gone when closed, even after a crash.
    pub fn spool(&self) -> std::io::Result<std::fs::File> {
        tempfile::tempfile_in(&self.dir)
    }

    /// A reader for `viewer`: the only way to see records.
    pub fn reader(self: &Arc<Self>, viewer: Viewer) -> Reader {
        Reader {
            library: self.clone(),
            viewer,
            audit_as: None,
        }
    }

    /// Run `f` with an archive handle from the pool: an idle one, a new one while there are
    /// fewer than the pool's maximum, else the next one returned.
    fn with_archive<T>(
        &self,
        f: impl FnOnce(&Archive) -> Result<T, WebError>,
    ) -> Result<T, WebError> {
        let archive = {
            let mut pool = self.pool.lock().expect("pool lock");
            loop {
                if let Some(a) = pool.idle.pop() {
                    break a;
                }
                if pool.open < pool.max {
                    pool.open += 1;
                    drop(pool);
                    match Archive::open_reader(&self.dir, READER_CACHE_MIB) {
                        Ok(a) => break a,
                        Err(e) => {
                            self.pool.lock().expect("pool lock").open -= 1;
                            return Err(e.into());
                        }
                    }
                }
                pool = self.returned.wait(pool).expect("pool lock");
            }
        }; // the pool's lock is released here, before `f` runs
        let out = f(&archive);
        self.pool.lock().expect("pool lock").idle.push(archive);
        self.returned.notify_one();
        out
    }
}

/// Snapshots are kept per clearance and set of kinds.
type SnapshotKey = (Classification, &'static [Kind]);

/// SQLite page cache of each pooled reader: records are read by id, a few pages each.
const READER_CACHE_MIB: u32 = 32;

/// Open archive handles: idle ones, and how many exist.
struct Pool {
    idle: Vec<Archive>,
    open: usize,
    max: usize,
}

/// What one viewer may read.
pub struct Reader {
    library: Arc<Library>,
    viewer: Viewer,
    /// The signed-in user whose opening of confidential records is logged.
    audit_as: Option<String>,
}

impl Reader {
    /// Log, under `user`, every record holding confidential values that [`Reader::open`] shows.
    pub fn audited(mut self, user: &str) -> Reader {
        self.audit_as = Some(user.to_string());
        self
    }

    /// A record a person opened (its page, the API): like [`Reader::record`], and when it shows
    /// confidential values, the view is an operation in the log: who saw what, when.
    pub fn open(&self, id: &str, via: &str) -> Result<Option<Value>, WebError> {
        let Some(v) = self.record(id)? else {
            return Ok(None);
        };
        self.audit(id, via, &v)?;
        Ok(Some(v))
    }

    /// Log the view of `v` when it shows confidential values.
    fn audit(&self, id: &str, via: &str, v: &Value) -> Result<(), WebError> {
        // Only a signed-in user cleared for confidential values can be shown one; everyone
        // else skips the comparison (record reads are the server's hottest path).
        if let Some(user) = &self.audit_as
            && self.viewer.clearance == Classification::Confidential
            && redact(v.clone(), Classification::Restricted).as_ref() != Some(v)
        {
            Archive::open(&self.library.dir, user)?.record_view(id, via)?;
        }
        Ok(())
    }

    /// [`Reader::open`] with the record's version (for an ETag).
    pub fn open_versioned(&self, id: &str, via: &str) -> Result<Option<(Value, u64)>, WebError> {
        let Some((v, version)) = self.record_versioned(id)? else {
            return Ok(None);
        };
        self.audit(id, via, &v)?;
        Ok(Some((v, version)))
    }

    /// A record as the viewer may see it; `None` when it is absent or above their clearance
    /// (the two are indistinguishable on purpose).
    pub fn record(&self, id: &str) -> Result<Option<Value>, WebError> {
        let clearance = self.viewer.clearance;
        self.library
            .with_archive(|a| Ok(a.get_visible(id, clearance)?))
    }

    /// [`Reader::record`] with its version: the sequence number of the operation that last
    /// changed it.
    pub fn record_versioned(&self, id: &str) -> Result<Option<(Value, u64)>, WebError> {
        let clearance = self.viewer.clearance;
        self.library
            .with_archive(|a| Ok(a.get_visible_versioned(id, clearance)?))
    }

    /// Labels of the records `ids` the viewer may see (a reference to a hidden record gets
    /// no label, so a page never shows a hidden record's name).
    pub fn labels(&self, ids: &[String]) -> Result<HashMap<String, String>, WebError> {
        let clearance = self.viewer.clearance;
        self.library.with_archive(|a| {
            let mut out = HashMap::new();
            for id in ids {
                if let Some(v) = a.get_visible(id, clearance)? {
                    out.insert(id.clone(), label_of(&v));
                }
            }
            Ok(out)
        })
    }

    /// Records of one kind, in id order: one page of them and the total.
    pub fn list(
        &self,
        kind: Kind,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Value>, usize), WebError> {
        let clearance = self.viewer.clearance;
        self.library.with_archive(|a| {
            let (page, total) = a.visible_page(
                clearance,
                kind,
                offset as u64,
                limit.min(u64::MAX as usize) as u64,
            )?;
            Ok((page, total as usize))
        })
    }

    /// The records that refer to `id` and that the viewer may see, with the referring field.
    pub fn referrers(&self, id: &str) -> Result<Vec<(Value, String)>, WebError> {
        let clearance = self.viewer.clearance;
        self.library.with_archive(|a| {
            let mut out = Vec::new();
            for r in a.store().referrers(id)? {
                if let Some(v) = a.get_visible(&r.from_id, clearance)? {
                    out.push((v, r.path));
                }
            }
            Ok(out)
        })
    }

    /// The operations on a record, each shown as the viewer may see it.
    pub fn history(&self, id: &str) -> Result<Option<Vec<HistoryEntry>>, WebError> {
        if self.record(id)?.is_none() {
            return Ok(None);
        }
        let clearance = self.viewer.clearance;
        self.library
            .with_archive(|a| Ok(Some(a.history(id, clearance)?)))
    }

    /// Search with the viewer's clearance, after bringing the index up to date with the log.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, WebError> {
        let search = &self.library.search;
        self.library.with_archive(|a| {
            let size = a.store().log_size()?;
            if search.read().expect("search lock").indexed_log_size() != size {
                // Another process (a `rightsdoc import`) may hold the index's writer lock and
                // be bringing it up to date itself: search what is indexed rather than fail.
                if let Err(e) = search.write().expect("search lock").catch_up(a.store()) {
                    eprintln!("rightsdoc serve: the search index is behind the log ({e}); searching it as it is");
                }
            }
            Ok(())
        })?;
        let index = search.read().expect("search lock");
        Ok(index.search(q, self.viewer.clearance)?)
    }

    /// The records of `kinds` the viewer may see, for statistics (rebuilt when the log has
    /// grown): what a page's statistics need and no more
    /// (the dashboard's charts need acts and recommendations, not a million people).
    pub fn snapshot_of(&self, kinds: &'static [Kind]) -> Result<Arc<Snapshot>, WebError> {
        let clearance = self.viewer.clearance;
        self.library.with_archive(|a| {
            let size = a.store().log_size()?;
            let mut cache = self.library.snapshots.lock().expect("snapshot lock");
            if let Some((at, snap)) = cache.get(&(clearance, kinds))
                && *at == size
            {
                return Ok(snap.clone());
            }
            let mut snap = Snapshot::default();
            for kind in kinds {
                a.visible(clearance, Some(*kind), &mut |v| snap.add(v))?;
            }
            let snap = Arc::new(snap);
            // A snapshot with people is the big one (hundreds of MiB at a million): keep one.
            if kinds.contains(&Kind::Person) {
                cache.retain(|(_, cached), _| !cached.contains(&Kind::Person));
            }
            cache.insert((clearance, kinds), (size, snap.clone()));
            Ok(snap)
        })
    }

    /// How many records of `kind` the viewer may see (counted by the store's index).
    pub fn count(&self, kind: Kind) -> Result<u64, WebError> {
        let clearance = self.viewer.clearance;
        self.library
            .with_archive(|a| Ok(a.visible_page(clearance, kind, 0, 0)?.1))
    }
}

/// An evidence file on its way to a visitor: what the page needs for the response's headers,
/// and the bytes, re-hashed as they are read (the read at the end of the file fails if they
/// no longer match the SHA-256).
pub struct EvidenceFile {
    pub id: String,
    pub sha256: String,
    pub size: Option<u64>,
    pub media_type: Option<String>,
    pub original_name: Option<String>,
    pub bytes: Box<dyn Read + Send>,
}

/// What [`Reader::evidence_file`] allows.
pub enum FileAccess {
    Ready(EvidenceFile),
    /// A confidential item: the visitor may have it, once they say why (the reason, their
    /// name and the time go into its chain of custody before a byte is sent).
    NeedsReason {
        label: String,
    },
    /// Not an evidence item this visitor may see, or not there at all: the same answer.
    Hidden,
    /// The stored file is missing or no longer matches its SHA-256: nothing is sent.
    Damaged(String),
}

impl Reader {
    /// The chain of custody of evidence `id` as the viewer may see it: every custody entry
    /// (and the record's own operations) in log order, each entry read at the viewer's
    /// clearance. `None` when the item is not visible.
    pub fn custody_chain(&self, id: &str) -> Result<Option<Vec<ChainEntry>>, WebError> {
        match self.record(id)? {
            Some(_) if Kind::from_id(id) == Some(Kind::Evidence) => {}
            _ => return Ok(None),
        }
        let clearance = self.viewer.clearance;
        self.library
            .with_archive(|a| Ok(Some(a.custody_chain(id, clearance)?)))
    }

    /// Record that evidence `id` was handed over, as the signed-in user, if the viewer's
    /// clearance permits the item: the same `handed_over` custody entry `rightsdoc evidence
    /// hand-over` writes (`from` defaults to the user). `None` when the item is not visible
    /// (or nobody is signed in): nothing is written. The caller checked the user may write.
    pub fn hand_over(
        &self,
        id: &str,
        to: &str,
        reason: &str,
        from: Option<&str>,
    ) -> Result<Option<String>, WebError> {
        let Some(user) = &self.audit_as else {
            return Ok(None);
        };
        match self.record(id)? {
            Some(_) if Kind::from_id(id) == Some(Kind::Evidence) => {}
            _ => return Ok(None),
        }
        let entry = Archive::open(&self.library.dir, user)?
            .record_custody(
                id,
                self.viewer.clearance,
                &CustodyInput {
                    action: "handed_over".into(),
                    from: Some(from.unwrap_or(user).to_string()),
                    to: Some(to.to_string()),
                    reason: Some(reason.to_string()),
                    ..CustodyInput::default()
                },
            )
            .map_err(refusal)?;
        Ok(Some(entry.id))
    }

    /// The original file of evidence `id`, if the viewer's clearance permits the item. A
    /// confidential item also needs a signed-in user and a `reason`: a `copied` custody entry
    /// (who, why, "web download") is written under the user's name before the bytes are
    /// opened. The file is re-hashed first, so a missing or altered file is refused before
    /// anything is sent or recorded.
    pub fn evidence_file(&self, id: &str, reason: Option<&str>) -> Result<FileAccess, WebError> {
        if Kind::from_id(id) != Some(Kind::Evidence) {
            return Ok(FileAccess::Hidden);
        }
        let Some(v) = self.record(id)? else {
            return Ok(FileAccess::Hidden);
        };
        // The file is named by its hash; an item whose hash the viewer may not see names no
        // file for them.
        let Some(sha256) = v.get("sha256").and_then(plain_str).map(str::to_string) else {
            return Ok(FileAccess::Hidden);
        };
        let text = |k: &str| v.get(k).and_then(plain_str).map(str::to_string);
        let confidential = v.get("classification").and_then(Value::as_str) == Some("confidential");
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let custody = match (confidential, &self.audit_as, reason) {
            (false, _, _) => None,
            (true, Some(user), Some(reason)) => Some((user.clone(), reason.to_string())),
            (true, Some(_), None) => {
                return Ok(FileAccess::NeedsReason {
                    label: label_of(&v),
                });
            }
            // No one to record the access under: refused like a hidden item.
            (true, None, _) => return Ok(FileAccess::Hidden),
        };
        let checked = self
            .library
            .with_archive(|a| match a.check_evidence_file(&v) {
                Ok(true) => Ok(None),
                Ok(false) => Ok(Some(format!(
                    "evidence {id}: the stored file no longer matches its SHA-256 {sha256}"
                ))),
                Err(BlobError::NotFound { .. }) => Ok(Some(format!(
                    "evidence {id}: its file {sha256} is missing from the blob store"
                ))),
                Err(BlobError::BadName(_)) => {
                    Ok(Some(format!("evidence {id}: `{sha256}` is not a SHA-256")))
                }
                Err(e) => Err(ArchiveError::from(e).into()),
            })?;
        if let Some(problem) = checked {
            return Ok(FileAccess::Damaged(problem));
        }
        if let Some((user, reason)) = custody {
            Archive::open(&self.library.dir, &user)?.record_custody(
                id,
                self.viewer.clearance,
                &CustodyInput {
                    action: "copied".into(),
                    actor: Some(user.clone()),
                    to: Some("a download through the web interface".into()),
                    reason: Some(reason),
                    ..CustodyInput::default()
                },
            )?;
        }
        let bytes = self
            .library
            .with_archive(|a| Ok(a.open_evidence_file(id, &v)?))?;
        Ok(FileAccess::Ready(EvidenceFile {
            id: id.to_string(),
            size: v.get("size").and_then(Value::as_u64),
            media_type: text("media_type"),
            original_name: text("original_name"),
            sha256,
            bytes,
        }))
    }
}

/// Why the archive refused a write: the field at fault and the reason, or what the write
/// contradicts.
fn refusal(e: ArchiveError) -> WebError {
    use rightsdoc_store::StoreError;
    match e {
        ArchiveError::Invalid { error, .. } => WebError::Invalid {
            path: error.path,
            message: error.message,
        },
        ArchiveError::Store(StoreError::Dangling { path, target, .. }) => WebError::Invalid {
            path,
            message: format!("there is no record `{target}` in this archive"),
        },
        ArchiveError::Store(StoreError::NotFound(_)) => WebError::NotFound,
        ArchiveError::Store(StoreError::Exists(id)) => WebError::Conflict(format!(
            "`{id}` already exists with different content; to change it, edit it (PATCH /api/v1/records/{id})"
        )),
        ArchiveError::Store(
            e @ (StoreError::Conflict { .. } | StoreError::StillReferenced { .. }),
        ) => WebError::Conflict(e.to_string()),
        // What the archive refuses in words (a file fact edited, a shredded record given
        // secrets again) is meant for the writer.
        ArchiveError::Other(message) => WebError::Invalid {
            path: String::new(),
            message,
        },
        other => other.into(),
    }
}

/// [`refusal`], except that a write made from a stale version (`expect`) is
/// [`WebError::Stale`].
fn stale_or_refusal(e: ArchiveError, expect: Option<u64>) -> WebError {
    match e {
        ArchiveError::Store(rightsdoc_store::StoreError::Conflict { found, .. })
            if expect.is_some() =>
        {
            WebError::Stale { found }
        }
        other => refusal(other),
    }
}

/// A short label for a visible (already redacted) record: its first name, or its title,
/// role or text, an evidence file's original name, else its id.
pub fn label_of(v: &Value) -> String {
    let first_name = v["names"]
        .as_array()
        .and_then(|names| names.iter().find_map(plain_str));
    let text = |k: &str| v.get(k).and_then(plain_str);
    first_name
        .or_else(|| text("title"))
        .or_else(|| text("role"))
        .or_else(|| text("measure"))
        .map(str::to_string)
        .or_else(|| text("text").map(|t| t.chars().take(80).collect()))
        .or_else(|| text("original_name").map(str::to_string))
        .unwrap_or_else(|| v["id"].as_str().unwrap_or_default().to_string())
}
