//! The server backend: the log, its tree and the projections in PostgreSQL, so that several
//! processes (servers, importers) on several machines share one archive.
//!
//! The same rows as [`crate::SqliteStore`], in the PostgreSQL schema named by the URL
//! (`postgres://user@host:port/db?schema=NAME`, default `rightsdoc`), created on first open.
//! Every write is one transaction with `synchronous_commit = on`, so a returned append has
//! reached the server's disk. Appends take `LOCK TABLE log IN EXCLUSIVE MODE` first and
//! read the next sequence number under it: the log stays one sequence however many processes
//! write, while readers are never blocked.
//!
//! Texts that are ordered (ids, paths, keys) use the "C" collation, so PostgreSQL orders them
//! by bytes like SQLite and Rust do and verification can compare rebuilt rows in order.
//!
//! Connections are plain TCP or a Unix socket without TLS.

use crate::error::StoreError;
use crate::projection::{RecordRow, RefRow, Rows, rows_for};
use crate::raw::{CHUNK, Chunker, RawBatch, RawSink};
use crate::sqlite::SqliteStore;
use crate::store::{Appended, Change, Store};
use postgres::{Client, IsolationLevel, NoTls, Row, Statement, Transaction};
use rightsdoc_ledger::{
    Action, Hash, HashReader, Salt, SealedOp, TlogError, root_hash, stored_hash_count,
    stored_hashes_for_leaf,
};
use rightsdoc_model::Classification;
use std::cell::{RefCell, RefMut};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The schema used when the URL names none.
pub const DEFAULT_SCHEMA: &str = "rightsdoc";

const TABLES: [&str; 8] = [
    "meta",
    "log",
    "payloads",
    "tree",
    "checkpoints",
    "records",
    "refs",
    "record_keys",
];

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq BIGINT PRIMARY KEY, target TEXT COLLATE "C" NOT NULL,
    header BYTEA NOT NULL, leaf BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS log_target ON log(target, seq);
CREATE TABLE IF NOT EXISTS payloads (seq BIGINT PRIMARY KEY, salt BYTEA NOT NULL, body BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS tree (idx BIGINT PRIMARY KEY, hash BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT COLLATE "C" PRIMARY KEY, kind TEXT COLLATE "C" NOT NULL,
    classification TEXT COLLATE "C" NOT NULL, body TEXT NOT NULL, version BIGINT NOT NULL,
    created BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind, id);
CREATE INDEX IF NOT EXISTS records_kind_class ON records(kind, classification);
CREATE TABLE IF NOT EXISTS refs (from_id TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C" NOT NULL,
    to_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (from_id, path));
CREATE INDEX IF NOT EXISTS refs_to ON refs(to_id);
CREATE TABLE IF NOT EXISTS record_keys (id TEXT COLLATE "C" PRIMARY KEY, wrapped BYTEA NOT NULL);
"#;

/// Serializes schema creation between processes opening a new archive at once (an
/// advisory lock key; only ever held for the length of that transaction).
const DDL_LOCK: i64 = 0x7264_6f63_5f64_646c;

/// Rows fetched per round trip when visiting a whole table.
const PAGE: i64 = 2_000;

const RECORD_COLS: &str = "id, kind, classification, body, version, created";

/// A `postgres://` URL split into what the driver gets and the schema we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    /// The URL without our own parameters, as handed to the driver.
    pub driver: String,
    pub schema: String,
}

impl PostgresUrl {
    /// Parse `postgres://…` or `postgresql://…`; `schema=NAME` is taken out of the query
    /// string (lower-case letters, digits and `_`, as PostgreSQL folds unquoted names).
    pub fn parse(url: &str) -> Result<PostgresUrl, StoreError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Backend(format!(
                "`{}` is not a PostgreSQL URL; write postgres://user@host:port/database?schema=NAME",
                hide_password(url)
            )));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut schema = None;
        let mut keep = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("schema", name)) => schema = Some(name.to_string()),
                _ => keep.push(pair),
            }
        }
        let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        let valid = !schema.is_empty()
            && schema.len() <= 63
            && !schema.starts_with("pg_")
            && schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(StoreError::Backend(format!(
                "schema `{schema}` in {}: use lower-case letters, digits and `_` (at most 63, not starting with pg_)",
                hide_password(url)
            )));
        }
        let driver = if keep.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", keep.join("&"))
        };
        Ok(PostgresUrl { driver, schema })
    }
}

