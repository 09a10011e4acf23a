//! Readable terminal output: records with vocabulary labels, referenced records' labels and
//! cited sources; statistics tables; responsibility answers. Everything the renderer looks up
//! goes through the archive at the reader's clearance.

use rightsdoc_archive::Archive;
use rightsdoc_model::{Classification, Field, Kind, Ty, plain_str, vocab::vocabularies};
use rightsdoc_stats::{OfficeLine, Responsibility, Table};
use serde_json::Value;
use std::fmt::Write;

struct View<'a> {
    archive: &'a Archive,
    clearance: Classification,
}

/// `record` has already been redacted to `clearance`.
pub fn record(archive: &Archive, clearance: Classification, record: &Value) -> String {
    let view = View { archive, clearance };
    let mut out = String::new();
    let id = record["id"].as_str().unwrap_or_default();
    let Some(kind) = record["kind"].as_str().and_then(Kind::parse) else {
        return record.to_string();
    };
    let _ = writeln!(out, "{kind} {id} — {}", label(record));
    let class = record["classification"].as_str().unwrap_or("public");
    let _ = writeln!(out, "  classification: {class}");
    for field in kind.schema().fields {
        if let Some(v) = record.get(field.name) {
            let _ = writeln!(out, "  {}: {}", field.name, value(&view, field, v, "    "));
        }
    }
    if let Some(c) = record.get("citations") {
        let _ = writeln!(out, "  sources:{}", citations(&view, c, "    "));
    }
    if let Some(n) = record.get("notes").and_then(Value::as_str) {
        let _ = writeln!(out, "  notes: {n}");
    }
    out
}

/// A short label for a (redacted) record: its first name, title, role or text.
fn label(v: &Value) -> String {
    let name = v
        .get("names")
        .and_then(Value::as_array)
        .and_then(|n| n.first())
        .and_then(|n| n.get("value"))
        .and_then(Value::as_str);
    name.or_else(|| {
        ["title", "role", "state", "measure", "text"]
            .iter()
            .find_map(|k| v.get(*k).and_then(plain_str))
    })
    .map(|s| s.chars().take(80).collect())
    .unwrap_or_else(|| v["id"].as_str().unwrap_or_default().to_string())
}

fn label_of(view: &View, id: &str) -> String {
    match view.archive.get_visible(id, view.clearance) {
        Ok(Some(r)) => format!("{id} ({})", label(&r)),
        _ => id.to_string(),
    }
}

fn value(view: &View, field: &Field, v: &Value, indent: &str) -> String {
    match v {
        Value::Array(items) if field.many || matches!(field.ty, Ty::Names) || field.conflicts => {
            let mut s = String::new();
            for item in items {
                let _ = write!(s, "\n{indent}- {}", one(view, field, item, indent));
            }
            s
        }
        _ => one(view, field, v, indent),
    }
}

/// One value, plain or wrapped with citations, classification and note.
fn one(view: &View, field: &Field, v: &Value, indent: &str) -> String {
    let structured = matches!(field.ty, Ty::Object(_) | Ty::Names);
    let wrapped = !structured && v.get("value").is_some();
    let inner = if wrapped { &v["value"] } else { v };
    let mut s = match (&field.ty, inner) {
        (Ty::Vocab(vocab), Value::String(id)) => match vocabularies().term(vocab, id) {
            Some(t) => format!("{} / {}", t.en, t.fa),
            None => id.clone(),
        },
        (Ty::Ref(_), Value::String(id)) => label_of(view, id),
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
                    .map(|x| format!("{}: {}", f.name, one(view, f, x, indent)))
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    if wrapped || structured {
        if let Some(c) = v.get("classification").and_then(Value::as_str) {
            let _ = write!(s, " [{c}]");
        }
        if let Some(n) = v.get("note").and_then(Value::as_str) {
            let _ = write!(s, " — {n}");
        }
        if let Some(c) = v.get("citations") {
            s.push_str(&citations(view, c, &format!("{indent}  ")));
        }
    }
    s
}

fn citations(view: &View, c: &Value, indent: &str) -> String {
    let mut s = String::new();
    for cite in c.as_array().into_iter().flatten() {
        let source = cite.get("source").and_then(Value::as_str).unwrap_or("?");
        let _ = write!(s, "\n{indent}↳ {}", label_of(view, source));
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

pub fn table(t: &Table) -> String {
    let mut out = format!("{} by {} ({} in all)\n", t.counts, t.by, t.total);
    let width = t
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    for r in &t.rows {
        let pad = width.saturating_sub(r.label.chars().count());
        let _ = write!(out, "  {}{} {:>8}", r.label, " ".repeat(pad), r.count);
        for (k, v) in &r.detail {
            if k.ends_with("rate") {
                let _ = write!(out, "  {k} {:.0}%", v * 100.0);
            } else {
                let _ = write!(out, "  {k} {v}");
            }
        }
        out.push('\n');
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

pub fn responsibility(r: &Responsibility) -> String {
    let when = if r.period.is_empty() {
        "date unknown".to_string()
    } else {
        r.period.join(" | ")
    };
    let mut out = format!("{} — {} ({when})\n", r.target, r.label);
    if !r.involved.is_empty() {
        out.push_str("directly involved:\n");
        for i in &r.involved {
            let _ = writeln!(
                out,
                "  {} ({}): {} [{} citations]",
                i.label,
                i.actor,
                i.role,
                i.citations.len()
            );
        }
    }
    out.push_str("posts held at the time:\n");
    if r.posts.is_empty() {
        out.push_str("  none recorded\n");
    }
    out.push_str(&office_lines(&r.posts));
    out
}

pub fn office_lines(lines: &[OfficeLine]) -> String {
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(
            out,
            "  {} ({}): {}, {} ({}), {}",
            l.person_label, l.person, l.role, l.organization_label, l.organization, l.period
        );
        let _ = writeln!(
            out,
            "      {}; {}; {} citations",
            l.certainty,
            l.why,
            l.citations.len()
        );
    }
    out
}
