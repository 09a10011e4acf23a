//! Blobs in a local folder.

use crate::verify::Verifying;
use crate::{BlobError, BlobStore, Stored, check_name, is_sha256};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

const CHUNK: usize = 256 * 1024;

/// Blobs in a folder: `root/sha256/ab/<64 hex>` (`ab` = the name's first two characters, so
/// no folder grows past a few thousand entries), written through `root/tmp/`.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// A store rooted at `root`. Nothing is touched until the first write; folders are
    /// created as needed.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalBlobs { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where blob `sha256` lives (whether or not it is there), for tools that need a path.
    /// Reading the file directly skips the hash check that [`BlobStore::open`] makes.
    pub fn path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        check_name(sha256)?;
        Ok(self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    fn store_name(&self) -> String {
        self.root.display().to_string()
    }

    fn not_found(&self, sha256: &str) -> BlobError {
        BlobError::NotFound {
            sha256: sha256.to_string(),
            store: self.store_name(),
        }
    }

    fn open_file(&self, sha256: &str) -> Result<File, BlobError> {
        let path = self.path(sha256)?;
        File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => self.not_found(sha256),
            _ => io_error(&path, "open blob", e),
        })
    }
}

fn io_error(path: &Path, action: &'static str, source: io::Error) -> BlobError {
    BlobError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// Make a folder's entries (a new file name, a rename) durable.
fn sync_dir(path: &Path) -> Result<(), BlobError> {
    #[cfg(unix)]
    File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error(path, "flush folder", e))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Create `dir` (and its parents) if missing, flushing each parent that gains an entry.
fn ensure_dir(dir: &Path) -> Result<(), BlobError> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        ensure_dir(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {
            if let Some(parent) = dir.parent() {
                sync_dir(parent)?;
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_error(dir, "create folder", e)),
    }
}

fn hash_file(mut file: File, path: &Path) -> Result<String, BlobError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(path, "read blob", e)),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