/// `url` with any password replaced by `***`, for messages.
pub fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// The statements every connection prepares once (one round trip each, at open).
struct Statements {
    last: Statement,
    states: Statement,
    hashes: Statement,
    referrers: Statement,
    existing: Statement,
    del_refs: Statement,
    del_records: Statement,
    ins_records: Statement,
    ins_refs: Statement,
    ins_log: Statement,
    ins_payloads: Statement,
    ins_tree: Statement,
    record: Statement,
    records_after: Statement,
    refs_after: Statement,
    tree_after: Statement,
    log_range: Statement,
    size: Statement,
    history: Statement,
    record_key: Statement,
}

impl Statements {
    fn prepare(c: &mut Client) -> Result<Statements, postgres::Error> {
        Ok(Statements {
            last: c.prepare("SELECT seq, leaf FROM log ORDER BY seq DESC LIMIT 1")?,
            states: c.prepare(
                "SELECT id, version, created, body FROM records WHERE id = ANY($1::text[])",
            )?,
            hashes: c.prepare("SELECT idx, hash FROM tree WHERE idx = ANY($1::bigint[])")?,
            referrers: c.prepare(
                "SELECT from_id, path, to_id FROM refs WHERE to_id = $1 ORDER BY from_id, path",
            )?,
            existing: c.prepare("SELECT id FROM records WHERE id = ANY($1::text[])")?,
            del_refs: c.prepare("DELETE FROM refs WHERE from_id = ANY($1::text[])")?,
            del_records: c.prepare("DELETE FROM records WHERE id = ANY($1::text[])")?,
            ins_records: c.prepare(&format!(
                "INSERT INTO records ({RECORD_COLS}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])"
            ))?,
            ins_refs: c.prepare(
                "INSERT INTO refs (from_id, path, to_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
            )?,
            ins_log: c.prepare(
                "INSERT INTO log (seq, target, header, leaf) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[])",
            )?,
            ins_payloads: c.prepare(
                "INSERT INTO payloads (seq, salt, body) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[])",
            )?,
            ins_tree: c.prepare(
                "INSERT INTO tree (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])",
            )?,
            record: c.prepare(&format!("SELECT {RECORD_COLS} FROM records WHERE id = $1"))?,
            records_after: c.prepare(&format!(
                "SELECT {RECORD_COLS} FROM records WHERE ($1::text IS NULL OR kind = $1) AND id > $2 ORDER BY id LIMIT $3"
            ))?,
            refs_after: c.prepare(
                "SELECT from_id, path, to_id FROM refs WHERE (from_id, path) > ($1, $2) ORDER BY from_id, path LIMIT $3",
            )?,
            tree_after: c
                .prepare("SELECT idx, hash FROM tree WHERE idx > $1 ORDER BY idx LIMIT $2")?,
            log_range: c.prepare(
                "SELECT l.seq, l.target, l.header, l.leaf, p.salt, p.body FROM log l LEFT JOIN payloads p ON p.seq = l.seq
                 WHERE l.seq >= $1 AND l.seq < $2 ORDER BY l.seq",
            )?,
            size: c.prepare("SELECT COALESCE(MAX(seq) + 1, 0) FROM log")?,
            history: c.prepare("SELECT seq FROM log WHERE target = $1 ORDER BY seq")?,
            record_key: c.prepare("SELECT wrapped FROM record_keys WHERE id = $1")?,
        })
    }
}

struct Conn {
    client: Client,
    st: Statements,
}

/// The PostgreSQL store. One connection per handle (a server's pool of readers holds one
/// each); a connection the server dropped (a restart) is opened again on next use.
pub struct PostgresStore {
    url: PostgresUrl,
    shown: String,
    conn: RefCell<Conn>,
}

/// The driver's message with its causes (its `Display` alone says only "db error").
fn describe(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

fn pg(e: postgres::Error) -> StoreError {
    StoreError::Backend(format!("PostgreSQL: {}", describe(&e)))
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        pg(e)
    }
}

