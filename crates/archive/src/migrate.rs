//! `rightsdoc migrate --to postgres://…`: an embedded archive's store copied into PostgreSQL,
//! checked against the original, and only then named in `rightsdoc.toml`.
//!
//! The copy is taken from a snapshot, so writers that run meanwhile cannot make the two
//! differ; what they write after the snapshot is not moved (stop servers first). The old
//! database file is kept beside the new configuration until the operator deletes it.

use crate::archive::{Archive, CONFIG, VERIFIER_KEY};
use crate::backup::hex;
use crate::database::{is_postgres, shown_url};
use crate::error::ArchiveError;
use rightsdoc_ledger::Verifier;
use rightsdoc_store::{PostgresStore, PostgresUrl, SqliteStore, StoreError, verify};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a migration moved, and where the embedded database went.
#[derive(Debug, Clone)]
pub struct Migrated {
    /// Operations in the log, the same in both stores.
    pub operations: u64,
    /// The log's root hash (hex), the same in both stores.
    pub root: String,
    /// Current records (the projections, compared with a rebuild from the log).
    pub records: u64,
    /// The store URL now in `rightsdoc.toml`, without its password.
    pub to: String,
    /// The embedded database, renamed so that nothing writes to it by mistake.
    pub kept: PathBuf,
}

impl Archive {
    /// Moves this archive's log and projections into the empty PostgreSQL schema `url`
    /// names, verifies the copy (every operation, the tree, the projections rebuilt from the
    /// log) and that it has the same root as the original, then points `rightsdoc.toml` at
    /// it. Nothing in the folder changes unless all of that succeeded.
    pub fn migrate_to(self, url: &str) -> Result<Migrated, ArchiveError> {
        let dir = self.dir().to_path_buf();
        let shown = shown_url(url);
        if !is_postgres(url) {
            return Err(ArchiveError::Other(format!(
                "--to `{shown}`: give a PostgreSQL URL, postgres://user@host:port/database?schema=NAME"
            )));
        }
        PostgresUrl::parse(url)?;
        let file = embedded_file(&dir)?;
        let vkey = fs::read_to_string(dir.join(VERIFIER_KEY))
            .map_err(ArchiveError::io(dir.join(VERIFIER_KEY)))?;
        let verifier = Verifier::new(&vkey)?;

        // A consistent copy of the embedded store, whatever other processes do meanwhile.
        let snapshot = dir.join(format!("{file}.migrating"));
        remove_if_present(&snapshot)?; // left by an interrupted migration
        self.store().snapshot_to(&snapshot)?;
        drop(self);
        let copied = copy_and_check(&snapshot, url, &verifier);
        remove_if_present(&snapshot)?;
        let (operations, root, records) = copied.map_err(|e| match e {
            ArchiveError::Store(StoreError::Corrupt(m)) => ArchiveError::Other(format!(
                "the copy in {shown} differs from the archive ({m}); nothing in {} changed: drop that schema and try again",
                dir.display()
            )),
            other => other,
        })?;

        // The configuration first: a crash after it leaves the old file unused, never the
        // archive pointing at a missing file (which SQLite would create empty).
        point_config_at(&dir, url)?;
        let old = dir.join(&file);
        let kept = dir.join(format!("{file}.migrated"));
        fs::rename(&old, &kept).map_err(ArchiveError::io(&old))?;
        // SQLite's side files go with it (a process that still had the file open may have
        // left committed pages in the WAL), under the names SQLite looks for beside it.
        for side in ["-wal", "-shm"] {
            let from = dir.join(format!("{file}{side}"));
            if from.exists() {
                fs::rename(&from, dir.join(format!("{file}.migrated{side}")))
                    .map_err(ArchiveError::io(&from))?;
            }
        }
        Ok(Migrated {
            operations,
            root,
            records,
            to: shown,
            kept,
        })
    }
}

/// Copies the snapshot into `url` and checks the copy: (operations, root hex, records).
fn copy_and_check(
    snapshot: &Path,
    url: &str,
    verifier: &Verifier,
) -> Result<(u64, String, u64), ArchiveError> {
    let source = SqliteStore::open(snapshot)?;
    // The original must be sound before it is copied: a copy of a damaged log is no backup.
    let original = verify(&source, verifier, &[]).map_err(|e| {
        ArchiveError::Other(format!(
            "the archive does not verify ({e}); nothing was moved: run `rightsdoc verify` and restore it from a backup first"
        ))
    })?;
    let mut target = PostgresStore::open(url)?;
    if !target.is_empty()? {
        return Err(ArchiveError::Other(format!(
            "{} already holds data; give an empty schema (?schema=NAME)",
            shown_url(url)
        )));
    }
    target.import_sqlite(&source)?;
    // Every operation re-read, the tree recomputed, the projections rebuilt from the copied
    // log and compared with the copied ones; then the same log and records as the original.
    let copy = verify(&target, verifier, &[])?;
    if (copy.operations, copy.root, copy.records)
        != (original.operations, original.root, original.records)
    {
        return Err(StoreError::Corrupt(format!(
            "it has {} operations and {} records, against {} and {}, or another root",
            copy.operations, copy.records, original.operations, original.records
        ))
        .into());
    }
    Ok((copy.operations, hex(copy.root.0), copy.records))
}

/// The embedded store's file, from `store = "sqlite:FILE"`.
fn embedded_file(dir: &Path) -> Result<String, ArchiveError> {
    let path = dir.join(CONFIG);
    let store = read_config(&path)?
        .get("store")
        .and_then(toml::Value::as_str)
        .map(str::to_string)
        .unwrap_or_default();
    match store.strip_prefix("sqlite:") {
        Some(file) => Ok(file.to_string()),
        None => Err(ArchiveError::Other(format!(
            "{} is kept in {} already; only an embedded (SQLite) archive can be migrated",
            dir.display(),
            shown_url(&store)
        ))),
    }
}

fn read_config(path: &Path) -> Result<toml::Table, ArchiveError> {
    let text = fs::read_to_string(path).map_err(ArchiveError::io(path))?;
    toml::from_str(&text).map_err(|e| ArchiveError::Other(format!("{}: {e}", path.display())))
}

/// Rewrites `store = …` in `rightsdoc.toml` atomically (a new file, synced, renamed over).
fn point_config_at(dir: &Path, url: &str) -> Result<(), ArchiveError> {
    let path = dir.join(CONFIG);
    let mut config = read_config(&path)?;
    config.insert("store".into(), toml::Value::String(url.to_string()));
    let text = toml::to_string(&config).map_err(|e| ArchiveError::Other(e.to_string()))?;
    let tmp = dir.join(format!("{CONFIG}.new"));
    let mut f = fs::File::create(&tmp).map_err(ArchiveError::io(&tmp))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(ArchiveError::io(&tmp))?;
    fs::rename(&tmp, &path).map_err(ArchiveError::io(&path))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), ArchiveError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ArchiveError::io(path)(e)),
        _ => Ok(()),
    }
}
