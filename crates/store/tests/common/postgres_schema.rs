//! A PostgreSQL schema of its own for a test: 127.0.0.1:5432, database `test` (or
//! `RIGHTSDOC_TEST_POSTGRES`), a random name, dropped with everything in it when the test
//! ends, so tests run in parallel and leave nothing behind.
//!
//! Where PostgreSQL cannot be reached, tests fail if `CI` or `RIGHTSDOC_REQUIRE_POSTGRES` is
//! set, and are skipped with a loud message otherwise. Shared with the CLI's tests (`#[path]`).
#![allow(dead_code)]

use std::sync::OnceLock;

/// The database the PostgreSQL tests use.
pub fn base_url() -> String {
    std::env::var("RIGHTSDOC_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub fn required() -> bool {
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
