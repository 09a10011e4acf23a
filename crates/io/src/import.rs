//! The import driver: open a file, choose the mapping and kind, convert and validate every row,
//! and hand valid records to the caller in chunks according to a [`Policy`].

use crate::convert::{self, Common, Converted, Plan, State};
use crate::encoding;
use crate::json;
use crate::mapping::Mapping;
use crate::report::{Format, ImportError, ImportReport, RowError};
use crate::table::{CsvTable, SheetTable, Table};
use rightsdoc_model::{Kind, Record, id};
use serde_json::Value;
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// What to do with a file that has bad rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Policy {
    /// Write nothing unless every row is valid (the default). A file larger than one chunk is
    /// read twice: once to validate, once to write.
    #[default]
    AllOrNothing,
    /// Write the valid rows; save the refused ones, with an `error` column first, to this CSV.
    SkipInvalid { rejects: PathBuf },
    /// Validate and report; write nothing.
    DryRun,
    /// Read once and write chunks as rows are read, for a caller that can undo them (say, all
    /// chunks inside one store transaction): after the first bad row nothing more is written,
    /// every row is still validated and reported, and the caller must undo what it wrote when
    /// `report.invalid_count > 0`. Half the reading of `AllOrNothing` for large files.
    SinglePass,
}

/// How far an import has come, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// 1, or 2 when an all-or-nothing import writes after validating.
    pub pass: u8,
    pub passes: u8,
    pub rows: usize,
    pub bytes_read: u64,
    pub bytes_total: Option<u64>,
}

/// Called every few thousand rows.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Everything `rightsdoc import` can say about a file.
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// `--kind`; otherwise the mapping's `kind`, a UPR Info header, or a guess from the columns.
    pub kind: Option<Kind>,
    /// `--mapping`; otherwise the built-in UPR mapping for a UPR Info header, or columns as
    /// fields.
    pub mapping: Option<Mapping>,
    /// `--list NAME` (or a `lst_` id): every person becomes a member of this list.
    pub list: Option<String>,
    /// `--source ID`: every record cites this source with its row as locator.
    pub source: Option<String>,
    pub policy: Policy,
    /// Overrides the format told from the file name or content.
    pub format: Option<Format>,
    /// Encoding of a CSV file (overrides the mapping's and the detection).
    pub encoding: Option<String>,
    pub progress: Option<ProgressFn>,
}

/// A file to import: on disk, or in memory (tests, fuzzing, uploads).
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Path(&'a Path),
    Bytes { name: &'a str, data: &'a [u8] },
}

impl<'a> Input<'a> {
    pub fn path(p: &'a Path) -> Self {
        Input::Path(p)
    }

    pub fn bytes(name: &'a str, data: &'a [u8]) -> Self {
        Input::Bytes { name, data }
    }

    /// The name used in messages.
    pub fn display(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Bytes { name, .. } => name.to_string(),
        }
    }

    /// The file name, which keys the ids of rows without an id column.
    fn file_name(&self) -> String {
        match self {
            Input::Path(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Input::Bytes { name, .. } => Path::new(name)
                .file_name()
                .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned()),
        }
    }

    fn open(&self) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match *self {
            Input::Path(p) => Box::new(BufReader::with_capacity(64 * 1024, File::open(p)?)),
            Input::Bytes { data, .. } => Box::new(data),
        })
    }

    fn len(&self) -> Option<u64> {
        match self {
            Input::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Bytes { data, .. } => Some(data.len() as u64),
        }
    }

    /// Size and modification time, to notice a file changed between two passes.
    fn stamp(&self) -> Option<(u64, Option<std::time::SystemTime>)> {
        match self {
            Input::Path(p) => std::fs::metadata(p)
                .ok()
                .map(|m| (m.len(), m.modified().ok())),
            Input::Bytes { data, .. } => Some((data.len() as u64, None)),
        }
    }

    fn extension(&self) -> String {
        let name = match self {
            Input::Path(p) => p.to_string_lossy().into_owned(),
            Input::Bytes { name, .. } => name.to_string(),
        };
        Path::new(&name)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    }
}

/// All valid records of a file, with its report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// List records first where a row first needs them, then the row's record.
    pub records: Vec<Value>,
    pub report: ImportReport,
}

/// Read, convert and validate a whole file in memory, whatever the policy (small files,
/// tests, previews). Nothing is written anywhere.
pub fn read(input: Input<'_>, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let mut records = Vec::new();
    let report = pass(input, opts, 1, 1, &mut |event| {
        if let Event::Valid(c) = event {
            records.extend(c.new_lists.iter().map(Record::to_value));
            records.push(c.record.to_value());
        }
        Ok(())
    })?;
    Ok(Imported { records, report })
}

