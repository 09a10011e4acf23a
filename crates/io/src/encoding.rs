//! Text encodings of incoming CSV files.
//!
//! UTF-8 is read as it is (a byte-order mark is dropped); UTF-16 is decoded when a byte-order
//! mark says so. A file that is not UTF-8 is decoded as Windows-1252 or Mac OS Roman only when
//! its accented letters make one of them plausible and the other implausible (the UPR Info
//! exports are Mac OS Roman: `Equit\x8e` reads `Equité` there and `EquitŽ` in Windows-1252).
//! Otherwise nothing is guessed: rows with undecodable bytes are refused and the user is told
//! to re-save the file as UTF-8 or to name its encoding.

use encoding_rs::{Decoder, Encoding, MACINTOSH, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::io::{self, BufRead, Read};
use std::sync::LazyLock;

/// How the bytes of a file become text.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    /// `None`: the bytes are UTF-8 (or undecided) and are passed through; rows are checked.
    pub encoding: Option<&'static Encoding>,
    /// Bytes of a byte-order mark to skip.
    pub skip: usize,
    /// For the report, e.g. "UTF-8" or "macintosh (detected)".
    pub label: String,
    /// Said to the user once, in the report.
    pub note: Option<String>,
    /// Set when the file is not UTF-8 and its encoding could not be told: the reason, repeated
    /// in the error of every row with undecodable bytes.
    pub undecided: Option<String>,
}

/// What to tell a user whose file is not UTF-8.
pub(crate) const RESAVE: &str = "re-save it as UTF-8 (in Excel: Save As → \"CSV UTF-8\"; \
     in LibreOffice: character set \"Unicode (UTF-8)\"), or name its encoding in a mapping \
     (`encoding = \"windows-1252\"`)";

/// An encoding named by the user (a WHATWG label such as `windows-1252`, `macintosh`,
/// `utf-16le`, `iso-8859-1`).
pub(crate) fn named(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding `{label}`; use a label such as utf-8, windows-1252, macintosh, \
             iso-8859-1 or utf-16le"
        )
    })
}

/// Decide how to read `reader` (the whole stream is scanned once; it is cheap next to parsing).
pub(crate) fn sniff(
    mut reader: impl Read,
    explicit: Option<&'static Encoding>,
) -> io::Result<Decision> {
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        match reader.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    let head = &head[..got];
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(plain("UTF-8 with a byte-order mark", 3));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let enc = if head[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        return Ok(Decision {
            encoding: Some(enc),
            skip: 2,
            label: format!("{} (byte-order mark)", friendly(enc)),
            note: None,
            undecided: None,
        });
    }
    if let Some(enc) = explicit {
        if enc == UTF_8 {
            return Ok(plain("UTF-8 (as the mapping says)", 0));
        }
        return Ok(Decision {
            encoding: Some(enc),
            skip: 0,
            label: format!("{} (as the mapping says)", friendly(enc)),
            note: None,
            undecided: None,
        });
    }
    let mut scan = Scan::default();
    scan.feed(head, false);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        scan.feed(&buf[..n], false);
    }
    scan.feed(&[], true);
    Ok(scan.decide())
}

fn plain(label: &str, skip: usize) -> Decision {
    Decision {
        encoding: None,
        skip,
        label: label.into(),
        note: None,
        undecided: None,
    }
}

/// The legacy encodings tried, in the order they are named in messages.
const CANDIDATES: [&Encoding; 2] = [WINDOWS_1252, MACINTOSH];

