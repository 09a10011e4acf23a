//! The index is a projection of the log: edits and deletes reach it through `catch_up`, a
//! crash leaves it behind but never wrong, and a rebuild equals incremental indexing.

mod common;
use common::*;
use rightsdoc_archive::Archive;
use rightsdoc_model::Classification::{self, Confidential, Public};
use rightsdoc_search::{SearchError, SearchIndex, SearchQuery, SearchResults};
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn edits_and_deletes_are_reflected_after_catch_up() {
    let mut f = Fixture::new();
    let mut index = f.index();
    assert_eq!(index.log_size(), f.archive.store().log_size().unwrap());

    f.archive
        .edit("psn_karimi", &json!({"names": ["Zahra Ahmadi"]}))
        .unwrap();
    // Not yet applied: the index shows the old name until it catches up.
    assert_eq!(ids(&search(&index, "Karimi", Public))[0], "psn_karimi");
    assert_eq!(index.catch_up(f.archive.store()).unwrap(), 1);
    assert!(!ids(&search(&index, "Karimi", Public)).contains(&"psn_karimi"));
    let r = search(&index, "Ahmadi", Public);
    assert_eq!(ids(&r), ["psn_karimi"]);
    assert_eq!(r.hits[0].label, "Zahra Ahmadi");
    assert_eq!(index.num_records(), 17);

    f.archive.delete("act_karimi", "duplicate").unwrap();
    f.archive.delete("psn_karimi", "duplicate").unwrap();
    assert_eq!(index.catch_up(f.archive.store()).unwrap(), 2);
    assert!(search(&index, "Ahmadi", Public).hits.is_empty());
    assert!(search(&index, "act_karimi", Confidential).hits.is_empty());
    assert_eq!(index.num_records(), 15);
    assert_eq!(index.catch_up(f.archive.store()).unwrap(), 0);

    // Classifying a public name confidential removes it from public search at once.
    f.archive
        .edit(
            "psn_karami",
            &json!({"names": ["M. K.", {"value": "Maryam Karami", "classification": "confidential"}]}),
        )
        .unwrap();
    index.catch_up(f.archive.store()).unwrap();
    assert!(search(&index, "Karami", Public).hits.is_empty());
    assert_eq!(ids(&search(&index, "Karami", Confidential)), ["psn_karami"]);
}

#[test]
fn reopening_after_a_crash_applies_exactly_the_missing_operations() {
    let mut f = Fixture::new();
    let before = {
        let index = f.index();
        index.log_size()
    }; // the process "dies" here: the index is closed and falls behind.
    let added = f
        .archive
        .add_many(
            (0..5)
                .map(|i| json!({"kind": "person", "names": [format!("Late Person{i}")]}))
                .collect(),
            "",
        )
        .unwrap();
    f.archive
        .edit(&added[0].id, &json!({"names": ["Renamed Latecomer"]}))
        .unwrap();
    f.archive.delete(&added[1].id, "mistake").unwrap();
    let log = f.archive.store().log_size().unwrap();
    assert_eq!(log, before + 7);

    let mut index = SearchIndex::open(&f.index_dir()).unwrap();
    assert_eq!(index.log_size(), before, "the index knows where it stopped");
    assert_eq!(index.catch_up(f.archive.store()).unwrap(), 7);
    assert_eq!(index.log_size(), log);
    assert_eq!(
        ids(&search(&index, "Latecomer", Public)),
        [added[0].id.as_str()]
    );
    // (Other `PersonN` are one typo away, so they are found too, after the exact match.)
    assert!(!ids(&search(&index, "Person1", Public)).contains(&added[1].id.as_str()));
    assert_eq!(
        ids(&search(&index, "Person4", Public))[0],
        added[4].id.as_str()
    );
    assert_eq!(index.num_records(), 17 + 4);
}

/// What one query shows: the query, the total, the hits (id, label) and the facets.
type Observed = (String, usize, BTreeSet<(String, String)>, String);

/// Everything a reader at `c` can observe for a set of queries (scores aside: deleted
/// documents linger in term statistics until segments merge).
fn observe(index: &SearchIndex, c: Classification) -> Vec<Observed> {
    [
        "",
        "Rezaei",
        "Karimi",
        "execution",
        "Evin",
        "Quxconfalias",
        "Renamed",
    ]
    .iter()
    .map(|q| {
        let r: SearchResults = index
            .search(
                &SearchQuery {
                    limit: 100,
                    ..SearchQuery::new(*q)
                },
                c,
            )
            .unwrap();
        let hits = r
            .hits
            .iter()
            .map(|h| (h.id.clone(), h.label.clone()))
            .collect();
        (q.to_string(), r.total, hits, format!("{:?}", r.facets))
    })
    .collect()
}

