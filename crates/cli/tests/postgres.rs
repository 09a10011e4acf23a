//! An archive kept in PostgreSQL: `init --database`, and `migrate --to` from an embedded
//! archive, through the real binary. PostgreSQL at 127.0.0.1:5432, database `test` (or
//! `RIGHTSDOC_TEST_POSTGRES`); each test works in schemas of its own and drops them.
//! Where PostgreSQL cannot be reached these tests fail when `CI` or
//! `RIGHTSDOC_REQUIRE_POSTGRES` is set, and are skipped with a loud message otherwise.

mod common;

use common::{add, fails, ok};
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

#[path = "../../store/tests/common/postgres_schema.rs"]
mod postgres_schema;
use postgres_schema::{Schema, base_url, required};

/// Tests here take turns: one of them restarts the database server.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn verified(a: &Path) -> Value {
    serde_json::from_str(&ok(a, &["verify", "--json"])).unwrap()
}

#[test]
fn an_embedded_archive_moves_into_postgres_and_goes_on_there() {
    let _turn = turn();
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
    let _turn = turn();
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
    let added = common::rightsdoc_with_stdin(
        a,
        &["user", "add", "loader", "--role", "editor"],
        "a long enough password\n",
    );
    assert!(added.status.success(), "{added:?}");
    ok(a, &["user", "token", "loader", "--label", "load test"])
}

/// What a writer sent and what the servers acknowledged.
#[derive(Default)]
struct Tally {
    acknowledged: Vec<String>,
    /// Sends that got no answer or a server error, and were sent again.
    retried: u64,
}

/// The servers writers send to; a restarted server replaces its entry.
type Bases = Arc<RwLock<Vec<String>>>;

