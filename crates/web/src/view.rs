//! What a page shows of a (visible, already redacted) record: its names, its fields as rows of
//! text and links, its citations. Pure functions of the JSON; the templates only lay them out.

use rightsdoc_model::{Kind, Ty, vocab::vocabularies};
use serde_json::Value;
use std::collections::HashMap;

use crate::i18n::{Lang, field_label};

/// The readable URL section of a kind (`/people/ID`), or `records` for the rest.
pub fn section(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "people",
        Kind::Organization => "organizations",
        Kind::Place => "places",
        Kind::Event => "events",
        Kind::Source => "sources",
        Kind::Recommendation => "recommendations",
        Kind::Evidence => "evidence",
        _ => "records",
    }
}

/// The page of a record id.
pub fn href(id: &str) -> String {
    let kind = Kind::from_id(id).map_or("records", section);
    format!("/{kind}/{id}")
}

/// One piece of a value: text, a link to another record, or a labelled sub-value.
#[derive(Debug, Clone)]
pub struct Part {
    pub label: String,
    pub text: String,
    pub href: String,
}

/// One value of a field (a field may hold several: conflicting sources side by side).
#[derive(Debug, Clone)]
pub struct Item {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub struct FieldRow {
    pub label: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct NameRow {
    pub value: String,
    pub lang: String,
    pub note: String,
}

/// A record laid out for a page.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub names: Vec<NameRow>,
    pub fields: Vec<FieldRow>,
    pub citations: Vec<Item>,
}

/// Every record id a record refers to (to fetch their labels in one go).
pub fn referenced_ids(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_ids(v, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if Kind::from_id(s).is_some() && !s.contains(' ') => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_ids(i, out)),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| *k != "id")
            .for_each(|(_, v)| collect_ids(v, out)),
        _ => {}
    }
}

/// Lay out `v` (visible to the reader) with `labels` of the records it refers to.
pub fn record_view(v: &Value, labels: &HashMap<String, String>, lang: Lang) -> RecordView {
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let kind = v["kind"].as_str().unwrap_or_default().to_string();
    let names: Vec<NameRow> = v["names"]
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| match n {
                    Value::String(s) => Some(NameRow {
                        value: s.clone(),
                        lang: String::new(),
                        note: String::new(),
                    }),
                    Value::Object(o) => Some(NameRow {
                        value: o.get("value")?.as_str()?.to_string(),
                        lang: o
                            .get("lang")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        note: o
                            .get("kind")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .replace('_', " "),
                    }),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let title = crate::reader::label_of(v);
    let skip = ["kind", "id", "classification", "names", "citations"];
    let fields = v
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .map(|(k, val)| FieldRow {
                    label: field_label(k, lang),
                    items: items_of(k, val, labels, lang),
                })
                .filter(|row| !row.items.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let citations = v["citations"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| item_of("citation", c, labels, lang))
                .collect()
        })
        .unwrap_or_default();
    RecordView {
        kind_label: match (lang, Kind::parse(&kind)) {
            (Lang::Fa, Some(k)) => crate::i18n::kind_name(k, lang).to_string(),
            _ => humanize(&kind),
        },
        id,
        kind,
        title,
        names,
        fields,
        citations,
    }
}

fn items_of(field: &str, v: &Value, labels: &HashMap<String, String>, lang: Lang) -> Vec<Item> {
    match v {
        Value::Array(a) => a.iter().map(|x| item_of(field, x, labels, lang)).collect(),
        Value::Null => Vec::new(),
        other => vec![item_of(field, other, labels, lang)],
    }
}

fn item_of(field: &str, v: &Value, labels: &HashMap<String, String>, lang: Lang) -> Item {
    let mut parts = Vec::new();
    match v {
        Value::Object(o) => {
            // The value first, then its qualifiers (source, locator, dates, ...).
            if let Some(main) = o.get("value") {
                parts.push(part("", field, main, labels, lang));
            }
            for (k, x) in o {
                if k == "value" || k == "classification" {
                    continue;
                }
                if let Value::Array(list) = x {
                    for y in list {
                        match y {
                            // A nested object (a citation): its own labelled parts, so the
                            // source it names is a link.
                            Value::Object(inner) => parts.extend(
                                inner.iter().filter(|(k2, _)| *k2 != "classification").map(
                                    |(k2, z)| part(&field_label(k2, lang), k2, z, labels, lang),
                                ),
                            ),
                            other => {
                                parts.push(part(&field_label(k, lang), k, other, labels, lang))
                            }
                        }
                    }
                } else {
                    parts.push(part(&field_label(k, lang), k, x, labels, lang));
                }
            }
        }
        other => parts.push(part("", field, other, labels, lang)),
    }
    Item { parts }
}

fn part(label: &str, field: &str, v: &Value, labels: &HashMap<String, String>, lang: Lang) -> Part {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(_) => flat_text(v),
        other => other.to_string(),
    };
    if let Value::String(s) = v
        && Kind::from_id(s).is_some()
        && !s.contains(' ')
    {
        return Part {
            label: label.to_string(),
            text: labels.get(s).cloned().unwrap_or_else(|| s.clone()),
            href: href(s),
        };
    }
    Part {
        label: label.to_string(),
        text: term_label(field, &text, lang).unwrap_or(text),
        href: String::new(),
    }
}

/// A vocabulary term's label in the interface language, where the field uses a vocabulary.
fn term_label(field: &str, term: &str, lang: Lang) -> Option<String> {
    let vocab = Kind::ALL.iter().find_map(|k| {
        k.schema().fields.iter().find_map(|f| match f.ty {
            Ty::Vocab(v) if f.name == field => Some(v),
            _ => None,
        })
    })?;
    let entry = vocabularies().term(vocab, term)?;
    Some(match lang {
        Lang::En => entry.en.clone(),
        Lang::Fa => entry.fa.clone(),
    })
}

fn flat_text(v: &Value) -> String {
    match v {
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "classification")
            .map(|(k, x)| format!("{}: {}", humanize(k), flat_text(x)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(a) => a.iter().map(flat_text).collect::<Vec<_>>().join(", "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `birth_place` → `Birth place`.
pub fn humanize(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
