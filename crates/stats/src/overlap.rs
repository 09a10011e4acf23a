//! The overlap of victim lists, for multiple systems estimation: which lists each person is
//! on, counting a person once however many records the lists gave them. Records that a
//! reviewer decided are the same person (a `match` record with decision `same`) are one
//! person here; proposed, deferred and rejected matches change nothing.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::snapshot::{Person, Snapshot, strings};
use crate::{Filter, StatsError};

/// One capture pattern per person: bit `j` set means "on list `j`".
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    /// The lists, as ids, in the order asked for.
    pub lists: Vec<String>,
    /// Their titles.
    pub titles: Vec<String>,
    /// One pattern per person on at least one of the lists.
    pub patterns: Vec<u32>,
    /// Person records on at least one of the lists (before merging).
    pub records: usize,
    /// Records folded into another by a decided match.
    pub merged: usize,
    /// Person records left out by the conditions.
    pub filtered_out: usize,
}

/// Builds the overlap of `lists` (ids or titles) over the people in the snapshot that meet
/// every condition (`sex=…`, `act_type=…`: the person is the victim of such an act).
pub fn list_overlap(
    snap: &Snapshot,
    lists: &[String],
    conditions: &[Filter],
) -> Result<Overlap, StatsError> {
    if lists.len() < 2 {
        return Err(StatsError::Invalid(
            "name at least two lists to estimate from, e.g. --lists lst_a,lst_b,lst_c".into(),
        ));
    }
    let mut ids = Vec::new();
    for wanted in lists {
        let id = resolve_list(snap, wanted)?;
        if ids.contains(&id) {
            return Err(StatsError::Invalid(format!(
                "list `{wanted}` is named twice"
            )));
        }
        ids.push(id);
    }
    for c in conditions {
        if !matches!(c.key.as_str(), "sex" | "act_type") {
            return Err(StatsError::Invalid(format!(
                "`--where {}=…` is not a condition on people; use sex=… or act_type=…",
                c.key
            )));
        }
    }
    let acts_of = victims_acts(snap);
    // Union–find over person records joined by decided matches.
    let mut parent: HashMap<&str, &str> = HashMap::new();
    fn find<'a>(parent: &mut HashMap<&'a str, &'a str>, x: &'a str) -> &'a str {
        let mut root = x;
        while let Some(&p) = parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        let mut cur = x;
        while cur != root {
            let next = parent.insert(cur, root).unwrap_or(root);
            cur = next;
        }
        root
    }
    let mut merged = 0;
    for m in snap.of_kind("match") {
        if strings(m.get("decision")).first().map(String::as_str) != Some("same") {
            continue;
        }
        let pair = strings(m.get("records"));
        let [a, b] = pair.as_slice() else { continue };
        let (Some((a, _)), Some((b, _))) = (snap.person_entry(a), snap.person_entry(b)) else {
            // A record the reader may not see cannot be merged into one they may.
            continue;
        };
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut patterns: BTreeMap<&str, u32> = BTreeMap::new();
    let mut records = 0;
    let mut filtered_out = 0;
    for (id, person) in snap.people() {
        let mut pattern = 0u32;
        for list in &person.lists {
            if let Some(j) = ids.iter().position(|x| **x == **list) {
                pattern |= 1 << j;
            }
        }
        if pattern == 0 {
            continue;
        }
        if !conditions.iter().all(|c| meets(id, person, c, &acts_of)) {
            filtered_out += 1;
            continue;
        }
        records += 1;
        let root = find(&mut parent, id);
        let entry = patterns.entry(root).or_default();
        if *entry != 0 {
            merged += 1;
        }
        *entry |= pattern;
    }
    Ok(Overlap {
        titles: ids.iter().map(|id| snap.label(id)).collect(),
        lists: ids,
        patterns: patterns.into_values().collect(),
        records,
        merged,
        filtered_out,
    })
}

fn id_of(record: &Value) -> Option<&str> {
    record.get("id").and_then(Value::as_str)
}

fn resolve_list(snap: &Snapshot, wanted: &str) -> Result<String, StatsError> {
    if let Some(list) = snap.get(wanted)
        && list.get("kind").and_then(Value::as_str) == Some("list")
    {
        return Ok(wanted.to_string());
    }
    let by_title: Vec<&Value> = snap
        .of_kind("list")
        .filter(|l| {
            strings(l.get("title"))
                .iter()
                .any(|t| t.eq_ignore_ascii_case(wanted))
        })
        .collect();
    match by_title.as_slice() {
        [one] => Ok(id_of(one).unwrap_or_default().to_string()),
        [] => Err(StatsError::NotFound(wanted.to_string())),
        _ => Err(StatsError::Invalid(format!(
            "several lists are titled `{wanted}`; name it by id (lst_…)"
        ))),
    }
}

/// For each person id, the act types of the acts they are the victim of.
fn victims_acts(snap: &Snapshot) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for act in snap.of_kind("act") {
        let types = strings(act.get("act_type"));
        for victim in strings(act.get("victim")) {
            out.entry(victim).or_default().extend(types.iter().cloned());
        }
    }
    out
}

fn meets(id: &str, person: &Person, c: &Filter, acts: &HashMap<String, Vec<String>>) -> bool {
    match c.key.as_str() {
        "sex" => person.sex.iter().any(|s| **s == *c.value),
        "act_type" => acts.get(id).is_some_and(|types| types.contains(&c.value)),
        _ => false,
    }
}
