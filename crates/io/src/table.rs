//! Tables of text cells: CSV files (streamed) and spreadsheets (XLSX, XLS, ODS via calamine).
//!
//! A source yields its header once, then one [`CellRow`] per data row, numbered as a
//! spreadsheet user counts them (row 1 is the first row under the header, blank rows count)
//! and located in the file (line or sheet row), so that every message can point at the row.

use crate::encoding::{self, CrToLf, Decision, Transcode};
use crate::report::At;
use std::io::{self, BufRead, BufReader, Read};

/// One data row as read, before any mapping.
#[derive(Debug, Clone)]
pub(crate) struct CellRow {
    pub row: usize,
    pub at: At,
    pub cells: Vec<String>,
    /// Cells that could not be read (undecodable bytes, spreadsheet error values): column
    /// index and reason. They only refuse the row when the column is used.
    pub bad_cells: Vec<(usize, String)>,
    /// The row as a whole is malformed (ragged).
    pub shape: Option<String>,
}

impl CellRow {
    pub fn is_blank(&self) -> bool {
        self.shape.is_none()
            && self.bad_cells.is_empty()
            && self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// A source of rows with a header.
pub(crate) trait Table {
    fn header(&self) -> &[String];
    /// The next data row; `Err` only when the file cannot be read any further.
    fn next_row(&mut self) -> Result<Option<CellRow>, String>;
}

/// A CSV file read as a stream.
pub(crate) struct CsvTable<'a> {
    reader: csv::Reader<Box<dyn Read + 'a>>,
    header: Vec<String>,
    record: csv::ByteRecord,
    row: usize,
    /// The line the next record starts on if no blank line comes first.
    expected_line: u64,
    undecided: Option<String>,
}

impl<'a> CsvTable<'a> {
    /// `delimiter`: from the mapping; otherwise guessed from the header line (`,` `;` or tab).
    pub fn open(
        raw: Box<dyn Read + 'a>,
        decision: &Decision,
        delimiter: Option<u8>,
    ) -> Result<(CsvTable<'a>, u8), String> {
        let mut raw = raw;
        if decision.skip > 0 {
            let mut bom = vec![0u8; decision.skip];
            raw.read_exact(&mut bom).map_err(|e| e.to_string())?;
        }
        let text: Box<dyn Read + 'a> = match decision.encoding {
            Some(enc) => Box::new(Transcode::new(raw, enc)),
            None => raw,
        };
        let mut buffered = BufReader::with_capacity(64 * 1024, CrToLf::new(BufReader::new(text)));
        let head = buffered.fill_buf().map_err(|e| e.to_string())?;
        if head.starts_with(b"PK\x03\x04") {
            return Err(
                "is a zip archive (an XLSX or ODS workbook?), not CSV text; \
                        give it its .xlsx or .ods name"
                    .into(),
            );
        }
        let delimiter = delimiter.unwrap_or_else(|| guess_delimiter(head));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Box::new(buffered) as Box<dyn Read + 'a>);
        let mut record = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut record)
            .map_err(|e| e.to_string())?;
        if !has_header {
            return Err("is empty: no header and no rows".into());
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(s) => header.push(s.trim().to_string()),
                Err(_) => {
                    let why = decision
                        .undecided
                        .clone()
                        .unwrap_or_else(|| "the file is not UTF-8".into());
                    return Err(format!(
                        "the header (column {}) is not valid UTF-8: {why}; {}",
                        i + 1,
                        encoding::RESAVE
                    ));
                }
            }
        }
        let expected_line = reader.position().line();
        Ok((
            CsvTable {
                reader,
                header,
                record,
                row: 0,
                expected_line,
                undecided: decision.undecided.clone(),
            },
            delimiter,
        ))
    }
}

/// Line breaks inside a record's cells (after [`CrToLf`], each is one `\n`).
fn newlines(record: &csv::ByteRecord) -> u64 {
    record
        .iter()
        .map(|c| c.iter().filter(|&&b| b == b'\n').count() as u64)
        .sum()
}

