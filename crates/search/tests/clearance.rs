//! Canary strings planted in a confidential record, a confidential name of a public record, a
//! confidential field, a restricted field and a confidential list entry: no search below their
//! level finds them, counts them or shows them in a label or facet value.

mod common;
use common::*;
use rightsdoc_model::Classification::{self, Confidential, Public, Restricted};
use rightsdoc_search::{SearchIndex, SearchQuery, SearchResults};

const CANARIES: [(&str, Classification, &str); 4] = [
    (CANARY_CONFIDENTIAL_RECORD, Confidential, "psn_secret"),
    (CANARY_CONFIDENTIAL_ALIAS, Confidential, "psn_public"),
    (CANARY_CONFIDENTIAL_WITNESS, Confidential, "src_testimony"),
    (CANARY_RESTRICTED_RELIGION, Restricted, "psn_public"),
];

/// Every label and facet value of `r`, lowercased.
fn shown(r: &SearchResults) -> Vec<String> {
    let labels = r.hits.iter().map(|h| h.label.to_lowercase());
    let facets = r
        .facets
        .values()
        .flatten()
        .map(|(value, _)| value.to_lowercase());
    labels.chain(facets).collect()
}

fn everything(index: &SearchIndex, c: Classification) -> SearchResults {
    let q = SearchQuery {
        limit: 1000,
        ..SearchQuery::default()
    };
    index.search(&q, c).unwrap()
}

#[test]
fn canaries_reach_only_the_clearances_that_may_see_them() {
    let f = Fixture::new();
    let index = f.index();
    for (canary, level, owner) in CANARIES {
        for c in Classification::ALL {
            // Exact, lowercased, and with a typo (names only tolerate typos): fuzzy matching
            // must not reach across levels either.
            let mut queries = vec![canary.to_string(), canary.to_lowercase()];
            if [CANARY_CONFIDENTIAL_RECORD, CANARY_CONFIDENTIAL_ALIAS].contains(&canary) {
                queries.push(format!("{}x", &canary[..canary.len() - 1]));
            }
            for q in queries {
                let r = search(&index, &q, c);
                if c.permits(level) {
                    assert_eq!(ids(&r), [owner], "{q} at {c}");
                } else {
                    assert!(r.hits.is_empty() && r.total == 0, "{q} at {c}: {r:?}");
                    assert!(r.facets.is_empty(), "{q} at {c}: {r:?}");
                }
            }
            let all = everything(&index, c);
            for s in shown(&all) {
                assert!(
                    !s.contains(&canary.to_lowercase()),
                    "{canary} shown at {c}: {s}"
                );
            }
        }
    }
}

#[test]
fn a_record_above_the_clearance_is_not_counted_and_its_list_entries_stay_hidden() {
    let f = Fixture::new();
    let index = f.index();
    let public = everything(&index, Public);
    assert!(!ids(&public).contains(&"psn_secret"));
    assert!(!ids(&public).contains(&CANARY_CONFIDENTIAL_LIST));
    assert!(
        !shown(&public).iter().any(|s| s.contains("quxconf")),
        "{:?}",
        shown(&public)
    );
    let restricted = everything(&index, Restricted);
    assert!(!shown(&restricted).iter().any(|s| s.contains("quxconf")));
    // The confidential list membership is a facet value at confidential clearance only.
    let confidential = everything(&index, Confidential);
    assert!(
        confidential.facets["list"]
            .iter()
            .any(|(v, n)| v == CANARY_CONFIDENTIAL_LIST && *n == 1)
    );
    assert!(ids(&confidential).contains(&"psn_secret"));
    // Ids are shared by every level, but typing one finds the record only where it is visible.
    assert!(search(&index, "psn_secret", Public).hits.is_empty());
    assert!(
        search(&index, "lst_quxconflist", Restricted)
            .hits
            .is_empty()
    );
    assert_eq!(
        ids(&search(&index, "psn_secret", Confidential)),
        ["psn_secret"]
    );
    // Filtering by a hidden value finds nothing below its level.
    let q = SearchQuery {
        filters: vec![(
            rightsdoc_search::Facet::List,
            CANARY_CONFIDENTIAL_LIST.into(),
        )],
        ..SearchQuery::default()
    };
    assert_eq!(index.search(&q, Public).unwrap().total, 0);
    assert_eq!(index.search(&q, Confidential).unwrap().total, 1);
}

#[test]
fn labels_come_from_the_visible_version() {
    let f = Fixture::new();
    let index = f.index();
    for c in Classification::ALL {
        let r = search(&index, "Sotoudeh", c);
        assert_eq!(r.hits.len(), 1);
        // The record's first public name, never its confidential alias.
        assert_eq!(r.hits[0].label, "Nasrin Sotoudeh", "{c}");
    }
}

/// `psn_public` is indexed in three tiers (its public, restricted and confidential versions
/// differ); a reader of a higher level reads them all, yet gets the record once, counted once,
/// with the version of their own level, and may combine words from every version they see.
#[test]
fn a_record_seen_differently_at_each_level_is_one_hit_counted_once() {
    let f = Fixture::new();
    let index = f.index();
    for c in Classification::ALL {
        let r = search(&index, "Sotoudeh", c);
        assert_eq!((ids(&r), r.total), (vec!["psn_public"], 1), "{c}");
        assert_eq!(r.facets["kind"], [("person".to_string(), 1)], "{c}");
        // The confidential list entry is counted from the confidential version only.
        let lists: Vec<&str> = r.facets["list"].iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            lists.contains(&CANARY_CONFIDENTIAL_LIST),
            c == Confidential,
            "{c}: {lists:?}"
        );
        assert!(r.facets["list"].iter().all(|(_, n)| *n == 1), "{c}: {r:?}");
    }
    let both = format!("Sotoudeh {CANARY_RESTRICTED_RELIGION}");
    assert!(search(&index, &both, Public).hits.is_empty());
    assert_eq!(ids(&search(&index, &both, Restricted)), ["psn_public"]);
    assert_eq!(ids(&search(&index, &both, Confidential)), ["psn_public"]);
    // Browsing counts every record a level may see once.
    for c in Classification::ALL {
        let all = everything(&index, c);
        let mut shown_ids = ids(&all);
        shown_ids.sort();
        shown_ids.dedup();
        assert_eq!(shown_ids.len(), all.total, "{c}");
        let kinds: u64 = all.facets["kind"].iter().map(|(_, n)| n).sum();
        assert_eq!(kinds as usize, all.total, "{c}");
    }
}
