use rightsdoc_ledger::{LedgerError, TreeError};

/// Why a store operation failed. Each message says what to do next where there is something to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record `{0}` already exists; use `rightsdoc edit` to change it")]
    Exists(String),
    #[error("no record `{0}` in this archive")]
    NotFound(String),
    #[error(
        "record `{id}` changed since it was read (now at version {found}, expected {expected}); read it again and retry"
    )]
    Conflict {
        id: String,
        expected: u64,
        found: u64,
    },
    #[error(
        "field `{path}` of `{from}` refers to `{target}`, which is not in this archive; add that record first"
    )]
    Dangling {
        from: String,
        path: String,
        target: String,
    },
    #[error("`{id}` is still referred to by {by}; change those records first")]
    StillReferenced { id: String, by: String },
    #[error("the archive store: {0}")]
    Backend(String),
    #[error("integrity: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Tree(#[from] TreeError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}