/// Import a file in chunks of at most `chunk_size` records (a list record travels with the
/// first row that needs it, so a chunk may be one or two records larger): `write` is called
/// once per chunk, and should write it as one logged batch (`Archive::add_many`). What is
/// written depends on `opts.policy`; the report says what happened. With the default policy
/// nothing is written when any row is bad: check `report.invalid_count`.
pub fn import_chunks<F, E>(
    input: Input<'_>,
    opts: &ImportOptions,
    chunk_size: usize,
    mut write: F,
) -> Result<ImportReport, ImportError>
where
    F: FnMut(Vec<Record>) -> Result<(), E>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut write = |records: Vec<Record>| write(records).map_err(Into::into);
    let mut chunks = Chunker {
        batch: Vec::new(),
        written: 0,
        size: chunk_size.max(1),
        file: input.display(),
        write: &mut write,
    };
    match &opts.policy {
        Policy::DryRun => pass(input, opts, 1, 1, &mut |_| Ok(())),
        Policy::SinglePass => {
            let mut stopped = false;
            let mut report = pass(input, opts, 1, 1, &mut |event| match event {
                Event::Valid(c) if !stopped => chunks.add(c),
                Event::Valid(_) => Ok(()),
                Event::Invalid(..) => {
                    stopped = true;
                    chunks.batch.clear();
                    Ok(())
                }
            })?;
            if !stopped {
                chunks.flush()?;
            }
            report.written = chunks.written;
            Ok(report)
        }
        Policy::SkipInvalid { rejects } => {
            let mut saver = Rejects::new(rejects.clone());
            let mut report = pass(input, opts, 1, 1, &mut |event| match event {
                Event::Valid(c) => chunks.add(c),
                Event::Invalid(e, original) => saver.save(e, original).map_err(|m| {
                    ImportError::Options(format!(
                        "cannot write the refused rows to {}: {m}",
                        rejects.display()
                    ))
                }),
            })?;
            chunks.flush()?;
            saver.finish().map_err(|m| {
                ImportError::Options(format!("cannot write {}: {m}", rejects.display()))
            })?;
            report.written = chunks.written;
            if report.invalid_count > 0 {
                report.rejects = Some(rejects.clone());
            }
            Ok(report)
        }
        Policy::AllOrNothing => {
            let stamp = input.stamp();
            let mut buffer = Vec::new();
            let mut overflow = false;
            let mut report = pass(input, opts, 1, 1, &mut |event| {
                if let Event::Valid(c) = event
                    && !overflow
                {
                    buffer.extend(c.new_lists);
                    buffer.push(c.record);
                    if buffer.len() > chunks.size {
                        // Too big to hold: validate only, and read the file again to write.
                        overflow = true;
                        buffer = Vec::new();
                    }
                }
                Ok(())
            })?;
            if report.invalid_count > 0 {
                return Ok(report);
            }
            if !overflow {
                chunks.batch = buffer;
                chunks.flush()?;
                report.written = chunks.written;
                return Ok(report);
            }
            if input.stamp() != stamp {
                return Err(ImportError::File {
                    file: input.display(),
                    message: "changed while it was being validated; nothing was written, \
                              import it again"
                        .into(),
                });
            }
            let mut report = pass(input, opts, 2, 2, &mut |event| match event {
                Event::Valid(c) => chunks.add(c),
                Event::Invalid(e, _) => Err(ImportError::File {
                    file: input.display(),
                    message: format!(
                        "changed while it was being imported ({e}); {} records were \
                         already written: fix the file and import it again (rows already \
                         written are skipped)",
                        chunks.written
                    ),
                }),
            })?;
            chunks.flush()?;
            report.written = chunks.written;
            Ok(report)
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Gathers valid rows into chunks and hands each full chunk to the writer.
struct Chunker<'w> {
    batch: Vec<Record>,
    /// Records the writer has accepted so far.
    written: usize,
    size: usize,
    file: String,
    write: &'w mut dyn FnMut(Vec<Record>) -> Result<(), BoxError>,
}

impl Chunker<'_> {
    /// Add a valid row (and the list records it is the first to need); write a full chunk.
    fn add(&mut self, c: Converted) -> Result<(), ImportError> {
        self.batch.extend(c.new_lists);
        self.batch.push(c.record);
        if self.batch.len() >= self.size {
            self.flush()?;
        }
        Ok(())
    }

    /// Write what is gathered, if anything.
    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let n = self.batch.len();
        (self.write)(std::mem::take(&mut self.batch)).map_err(|source| ImportError::Write {
            file: self.file.clone(),
            written: self.written,
            source,
        })?;
        self.written += n;
        Ok(())
    }
}

