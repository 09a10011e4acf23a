//! A readable view of a record for the terminal: fields in schema order, vocabulary terms with
//! their labels, references with the referenced record's label, citations with source titles.

use rightsdoc_archive::Archive;
use rightsdoc_model::{Field, Record, Ty, vocab::vocabularies};
use serde_json::Value;
use std::fmt::Write;

pub fn record(archive: &Archive, record: &Record) -> String {
    let mut out = String::new();
    let schema = record.kind.schema();
    let _ = writeln!(out, "{} {} — {}", record.kind, record.id, record.label());
    let _ = writeln!(out, "  classification: {}", record.classification);
    for field in schema.fields {
        if let Some(v) = record.body.get(field.name) {
            let _ = writeln!(
                out,
                "  {}: {}",
                field.name,
                value(archive, field, v, "    ")
            );
        }
    }
    if let Some(c) = record.body.get("citations") {
        let _ = writeln!(out, "  sources:{}", citations(archive, c, "    "));
    }
    if let Some(n) = record.body.get("notes").and_then(Value::as_str) {
        let _ = writeln!(out, "  notes: {n}");
    }
    out
}

fn label_of(archive: &Archive, id: &str) -> String {
    match archive.get(id) {
        Ok(Some(r)) => format!("{id} ({})", r.label()),
        _ => id.to_string(),
    }
}

fn value(archive: &Archive, field: &Field, v: &Value, indent: &str) -> String {
    match v {
        Value::Array(items) if field.many || matches!(field.ty, Ty::Names) || field.conflicts => {
            let mut s = String::new();
            for item in items {
                let _ = write!(s, "\n{indent}- {}", one(archive, field, item, indent));
            }
            s
        }
        _ => one(archive, field, v, indent),
    }
}

/// One value, plain or wrapped with citations, classification and note.
fn one(archive: &Archive, field: &Field, v: &Value, indent: &str) -> String {
    let wrapped = !matches!(field.ty, Ty::Object(_) | Ty::Names) && v.get("value").is_some();
    let inner = if wrapped { &v["value"] } else { v };
    let mut s = match (&field.ty, inner) {
        (Ty::Vocab(vocab), Value::String(id)) => match vocabularies().term(vocab, id) {
            Some(t) => format!("{} / {}", t.en, t.fa),
            None => id.clone(),
        },
        (Ty::Ref(_), Value::String(id)) => label_of(archive, id),
        (Ty::Date, Value::Object(d)) => format!(
            "{} (from {} date “{}”)",
            d.get("edtf").and_then(Value::as_str).unwrap_or("?"),
            d.get("calendar").and_then(Value::as_str).unwrap_or("?"),
            d.get("original").and_then(Value::as_str).unwrap_or("")
        ),
        (Ty::Names, Value::Object(n)) => {
            let lang = n
                .get("lang")
                .and_then(Value::as_str)
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            format!(
                "{}{lang}",
                n.get("value").and_then(Value::as_str).unwrap_or("")
            )
        }
        (Ty::Object(fields), Value::Object(o)) => fields
            .iter()
            .filter_map(|f| {
                o.get(f.name)
                    .map(|x| format!("{}: {}", f.name, one(archive, f, x, indent)))
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    let meta = if wrapped || matches!(field.ty, Ty::Object(_) | Ty::Names) {
        v
    } else {
        &Value::Null
    };
    if let Some(c) = meta.get("classification").and_then(Value::as_str) {
        let _ = write!(s, " [{c}]");
    }
    if let Some(n) = meta.get("note").and_then(Value::as_str) {
        let _ = write!(s, " — {n}");
    }
    if let Some(c) = meta.get("citations") {
        s.push_str(&citations(archive, c, &format!("{indent}  ")));
    }
    s
}

fn citations(archive: &Archive, c: &Value, indent: &str) -> String {
    let mut s = String::new();
    for cite in c.as_array().into_iter().flatten() {
        let source = cite.get("source").and_then(Value::as_str).unwrap_or("?");
        let _ = write!(s, "\n{indent}↳ {}", label_of(archive, source));
        if let Some(l) = cite.get("locator").and_then(Value::as_str) {
            let _ = write!(s, ", {l}");
        }
        if let Some(n) = cite.get("credibility").and_then(Value::as_u64)
            && let Some(t) = vocabularies().term("credibility", &n.to_string())
        {
            let _ = write!(s, " (credibility {n}: {})", t.en);
        }
    }
    s
}
