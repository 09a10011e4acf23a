//! Exports for readers: a CSV of one record kind, and GeoJSON of places.
//!
//! Both take records the caller has already filtered for the reader's clearance
//! (`Archive::export`): access control is not done here, and the store is never read here.

use rightsdoc_model::schema::{Field, Kind, Ty};
use rightsdoc_model::vocab::vocabularies;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub written: usize,
    /// Records left out: of another kind, or places without a point (GeoJSON).
    pub skipped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}

/// The CSV columns of a kind: `id`, `classification`, the schema's fields in order (a point as
/// `lat` and `lon`), `citations`, `notes`.
pub fn csv_columns(kind: Kind) -> Vec<String> {
    let mut cols = vec!["id".to_string(), "classification".to_string()];
    for f in kind.schema().fields {
        if matches!(f.ty, Ty::Point) {
            cols.push("lat".into());
            cols.push("lon".into());
        } else {
            cols.push(f.name.into());
        }
    }
    cols.push("citations".into());
    cols.push("notes".into());
    cols
}

/// Write the records of `kind` as CSV (records of other kinds are skipped). Several values are
/// joined with `; `; a date written in another calendar keeps its original text (`1340 SH`), so
/// the file imports back to the same dates; a cell a spreadsheet would run as a formula gets a
/// leading `'`.
pub fn export_csv<W: Write>(
    records: &[Value],
    kind: Kind,
    out: W,
) -> Result<ExportSummary, ExportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_columns(kind))?;
    let mut summary = ExportSummary::default();
    for r in records {
        if r.get("kind").and_then(Value::as_str) != Some(kind.as_str()) {
            summary.skipped += 1;
            continue;
        }
        let mut row = vec![text(&r["id"]), text(&r["classification"])];
        for f in kind.schema().fields {
            let v = r.get(f.name).unwrap_or(&Value::Null);
            if matches!(f.ty, Ty::Point) {
                let (lat, lon) = point(v).map_or((String::new(), String::new()), |(a, b)| {
                    (a.to_string(), b.to_string())
                });
                row.push(lat);
                row.push(lon);
            } else {
                row.push(render(f, v));
            }
        }
        row.push(citations(r.get("citations")));
        row.push(text(r.get("notes").unwrap_or(&Value::Null)));
        w.write_record(row.iter().map(|c| protect_cell(c)))?;
        summary.written += 1;
    }
    w.flush()?;
    Ok(summary)
}

/// One CSV per kind present in `records`, named by the kind's plural (`people.csv`,
/// `places.csv`…) in `dir` (created if missing), for an export without `--kind`.
pub fn export_csv_by_kind(
    records: &[Value],
    dir: &Path,
) -> Result<Vec<(Kind, PathBuf, ExportSummary)>, ExportError> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for kind in Kind::ALL {
        if !records
            .iter()
            .any(|r| r.get("kind").and_then(Value::as_str) == Some(kind.as_str()))
        {
            continue;
        }
        let path = dir.join(format!("{}.csv", kind.schema().plural));
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let summary = export_csv(records, kind, file)?;
        out.push((
            kind,
            path,
            ExportSummary {
                skipped: 0,
                ..summary
            },
        ));
    }
    Ok(out)
}

/// A cell as a spreadsheet may show it without running it: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's advice for CSV injection),
/// unless it is a plain number such as `-33.9`.
pub fn protect_cell(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) if o.contains_key("value") => text(&o["value"]),
        other => other.to_string(),
    }
}

/// A field's cell: several values (a list, conflicting values, names) joined with `; `.
fn render(f: &Field, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Array(items) => items
            .iter()
            .map(|i| render_one(f, i))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        one => render_one(f, one),
    }
}

fn render_one(f: &Field, v: &Value) -> String {
    let structured = matches!(f.ty, Ty::Object(_) | Ty::Names);
    if let Value::Object(o) = v
        && !structured
        && o.contains_key("value")
    {
        return render_one(f, &o["value"]);
    }
    match f.ty {
        Ty::Names => text(v),
        Ty::Date => date_text(v),
        Ty::Object(fields) => {
            let Value::Object(o) = v else {
                return text(v);
            };
            let mut parts = fields.iter().filter_map(|s| {
                let x = o.get(s.name)?;
                let t = if matches!(s.ty, Ty::Date) {
                    date_text(x)
                } else {
                    text(x)
                };
                Some((s.name, t))
            });
            let Some((_, first)) = parts.next() else {
                return String::new();
            };
            let rest: Vec<String> = parts.map(|(k, t)| format!("{k}: {t}")).collect();
            if rest.is_empty() {
                first
            } else {
                format!("{first} ({})", rest.join(", "))
            }
        }
        _ => text(v),
    }
}

