//! Writing a bundle: select records through the archive's access-control layer, collect the
//! operations that concern them, sign a checkpoint, prove every operation against it, and
//! write the bag into a ZIP (as `OUT.partial`, renamed whole when complete).

use crate::bag::{self, HashingWriter, sha256_hex};
use crate::note::{self, VerifierKey};
use crate::readme::{self, ReadmeFacts};
use crate::{BundleError, DESTROYED, WITHHELD};
use rightsdoc_archive::blobs::BlobError;
use rightsdoc_archive::{Archive, CustodyInput};
use rightsdoc_ledger::{
    Action, Hash, HashReader, SealedOp, SignedCheckpoint, TlogError, Verifier, canonical_json,
    check_inclusion, prove_inclusion,
};
use rightsdoc_model::{Classification, Kind, redact};
use rightsdoc_store::Store;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Which records go into a bundle. Each selected record brings, transitively, every record it
/// references that the clearance may see (its sources, places, lists, evidence, events…).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// `id=ID` conditions.
    pub ids: Vec<String>,
    /// `kind=K` conditions.
    pub kinds: Vec<Kind>,
}

impl Selection {
    /// Everything the clearance may see.
    pub fn everything() -> Selection {
        Selection::default()
    }

    /// The records with these ids (and what they reference).
    pub fn ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Selection {
        Selection {
            ids: ids.into_iter().map(Into::into).collect(),
            kinds: Vec::new(),
        }
    }

    /// Read `--where` conditions: `id=ID` and `kind=K`, each repeatable. A record is selected
    /// when it meets any condition; no condition selects everything visible.
    pub fn parse(conditions: &[String]) -> Result<Selection, BundleError> {
        let mut s = Selection::default();
        for c in conditions {
            let bad = |message: &str| BundleError::Selection {
                condition: c.clone(),
                message: message.to_string(),
            };
            let (key, value) = c
                .split_once('=')
                .ok_or_else(|| bad("write id=ID or kind=KIND"))?;
            let value = value.trim();
            match key.trim() {
                "id" if Kind::from_id(value).is_some() => s.ids.push(value.to_string()),
                "id" => return Err(bad("not a record id (ids look like psn_…, evt_…)")),
                "kind" => s.kinds.push(
                    Kind::parse(value)
                        .ok_or_else(|| bad("not a record kind (person, event, …)"))?,
                ),
                _ => return Err(bad("a bundle selects by id=ID or kind=KIND")),
            }
        }
        Ok(s)
    }

    pub fn is_everything(&self) -> bool {
        self.ids.is_empty() && self.kinds.is_empty()
    }

