//! Which store an archive's `rightsdoc.toml` names (`store = "sqlite:archive.db"`, or
//! `store = "postgres://user@host:port/db?schema=NAME"`), and opening or creating it.
//! The verifier key, the configuration and local evidence files stay in the folder whatever
//! the store.

use crate::error::ArchiveError;
use rightsdoc_store::{SqliteStore, Store};
use std::path::Path;

/// The embedded store's file, and its `store` line.
pub(crate) const DB: &str = "archive.db";

/// Whether a `store` line (or `--database` value) names PostgreSQL.
pub(crate) fn is_postgres(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

/// Open the store a `store` line names; `cache_mib` sizes SQLite's page cache for readers.
pub(crate) fn open_store(
    dir: &Path,
    spec: &str,
    cache_mib: Option<u32>,
    config_path: &Path,
) -> Result<Box<dyn Store>, ArchiveError> {
    if let Some(file) = spec.strip_prefix("sqlite:") {
        let store = SqliteStore::open(&dir.join(file))?;
        if let Some(mib) = cache_mib {
            store.set_cache_mib(mib)?;
        }
        return Ok(Box::new(store));
    }
    if is_postgres(spec) {
        return open_postgres(spec);
    }
    Err(ArchiveError::Other(format!(
        "{}: unknown store `{spec}`; write `sqlite:archive.db` or `postgres://user@host/db?schema=NAME`",
        config_path.display()
    )))
}

/// For `init --database URL`: the PostgreSQL store, checked to be reachable and to hold no
/// archive yet, with its `store` line. `None` without a database.
pub(crate) type NewStore = (Box<dyn Store>, String);

pub(crate) fn open_database(database: Option<&str>) -> Result<Option<NewStore>, ArchiveError> {
    let Some(url) = database else {
        return Ok(None);
    };
    if !is_postgres(url) {
        return Err(ArchiveError::Other(format!(
            "--database `{}`: give a PostgreSQL URL, postgres://user@host:port/database?schema=NAME",
            shown_url(url)
        )));
    }
    let store = open_postgres(url)?;
    if store.log_size()? > 0 {
        return Err(ArchiveError::Other(format!(
            "{} already holds an archive; give another schema (?schema=NAME), or open that archive's folder",
            shown_url(url)
        )));
    }
    Ok(Some((store, url.to_string())))
}

/// The new archive's store: the database opened by [`open_database`], or `archive.db` in
/// `dir`.
pub(crate) fn create_store(
    dir: &Path,
    database: Option<NewStore>,
) -> Result<NewStore, ArchiveError> {
    match database {
        Some(db) => Ok(db),
        None => Ok((
            Box::new(SqliteStore::open(&dir.join(DB))?),
            format!("sqlite:{DB}"),
        )),
    }
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn Store>, ArchiveError> {
    Ok(Box::new(rightsdoc_store::PostgresStore::open(url)?))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(url: &str) -> Result<Box<dyn Store>, ArchiveError> {
    Err(ArchiveError::Other(format!(
        "{}: this build of rightsdoc has no PostgreSQL support; build it with the `postgres` feature",
        shown_url(url)
    )))
}

/// A store URL fit for a message (no password).
pub(crate) fn shown_url(url: &str) -> String {
    #[cfg(feature = "postgres")]
    {
        rightsdoc_store::hide_password(url)
    }
    #[cfg(not(feature = "postgres"))]
    {
        match url.split_once('@') {
            Some((_, host)) => format!("postgres://…@{host}"),
            None => url.to_string(),
        }
    }
}