impl PostgresStore {
    /// Connect to `url` and create its schema and tables if they are missing.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let parsed = PostgresUrl::parse(url)?;
        let shown = hide_password(url);
        let conn = Self::connect(&parsed, &shown)?;
        Ok(PostgresStore {
            url: parsed,
            shown,
            conn: RefCell::new(conn),
        })
    }

    fn connect(url: &PostgresUrl, shown: &str) -> Result<Conn, StoreError> {
        let mut client = Client::connect(&url.driver, NoTls).map_err(|e| {
            StoreError::Backend(format!(
                "cannot connect to {shown}: {}; is PostgreSQL running, and does the database exist?",
                describe(&e)
            ))
        })?;
        let schema = &url.schema;
        // Durable commits whatever the server's default; our schema first on the path.
        client.batch_execute(&format!(
            "SET synchronous_commit = on; SET search_path TO \"{schema}\""
        ))?;
        let present: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2)",
                &[schema, &TABLES.to_vec()],
            )?
            .get(0);
        if present != TABLES.len() as i64 {
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&DDL_LOCK])?;
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .map_err(|e| {
                    StoreError::Backend(format!(
                        "cannot create schema `{schema}` in {shown}: {}; create it, or give the user the CREATE privilege on the database",
                        describe(&e)
                    ))
                })?;
            tx.batch_execute(SCHEMA)?;
            tx.commit()?;
        }
        let st = Statements::prepare(&mut client)?;
        Ok(Conn { client, st })
    }

    /// The connection, opened again if the server closed it.
    fn conn(&self) -> Result<RefMut<'_, Conn>, StoreError> {
        let mut conn = self.conn.borrow_mut();
        if conn.client.is_closed() {
            *conn = Self::connect(&self.url, &self.shown)?;
        }
        Ok(conn)
    }

    /// The schema this store lives in.
    pub fn schema(&self) -> &str {
        &self.url.schema
    }

    /// Whether every table is empty (a fresh schema that an archive may be created in or
    /// migrated to).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let sql = TABLES
            .iter()
            .map(|t| format!("NOT EXISTS (SELECT 1 FROM {t})"))
            .collect::<Vec<_>>()
            .join(" AND ");
        Ok(conn.client.query_one(&format!("SELECT {sql}"), &[])?.get(0))
    }

    /// Copy every row of `source` into this store, as stored (header bytes, salts, payload
    /// bytes, leaves, tree hashes, checkpoints, metadata, record keys and projections), in
    /// one transaction. Refused unless this store is empty.
    pub fn import_sqlite(&mut self, source: &SqliteStore) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        let mut tx = client.transaction()?;
        tx.batch_execute(&format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            TABLES.join(", ")
        ))?;
        let sql = TABLES
            .iter()
            .map(|t| format!("NOT EXISTS (SELECT 1 FROM {t})"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let empty: bool = tx.query_one(&format!("SELECT {sql}"), &[])?.get(0);
        if !empty {
            return Err(StoreError::Backend(format!(
                "schema `{}` in {} is not empty; migrate into a new schema (?schema=NAME)",
                self.url.schema, self.shown
            )));
        }
        source.export_raw(&mut |batch| write_raw(&mut tx, st, batch))?;
        tx.commit()?;
        Ok(())
    }

    /// Every row, read in one REPEATABLE READ transaction (a snapshot while others write).
    fn export_raw(&self, sink: &mut RawSink) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut c = Chunker::new(RawBatch::Log);
        each_row(
            &mut tx,
            "SELECT seq, target, header, leaf FROM log ORDER BY seq",
            &mut |r| c.push((r.get(0), r.get(1), r.get(2), r.get(3)), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Payloads);
        each_row(
            &mut tx,
            "SELECT seq, salt, body FROM payloads ORDER BY seq",
            &mut |r| c.push((r.get(0), r.get(1), r.get(2)), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Tree);
        each_row(
            &mut tx,
            "SELECT idx, hash FROM tree ORDER BY idx",
            &mut |r| c.push((r.get(0), r.get(1)), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Checkpoints);
        each_row(
            &mut tx,
            "SELECT size, note FROM checkpoints ORDER BY id",
            &mut |r| c.push((r.get(0), r.get(1)), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Meta);
        each_row(
            &mut tx,
            "SELECT key, value FROM meta ORDER BY key",
            &mut |r| c.push((r.get(0), r.get(1)), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Records);
        each_row(
            &mut tx,
            &format!("SELECT {RECORD_COLS} FROM records ORDER BY id"),
            &mut |r| c.push(record_row(r), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::Refs);
        each_row(
            &mut tx,
            "SELECT from_id, path, to_id FROM refs ORDER BY from_id, path",
            &mut |r| c.push(ref_row(r), sink),
        )?;
        c.flush(sink)?;
        let mut c = Chunker::new(RawBatch::RecordKeys);
        each_row(
            &mut tx,
            "SELECT id, wrapped FROM record_keys ORDER BY id",
            &mut |r| c.push((r.get(0), r.get(1)), sink),
        )?;
        c.flush(sink)?;
        tx.commit()?;
        Ok(())
    }

    /// Visit a table a page at a time (keyset pagination), so that `f` may itself use the
    /// store: no query is open while it runs.
    fn visit<K, T>(
        &self,
        mut key: K,
        query: impl Fn(&mut Conn, &K) -> Result<Vec<Row>, postgres::Error>,
        convert: impl Fn(&Row) -> Result<T, StoreError>,
        next_key: impl Fn(&T) -> K,
        f: &mut dyn FnMut(T) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        loop {
            let rows = {
                let mut conn = self.conn()?;
                query(&mut conn, &key)?
            };
            let full = rows.len() as i64 == PAGE;
            for r in &rows {
                let row = convert(r)?;
                key = next_key(&row);
                f(row)?;
            }
            if !full {
                return Ok(());
            }
        }
    }
}

/// Run `sql` in `tx` and hand its rows to `f`, fetched [`CHUNK`] at a time through a portal.
fn each_row(
    tx: &mut Transaction,
    sql: &str,
    f: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let portal = tx.bind(sql, &[])?;
    loop {
        let rows = tx.query_portal(&portal, CHUNK as i32)?;
        if rows.is_empty() {
            return Ok(());
        }
        for r in &rows {
            f(r)?;
        }
    }
}

/// Write one batch of raw rows (a migration into this store).
fn write_raw(tx: &mut Transaction, st: &Statements, batch: RawBatch) -> Result<(), StoreError> {
    match batch {
        RawBatch::Log(rows) => {
            let (mut seq, mut target, mut header, mut leaf) = (vec![], vec![], vec![], vec![]);
            for (s, t, h, l) in rows {
                seq.push(s);
                target.push(t);
                header.push(h);
                leaf.push(l);
            }
            tx.execute(&st.ins_log, &[&seq, &target, &header, &leaf])?;
        }
        RawBatch::Payloads(rows) => {
            let (mut seq, mut salt, mut body) = (vec![], vec![], vec![]);
            for (s, a, b) in rows {
                seq.push(s);
                salt.push(a);
                body.push(b);
            }
            tx.execute(&st.ins_payloads, &[&seq, &salt, &body])?;
        }
        RawBatch::Tree(rows) => {
            let (idx, hash): (Vec<i64>, Vec<Vec<u8>>) = rows.into_iter().unzip();
            tx.execute(&st.ins_tree, &[&idx, &hash])?;
        }
        RawBatch::Checkpoints(rows) => {
            // One at a time, so the serial ids keep the stored order.
            for (size, note) in rows {
                tx.execute(
                    "INSERT INTO checkpoints (size, note) VALUES ($1, $2)",
                    &[&size, &note],
                )?;
            }
        }
        RawBatch::Meta(rows) => {
            for (k, v) in rows {
                tx.execute("INSERT INTO meta (key, value) VALUES ($1, $2)", &[&k, &v])?;
            }
        }
        RawBatch::Records(rows) => insert_records(tx, st, rows.iter())?,
        RawBatch::Refs(rows) => insert_refs(tx, st, rows.iter())?,
        RawBatch::RecordKeys(rows) => {
            let (id, wrapped): (Vec<String>, Vec<Vec<u8>>) = rows.into_iter().unzip();
            tx.execute(
                "INSERT INTO record_keys (id, wrapped) SELECT * FROM unnest($1::text[], $2::bytea[])",
                &[&id, &wrapped],
            )?;
        }
    }
    Ok(())
}

fn insert_records<'r>(
    tx: &mut Transaction,
    st: &Statements,
    rows: impl Iterator<Item = &'r RecordRow>,
) -> Result<(), StoreError> {
    let (mut id, mut kind, mut class, mut body, mut version, mut created) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for r in rows {
        id.push(r.id.as_str());
        kind.push(r.kind.as_str());
        class.push(r.classification.as_str());
        body.push(r.body.as_str());
        version.push(r.version as i64);
        created.push(r.created as i64);
    }
    if !id.is_empty() {
        tx.execute(
            &st.ins_records,
            &[&id, &kind, &class, &body, &version, &created],
        )?;
    }
    Ok(())
}

fn insert_refs<'r>(
    tx: &mut Transaction,
    st: &Statements,
    rows: impl Iterator<Item = &'r RefRow>,
) -> Result<(), StoreError> {
    let (mut from, mut path, mut to) = (vec![], vec![], vec![]);
    for r in rows {
        from.push(r.from_id.as_str());
        path.push(r.path.as_str());
        to.push(r.to_id.as_str());
    }
    if !from.is_empty() {
        tx.execute(&st.ins_refs, &[&from, &path, &to])?;
    }
    Ok(())
}

fn record_row(r: &Row) -> RecordRow {
    RecordRow {
        id: r.get(0),
        kind: r.get(1),
        classification: r.get(2),
        body: r.get(3),
        version: r.get::<_, i64>(4) as u64,
        created: r.get::<_, i64>(5) as u64,
    }
}

fn ref_row(r: &Row) -> RefRow {
    RefRow {
        from_id: r.get(0),
        path: r.get(1),
        to_id: r.get(2),
    }
}

fn to_hash(idx: i64, bytes: Vec<u8>) -> Result<Hash, StoreError> {
    bytes
        .try_into()
        .map(Hash)
        .map_err(|_| StoreError::Corrupt(format!("tree hash {idx} is not 32 bytes")))
}

/// Look up tree hashes (those in `overlay` first: written by this transaction, not yet
/// stored) in one round trip.
fn read_hashes_with(
    query: impl FnOnce(&[i64]) -> Result<Vec<Row>, postgres::Error>,
    overlay: &HashMap<u64, Hash>,
    indexes: &[u64],
) -> Result<Vec<Hash>, TlogError> {
    let missing: Vec<i64> = indexes
        .iter()
        .filter(|i| !overlay.contains_key(i))
        .map(|i| *i as i64)
        .collect();
    let mut found = HashMap::new();
    if !missing.is_empty() {
        for r in query(&missing).map_err(|_| TlogError::IndexesNotInTree)? {
            let idx: i64 = r.get(0);
            let hash = to_hash(idx, r.get(1)).map_err(|_| TlogError::IndexesNotInTree)?;
            found.insert(idx as u64, hash);
        }
    }
    indexes
        .iter()
        .map(|i| {
            overlay
                .get(i)
                .or_else(|| found.get(i))
                .copied()
                .ok_or(TlogError::IndexesNotInTree)
        })
        .collect()
}

impl HashReader for PostgresStore {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let mut conn = self.conn().map_err(|_| TlogError::IndexesNotInTree)?;
        let Conn { client, st } = &mut *conn;
        read_hashes_with(
            |m| client.query(&st.hashes, &[&m]),
            &HashMap::new(),
            indexes,
        )
    }
}

/// Reads tree hashes inside an append's transaction, seeing the ones it has just computed.
struct TxReader<'a, 't> {
    tx: RefCell<&'a mut Transaction<'t>>,
    st: &'a Statement,
    overlay: &'a HashMap<u64, Hash>,
}

impl HashReader for TxReader<'_, '_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let mut tx = self.tx.borrow_mut();
        read_hashes_with(|m| tx.query(self.st, &[&m]), self.overlay, indexes)
    }
}

