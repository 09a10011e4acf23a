//! What one visible version of a record contributes to the index: names, free text, facet
//! values and its label. Works only on a version a level may see: the output of
//! `Record::visible_to`, or the record's own body where `Record::visible_whole_to` says the
//! level sees all of it; so nothing above the clearance can reach the index fields of that
//! clearance.

use crate::query::Facet;
use rightsdoc_model::dates::Edtf;
use rightsdoc_model::names::{Script, script, transliterate};
use rightsdoc_model::vocab::vocabularies;
use rightsdoc_model::{Field, Kind, Record, Ty, plain_str};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Content {
    pub names: Vec<String>,
    /// Latin transliterations of the names in Persian script.
    pub latin: Vec<String>,
    pub text: Vec<String>,
    /// `facet:value` strings, each once: a record is never counted twice in one bucket.
    pub facets: BTreeSet<String>,
    pub label: String,
}

/// The content of `visible`, the body `record.visible_to(level)` returned (or the record's
/// own body, where that level sees all of it).
pub fn content(record: &Record, visible: &Map<String, Value>) -> Content {
    let mut c = Content::default();
    walk(record.kind.schema().fields, visible, &mut c);
    if let Some(notes) = visible.get("notes") {
        c.text
            .extend(items(notes).filter_map(plain_str).map(str::to_string));
    }
    facets(record.kind, visible, &mut c.facets);
    // The label of the visible version, by the model's own rule.
    c.label = Record::label_of(record.kind, record.classification, &record.id, visible);
    c
}

/// The values of a field: the items of a list (many, conflicting), or the value itself.
fn items(v: &Value) -> impl Iterator<Item = &Value> {
    let (many, one) = match v {
        Value::Array(a) => (a.as_slice(), None),
        other => (&[][..], Some(other)),
    };
    many.iter().chain(one)
}

fn walk(fields: &[Field], obj: &Map<String, Value>, c: &mut Content) {
    for field in fields {
        let Some(v) = obj.get(field.name) else {
            continue;
        };
        for item in items(v) {
            if let Some(note) = item.get("note").and_then(Value::as_str) {
                c.text.push(note.to_string());
            }
            match field.ty {
                Ty::Names => {
                    if let Some(name) = item.get("value").and_then(Value::as_str) {
                        c.names.push(name.to_string());
                        // A Latin reading of a Persian name, so that typo tolerance (which
                        // works within a script) helps readers who type Latin.
                        if matches!(script(name), Script::Persian | Script::Mixed) {
                            let latin = transliterate(name);
                            if latin != name {
                                c.latin.push(latin);
                            }
                        }
                    }
                }
                // A list's spelling of a person's name is a name, not prose.
                Ty::Text if field.name == "name_as_listed" => {
                    c.names.extend(plain_str(item).map(str::to_string));
                }
                Ty::Text | Ty::LongText => c.text.extend(plain_str(item).map(str::to_string)),
                // Vocabulary terms are found by their English and Persian labels.
                Ty::Vocab(vocab) => {
                    if let Some(t) = plain_str(item).and_then(|id| vocabularies().term(vocab, id)) {
                        c.text.push(t.en.clone());
                        c.text.push(t.fa.clone());
                    }
                }
                Ty::Object(sub) => {
                    if let Value::Object(o) = item {
                        walk(sub, o, c);
                    }
                }
                _ => {}
            }
        }
    }
}

fn strs<'a>(body: &'a Map<String, Value>, field: &str) -> impl Iterator<Item = &'a str> {
    body.get(field)
        .into_iter()
        .flat_map(items)
        .filter_map(plain_str)
}

/// The year bucket of a date field: its first value's year, or `1988-1990` when the date may
/// lie in several years (counted once, in its own bucket, never guessed).
fn year(body: &Map<String, Value>, field: &str) -> Option<String> {
    let first = items(body.get(field)?).next()?;
    let date = match first {
        Value::Object(o) if o.contains_key("value") => &o["value"],
        other => other,
    };
    let text = match date {
        Value::String(s) => s.as_str(),
        // A converted date: `{"edtf": …, "original": …, "calendar": …}`.
        Value::Object(o) => o.get("edtf")?.as_str()?,
        _ => return None,
    };
    let (first, last) = Edtf::parse(text).ok()?.year_span()?;
    Some(if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    })
}

fn facets(kind: Kind, b: &Map<String, Value>, out: &mut BTreeSet<String>) {
    let mut add = |facet: Facet, value: &str| {
        out.insert(format!("{}:{value}", facet.as_str()));
    };
    add(Facet::Kind, kind.as_str());
    let (acts, date, places): (&str, &[&str], &str) = match kind {
        Kind::Act => ("act_type", &["date"], "place"),
        Kind::Event => ("act_types", &["period"], "places"),
        Kind::Person => ("", &["death", "birth"], "birth_place"),
        Kind::Detention => ("", &["period"], "place"),
        Kind::Figure => ("", &["period"], ""),
        Kind::Review => ("", &["date"], ""),
        _ => ("", &[], ""),
    };
    for a in strs(b, acts) {
        add(Facet::ActType, a);
    }
    // The first date field present decides (a person's death, else birth).
    if let Some(y) = date
        .iter()
        .find(|f| b.contains_key(**f))
        .and_then(|f| year(b, f))
    {
        add(Facet::Year, &y);
    }
    for p in strs(b, places) {
        add(Facet::Place, p);
    }
    for entry in b.get("lists").into_iter().flat_map(items) {
        if let Some(list) = entry.get("list").and_then(plain_str) {
            add(Facet::List, list);
        }
    }
    if kind == Kind::Recommendation {
        for t in strs(b, "themes") {
            add(Facet::Theme, t);
        }
        for r in strs(b, "response") {
            add(Facet::Response, r);
        }
    }
}
