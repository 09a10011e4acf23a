//! The backends the store tests run against: SQLite in a temporary folder, and PostgreSQL
//! (127.0.0.1:5432, database `test`, or `RIGHTSDOC_TEST_POSTGRES`) in a schema of its own with
//! a random name, dropped when the test ends, so tests run in parallel and leave nothing.
//!
//! Where PostgreSQL cannot be reached the PostgreSQL tests fail if `CI` or
//! `RIGHTSDOC_REQUIRE_POSTGRES` is set, and are skipped with a loud message otherwise. A build
//! without the `postgres` feature tests SQLite alone.
#![allow(dead_code)]

#[cfg(feature = "postgres")]
mod postgres_schema;
#[cfg(feature = "postgres")]
pub use postgres_schema::Schema;

use rightsdoc_ledger::{Action, ArchiveKey, Operation, Verifier};
#[cfg(feature = "postgres")]
use rightsdoc_store::PostgresStore;
use rightsdoc_store::{Change, SqliteStore, Store};
use serde_json::json;
use std::path::PathBuf;

pub const ORIGIN: &str = "rightsdoc.test/store";

enum Place {
    Sqlite(tempfile::TempDir),
    #[cfg(feature = "postgres")]
    Postgres(Schema),
}

/// A store under test, with what it lives in (dropped after it).
pub struct TestStore {
    pub store: Box<dyn Store>,
    pub backend: &'static str,
    place: Place,
}

impl TestStore {
    pub fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("a.db")).unwrap();
        TestStore {
            store: Box::new(store),
            backend: "sqlite",
            place: Place::Sqlite(dir),
        }
    }

    #[cfg(not(feature = "postgres"))]
    pub fn postgres() -> Option<TestStore> {
        None
    }

    #[cfg(feature = "postgres")]
    pub fn postgres() -> Option<TestStore> {
        let schema = Schema::fresh()?;
        let store = PostgresStore::open(&schema.url).unwrap();
        Some(TestStore {
            store: Box::new(store),
            backend: "postgres",
            place: Place::Postgres(schema),
        })
    }

    /// Another handle on the same storage (another connection).
    pub fn reopen(&self) -> Box<dyn Store> {
        match &self.place {
            Place::Sqlite(dir) => Box::new(SqliteStore::open(&dir.path().join("a.db")).unwrap()),
            #[cfg(feature = "postgres")]
            Place::Postgres(s) => Box::new(PostgresStore::open(&s.url).unwrap()),
        }
    }

    /// Run SQL on the storage directly, behind the store's back (to tamper with it).
    pub fn raw_sql(&self, sql: &str) {
        match &self.place {
            Place::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("a.db"))
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            #[cfg(feature = "postgres")]
            Place::Postgres(s) => s.client().batch_execute(sql).unwrap(),
        }
    }

    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.place {
            Place::Sqlite(dir) => Some(dir.path().join("a.db")),
            #[cfg(feature = "postgres")]
            Place::Postgres(_) => None,
        }
    }

    #[cfg(feature = "postgres")]
    pub fn schema(&self) -> Option<&Schema> {
        match &self.place {
            Place::Postgres(s) => Some(s),
            Place::Sqlite(_) => None,
        }
    }
}

/// Every backend this machine can test: SQLite, and PostgreSQL where it is up.
pub fn backends() -> Vec<TestStore> {
    let mut all = vec![TestStore::sqlite()];
    all.extend(TestStore::postgres());
    all
}

/// Write the metadata and the first operation, as `Archive::init` does.
pub fn init(store: &mut dyn Store) -> (ArchiveKey, Verifier) {
    let key = ArchiveKey::generate(ORIGIN);
    store.set_meta("origin", ORIGIN).unwrap();
    store.set_meta("verifier_key", key.verifier_key()).unwrap();
    let init = Operation::now(
        "test",
        Action::Init,
        "archive",
        ORIGIN,
        json!({"origin": ORIGIN, "verifier_key": key.verifier_key()}),
    );
    store.append(vec![plain(init)]).unwrap();
    let verifier = Verifier::new(key.verifier_key()).unwrap();
    (key, verifier)
}

pub fn plain(op: Operation) -> Change {
    Change {
        op,
        record: None,
        expect_version: None,
        skip_identical: false,
    }
}