/// The rows of the file as they are, for the file of refused rows.
enum Original<'r> {
    Cells {
        header: &'r [String],
        cells: &'r [String],
    },
    Json(&'r str),
}

enum Event<'r> {
    Valid(Converted),
    Invalid(&'r RowError, Original<'r>),
}

/// Counts the bytes read, for progress.
struct Counting<'a> {
    inner: Box<dyn Read + 'a>,
    count: Rc<Cell<u64>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

fn open_counted<'a>(input: &Input<'a>, counter: &Rc<Cell<u64>>) -> io::Result<Box<dyn Read + 'a>> {
    Ok(Box::new(Counting {
        inner: input.open()?,
        count: counter.clone(),
    }))
}

fn detect_format(input: &Input<'_>) -> Result<Format, String> {
    match input.extension().as_str() {
        "csv" | "tsv" | "tab" | "txt" => return Ok(Format::Csv),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => return Ok(Format::Spreadsheet),
        "json" | "jsonl" | "ndjson" => return Ok(Format::Json),
        _ => {}
    }
    let mut head = [0u8; 512];
    let mut r = input.open().map_err(|e| format!("cannot be read: {e}"))?;
    let mut n = 0;
    while n < head.len() {
        match r.read(&mut head[n..]).map_err(|e| e.to_string())? {
            0 => break,
            k => n += k,
        }
    }
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Format::Spreadsheet);
    }
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Ok(Format::Json),
        _ => Ok(Format::Csv),
    }
}

