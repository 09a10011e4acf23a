//! An archive kept in PostgreSQL: `init --database`, and `migrate --to` from an embedded
//! archive, through the real binary. PostgreSQL at 127.0.0.1:5432, database `test` (or
//! `RIGHTSDOC_TEST_POSTGRES`); each test works in schemas of its own and drops them.
//! Where PostgreSQL cannot be reached these tests fail when `CI` or
//! `RIGHTSDOC_REQUIRE_POSTGRES` is set, and are skipped with a loud message otherwise.

mod common;

use common::{add, fails, ok};
use serde_json::Value;
use std::path::Path;

fn base_url() -> String {
    std::env::var("RIGHTSDOC_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A schema name of its own, dropped (with everything in it) when the test ends.
struct Schema {
    name: String,
    url: String,
}

impl Schema {
    fn fresh() -> Option<Schema> {
        if let Err(e) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let required = std::env::var_os("CI").is_some()
                || std::env::var_os("RIGHTSDOC_REQUIRE_POSTGRES").is_some();
            assert!(
                !required,
                "PostgreSQL is required here but {} cannot be reached: {e}",
                base_url()
            );
            eprintln!(
                "\n*** SKIPPING PostgreSQL CLI tests: {} cannot be reached ({e}) ***\n",
                base_url()
            );
            return None;
        }
        let name = format!("rdcli_{:016x}", rand::random::<u64>());
        let url = format!("{}?schema={name}", base_url());
        Some(Schema { name, url })
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

fn verified(a: &Path) -> Value {
    serde_json::from_str(&ok(a, &["verify", "--json"])).unwrap()
}

#[test]
fn an_embedded_archive_moves_into_postgres_and_goes_on_there() {
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let person = add(
        a,
        r#"{"kind": "person", "names": ["محمد رضایی"], "birth": "1960"}"#,
    );
    add(
        a,
        r#"{"kind": "source", "title": "A list", "source_type": "report"}"#,
    );
    ok(a, &["checkpoint"]);
    let before = verified(a);

    let moved: Value =
        serde_json::from_str(&ok(a, &["--json", "migrate", "--to", &schema.url])).unwrap();
    assert_eq!(moved["operations"], before["operations"]);
    assert_eq!(moved["records"], before["records"]);
    let config = std::fs::read_to_string(a.join("rightsdoc.toml")).unwrap();
    assert!(config.contains(&schema.name), "{config}");
    assert!(
        !a.join("archive.db").exists(),
        "the old file is moved aside"
    );
    assert!(a.join("archive.db.migrated").exists());

    // The same log, now read from PostgreSQL: same root, the checkpoint still consistent.
    let after = verified(a);
    assert_eq!(after["root"], before["root"]);
    assert_eq!(after["operations"], before["operations"]);
    let shown = ok(a, &["show", &person]);
    assert!(shown.contains("محمد رضایی"), "{shown}");
    // Writes go on in PostgreSQL, and search follows them.
    add(a, r#"{"kind": "person", "names": ["Zahra Kazemi"]}"#);
    assert!(ok(a, &["search", "Mohammed Rezaie", "--json"]).contains(&person));
    assert!(ok(a, &["search", "Zahra Kazemi", "--json"]).contains("Zahra Kazemi"));
    assert_eq!(
        verified(a)["operations"].as_u64().unwrap(),
        before["operations"].as_u64().unwrap() + 1
    );

    // Once moved, there is nothing left to move.
    let err = fails(a, &["migrate", "--to", &schema.url]);
    assert!(err.contains("already"), "{err}");
}

#[test]
fn migration_refuses_a_schema_that_holds_an_archive_and_changes_nothing() {
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // An archive made in PostgreSQL from the start.
    let shared = &tmp.path().join("shared");
    ok(shared, &["init", "--database", &schema.url]);
    add(shared, r#"{"kind": "person", "names": ["Ali Ahmadi"]}"#);
    assert!(ok(shared, &["search", "Ali Ahmadi", "--json"]).contains("Ali Ahmadi"));
    assert!(!shared.join("archive.db").exists());
    // A second archive cannot be created in the same schema...
    let other = &tmp.path().join("other");
    let err = fails(other, &["init", "--database", &schema.url]);
    assert!(err.contains("already holds an archive"), "{err}");
    // ...nor an embedded one moved into it; the embedded archive is untouched.
    let local = &tmp.path().join("local");
    ok(local, &["init"]);
    add(local, r#"{"kind": "person", "names": ["Local Only"]}"#);
    let before = verified(local);
    let err = fails(local, &["migrate", "--to", &schema.url]);
    assert!(err.contains("already holds data"), "{err}");
    assert!(local.join("archive.db").exists());
    assert!(!local.join("archive.db.migrating").exists());
    assert_eq!(verified(local)["root"], before["root"]);
    let err = fails(local, &["migrate", "--to", "mysql://h/db"]);
    assert!(err.contains("PostgreSQL URL"), "{err}");
}
