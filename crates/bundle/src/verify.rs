//! Checking a bundle: the bag's structure and every manifest line, then the log (leaves,
//! proofs, the checkpoint's signature, payload digests), then the records against their
//! latest operations and the evidence files against their records. Every file is also read
//! back strictly in the one form the exporter writes, so a changed byte that a manifest
//! rewritten to match would hide still fails, naming the file and line.

use crate::bag::{self, sha256_hex};
use crate::note::{self, VerifierKey};
use crate::{BundleError, DESTROYED, WITHHELD};
use rightsdoc_ledger::{
    Action, LedgerError, Salt, SealedOp, Verifier, canonical_json, check_inclusion,
};
use rightsdoc_model::{Classification, Kind, redact};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Files other than evidence are read into memory; none the exporter writes comes near this.
const MAX_IN_MEMORY: u64 = 4 << 30;

/// What a verified bundle holds and what its checks showed.
#[derive(Debug, Clone, Serialize)]
pub struct BundleReport {
    /// The bag's folder name inside the ZIP.
    pub bag: String,
    pub origin: String,
    pub clearance: Classification,
    pub bagging_date: String,
    /// Files in the bag (payload and tag files).
    pub files: usize,
    pub payload_bytes: u64,
    pub records: usize,
    /// Records that are exactly the payload of their latest operation.
    pub records_proven: usize,
    /// Records whose latest payload was withheld: shown as the clearance allows, unprovable.
    pub records_unproven: Vec<String>,
    pub operations: usize,
    pub payloads_shown: usize,
    pub payloads_withheld: usize,
    pub payloads_destroyed: usize,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
    /// Evidence files whose record is proven by the log.
    pub evidence_proven: usize,
    /// Evidence records in records.json whose file is not in the bag.
    pub evidence_missing: Vec<String>,
    pub checkpoint_size: u64,
    /// Hex root hash of the checkpoint.
    pub root: String,
    /// The verifier key shipped in the bag.
    pub bundled_key: String,
    /// The checkpoint's signature was also checked against a key the caller trusts.
    pub trusted_key_checked: bool,
    /// What the checks mean (and do not).
    pub notes: Vec<String>,
}

struct Entry {
    sha256: String,
    size: u64,
    /// The content; `None` for evidence files, which are only hashed.
    bytes: Option<Vec<u8>>,
}