    /// In words, for bag-info.txt and the README.
    pub fn describe(&self) -> String {
        if self.is_everything() {
            return "every record visible at this clearance".into();
        }
        let mut parts = Vec::new();
        if !self.ids.is_empty() {
            parts.push(format!("the records {}", self.ids.join(", ")));
        }
        if !self.kinds.is_empty() {
            let kinds: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
            parts.push(format!("every visible record of kind {}", kinds.join(", ")));
        }
        format!(
            "{}, and every visible record they refer to",
            parts.join("; ")
        )
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BundleSummary {
    pub path: PathBuf,
    /// The bag's folder name inside the ZIP.
    pub bag: String,
    pub clearance: Classification,
    pub records: usize,
    pub operations: usize,
    /// Operations whose payload holds something above the clearance: only their digest is in.
    pub payloads_withheld: usize,
    /// Operations whose payload the archive had destroyed (crypto-shredding).
    pub payloads_destroyed: usize,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
    /// Evidence records whose file the archive could not provide (listed in the README).
    pub evidence_missing: Vec<String>,
    /// Size of the ZIP.
    pub bytes: u64,
    pub checkpoint_size: u64,
    /// Hex root hash of the checkpoint.
    pub root: String,
    pub seconds: f64,
}

/// The records and operations of one consistent reading of the archive.
struct Collected {
    records: BTreeMap<String, Value>,
    ops: Vec<SealedOp>,
}

/// Write a bundle of `selection`, as a reader with `clearance` may see it, to the ZIP `out`.
pub fn export_bundle(
    archive: &mut Archive,
    selection: &Selection,
    clearance: Classification,
    out: &Path,
) -> Result<BundleSummary, BundleError> {
    let started = Instant::now();
    // Records and their histories are read in separate queries; a write in between (a server
    // running beside the export) would leave a record newer or older than its last operation.
    // Such a reading is detected and done again.
    let mut attempt = 0;
    let mut exports_recorded = false;
    let collected = loop {
        let c = collect(archive, selection, clearance)?;
        if !exports_recorded {
            exports_recorded = true;
            if record_exports(archive, &c, clearance, out)? > 0 {
                // Read again, with the new custody entries.
                continue;
            }
        }
        match stale_record(archive, &c, clearance)? {
            None => break c,
            Some(_) if attempt < 4 => attempt += 1,
            Some(id) => {
                return Err(BundleError::Other(format!(
                    "record `{id}` kept changing while the bundle was being made; try again when writes pause"
                )));
            }
        }
    };
    // Signed after everything was read, so the checkpoint covers every collected operation.
    let cp = archive.checkpoint()?;
    let tree = StoreTree(archive.store());
    let mut proofs = Vec::with_capacity(collected.ops.len());
    for op in &collected.ops {
        let seq = op.header.seq;
        let proof = prove_inclusion(cp.size, seq, &tree).map_err(|e| {
            BundleError::Other(format!("cannot prove operation #{seq} in the log: {e}"))
        })?;
        check_inclusion(&proof, cp.size, cp.root, seq, op.leaf).map_err(|e| {
            BundleError::Other(format!(
                "the archive's tree does not prove operation #{seq} (run `rightsdoc verify`): {e}"
            ))
        })?;
        proofs.push((seq, note::proof_text(seq, &proof, &cp.text)));
    }

    let vkey_path = archive.dir().join("keys/verifier.key");
    let vkey_text = std::fs::read_to_string(&vkey_path).map_err(BundleError::io(&vkey_path))?;
    let vkey_line = format!("{}\n", vkey_text.trim());
    let key = VerifierKey::parse(&vkey_line)
        .map_err(|e| BundleError::Other(format!("{}: {e}", vkey_path.display())))?;
    // The key the log was created with (its first operation commits to it) must be the one
    // handed out, and it must verify the checkpoint: a bundle that cannot verify is not written.
    if archive.store().meta("verifier_key")?.as_deref() != Some(vkey_line.trim()) {
        return Err(BundleError::Other(format!(
            "{} differs from the key the archive was created with; run `rightsdoc verify`",
            vkey_path.display()
        )));
    }
    Verifier::new(&vkey_line)
        .and_then(|v| v.verify(&cp.text))
        .map_err(|e| BundleError::Other(format!("the new checkpoint does not verify: {e}")))?;

    let evidence = evidence_of(&collected.records);

    let bag_name = bag_name(out);
    let partial = partial_path(out);
    let result = write_zip(
        &partial, &bag_name, &collected, &proofs, &cp, &key, &vkey_line, &evidence, archive,
        selection, clearance,
    );
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, out).map_err(BundleError::io(out))?;
    let bytes = std::fs::metadata(out).map_err(BundleError::io(out))?.len();
    Ok(BundleSummary {
        path: out.to_path_buf(),
        bag: bag_name,
        clearance,
        records: collected.records.len(),
        operations: collected.ops.len(),
        payloads_withheld: written.withheld,
        payloads_destroyed: written.destroyed,
        evidence_files: written.evidence_files,
        evidence_bytes: written.evidence_bytes,
        evidence_missing: written.evidence_missing,
        bytes,
        checkpoint_size: cp.size,
        root: hex::encode(cp.root.0),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The archive's tree, read through its store, for proofs.
struct StoreTree<'a>(&'a dyn Store);

impl HashReader for StoreTree<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.0.read_hashes(indexes)
    }
}

fn collect(
    archive: &Archive,
    selection: &Selection,
    clearance: Classification,
) -> Result<Collected, BundleError> {
    let mut records: BTreeMap<String, Value> = BTreeMap::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let add = |v: Value, records: &mut BTreeMap<String, Value>, queue: &mut VecDeque<String>| {
        if let Some(id) = v.get("id").and_then(Value::as_str).map(str::to_string)
            && !records.contains_key(&id)
        {
            queue.push_back(id.clone());
            records.insert(id, v);
        }
    };
    if selection.is_everything() {
        archive.visible(clearance, None, &mut |v| add(v, &mut records, &mut queue))?;
    }
    for kind in &selection.kinds {
        archive.visible(clearance, Some(*kind), &mut |v| {
            add(v, &mut records, &mut queue)
        })?;
    }
    for id in &selection.ids {
        let v = archive
            .get_visible(id, clearance)?
            .ok_or_else(|| BundleError::NotVisible(id.clone()))?;
        add(v, &mut records, &mut queue);
    }
    // Everything the selected records refer to, as far as the clearance may see it. References
    // are read from the visible (redacted) records only, so a reference inside a withheld
    // value never pulls its target in.
    let mut invisible: HashSet<String> = HashSet::new();
    while let Some(id) = queue.pop_front() {
        let mut refs = BTreeSet::new();
        references(&records[&id], true, &mut refs);
        // An evidence item brings its chain of custody: the custody entries that name it.
        if Kind::from_id(&id) == Some(Kind::Evidence) {
            for r in archive.store().referrers(&id)? {
                if Kind::from_id(&r.from_id) == Some(Kind::Custody) {
                    refs.insert(r.from_id);
                }
            }
        }
        for r in refs {
            if r == id || records.contains_key(&r) || invisible.contains(&r) {
                continue;
            }
            match archive.get_visible(&r, clearance)? {
                Some(v) => add(v, &mut records, &mut queue),
                None => {
                    invisible.insert(r);
                }
            }
        }
    }

    // The operations: the archive's first (it names the origin and the verifier key), and
    // every operation on a selected record. Who read a confidential record is itself
    // confidential: `view` entries go only into confidential bundles, as in `Archive::history`.
    let store = archive.store();
    let mut seqs: BTreeSet<u64> = BTreeSet::from([0]);
    for id in records.keys() {
        seqs.extend(store.history(id)?);
    }
    let mut ops = Vec::with_capacity(seqs.len());
    for (from, to) in ranges(&seqs) {
        let mut start = from;
        while start < to {
            let end = to.min(start + 4096);
            for op in store.read_log(start, end)? {
                if op.header.action == Action::View && clearance != Classification::Confidential {
                    continue;
                }
                ops.push(op);
            }
            start = end;
        }
    }
    Ok(Collected { records, ops })
}

/// Runs of consecutive numbers, as half-open ranges.
fn ranges(seqs: &BTreeSet<u64>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for &s in seqs {
        match out.last_mut() {
            Some((_, end)) if *end == s => *end = s + 1,
            _ => out.push((s, s + 1)),
        }
    }
    out
}

/// Record ids a record value refers to: every string that is a well-formed id of a known kind
/// (the record's own `id` aside). An id written in free text is caught too; it only ever
/// pulls in a record the clearance may see, through `get_visible`.
fn references(v: &Value, top: bool, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            if let Some(kind) = Kind::from_id(s)
                && rightsdoc_model::id::check(kind, s).is_ok()
            {
                out.insert(s.clone());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, false, out)),
        Value::Object(map) => {
            for (k, child) in map {
                if !(top && k == "id") {
                    references(child, false, out);
                }
            }
        }
        _ => {}
    }
}

