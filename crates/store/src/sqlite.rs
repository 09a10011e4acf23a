//! The embedded backend: one SQLite file (WAL mode, fully synchronous commits).

use crate::error::StoreError;
use crate::projection::{RecordRow, RefRow, rows_for};
#[cfg(feature = "postgres")]
use crate::raw::{Chunker, RawBatch, RawSink};
use crate::store::{Appended, Change, Store};
use rightsdoc_ledger::{
    Action, Hash, HashReader, Salt, SealedOp, root_hash, stored_hash_count, stored_hashes_for_leaf,
};
use rightsdoc_model::Classification;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The tables. A record's current body is not copied into `records`: it is the payload of
/// the operation that last changed it (`version`), read through [`RECORD_SELECT`], so the
/// projection cannot differ from the log and a write stores each body once.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, target TEXT NOT NULL, header BLOB NOT NULL, leaf BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS log_target ON log(target, seq);
CREATE TABLE IF NOT EXISTS payloads (seq INTEGER PRIMARY KEY, salt BLOB NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tree (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, classification TEXT NOT NULL,
    version INTEGER NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_kind ON records(kind, id);
CREATE INDEX IF NOT EXISTS records_kind_class ON records(kind, classification);
CREATE TABLE IF NOT EXISTS refs (from_id TEXT NOT NULL, path TEXT NOT NULL, to_id TEXT NOT NULL,
    PRIMARY KEY (from_id, path)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_to ON refs(to_id);
CREATE TABLE IF NOT EXISTS record_keys (id TEXT PRIMARY KEY, wrapped BLOB NOT NULL) WITHOUT ROWID;
";

/// The columns of a [`RecordRow`], with its body from the log.
const RECORD_SELECT: &str = "SELECT r.id, r.kind, r.classification, p.body, r.version, r.created
    FROM records r JOIN payloads p ON p.seq = r.version";

/// Brings a store written by an earlier version up to this layout, in one transaction: the
/// records table then copied each body beside the log, and a `names` table held name forms
/// that nothing read (search derives its own).
fn upgrade(conn: &Connection) -> Result<(), StoreError> {
    let old: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('records') WHERE name = 'body'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if old {
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE records_new (id TEXT PRIMARY KEY, kind TEXT NOT NULL, classification TEXT NOT NULL,
                 version INTEGER NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
             INSERT INTO records_new SELECT id, kind, classification, version, created FROM records;
             DROP TABLE records;
             ALTER TABLE records_new RENAME TO records;
             DROP TABLE IF EXISTS names;
             COMMIT;",
        )?;
    }
    Ok(())
}

pub struct SqliteStore {
    conn: Connection,
}

/// A consistent copy of the SQLite database at `source` (any SQLite file beside an archive,
/// such as its accounts) into the new file `path`.
pub fn snapshot_sqlite_file(source: &Path, path: &Path) -> Result<(), StoreError> {
    let conn = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", source.display())))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    snapshot_connection(&conn, path)
}

/// `VACUUM INTO` reads one transaction's view of the database, so writers may go on; the
/// copy is compact and has no WAL of its own.
fn snapshot_connection(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    if path.exists() {
        return Err(StoreError::Backend(format!(
            "{} already exists; a snapshot is written to a new file",
            path.display()
        )));
    }
    let target = path
        .to_str()
        .ok_or_else(|| StoreError::Backend(format!("{}: not a UTF-8 path", path.display())))?;
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|e| StoreError::Backend(format!("cannot copy the database to {target}: {e}")))?;
    // VACUUM INTO does not sync the new file; a backup must survive a power cut.
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Backend(format!("cannot sync {target}: {e}")))?;
    Ok(())
}

impl SqliteStore {
    /// Open (creating if needed) the store file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL + FULL: a commit that returned survives a crash of the process or the machine.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // A large page cache keeps the B-trees' hot pages in memory during bulk appends.
        conn.pragma_update(None, "cache_size", -262_144)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Deleted or overwritten bytes (a destroyed data key) are zeroed, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // Plans that do not depend on bound values: otherwise SQLite may mark a cached
        // statement to be prepared again at every new binding (the record lookup was, at a
        // sixth of a web read's CPU).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        upgrade(&conn)?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore { conn })
    }

    /// Size the page cache (the default suits bulk writes; readers need far less).
    pub fn set_cache_mib(&self, mib: u32) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        Ok(())
    }

    fn hash_at(conn: &Connection, idx: u64) -> Result<Option<Hash>, rusqlite::Error> {
        conn.prepare_cached("SELECT hash FROM tree WHERE idx = ?1")?
            .query_row([idx as i64], |r| r.get::<_, Vec<u8>>(0))
            .optional()
            .map(|o| o.and_then(|b| b.try_into().ok().map(Hash)))
    }
}

