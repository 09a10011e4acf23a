use rightsdoc_model::ValidationError;
use rightsdoc_store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(
        "{0} is not a rightsdoc archive (no rightsdoc.toml); create one with `rightsdoc init` or pass --archive DIR"
    )]
    NotAnArchive(PathBuf),
    #[error("{0} already holds an archive; choose another folder")]
    AlreadyExists(PathBuf),
    #[error("{context}{error}")]
    Invalid {
        context: String,
        error: ValidationError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] rightsdoc_blobs::BlobError),
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] rightsdoc_ledger::CheckpointError),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "this archive's confidential values are encrypted and no key was given; set RIGHTSDOC_PASSPHRASE, or RIGHTSDOC_KEY_FILE to a key file, or run on a terminal to be asked"
    )]
    Locked,
    #[error("{0}")]
    WrongKey(String),
    #[error("{0}")]
    Other(String),
}

impl ArchiveError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ArchiveError {
        let path = path.into();
        move |error| ArchiveError::Io { path, error }
    }

    pub(crate) fn invalid(
        context: impl Into<String>,
    ) -> impl FnOnce(ValidationError) -> ArchiveError {
        let context = context.into();
        move |error| ArchiveError::Invalid { context, error }
    }
}