/// Verify the bundle at `path`. With `trusted_key` (a signed-note verifier key obtained
/// separately), the checkpoint must also verify under it: the bundled key only proves that
/// the bundle is consistent with itself; a trusted key proves where it comes from.
pub fn verify_bundle(path: &Path, trusted_key: Option<&str>) -> Result<BundleReport, BundleError> {
    let (bag_name, files) = read_zip(path)?;

    // The bag: its declaration and both manifests, every file listed, nothing unlisted.
    let decl = text_of(&files, bag::BAGIT_TXT)?;
    if decl != bag::DECLARATION {
        let line = first_difference(decl, bag::DECLARATION);
        return Err(BundleError::invalid(
            bag::BAGIT_TXT,
            Some(line),
            "not the BagIt 1.0 declaration (`BagIt-Version: 1.0`, `Tag-File-Character-Encoding: UTF-8`)",
        ));
    }
    let tag_lines = bag::parse_manifest(bag::TAGMANIFEST, bytes_of(&files, bag::TAGMANIFEST)?)?;
    let manifest_lines = bag::parse_manifest(bag::MANIFEST, bytes_of(&files, bag::MANIFEST)?)?;
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for (manifest, lines, payload) in [
        (bag::TAGMANIFEST, &tag_lines, false),
        (bag::MANIFEST, &manifest_lines, true),
    ] {
        for (n, sum, p) in lines {
            if p.starts_with("data/") != payload || p == bag::TAGMANIFEST {
                return Err(BundleError::invalid(
                    manifest,
                    Some(*n),
                    format!(
                        "lists {p}, which belongs in {}",
                        if payload {
                            "tagmanifest-sha256.txt"
                        } else {
                            "manifest-sha256.txt"
                        }
                    ),
                ));
            }
            if !listed.insert(p.as_str()) {
                return Err(BundleError::invalid(
                    manifest,
                    Some(*n),
                    format!("lists {p} twice"),
                ));
            }
            let Some(entry) = files.get(p) else {
                return Err(BundleError::invalid(
                    manifest,
                    Some(*n),
                    format!("lists {p}, which is not in the bag"),
                ));
            };
            if &entry.sha256 != sum {
                return Err(BundleError::invalid(
                    manifest,
                    Some(*n),
                    format!(
                        "{p} has SHA-256 {}, but this line says {sum}: {p} or this manifest was altered",
                        entry.sha256
                    ),
                ));
            }
        }
    }
    for required in [bag::BAGIT_TXT, bag::BAG_INFO, bag::MANIFEST] {
        if !listed.contains(required) {
            return Err(BundleError::invalid(
                bag::TAGMANIFEST,
                None,
                format!("does not list {required}"),
            ));
        }
    }
    for p in files.keys() {
        if p != bag::TAGMANIFEST && !listed.contains(p.as_str()) {
            return Err(BundleError::invalid(
                p,
                None,
                if p.starts_with("data/") {
                    "is in the bag but not in manifest-sha256.txt (a file was added)"
                } else {
                    "is in the bag but not in tagmanifest-sha256.txt (a file was added)"
                },
            ));
        }
    }
    let payload_files = files.keys().filter(|p| p.starts_with("data/")).count();
    let payload_bytes: u64 = files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(_, e)| e.size)
        .sum();

    // bag-info.txt.
    let info = bag::parse_bag_info(bytes_of(&files, bag::BAG_INFO)?)?;
    let field = |label: &str| -> Result<(usize, &str), BundleError> {
        let mut found = info.iter().filter(|(_, l, _)| l == label);
        let first = found
            .next()
            .ok_or_else(|| BundleError::invalid(bag::BAG_INFO, None, format!("has no {label}")))?;
        if let Some(again) = found.next() {
            return Err(BundleError::invalid(
                bag::BAG_INFO,
                Some(again.0),
                format!("{label} given twice"),
            ));
        }
        Ok((first.0, first.2.as_str()))
    };
    let (n, oxum) = field("Payload-Oxum")?;
    if oxum != format!("{payload_bytes}.{payload_files}") {
        return Err(BundleError::invalid(
            bag::BAG_INFO,
            Some(n),
            format!(
                "Payload-Oxum says {oxum}, but data/ holds {payload_bytes} bytes in {payload_files} files"
            ),
        ));
    }
    let (n, clearance) = field("Rightsdoc-Clearance")?;
    let clearance: Classification = clearance
        .parse()
        .map_err(|e: String| BundleError::invalid(bag::BAG_INFO, Some(n), e))?;
    let (n, date) = field("Bagging-Date")?;
    if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() || date.len() != 10 {
        return Err(BundleError::invalid(
            bag::BAG_INFO,
            Some(n),
            "Bagging-Date is not a date YYYY-MM-DD",
        ));
    }
    let bagging_date = date.to_string();

    // The checkpoint, its key, and the forms public tools read.
    let cp_text = text_of(&files, bag::CHECKPOINT)?;
    let vkey_text = text_of(&files, bag::VERIFIER_KEY)?;
    let key = VerifierKey::parse(vkey_text)
        .map_err(|e| BundleError::invalid(bag::VERIFIER_KEY, Some(1), e))?;
    if vkey_text.matches('\n').count() != 1 || !vkey_text.ends_with('\n') {
        return Err(BundleError::invalid(
            bag::VERIFIER_KEY,
            None,
            "must be one line ending in a newline",
        ));
    }
    let verifier = Verifier::new(vkey_text)
        .map_err(|e| BundleError::invalid(bag::VERIFIER_KEY, Some(1), e.to_string()))?;
    let cp = verifier.verify(cp_text).map_err(|e| {
        BundleError::invalid(
            bag::CHECKPOINT,
            None,
            format!("{e} (with the key in {})", bag::VERIFIER_KEY),
        )
    })?;
    let mut trusted_key_checked = false;
    if let Some(trusted) = trusted_key {
        let trusted_verifier = Verifier::new(trusted).map_err(|e| {
            BundleError::Other(format!("the trusted key is not a verifier key: {e}"))
        })?;
        trusted_verifier.verify(cp_text).map_err(|e| {
            BundleError::invalid(
                bag::CHECKPOINT,
                None,
                format!("not signed by the trusted key: {e}; this bundle does not come from the archive whose key you hold"),
            )
        })?;
        trusted_key_checked = true;
    }
    let parts =
        note::split_note(cp_text).map_err(|e| BundleError::invalid(bag::CHECKPOINT, None, e))?;
    if bytes_of(&files, bag::CHECKPOINT_BODY)? != parts.body.as_bytes() {
        return Err(BundleError::invalid(
            bag::CHECKPOINT_BODY,
            None,
            "is not the signed text of data/log/checkpoint.txt",
        ));
    }
    let sig = note::raw_signature(cp_text, &key)
        .map_err(|e| BundleError::invalid(bag::CHECKPOINT, None, e))?;
    if bytes_of(&files, bag::CHECKPOINT_SIG)? != sig.as_slice() {
        return Err(BundleError::invalid(
            bag::CHECKPOINT_SIG,
            None,
            "is not the signature in data/log/checkpoint.txt",
        ));
    }
    if bytes_of(&files, bag::VERIFIER_PEM)? != key.pem().as_bytes() {
        return Err(BundleError::invalid(
            bag::VERIFIER_PEM,
            None,
            "is not the key of data/log/verifier.key as an SPKI PEM",
        ));
    }
    let (n, org) = field("Source-Organization")?;
    if org != cp.origin {
        return Err(BundleError::invalid(
            bag::BAG_INFO,
            Some(n),
            format!(
                "Source-Organization is `{org}`, but the checkpoint is of log `{}`",
                cp.origin
            ),
        ));
    }
    let root_hex = hex::encode(cp.root.0);
    let (n, cp_field) = field("Rightsdoc-Checkpoint")?;
    if cp_field != format!("{} {root_hex}", cp.size) {
        return Err(BundleError::invalid(
            bag::BAG_INFO,
            Some(n),
            "Rightsdoc-Checkpoint does not name the bundled checkpoint (size and root hash)",
        ));
    }

    // The operations, their leaves and payloads, and their proofs.
    let ops_text = text_of(&files, bag::OPERATIONS)?;
    let ops = read_operations(ops_text, clearance, cp.size)?;
    for op in &ops {
        let seq = op.sealed.header.seq;
        let proof_path = bag::proof_path(seq);
        let text = text_of(&files, &proof_path)?;
        let (index, proof, embedded) = note::parse_proof(text)
            .map_err(|(line, m)| BundleError::invalid(&proof_path, line, m))?;
        if index != seq {
            return Err(BundleError::invalid(
                &proof_path,
                Some(2),
                format!("proves index {index}, not operation {seq}"),
            ));
        }
        if embedded != cp_text {
            return Err(BundleError::invalid(
                &proof_path,
                None,
                "its checkpoint differs from data/log/checkpoint.txt",
            ));
        }
        if note::proof_text(index, &proof, embedded) != text {
            return Err(BundleError::invalid(
                &proof_path,
                None,
                "not in the form rightsdoc writes (c2sp.org/tlog-proof@v1, index, hashes, blank line, checkpoint)",
            ));
        }
        check_inclusion(&proof, cp.size, cp.root, seq, op.sealed.leaf).map_err(|_| {
            BundleError::invalid(
                &proof_path,
                None,
                format!(
                    "does not prove operation {seq} (data/log/operations.jsonl line {}) in the checkpoint's tree",
                    op.line
                ),
            )
        })?;
    }
    let op_seqs: BTreeSet<u64> = ops.iter().map(|o| o.sealed.header.seq).collect();

    // The first operation of the log names its origin and key: they must be the bundled ones.
    if let Some(init) = ops.iter().find(|o| o.sealed.header.action == Action::Init)
        && let Some(p) = &init.payload
    {
        let same_origin = p.get("origin").and_then(Value::as_str) == Some(cp.origin.as_str());
        let same_key = p.get("verifier_key").and_then(Value::as_str) == Some(vkey_text.trim());
        if !(same_origin && same_key) {
            return Err(BundleError::invalid(
                bag::VERIFIER_KEY,
                None,
                format!(
                    "differs from the key the log was created with (operation 0, data/log/operations.jsonl line {})",
                    init.line
                ),
            ));
        }
    }

    // Records against their latest operations.
    let records_text = text_of(&files, bag::RECORDS)?;
    let records = read_records(records_text, clearance)?;
    let mut latest: BTreeMap<&str, &Op> = BTreeMap::new();
    let mut deleted: BTreeMap<&str, &Op> = BTreeMap::new();
    for op in &ops {
        let target = op.sealed.header.target.as_str();
        match op.sealed.header.action {
            Action::Create | Action::Edit => {
                latest.insert(target, op);
                deleted.remove(target);
            }
            Action::Delete => {
                deleted.insert(target, op);
            }
            _ => {}
        }
    }
    let mut records_proven = 0;
    let mut records_unproven = Vec::new();
    let mut proven_ids = BTreeSet::new();
    for r in &records {
        let Some(op) = latest.get(r.id.as_str()) else {
            return Err(BundleError::invalid(
                bag::RECORDS,
                Some(r.line),
                format!(
                    "{}: no create or edit of this record in data/log/operations.jsonl",
                    r.id
                ),
            ));
        };
        if let Some(d) = deleted.get(r.id.as_str()) {
            return Err(BundleError::invalid(
                bag::RECORDS,
                Some(r.line),
                format!(
                    "{}: deleted by operation {} (data/log/operations.jsonl line {})",
                    r.id, d.sealed.header.seq, d.line
                ),
            ));
        }
        match &op.sealed.payload {
            Some((_, payload)) => {
                if payload.as_slice() != r.text.as_bytes() {
                    return Err(BundleError::invalid(
                        bag::RECORDS,
                        Some(r.line),
                        format!(
                            "{} differs from the payload of its last operation {} (data/log/operations.jsonl line {})",
                            r.id, op.sealed.header.seq, op.line
                        ),
                    ));
                }
                records_proven += 1;
                proven_ids.insert(r.id.clone());
            }
            None => records_unproven.push(r.id.clone()),
        }
    }

    // Evidence files against their records.
    let mut by_sha: BTreeMap<String, &Record> = BTreeMap::new();
    for r in &records {
        if Kind::from_id(&r.id) == Some(Kind::Evidence) {
            let sha = rightsdoc_model::field_text(r.value.get("sha256")).to_ascii_lowercase();
            by_sha.entry(sha).or_insert(r);
        }
    }
    let (mut evidence_files, mut evidence_bytes, mut evidence_proven) = (0, 0, 0);
    let mut present = BTreeSet::new();
    for (p, entry) in &files {
        let Some(rest) = p.strip_prefix("data/") else {
            continue;
        };
        if let Some(name) = p.strip_prefix(bag::EVIDENCE_DIR) {
            if name.len() != 64
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(BundleError::invalid(
                    p,
                    None,
                    "an evidence file is named by its SHA-256 in lower-case hex",
                ));
            }
            if entry.sha256 != name {
                return Err(BundleError::invalid(
                    p,
                    None,
                    format!(
                        "its content has SHA-256 {}, not the one it is named by",
                        entry.sha256
                    ),
                ));
            }
            let Some(r) = by_sha.get(name) else {
                return Err(BundleError::invalid(
                    p,
                    None,
                    "no evidence record in data/records.json names this file",
                ));
            };
            if let Some(size) = r.value.get("size").and_then(Value::as_u64)
                && size != entry.size
            {
                return Err(BundleError::invalid(
                    p,
                    None,
                    format!(
                        "holds {} bytes; its record {} says {size}",
                        entry.size, r.id
                    ),
                ));
            }
            present.insert(name.to_string());
            evidence_files += 1;
            evidence_bytes += entry.size;
            if proven_ids.contains(&r.id) {
                evidence_proven += 1;
            }
            continue;
        }
        let known = matches!(
            p.as_str(),
            bag::RECORDS
                | bag::OPERATIONS
                | bag::CHECKPOINT
                | bag::CHECKPOINT_BODY
                | bag::CHECKPOINT_SIG
                | bag::VERIFIER_KEY
                | bag::VERIFIER_PEM
        ) || p
            .strip_prefix(bag::PROOFS_DIR)
            .and_then(|n| n.strip_suffix(".tlog-proof"))
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|seq| op_seqs.contains(&seq) && bag::proof_path(seq) == *p);
        if !known {
            return Err(BundleError::invalid(
                p,
                None,
                format!(
                    "data/{rest} is not a file a rightsdoc bundle holds (no operation or record explains it)"
                ),
            ));
        }
    }
    let evidence_missing: Vec<String> = by_sha
        .iter()
        .filter(|(sha, _)| !present.contains(*sha))
        .map(|(_, r)| r.id.clone())
        .collect();

    let payloads_shown = ops.iter().filter(|o| o.payload.is_some()).count();
    let payloads_destroyed = ops.iter().filter(|o| o.destroyed).count();
    let mut notes = vec![if trusted_key_checked {
        "the checkpoint is signed by the key you trust: the log content comes from that archive"
            .to_string()
    } else {
        "the checkpoint verifies with the key shipped in the bundle, which proves only that the bundle is consistent with itself; give the archive's key obtained separately (--key) to prove where it comes from".to_string()
    }];
    if !records_unproven.is_empty() {
        notes.push(format!(
            "{} records are shown as {clearance} clearance allows; their latest version is withheld, so their content cannot be checked against the log",
            records_unproven.len()
        ));
    }
    if !evidence_missing.is_empty() {
        notes.push(format!(
            "{} evidence records have no file in the bundle",
            evidence_missing.len()
        ));
    }
    Ok(BundleReport {
        bag: bag_name,
        origin: cp.origin.clone(),
        clearance,
        bagging_date,
        files: files.len(),
        payload_bytes,
        records: records.len(),
        records_proven,
        records_unproven,
        operations: ops.len(),
        payloads_shown,
        payloads_withheld: ops.len() - payloads_shown - payloads_destroyed,
        payloads_destroyed,
        evidence_files,
        evidence_bytes,
        evidence_proven,
        evidence_missing,
        checkpoint_size: cp.size,
        root: root_hex,
        bundled_key: vkey_text.trim().to_string(),
        trusted_key_checked,
        notes,
    })
}

