//! What an import found: per-row errors that name the row, the column and the reason, and a
//! report the command line prints as it is.

use rightsdoc_model::Kind;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// Errors kept in a report; a file with a million bad rows still gets a report that fits in
/// memory and on a screen (the count is exact, and `--skip-invalid` saves every rejected row).
pub const MAX_KEPT_ERRORS: usize = 1000;

/// Where a row starts in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    /// Line of a CSV or JSON Lines file (1 = the first line, the header of a CSV file).
    Line(u64),
    /// Row number as the spreadsheet program shows it (1 = the first row of the sheet).
    SheetRow(u64),
    /// A record of a JSON array, starting on this line.
    Record { line: u64 },
}

/// Why one row was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Data row, counted from 1 under the header as a spreadsheet user sees it (blank rows
    /// count); for JSON, the record number.
    pub row: usize,
    pub at: At,
    /// The column as the file names it (or the field path, for JSON), when one is to blame.
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            At::Line(l) => write!(f, "row {} (line {l} of the file)", self.row)?,
            At::SheetRow(r) => write!(f, "row {} (sheet row {r})", self.row)?,
            At::Record { line } => write!(f, "record {} (line {line} of the file)", self.row)?,
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The kind of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    /// XLSX, XLS, XLSB or ODS.
    Spreadsheet,
    /// A JSON array of records, or JSON Lines (the `export --format json` form).
    Json,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "CSV",
            Format::Spreadsheet => "spreadsheet",
            Format::Json => "JSON",
        })
    }
}

/// The outcome of reading one file; serializes for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The file as the user named it.
    pub file: String,
    pub format: Format,
    /// The kind of every record (`None` for JSON, whose records name their own kinds).
    #[serde(serialize_with = "kind_name")]
    pub kind: Option<Kind>,
    /// How the text was decoded, e.g. `UTF-8` or `macintosh (detected)`.
    pub encoding: String,
    /// Which mapping turned columns into fields.
    pub mapping: String,
    /// Data rows read, blank rows not included.
    pub rows: usize,
    pub valid: usize,
    /// The first [`MAX_KEPT_ERRORS`] refused rows, in file order.
    pub invalid: Vec<RowError>,
    /// Every refused row, counted.
    pub invalid_count: usize,
    /// Rows with nothing in them, skipped.
    pub blank_rows: usize,
    /// Header columns that no field takes.
    pub unused_columns: Vec<String>,
    /// Ids of the list records this import creates (from `--list` or a `list` column).
    pub new_lists: Vec<String>,
    /// Records handed to the writer (0 for a dry run, or when a bad row stopped the import).
    pub written: usize,
    /// Where the refused rows were saved (`--skip-invalid`).
    pub rejects: Option<PathBuf>,
    /// Things the user should know (a detected encoding, a guessed kind…).
    pub notes: Vec<String>,
}

fn kind_name<S: serde::Serializer>(kind: &Option<Kind>, s: S) -> Result<S::Ok, S::Error> {
    match kind {
        Some(k) => s.serialize_str(k.as_str()),
        None => s.serialize_none(),
    }
}

impl ImportReport {
    pub(crate) fn new(file: String, format: Format) -> Self {
        ImportReport {
            file,
            format,
            kind: None,
            encoding: "UTF-8".into(),
            mapping: String::new(),
            rows: 0,
            valid: 0,
            invalid: Vec::new(),
            invalid_count: 0,
            blank_rows: 0,
            unused_columns: Vec::new(),
            new_lists: Vec::new(),
            written: 0,
            rejects: None,
            notes: Vec::new(),
        }
    }

    pub(crate) fn refuse(&mut self, e: RowError) {
        self.invalid_count += 1;
        if self.invalid.len() < MAX_KEPT_ERRORS {
            self.invalid.push(e);
        }
    }

    /// True when every row was valid.
    pub fn is_clean(&self) -> bool {
        self.invalid_count == 0
    }
}

/// A summary line, then every kept bad row on its own line, then the unused columns and notes.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.format == Format::Json {
            "records"
        } else {
            "rows"
        };
        write!(
            f,
            "{}: {} {unit}, {} valid, {} invalid",
            self.file, self.rows, self.valid, self.invalid_count
        )?;
        if let Some(k) = self.kind {
            write!(f, "; {k} records")?;
        }
        write!(f, " ({}, {}", self.format, self.encoding)?;
        if !self.mapping.is_empty() {
            write!(f, ", {}", self.mapping)?;
        }
        writeln!(f, ")")?;
        for e in &self.invalid {
            writeln!(f, "  {e}")?;
        }
        if self.invalid_count > self.invalid.len() {
            writeln!(
                f,
                "  … and {} more invalid {unit}",
                self.invalid_count - self.invalid.len()
            )?;
        }
        if !self.unused_columns.is_empty() {
            writeln!(f, "columns not used: {}", self.unused_columns.join(", "))?;
        }
        if self.blank_rows > 0 {
            writeln!(f, "blank rows skipped: {}", self.blank_rows)?;
        }
        if !self.new_lists.is_empty() {
            writeln!(f, "lists: {}", self.new_lists.join(", "))?;
        }
        if let Some(p) = &self.rejects {
            writeln!(f, "refused rows saved to {}", p.display())?;
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

/// Why a whole file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be opened or read, is empty, has no data rows, or has a header that
    /// cannot work (e.g. no column gives a required field).
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// The options or the mapping file are wrong.
    #[error("{0}")]
    Options(String),
    /// The caller's writer failed; earlier chunks may have been written.
    #[error("{file}: writing records failed after {written} records: {source}")]
    Write {
        file: String,
        written: usize,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
