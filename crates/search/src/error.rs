use rightsdoc_store::StoreError;
use std::path::PathBuf;

/// Why the search index could not be opened, brought up to date or queried. Every message says
/// what to do next: the index is a projection of the log, so rebuilding it is always safe.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(
        "search index in {dir} is damaged ({reason}); run `rightsdoc search --rebuild` to rebuild it from the log"
    )]
    Damaged { dir: PathBuf, reason: String },
    #[error(
        "another process is updating the search index in {dir}; wait for it to finish (if no rightsdoc process is running, delete {dir}/.tantivy-writer.lock)"
    )]
    Busy { dir: PathBuf },
    #[error(
        "search index in {dir} holds {indexed} log operations but the log has only {log} (was the archive restored from a backup?); run `rightsdoc search --rebuild`"
    )]
    AheadOfLog {
        dir: PathBuf,
        indexed: u64,
        log: u64,
    },
    #[error(
        "search index in {dir} was built from a different log than this archive's; run `rightsdoc search --rebuild`"
    )]
    Diverged { dir: PathBuf },
    #[error(
        "log operation {seq} cannot be indexed: {message}; run `rightsdoc verify` to check the archive"
    )]
    BadOperation { seq: u64, message: String },
    #[error("reading the archive for the search index: {0}")]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SearchError {
    /// Maps a tantivy error on the index in `dir`: a held lock is `Busy`, anything else means
    /// the files cannot be trusted and the index should be rebuilt.
    pub(crate) fn tantivy(dir: &std::path::Path) -> impl Fn(tantivy::TantivyError) -> Self + use<> {
        let dir = dir.to_path_buf();
        move |e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Busy { dir: dir.clone() },
            other => SearchError::Damaged {
                dir: dir.clone(),
                reason: other.to_string(),
            },
        }
    }
}
