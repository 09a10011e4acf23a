//! Every method of the `Store` trait, on every backend (SQLite; PostgreSQL where it runs):
//! the same operations give the same answers and the same errors.

mod common;

use common::{TestStore, init, plain};
use rightsdoc_ledger::{Action, MemoryTree, Operation, stored_hash_count};
use rightsdoc_model::{Classification, validate};
#[cfg(feature = "postgres")]
use rightsdoc_store::PostgresStore;
use rightsdoc_store::{Change, SqliteStore, Store, StoreError, verify};
use serde_json::{Value, json};

fn create(id: &str, v: Value) -> Change {
    let record = validate(v).unwrap();
    Change {
        op: Operation::now(
            "test",
            Action::Create,
            record.kind.as_str(),
            id,
            record.to_value(),
        ),
        record: Some(record),
        expect_version: None,
        skip_identical: false,
    }
}

fn person(id: &str, name: &str) -> Change {
    create(id, json!({"kind": "person", "id": id, "names": [name]}))
}

fn act(id: &str, victim: &str) -> Change {
    create(
        id,
        json!({"kind": "act", "id": id, "victim": victim, "act_type": "execution"}),
    )
}

fn edit(store: &dyn Store, id: &str, birth: &str, version: Option<u64>) -> Change {
    let mut v = store.record(id).unwrap().unwrap().json();
    v["birth"] = json!(birth);
    let record = validate(v).unwrap();
    Change {
        op: Operation::now("test", Action::Edit, "person", id, record.to_value()),
        record: Some(record),
        expect_version: version,
        skip_identical: false,
    }
}

fn delete(id: &str) -> Change {
    plain(Operation::now(
        "test",
        Action::Delete,
        "person",
        id,
        json!({"reason": "test"}),
    ))
}

/// Run `test` on every backend, naming the backend in any failure.
fn each(test: impl Fn(&mut TestStore)) {
    for mut t in common::backends() {
        eprintln!("backend: {}", t.backend);
        test(&mut t);
    }
}

#[test]
fn append_create_edit_delete_and_history() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        assert_eq!(s.log_size().unwrap(), 1);
        let done = s.append(vec![person("psn_a", "Ali")]).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!((done[0].seq, done[0].target.as_str()), (1, "psn_a"));
        let row = s.record("psn_a").unwrap().unwrap();
        assert_eq!(
            (row.version, row.created, row.kind.as_str()),
            (1, 1, "person")
        );

        let e = edit(s, "psn_a", "1960", Some(1));
        let done = s.append(vec![e]).unwrap();
        assert_eq!(done[0].seq, 2);
        let row = s.record("psn_a").unwrap().unwrap();
        assert_eq!((row.version, row.created), (2, 1), "{}", t.backend);
        assert_eq!(row.json()["birth"], json!("1960"));

        s.append(vec![delete("psn_a")]).unwrap();
        assert!(s.record("psn_a").unwrap().is_none());
        assert_eq!(s.history("psn_a").unwrap(), vec![1, 2, 3]);
        assert_eq!(s.history("psn_none").unwrap(), Vec::<u64>::new());
        assert_eq!(s.log_size().unwrap(), 4);
        // A record may be created again after its delete.
        s.append(vec![person("psn_a", "Ali again")]).unwrap();
        let row = s.record("psn_a").unwrap().unwrap();
        assert_eq!((row.version, row.created), (4, 4));
    });
}