/// A record whose last create or edit does not give the record as it was read (a write
/// happened between reading records and reading histories).
fn stale_record(
    archive: &Archive,
    c: &Collected,
    clearance: Classification,
) -> Result<Option<String>, BundleError> {
    let mut latest: BTreeMap<&str, &SealedOp> = BTreeMap::new();
    for op in &c.ops {
        if matches!(op.header.action, Action::Create | Action::Edit) {
            latest.insert(op.header.target.as_str(), op);
        }
    }
    for (id, record) in &c.records {
        let Some(op) = latest.get(id.as_str()) else {
            return Ok(Some(id.clone()));
        };
        if let Some(payload) = op
            .payload_json()
            .map_err(rightsdoc_store::StoreError::from)?
            && archive.as_seen(id, payload, clearance)?.as_ref() != Some(record)
        {
            return Ok(Some(id.clone()));
        }
    }
    Ok(None)
}

/// What goes into `operations.jsonl` for one operation.
enum Payload {
    Shown { salt: String, payload: String },
    Withheld,
    Destroyed,
}

/// May a reader with `clearance` see this payload whole? Only then is it put in the bundle.
fn payload_for(op: &SealedOp, clearance: Classification) -> Payload {
    let Some((salt, bytes)) = &op.payload else {
        return Payload::Destroyed;
    };
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return Payload::Withheld;
    };
    let Ok(text) = String::from_utf8(bytes.clone()) else {
        return Payload::Withheld;
    };
    if redact(value.clone(), clearance).as_ref() == Some(&value) {
        Payload::Shown {
            salt: hex::encode(salt.0),
            payload: text,
        }
    } else {
        Payload::Withheld
    }
}