/// A record's state as an append sees it.
struct Current {
    version: u64,
    created: u64,
    body: String,
}

impl Store for PostgresStore {
    /// The semantics of [`SqliteStore`]'s append, with fewer round trips: the current state
    /// of every target is read in one query, the batch is applied in memory (so later changes
    /// see earlier ones), and the rows are written with one multi-row statement per table.
    fn append(&mut self, changes: Vec<Change>) -> Result<Vec<Appended>, StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        let mut tx = client.transaction()?;
        // Serializes appends (other processes too); readers are not blocked.
        tx.batch_execute("LOCK TABLE log IN EXCLUSIVE MODE")?;
        let (mut n, mut prev) = match tx.query_opt(&st.last, &[])? {
            Some(r) => {
                let seq: i64 = r.get(0);
                (seq as u64 + 1, Some(to_hash(seq, r.get(1))?))
            }
            None => (0, None),
        };
        let targets: Vec<&str> = {
            let mut seen = HashSet::new();
            changes
                .iter()
                .map(|c| c.op.target.as_str())
                .filter(|t| seen.insert(*t))
                .collect()
        };
        let mut stored: HashMap<String, Current> = HashMap::new();
        for r in tx.query(&st.states, &[&targets])? {
            stored.insert(
                r.get(0),
                Current {
                    version: r.get::<_, i64>(1) as u64,
                    created: r.get::<_, i64>(2) as u64,
                    body: r.get(3),
                },
            );
        }
        // Records this batch created, edited or deleted: their state now (`None`: deleted).
        let mut changed: HashMap<String, Option<Current>> = HashMap::new();
        // Records written by this batch and still present, with their rows, in write order.
        let mut written: HashMap<String, Rows> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut overlay: HashMap<u64, Hash> = HashMap::new();
        let (mut log_seq, mut log_target, mut log_header, mut log_leaf) =
            (vec![], vec![], vec![], vec![]);
        let (mut pay_seq, mut pay_salt, mut pay_body) = (vec![], vec![], vec![]);
        let (mut tree_idx, mut tree_hash) = (vec![], vec![]);
        let mut out = Vec::with_capacity(changes.len());