/// Every file of the bag, by its path inside the bag. The ZIP must hold exactly one folder.
fn read_zip(path: &Path) -> Result<(String, BTreeMap<String, Entry>), BundleError> {
    let zip_err = |message: String| BundleError::Zip {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(BundleError::io(path))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| zip_err(format!("not a readable ZIP file ({e})")))?;
    let mut bag_name: Option<String> = None;
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| zip_err(format!("entry {i} cannot be read ({e})")))?;
        let name = std::str::from_utf8(f.name_raw())
            .map_err(|_| zip_err(format!("entry {i} has a name that is not UTF-8")))?
            .to_string();
        if name.ends_with('/') {
            continue;
        }
        let Some((top, rel)) = name.split_once('/') else {
            return Err(BundleError::invalid(
                &name,
                None,
                "lies outside the bag's folder (a bundle ZIP holds one folder, the bag)",
            ));
        };
        match &bag_name {
            None => bag_name = Some(top.to_string()),
            Some(b) if b == top => {}
            Some(b) => {
                return Err(BundleError::invalid(
                    &name,
                    None,
                    format!("lies outside the bag's folder `{b}/` (a bundle ZIP holds one bag)"),
                ));
            }
        }
        if top.is_empty()
            || top == ".."
            || rel
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
            || rel.contains('\\')
        {
            return Err(BundleError::invalid(
                &name,
                None,
                "is not a plain path inside the bag",
            ));
        }
        let evidence = rel.starts_with(bag::EVIDENCE_DIR);
        let damaged = |e: std::io::Error| {
            BundleError::invalid(
                rel,
                None,
                format!("cannot be read from the ZIP, it is damaged ({e})"),
            )
        };
        let entry = if evidence {
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            let mut size = 0u64;
            loop {
                let n = f.read(&mut buf).map_err(damaged)?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
                size += n as u64;
            }
            Entry {
                sha256: hex::encode(h.finalize()),
                size,
                bytes: None,
            }
        } else {
            let mut bytes = Vec::with_capacity(f.size().min(1 << 26) as usize);
            (&mut f)
                .take(MAX_IN_MEMORY + 1)
                .read_to_end(&mut bytes)
                .map_err(damaged)?;
            if bytes.len() as u64 > MAX_IN_MEMORY {
                return Err(BundleError::invalid(
                    rel,
                    None,
                    "is too large for a bundle file",
                ));
            }
            Entry {
                sha256: sha256_hex(&bytes),
                size: bytes.len() as u64,
                bytes: Some(bytes),
            }
        };
        if files.insert(rel.to_string(), entry).is_some() {
            return Err(BundleError::invalid(rel, None, "is in the ZIP twice"));
        }
    }
    let bag_name = bag_name.ok_or_else(|| zip_err("the ZIP is empty".into()))?;
    Ok((bag_name, files))
}