#[test]
fn exists_and_skip_identical() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        s.append(vec![person("psn_a", "Ali")]).unwrap();
        assert!(matches!(
            s.append(vec![person("psn_a", "Ali")]),
            Err(StoreError::Exists(id)) if id == "psn_a"
        ));
        let mut same = person("psn_a", "Ali");
        same.skip_identical = true;
        assert_eq!(s.append(vec![same]).unwrap(), vec![]);
        let mut other = person("psn_a", "Reza");
        other.skip_identical = true;
        assert!(matches!(s.append(vec![other]), Err(StoreError::Exists(_))));
        // Twice in one batch: the second sees the first.
        assert!(matches!(
            s.append(vec![person("psn_b", "B"), person("psn_b", "B")]),
            Err(StoreError::Exists(id)) if id == "psn_b"
        ));
        let mut again = person("psn_c", "C");
        again.skip_identical = true;
        let done = s
            .append(vec![person("psn_c", "C"), again, person("psn_d", "D")])
            .unwrap();
        let seqs: Vec<u64> = done.iter().map(|a| a.seq).collect();
        assert_eq!(
            seqs,
            vec![2, 3],
            "{}: a skipped create takes no seq",
            t.backend
        );
        assert_eq!(s.log_size().unwrap(), 4);
    });
}

#[test]
fn not_found_and_conflict() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        assert!(
            matches!(s.append(vec![delete("psn_x")]), Err(StoreError::NotFound(id)) if id == "psn_x")
        );
        let view = plain(Operation::now(
            "t",
            Action::View,
            "person",
            "psn_x",
            json!({}),
        ));
        assert!(matches!(s.append(vec![view]), Err(StoreError::NotFound(_))));
        s.append(vec![person("psn_a", "Ali")]).unwrap();
        let stale = edit(s, "psn_a", "1950", Some(1));
        s.append(vec![edit(s, "psn_a", "1951", Some(1))]).unwrap();
        match s.append(vec![stale]) {
            Err(StoreError::Conflict {
                id,
                expected,
                found,
            }) => assert_eq!((id.as_str(), expected, found), ("psn_a", 1, 2)),
            other => panic!("{}: {other:?}", t.backend),
        }
        // Edit after delete in one batch.
        let e = edit(s, "psn_a", "1952", None);
        assert!(matches!(
            s.append(vec![delete("psn_a"), e]),
            Err(StoreError::NotFound(_))
        ));
        assert!(
            s.record("psn_a").unwrap().is_some(),
            "refused batch left a trace"
        );
        // A view of a present record is logged and changes nothing.
        let view = plain(Operation::now(
            "t",
            Action::View,
            "person",
            "psn_a",
            json!({}),
        ));
        s.append(vec![view]).unwrap();
        assert_eq!(s.record("psn_a").unwrap().unwrap().version, 2);
    });
}

#[test]
fn references_dangling_forward_and_still_referenced() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        match s.append(vec![act("act_1", "psn_missing")]) {
            Err(StoreError::Dangling { from, path, target }) => {
                assert_eq!((from.as_str(), target.as_str()), ("act_1", "psn_missing"));
                assert_eq!(path, "victim");
            }
            other => panic!("{}: {other:?}", t.backend),
        }
        assert_eq!(s.log_size().unwrap(), 1);
        // Forward reference within a batch.
        s.append(vec![act("act_1", "psn_v"), person("psn_v", "Victim")])
            .unwrap();
        let refs = s.referrers("psn_v").unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].from_id, "act_1");
        match s.append(vec![delete("psn_v")]) {
            Err(StoreError::StillReferenced { id, by }) => {
                assert_eq!(id, "psn_v");
                assert!(by.contains("`act_1` (victim)"), "{by}");
            }
            other => panic!("{}: {other:?}", t.backend),
        }
        // A reference written in the same batch blocks the delete too.
        s.append(vec![person("psn_w", "W")]).unwrap();
        assert!(matches!(
            s.append(vec![act("act_2", "psn_w"), delete("psn_w")]),
            Err(StoreError::StillReferenced { .. })
        ));
        // A reference to a record deleted earlier in the batch dangles.
        assert!(matches!(
            s.append(vec![delete("psn_w"), act("act_3", "psn_w")]),
            Err(StoreError::Dangling { .. })
        ));
        // Deleting the referrer first frees the target, in one batch.
        s.append(vec![delete("act_1"), delete("psn_v")]).unwrap();
        assert!(s.referrers("psn_v").unwrap().is_empty());
        assert!(s.record("psn_v").unwrap().is_none());
    });
}

