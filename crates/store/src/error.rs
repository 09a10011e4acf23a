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
    /// Another process holds the write lock, beyond the 30 seconds a writer waits, or in a
    /// way waiting cannot resolve (an import is one transaction: it holds the lock until it
    /// ends).
    #[error(
        "the archive is busy: another process (an import, most likely) holds its write lock; try again when it has finished"
    )]
    Busy,
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
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StoreError;
    use rusqlite::ffi;

    #[test]
    fn a_lock_held_too_long_is_busy_and_says_what_to_do() {
        for code in [ffi::SQLITE_BUSY, ffi::SQLITE_LOCKED] {
            let e = rusqlite::Error::SqliteFailure(ffi::Error::new(code), None);
            let mapped = StoreError::from(e);
            assert!(matches!(mapped, StoreError::Busy), "{mapped:?}");
            assert!(mapped.to_string().contains("try again"));
        }
        let other = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_CORRUPT), None);
        assert!(matches!(StoreError::from(other), StoreError::Backend(_)));
    }
}