fn bytes_of<'a>(files: &'a BTreeMap<String, Entry>, p: &str) -> Result<&'a [u8], BundleError> {
    files
        .get(p)
        .and_then(|e| e.bytes.as_deref())
        .ok_or_else(|| BundleError::invalid(p, None, "is missing from the bag"))
}

fn text_of<'a>(files: &'a BTreeMap<String, Entry>, p: &str) -> Result<&'a str, BundleError> {
    std::str::from_utf8(bytes_of(files, p)?).map_err(|e| {
        let line = bytes_of(files, p).map(|b| line_at(b, e.valid_up_to())).ok();
        BundleError::invalid(p, line, "is not UTF-8 text")
    })
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

fn first_difference(a: &str, b: &str) -> usize {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    line_at(a.as_bytes(), at.min(a.len()))
}

struct Op {
    line: usize,
    sealed: SealedOp,
    /// The payload, when the bundle shows it.
    payload: Option<Value>,
    destroyed: bool,
}

fn read_operations(
    text: &str,
    clearance: Classification,
    size: u64,
) -> Result<Vec<Op>, BundleError> {
    let file = bag::OPERATIONS;
    let body = text.strip_suffix('\n').ok_or_else(|| {
        BundleError::invalid(file, None, "the last line does not end with a newline")
    })?;
    let mut out: Vec<Op> = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let n = i + 1;
        let bad = |m: String| BundleError::invalid(file, Some(n), m);
        let v: Value = serde_json::from_str(line).map_err(|e| bad(format!("not JSON ({e})")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let str_field = |k: &str| obj.get(k).and_then(Value::as_str);
        let seq = obj
            .get("seq")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("no `seq`".into()))?;
        let header = str_field("header").ok_or_else(|| bad("no `header`".into()))?;
        let leaf = str_field("leaf").ok_or_else(|| bad("no `leaf`".into()))?;
        let (payload, withheld) = match (
            str_field("salt"),
            str_field("payload"),
            str_field("withheld"),
        ) {
            (Some(salt), Some(payload), None) => {
                let salt: [u8; 32] = hex::decode(salt)
                    .ok()
                    .and_then(|s| s.try_into().ok())
                    .ok_or_else(|| bad("`salt` is not 32 bytes of hex".into()))?;
                (Some((Salt(salt), payload.as_bytes().to_vec())), None)
            }
            (None, None, Some(w)) if w == WITHHELD || w == DESTROYED => (None, Some(w)),
            _ => {
                return Err(bad(format!(
                    "expected `salt` and `payload`, or `withheld`: \"{WITHHELD}\""
                )));
            }
        };
        let sealed =
            SealedOp::reopen(header.as_bytes().to_vec(), payload).map_err(|e| match e {
                LedgerError::PayloadMismatch => bad(
                    "the payload does not match the digest in its header (payload altered)".into(),
                ),
                e => bad(format!("header: {e}")),
            })?;
        if sealed.header.seq != seq {
            return Err(bad(format!(
                "the header is of operation {}, the line says {seq}",
                sealed.header.seq
            )));
        }
        if hex::encode(sealed.leaf.0) != leaf {
            return Err(bad(format!(
                "the leaf hash of the header is {}, the line says {leaf}",
                hex::encode(sealed.leaf.0)
            )));
        }
        if seq >= size {
            return Err(bad(format!(
                "operation {seq} is beyond the checkpoint ({size} operations)"
            )));
        }
        if let Some(prev) = out.last()
            && prev.sealed.header.seq >= seq
        {
            return Err(bad("operations are not in increasing order of seq".into()));
        }
        let value = sealed
            .payload_json()
            .map_err(|e| bad(format!("payload: {e}")))?;
        if let Some(v) = &value
            && redact(v.clone(), clearance).as_ref() != Some(v)
        {
            return Err(bad(format!(
                "the payload holds values above the bundle's clearance ({clearance})"
            )));
        }
        // The exact form the exporter writes: anything else was changed.
        let mut expected = serde_json::Map::new();
        expected.insert("seq".into(), seq.into());
        expected.insert("leaf".into(), leaf.into());
        expected.insert("header".into(), header.into());
        if let Some((salt, p)) = &sealed.payload {
            expected.insert("salt".into(), hex::encode(salt.0).into());
            expected.insert("payload".into(), String::from_utf8_lossy(p).into());
        }
        if let Some(w) = withheld {
            expected.insert("withheld".into(), w.into());
        }
        if serde_json::to_string(&Value::Object(expected))
            .ok()
            .as_deref()
            != Some(line)
        {
            return Err(bad(
                "not in the form rightsdoc writes (keys, order or escaping changed)".into(),
            ));
        }
        out.push(Op {
            line: n,
            destroyed: withheld == Some(DESTROYED),
            sealed,
            payload: value,
        });
    }
    Ok(out)
}

