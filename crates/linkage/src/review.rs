//! Clerical review: the pairs the model is least sure about go out as a CSV with both records
//! side by side and the evidence for and against; a person fills in the `label` column
//! (`match` or `non-match`) and the file comes back with `--labels`, where each decision
//! overrides the model for that pair.

use std::collections::HashMap;
use std::path::Path;

use crate::{InputRecord, Labels, LinkError, Linked};

/// Columns shown side by side.
const SHOWN: [&str; 6] = [
    "first_name",
    "last_name",
    "father_name",
    "full_name",
    "birth_year",
    "place",
];

fn shown(r: &InputRecord) -> [&str; 6] {
    let birth = if r.birth_year.is_empty() {
        &r.birth_date
    } else {
        &r.birth_year
    };
    [
        &r.first_name,
        &r.last_name,
        &r.father_name,
        &r.full_name,
        birth,
        &r.place,
    ]
}

/// Writes up to `limit` pairs whose probability lies in `[low, high)`, the most uncertain
/// (closest to `threshold`) first. Returns how many were written.
pub fn write_uncertain(
    path: &Path,
    records: &[InputRecord],
    linked: &Linked,
    (low, high): (f64, f64),
    threshold: f64,
    limit: usize,
) -> Result<usize, LinkError> {
    let fail = |e: &dyn std::fmt::Display| LinkError::Output {
        file: path.to_owned(),
        reason: e.to_string(),
    };
    let mut uncertain: Vec<_> = linked
        .pairs
        .iter()
        .filter(|p| (low..high).contains(&(p.probability as f64)))
        .collect();
    uncertain.sort_by(|x, y| {
        let d = |p: f32| (p as f64 - threshold).abs();
        d(x.probability).total_cmp(&d(y.probability))
    });
    uncertain.truncate(limit);
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    let mut header = vec![
        "id_a".to_owned(),
        "id_b".to_owned(),
        "probability".to_owned(),
    ];
    for side in ["a", "b"] {
        header.extend(SHOWN.iter().map(|c| format!("{c}_{side}")));
    }
    header.extend(["evidence".to_owned(), "label".to_owned()]);
    w.write_record(&header).map_err(|e| fail(&e))?;
    for pair in &uncertain {
        let (a, b) = (&records[pair.a as usize], &records[pair.b as usize]);
        let (orientation, evidence) = linked.explain(pair.a, pair.b);
        let mut reasons: Vec<String> = evidence
            .iter()
            .filter_map(|e| {
                e.level
                    .map(|l| format!("{}: {l} ({:+.1})", e.field, e.weight))
            })
            .collect();
        if orientation != crate::Orientation::AsWritten {
            reasons.push(format!("names read as {orientation:?}"));
        }
        let mut row = vec![
            a.id.clone(),
            b.id.clone(),
            format!("{:.4}", pair.probability),
        ];
        row.extend(shown(a).iter().map(|s| s.to_string()));
        row.extend(shown(b).iter().map(|s| s.to_string()));
        row.push(reasons.join("; "));
        row.push(String::new());
        w.write_record(&row).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))?;
    Ok(uncertain.len())
}

/// Reads clerical decisions: a CSV with `id_a`, `id_b` and `label` columns; a label is
/// `match` (also `same`, `yes`, `1`) or `non-match` (also `different`, `no`, `0`); empty
/// labels are undecided and skipped. Ids must be among `records`.
pub fn read_labels(path: &Path, records: &[InputRecord]) -> Result<Labels, LinkError> {
    let bad = |row: u64, field: &str, reason: String| LinkError::Input {
        file: path.to_owned(),
        row,
        field: field.to_owned(),
        reason,
    };
    let index: HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as u32))
        .collect();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| bad(0, "", format!("cannot read the file: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| bad(0, "", format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(0, name, format!("the header has no `{name}` column")))
    };
    let (ca, cb, cl) = (column("id_a")?, column("id_b")?, column("label")?);
    let mut labels = Labels::new();
    for (i, row) in reader.records().enumerate() {
        let number = i as u64 + 1;
        let row = row.map_err(|e| bad(number, "", format!("unreadable row: {e}")))?;
        let label = row.get(cl).unwrap_or("").trim().to_lowercase();
        let same = match label.as_str() {
            "" => continue,
            "match" | "same" | "yes" | "1" | "true" => true,
            "non-match" | "nonmatch" | "different" | "no" | "0" | "false" => false,
            other => {
                return Err(bad(
                    number,
                    "label",
                    format!(
                        "`{other}` is not a label; write `match` or `non-match`, or leave it empty"
                    ),
                ));
            }
        };
        let id = |c: usize, field: &str| {
            let id = row.get(c).unwrap_or("").trim();
            index
                .get(id)
                .copied()
                .ok_or_else(|| bad(number, field, format!("no input record has the id `{id}`")))
        };
        let (a, b) = (id(ca, "id_a")?, id(cb, "id_b")?);
        labels.insert((a.min(b), a.max(b)), same);
    }
    Ok(labels)
}