#[test]
fn a_bulk_write_commits_or_discards_every_append_in_it() {
    each(|t| {
        let verifier = init(t.store.as_mut()).1;
        let s = t.store.as_mut();
        if !s.begin_bulk().unwrap() {
            // A backend without bulk writes commits each append by itself.
            s.append(vec![person("psn_a", "Ali")]).unwrap();
            s.end_bulk(false).unwrap();
            assert!(s.record("psn_a").unwrap().is_some(), "{}", t.backend);
            return;
        }
        s.append(vec![person("psn_a", "Ali")]).unwrap();
        // A failed append inside the bulk undoes only itself.
        let dangling = act("act_x", "psn_missing");
        assert!(s.append(vec![person("psn_b", "B"), dangling]).is_err());
        s.append(vec![act("act_a", "psn_a")]).unwrap();
        assert!(s.begin_bulk().is_err(), "bulk writes do not nest");
        s.end_bulk(false).unwrap();
        assert_eq!(s.log_size().unwrap(), 1, "{}: only init remains", t.backend);
        assert!(s.record("psn_a").unwrap().is_none());
        assert!(s.end_bulk(true).is_err(), "no bulk is open");

        assert!(s.begin_bulk().unwrap());
        s.append(vec![person("psn_a", "Ali")]).unwrap();
        assert!(s.append(vec![person("psn_a", "Other")]).is_err());
        s.append(vec![act("act_a", "psn_a")]).unwrap();
        s.end_bulk(true).unwrap();
        assert_eq!(s.log_size().unwrap(), 3);
        assert_eq!(s.referrers("psn_a").unwrap().len(), 1);
        assert!(s.record("psn_b").unwrap().is_none());
        verify(t.store.as_ref(), &verifier, &[]).unwrap();
    });
}

#[test]
fn pages_bodies_and_refs() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        let mut batch = Vec::new();
        for i in 0..7 {
            let class = if i % 3 == 0 { "confidential" } else { "public" };
            let id = format!("psn_{i}");
            batch.push(create(
                &id,
                json!({"kind": "person", "id": id, "names": [{"value": format!("محمد {i}"), "lang": "fa"}, format!("Mohammad {i}")], "classification": class}),
            ));
        }
        batch.push(act("act_1", "psn_1"));
        s.append(batch).unwrap();
        let (page, total) = s
            .records_page("person", Classification::Public, 0, 3)
            .unwrap();
        assert_eq!(total, 4);
        let ids: Vec<&str> = page.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["psn_1", "psn_2", "psn_4"]);
        let (page, total) = s
            .records_page("person", Classification::Confidential, 5, 10)
            .unwrap();
        assert_eq!((total, page.len()), (7, 2));
        let mut all = Vec::new();
        s.for_each_record(Some("act"), &mut |r| {
            all.push(r.id);
            Ok(())
        })
        .unwrap();
        assert_eq!(all, vec!["act_1"]);
        // A record's body is the payload the log holds for it.
        let psn_0 = s.record("psn_0").unwrap().unwrap();
        assert_eq!(psn_0.json()["names"][0]["value"], "محمد 0");
        let mut refs = Vec::new();
        s.for_each_ref(&mut |r| {
            refs.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].from_id.as_str(), refs[0].to_id.as_str()),
            ("act_1", "psn_1")
        );
    });
}

#[test]
fn visiting_more_than_a_page_in_byte_order_while_reading() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        // Hyphens among digits: byte order (as Rust and SQLite sort them), which a
        // linguistic collation (that skips hyphens) would not give.
        let ids: Vec<String> = (0..4_500)
            .map(|i| match i % 3 {
                0 => format!("psn_{i}"),
                1 => format!("psn_{i}-x"),
                _ => format!("psn_{i}a"),
            })
            .collect();
        let batch = ids.iter().map(|id| person(id, "Name")).collect();
        s.append(batch).unwrap();
        let mut sorted = ids.clone();
        sorted.sort();
        let mut seen = Vec::new();
        let store: &dyn Store = s;
        store
            .for_each_record(None, &mut |r| {
                // The callback may use the store (no query held open).
                assert!(store.record(&r.id)?.is_some());
                seen.push(r.id);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, sorted, "{}", t.backend);
        let mut hashes = 0u64;
        store
            .for_each_stored_hash(&mut |idx, _| {
                assert_eq!(idx, hashes);
                hashes += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(hashes, stored_hash_count(4_501));
    });
}