// Raw copies between stores serve `migrate` to PostgreSQL only.
#[cfg(feature = "postgres")]
impl SqliteStore {
    /// Every row of the store, exactly as stored, read in one transaction (a consistent
    /// view while other processes write), in batches.
    pub(crate) fn export_raw(&self, sink: &mut RawSink) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let mut c = Chunker::new(RawBatch::Log);
        let mut stmt = tx.prepare("SELECT seq, target, header, leaf FROM log ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?), sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Payloads);
        let mut stmt = tx.prepare("SELECT seq, salt, body FROM payloads ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?, r.get(2)?), sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Tree);
        let mut stmt = tx.prepare("SELECT idx, hash FROM tree ORDER BY idx")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?), sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Checkpoints);
        let mut stmt = tx.prepare("SELECT size, note FROM checkpoints ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?), sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Meta);
        let mut stmt = tx.prepare("SELECT key, value FROM meta ORDER BY key")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?), sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Records);
        let mut stmt = tx.prepare(&format!("{RECORD_SELECT} ORDER BY r.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push(record_row(r)?, sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Refs);
        let mut stmt =
            tx.prepare("SELECT from_id, path, to_id FROM refs ORDER BY from_id, path")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push(ref_row(r)?, sink)?;
        }
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::RecordKeys);
        let mut stmt = tx.prepare("SELECT id, wrapped FROM record_keys ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            c.push((r.get(0)?, r.get(1)?), sink)?;
        }
        c.flush(sink)?;
        Ok(())
    }

    /// Create the store file `path`, which must not exist yet, and fill it in one
    /// transaction with the rows `fill` hands over (see [`crate::raw`]); synced on return.
    pub(crate) fn import_raw_new(
        path: &Path,
        fill: impl FnOnce(&mut RawSink) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::Backend(format!(
                "{} already exists; a snapshot is written to a new file",
                path.display()
            )));
        }
        let mut store = SqliteStore::open(path)?;
        let tx = store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        fill(&mut |batch| {
            match batch {
                RawBatch::Log(rows) => {
                    let mut st = tx.prepare_cached(
                        "INSERT INTO log (seq, target, header, leaf) VALUES (?1, ?2, ?3, ?4)",
                    )?;
                    for (seq, target, header, leaf) in rows {
                        st.execute(params![seq, target, header, leaf])?;
                    }
                }
                RawBatch::Payloads(rows) => {
                    let mut st = tx.prepare_cached(
                        "INSERT INTO payloads (seq, salt, body) VALUES (?1, ?2, ?3)",
                    )?;
                    for (seq, salt, body) in rows {
                        st.execute(params![seq, salt, body])?;
                    }
                }
                RawBatch::Tree(rows) => {
                    let mut st =
                        tx.prepare_cached("INSERT INTO tree (idx, hash) VALUES (?1, ?2)")?;
                    for (idx, hash) in rows {
                        st.execute(params![idx, hash])?;
                    }
                }
                RawBatch::Checkpoints(rows) => {
                    let mut st =
                        tx.prepare_cached("INSERT INTO checkpoints (size, note) VALUES (?1, ?2)")?;
                    for (size, note) in rows {
                        st.execute(params![size, note])?;
                    }
                }
                RawBatch::Meta(rows) => {
                    let mut st =
                        tx.prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
                    for (k, v) in rows {
                        st.execute(params![k, v])?;
                    }
                }
                RawBatch::Records(rows) => {
                    for r in &rows {
                        if !insert_record(&tx, r)? {
                            return Err(StoreError::Corrupt(format!(
                                "record `{}` appears twice in the copied records table",
                                r.id
                            )));
                        }
                    }
                }
                RawBatch::Refs(refs) => write_refs(&tx, &refs)?,
                RawBatch::RecordKeys(rows) => {
                    let mut st =
                        tx.prepare_cached("INSERT INTO record_keys (id, wrapped) VALUES (?1, ?2)")?;
                    for (id, wrapped) in rows {
                        st.execute(params![id, wrapped])?;
                    }
                }
            }
            Ok(())
        })?;
        tx.commit()?;
        // Fold the WAL into the file so the copy is one self-contained, synced file.
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        drop(store);
        std::fs::File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::Backend(format!("cannot sync {}: {e}", path.display())))?;
        Ok(())
    }
}