/// A date as text: the original when it was written in another calendar, else EDTF.
fn date_text(v: &Value) -> String {
    match v {
        Value::Object(o) => o
            .get("original")
            .or_else(|| o.get("edtf"))
            .map(text)
            .unwrap_or_default(),
        other => text(other),
    }
}

fn edtf_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("edtf").map(text),
        _ => None,
    }
}

fn citations(v: Option<&Value>) -> String {
    let Some(Value::Array(items)) = v else {
        return String::new();
    };
    items
        .iter()
        .map(|c| match (c.get("source"), c.get("locator")) {
            (Some(s), Some(l)) => format!("{} ({})", text(s), text(l)),
            (Some(s), None) => text(s),
            _ => text(c),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn point(v: &Value) -> Option<(f64, f64)> {
    let p = match v {
        Value::Object(o) if o.contains_key("value") => &o["value"],
        other => other,
    };
    Some((p.get("lat")?.as_f64()?, p.get("lon")?.as_f64()?))
}

/// Places with a point as a GeoJSON FeatureCollection (coordinates are `[lon, lat]`, WGS84).
/// Properties: `id`, `name`, `names`, `place_type` (and its English label), `parent`, the
/// status history (`status`, its label, `date`, the original date when converted, and the
/// entry's citations), the record's `citations`, `classification` and `notes`.
pub fn geojson(records: &[Value]) -> (geojson::FeatureCollection, ExportSummary) {
    let mut summary = ExportSummary::default();
    let mut features = Vec::new();
    let vocab = vocabularies();
    for r in records {
        let is_place = r.get("kind").and_then(Value::as_str) == Some(Kind::Place.as_str());
        let Some((lat, lon)) = r.get("point").and_then(point).filter(|_| is_place) else {
            summary.skipped += 1;
            continue;
        };
        let mut p = Map::new();
        p.insert("id".into(), r["id"].clone());
        let names = r.get("names").cloned().unwrap_or(Value::Array(Vec::new()));
        let first = names.get(0).map(text).unwrap_or_default();
        p.insert("name".into(), Value::String(first));
        p.insert("names".into(), names);
        if let Some(t) = r.get("place_type") {
            let id = text(t);
            p.insert("place_type".into(), Value::String(id.clone()));
            if let Some(term) = vocab.term("place_type", &id) {
                p.insert("place_type_label".into(), Value::String(term.en.clone()));
            }
        }
        if let Some(parent) = r.get("parent") {
            p.insert("parent".into(), Value::String(text(parent)));
        }
        let status: Vec<Value> = r
            .get("status")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| {
                let id = s.get("status").map(text).unwrap_or_default();
                let mut m = Map::new();
                if let Some(term) = vocab.term("site_status", &id) {
                    m.insert("label".into(), Value::String(term.en.clone()));
                }
                m.insert("status".into(), Value::String(id));
                if let Some(d) = s.get("date") {
                    m.insert("date".into(), json!(edtf_text(d)));
                    if let Some(o) = d.get("original") {
                        m.insert("date_original".into(), o.clone());
                    }
                }
                if let Some(c) = s.get("citations") {
                    m.insert("citations".into(), c.clone());
                }
                if let Some(n) = s.get("note") {
                    m.insert("note".into(), n.clone());
                }
                Value::Object(m)
            })
            .collect();
        p.insert("status".into(), Value::Array(status));
        p.insert(
            "citations".into(),
            r.get("citations")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
        );
        for k in ["classification", "notes"] {
            if let Some(v) = r.get(k) {
                p.insert(k.into(), v.clone());
            }
        }
        features.push(geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new_point([lon, lat])),
            id: Some(geojson::feature::Id::String(text(&r["id"]))),
            properties: Some(p),
            foreign_members: None,
        });
        summary.written += 1;
    }
    (geojson::FeatureCollection::new(features), summary)
}

/// Write [`geojson`] as pretty JSON.
pub fn export_geojson<W: Write>(
    records: &[Value],
    mut out: W,
) -> Result<ExportSummary, ExportError> {
    let (collection, summary) = geojson(records);
    serde_json::to_writer_pretty(&mut out, &collection)?;
    out.write_all(b"\n")?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        assert_eq!(protect_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(protect_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(protect_cell("+98 21"), "'+98 21");
        assert_eq!(protect_cell("-33.9"), "-33.9");
        assert_eq!(protect_cell("Evin"), "Evin");
    }
}