#[test]
fn checkpoints_and_meta() {
    each(|t| {
        let s = t.store.as_mut();
        let (key, verifier) = init(s);
        assert_eq!(s.meta("origin").unwrap().as_deref(), Some(common::ORIGIN));
        assert_eq!(s.meta("absent").unwrap(), None);
        s.set_meta("x", "1").unwrap();
        s.set_meta("x", "2").unwrap();
        assert_eq!(s.meta("x").unwrap().as_deref(), Some("2"));
        for i in 0..3 {
            s.append(vec![person(&format!("psn_{i}"), "N")]).unwrap();
            let size = s.log_size().unwrap();
            let cp = key
                .sign(common::ORIGIN, size, s.root(size).unwrap())
                .unwrap();
            s.add_checkpoint(size, &cp.text).unwrap();
        }
        let cps = s.checkpoints().unwrap();
        let sizes: Vec<u64> = cps.iter().map(|c| c.0).collect();
        assert_eq!(sizes, vec![2, 3, 4]);
        assert_eq!(verifier.verify(&cps[0].1).unwrap().size, 2);
        let report = verify(s, &verifier, &[]).unwrap();
        assert_eq!((report.operations, report.records), (4, 3));
        assert_eq!(report.checkpoints.len(), 3);
    });
}

#[test]
fn record_keys_insert_race_and_destroy() {
    each(|t| {
        let s = t.store.as_mut();
        assert_eq!(s.record_key("psn_a").unwrap(), None);
        assert_eq!(s.insert_record_key("psn_a", b"first").unwrap(), b"first");
        assert_eq!(s.insert_record_key("psn_a", b"second").unwrap(), b"first");
        assert_eq!(s.record_key("psn_a").unwrap().unwrap(), b"first");
        assert!(s.destroy_record_key("psn_a").unwrap());
        assert_eq!(s.record_key("psn_a").unwrap(), Some(vec![]));
        assert!(!s.destroy_record_key("psn_a").unwrap());
        assert!(!s.destroy_record_key("psn_none").unwrap());
        // Once destroyed, a key is never given again.
        assert_eq!(s.insert_record_key("psn_a", b"third").unwrap(), b"");

        // Writers on separate connections racing for one record agree on one key.
        let stores: Vec<Box<dyn Store>> = (0..4).map(|_| t.reopen()).collect();
        let barrier = std::sync::Barrier::new(stores.len());
        let keys: Vec<Vec<Vec<u8>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = stores
                .into_iter()
                .enumerate()
                .map(|(w, mut st)| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        barrier.wait();
                        (0..20)
                            .map(|i| {
                                st.insert_record_key(
                                    &format!("psn_r{i}"),
                                    format!("w{w}").as_bytes(),
                                )
                                .unwrap()
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for i in 0..20 {
            let stored = t.store.record_key(&format!("psn_r{i}")).unwrap().unwrap();
            for k in &keys {
                assert_eq!(k[i], stored, "{}: writers disagree on key {i}", t.backend);
            }
        }
    });
}

#[test]
fn read_log_reopens_every_operation() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        let done = s
            .append(vec![person("psn_a", "Ali"), person("psn_b", "محمد")])
            .unwrap();
        let ops = s.read_log(0, 3).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!(ops[0].header.action, Action::Init);
        for (op, a) in ops[1..].iter().zip(&done) {
            assert_eq!(
                (op.header.seq, &op.header.target, op.leaf),
                (a.seq, &a.target, a.leaf)
            );
            assert_eq!(op.header.prev.len(), 64);
        }
        // The payload bytes are the projection's body, exactly.
        let body = s.record("psn_b").unwrap().unwrap().body;
        assert_eq!(ops[2].payload.as_ref().unwrap().1, body.as_bytes());
        assert_eq!(s.read_log(1, 2).unwrap()[0].header.target, "psn_a");
        assert!(s.read_log(3, 10).unwrap().is_empty());
    });
}