/// Reads tree hashes inside a transaction, seeing the ones this transaction has just written.
struct TxReader<'a> {
    tx: &'a Connection,
    overlay: &'a HashMap<u64, Hash>,
}

impl HashReader for TxReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, rightsdoc_ledger::TlogError> {
        indexes
            .iter()
            .map(|i| match self.overlay.get(i) {
                Some(h) => Ok(*h),
                None => SqliteStore::hash_at(self.tx, *i)
                    .ok()
                    .flatten()
                    .ok_or(rightsdoc_ledger::TlogError::IndexesNotInTree),
            })
            .collect()
    }
}

impl HashReader for SqliteStore {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, rightsdoc_ledger::TlogError> {
        indexes
            .iter()
            .map(|i| {
                Self::hash_at(&self.conn, *i)
                    .ok()
                    .flatten()
                    .ok_or(rightsdoc_ledger::TlogError::IndexesNotInTree)
            })
            .collect()
    }
}

fn record_version(tx: &Connection, id: &str) -> Result<Option<u64>, rusqlite::Error> {
    tx.prepare_cached("SELECT version FROM records WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, i64>(0))
        .optional()
        .map(|o| o.map(|v| v as u64))
}

/// Insert a new record's row; `false` (and nothing written) when the id exists.
fn insert_record(tx: &Connection, r: &RecordRow) -> Result<bool, rusqlite::Error> {
    let n = tx
        .prepare_cached(
            "INSERT INTO records (id, kind, classification, version, created)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            r.id,
            r.kind,
            r.classification,
            r.version as i64,
            r.created as i64
        ])?;
    Ok(n == 1)
}

fn stored_body(tx: &Connection, id: &str) -> Result<Option<Vec<u8>>, rusqlite::Error> {
    tx.prepare_cached(
        "SELECT p.body FROM records r JOIN payloads p ON p.seq = r.version WHERE r.id = ?1",
    )?
    .query_row([id], |r| r.get(0))
    .optional()
}

fn write_refs(tx: &Connection, refs: &[RefRow]) -> Result<(), rusqlite::Error> {
    let mut ins =
        tx.prepare_cached("INSERT INTO refs (from_id, path, to_id) VALUES (?1, ?2, ?3)")?;
    for f in refs {
        ins.execute(params![f.from_id, f.path, f.to_id])?;
    }
    Ok(())
}

fn remove_refs(tx: &Connection, id: &str) -> Result<(), rusqlite::Error> {
    tx.prepare_cached("DELETE FROM refs WHERE from_id = ?1")?
        .execute([id])?;
    Ok(())
}

fn referrers_in(conn: &Connection, id: &str) -> Result<Vec<RefRow>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT from_id, path, to_id FROM refs WHERE to_id = ?1 ORDER BY from_id, path",
    )?
    .query_map([id], |r| {
        Ok(RefRow {
            from_id: r.get(0)?,
            path: r.get(1)?,
            to_id: r.get(2)?,
        })
    })?
    .collect()
}

#[cfg(feature = "postgres")]
fn ref_row(r: &rusqlite::Row) -> rusqlite::Result<RefRow> {
    Ok(RefRow {
        from_id: r.get(0)?,
        path: r.get(1)?,
        to_id: r.get(2)?,
    })
}