/// One pass over the file: every row converted and validated, each outcome given to `sink`.
fn pass(
    input: Input<'_>,
    opts: &ImportOptions,
    pass_no: u8,
    passes: u8,
    sink: &mut dyn FnMut(Event<'_>) -> Result<(), ImportError>,
) -> Result<ImportReport, ImportError> {
    let file = input.display();
    let file_err = |message: String| ImportError::File {
        file: file.clone(),
        message,
    };
    let format = match opts.format {
        Some(f) => f,
        None => detect_format(&input).map_err(file_err)?,
    };
    let mut report = ImportReport::new(file.clone(), format);
    let counter = Rc::new(Cell::new(0u64));
    let bytes_total = input.len();
    let progress = |rows: usize| {
        if let Some(p) = &opts.progress {
            p(&Progress {
                pass: pass_no,
                passes,
                rows,
                bytes_read: counter.get(),
                bytes_total,
            });
        }
    };
    let open =
        || open_counted(&input, &counter).map_err(|e| file_err(format!("cannot be read: {e}")));
    let mapping_encoding = opts
        .encoding
        .as_deref()
        .or(opts.mapping.as_ref().and_then(|m| m.encoding.as_deref()));
    let explicit = mapping_encoding
        .map(encoding::named)
        .transpose()
        .map_err(ImportError::Options)?;

    let source = check_source(opts)?;
    if format == Format::Json {
        if opts.mapping.is_some() {
            report
                .notes
                .push("a mapping does not apply to JSON records; it was ignored".into());
        }
        let kind = opts.kind;
        report.kind = kind;
        report.encoding = "UTF-8".into();
        let lists = list_constants(opts.list.as_deref(), None, source.as_deref())?;
        let common = Common {
            dataset: dataset_key(None, source.as_deref(), &input.file_name(), false),
            source,
            lists,
        };
        let mut src = json::open(open()?).map_err(&file_err)?;
        let mut state = State::default();
        while let Some(row) = src.next_record().map_err(&file_err)? {
            report.rows += 1;
            let result = row.value.map_err(|reason| RowError {
                row: row.row,
                at: row.at.clone(),
                column: None,
                reason,
            });
            let outcome = result
                .and_then(|v| convert::json_record(v, kind, &common, row.row, &row.at, &mut state));
            outcome_to_sink(&mut report, outcome, Original::Json(&row.raw), sink)?;
            if report.rows.is_multiple_of(2000) {
                progress(report.rows);
            }
        }
        if report.rows == 0 {
            return Err(file_err("has no records".into()));
        }
        progress(report.rows);
        return Ok(report);
    }

    let data;
    let mut table: Box<dyn Table + '_> = match format {
        Format::Spreadsheet => {
            let sheet = opts.mapping.as_ref().and_then(|m| m.sheet.as_deref());
            let sheet_table = match input {
                Input::Bytes { data: bytes, .. } => SheetTable::open(io::Cursor::new(bytes), sheet),
                Input::Path(_) => {
                    let mut bytes = Vec::new();
                    open()?
                        .read_to_end(&mut bytes)
                        .map_err(|e| file_err(format!("cannot be read: {e}")))?;
                    data = bytes;
                    SheetTable::open(io::Cursor::new(&data[..]), sheet)
                }
            }
            .map_err(&file_err)?;
            report.encoding = format!("sheet `{}`", sheet_table.sheet);
            Box::new(sheet_table)
        }
        _ => {
            let decision = encoding::sniff(
                input
                    .open()
                    .map_err(|e| file_err(format!("cannot be read: {e}")))?,
                explicit,
            )
            .map_err(|e| file_err(format!("cannot be read: {e}")))?;
            report.encoding = decision.label.clone();
            report.notes.extend(decision.note.clone());
            let delimiter = opts
                .mapping
                .as_ref()
                .and_then(|m| m.delimiter.as_ref())
                .map(|d| d.as_bytes()[0])
                .or((input.extension() == "tsv").then_some(b'\t'));
            let (t, used) = CsvTable::open(open()?, &decision, delimiter).map_err(&file_err)?;
            if used != b',' && delimiter.is_none() {
                report.notes.push(format!(
                    "cells are separated by `{}` (told from the header)",
                    if used == b'\t' {
                        "tab".to_string()
                    } else {
                        (used as char).to_string()
                    }
                ));
            }
            Box::new(t)
        }
    };

    let header = table.header().to_vec();
    if header.iter().all(|h| h.is_empty()) {
        return Err(file_err(
            "has an empty header row: the first row must name the columns".into(),
        ));
    }
    let upr = Mapping::is_upr_header(&header);
    let (mapping, kind) = choose(opts, &header, upr, &mut report).map_err(&file_err)?;
    report.kind = Some(kind);
    report.mapping = if mapping.name.is_empty() {
        "columns named like fields".into()
    } else {
        mapping.name.clone()
    };
    let constant = |k: &str| mapping.constants.get(k).and_then(toml::Value::as_str);
    let source = match (source, constant("source")) {
        (Some(s), _) => Some(s),
        (None, Some(s)) => Some(check_source_id(s, "the mapping's constant `source`")?),
        (None, None) => None,
    };
    let lists = list_constants(opts.list.as_deref(), constant("list"), source.as_deref())?;
    let common = Common {
        dataset: String::new(),
        source: source.clone(),
        lists,
    };
    let mut plan = Plan::new(&header, &mapping, kind, common).map_err(&file_err)?;
    plan.set_dataset(dataset_key(
        mapping.key.as_deref(),
        source.as_deref(),
        &input.file_name(),
        plan.keyed_by_column(),
    ));
    report.unused_columns = plan.unused.clone();
    let mut state = State::default();
    while let Some(row) = table.next_row().map_err(&file_err)? {
        if row.is_blank() {
            report.blank_rows += 1;
            continue;
        }
        report.rows += 1;
        let outcome = plan.convert(&row, &mut state);
        let original = Original::Cells {
            header: &header,
            cells: &row.cells,
        };
        outcome_to_sink(&mut report, outcome, original, sink)?;
        if report.rows.is_multiple_of(2000) {
            progress(report.rows);
        }
    }
    if report.rows == 0 {
        let blank = if report.blank_rows > 0 {
            " (only blank rows)"
        } else {
            ""
        };
        return Err(file_err(format!("has a header but no data rows{blank}")));
    }
    progress(report.rows);
    Ok(report)
}

