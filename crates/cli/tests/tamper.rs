//! Tampering with the stored file is detected: a flipped byte in any table makes `verify` fail.

mod common;
use common::*;
use std::path::Path;

const TABLES: &[&str] = &[
    "meta",
    "log",
    "payloads",
    "tree",
    "checkpoints",
    "records",
    "refs",
    "record_keys",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("keys")).unwrap();
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        std::fs::copy(&entry, to.join(rel)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn build_archive(a: &Path) {
    ok(a, &["init"]);
    let src = add(
        a,
        r#"{"kind":"source","title":"A report","source_type":"report","reliability":"B"}"#,
    );
    let p = add(
        a,
        &format!(
            r#"{{"kind":"person","names":["محمد رضایی","Mohammad Rezaei"],"birth":"1962","citations":["{src}"]}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"act","victim":"{p}","act_type":"execution","date":"1988-08","citations":["{src}"]}}"#
        ),
    );
    // A witness's name, sealed under its record's data key (the `record_keys` row).
    add(
        a,
        r#"{"kind":"person","names":[{"value":"Witness","classification":"confidential"}]}"#,
    );
    ok(a, &["checkpoint"]);
}

#[test]
fn a_flipped_byte_in_any_table_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let original = tmp.path().join("original");
    build_archive(&original);
    ok(&original, &["verify"]);

    for table in TABLES {
        let copy = tmp.path().join(format!("flip-{table}"));
        copy_dir(&original, &copy);
        let db = copy.join("archive.db");
        // Compact the file first so the table's root page holds only live cells, packed at its end.
        let (page_size, root) = {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("VACUUM").unwrap();
            let page_size: i64 = conn
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap();
            let root: i64 = conn
                .query_row(
                    "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            let rows: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert!(rows > 0, "{table} is empty, the test would prove nothing");
            (page_size, root)
        };
        ok(&copy, &["verify"]);
        let mut bytes = std::fs::read(&db).unwrap();
        // The last byte of the root page belongs to the first cell's data.
        let at = (root * page_size - 1) as usize;
        bytes[at] ^= 0x01;
        std::fs::write(&db, bytes).unwrap();
        let err = fails(&copy, &["verify"]);
        assert!(err.contains("FAILED"), "{table}: {err}");
        eprintln!("{table}: {}", err.trim());
    }
}