fn record_row(r: &rusqlite::Row) -> rusqlite::Result<RecordRow> {
    Ok(RecordRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        classification: r.get(2)?,
        body: String::from_utf8(r.get(3)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Blob, Box::new(e))
        })?,
        version: r.get::<_, i64>(4)? as u64,
        created: r.get::<_, i64>(5)? as u64,
    })
}

/// Runs `f` in a write transaction of its own, or in a savepoint of the bulk write in
/// progress (so a failed append inside it undoes only itself).
fn write<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    if conn.is_autocommit() {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    } else {
        let sp = conn.savepoint()?;
        let out = f(&sp)?;
        sp.commit()?;
        Ok(out)
    }
}

/// The work of [`Store::append`], inside the transaction [`write`] opened.
fn append_in(tx: &Connection, changes: Vec<Change>) -> Result<Vec<Appended>, StoreError> {
    let mut n: u64 = tx.query_row("SELECT COALESCE(MAX(seq) + 1, 0) FROM log", [], |r| {
        r.get::<_, i64>(0)
    })? as u64;
    let mut prev: Option<Hash> = tx
        .query_row("SELECT leaf FROM log ORDER BY seq DESC LIMIT 1", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .optional()?
        .and_then(|b| b.try_into().ok().map(Hash));
    let mut overlay: HashMap<u64, Hash> = HashMap::new();
    // Records written by this batch and still present, with their references.
    let mut written: HashMap<String, Vec<RefRow>> = HashMap::new();
    let mut out = Vec::with_capacity(changes.len());

    for change in changes {
        let target = change.op.target.clone();
        let action = change.op.action;
        let sealed = change.op.seal(n, prev, Salt::random())?;
        let body = sealed.payload.as_ref().map(|(_, body)| body.as_slice());
        // A create learns whether its id is new from the primary key (one statement, not
        // a lookup and an insert); edits and deletes need the current version anyway.
        let current = match (action, &change.record, body) {
            (Action::Create, Some(record), Some(body)) => {
                let row = rows_for(record, body, n, n);
                if insert_record(tx, &row.record)? {
                    write_refs(tx, &row.refs)?;
                    written.insert(target.clone(), row.refs);
                    None
                } else if change.skip_identical
                    && stored_body(tx, &target)?.as_deref() == Some(row.record.body.as_bytes())
                {
                    continue;
                } else {
                    return Err(StoreError::Exists(target));
                }
            }
            (Action::Create, _, _) => {
                return Err(StoreError::Backend(format!(
                    "create of `{target}` carries no record"
                )));
            }
            (Action::Init, _, _) => None,
            _ => match record_version(tx, &target)? {
                None => return Err(StoreError::NotFound(target)),
                found => found,
            },
        };
        if let (Some(expected), Some(found)) = (change.expect_version, current)
            && expected != found
        {
            return Err(StoreError::Conflict {
                id: target,
                expected,
                found,
            });
        }
        match (action, &change.record, body) {
            (Action::Edit, Some(record), Some(body)) => {
                let created = tx.query_row(
                    "SELECT created FROM records WHERE id = ?1",
                    [&target],
                    |r| r.get::<_, i64>(0),
                )? as u64;
                let row = rows_for(record, body, n, created);
                tx.prepare_cached(
                    "UPDATE records SET classification = ?2, version = ?3 WHERE id = ?1",
                )?
                .execute(params![
                    row.record.id,
                    row.record.classification,
                    n as i64
                ])?;
                remove_refs(tx, &target)?;
                write_refs(tx, &row.refs)?;
                written.insert(target.clone(), row.refs);
            }
            (Action::Delete, _, _) => {
                let by = referrers_in(tx, &target)?;
                if !by.is_empty() {
                    let list: Vec<String> = by
                        .iter()
                        .take(5)
                        .map(|r| format!("`{}` ({})", r.from_id, r.path))
                        .collect();
                    return Err(StoreError::StillReferenced {
                        id: target,
                        by: list.join(", "),
                    });
                }
                tx.prepare_cached("DELETE FROM records WHERE id = ?1")?
                    .execute([&target])?;
                remove_refs(tx, &target)?;
                written.remove(&target);
            }
            (Action::Edit, _, _) => {
                return Err(StoreError::Backend(format!(
                    "edit of `{target}` carries no record"
                )));
            }
            (Action::Create | Action::Init | Action::View | Action::Redact, _, _) => {}
        }

        tx.prepare_cached("INSERT INTO log (seq, target, header, leaf) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![
                n as i64,
                target,
                sealed.header_bytes,
                &sealed.leaf.0[..]
            ])?;
        let (salt, body) = sealed
            .payload
            .as_ref()
            .expect("a fresh operation has its payload");
        tx.prepare_cached("INSERT INTO payloads (seq, salt, body) VALUES (?1, ?2, ?3)")?
            .execute(params![n as i64, &salt.0[..], body])?;
        let hashes = stored_hashes_for_leaf(
            n,
            sealed.leaf,
            &TxReader {
                tx,
                overlay: &overlay,
            },
        )?;
        let first = stored_hash_count(n);
        let mut ins = tx.prepare_cached("INSERT INTO tree (idx, hash) VALUES (?1, ?2)")?;
        for (i, h) in hashes.into_iter().enumerate() {
            let idx = first + i as u64;
            ins.execute(params![idx as i64, &h.0[..]])?;
            overlay.insert(idx, h);
        }
        out.push(Appended {
            seq: n,
            target,
            leaf: sealed.leaf,
        });
        prev = Some(sealed.leaf);
        n += 1;
    }

    // References are checked once the whole batch is in, so a batch may refer forwards.
    // Most point at a few shared records (places, lists, sources): each is looked up once.
    let mut present: HashSet<&str> = HashSet::new();
    for refs in written.values() {
        for r in refs {
            let target = r.to_id.as_str();
            if written.contains_key(target) || present.contains(target) {
                continue;
            }
            if record_version(tx, target)?.is_none() {
                return Err(StoreError::Dangling {
                    from: r.from_id.clone(),
                    path: r.path.clone(),
                    target: r.to_id.clone(),
                });
            }
            present.insert(target);
        }
    }
    Ok(out)
}

