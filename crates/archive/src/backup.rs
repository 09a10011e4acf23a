//! `rightsdoc backup OUT` and `rightsdoc restore IN`: a consistent copy of an archive folder
//! while it is in use, and its return.
//!
//! The store is copied first, as one transaction's view (other processes may go on writing);
//! then the files that only grow or never change (keys, configuration, blobs, which are
//! written before the records that name them). So every blob a copied record names is in the
//! copy. The search index is left out: it is a projection and is rebuilt from the log on
//! first use. A backup is written to `OUT.partial` and renamed when complete, so a folder
//! named OUT is always a whole backup.
//!
//! An archive whose evidence files are in S3 (`blobs = "s3://…"`) is backed up without them:
//! the bucket stays where it is, and the manifest says so (`external_blobs`). Backing up the
//! bucket (versioning, replication, the provider's copy tools) is the operator's job.

use std::fs;
use std::path::{Path, PathBuf};

use rightsdoc_store::{SqliteStore, Store, VerifyReport, snapshot_sqlite_file};
use serde::{Deserialize, Serialize};

use crate::{Archive, ArchiveError};

const MANIFEST: &str = "backup.json";
const CONFIG: &str = "rightsdoc.toml";

/// What a backup holds; kept as `backup.json` in it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BackupManifest {
    pub origin: String,
    /// Operations in the copied log, and the Merkle root over them (hex).
    pub operations: u64,
    pub root: String,
    /// Files copied (the store counts as one) and their bytes.
    pub files: u64,
    pub bytes: u64,
    /// When the backup was taken (seconds since 1970, UTC).
    pub created_unix: u64,
    /// The S3 store holding the archive's evidence files (`s3://bucket/prefix`), which this
    /// backup does not contain: back up the bucket separately. `None`: the files are in the
    /// backup (`blobs/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_blobs: Option<String>,
}

impl Archive {
    /// Writes a consistent copy of this archive to the new folder `out`.
    pub fn backup(&self, out: &Path) -> Result<BackupManifest, ArchiveError> {
        if out.exists() {
            return Err(ArchiveError::Other(format!(
                "{} already exists; back up into a new folder",
                out.display()
            )));
        }
        let partial = partial_path(out);
        if partial.exists() {
            fs::remove_dir_all(&partial).map_err(ArchiveError::io(&partial))?;
        }
        fs::create_dir_all(&partial).map_err(ArchiveError::io(&partial))?;
        let store_file = store_file(self.dir())?;
        let mut copied = Copied::default();
        self.store().snapshot_to(&partial.join(&store_file))?;
        copied.count(&partial.join(&store_file))?;
        // Other SQLite files beside the log (the web interface's accounts).
        for entry in fs::read_dir(self.dir()).map_err(ArchiveError::io(self.dir()))? {
            let path = entry.map_err(ArchiveError::io(self.dir()))?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_file() && name.ends_with(".db") && name != store_file {
                let target = partial.join(name);
                snapshot_sqlite_file(&path, &target)?;
                copied.count(&target)?;
            }
        }
        for name in [CONFIG, "keys", "blobs"] {
            let from = self.dir().join(name);
            // Evidence in S3 stays in its bucket.
            if name == "blobs" && self.blobs_url().is_some() {
                continue;
            }
            if from.exists() {
                copy_tree(&from, &partial.join(name), &mut copied)?;
            }
        }
        let snapshot = SqliteStore::open(&partial.join(&store_file))?;
        let operations = snapshot.log_size()?;
        let root = hex(snapshot.root(operations)?.0);
        drop(snapshot);
        // Opening the copy made it a WAL database again; fold that back in.
        for suffix in ["-wal", "-shm"] {
            let _ = fs::remove_file(partial.join(format!("{store_file}{suffix}")));
        }
        let manifest = BackupManifest {
            origin: self.origin().to_string(),
            operations,
            root,
            files: copied.files,
            bytes: copied.bytes,
            created_unix: now(),
            external_blobs: self.blobs_url().map(str::to_string),
        };
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| ArchiveError::Other(e.to_string()))?;
        write_synced(&partial.join(MANIFEST), text.as_bytes())?;
        fs::rename(&partial, out).map_err(ArchiveError::io(out))?;
        sync_dir(out.parent().unwrap_or(Path::new(".")));
        Ok(manifest)
    }

    /// Restores the backup in `backup` into the new (or empty) folder `dir`, verifies the
    /// whole archive and checks its log against the backup's manifest.
    pub fn restore(
        backup: &Path,
        dir: &Path,
        actor: &str,
    ) -> Result<(Archive, BackupManifest, VerifyReport), ArchiveError> {
        let manifest_path = backup.join(MANIFEST);
        let text = fs::read_to_string(&manifest_path).map_err(|_| {
            ArchiveError::Other(format!(
                "{} is not a rightsdoc backup (no {MANIFEST}); give the folder `rightsdoc backup` wrote",
                backup.display()
            ))
        })?;
        let manifest: BackupManifest = serde_json::from_str(&text)
            .map_err(|e| ArchiveError::Other(format!("{}: {e}", manifest_path.display())))?;
        if dir.exists()
            && fs::read_dir(dir)
                .map_err(ArchiveError::io(dir))?
                .next()
                .is_some()
        {
            return Err(ArchiveError::Other(format!(
                "{} is not empty; restore into a new folder",
                dir.display()
            )));
        }
        let partial = partial_path(dir);
        if partial.exists() {
            fs::remove_dir_all(&partial).map_err(ArchiveError::io(&partial))?;
        }
        let mut copied = Copied::default();
        copy_tree(backup, &partial, &mut copied)?;
        let _ = fs::remove_file(partial.join(MANIFEST));
        if dir.exists() {
            fs::remove_dir(dir).map_err(ArchiveError::io(dir))?;
        }
        fs::rename(&partial, dir).map_err(ArchiveError::io(dir))?;
        let archive = Archive::open(dir, actor)?;
        let report = archive.verify(&[])?;
        let operations = archive.store().log_size()?;
        let root = hex(archive.store().root(operations)?.0);
        if operations != manifest.operations || root != manifest.root {
            return Err(ArchiveError::Other(format!(
                "the restored log ({operations} operations, root {root}) differs from the backup's manifest ({} operations, root {}): the backup was altered",
                manifest.operations, manifest.root
            )));
        }
        Ok((archive, manifest, report))
    }
}