struct Record {
    line: usize,
    id: String,
    /// The line without its separating comma: the record's canonical JSON.
    text: String,
    value: Value,
}

fn read_records(text: &str, clearance: Classification) -> Result<Vec<Record>, BundleError> {
    let file = bag::RECORDS;
    let lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len();
    if n < 3 || lines[0] != "[" || !lines[n - 1].is_empty() || lines[n - 2] != "]" {
        return Err(BundleError::invalid(
            file,
            None,
            "not a JSON list with `[` and `]` on lines of their own",
        ));
    }
    let mut out: Vec<Record> = Vec::new();
    for (i, line) in lines[1..n - 2].iter().enumerate() {
        let number = i + 2;
        let last = i + 4 == n;
        let bad = |m: String| BundleError::invalid(file, Some(number), m);
        let body = if last {
            *line
        } else {
            line.strip_suffix(',').ok_or_else(|| {
                bad("a record line must end with a comma (except the last)".into())
            })?
        };
        let value: Value =
            serde_json::from_str(body).map_err(|e| bad(format!("not JSON ({e})")))?;
        if canonical_json(&value).ok().as_deref() != Some(body.as_bytes()) {
            return Err(bad(
                "not in canonical JSON form (RFC 8785) as rightsdoc writes it".into(),
            ));
        }
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("a record without an id".into()))?
            .to_string();
        if let Some(prev) = out.last()
            && prev.id >= id
        {
            return Err(bad(format!("{id}: records are not in increasing id order")));
        }
        if redact(value.clone(), clearance).as_ref() != Some(&value) {
            return Err(bad(format!(
                "{id} holds values above the bundle's clearance ({clearance})"
            )));
        }
        out.push(Record {
            line: number,
            id,
            text: body.to_string(),
            value,
        });
    }
    Ok(out)
}