fn operation_line(op: &SealedOp, payload: &Payload) -> String {
    let header = String::from_utf8(op.header_bytes.clone()).expect("canonical JSON is UTF-8");
    let mut line = serde_json::Map::new();
    line.insert("seq".into(), json!(op.header.seq));
    line.insert("leaf".into(), json!(hex::encode(op.leaf.0)));
    line.insert("header".into(), json!(header));
    match payload {
        Payload::Shown { salt, payload } => {
            line.insert("salt".into(), json!(salt));
            line.insert("payload".into(), json!(payload));
        }
        Payload::Withheld => {
            line.insert("withheld".into(), json!(WITHHELD));
        }
        Payload::Destroyed => {
            line.insert("withheld".into(), json!(DESTROYED));
        }
    }
    let mut s = serde_json::to_string(&Value::Object(line)).expect("JSON values serialize");
    s.push('\n');
    s
}

/// `records.json`: a JSON array with one record per line, in id order, so that a problem can
/// be named by line.
pub(crate) fn records_text(records: &BTreeMap<String, Value>) -> Result<String, BundleError> {
    let mut out = String::from("[\n");
    let n = records.len();
    for (i, v) in records.values().enumerate() {
        let bytes = canonical_json(v).map_err(|e| BundleError::Other(e.to_string()))?;
        out.push_str(std::str::from_utf8(&bytes).expect("canonical JSON is UTF-8"));
        out.push_str(if i + 1 < n { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    Ok(out)
}

/// The evidence files of the selected evidence records: (record id, lower-case SHA-256, size
/// the record gives), one entry per distinct file. Records without a well-formed digest are
/// left out.
fn evidence_of(records: &BTreeMap<String, Value>) -> Vec<(String, String, Option<u64>)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (id, v) in records {
        if Kind::from_id(id) != Some(Kind::Evidence) {
            continue;
        }
        let sha = rightsdoc_model::field_text(v.get("sha256")).to_ascii_lowercase();
        if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) && seen.insert(sha.clone())
        {
            out.push((id.clone(), sha, v.get("size").and_then(Value::as_u64)));
        }
    }
    out
}

/// Open the file of evidence item `id` (`None`: the blob store does not have it), decrypted
/// if the archive sealed it. The reader re-hashes the bytes and fails at the end if they are
/// not the original's.
fn open_blob(
    archive: &Archive,
    id: &str,
    item: &Value,
) -> Result<Option<Box<dyn Read + Send>>, BundleError> {
    match archive.open_evidence_file(id, item) {
        Ok(r) => Ok(Some(r)),
        Err(rightsdoc_archive::ArchiveError::Blob(BlobError::NotFound { .. })) => Ok(None),
        Err(e) => Err(BundleError::Other(format!("evidence file of {id}: {e}"))),
    }
}

/// Chain of custody: putting a confidential evidence item into a bundle is an export of it,
/// recorded as an `exported` custody entry before the bundle is read (so the bundle carries
/// the entry of its own making; a failed export over-reports rather than hides one).
fn record_exports(
    archive: &mut Archive,
    c: &Collected,
    clearance: Classification,
    out: &Path,
) -> Result<usize, BundleError> {
    let to = std::path::absolute(out)
        .unwrap_or_else(|_| out.to_path_buf())
        .display()
        .to_string();
    let mut n = 0;
    for (id, _, _) in evidence_of(&c.records) {
        let confidential = c.records[&id].get("classification").and_then(Value::as_str)
            == Some(Classification::Confidential.as_str());
        if !confidential
            || !archive
                .check_evidence_file(&c.records[&id])
                .unwrap_or(false)
        {
            continue;
        }
        archive.record_custody(
            &id,
            clearance,
            &CustodyInput {
                action: "exported".into(),
                to: Some(to.clone()),
                reason: Some(format!(
                    "court bundle {}, {clearance} clearance",
                    out.file_name().unwrap_or_default().to_string_lossy()
                )),
                ..CustodyInput::default()
            },
        )?;
        n += 1;
    }
    Ok(n)
}

struct Written {
    withheld: usize,
    destroyed: usize,
    evidence_files: usize,
    evidence_bytes: u64,
    evidence_missing: Vec<String>,
}

fn bag_name(out: &Path) -> String {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        "bundle".into()
    } else {
        clean
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// The ZIP being written, with the digest of each bag file as it goes in.
struct BagWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    prefix: String,
    options: SimpleFileOptions,
    payload: Vec<(String, String)>,
    payload_bytes: u64,
    tags: Vec<(String, String)>,
    zip_path: PathBuf,
}

impl<W: Write + Seek> BagWriter<W> {
    fn zip_err(&self, e: impl std::fmt::Display) -> BundleError {
        BundleError::Zip {
            path: self.zip_path.clone(),
            message: e.to_string(),
        }
    }

    fn start(&mut self, path: &str, options: SimpleFileOptions) -> Result<(), BundleError> {
        let name = format!("{}{path}", self.prefix);
        self.zip
            .start_file(name, options)
            .map_err(|e| self.zip_err(e))
    }

    fn file(&mut self, path: &str, bytes: &[u8]) -> Result<(), BundleError> {
        self.start(path, self.options)?;
        self.zip.write_all(bytes).map_err(|e| self.zip_err(e))?;
        let entry = (path.to_string(), sha256_hex(bytes));
        if path.starts_with("data/") {
            self.payload_bytes += bytes.len() as u64;
            self.payload.push(entry);
        } else {
            self.tags.push(entry);
        }
        Ok(())
    }

    /// A payload file copied from a reader (evidence): stored as it is (media files are
    /// compressed already), hashed while copied.
    fn stream(
        &mut self,
        path: &str,
        reader: &mut dyn Read,
        expected_size: Option<u64>,
    ) -> Result<(String, u64), BundleError> {
        // ZIP64 only where needed: some readers still lack it.
        let large = expected_size.is_none_or(|n| n >= u64::from(u32::MAX) - (1 << 20));
        let options = self
            .options
            .compression_method(CompressionMethod::Stored)
            .large_file(large);
        self.start(path, options)?;
        let mut w = HashingWriter::new(&mut self.zip);
        std::io::copy(reader, &mut w).map_err(|e| BundleError::Zip {
            path: self.zip_path.clone(),
            message: format!("{path}: {e}"),
        })?;
        let (_, sum, n) = w.finish();
        self.payload_bytes += n;
        self.payload.push((path.to_string(), sum.clone()));
        Ok((sum, n))
    }
}

#[allow(clippy::too_many_arguments)]
fn write_zip(
    path: &Path,
    bag_name: &str,
    c: &Collected,
    proofs: &[(u64, String)],
    cp: &SignedCheckpoint,
    key: &VerifierKey,
    vkey_line: &str,
    evidence: &[(String, String, Option<u64>)],
    archive: &Archive,
    selection: &Selection,
    clearance: Classification,
) -> Result<Written, BundleError> {
    let origin = archive.origin();
    let file = File::create(path).map_err(BundleError::io(path))?;
    let now = chrono::Utc::now();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip_time(now))
        .unix_permissions(0o644);
    let mut w = BagWriter {
        zip: ZipWriter::new(BufWriter::with_capacity(1 << 20, file)),
        prefix: format!("{bag_name}/"),
        options,
        payload: Vec::new(),
        payload_bytes: 0,
        tags: Vec::new(),
        zip_path: path.to_path_buf(),
    };

    w.file(bag::RECORDS, records_text(&c.records)?.as_bytes())?;

    let mut ops_text = String::new();
    let (mut withheld, mut destroyed) = (0, 0);
    for op in &c.ops {
        let payload = payload_for(op, clearance);
        match payload {
            Payload::Withheld => withheld += 1,
            Payload::Destroyed => destroyed += 1,
            Payload::Shown { .. } => {}
        }
        ops_text.push_str(&operation_line(op, &payload));
    }
    w.file(bag::OPERATIONS, ops_text.as_bytes())?;
    drop(ops_text);

    let parts = note::split_note(&cp.text).map_err(BundleError::Other)?;
    let sig = note::raw_signature(&cp.text, key).map_err(BundleError::Other)?;
    w.file(bag::CHECKPOINT, cp.text.as_bytes())?;
    w.file(bag::CHECKPOINT_BODY, parts.body.as_bytes())?;
    w.file(bag::CHECKPOINT_SIG, &sig)?;
    w.file(bag::VERIFIER_KEY, vkey_line.as_bytes())?;
    w.file(bag::VERIFIER_PEM, key.pem().as_bytes())?;
    for (seq, text) in proofs {
        w.file(&bag::proof_path(*seq), text.as_bytes())?;
    }

    let (mut evidence_files, mut evidence_bytes) = (0, 0);
    let mut evidence_missing = Vec::new();
    for (id, sha, size) in evidence {
        let Some(mut reader) = open_blob(archive, id, &c.records[id])? else {
            evidence_missing.push(id.clone());
            continue;
        };
        let path = format!("{}{sha}", bag::EVIDENCE_DIR);
        let (sum, n) = w.stream(&path, &mut reader, *size).map_err(|e| match e {
            BundleError::Zip { message, .. } => {
                BundleError::Other(format!("evidence {id}: {message}; no bundle was written"))
            }
            e => e,
        })?;
        if &sum != sha {
            return Err(BundleError::Other(format!(
                "evidence file {sha} ({id}): the blob store gave bytes with SHA-256 {sum}; the archive's copy is damaged (run `rightsdoc verify`)"
            )));
        }
        evidence_files += 1;
        evidence_bytes += n;
    }

    let manifest = bag::manifest_text(&w.payload);
    w.file(bag::MANIFEST, manifest.as_bytes())?;
    let payload_files = w.payload.len();
    let oxum = format!("{}.{}", w.payload_bytes, payload_files);
    w.file(bag::BAGIT_TXT, bag::DECLARATION.as_bytes())?;
    let info = bag::bag_info_text(&[
        ("Source-Organization", origin.to_string()),
        ("Bagging-Date", now.format("%Y-%m-%d").to_string()),
        ("Payload-Oxum", oxum),
        (
            "Bag-Software-Agent",
            format!("rightsdoc-bundle {}", env!("CARGO_PKG_VERSION")),
        ),
        ("External-Identifier", bag_name.to_string()),
        (
            "External-Description",
            format!(
                "Records of a rightsdoc archive ({}), with every log operation that concerns them, a Merkle inclusion proof for each against a checkpoint signed at export, the archive's public key and the evidence files; see README.txt",
                selection.describe()
            ),
        ),
        ("Rightsdoc-Clearance", clearance.as_str().to_string()),
        (
            "Rightsdoc-Checkpoint",
            format!("{} {}", cp.size, hex::encode(cp.root.0)),
        ),
    ]);
    w.file(bag::BAG_INFO, info.as_bytes())?;
    let facts = ReadmeFacts {
        bag: bag_name,
        origin,
        clearance,
        selection: &selection.describe(),
        date: &now.format("%Y-%m-%d %H:%M UTC").to_string(),
        records: c.records.len(),
        operations: c.ops.len(),
        withheld,
        destroyed,
        evidence_files,
        evidence_missing: &evidence_missing,
        checkpoint_size: cp.size,
        root_hex: &hex::encode(cp.root.0),
        key: vkey_line.trim(),
    };
    w.file(bag::README, readme::readme(&facts).as_bytes())?;
    w.file(bag::CHECKER, readme::CHECKER.as_bytes())?;
    let tagmanifest = bag::manifest_text(&w.tags);
    // The tag manifest lists every tag file but itself.
    w.start(bag::TAGMANIFEST, w.options)?;
    w.zip
        .write_all(tagmanifest.as_bytes())
        .map_err(|e| w.zip_err(e))?;
    let zip_path = w.zip_path.clone();
    let inner = w.zip.finish().map_err(|e| BundleError::Zip {
        path: zip_path.clone(),
        message: e.to_string(),
    })?;
    let file = inner.into_inner().map_err(|e| BundleError::Zip {
        path: zip_path.clone(),
        message: e.to_string(),
    })?;
    file.sync_all().map_err(BundleError::io(&zip_path))?;
    Ok(Written {
        withheld,
        destroyed,
        evidence_files,
        evidence_bytes,
        evidence_missing,
    })
}