/// Writes people through the API for `for_how_long`, spread over `bases`. A write that gets
/// no answer (a dead server) or a server error (a database restarting) is sent again,
/// unchanged, to the next server, as a client would (creates are retry-safe), so every record
/// is acknowledged exactly once in the end.
fn writer(n: usize, bases: &Bases, token: &str, for_how_long: Duration) -> Tally {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut i = 0;
    while started.elapsed() < for_how_long {
        let id = format!("psn_load-{n}-{i}");
        let body = serde_json::json!({"kind": "person", "id": id, "names": [format!("Writer {n} Row {i}")]});
        let mut server = n + i;
        loop {
            let base = {
                let bases = bases.read().unwrap();
                bases[server % bases.len()].clone()
            };
            let sent = agent
                .post(&format!("{base}/api/v1/records"))
                .set("Authorization", &format!("Bearer {token}"))
                .send_json(body.clone());
            match sent {
                Ok(r) => {
                    assert!(matches!(r.status(), 200 | 201), "{}", r.status());
                    tally.acknowledged.push(id.clone());
                    break;
                }
                Err(ureq::Error::Status(code, r)) if code < 500 => {
                    panic!("{id}: {code} {}", r.into_string().unwrap_or_default())
                }
                Err(_) => {
                    tally.retried += 1;
                    server += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        i += 1;
    }
    tally
}

/// Runs `writers` writers for `period` while `faults` runs; their acknowledged ids.
fn load(
    writers: usize,
    bases: &Bases,
    token: &str,
    period: Duration,
    faults: impl FnOnce(),
) -> (Vec<String>, u64) {
    let threads: Vec<_> = (0..writers)
        .map(|n| {
            let (bases, token) = (bases.clone(), token.to_string());
            std::thread::spawn(move || writer(n, &bases, &token, period))
        })
        .collect();
    faults();
    let tallies: Vec<Tally> = threads.into_iter().map(|w| w.join().unwrap()).collect();
    let retried = tallies.iter().map(|t| t.retried).sum();
    let acknowledged = tallies.into_iter().flat_map(|t| t.acknowledged).collect();
    (acknowledged, retried)
}

/// Every acknowledged write is in the log exactly once, and nothing else was written.
fn assert_each_once(a: &Path, before: u64, acknowledged: &[String]) {
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
    for id in acknowledged {
        assert_eq!(
            exported.matches(&format!("\"{id}\"")).count(),
            1,
            "{id} is stored once"
        );
    }
}

#[test]
fn two_servers_on_one_database_keep_every_acknowledged_write_once() {
    let _turn = turn();
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
    let bases: Bases = Arc::new(RwLock::new(vec![first.base.clone(), second.base.clone()]));
    // One server dies in the middle of the load (SIGKILL: no shutdown, writes in flight).
    let (acknowledged, retried) = load(8, &bases, &token, Duration::from_secs(4), || {
        std::thread::sleep(Duration::from_millis(1500));
        first.child.kill().unwrap();
        first.child.wait().unwrap();
    });
    drop(second);
    eprintln!(
        "8 writers, 4 s, two servers (one killed after 1.5 s): {} writes acknowledged, {retried} sent again",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() > 50,
        "the load wrote {}",
        acknowledged.len()
    );
    assert!(retried > 0, "the writers noticed the dead server");
    assert_each_once(a, before, &acknowledged);
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

/// The local cluster's version, when this process may restart it (root, Debian's
/// pg_ctlcluster, and the tests' database on this machine).
fn restartable_cluster() -> Option<String> {
    let local = base_url().contains("@127.0.0.1") || base_url().contains("@localhost");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !local || !root || !Path::new("/usr/bin/pg_ctlcluster").exists() {
        return None;
    }
    let mut versions = std::fs::read_dir("/etc/postgresql").ok()?;
    Some(
        versions
            .next()?
            .ok()?
            .file_name()
            .to_string_lossy()
            .into_owned(),
    )
}

/// Stops PostgreSQL as a crash would (immediate: no checkpoint, recovery at the next start),
/// then starts it again.
fn crash_and_restart_postgres(version: &str) {
    let status = std::process::Command::new("pg_ctlcluster")
        .args([
            "--skip-systemctl-redirect",
            version,
            "main",
            "restart",
            "--mode",
            "immediate",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctlcluster restart: {status}");
}

#[test]
fn a_database_crash_and_a_killed_server_lose_no_acknowledged_write() {
    let _turn = turn();
    let Some(schema) = Schema::fresh() else {
        return;
    };
    let Some(version) = restartable_cluster() else {
        assert!(
            !required(),
            "this test restarts the local PostgreSQL: run it as root with pg_ctlcluster"
        );
        eprintln!(
            "\n*** SKIPPING the PostgreSQL restart test: needs root and the local cluster ***\n"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("a");
    ok(a, &["init", "--database", &schema.url]);
    let token = api_token(a);
    let before = verified(a)["operations"].as_u64().unwrap();

    let mut server = common::serve(a);
    let bases: Bases = Arc::new(RwLock::new(vec![server.base.clone()]));
    let (acknowledged, retried) = load(4, &bases, &token, Duration::from_secs(7), || {
        std::thread::sleep(Duration::from_millis(1500));
        // The database goes down under load as in a crash, and comes back.
        crash_and_restart_postgres(&version);
        std::thread::sleep(Duration::from_millis(1500));
        // Then the server is killed in the middle of writes, and started again.
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        server = common::serve(a);
        *bases.write().unwrap() = vec![server.base.clone()];
    });
    drop(server);
    eprintln!(
        "4 writers, 7 s, PostgreSQL crashed and restarted, then the server killed: {} writes acknowledged, {retried} sent again",
        acknowledged.len()
    );
    assert!(retried > 0, "the writers noticed the faults");
    // Writes went on after both faults.
    let written_by = |n: usize| {
        acknowledged
            .iter()
            .filter(|id| id.starts_with(&format!("psn_load-{n}-")))
            .count()
    };
    assert!(
        (0..4).all(|n| written_by(n) > 5),
        "every writer kept writing"
    );
    assert_each_once(a, before, &acknowledged);
}