impl Store for SqliteStore {
    fn append(&mut self, changes: Vec<Change>) -> Result<Vec<Appended>, StoreError> {
        write(&mut self.conn, |tx| append_in(tx, changes))
    }

    fn begin_bulk(&mut self) -> Result<bool, StoreError> {
        if !self.conn.is_autocommit() {
            return Err(StoreError::Backend(
                "a bulk write is already in progress on this store".into(),
            ));
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(true)
    }

    fn end_bulk(&mut self, commit: bool) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            return Err(StoreError::Backend("no bulk write is in progress".into()));
        }
        self.conn
            .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        Ok(())
    }

    fn root(&self, size: u64) -> Result<Hash, StoreError> {
        Ok(root_hash(size, self)?)
    }

    fn log_size(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq) + 1, 0) FROM log", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    fn read_log(&self, from: u64, to: u64) -> Result<Vec<SealedOp>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.seq, l.target, l.header, l.leaf, p.salt, p.body FROM log l LEFT JOIN payloads p ON p.seq = l.seq
             WHERE l.seq >= ?1 AND l.seq < ?2 ORDER BY l.seq",
        )?;
        let rows = stmt.query_map(params![from as i64, to as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for (expect, row) in (from..).zip(rows) {
            let (seq, target, header, leaf, salt, body) = row?;
            if seq as u64 != expect {
                return Err(StoreError::Corrupt(format!(
                    "operation {expect} is missing from the log"
                )));
            }
            let payload = match (salt, body) {
                (Some(s), Some(b)) => Some((
                    Salt(s.try_into().map_err(|_| {
                        StoreError::Corrupt(format!("operation {seq}: salt is not 32 bytes"))
                    })?),
                    b,
                )),
                _ => None,
            };
            let op = SealedOp::reopen(header, payload)
                .map_err(|e| StoreError::Corrupt(format!("operation {seq}: {e}")))?;
            if op.header.seq != seq as u64
                || op.header.target != target
                || op.leaf.0[..] != leaf[..]
            {
                return Err(StoreError::Corrupt(format!(
                    "operation {seq}: stored position, target or leaf hash does not match its header"
                )));
            }
            out.push(op);
        }
        Ok(out)
    }

    fn history(&self, target: &str) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq FROM log WHERE target = ?1 ORDER BY seq")?;
        let seqs = stmt
            .query_map([target], |r| r.get::<_, i64>(0))?
            .map(|s| s.map(|s| s as u64))
            .collect::<Result<_, _>>()?;
        Ok(seqs)
    }

    fn record(&self, id: &str) -> Result<Option<RecordRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("{RECORD_SELECT} WHERE r.id = ?1"))?
            .query_row([id], record_row)
            .optional()?)
    }

    fn for_each_record(
        &self,
        kind: Option<&str>,
        f: &mut dyn FnMut(RecordRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = format!("{RECORD_SELECT} WHERE (?1 IS NULL OR r.kind = ?1) ORDER BY r.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for row in stmt.query_map([kind], record_row)? {
            f(row?)?;
        }
        Ok(())
    }

    fn records_page(
        &self,
        kind: &str,
        clearance: Classification,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<RecordRow>, u64), StoreError> {
        // The allowed levels are constants of the code, never user text.
        let allowed = Classification::ALL
            .iter()
            .filter(|c| clearance.permits(**c))
            .map(|c| format!("'{}'", c.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        let total: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM records WHERE kind = ?1 AND classification IN ({allowed})"
            ),
            [kind],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{RECORD_SELECT} WHERE r.kind = ?1 AND r.classification IN ({allowed})
             ORDER BY r.id LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    kind,
                    limit.min(i64::MAX as u64) as i64,
                    offset.min(i64::MAX as u64) as i64
                ],
                record_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((rows, total as u64))
    }

    fn for_each_ref(
        &self,
        f: &mut dyn FnMut(RefRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT from_id, path, to_id FROM refs ORDER BY from_id, path")?;
        for row in stmt.query_map([], |r| {
            Ok(RefRow {
                from_id: r.get(0)?,
                path: r.get(1)?,
                to_id: r.get(2)?,
            })
        })? {
            f(row?)?;
        }
        Ok(())
    }

    fn referrers(&self, id: &str) -> Result<Vec<RefRow>, StoreError> {
        Ok(referrers_in(&self.conn, id)?)
    }

    fn for_each_stored_hash(
        &self,
        f: &mut dyn FnMut(u64, Hash) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT idx, hash FROM tree ORDER BY idx")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
            let (idx, bytes) = row?;
            let hash = bytes
                .try_into()
                .map_err(|_| StoreError::Corrupt(format!("tree hash {idx} is not 32 bytes")))?;
            f(idx as u64, Hash(hash))?;
        }
        Ok(())
    }

    fn add_checkpoint(&mut self, size: u64, text: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO checkpoints (size, note) VALUES (?1, ?2)",
            params![size as i64, text],
        )?;
        Ok(())
    }

    fn checkpoints(&self) -> Result<Vec<(u64, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT size, note FROM checkpoints ORDER BY id")?;
        let notes = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(notes)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }

    fn snapshot_to(&self, path: &Path) -> Result<(), StoreError> {
        snapshot_connection(&self.conn, path)
    }

    fn record_key(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT wrapped FROM record_keys WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn insert_record_key(&mut self, id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError> {
        write(&mut self.conn, |tx| {
            tx.execute(
                "INSERT OR IGNORE INTO record_keys (id, wrapped) VALUES (?1, ?2)",
                params![id, wrapped],
            )?;
            Ok(
                tx.query_row("SELECT wrapped FROM record_keys WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    fn destroy_record_key(&mut self, id: &str) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE record_keys SET wrapped = x'' WHERE id = ?1 AND length(wrapped) > 0",
            [id],
        )?;
        // Move the WAL's copy of the old page into the database (where secure_delete zeroes
        // it) and empty the WAL, so the key's bytes do not linger in `archive.db-wal`.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(changed > 0)
    }

    fn check_storage(&self) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let problems: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if problems.len() == 1 && problems[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "SQLite integrity check: {}",
                problems.join("; ")
            )))
        }
    }
}
