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

/// A folder that opens the same PostgreSQL archive: the configuration, keys and accounts
/// (so the same API token works), but a search index of its own.
fn second_folder(from: &Path, to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let name = e.file_name();
            if name == "search" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(&name));
            } else {
                std::fs::copy(e.path(), to.join(&name)).unwrap();
            }
        }
    }
    copy(from, to);
}

fn api_token(a: &Path) -> String {
    use std::io::Write;
    let mut child = common::command()
        .arg("--archive")
        .arg(a)
        .args(["user", "add", "loader", "--role", "editor"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"a long enough password\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    ok(a, &["user", "token", "loader", "--label", "load test"])
}

/// What a writer sent and what the servers acknowledged.
#[derive(Default)]
struct Tally {
    acknowledged: Vec<String>,
    refused_by_a_dead_server: u64,
}

/// Writes people through the API for `for_how_long`, alternating between `bases`; a write
/// whose server does not answer is sent again, unchanged, to the other (as a client would:
/// creates are retry-safe), so every record is acknowledged once in the end.
fn writer(n: usize, bases: &[String; 2], token: &str, for_how_long: std::time::Duration) -> Tally {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(60))
        .build();
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    let mut i = 0;
    while started.elapsed() < for_how_long {
        let id = format!("psn_load-{n}-{i}");
        let body = serde_json::json!({"kind": "person", "id": id, "names": [format!("Writer {n} Row {i}")]});
        let mut server = (n + i) % 2;
        loop {
            let sent = agent
                .post(&format!("{}/api/v1/records", bases[server]))
                .set("Authorization", &format!("Bearer {token}"))
                .send_json(body.clone());
            match sent {
                Ok(r) => {
                    assert!(matches!(r.status(), 200 | 201), "{}", r.status());
                    tally.acknowledged.push(id.clone());
                    break;
                }
                Err(ureq::Error::Status(code, r)) => {
                    panic!("{id}: {code} {}", r.into_string().unwrap_or_default())
                }
                Err(ureq::Error::Transport(_)) => {
                    tally.refused_by_a_dead_server += 1;
                    server = 1 - server;
                }
            }
        }
        i += 1;
    }
    tally
}

#[test]
fn two_servers_on_one_database_keep_every_acknowledged_write_once() {
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (&tmp.path().join("a"), &tmp.path().join("b"));
    ok(a, &["init", "--database", &schema.url]);
    let token = api_token(a);
    second_folder(a, b);
    let before = verified(a)["operations"].as_u64().unwrap();

    let mut first = common::serve(a);
    let second = common::serve(b);
    let bases = [first.base.clone(), second.base.clone()];
    let writers: Vec<_> = (0..8)
        .map(|n| {
            let (bases, token) = (bases.clone(), token.clone());
            std::thread::spawn(move || writer(n, &bases, &token, std::time::Duration::from_secs(4)))
        })
        .collect();
    // One server dies in the middle of the load (SIGKILL: no shutdown, writes in flight).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let tallies: Vec<Tally> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    drop(second);
    let acknowledged: Vec<&String> = tallies.iter().flat_map(|t| &t.acknowledged).collect();
    let retried: u64 = tallies.iter().map(|t| t.refused_by_a_dead_server).sum();
    eprintln!(
        "8 writers, 4 s, two servers (one killed after 1.5 s): {} writes acknowledged, {retried} sent again to the other server",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() > 50,
        "the load wrote {}",
        acknowledged.len()
    );
    assert!(retried > 0, "the writers noticed the dead server");

    // Every acknowledged write is in the log exactly once, and nothing else was written.
    let after = verified(a);
    assert_eq!(
        after["operations"].as_u64().unwrap(),
        before + acknowledged.len() as u64,
        "one operation per acknowledged write"
    );
    let exported = ok(
        a,
        &["export", "--format", "json", "--clearance", "confidential"],
    );
    for id in &acknowledged {
        assert_eq!(
            exported.matches(&format!("\"{id}\"")).count(),
            1,
            "{id} is stored once"
        );
    }
    // The restarted server's index catches up with what the other one wrote meanwhile.
    let restarted = common::serve(a);
    let last = acknowledged.last().unwrap();
    let row = last.rsplit('-').next().unwrap();
    let writer_n = last.split('-').nth(1).unwrap();
    let found: Value = ureq::get(&format!(
        "{}/api/v1/search?q=Writer%20{writer_n}%20Row%20{row}",
        restarted.base
    ))
    .call()
    .unwrap()
    .into_json()
    .unwrap();
    assert!(found.to_string().contains(last.as_str()), "{found}");
    // Every kind of page and API answer reads from PostgreSQL without blocking the server.
    for path in [
        "/".to_string(),
        "/search?q=Writer".into(),
        "/people".into(),
        format!("/people/{last}"),
        "/upr".into(),
        "/estimate".into(),
        "/api/v1/records?kind=person".into(),
        format!("/api/v1/records/{last}"),
        format!("/api/v1/records/{last}/history"),
        "/api/v1/stats?by=year".into(),
        "/api/v1/export".into(),
    ] {
        let r = ureq::get(&format!("{}{path}", restarted.base)).call();
        assert!(r.is_ok(), "{path}: {r:?}");
    }
}
