//! The `link` input contract (DESIGN.md): CSV files with a header; `id` is the record id; any
//! of `first_name`, `last_name`, `father_name`, `full_name`, `birth_year`, `birth_date`,
//! `place`, `list` may be present; other columns are ignored, except the ground-truth column
//! when one is named for evaluation.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::LinkError;

/// One row of a victim list, as written. Empty text means the value is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputRecord {
    pub id: String,
    pub list: String,
    pub first_name: String,
    pub last_name: String,
    pub father_name: String,
    pub full_name: String,
    pub birth_year: String,
    pub birth_date: String,
    pub place: String,
    /// The ground-truth person, when the caller named a truth column.
    pub truth: Option<String>,
}

/// Reads every file in order. Ids must be present and unique across all files; a missing `id`
/// column, an empty id, a duplicate id or a missing truth column is an error naming the file,
/// row and field. With `truth`, every row must have a value in that column.
pub fn read_csv_files(
    files: &[PathBuf],
    truth: Option<&str>,
) -> Result<Vec<InputRecord>, LinkError> {
    let mut records = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for file in files {
        read_one(file, truth, &mut records, &mut seen)?;
    }
    Ok(records)
}

/// Reads one CSV held in memory (`name` only names it in errors), as [`read_csv_files`]
/// reads a file.
pub fn read_csv_bytes(
    name: &Path,
    bytes: &[u8],
    truth: Option<&str>,
) -> Result<Vec<InputRecord>, LinkError> {
    let mut records = Vec::new();
    let reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    read_from(reader, name, truth, &mut records, &mut HashSet::new())?;
    Ok(records)
}

fn read_one(
    file: &Path,
    truth: Option<&str>,
    records: &mut Vec<InputRecord>,
    seen: &mut HashSet<String>,
) -> Result<(), LinkError> {
    let reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(file)
        .map_err(|e| bad(file, 0, "", format!("cannot read the file: {e}")))?;
    read_from(reader, file, truth, records, seen)
}

fn bad(file: &Path, row: u64, field: &str, reason: String) -> LinkError {
    LinkError::Input {
        file: file.to_owned(),
        row,
        field: field.to_owned(),
        reason,
    }
}

fn read_from<R: std::io::Read>(
    mut reader: csv::Reader<R>,
    file: &Path,
    truth: Option<&str>,
    records: &mut Vec<InputRecord>,
    seen: &mut HashSet<String>,
) -> Result<(), LinkError> {
    let bad = |row: u64, field: &str, reason: String| bad(file, row, field, reason);
    let headers = reader
        .headers()
        .map_err(|e| bad(0, "", format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let Some(id_col) = column("id") else {
        return Err(bad(
            0,
            "id",
            "the header has no `id` column; every row needs an id".into(),
        ));
    };
    let truth_col = match truth {
        Some(name) => Some(column(name).ok_or_else(|| {
            bad(
                0,
                name,
                format!("the header has no `{name}` column to evaluate against"),
            )
        })?),
        None => None,
    };
    let cols = [
        "list",
        "first_name",
        "last_name",
        "father_name",
        "full_name",
        "birth_year",
        "birth_date",
        "place",
    ]
    .map(column);
    for (index, row) in reader.records().enumerate() {
        let number = index as u64 + 1;
        let row = row.map_err(|e| bad(number, "", format!("unreadable row: {e}")))?;
        let get = |col: Option<usize>| {
            col.and_then(|c| row.get(c))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let id = get(Some(id_col));
        if id.is_empty() {
            return Err(bad(number, "id", "the id is empty".into()));
        }
        if !seen.insert(id.clone()) {
            return Err(bad(
                number,
                "id",
                format!("the id `{id}` appears twice; ids must be unique across all inputs"),
            ));
        }
        let truth = match truth_col {
            Some(c) => {
                let value = get(Some(c));
                if value.is_empty() {
                    return Err(bad(
                        number,
                        truth.unwrap_or_default(),
                        "the truth column is empty".into(),
                    ));
                }
                Some(value)
            }
            None => None,
        };
        let [
            list,
            first_name,
            last_name,
            father_name,
            full_name,
            birth_year,
            birth_date,
            place,
        ] = cols.map(get);
        records.push(InputRecord {
            id,
            list,
            first_name,
            last_name,
            father_name,
            full_name,
            birth_year,
            birth_date,
            place,
            truth,
        });
    }
    Ok(())
}
