//! What a searcher gets: names across scripts and spellings, typo tolerance, stemmed text,
//! kind and facet filters, facet counts.

mod common;
use common::*;
use rightsdoc_model::Classification::{Confidential, Public};
use rightsdoc_model::Kind;
use rightsdoc_search::{Facet, SearchQuery};

#[test]
fn latin_spellings_find_a_name_written_only_in_persian() {
    let f = Fixture::new();
    let index = f.index();
    for q in [
        "Mohammed Rezaei",
        "Muhammad Rezaie",
        "Mohammad Rezaei",
        "محمد رضایی",
        "رضايي", // Arabic yeh
    ] {
        let r = search(&index, q, Public);
        assert_eq!(ids(&r).first(), Some(&"psn_rezaei"), "{q}: {r:?}");
    }
    for q in ["Hosseini", "Ali Hosseini", "Hoseini", "حسینی"] {
        let r = search(&index, q, Public);
        assert_eq!(ids(&r).first(), Some(&"psn_hosseini"), "{q}: {r:?}");
    }
    // And the other way: Persian script finds a Latin-only name.
    let r = search(&index, "زهرا کریمی", Public);
    assert_eq!(ids(&r).first(), Some(&"psn_karimi"), "{r:?}");
}

#[test]
fn name_typos_are_tolerated_and_rank_below_exact_matches() {
    let f = Fixture::new();
    let index = f.index();
    for q in [
        "Rezaie",
        "Mohamad",
        "Rezaej",
        "Rezaeii",
        "Karimu Zahra",
        "Sotoudah",
    ] {
        let r = search(&index, q, Public);
        assert!(!r.hits.is_empty(), "{q} found nothing");
    }
    assert!(ids(&search(&index, "Rezaej", Public)).contains(&"psn_rezaei"));
    assert!(ids(&search(&index, "Sotoudah", Public)).contains(&"psn_public"));
    // Karimi and Karami are different names one letter apart: the exact one comes first.
    let r = search(&index, "Karimi", Public);
    assert_eq!(ids(&r)[..2], ["psn_karimi", "psn_karami"], "{r:?}");
    assert!(r.hits[0].score > r.hits[1].score);
    let r = search(&index, "Karami", Public);
    assert_eq!(ids(&r)[..2], ["psn_karami", "psn_karimi"], "{r:?}");
    // Short words get no typo tolerance: `Ali` must not find `Alu…` or `Eli…`.
    assert!(search(&index, "Alu", Public).hits.is_empty());
}

#[test]
fn english_text_is_stemmed() {
    let f = Fixture::new();
    let index = f.index();
    for q in ["execution", "executions", "executed", "Executing"] {
        let r = search(&index, q, Public);
        assert!(ids(&r).contains(&"evt_1988"), "{q}: {r:?}");
    }
    // Vocabulary labels are text too, in English and Persian.
    let r = search(&index, "executions", Public);
    assert!(ids(&r).contains(&"act_rezaei"), "{r:?}");
    assert!(ids(&search(&index, "اعدام", Public)).contains(&"act_rezaei"));
    let r = search(&index, "juvenile offence", Public);
    assert_eq!(ids(&r), ["rec_1"]);
    // Punctuation alone finds nothing (an empty query would find everything).
    assert_eq!(search(&index, " ?! ", Public).total, 0);
    // An id typed as the query finds its record.
    assert_eq!(
        ids(&search(&index, "act_karimi", Public)).first(),
        Some(&"act_karimi")
    );
}

#[test]
fn kind_and_facet_filters_restrict_results() {
    let f = Fixture::new();
    let index = f.index();
    let all = search(&index, "Evin", Public);
    assert!(ids(&all).contains(&"plc_evin") && ids(&all).contains(&"evt_1988"));
    let q = SearchQuery {
        kind: Some(Kind::Place),
        ..SearchQuery::new("Evin")
    };
    let places = index.search(&q, Public).unwrap();
    assert_eq!(ids(&places), ["plc_evin"]);
    assert_eq!(places.hits[0].kind, Kind::Place);
    assert_eq!(places.hits[0].label, "Evin Prison");

    let q = SearchQuery {
        filters: vec![(Facet::ActType, "execution".into())],
        ..SearchQuery::default()
    };
    let mut found = ids(&index.search(&q, Public).unwrap())
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    found.sort();
    assert_eq!(found, ["act_rezaei", "evt_1988"]);

    // Values of one facet are alternatives; different facets must all hold.
    let q = SearchQuery {
        filters: vec![
            (Facet::Year, "1988-1990".into()),
            (Facet::Year, "1989".into()),
            (Facet::Kind, "act".into()),
        ],
        ..SearchQuery::default()
    };
    let r = index.search(&q, Public).unwrap();
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, ["act_hosseini", "act_karimi"]);
    assert_eq!(r.total, 2);
}

#[test]
fn facets_count_every_match_once() {
    let f = Fixture::new();
    let index = f.index();
    let q = SearchQuery {
        limit: 3,
        ..SearchQuery::default()
    };
    let r = index.search(&q, Public).unwrap();
    assert_eq!(r.hits.len(), 3);
    // 16 records, of which psn_secret and lst_quxconflist are confidential.
    assert_eq!(r.total, 15);
    let facet = |name: &str| r.facets.get(name).cloned().unwrap_or_default();
    let count = |name: &str, value: &str| {
        facet(name)
            .iter()
            .find(|(v, _)| v == value)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count("kind", "person"), 5);
    assert_eq!(count("kind", "act"), 3);
    assert_eq!(count("act_type", "execution"), 2); // the act and the event
    assert_eq!(count("act_type", "torture"), 1);
    // Years in order; a date that may fall in several years has its own bucket.
    assert_eq!(
        facet("year"),
        [
            ("1988".to_string(), 3), // psn_rezaei (death), the event, act_rezaei
            ("1988-1990".to_string(), 2),
            ("1989".to_string(), 2)
        ]
    );
    assert_eq!(count("list", "lst_book"), 2); // psn_secret is not counted at public
    assert_eq!(count("list", "lst_ngo"), 3);
    assert_eq!(count("place", "plc_evin"), 3);
    assert_eq!(count("theme", "death_penalty"), 1);
    assert_eq!(count("response", "noted"), 1);
    let total_years: u64 = facet("year").iter().map(|(_, n)| n).sum();
    assert_eq!(total_years, 7, "no record is counted in two year buckets");

    // Facets cover the matches of the text only.
    let r = search(&index, "Karimi", Public);
    assert_eq!(r.facets["kind"], [("person".to_string(), 2)]);

    let r = index.search(&q, Confidential).unwrap();
    assert_eq!(r.total, 17);
    assert!(
        r.facets["list"]
            .iter()
            .any(|(v, n)| v == "lst_book" && *n == 3)
    );
}

#[test]
fn to_json_has_the_documented_shape() {
    let f = Fixture::new();
    let index = f.index();
    let v = search(&index, "Karimi", Public).to_json();
    assert_eq!(v["total"], 2);
    assert_eq!(v["hits"][0]["id"], "psn_karimi");
    assert_eq!(v["hits"][0]["kind"], "person");
    assert_eq!(v["hits"][0]["label"], "Zahra Karimi");
    assert_eq!(v["facets"]["kind"][0][0], "person");
}