#[test]
fn rebuild_gives_the_same_results_as_incremental_indexing() {
    let mut f = Fixture::new();
    let mut incremental = f.index();
    // Searched between the steps too, so that what a search keeps of a segment (its facet
    // combinations) must not outlive the segment.
    let search_all = |index: &SearchIndex| {
        for c in Classification::ALL {
            observe(index, c);
        }
    };
    search_all(&incremental);
    // A history with edits and deletes, caught up step by step.
    f.archive
        .edit(
            "psn_rezaei",
            &json!({"names": [{"value": "محمد رضایی"}, "Renamed Rezaei"]}),
        )
        .unwrap();
    incremental.catch_up(f.archive.store()).unwrap();
    search_all(&incremental);
    f.archive.delete("act_karimi", "test").unwrap();
    f.archive
        .edit("psn_public", &json!({"religion": null}))
        .unwrap();
    incremental.catch_up(f.archive.store()).unwrap();
    search_all(&incremental);
    f.archive
        .add(json!({"kind": "person", "id": "psn_new", "names": ["Renamed Newcomer"], "death": "1988"}))
        .unwrap();
    incremental.catch_up(f.archive.store()).unwrap();

    let mut rebuilt = SearchIndex::open(&f.tmp.path().join("other-index")).unwrap();
    let log = f.archive.store().log_size().unwrap();
    assert_eq!(rebuilt.rebuild(f.archive.store()).unwrap(), log);
    for c in Classification::ALL {
        assert_eq!(observe(&incremental, c), observe(&rebuilt, c), "{c}");
    }

    // Rebuilding in place changes nothing either.
    let before: Vec<_> = Classification::ALL
        .iter()
        .map(|c| observe(&incremental, *c))
        .collect();
    assert_eq!(incremental.rebuild(f.archive.store()).unwrap(), log);
    let after: Vec<_> = Classification::ALL
        .iter()
        .map(|c| observe(&incremental, *c))
        .collect();
    assert_eq!(before, after);
    assert_eq!(incremental.num_records(), 17);
}

#[test]
fn an_index_that_does_not_match_the_log_asks_for_a_rebuild() {
    let f = Fixture::new();
    let dir = f.index_dir();
    drop(f.index());

    // Another, shorter log: the index is ahead of it.
    let tmp = tempfile::tempdir().unwrap();
    let mut other = Archive::init(&tmp.path().join("a"), "t").unwrap();
    let mut index = SearchIndex::open(&dir).unwrap();
    let err = index.catch_up(other.store()).unwrap_err();
    assert!(matches!(err, SearchError::AheadOfLog { .. }), "{err}");
    assert!(
        err.to_string().contains("rightsdoc search --rebuild"),
        "{err}"
    );

    // Another log of at least the same length: same size, different history.
    for i in 0..40 {
        other
            .add(json!({"kind": "person", "names": [format!("Other {i}")]}))
            .unwrap();
    }
    let err = index.catch_up(other.store()).unwrap_err();
    assert!(matches!(err, SearchError::Diverged { .. }), "{err}");
    assert!(
        err.to_string().contains("rightsdoc search --rebuild"),
        "{err}"
    );
    index.rebuild(other.store()).unwrap();
    assert_eq!(index.num_records(), 40);
    assert_eq!(index.catch_up(other.store()).unwrap(), 0);
}

#[test]
fn a_damaged_index_says_how_to_repair_it() {
    let f = Fixture::new();
    let dir = f.index_dir();
    drop(f.index());
    std::fs::write(dir.join("meta.json"), "{not json").unwrap();
    let err = SearchIndex::open(&dir)
        .err()
        .expect("a damaged index is refused");
    assert!(matches!(err, SearchError::Damaged { .. }), "{err}");
    assert!(
        err.to_string().contains("rightsdoc search --rebuild"),
        "{err}"
    );

    // What `--rebuild` does when the index cannot even be opened.
    let mut index = SearchIndex::reset(&dir).unwrap();
    assert_eq!(index.log_size(), 0);
    index.catch_up(f.archive.store()).unwrap();
    assert_eq!(ids(&search(&index, "Karimi", Public))[0], "psn_karimi");
}

#[test]
fn two_handles_share_one_index_without_applying_anything_twice() {
    let mut f = Fixture::new();
    let mut a = f.index();
    let mut b = SearchIndex::open(&f.index_dir()).unwrap();
    assert_eq!(b.catch_up(f.archive.store()).unwrap(), 0);
    f.archive
        .add(json!({"kind": "person", "id": "psn_shared", "names": ["Shared Newcomer"]}))
        .unwrap();
    assert_eq!(b.catch_up(f.archive.store()).unwrap(), 1);
    // `a` did not write it, but sees it after its own (empty) catch-up.
    assert!(search(&a, "Newcomer", Public).hits.is_empty());
    assert_eq!(a.catch_up(f.archive.store()).unwrap(), 0);
    assert_eq!(ids(&search(&a, "Newcomer", Public)), ["psn_shared"]);
    assert_eq!(a.num_records(), 18);
    assert_eq!(a.log_size(), b.log_size());
}