#[test]
fn root_equals_an_independent_tree() {
    each(|t| {
        let s = t.store.as_mut();
        init(s);
        for chunk in 0..5 {
            let batch = (0..(chunk * 3 + 1))
                .map(|i| person(&format!("psn_{chunk}-{i}"), "N"))
                .collect();
            s.append(batch).unwrap();
        }
        let size = s.log_size().unwrap();
        let mut tree = MemoryTree::new();
        for op in s.read_log(0, size).unwrap() {
            tree.append(op.leaf);
            let n = op.header.seq + 1;
            assert_eq!(
                s.root(n).unwrap(),
                tree.root(),
                "{}: root of {n}",
                t.backend
            );
        }
    });
}

#[test]
fn verify_detects_a_changed_projection_and_check_storage_a_missing_hash() {
    each(|t| {
        let verifier = init(t.store.as_mut()).1;
        t.store
            .append(vec![person("psn_a", "Ali"), person("psn_b", "B")])
            .unwrap();
        verify(t.store.as_ref(), &verifier, &[]).unwrap();
        t.store.check_storage().unwrap();
        t.raw_sql("UPDATE records SET created = created + 1 WHERE id = 'psn_a'");
        let err = verify(t.store.as_ref(), &verifier, &[]).unwrap_err();
        assert!(err.to_string().contains("psn_a"), "{}: {err}", t.backend);
    });
    // PostgreSQL's own storage check (SQLite's integrity_check is SQLite's business).
    if let Some(mut t) = TestStore::postgres() {
        init(t.store.as_mut());
        t.store.append(vec![person("psn_a", "Ali")]).unwrap();
        t.raw_sql("DELETE FROM tree WHERE idx = (SELECT max(idx) FROM tree)");
        let err = t.store.check_storage().unwrap_err();
        assert!(err.to_string().contains("Merkle tree"), "{err}");
    }
}

#[test]
fn concurrent_appends_stay_one_sequence() {
    each(|t| {
        let verifier = init(t.store.as_mut()).1;
        let writers: Vec<Box<dyn Store>> = (0..4).map(|_| t.reopen()).collect();
        std::thread::scope(|scope| {
            for (w, mut st) in writers.into_iter().enumerate() {
                scope.spawn(move || {
                    for i in 0..15 {
                        let batch = (0..(i % 3 + 1))
                            .map(|k| person(&format!("psn_w{w}-{i}-{k}"), "N"))
                            .collect();
                        st.append(batch).unwrap();
                    }
                });
            }
        });
        let report = verify(t.store.as_ref(), &verifier, &[]).unwrap();
        assert_eq!(report.operations, 1 + 4 * (5 * (1 + 2 + 3)));
        assert_eq!(report.records, 4 * 30);
    });
}

