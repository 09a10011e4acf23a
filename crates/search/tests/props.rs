//! For random small sets of people with names in Latin and Persian script, every person is
//! found by each of their own names (normalized) at confidential clearance.

use proptest::prelude::*;
use rightsdoc_archive::Archive;
use rightsdoc_model::Classification;
use rightsdoc_model::names::normalize;
use rightsdoc_search::{SearchIndex, SearchQuery};
use serde_json::json;

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{1,8}",
        // Persian letters, with the Arabic yeh and kaf sources often type instead.
        "[ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيك]{2,6}",
        // Joined with a zero-width non-joiner, as in حسین‌زاده.
        "[ابتحدرسلمنوهی]{2,4}\u{200c}[ابتحدرسلمنوهی]{2,4}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..4).prop_map(|w| w.join(" "))
}

fn people() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(name(), 1..4), 1..7)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20))]

    #[test]
    fn everyone_is_found_by_their_own_names(people in people()) {
        let tmp = tempfile::tempdir().unwrap();
        let mut archive = Archive::init(&tmp.path().join("a"), "t").unwrap();
        let records = archive
            .add_many(
                people
                    .iter()
                    .enumerate()
                    .map(|(i, names)| {
                        // Some names and records are confidential: this clearance sees them all.
                        let names: Vec<_> = names
                            .iter()
                            .enumerate()
                            .map(|(j, n)| {
                                let c = if (i + j) % 3 == 2 { "confidential" } else { "public" };
                                json!({"value": n, "classification": c})
                            })
                            .collect();
                        let c = if i % 4 == 3 { "confidential" } else { "public" };
                        json!({"kind": "person", "names": names, "classification": c})
                    })
                    .collect(),
                "",
            )
            .unwrap();
        let mut index = SearchIndex::open(&tmp.path().join("search")).unwrap();
        index.catch_up(archive.store()).unwrap();
        for (record, names) in records.iter().zip(&people) {
            for n in names {
                let q = SearchQuery { limit: people.len(), ..SearchQuery::new(normalize(n)) };
                let r = index.search(&q, Classification::Confidential).unwrap();
                prop_assert!(
                    r.hits.iter().any(|h| h.id == record.id),
                    "{} not found by {:?}: {:?}", record.id, n, r
                );
            }
        }
    }
}