/// An encoding as users know it (encoding_rs calls Mac OS Roman `macintosh`).
fn friendly(enc: &'static Encoding) -> &'static str {
    if enc == MACINTOSH {
        "Mac OS Roman"
    } else if enc == WINDOWS_1252 {
        "Windows-1252"
    } else {
        enc.name()
    }
}

/// The character each byte 0x80–0xFF stands for in each candidate.
static TABLES: LazyLock<[[char; 128]; 2]> = LazyLock::new(|| {
    let mut t = [['\u{FFFD}'; 128]; 2];
    for (i, enc) in CANDIDATES.iter().enumerate() {
        for b in 0x80u8..=0xFF {
            let byte = [b];
            let (text, _) = enc.decode_without_bom_handling(&byte);
            t[i][usize::from(b - 0x80)] = text.chars().next().unwrap_or('\u{FFFD}');
        }
    }
    t
});

/// Running statistics of one pass over the bytes.
#[derive(Default)]
struct Scan {
    /// An incomplete UTF-8 sequence at the end of the last chunk.
    carry: Vec<u8>,
    invalid: usize,
    /// Valid multi-byte UTF-8 seen (a file mixing it with invalid bytes is not one encoding).
    multibyte: bool,
    nul: usize,
    /// Implausible characters per candidate.
    implausible: [usize; 2],
    high: usize,
    prev: u8,
    run: usize,
}

impl Scan {
    fn feed(&mut self, chunk: &[u8], eof: bool) {
        for &b in chunk {
            self.judge(b);
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        let mut rest = &data[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.multibyte |= !s.is_ascii();
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.multibyte |= !valid.is_ascii();
                    match e.error_len() {
                        Some(n) => {
                            self.invalid += 1;
                            rest = &after[n..];
                        }
                        None if eof => {
                            self.invalid += 1;
                            break;
                        }
                        None => {
                            self.carry = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Score one byte as each legacy candidate would read it.
    fn judge(&mut self, b: u8) {
        if b == 0 {
            self.nul += 1;
        }
        if b < 0x80 {
            self.prev = b;
            self.run = 0;
            return;
        }
        self.high += 1;
        self.run += 1;
        for (i, table) in TABLES.iter().enumerate() {
            let c = table[usize::from(b - 0x80)];
            let prev = if self.prev < 0x80 {
                char::from(self.prev)
            } else {
                table[usize::from(self.prev - 0x80)]
            };
            if !plausible(c, prev, self.run) {
                self.implausible[i] += 1;
            }
        }
        self.prev = b;
    }

    fn decide(&self) -> Decision {
        if self.invalid == 0 {
            return plain("UTF-8", 0);
        }
        let undecided = |why: String| Decision {
            encoding: None,
            skip: 0,
            label: "not UTF-8 (encoding unknown)".into(),
            note: Some(format!("the file is not UTF-8: {why}; {RESAVE}")),
            undecided: Some(why),
        };
        if self.nul > 0 {
            return undecided(
                "it contains NUL bytes (UTF-16 without a byte-order mark, or not a text file?)"
                    .into(),
            );
        }
        if self.multibyte {
            return undecided("it mixes UTF-8 text with bytes in another encoding".into());
        }
        let fits: Vec<usize> = (0..CANDIDATES.len())
            .filter(|&i| self.implausible[i] == 0)
            .collect();
        match fits[..] {
            [i] => {
                let enc = CANDIDATES[i];
                let other = CANDIDATES[1 - i];
                Decision {
                    encoding: Some(enc),
                    skip: 0,
                    label: format!("{} (detected)", friendly(enc)),
                    note: Some(format!(
                        "the file is not UTF-8; it was read as {} because its {} non-ASCII \
                         bytes only make sense as letters in that encoding (not in {}); if that \
                         is wrong, name the encoding in a mapping (`encoding = \"{}\"` or \
                         another label)",
                        friendly(enc),
                        self.high,
                        friendly(other),
                        other.name()
                    )),
                    undecided: None,
                }
            }
            [] => undecided(
                "its bytes fit neither Windows-1252 nor Mac OS Roman (another script or code page?)"
                    .into(),
            ),
            _ => undecided(
                "its few non-ASCII bytes could be Windows-1252 or Mac OS Roman, and guessing could \
                 change letters silently"
                    .into(),
            ),
        }
    }
}

/// Could `c` (decoded from a byte ≥ 0x80) appear after `prev` in Latin-script text? Accented
/// letters and common typographic marks can; symbols, control codes, an upper-case letter right
/// after a lower-case one, or three such bytes in a row (another script) cannot.
fn plausible(c: char, prev: char, run: usize) -> bool {
    if run >= 3 || c.is_control() || c == '\u{FFFD}' {
        return false;
    }
    if matches!(
        c,
        '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2026}'
            | '\u{00A0}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{00B0}'
            | '\u{00B4}'
            | '\u{2022}'
            | '\u{20AC}'
            | '\u{00A3}'
            | '\u{00A7}'
            | '\u{00A9}'
    ) {
        return true;
    }
    if ('\u{00C0}'..='\u{017F}').contains(&c) && c != '\u{00D7}' && c != '\u{00F7}' {
        return !(c.is_uppercase() && prev.is_lowercase());
    }
    false
}

/// Decodes a non-UTF-8 byte stream to UTF-8 as it is read.
pub(crate) struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    finished: bool,
    output: String,
    out_pos: usize,
}

impl<R: Read> Transcode<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Transcode {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 32 * 1024],
            start: 0,
            end: 0,
            eof: false,
            finished: false,
            output: String::new(),
            out_pos: 0,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.output.len() {
                let pending = &self.output.as_bytes()[self.out_pos..];
                let n = pending.len().min(out.len());
                out[..n].copy_from_slice(&pending[..n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let src = &self.input[self.start..self.end];
            self.output.clear();
            self.out_pos = 0;
            let room = self
                .decoder
                .max_utf8_buffer_length(src.len())
                .unwrap_or(src.len() * 3 + 16);
            self.output.reserve(room);
            let (_, read, _) = self
                .decoder
                .decode_to_string(src, &mut self.output, self.eof);
            self.start += read;
            if self.eof && self.start == self.end {
                self.finished = true;
            }
        }
    }
}

/// Turns old-Mac `\r` and Windows `\r\n` line ends into `\n`, so that the CSV parser counts
/// lines right (it counts `\n` only) and multi-line cells read the same everywhere; and ends
/// the text with a line end, so that every record is followed by one (which lets the reader
/// tell where a record started from where it ended).
pub(crate) struct CrToLf<R> {
    inner: R,
    after_cr: bool,
    last: u8,
}

impl<R: BufRead> CrToLf<R> {
    pub(crate) fn new(inner: R) -> Self {
        CrToLf {
            inner,
            after_cr: false,
            last: b'\n',
        }
    }
}

impl<R: BufRead> Read for CrToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if out.is_empty() {
                return Ok(0);
            }
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                if self.last != b'\n' {
                    self.last = b'\n';
                    out[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            let mut written = 0;
            let mut used = 0;
            for &b in buf {
                if written == out.len() {
                    break;
                }
                used += 1;
                match b {
                    b'\r' => {
                        out[written] = b'\n';
                        written += 1;
                        self.after_cr = true;
                    }
                    b'\n' if self.after_cr => self.after_cr = false,
                    _ => {
                        out[written] = b;
                        written += 1;
                        self.after_cr = false;
                    }
                }
            }
            self.inner.consume(used);
            if written > 0 {
                self.last = out[written - 1];
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(bytes: &[u8]) -> Decision {
        sniff(bytes, None).unwrap()
    }

    #[test]
    fn utf8_and_bom() {
        assert!(decide("Jos\u{e9}".as_bytes()).encoding.is_none());
        let d = decide(b"\xEF\xBB\xBFid,name\n");
        assert_eq!((d.skip, d.encoding.is_none()), (3, true));
    }

    #[test]
    fn mac_roman_is_told_from_windows_1252() {
        let d = decide(b"Instance Equit\x8e - Reconciliation, Mr. Hiss\x8fne Habr\x8e\r");
        assert_eq!(d.encoding, Some(MACINTOSH), "{d:?}");
        let d = decide(b"Jos\xe9 Mart\xednez, Fran\xe7ois\n");
        assert_eq!(d.encoding, Some(WINDOWS_1252), "{d:?}");
    }

    #[test]
    fn ambiguous_or_foreign_bytes_are_not_guessed() {
        // 0x92 is a right quote in Windows-1252 and í in Mac OS Roman.
        assert!(decide(b"don\x92t\n").undecided.is_some());
        // Persian in Windows-1256: whole words of high bytes.
        assert!(
            decide(b"\xe3\xcd\xe3\xcf \xd1\xd6\xc7\xde\xed\n")
                .undecided
                .is_some()
        );
        // UTF-8 mixed with Latin-1.
        assert!(
            decide(
                "caf\u{e9} "
                    .as_bytes()
                    .iter()
                    .chain(b"Jos\xe9")
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice()
            )
            .undecided
            .is_some()
        );
    }

    #[test]
    fn transcode_and_line_ends() {
        let mut s = String::new();
        Transcode::new(&b"Equit\x8e\rnext"[..], MACINTOSH)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "Equit\u{e9}\rnext");
        let mut s = String::new();
        CrToLf::new(&b"a\rb\r\nc\nd\r"[..])
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a\nb\nc\nd\n");
        let mut s = String::new();
        CrToLf::new(&b"a\r\nb"[..]).read_to_string(&mut s).unwrap();
        assert_eq!(s, "a\nb\n");
    }
}