        for change in changes {
            let target = change.op.target.clone();
            let action = change.op.action;
            let sealed = change.op.seal(n, prev, Salt::random())?;
            let body = sealed.payload.as_ref().map(|(_, body)| body.as_slice());
            let now = match changed.get(&target) {
                Some(state) => state.as_ref(),
                None => stored.get(&target),
            };
            let current = match (action, &change.record, body) {
                (Action::Create, Some(record), Some(body)) => {
                    let row = rows_for(record, body, n, n);
                    match now {
                        None => {
                            changed.insert(
                                target.clone(),
                                Some(Current {
                                    version: n,
                                    created: n,
                                    body: row.record.body.clone(),
                                }),
                            );
                            written.insert(target.clone(), row);
                            order.push(target.clone());
                            None
                        }
                        Some(cur) if change.skip_identical && cur.body == row.record.body => {
                            continue;
                        }
                        Some(_) => return Err(StoreError::Exists(target)),
                    }
                }
                (Action::Create, _, _) => {
                    return Err(StoreError::Backend(format!(
                        "create of `{target}` carries no record"
                    )));
                }
                (Action::Init, _, _) => None,
                _ => match now {
                    None => return Err(StoreError::NotFound(target)),
                    Some(cur) => Some((cur.version, cur.created)),
                },
            };
            if let (Some(expected), Some((found, _))) = (change.expect_version, current)
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
                    let created = current.map(|c| c.1).unwrap_or(n);
                    let row = rows_for(record, body, n, created);
                    changed.insert(
                        target.clone(),
                        Some(Current {
                            version: n,
                            created,
                            body: row.record.body.clone(),
                        }),
                    );
                    written.insert(target.clone(), row);
                    order.push(target.clone());
                }
                (Action::Delete, _, _) => {
                    // Referrers as stored, less those this batch rewrote, plus this batch's.
                    let mut by: Vec<RefRow> = tx
                        .query(&st.referrers, &[&target])?
                        .iter()
                        .map(ref_row)
                        .filter(|r| !changed.contains_key(&r.from_id))
                        .collect();
                    by.extend(
                        written
                            .values()
                            .flat_map(|rows| &rows.refs)
                            .filter(|r| r.to_id == target)
                            .cloned(),
                    );
                    if !by.is_empty() {
                        by.sort();
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
                    changed.insert(target.clone(), None);
                    written.remove(&target);
                }
                (Action::Edit, _, _) => {
                    return Err(StoreError::Backend(format!(
                        "edit of `{target}` carries no record"
                    )));
                }
                (Action::Create | Action::Init | Action::View | Action::Redact, _, _) => {}
            }