fn outcome_to_sink(
    report: &mut ImportReport,
    outcome: Result<Converted, RowError>,
    original: Original<'_>,
    sink: &mut dyn FnMut(Event<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    match outcome {
        Ok(c) => {
            report.valid += 1;
            for l in &c.new_lists {
                report.new_lists.push(l.id.clone());
            }
            sink(Event::Valid(c))
        }
        Err(e) => {
            sink(Event::Invalid(&e, original))?;
            report.refuse(e);
            Ok(())
        }
    }
}

/// The mapping and the kind for this header.
fn choose(
    opts: &ImportOptions,
    header: &[String],
    upr: bool,
    report: &mut ImportReport,
) -> Result<(Mapping, Kind), String> {
    let mapping = match &opts.mapping {
        Some(m) => m.clone(),
        None if upr && matches!(opts.kind, None | Some(Kind::Recommendation)) => Mapping::upr(),
        None => Mapping::default(),
    };
    let mapping_kind = match mapping.kind() {
        Some(k) => Some(Kind::parse(k).ok_or_else(|| {
            format!(
                "the mapping's kind `{k}` is not a record kind ({})",
                kinds()
            )
        })?),
        None => None,
    };
    let kind = match (opts.kind, mapping_kind) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "--kind {a} was given, but the mapping says kind = \"{b}\""
            ));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => {
            let names = ["full_name", "first_name", "last_name", "name_fa"];
            let found: Vec<&String> = header
                .iter()
                .filter(|h| names.contains(&h.trim().to_lowercase().replace(' ', "_").as_str()))
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "say which kind of records the rows are: --kind {}",
                    kinds().replace(", ", "|")
                ));
            }
            report.notes.push(format!(
                "rows read as people because of the column {}; give --kind to choose",
                found[0]
            ));
            Kind::Person
        }
    };
    Ok((mapping, kind))
}

fn kinds() -> String {
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_source(opts: &ImportOptions) -> Result<Option<String>, ImportError> {
    opts.source
        .as_deref()
        .map(|s| check_source_id(s, "--source"))
        .transpose()
}

fn check_source_id(s: &str, what: &str) -> Result<String, ImportError> {
    let s = s.trim();
    id::check(Kind::Source, s)
        .map(|()| s.to_string())
        .map_err(|m| ImportError::Options(format!("{what}: {m}; give the id of a source record")))
}

/// The lists every person joins: `--list` and the mapping's `list` constant.
fn list_constants(
    option: Option<&str>,
    constant: Option<&str>,
    source: Option<&str>,
) -> Result<Vec<(String, Option<Record>)>, ImportError> {
    let mut out: Vec<(String, Option<Record>)> = Vec::new();
    for name in [option, constant].into_iter().flatten() {
        if name.trim().is_empty() {
            return Err(ImportError::Options("--list needs a list name".into()));
        }
        let (id, record) = convert::list_record(name, source).map_err(ImportError::Options)?;
        if !out.iter().any(|(i, _)| *i == id) {
            out.push((id, record));
        }
    }
    Ok(out)
}

/// What names the data set in ids: the mapping's `key`; else, for rows keyed by an id column,
/// the source (or the file name); for rows keyed by their number, the source and the file name
/// (row numbers mean nothing across files).
fn dataset_key(key: Option<&str>, source: Option<&str>, file: &str, by_column: bool) -> String {
    match (key, source, by_column) {
        (Some(k), _, _) => k.to_string(),
        (None, Some(s), true) => s.to_string(),
        (None, Some(s), false) => format!("{s}/{file}"),
        (None, None, _) => file.to_string(),
    }
}

/// The refused rows, as CSV: an `error` column, then the row's cells as they were.
struct Rejects {
    path: PathBuf,
    writer: Option<csv::Writer<File>>,
}

impl Rejects {
    fn new(path: PathBuf) -> Self {
        Rejects { path, writer: None }
    }

    fn save(&mut self, e: &RowError, original: Original<'_>) -> Result<(), String> {
        if self.writer.is_none() {
            let w = csv::WriterBuilder::new()
                .flexible(true)
                .from_path(&self.path)
                .map_err(|e| e.to_string())?;
            self.writer = Some(w);
            let header: Vec<String> = match &original {
                Original::Cells { header, .. } => std::iter::once("error".to_string())
                    .chain(header.iter().cloned())
                    .collect(),
                Original::Json(_) => vec!["error".into(), "record".into()],
            };
            let w = self.writer.as_mut().expect("just created");
            w.write_record(&header).map_err(|e| e.to_string())?;
        }
        let w = self.writer.as_mut().expect("created above");
        let error = e.to_string();
        let row: Vec<String> = match original {
            Original::Cells { cells, .. } => std::iter::once(error)
                .chain(cells.iter().map(|c| crate::export::protect_cell(c)))
                .collect(),
            Original::Json(raw) => vec![error, crate::export::protect_cell(raw)],
        };
        w.write_record(&row).map_err(|e| e.to_string())
    }

    fn finish(self) -> Result<(), String> {
        match self.writer {
            Some(mut w) => w.flush().map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }
}
