//! The backends the store tests run against: SQLite in a temporary folder, and PostgreSQL
//! (127.0.0.1:5432, database `test`, or `RIGHTSDOC_TEST_POSTGRES`) in a schema of its own with
//! a random name, dropped when the test ends, so tests run in parallel and leave nothing.
//!
//! Where PostgreSQL cannot be reached the PostgreSQL tests fail if `CI` or
//! `RIGHTSDOC_REQUIRE_POSTGRES` is set, and are skipped with a loud message otherwise.
#![allow(dead_code)]

use rightsdoc_ledger::{Action, ArchiveKey, Operation, Verifier};
use rightsdoc_store::{Change, PostgresStore, SqliteStore, Store};
use serde_json::json;
use std::path::PathBuf;
use std::sync::OnceLock;

pub const ORIGIN: &str = "rightsdoc.test/store";

/// The database the PostgreSQL tests use.
pub fn base_url() -> String {
    std::env::var("RIGHTSDOC_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

fn required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("RIGHTSDOC_REQUIRE_POSTGRES").is_some()
}

/// Whether PostgreSQL answers; panics when it must and does not.
pub fn postgres_available() -> bool {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let up = UP.get_or_init(|| {
        postgres::Client::connect(&base_url(), postgres::NoTls)
            .map(drop)
            .map_err(|e| {
                let cause = std::error::Error::source(&e).map(|c| format!(": {c}"));
                format!("{e}{}", cause.unwrap_or_default())
            })
    });
    match up {
        Ok(()) => true,
        Err(e) if required() => panic!(
            "PostgreSQL is required here (CI or RIGHTSDOC_REQUIRE_POSTGRES is set) but {} cannot be reached: {e}; start it (pg_ctlcluster … main start) or set RIGHTSDOC_TEST_POSTGRES",
            base_url()
        ),
        Err(e) => {
            eprintln!(
                "\n*** SKIPPING PostgreSQL tests: {} cannot be reached ({e}); set RIGHTSDOC_REQUIRE_POSTGRES=1 to make this a failure ***\n",
                base_url()
            );
            false
        }
    }
}

/// A schema of its own, dropped (with everything in it) on drop.
pub struct Schema {
    pub name: String,
    pub url: String,
}

impl Schema {
    pub fn fresh() -> Option<Schema> {
        if !postgres_available() {
            return None;
        }
        let name = format!("rdtest_{:016x}", rand::random::<u64>());
        let base = base_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}schema={name}");
        Some(Schema { name, url })
    }

    pub fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
        c.batch_execute(&format!("SET search_path TO \"{}\"", self.name))
            .unwrap();
        c
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

enum Place {
    Sqlite(tempfile::TempDir),
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
            Place::Postgres(s) => s.client().batch_execute(sql).unwrap(),
        }
    }

    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.place {
            Place::Sqlite(dir) => Some(dir.path().join("a.db")),
            Place::Postgres(_) => None,
        }
    }

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
