//! A store file written by an earlier version (records carrying a copy of their body, and a
//! `names` table) is brought to the current layout when opened, and still verifies.

mod common;

use common::{init, plain};
use rightsdoc_ledger::{Action, Operation};
use rightsdoc_model::validate;
use rightsdoc_store::{Change, SqliteStore, Store, verify};
use serde_json::json;

fn person(id: &str, name: &str) -> Change {
    let record = validate(json!({"kind": "person", "id": id, "names": [name]})).unwrap();
    Change {
        op: Operation::now("test", Action::Create, "person", id, record.to_value()),
        record: Some(record),
        expect_version: None,
        skip_identical: false,
    }
}

#[test]
fn an_earlier_layout_is_upgraded_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let verifier = init(&mut store).1;
    store
        .append(vec![person("psn_a", "Ali"), person("psn_b", "محمد")])
        .unwrap();
    let deleted = Operation::now(
        "test",
        Action::Delete,
        "person",
        "psn_b",
        json!({"reason": "x"}),
    );
    store.append(vec![plain(deleted)]).unwrap();
    drop(store);

    // Rewrite the file as the earlier layout held it.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(
        "CREATE TABLE records_old (id TEXT PRIMARY KEY, kind TEXT NOT NULL, classification TEXT NOT NULL,
             body TEXT NOT NULL, version INTEGER NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
         INSERT INTO records_old SELECT r.id, r.kind, r.classification, CAST(p.body AS TEXT), r.version, r.created
             FROM records r JOIN payloads p ON p.seq = r.version;
         DROP TABLE records;
         ALTER TABLE records_old RENAME TO records;
         CREATE INDEX records_kind ON records(kind, id);
         CREATE TABLE names (record_id TEXT NOT NULL, idx INTEGER NOT NULL, value TEXT NOT NULL, lang TEXT,
             classification TEXT NOT NULL, normalized TEXT NOT NULL, key TEXT NOT NULL, latin TEXT NOT NULL,
             PRIMARY KEY (record_id, idx)) WITHOUT ROWID;
         INSERT INTO names VALUES ('psn_a', 0, 'Ali', NULL, 'public', 'ali', 'al', 'ali');",
    )
    .unwrap();
    drop(c);

    let store = SqliteStore::open(&path).unwrap();
    let row = store.record("psn_a").unwrap().unwrap();
    assert_eq!(row.json()["names"][0]["value"], "Ali");
    assert!(store.record("psn_b").unwrap().is_none());
    verify(&store, &verifier, &[]).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!tables.contains(&"names".to_string()), "{tables:?}");
    let body_column: i64 = c
        .query_row(
            "SELECT count(*) FROM pragma_table_info('records') WHERE name = 'body'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(body_column, 0);
}