fn partial_path(p: &Path) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    p.with_file_name(name)
}

/// The store's file name from the archive's configuration (`store = "sqlite:archive.db"`).
fn store_file(dir: &Path) -> Result<String, ArchiveError> {
    let path = dir.join(CONFIG);
    let text = fs::read_to_string(&path).map_err(ArchiveError::io(&path))?;
    let value: toml::Value = toml::from_str(&text)
        .map_err(|e| ArchiveError::Other(format!("{}: {e}", path.display())))?;
    value
        .get("store")
        .and_then(toml::Value::as_str)
        .and_then(|s| s.strip_prefix("sqlite:"))
        .map(str::to_string)
        .ok_or_else(|| {
            ArchiveError::Other(format!(
                "{}: only an embedded (SQLite) archive can be backed up to a folder; back up a PostgreSQL archive's schema with `pg_dump --schema NAME`, and this folder beside it",
                path.display()
            ))
        })
}

#[derive(Default)]
struct Copied {
    files: u64,
    bytes: u64,
}

impl Copied {
    fn count(&mut self, path: &Path) -> Result<(), ArchiveError> {
        self.files += 1;
        self.bytes += fs::metadata(path).map_err(ArchiveError::io(path))?.len();
        Ok(())
    }
}

/// Copies a file or a folder (recursively), syncing every file; skips unfinished blob writes
/// (`tmp/`) and SQLite's side files, which a snapshot already folded in.
fn copy_tree(from: &Path, to: &Path, copied: &mut Copied) -> Result<(), ArchiveError> {
    let meta = fs::metadata(from).map_err(ArchiveError::io(from))?;
    if meta.is_dir() {
        fs::create_dir_all(to).map_err(ArchiveError::io(to))?;
        for entry in fs::read_dir(from).map_err(ArchiveError::io(from))? {
            let entry = entry.map_err(ArchiveError::io(from))?;
            let name = entry.file_name();
            let text = name.to_string_lossy();
            if text == "tmp" || text.ends_with("-wal") || text.ends_with("-shm") {
                continue;
            }
            copy_tree(&entry.path(), &to.join(&name), copied)?;
        }
        sync_dir(to);
    } else {
        fs::copy(from, to).map_err(ArchiveError::io(to))?;
        fs::File::open(to)
            .and_then(|f| f.sync_all())
            .map_err(ArchiveError::io(to))?;
        copied.count(to)?;
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ArchiveError> {
    use std::io::Write;
    let mut f = fs::File::create(path).map_err(ArchiveError::io(path))?;
    f.write_all(bytes).map_err(ArchiveError::io(path))?;
    f.sync_all().map_err(ArchiveError::io(path))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

pub(crate) fn hex(bytes: [u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