fn zip_time(t: chrono::DateTime<chrono::Utc>) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second().min(58) as u8,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_refuse_nonsense() {
        let s = Selection::parse(&["id=psn_a".into(), "kind=event".into()]).unwrap();
        assert_eq!(s.ids, vec!["psn_a"]);
        assert_eq!(s.kinds, vec![Kind::Event]);
        assert!(Selection::parse(&["id=nope".into()]).is_err());
        assert!(Selection::parse(&["kind=nope".into()]).is_err());
        assert!(Selection::parse(&["year=1988".into()]).is_err());
        assert!(Selection::parse(&[]).unwrap().is_everything());
    }

    #[test]
    fn references_are_ids_anywhere_but_the_own_id() {
        let v = json!({"id": "act_1", "victim": "psn_a", "citations": [{"source": "src_b"}],
                       "notes": "see evt_c", "title": "act_1"});
        let mut out = BTreeSet::new();
        references(&v, true, &mut out);
        let got: Vec<&str> = out.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["act_1", "psn_a", "src_b"]);
    }

    #[test]
    fn ranges_join_consecutive_numbers() {
        let s: BTreeSet<u64> = [0, 1, 2, 5, 7, 8].into();
        assert_eq!(ranges(&s), vec![(0, 3), (5, 6), (7, 9)]);
    }
}
