//! BagIt (RFC 8493) pieces: the declaration, manifests and `bag-info.txt`, written in one
//! exact form and read back strictly, so that a changed byte anywhere in a tag file is either
//! a hash mismatch or a parse error naming the file and line.

use crate::BundleError;
use sha2::{Digest, Sha256};
use std::io::{self, Write};

pub const BAGIT_TXT: &str = "bagit.txt";
pub const BAG_INFO: &str = "bag-info.txt";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAGMANIFEST: &str = "tagmanifest-sha256.txt";
pub const README: &str = "README.txt";
pub const CHECKER: &str = "tools/check_proofs.py";

pub const RECORDS: &str = "data/records.json";
pub const OPERATIONS: &str = "data/log/operations.jsonl";
pub const CHECKPOINT: &str = "data/log/checkpoint.txt";
pub const CHECKPOINT_BODY: &str = "data/log/checkpoint.body";
pub const CHECKPOINT_SIG: &str = "data/log/checkpoint.sig";
pub const VERIFIER_KEY: &str = "data/log/verifier.key";
pub const VERIFIER_PEM: &str = "data/log/verifier.pem";
pub const PROOFS_DIR: &str = "data/log/proofs/";
pub const EVIDENCE_DIR: &str = "data/evidence/";

/// The bag declaration, byte for byte (RFC 8493 section 2.1.1).
pub const DECLARATION: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

pub fn proof_path(seq: u64) -> String {
    format!("{PROOFS_DIR}{seq}.tlog-proof")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A writer that hashes and counts what passes through it.
pub struct HashingWriter<W> {
    pub inner: W,
    pub hasher: Sha256,
    pub bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hasher.finalize()), self.bytes)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One manifest line: the lower-case hex digest, two spaces (as `sha256sum` writes them), the path.
pub fn manifest_text(entries: &[(String, String)]) -> String {
    let mut out = String::new();
    for (path, sum) in entries {
        out.push_str(sum);
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// A manifest read back: (line number from 1, digest, path).
pub fn parse_manifest(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<(usize, String, String)>, BundleError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| BundleError::invalid(file, None, "is not UTF-8 text"))?;
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let Some(body) = text.strip_suffix('\n') else {
        return Err(BundleError::invalid(
            file,
            Some(text.lines().count()),
            "the last line does not end with a newline",
        ));
    };
    let mut out = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let n = i + 1;
        let bad = |why: &str| BundleError::invalid(file, Some(n), why.to_string());
        let (sum, path) = line
            .split_once("  ")
            .ok_or_else(|| bad("expected `<sha256 in lower-case hex>  <path>`"))?;
        if sum.len() != 64
            || !sum
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad("the SHA-256 is not 64 lower-case hexadecimal digits"));
        }
        if path.is_empty()
            || path.starts_with('/')
            || path.starts_with(' ')
            || path
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
            || path
                .chars()
                .any(|c| c.is_control() || c == '%' || c == '\\')
        {
            return Err(bad("the path is not a plain relative path inside the bag"));
        }
        out.push((n, sum.to_string(), path.to_string()));
    }
    Ok(out)
}

/// `bag-info.txt` (RFC 8493 section 2.2.2), one `Label: value` per line.
pub fn bag_info_text(fields: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (label, value) in fields {
        out.push_str(label);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
    out
}

/// `bag-info.txt` read back: (line, label, value). Continuation lines (starting with a space
/// or tab) are joined to the value before them.
pub fn parse_bag_info(bytes: &[u8]) -> Result<Vec<(usize, String, String)>, BundleError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| BundleError::invalid(BAG_INFO, None, "is not UTF-8 text"))?;
    let Some(body) = text.strip_suffix('\n') else {
        return Err(BundleError::invalid(
            BAG_INFO,
            None,
            "the last line does not end with a newline",
        ));
    };
    let mut out: Vec<(usize, String, String)> = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let n = i + 1;
        if line.starts_with([' ', '\t']) {
            let Some(last) = out.last_mut() else {
                return Err(BundleError::invalid(
                    BAG_INFO,
                    Some(n),
                    "a continuation line before any label",
                ));
            };
            last.2.push(' ');
            last.2.push_str(line.trim());
            continue;
        }
        let (label, value) = line
            .split_once(": ")
            .ok_or_else(|| BundleError::invalid(BAG_INFO, Some(n), "expected `Label: value`"))?;
        if label.is_empty() || label.chars().any(|c| c.is_whitespace() || c == ':') {
            return Err(BundleError::invalid(
                BAG_INFO,
                Some(n),
                "a label is one word without spaces or colons",
            ));
        }
        out.push((n, label.to_string(), value.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_round_trip_and_refuse_upper_case_or_odd_paths() {
        let sum = sha256_hex(b"x");
        let text = manifest_text(&[("data/a".into(), sum.clone())]);
        let parsed = parse_manifest(MANIFEST, text.as_bytes()).unwrap();
        assert_eq!(parsed, vec![(1, sum.clone(), "data/a".into())]);
        let upper = text.replacen('a', "A", 1);
        if upper != text {
            assert!(parse_manifest(MANIFEST, upper.as_bytes()).is_err());
        }
        for bad in ["data/../x", "/data/x", "data//x", "data/x%0A"] {
            let t = format!("{sum}  {bad}\n");
            assert!(parse_manifest(MANIFEST, t.as_bytes()).is_err(), "{bad}");
        }
        assert!(parse_manifest(MANIFEST, format!("{sum}  data/x").as_bytes()).is_err());
    }

    #[test]
    fn bag_info_reads_labels_and_continuations() {
        let t = "Source-Organization: x\nExternal-Description: a\n  b\n";
        let p = parse_bag_info(t.as_bytes()).unwrap();
        assert_eq!(p[1].2, "a b");
        assert!(parse_bag_info(b"No colon here\n").is_err());
    }
}
