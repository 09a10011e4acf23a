//! Helpers shared by the integration tests.
#![allow(dead_code)]

use rightsdoc_io::{
    ImportError, ImportOptions, ImportReport, Imported, Input, import_chunks, read,
};
use serde_json::Value;
use std::io::Write;

/// Read CSV text named `name` with `opts`.
pub fn csv(name: &str, text: &str, opts: &ImportOptions) -> Result<Imported, ImportError> {
    read(Input::bytes(name, text.as_bytes()), opts)
}

/// Import with the default policy and count what reaches the writer.
pub fn import_counting(
    name: &str,
    data: &[u8],
    opts: &ImportOptions,
) -> Result<(ImportReport, Vec<Vec<Value>>), ImportError> {
    let mut chunks = Vec::new();
    let report = import_chunks(Input::bytes(name, data), opts, 1000, |c| {
        chunks.push(c.iter().map(rightsdoc_model::Record::to_value).collect());
        Ok::<(), std::io::Error>(())
    })?;
    Ok((report, chunks))
}

pub fn person_opts() -> ImportOptions {
    ImportOptions {
        kind: Some(rightsdoc_model::Kind::Person),
        ..Default::default()
    }
}

/// A cell of a test workbook.
pub enum Cell<'a> {
    S(&'a str),
    N(f64),
    /// An error value such as `#REF!`.
    E(&'a str),
    Empty,
}

fn column_letter(i: usize) -> String {
    let mut s = String::new();
    let mut n = i + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal XLSX workbook with these sheets (inline strings, no styles).
pub fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut put = |name: &str, body: String| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    let mut overrides = String::new();
    let mut sheet_list = String::new();
    let mut rels = String::new();
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        overrides.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        sheet_list.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            escape(name)
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
    }
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into());
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
        ),
    );
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    for (i, (_, rows)) in sheets.iter().enumerate() {
        let mut data = String::new();
        for (r, row) in rows.iter().enumerate() {
            data.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_letter(c), r + 1);
                match cell {
                    Cell::S(s) => data.push_str(&format!(
                        r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                        escape(s)
                    )),
                    Cell::N(x) => data.push_str(&format!(r#"<c r="{at}"><v>{x}</v></c>"#)),
                    Cell::E(e) => {
                        data.push_str(&format!(r#"<c r="{at}" t="e"><v>{}</v></c>"#, escape(e)))
                    }
                    Cell::Empty => {}
                }
            }
            data.push_str("</row>");
        }
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}