#[test]
fn snapshots_copy_everything_and_migration_keeps_the_root() {
    each(|t| {
        let (key, verifier) = init(t.store.as_mut());
        let s = t.store.as_mut();
        s.append(vec![act("act_1", "psn_a"), person("psn_a", "Ali")])
            .unwrap();
        s.append(vec![edit(s, "psn_a", "1960", None)]).unwrap();
        let size = s.log_size().unwrap();
        let cp = key
            .sign(common::ORIGIN, size, s.root(size).unwrap())
            .unwrap();
        s.add_checkpoint(size, &cp.text).unwrap();
        s.insert_record_key("psn_a", b"wrapped").unwrap();
        s.insert_record_key("psn_gone", b"x").unwrap();
        s.destroy_record_key("psn_gone").unwrap();

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.db");
        s.snapshot_to(&file).unwrap();
        assert!(s.snapshot_to(&file).is_err(), "a snapshot never overwrites");
        let copy = SqliteStore::open(&file).unwrap();
        assert_same(s, &copy);
        verify(&copy, &verifier, &[]).unwrap();

        // And from SQLite into PostgreSQL, as `rightsdoc migrate` does.
        #[cfg(feature = "postgres")]
        if let Some(schema) = common::Schema::fresh() {
            let mut pg = PostgresStore::open(&schema.url).unwrap();
            assert!(pg.is_empty().unwrap());
            pg.import_sqlite(&copy).unwrap();
            assert!(!pg.is_empty().unwrap());
            assert_same(&copy, &pg);
            verify(&pg, &verifier, &[]).unwrap();
            let err = pg.import_sqlite(&copy).unwrap_err();
            assert!(err.to_string().contains("not empty"), "{err}");
            // The copy goes on as a store of its own.
            pg.append(vec![person("psn_new", "N")]).unwrap();
            verify(&pg, &verifier, &[]).unwrap();
            drop(pg);
        }
    });
}

/// Two stores hold the same log, tree, checkpoints, metadata, keys and projections.
fn assert_same(a: &dyn Store, b: &dyn Store) {
    let size = a.log_size().unwrap();
    assert_eq!(b.log_size().unwrap(), size);
    assert_eq!(a.root(size).unwrap(), b.root(size).unwrap());
    let leaves = |s: &dyn Store| -> Vec<_> {
        s.read_log(0, size)
            .unwrap()
            .into_iter()
            .map(|o| (o.header_bytes, o.leaf, o.payload.map(|p| (p.0.0, p.1))))
            .collect()
    };
    assert_eq!(leaves(a), leaves(b));
    let hashes = |s: &dyn Store| {
        let mut v = Vec::new();
        s.for_each_stored_hash(&mut |i, h| {
            v.push((i, h));
            Ok(())
        })
        .unwrap();
        v
    };
    assert_eq!(hashes(a), hashes(b));
    assert_eq!(a.checkpoints().unwrap(), b.checkpoints().unwrap());
    for k in ["origin", "verifier_key"] {
        assert_eq!(a.meta(k).unwrap(), b.meta(k).unwrap());
    }
    for id in ["psn_a", "psn_gone", "psn_none"] {
        assert_eq!(a.record_key(id).unwrap(), b.record_key(id).unwrap());
    }
    let records = |s: &dyn Store| {
        let mut v = Vec::new();
        s.for_each_record(None, &mut |r| {
            v.push(r);
            Ok(())
        })
        .unwrap();
        v
    };
    assert_eq!(records(a), records(b));
    assert_eq!(a.referrers("psn_a").unwrap(), b.referrers("psn_a").unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_urls() {
    use rightsdoc_store::PostgresUrl;
    let u = PostgresUrl::parse("postgres://u@h:5432/db?schema=abc_1&connect_timeout=5").unwrap();
    assert_eq!(u.schema, "abc_1");
    assert_eq!(u.driver, "postgres://u@h:5432/db?connect_timeout=5");
    let u = PostgresUrl::parse("postgresql://u@h/db").unwrap();
    assert_eq!(u.schema, rightsdoc_store::DEFAULT_SCHEMA);
    for bad in [
        "mysql://u@h/db",
        "postgres://u@h/db?schema=Bad",
        "postgres://u@h/db?schema=a;drop",
        "postgres://u@h/db?schema=pg_x",
    ] {
        assert!(PostgresUrl::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        rightsdoc_store::hide_password("postgres://me:secret@h/db"),
        "postgres://me:***@h/db"
    );
    let err = PostgresStore::open("postgres://postgres@127.0.0.1:1/test")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("cannot connect") && err.contains("is PostgreSQL running"),
        "{err}"
    );
}