#[test]
fn an_index_of_another_format_is_discarded_and_rebuilt_by_catch_up() {
    let f = Fixture::new();
    let dir = f.index_dir();
    drop(f.index());
    let meta = dir.join("meta.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    let mut payload: serde_json::Value =
        serde_json::from_str(v["payload"].as_str().unwrap()).unwrap();
    payload["format"] = 0.into();
    v["payload"] = payload.to_string().into();
    std::fs::write(&meta, v.to_string()).unwrap();

    let mut index = SearchIndex::open(&dir).unwrap();
    assert_eq!((index.log_size(), index.num_records()), (0, 0));
    let log = f.archive.store().log_size().unwrap();
    assert_eq!(index.catch_up(f.archive.store()).unwrap(), log);
    assert_eq!(ids(&search(&index, "Karimi", Public))[0], "psn_karimi");
}

/// The common records, validated as an importer hands them over.
fn validated() -> Vec<rightsdoc_model::Record> {
    records()
        .into_iter()
        .map(|v| rightsdoc_model::validate(v).unwrap())
        .collect()
}

fn written(w: &[rightsdoc_archive::Written]) -> Vec<(u64, &rightsdoc_model::Record)> {
    w.iter().map(|w| (w.seq, &w.record)).collect()
}

#[test]
fn indexing_an_import_from_memory_equals_a_rebuild_from_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(&tmp.path().join("archive"), "tester").unwrap();
    let dir = archive.dir().join("search");
    let mut bulk = SearchIndex::open(&dir)
        .unwrap()
        .into_bulk(archive.store())
        .unwrap();
    assert!(archive.begin_bulk().unwrap());
    let mut records = validated();
    let second = records.split_off(records.len() / 2);
    for chunk in [records, second] {
        let w = archive.add_imported(chunk, "").unwrap();
        bulk.add(&written(&w), archive.store()).unwrap();
    }
    archive.end_bulk(true).unwrap();
    let index = bulk.commit(archive.store()).unwrap();
    assert_eq!(index.log_size(), archive.store().log_size().unwrap());

    let mut rebuilt = SearchIndex::open(&tmp.path().join("rebuilt")).unwrap();
    rebuilt.rebuild(archive.store()).unwrap();
    for c in Classification::ALL {
        assert_eq!(observe(&index, c), observe(&rebuilt, c), "{c}");
    }
    // The canaries reach only the clearances that may see them, as after a catch-up.
    let hits = |c| {
        index
            .search(&SearchQuery::new(CANARY_CONFIDENTIAL_ALIAS), c)
            .unwrap()
            .total
    };
    assert_eq!((hits(Public), hits(Confidential)), (0, 1));
}

#[test]
fn another_writers_operations_between_chunks_are_read_from_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(&tmp.path().join("archive"), "tester").unwrap();
    // No bulk transaction: each chunk commits, and someone else writes in between. The
    // first chunk is committed before the index starts (it catches up from the log, then
    // passes over those records when they are handed to it).
    let mut records = validated();
    let second = records.split_off(records.len() / 2);
    let w = archive.add_imported(records, "").unwrap();
    let mut bulk = SearchIndex::open(&archive.dir().join("search"))
        .unwrap()
        .into_bulk(archive.store())
        .unwrap();
    bulk.add(&written(&w), archive.store()).unwrap();
    archive
        .add(json!({"kind": "person", "id": "psn_between", "names": ["Renamed Between"]}))
        .unwrap();
    let w = archive.add_imported(second, "").unwrap();
    bulk.add(&written(&w), archive.store()).unwrap();
    // And after the last chunk.
    archive
        .add(json!({"kind": "person", "id": "psn_after", "names": ["Renamed After"]}))
        .unwrap();
    let index = bulk.commit(archive.store()).unwrap();
    let mut rebuilt = SearchIndex::open(&tmp.path().join("rebuilt")).unwrap();
    rebuilt.rebuild(archive.store()).unwrap();
    for c in Classification::ALL {
        assert_eq!(observe(&index, c), observe(&rebuilt, c), "{c}");
    }
    let renamed = index
        .search(&SearchQuery::new("Renamed"), Public)
        .unwrap()
        .total;
    assert_eq!(renamed, 2);
}

#[test]
fn a_discarded_import_leaves_the_index_as_it_was() {
    let f = Fixture::new();
    let mut archive = Archive::open(f.archive.dir(), "tester").unwrap();
    let before = observe(&f.index(), Public);
    let mut bulk = f.index().into_bulk(archive.store()).unwrap();
    assert!(archive.begin_bulk().unwrap());
    let w = archive
        .add_imported(
            vec![
                rightsdoc_model::validate(
                    json!({"kind": "person", "id": "psn_discarded", "names": ["Renamed Discarded"]}),
                )
                .unwrap(),
            ],
            "",
        )
        .unwrap();
    bulk.add(&written(&w), archive.store()).unwrap();
    archive.end_bulk(false).unwrap();
    let index = bulk.abandon().unwrap();
    assert_eq!(observe(&index, Public), before);
    assert_eq!(index.log_size(), archive.store().log_size().unwrap());
    // The next catch-up finds nothing to do, and the index still matches the log.
    let mut index = index;
    assert_eq!(index.catch_up(archive.store()).unwrap(), 0);
}
