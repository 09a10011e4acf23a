//! Linkage inside an archive: person records (as the archive shows them to the reader) become
//! linkage input, and the pairs the model joins become candidates for a review queue, unless
//! a person already decided about that pair.

use std::collections::HashSet;

use rightsdoc_model::field_text as text;
use serde_json::Value;

use crate::{InputRecord, Labels, Options, link};

/// A person record as linkage input: the first name it lists as the full name, birth date,
/// home town, father's name and the first list it appears on.
pub fn input_from_person(record: &Value) -> InputRecord {
    let list = record
        .get("lists")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .map(|entry| text(entry.get("list")))
        .unwrap_or_default();
    InputRecord {
        id: text(record.get("id")),
        list,
        full_name: text(record.get("names")),
        father_name: text(record.get("father_name")),
        birth_date: text(record.get("birth")),
        place: text(record.get("place")),
        ..Default::default()
    }
}

/// The two record ids of a pair, in order.
pub fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// A proposed match between two person records.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub a: String,
    pub b: String,
    pub probability: f64,
    /// Field by field, what speaks for and against: `first_name: same spelling (+4.4); …`.
    pub evidence: String,
}

/// What [`propose`] did.
pub struct Proposal {
    pub candidates: Vec<Candidate>,
    pub people: usize,
    pub pairs_compared: u64,
    /// Pairs the model joined that a decision already covers.
    pub already_decided: usize,
}

/// Links `people` and proposes every pair the model joins (probability at least the
/// threshold, and in the same cluster) that `decided` does not already hold. `labels` are
/// the decisions taken (same person or not), which bind the clustering.
pub fn propose(
    people: &[Value],
    decided: &HashSet<(String, String)>,
    labels: &[((String, String), bool)],
    options: &Options,
) -> Proposal {
    let records: Vec<InputRecord> = people.iter().map(input_from_person).collect();
    let index: std::collections::HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as u32))
        .collect();
    let mut bound = Labels::new();
    for ((a, b), same) in labels {
        if let (Some(&x), Some(&y)) = (index.get(a.as_str()), index.get(b.as_str())) {
            bound.insert((x.min(y), x.max(y)), *same);
        }
    }
    let linked = link(&records, &bound, options);
    let mut candidates = Vec::new();
    let mut already_decided = 0;
    for pair in &linked.pairs {
        let (x, y) = (pair.a as usize, pair.b as usize);
        if (pair.probability as f64) < options.threshold
            || linked.clusters.of[x] != linked.clusters.of[y]
        {
            continue;
        }
        let (a, b) = pair_key(&records[x].id, &records[y].id);
        if decided.contains(&(a.clone(), b.clone())) {
            already_decided += 1;
            continue;
        }
        let (_, evidence) = linked.explain(pair.a, pair.b);
        let evidence = evidence
            .iter()
            .filter_map(|e| {
                e.level
                    .map(|l| format!("{}: {l} ({:+.1})", e.field, e.weight))
            })
            .collect::<Vec<_>>()
            .join("; ");
        candidates.push(Candidate {
            a,
            b,
            probability: pair.probability as f64,
            evidence,
        });
    }
    Proposal {
        candidates,
        people: records.len(),
        pairs_compared: linked.pairs_compared,
        already_decided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn person_records_become_linkage_input() {
        let person = json!({
            "kind": "person", "id": "psn_1",
            "names": [{"value": "محمد رضایی", "lang": "fa"}, {"value": "Mohammad Rezaei"}],
            "birth": [{"value": {"edtf": "1962/1963", "original": "1341 SH"}, "citations": []}, "1960"],
            "father_name": {"value": "Ali", "citations": []},
            "place": "Tehran",
            "lists": [{"list": "lst_book", "entry": "12"}],
        });
        let input = input_from_person(&person);
        assert_eq!(input.id, "psn_1");
        assert_eq!(input.full_name, "محمد رضایی");
        assert_eq!(input.birth_date, "1962/1963");
        assert_eq!(input.father_name, "Ali");
        assert_eq!(input.place, "Tehran");
        assert_eq!(input.list, "lst_book");
    }
}