            let (salt, payload) = sealed
                .payload
                .as_ref()
                .expect("a fresh operation has its payload");
            pay_seq.push(n as i64);
            pay_salt.push(salt.0.to_vec());
            pay_body.push(payload.clone());
            let hashes = stored_hashes_for_leaf(
                n,
                sealed.leaf,
                &TxReader {
                    tx: RefCell::new(&mut tx),
                    st: &st.hashes,
                    overlay: &overlay,
                },
            )?;
            let first = stored_hash_count(n);
            for (i, h) in hashes.into_iter().enumerate() {
                let idx = first + i as u64;
                tree_idx.push(idx as i64);
                tree_hash.push(h.0.to_vec());
                overlay.insert(idx, h);
            }
            log_seq.push(n as i64);
            log_target.push(target.clone());
            log_header.push(sealed.header_bytes);
            log_leaf.push(sealed.leaf.0.to_vec());
            out.push(Appended {
                seq: n,
                target,
                leaf: sealed.leaf,
            });
            prev = Some(sealed.leaf);
            n += 1;
        }

        // References are checked once the whole batch is applied, so a batch may refer
        // forwards; targets neither written nor read above are looked up in one query.
        let refs = || {
            order
                .iter()
                .filter_map(|id| written.get(id))
                .flat_map(|r| &r.refs)
        };
        let unknown: Vec<&str> = refs()
            .map(|r| r.to_id.as_str())
            .filter(|t| !changed.contains_key(*t) && !stored.contains_key(*t))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let present: HashSet<String> = if unknown.is_empty() {
            HashSet::new()
        } else {
            tx.query(&st.existing, &[&unknown])?
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        for r in refs() {
            let exists = match changed.get(&r.to_id) {
                Some(state) => state.is_some(),
                None => stored.contains_key(&r.to_id) || present.contains(&r.to_id),
            };
            if !exists {
                return Err(StoreError::Dangling {
                    from: r.from_id.clone(),
                    path: r.path.clone(),
                    target: r.to_id.clone(),
                });
            }
        }

        // Replace the rows of every record this batch changed.
        let replaced: Vec<&str> = changed
            .keys()
            .filter(|id| stored.contains_key(*id))
            .map(String::as_str)
            .collect();
        if !replaced.is_empty() {
            tx.execute(&st.del_refs, &[&replaced])?;
            tx.execute(&st.del_records, &[&replaced])?;
        }
        let mut seen = HashSet::new();
        let finals: Vec<&Rows> = order
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| written.get(id))
            .collect();
        insert_records(&mut tx, st, finals.iter().map(|r| &r.record))?;
        insert_refs(&mut tx, st, finals.iter().flat_map(|r| &r.refs))?;
        if !log_seq.is_empty() {
            tx.execute(
                &st.ins_log,
                &[&log_seq, &log_target, &log_header, &log_leaf],
            )?;
            tx.execute(&st.ins_payloads, &[&pay_seq, &pay_salt, &pay_body])?;
            tx.execute(&st.ins_tree, &[&tree_idx, &tree_hash])?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn root(&self, size: u64) -> Result<Hash, StoreError> {
        Ok(root_hash(size, self)?)
    }

    fn log_size(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        Ok(client.query_one(&st.size, &[])?.get::<_, i64>(0) as u64)
    }

    fn read_log(&self, from: u64, to: u64) -> Result<Vec<SealedOp>, StoreError> {
        let rows = {
            let mut conn = self.conn()?;
            let Conn { client, st } = &mut *conn;
            client.query(
                &st.log_range,
                &[&(from as i64), &(to.min(i64::MAX as u64) as i64)],
            )?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (expect, row) in (from..).zip(rows) {
            let seq: i64 = row.get(0);
            let target: String = row.get(1);
            let header: Vec<u8> = row.get(2);
            let leaf: Vec<u8> = row.get(3);
            let salt: Option<Vec<u8>> = row.get(4);
            let body: Option<Vec<u8>> = row.get(5);
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
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        Ok(client
            .query(&st.history, &[&target])?
            .iter()
            .map(|r| r.get::<_, i64>(0) as u64)
            .collect())
    }

    fn record(&self, id: &str) -> Result<Option<RecordRow>, StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        Ok(client
            .query_opt(&st.record, &[&id])?
            .as_ref()
            .map(record_row))
    }

    fn for_each_record(
        &self,
        kind: Option<&str>,
        f: &mut dyn FnMut(RecordRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.visit(
            String::new(),
            |c, after| c.client.query(&c.st.records_after, &[&kind, after, &PAGE]),
            |r| Ok(record_row(r)),
            |r| r.id.clone(),
            f,
        )
    }

    fn records_page(
        &self,
        kind: &str,
        clearance: Classification,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<RecordRow>, u64), StoreError> {
        let allowed: Vec<&str> = Classification::ALL
            .iter()
            .filter(|c| clearance.permits(**c))
            .map(|c| c.as_str())
            .collect();
        let mut conn = self.conn()?;
        let total: i64 = conn
            .client
            .query_one(
                "SELECT count(*) FROM records WHERE kind = $1 AND classification = ANY($2)",
                &[&kind, &allowed],
            )?
            .get(0);
        let rows = conn.client.query(
            &format!(
                "SELECT {RECORD_COLS} FROM records WHERE kind = $1 AND classification = ANY($2)
                 ORDER BY id LIMIT $3 OFFSET $4"
            ),
            &[
                &kind,
                &allowed,
                &(limit.min(i64::MAX as u64) as i64),
                &(offset.min(i64::MAX as u64) as i64),
            ],
        )?;
        Ok((rows.iter().map(record_row).collect(), total as u64))
    }

    fn for_each_ref(
        &self,
        f: &mut dyn FnMut(RefRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.visit(
            (String::new(), String::new()),
            |c, (from, path)| c.client.query(&c.st.refs_after, &[from, path, &PAGE]),
            |r| Ok(ref_row(r)),
            |r| (r.from_id.clone(), r.path.clone()),
            f,
        )
    }

    fn referrers(&self, id: &str) -> Result<Vec<RefRow>, StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        Ok(client
            .query(&st.referrers, &[&id])?
            .iter()
            .map(ref_row)
            .collect())
    }

    fn for_each_stored_hash(
        &self,
        f: &mut dyn FnMut(u64, Hash) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.visit(
            -1i64,
            |c, after| c.client.query(&c.st.tree_after, &[after, &PAGE]),
            |r| {
                let idx: i64 = r.get(0);
                Ok((idx, to_hash(idx, r.get(1))?))
            },
            |(idx, _)| *idx,
            &mut |(idx, hash)| f(idx as u64, hash),
        )
    }

    fn add_checkpoint(&mut self, size: u64, text: &str) -> Result<(), StoreError> {
        self.conn()?.client.execute(
            "INSERT INTO checkpoints (size, note) VALUES ($1, $2)",
            &[&(size as i64), &text],
        )?;
        Ok(())
    }

    fn checkpoints(&self) -> Result<Vec<(u64, String)>, StoreError> {
        Ok(self
            .conn()?
            .client
            .query("SELECT size, note FROM checkpoints ORDER BY id", &[])?
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect())
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .client
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn()?.client.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    /// The tables are there, and the log, payloads and tree agree in size (read in one
    /// snapshot): no gap in the log, no payload without its operation, exactly the tree
    /// hashes the log needs, and no name or reference row without its record.
    fn check_storage(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let schema = &self.url.schema;
        let present: Vec<String> = tx
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2)",
                &[schema, &TABLES.to_vec()],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if let Some(missing) = TABLES.iter().find(|t| !present.iter().any(|p| p == *t)) {
            return Err(StoreError::Corrupt(format!(
                "table `{missing}` is missing from schema `{schema}`"
            )));
        }
        let r = tx.query_one(
            "SELECT (SELECT count(*) FROM log), (SELECT COALESCE(MAX(seq) + 1, 0) FROM log),
                    (SELECT count(*) FROM payloads p WHERE NOT EXISTS (SELECT 1 FROM log l WHERE l.seq = p.seq)),
                    (SELECT count(*) FROM tree), (SELECT COALESCE(MAX(idx) + 1, 0) FROM tree),
                    (SELECT count(*) FROM refs f WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = f.from_id)),
                    (SELECT count(*) FROM log WHERE length(leaf) <> 32),
                    (SELECT count(*) FROM tree WHERE length(hash) <> 32)",
            &[],
        )?;
        let get = |i: usize| r.get::<_, i64>(i);
        let (ops, size) = (get(0), get(1) as u64);
        let problem = if ops as u64 != size {
            Some(format!(
                "the log holds {ops} operations but its last is number {}: operations are missing",
                size.saturating_sub(1)
            ))
        } else if get(2) > 0 {
            Some(format!("{} payloads belong to no operation", get(2)))
        } else if get(3) as u64 != stored_hash_count(size) || get(4) != get(3) {
            Some(format!(
                "the Merkle tree has {} stored hashes, the log of {size} operations needs {}",
                get(3),
                stored_hash_count(size)
            ))
        } else if get(5) > 0 {
            Some(format!("{} reference rows belong to no record", get(5)))
        } else if get(6) > 0 || get(7) > 0 {
            Some("a stored leaf or tree hash is not 32 bytes".to_string())
        } else {
            None
        };
        tx.commit()?;
        match problem {
            Some(p) => Err(StoreError::Corrupt(format!("PostgreSQL store: {p}"))),
            None => Ok(()),
        }
    }

    /// A PostgreSQL store is snapshotted into a new *SQLite* file: every row as stored, read
    /// in one REPEATABLE READ transaction (exactly the operations committed when it began,
    /// while others go on writing). So `rightsdoc backup` of a PostgreSQL archive is a
    /// folder that restores as an embedded archive (and can be migrated back).
    fn snapshot_to(&self, path: &Path) -> Result<(), StoreError> {
        SqliteStore::import_raw_new(path, |sink| self.export_raw(sink))
    }

    fn record_key(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn()?;
        let Conn { client, st } = &mut *conn;
        Ok(client.query_opt(&st.record_key, &[&id])?.map(|r| r.get(0)))
    }

    fn insert_record_key(&mut self, id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn.client.transaction()?;
        // A racing writer's insert makes ours wait and then do nothing; the select after it
        // (a new snapshot under READ COMMITTED) sees the key that won.
        tx.execute(
            "INSERT INTO record_keys (id, wrapped) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            &[&id, &wrapped],
        )?;
        let stored: Vec<u8> = tx
            .query_one("SELECT wrapped FROM record_keys WHERE id = $1", &[&id])?
            .get(0);
        tx.commit()?;
        Ok(stored)
    }

    /// The key is overwritten with the empty marker, then `VACUUM` drops the old row version
    /// so no query can reach it. PostgreSQL does not zero freed space, and its WAL and any
    /// base backups keep old pages until they are recycled: on this backend the destroyed
    /// key's bytes are only as gone as the server's disks, WAL archive and backups make them.
    fn destroy_record_key(&mut self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let changed = conn.client.execute(
            "UPDATE record_keys SET wrapped = ''::bytea WHERE id = $1 AND length(wrapped) > 0",
            &[&id],
        )?;
        if changed > 0 {
            conn.client.batch_execute("VACUUM record_keys")?;
        }
        Ok(changed > 0)
    }
}