/// The delimiter that occurs most in the first line outside quotes (`,` on a tie).
fn guess_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

impl Table for CsvTable<'_> {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self) -> Result<Option<CellRow>, String> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| format!("cannot be read after row {}: {e}", self.row))?;
        if !more {
            return Ok(None);
        }
        // The parser skips empty lines and reports a record's position from before them, so
        // the start is worked out from the end: every record ends with a line end (CrToLf).
        let end = self.reader.position().line();
        let line = end
            .saturating_sub(1 + newlines(&self.record))
            .max(self.expected_line);
        // A spreadsheet shows the skipped empty lines as rows.
        self.row += 1 + line.saturating_sub(self.expected_line) as usize;
        self.expected_line = end;
        let mut cells = Vec::with_capacity(self.record.len());
        let mut bad_cells = Vec::new();
        for (i, cell) in self.record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(s) => cells.push(s.to_string()),
                Err(e) => {
                    let byte = cell[e.valid_up_to()];
                    let why = self.undecided.as_deref().unwrap_or("the file is not UTF-8");
                    bad_cells.push((
                        i,
                        format!(
                            "has bytes that are not UTF-8 (0x{byte:02X}): {why}; {}",
                            encoding::RESAVE
                        ),
                    ));
                    cells.push(String::from_utf8_lossy(cell).into_owned());
                }
            }
        }
        let width = self.header.len();
        let shape = shape_error(&mut cells, width);
        Ok(Some(CellRow {
            row: self.row,
            at: At::Line(line),
            cells,
            bad_cells,
            shape,
        }))
    }
}

/// Ragged rows: trailing empty cells beyond the header are harmless (spreadsheets write them);
/// anything else means a stray delimiter or an unbalanced quote.
fn shape_error(cells: &mut Vec<String>, width: usize) -> Option<String> {
    if cells.len() > width && cells[width..].iter().all(|c| c.trim().is_empty()) {
        cells.truncate(width);
    }
    if cells.len() == width {
        return None;
    }
    let hint = if cells.len() > width {
        "a delimiter inside a cell that is not quoted?"
    } else if cells.iter().any(|c| c.contains('\n')) {
        "a quote that is not closed swallows the rows after it?"
    } else {
        "a missing delimiter, or a row cut short?"
    };
    Some(format!(
        "has {} cells but the header has {width} columns ({hint})",
        cells.len()
    ))
}

/// A worksheet, read whole (calamine loads sheets into memory).
pub(crate) struct SheetTable {
    rows: std::vec::IntoIter<(u64, Vec<calamine::Data>)>,
    header: Vec<String>,
    header_row: u64,
    pub sheet: String,
}