impl BlobStore for LocalBlobs {
    fn put(&self, reader: &mut dyn Read) -> Result<Stored, BlobError> {
        let tmp_dir = self.root.join("tmp");
        ensure_dir(&tmp_dir)?;
        // Deleted when dropped: an error (or a panic) before the rename leaves nothing behind;
        // a killed process leaves a stray file in tmp/, which no reader ever looks at.
        let mut tmp = tempfile::Builder::new()
            .prefix("put-")
            .tempfile_in(&tmp_dir)
            .map_err(|e| io_error(&tmp_dir, "create a file in", e))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BlobError::Input(e)),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| io_error(tmp.path(), "write", e))?;
            size += n as u64;
        }
        let sha256 = hex::encode(hasher.finalize());
        let dest = self.path(&sha256)?;
        if dest.exists() {
            return Ok(Stored {
                sha256,
                size,
                new: false,
            });
        }
        let file = tmp.as_file();
        file.sync_all()
            .map_err(|e| io_error(tmp.path(), "flush", e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o444))
                .map_err(|e| io_error(tmp.path(), "make read-only", e))?;
        }
        let shard = dest.parent().expect("a blob path has a folder");
        ensure_dir(shard)?;
        match tmp.persist_noclobber(&dest) {
            Ok(_) => {}
            // Another writer stored the same bytes first: they are the same blob.
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Ok(Stored {
                    sha256,
                    size,
                    new: false,
                });
            }
            Err(e) => return Err(io_error(&dest, "store blob as", e.error)),
        }
        sync_dir(shard)?;
        Ok(Stored {
            sha256,
            size,
            new: true,
        })
    }

    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, BlobError> {
        let file = self.open_file(sha256)?;
        Ok(Box::new(Verifying::new(file, sha256, self.store_name())))
    }

    fn contains(&self, sha256: &str) -> Result<bool, BlobError> {
        Ok(self.path(sha256)?.is_file())
    }

    fn for_each(&self, f: &mut dyn FnMut(&str) -> Result<(), BlobError>) -> Result<(), BlobError> {
        let top = self.root.join("sha256");
        let sorted = |dir: &Path| -> Result<Vec<String>, BlobError> {
            let mut names = Vec::new();
            for entry in fs::read_dir(dir).map_err(|e| io_error(dir, "list", e))? {
                let entry = entry.map_err(|e| io_error(dir, "list", e))?;
                if let Ok(name) = entry.file_name().into_string() {
                    names.push(name);
                }
            }
            names.sort();
            Ok(names)
        };
        if !top.is_dir() {
            return Ok(());
        }
        for shard in sorted(&top)? {
            let dir = top.join(&shard);
            if shard.len() != 2 || !dir.is_dir() {
                continue;
            }
            for name in sorted(&dir)? {
                if is_sha256(&name) && name.starts_with(&shard) {
                    f(&name)?;
                }
            }
        }
        Ok(())
    }

    fn check(&self, sha256: &str) -> Result<bool, BlobError> {
        let file = self.open_file(sha256)?;
        Ok(hash_file(file, &self.path(sha256)?)? == sha256)
    }

    fn location(&self) -> String {
        self.store_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, LocalBlobs) {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::new(dir.path().join("blobs"));
        (dir, blobs)
    }

    fn names(blobs: &LocalBlobs) -> Vec<String> {
        let mut out = Vec::new();
        blobs
            .for_each(&mut |n| {
                out.push(n.to_string());
                Ok(())
            })
            .unwrap();
        out
    }

    /// Yields `good` bytes, then checks what a concurrent reader of the store would see in
    /// the middle of the write, then fails like a pulled USB stick.
    struct Interrupted<'a> {
        good: Vec<u8>,
        sent: bool,
        blobs: &'a LocalBlobs,
        seen_mid_write: Option<Vec<String>>,
    }

    impl Read for Interrupted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.sent {
                self.sent = true;
                let n = self.good.len().min(buf.len());
                buf[..n].copy_from_slice(&self.good[..n]);
                return Ok(n);
            }
            self.seen_mid_write = Some(names(self.blobs));
            Err(io::Error::other("device removed"))
        }
    }

    #[test]
    fn an_interrupted_put_leaves_no_blob_and_no_partial_file() {
        let (_dir, blobs) = store();
        let mut reader = Interrupted {
            good: b"half of a video".to_vec(),
            sent: false,
            blobs: &blobs,
            seen_mid_write: None,
        };
        let err = blobs.put(&mut reader).unwrap_err();
        assert!(matches!(err, BlobError::Input(_)), "{err}");
        assert!(err.to_string().contains("nothing was stored"), "{err}");
        // While bytes were being written, no blob was visible...
        assert_eq!(reader.seen_mid_write, Some(Vec::new()));
        // ...and afterwards neither a blob nor the partial file is left.
        assert!(names(&blobs).is_empty());
        let partial = Sha256::digest(b"half of a video");
        assert!(!blobs.contains(&hex::encode(partial)).unwrap());
        assert_eq!(fs::read_dir(blobs.root().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn a_file_left_in_tmp_by_a_killed_writer_is_never_a_blob() {
        let (_dir, blobs) = store();
        let stored = blobs.put(&mut &b"whole"[..]).unwrap();
        // What `kill -9` during a put leaves: a stray file in tmp/ (even one named like a
        // blob). Readers only look under sha256/.
        let stray = Sha256::digest(b"partial bytes");
        fs::write(
            blobs.root().join("tmp").join(hex::encode(stray)),
            b"partial",
        )
        .unwrap();
        fs::write(blobs.root().join("tmp").join("put-x1y2z3"), b"partial").unwrap();
        assert_eq!(names(&blobs), vec![stored.sha256.clone()]);
        assert!(!blobs.contains(&hex::encode(stray)).unwrap());
        // The store keeps working with the stray files there.
        assert!(blobs.put(&mut &b"next"[..]).unwrap().new);
    }

    #[test]
    fn blobs_are_read_only_files_under_their_hash() {
        let (_dir, blobs) = store();
        let stored = blobs.put(&mut &b"evidence"[..]).unwrap();
        let path = blobs.path(&stored.sha256).unwrap();
        assert!(path.ends_with(format!("sha256/{}/{}", &stored.sha256[..2], stored.sha256)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o444);
        }
    }

    #[test]
    fn bad_names_are_refused() {
        let (_dir, blobs) = store();
        for bad in [
            "",
            "abc",
            "../../etc/passwd",
            &"A".repeat(64),
            &"g".repeat(64),
        ] {
            assert!(
                matches!(blobs.open(bad), Err(BlobError::BadName(_))),
                "{bad}"
            );
            assert!(matches!(blobs.contains(bad), Err(BlobError::BadName(_))));
        }
    }
}
