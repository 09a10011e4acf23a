//! The JSON import format (what `export --format json` writes): a JSON array of records, or
//! JSON Lines. Both are streamed record by record, so a syntax error in one record refuses that
//! record and names its line instead of refusing the file.

use crate::report::At;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

/// One record as read.
pub(crate) struct JsonRow {
    /// Record number, from 1.
    pub row: usize,
    pub at: At,
    pub value: Result<Value, String>,
    /// The record's text, for the file of refused rows.
    pub raw: String,
}

pub(crate) enum JsonSource<'a> {
    Array(Scanner<'a>),
    Lines(Scanner<'a>),
}

/// A byte reader that counts lines.
pub(crate) struct Scanner<'a> {
    r: BufReader<Box<dyn Read + 'a>>,
    line: u64,
    row: usize,
    done: bool,
}

impl<'a> Scanner<'a> {
    fn peek(&mut self) -> Result<Option<u8>, String> {
        let buf = self.r.fill_buf().map_err(|e| e.to_string())?;
        Ok(buf.first().copied())
    }

    fn bump(&mut self) {
        if let Ok(Some(b'\n')) = self.peek() {
            self.line += 1;
        }
        self.r.consume(1);
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, String> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.bump(),
                other => return Ok(other),
            }
        }
    }
}

/// Open a JSON source: an array (`[`…) or JSON Lines (`{`…).
pub(crate) fn open<'a>(reader: Box<dyn Read + 'a>) -> Result<JsonSource<'a>, String> {
    let mut s = Scanner {
        r: BufReader::with_capacity(64 * 1024, reader),
        line: 1,
        row: 0,
        done: false,
    };
    if s.r
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0xEF, 0xBB, 0xBF])
    {
        s.r.consume(3);
    }
    match s.skip_ws()? {
        None => Err("is empty: no records".into()),
        Some(b'[') => {
            s.bump();
            Ok(JsonSource::Array(s))
        }
        Some(b'{') => Ok(JsonSource::Lines(s)),
        Some(_) => Err(
            "is not JSON records: a JSON import is an array of records ([{…}, …]) or one \
             record per line ({…} lines)"
                .into(),
        ),
    }
}

impl JsonSource<'_> {
    pub fn next_record(&mut self) -> Result<Option<JsonRow>, String> {
        match self {
            JsonSource::Array(s) => next_in_array(s),
            JsonSource::Lines(s) => next_line(s),
        }
    }
}

fn parse(bytes: &[u8], first_line: u64) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_string();
        format!(
            "is not valid JSON: {what} (line {}, column {})",
            first_line + e.line().saturating_sub(1) as u64,
            e.column()
        )
    })
}

fn next_line(s: &mut Scanner) -> Result<Option<JsonRow>, String> {
    let mut line = Vec::new();
    loop {
        if s.done {
            return Ok(None);
        }
        line.clear();
        let n =
            s.r.read_until(b'\n', &mut line)
                .map_err(|e| e.to_string())?;
        if n == 0 {
            s.done = true;
            return Ok(None);
        }
        let at = s.line;
        s.line += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        s.row += 1;
        return Ok(Some(JsonRow {
            row: s.row,
            at: At::Line(at),
            value: parse(&line, at),
            raw: String::from_utf8_lossy(&line).trim_end().to_string(),
        }));
    }
}

fn next_in_array(s: &mut Scanner) -> Result<Option<JsonRow>, String> {
    if s.done {
        return Ok(None);
    }
    let mut b = s.skip_ws()?;
    if s.row > 0 {
        match b {
            Some(b',') => {
                s.bump();
                b = s.skip_ws()?;
            }
            Some(b']') => {}
            None => return Err(format!("ends at line {} without the closing `]`", s.line)),
            Some(_) => {
                return Err(format!(
                    "line {}: expected `,` or `]` after record {}",
                    s.line, s.row
                ));
            }
        }
    }
    match b {
        None => return Err(format!("ends at line {} without the closing `]`", s.line)),
        Some(b']') => {
            s.bump();
            s.done = true;
            if s.skip_ws()?.is_some() {
                return Err(format!("has text after the closing `]` (line {})", s.line));
            }
            return Ok(None);
        }
        Some(_) => {}
    }
    // One element: up to the `,` or `]` at depth 0, outside strings.
    let first_line = s.line;
    let mut bytes = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    loop {
        let Some(c) = s.peek()? else {
            s.done = true;
            s.row += 1;
            return Ok(Some(JsonRow {
                row: s.row,
                at: At::Record { line: first_line },
                value: Err("the file ends inside this record (a missing `}`, `]` or `\"`?)".into()),
                raw: String::from_utf8_lossy(&bytes).into_owned(),
            }));
        };
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        // The record is complete; what follows must be `,` or `]`.
                        bytes.push(c);
                        s.bump();
                        break;
                    }
                }
                b',' | b']' if depth == 0 => break,
                _ => {}
            }
        }
        bytes.push(c);
        s.bump();
    }
    s.row += 1;
    Ok(Some(JsonRow {
        row: s.row,
        at: At::Record { line: first_line },
        value: parse(&bytes, first_line),
        raw: String::from_utf8_lossy(&bytes).trim().to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Got = (usize, At, Result<Value, String>);

    fn all(text: &'static str) -> Result<Vec<Got>, String> {
        let mut src = open(Box::new(text.as_bytes()))?;
        let mut out = Vec::new();
        while let Some(r) = src.next_record()? {
            out.push((r.row, r.at, r.value));
        }
        Ok(out)
    }

    #[test]
    fn arrays_and_lines() {
        let rows = all("\u{feff}[\n {\"a\": \"x,]\"},\n {\"b\": [1, 2]}\n]\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1, At::Record { line: 3 });
        assert_eq!(rows[0].2.as_ref().unwrap()["a"], "x,]");
        let rows = all("{\"a\": 1}\n\n{\"a\": \n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1, At::Line(3));
        assert!(rows[1].2.as_ref().unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn broken_arrays_are_named() {
        assert!(all("").unwrap_err().contains("empty"));
        assert!(all("nope").unwrap_err().contains("not JSON records"));
        assert!(
            all("[{\"a\": 1} {\"b\": 2}]")
                .unwrap_err()
                .contains("expected `,`")
        );
        assert!(
            all("[{\"a\": 1},")
                .unwrap_err()
                .contains("without the closing")
        );
        let rows = all("[{\"a\": {\"b\": 1}").unwrap();
        assert!(
            rows[0].2.as_ref().unwrap_err().contains("ends inside"),
            "{rows:?}"
        );
        assert!(
            all("[{\"a\": [1}]")
                .unwrap_err()
                .contains("without the closing")
        );
    }
}