impl SheetTable {
    pub fn open<RS>(data: RS, sheet: Option<&str>) -> Result<SheetTable, String>
    where
        RS: io::Read + io::Seek + Clone,
    {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto_from_rs(data).map_err(|e| {
            format!("cannot be read as a spreadsheet (XLSX, XLS, XLSB or ODS): {e}")
        })?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(s) => names
                .iter()
                .find(|n| n.as_str() == s || n.trim().eq_ignore_ascii_case(s.trim()))
                .cloned()
                .ok_or_else(|| {
                    format!("has no sheet `{s}`; its sheets are: {}", names.join(", "))
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| "has no sheets".to_string())?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet `{name}` cannot be read: {e}"))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<(u64, Vec<calamine::Data>)> = Vec::with_capacity(range.height());
        for (i, r) in range.rows().enumerate() {
            // Sheet rows as Excel numbers them; columns left of the range are empty.
            let mut cells = vec![calamine::Data::Empty; first_col as usize];
            cells.extend_from_slice(r);
            rows.push((u64::from(first_row) + i as u64 + 1, cells));
        }
        let mut rows = rows.into_iter();
        let (header_row, header_cells) = loop {
            match rows.next() {
                None => {
                    return Err(format!("sheet `{name}` is empty: no header and no rows"));
                }
                Some((n, cells)) if cells.iter().any(|c| !cell_text(c).0.trim().is_empty()) => {
                    break (n, cells);
                }
                Some(_) => {}
            }
        };
        let header = header_cells
            .iter()
            .map(|c| cell_text(c).0.trim().to_string())
            .collect();
        Ok(SheetTable {
            rows,
            header,
            header_row,
            sheet: name,
        })
    }
}

/// A cell as text, and the reason it cannot be used (an error value such as `#REF!`).
fn cell_text(cell: &calamine::Data) -> (String, Option<String>) {
    use calamine::Data;
    match cell {
        Data::Empty => (String::new(), None),
        Data::String(s) => (s.clone(), None),
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (format!("{}", *f as i64), None),
        Data::Float(f) => (f.to_string(), None),
        Data::Bool(b) => (b.to_string(), None),
        Data::DateTime(d) if d.is_datetime() => {
            // A date cell: the day only (a record's dates are days, never timestamps).
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            (format!("{y:04}-{m:02}-{day:02}"), None)
        }
        Data::DateTime(d) => (d.as_f64().to_string(), None),
        Data::DateTimeIso(s) => (s.split('T').next().unwrap_or(s).to_string(), None),
        Data::DurationIso(s) => (s.clone(), None),
        Data::Error(e) => (
            String::new(),
            Some(format!("the cell holds the spreadsheet error value {e}")),
        ),
    }
}

impl Table for SheetTable {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self) -> Result<Option<CellRow>, String> {
        let Some((sheet_row, data)) = self.rows.next() else {
            return Ok(None);
        };
        let mut cells = Vec::with_capacity(data.len());
        let mut bad_cells = Vec::new();
        for (i, d) in data.iter().enumerate() {
            let (text, bad) = cell_text(d);
            if let Some(why) = bad {
                bad_cells.push((i, why));
            }
            cells.push(text);
        }
        // Sheets are rectangular: missing cells are empty, extra ones beyond the header
        // count only when they hold something.
        let width = self.header.len();
        if cells.len() < width {
            cells.resize(width, String::new());
        }
        let shape = shape_error(&mut cells, width);
        Ok(Some(CellRow {
            row: (sheet_row - self.header_row) as usize,
            at: At::SheetRow(sheet_row),
            cells,
            bad_cells,
            shape,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8]) -> (Vec<String>, Vec<CellRow>) {
        let decision = encoding::sniff(text, None).unwrap();
        let input = Box::new(io::Cursor::new(text.to_vec()));
        let (mut t, _) = CsvTable::open(input, &decision, None).unwrap();
        let mut out = Vec::new();
        while let Some(r) = t.next_row().unwrap() {
            out.push(r);
        }
        (t.header().to_vec(), out)
    }

    #[test]
    fn rows_and_lines_with_every_line_end() {
        for text in [
            &b"a,b\n1,2\n\n3,\"x\ny\"\n4,5\n"[..],
            &b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n"[..],
            &b"a,b\r1,2\r\r3,\"x\ry\"\r4,5\r"[..],
        ] {
            let (header, rows) = rows(text);
            assert_eq!(header, ["a", "b"]);
            let got: Vec<(usize, At)> = rows.iter().map(|r| (r.row, r.at.clone())).collect();
            assert_eq!(
                got,
                [(1, At::Line(2)), (3, At::Line(4)), (4, At::Line(6))],
                "{text:?}"
            );
            assert_eq!(rows[1].cells[1], "x\ny");
        }
    }

    #[test]
    fn ragged_rows_are_named() {
        let (_, rows) = rows(b"a,b,c\n1,2,3,,\n1,2\n1,2,3,4\n");
        assert!(rows[0].shape.is_none());
        assert!(rows[1].shape.as_ref().unwrap().contains("has 2 cells"));
        assert!(rows[2].shape.as_ref().unwrap().contains("has 4 cells"));
    }

    #[test]
    fn delimiter_is_guessed_from_the_header() {
        assert_eq!(guess_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(guess_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(guess_delimiter(b"\"a;b\",c\n"), b',');
    }
}
