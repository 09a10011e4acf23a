//! Evidence files and their chain of custody.
//!
//! A file is stored once in the blob store under its SHA-256; an `evidence` record says what
//! it is (sniffed media type, size, original name, the claims its metadata makes) and every
//! acquisition, hand-over, copy, export or access is a `custody` record pointing at it, so
//! the chain is part of the log like everything else. A custody entry is at least as secret
//! as its item: it takes the evidence's classification when written, and when the item is
//! classified higher later its entries follow in the same write.
//!
//! Reads go through the access-control layer (`get_visible`, `history`) at the caller's
//! clearance. Two internal look-ups do not, because they decide what is written rather than
//! what is shown: finding the evidence record of bytes already stored (so the same bytes are
//! never two items) and the classification a custody entry inherits.

use crate::archive::Archive;
use crate::error::ArchiveError;
use rightsdoc_blobs::{BlobError, InspectOptions, Metadata, inspect};
use rightsdoc_ledger::{Action, Operation};
use rightsdoc_model::{Classification, Kind, Record, field_text, plain_str, validate};
use rightsdoc_store::{Change, Store, StoreError};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The file in an archive folder holding the root certificates (PEM) whose signers' C2PA
/// content credentials are reported as trusted.
pub const C2PA_TRUST_ANCHORS: &str = "c2pa-trust-anchors.pem";

/// What [`Archive::add_evidence`] is told besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct EvidenceInput {
    /// The file's name when acquired (a name only; no folders).
    pub original_name: Option<String>,
    /// The `src_…` record the file belongs to.
    pub source: Option<String>,
    pub note: Option<String>,
    pub classification: Classification,
    /// For a derived copy (thumbnail, transcode, redacted version): the original's `evd_…` id.
    pub derived_from: Option<String>,
    /// How the copy was made: thumbnail, transcode, redacted or other.
    pub derivation: Option<String>,
}

/// What [`Archive::add_evidence`] did.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceAdded {
    /// The evidence record's id (the existing one when the bytes were already evidence).
    pub evidence: String,
    /// The `acquired` custody entry written.
    pub custody: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub classification: Classification,
    /// The same bytes were already an evidence item: no second record was made, only another
    /// acquisition entry in its chain of custody.
    pub existing: bool,
    /// The bytes were new to the blob store.
    pub new_blob: bool,
    /// What the file claims about itself (empty for an existing item).
    pub metadata: Metadata,
    /// Things to tell the user: a name whose extension disagrees with the bytes, options not
    /// applied to an existing item.
    pub warnings: Vec<String>,
}

/// One custody entry to record (the evidence id and the date are given separately).
#[derive(Debug, Clone, Default)]
pub struct CustodyInput {
    /// A `custody_action` term: acquired, handed_over, copied, exported, accessed, verified.
    pub action: String,
    /// Who did it; the archive handle's actor when `None`.
    pub actor: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub notes: Option<String>,
    /// A `src_…` record the entry cites (where the item came from).
    pub source: Option<String>,
}

/// A verified copy written by [`Archive::copy_evidence`].
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceCopy {
    pub evidence: String,
    pub sha256: String,
    pub size: u64,
    /// The `copied` custody entry.
    pub custody: String,
}

/// One entry of an item's chain: a custody record, or an operation on the evidence record
/// itself (its creation, edits, views). Times are the log's.
#[derive(Debug, Clone, Serialize)]
pub struct ChainEntry {
    /// Position in the log: entries are in this order.
    pub seq: u64,
    /// When it was written into the log (UTC).
    pub time: String,
    /// Who wrote it into the log.
    pub logged_by: String,
    /// A custody action (`acquired`, `handed_over`, `copied`…) or, for the evidence record's
    /// own history, `record created`, `record edited`, `record deleted` or `viewed`.
    pub action: String,
    /// The custody record (`cus_…`) or the evidence record (`evd_…`).
    pub record: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The date the entry gives for the act (EDTF), when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Sources the entry cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// Today's date (UTC) as EDTF.
fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// A file name fit for a one-line text field: control characters replaced, at most 255
/// characters.
fn clean_name(name: &str) -> Option<String> {
    let s: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(255)
        .collect();
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn text(v: &Value, key: &str) -> Option<String> {
    let t = field_text(v.get(key));
    (!t.is_empty()).then_some(t)
}

fn classification_of(v: &Value) -> Classification {
    v.get("classification")
        .and_then(Value::as_str)
        .and_then(|c| c.parse().ok())
        .unwrap_or_default()
}

fn insert_opt(o: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        o.insert(key.into(), Value::String(v.to_string()));
    }
}

/// Extensions that name the same format.
fn same_extension(a: &str, b: &str) -> bool {
    const ALIKE: &[&[&str]] = &[
        &["jpg", "jpeg", "jpe", "jfif"],
        &["tif", "tiff"],
        &["heic", "heif"],
        &["htm", "html"],
        &["mov", "qt"],
        &["mpg", "mpeg"],
        &["txt", "text", "md", "csv", "log"],
    ];
    a == b || ALIKE.iter().any(|g| g.contains(&a) && g.contains(&b))
}

impl Archive {
    /// Store a file and record it: the blob (streamed, hashed as it is written), an
    /// `evidence` record (sniffed media type, size, original name, acquisition date and
    /// actor, the claims of its metadata) and an `acquired` custody entry, in one write.
    /// Bytes that are already an evidence item make no second record: the existing item gets
    /// another `acquired` entry (with this note and source) instead.
    ///
    /// Everything that can be checked before storing is (the record's fields, the source and
    /// original exist), so a refused request stores nothing. A crash between storing the
    /// bytes and writing the records leaves an unreferenced blob, which the next add of the
    /// same bytes uses.
    pub fn add_evidence(
        &mut self,
        reader: &mut dyn Read,
        input: &EvidenceInput,
    ) -> Result<EvidenceAdded, ArchiveError> {
        let date = today();
        let name = input.original_name.as_deref().and_then(clean_name);
        let draft = self.evidence_json(
            &"0".repeat(64),
            0,
            "application/octet-stream",
            name.as_deref(),
            &Metadata::default(),
            input,
            &date,
        );
        validate(draft).map_err(ArchiveError::invalid(""))?;
        self.custody_record(
            "evd_draft",
            Classification::Public,
            &self.acquisition(input),
            &date,
        )?;
        for (id, what) in [
            (&input.source, "source"),
            (&input.derived_from, "original evidence"),
        ] {
            if let Some(id) = id
                && self.store().record(id)?.is_none()
            {
                return Err(ArchiveError::Other(format!(
                    "the {what} `{id}` is not in this archive; add it first (nothing was stored)"
                )));
            }
        }

        // A confidential file of an encrypted archive is sealed on its way in: its plain bytes
        // never reach the blob store. Its data key (the item's) is made first, under an id
        // chosen now.
        let sealed = if self.is_encrypted() && input.classification == Classification::Confidential
        {
            let id = rightsdoc_model::id::generate(Kind::Evidence);
            Some((self.fresh_data_key(&id)?, id))
        } else {
            None
        };
        let (stored, sealed_blob) = match &sealed {
            Some((key, id)) => {
                let mut sealer = crate::sealed_blob::SealingReader::new(reader, key, id);
                let cipher = self.blobs().put(&mut sealer)?;
                let (sha256, size) = sealer.plain();
                let stored = rightsdoc_blobs::Stored {
                    sha256,
                    size,
                    new: cipher.new,
                };
                (stored, Some(cipher.sha256))
            }
            None => (self.blobs().put(reader)?, None),
        };
        let mut warnings = Vec::new();

        if let Some((id, existing)) = self.evidence_with_sha(&stored.sha256)? {
            let class = existing.classification;
            let custody = self.custody_record(&id, class, &self.acquisition(input), &date)?;
            if input.classification != class {
                warnings.push(format!(
                    "`{id}` stays {class} (asked for {}); change it with `rightsdoc edit {id}`",
                    input.classification
                ));
            }
            if input.derived_from.is_some() || input.derivation.is_some() {
                warnings.push(format!(
                    "the derivation was not recorded: these bytes are already the item `{id}`"
                ));
            }
            self.add_records(vec![custody.clone()], "")?;
            return Ok(EvidenceAdded {
                evidence: id,
                custody: custody.id,
                sha256: stored.sha256,
                size: stored.size,
                media_type: existing
                    .body
                    .get("media_type")
                    .and_then(plain_str)
                    .unwrap_or("application/octet-stream")
                    .to_string(),
                classification: class,
                existing: true,
                new_blob: stored.new,
                metadata: Metadata::default(),
                warnings,
            });
        }

        let seen = match (&sealed, &sealed_blob) {
            (Some((key, id)), Some(cipher)) => rightsdoc_blobs::inspect_reader(
                Box::new(crate::sealed_blob::OpeningReader::new(
                    self.blobs().open(cipher)?,
                    key,
                    id,
                    &stored.sha256,
                )),
                id,
                &self.inspect_options()?,
            )?,
            _ => inspect(self.blobs(), &stored.sha256, &self.inspect_options()?)?,
        };
        let media_type = seen.media_type.unwrap_or("application/octet-stream");
        if let (Some(name), Some(ext)) = (&name, seen.extension) {
            let given = Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if let Some(given) = given
                && !same_extension(&given, ext)
            {
                warnings.push(format!(
                    "{name}: the name says .{given}, the bytes are {media_type}; recorded as {media_type}"
                ));
            }
        }
        let mut body = self.evidence_json(
            &stored.sha256,
            stored.size,
            media_type,
            name.as_deref(),
            &seen.metadata,
            input,
            &date,
        );
        if let (Some((_, id)), Some(cipher)) = (&sealed, sealed_blob) {
            body["id"] = json!(id);
            body["sealed_blob"] = json!(cipher);
        }
        let evidence = validate(body).map_err(ArchiveError::invalid(""))?;
        let custody = self.custody_record(
            &evidence.id,
            evidence.classification,
            &self.acquisition(input),
            &date,
        )?;
        self.add_records(vec![evidence.clone(), custody.clone()], "")?;
        Ok(EvidenceAdded {
            evidence: evidence.id,
            custody: custody.id,
            sha256: stored.sha256,
            size: stored.size,
            media_type: media_type.to_string(),
            classification: evidence.classification,
            existing: false,
            new_blob: stored.new,
            metadata: seen.metadata,
            warnings,
        })
    }

    /// How files' claims are read: with the archive's C2PA trust anchors, when it has them.
    fn inspect_options(&self) -> Result<InspectOptions, ArchiveError> {
        let path = self.dir().join(C2PA_TRUST_ANCHORS);
        let c2pa_trust_anchors = match std::fs::read_to_string(&path) {
            Ok(pem) => Some(pem),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ArchiveError::io(&path)(e)),
        };
        Ok(InspectOptions { c2pa_trust_anchors })
    }

    #[allow(clippy::too_many_arguments)]
    fn evidence_json(
        &self,
        sha256: &str,
        size: u64,
        media_type: &str,
        name: Option<&str>,
        metadata: &Metadata,
        input: &EvidenceInput,
        date: &str,
    ) -> Value {
        let mut o = Map::new();
        o.insert("kind".into(), json!("evidence"));
        o.insert(
            "classification".into(),
            json!(input.classification.as_str()),
        );
        o.insert("sha256".into(), json!(sha256));
        o.insert("size".into(), json!(size));
        o.insert("media_type".into(), json!(media_type));
        insert_opt(&mut o, "original_name", name);
        insert_opt(&mut o, "source", input.source.as_deref());
        o.insert("acquired".into(), json!(date));
        insert_opt(&mut o, "acquired_by", Some(self.actor()));
        insert_opt(&mut o, "note", input.note.as_deref());
        insert_opt(&mut o, "derived_from", input.derived_from.as_deref());
        insert_opt(&mut o, "derivation", input.derivation.as_deref());
        if !metadata.is_empty() {
            o.insert(
                "metadata".into(),
                serde_json::to_value(metadata).expect("metadata serializes"),
            );
        }
        Value::Object(o)
    }

    fn acquisition(&self, input: &EvidenceInput) -> CustodyInput {
        CustodyInput {
            action: "acquired".into(),
            source: input.source.clone(),
            notes: input.note.clone(),
            ..CustodyInput::default()
        }
    }

    /// A validated custody record for evidence `evidence` classified `class`.
    fn custody_record(
        &self,
        evidence: &str,
        class: Classification,
        input: &CustodyInput,
        date: &str,
    ) -> Result<Record, ArchiveError> {
        let mut o = Map::new();
        o.insert("kind".into(), json!("custody"));
        o.insert("classification".into(), json!(class.as_str()));
        o.insert("evidence".into(), json!(evidence));
        o.insert("action".into(), json!(input.action));
        insert_opt(
            &mut o,
            "actor",
            Some(input.actor.as_deref().unwrap_or(self.actor())),
        );
        insert_opt(&mut o, "from", input.from.as_deref());
        insert_opt(&mut o, "to", input.to.as_deref());
        insert_opt(&mut o, "reason", input.reason.as_deref());
        o.insert("date".into(), json!(date));
        insert_opt(&mut o, "notes", input.notes.as_deref());
        if let Some(src) = input.source.as_deref() {
            o.insert("citations".into(), json!([{ "source": src }]));
        }
        validate(Value::Object(o)).map_err(ArchiveError::invalid("custody entry: "))
    }

    /// The bytes of evidence item `id`, whose record as the reader sees it is `item`: the
    /// stored file, or for a sealed one the file decrypted (which needs the key). Either
    /// reader fails at the end if the bytes are not the original's.
    pub fn open_evidence_file(
        &self,
        id: &str,
        item: &Value,
    ) -> Result<Box<dyn Read + Send>, ArchiveError> {
        let sha = item.get("sha256").and_then(plain_str).ok_or_else(|| {
            ArchiveError::Other(format!("`{id}` names no file its reader may see"))
        })?;
        match item.get("sealed_blob").and_then(plain_str) {
            None => Ok(self.blobs().open(sha)?),
            Some(cipher) => {
                let key = self.record_data_key(id)?.ok_or_else(|| {
                    ArchiveError::Other(format!(
                        "the file of `{id}` was destroyed by redaction (its key is gone)"
                    ))
                })?;
                Ok(Box::new(crate::sealed_blob::OpeningReader::new(
                    self.blobs().open(cipher)?,
                    &key,
                    id,
                    sha,
                )))
            }
        }
    }

    /// Is the stored file of `item` (sealed or not) present and intact? Needs no key: a
    /// sealed file is checked by the hash of its ciphertext.
    pub fn check_evidence_file(&self, item: &Value) -> Result<bool, BlobError> {
        let stored = item
            .get("sealed_blob")
            .or_else(|| item.get("sha256"))
            .and_then(plain_str)
            .unwrap_or_default();
        self.blobs().check(stored)
    }

    /// The evidence record (any classification) whose file has this SHA-256; the oldest if
    /// several do.
    fn evidence_with_sha(&self, sha256: &str) -> Result<Option<(String, Record)>, ArchiveError> {
        let mut found = None;
        self.store()
            .for_each_record(Some(Kind::Evidence.as_str()), &mut |row| {
                if found.is_none() && row.body.contains(sha256) {
                    let record = row.record()?;
                    if record.body.get("sha256").and_then(plain_str) == Some(sha256) {
                        found = Some((row.id.clone(), record));
                    }
                }
                Ok(())
            })?;
        Ok(found)
    }

    /// The evidence record `id` as a reader with `clearance` sees it, or an error that says
    /// it is not there for them.
    fn visible_evidence(&self, id: &str, clearance: Classification) -> Result<Value, ArchiveError> {
        match self.get_visible(id, clearance)? {
            Some(v) if Kind::from_id(id) == Some(Kind::Evidence) => Ok(v),
            Some(_) => Err(ArchiveError::Other(format!(
                "`{id}` is not an evidence record (their ids start with `evd_`)"
            ))),
            None => Err(ArchiveError::Other(format!(
                "no evidence `{id}` visible at clearance {clearance} in {}",
                self.dir().display()
            ))),
        }
    }

    /// Record a custody entry (a hand-over, an access, a verification…) for evidence `id`,
    /// which the reader's `clearance` must permit. The entry takes the item's classification.
    pub fn record_custody(
        &mut self,
        id: &str,
        clearance: Classification,
        input: &CustodyInput,
    ) -> Result<Record, ArchiveError> {
        let item = self.visible_evidence(id, clearance)?;
        let custody = self.custody_record(id, classification_of(&item), input, &today())?;
        self.add_records(vec![custody.clone()], "")?;
        Ok(custody)
    }

    /// Copy evidence `id`'s original file to `out` (which must not exist), re-checking its
    /// SHA-256 as it is copied, and record a `copied` custody entry. The reader's `clearance`
    /// must permit the item; a confidential item needs a `reason`. Nothing is written when
    /// the stored file no longer matches its hash. The entry is written before the copy is
    /// put in place, so a crash in between over-reports a copy rather than hiding one.
    pub fn copy_evidence(
        &mut self,
        id: &str,
        clearance: Classification,
        out: &Path,
        reason: Option<&str>,
    ) -> Result<EvidenceCopy, ArchiveError> {
        let item = self.visible_evidence(id, clearance)?;
        let class = classification_of(&item);
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if class == Classification::Confidential && reason.is_none() {
            return Err(ArchiveError::Other(format!(
                "`{id}` is confidential: say why it is copied (--reason); the reason goes into its chain of custody"
            )));
        }
        let sha = item
            .get("sha256")
            .and_then(plain_str)
            .ok_or_else(|| {
                ArchiveError::Other(format!(
                    "`{id}` names no file (its sha256 is not visible at clearance {clearance})"
                ))
            })?
            .to_string();
        if out.exists() {
            return Err(ArchiveError::Other(format!(
                "{} already exists; choose another name (nothing was copied)",
                out.display()
            )));
        }
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".rightsdoc-copy-")
            .tempfile_in(folder)
            .map_err(ArchiveError::io(folder))?;
        let mut reader = self.open_evidence_file(id, &item).map_err(|e| {
            ArchiveError::Other(format!("evidence `{id}`: {e}; nothing was copied"))
        })?;
        let size = std::io::copy(&mut reader, &mut tmp).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                ArchiveError::Other(format!("evidence `{id}`: {e}; nothing was copied"))
            }
            _ => ArchiveError::Other(format!(
                "evidence `{id}`: copying to {} failed: {e}; nothing was copied",
                out.display()
            )),
        })?;
        tmp.as_file()
            .sync_all()
            .map_err(ArchiveError::io(tmp.path()))?;
        let custody = self.custody_record(
            id,
            class,
            &CustodyInput {
                action: "copied".into(),
                to: Some(
                    std::path::absolute(out)
                        .unwrap_or_else(|_| out.to_path_buf())
                        .display()
                        .to_string(),
                ),
                reason: reason.map(str::to_string),
                ..CustodyInput::default()
            },
            &today(),
        )?;
        self.add_records(vec![custody.clone()], "")?;
        tmp.persist_noclobber(out).map_err(|e| {
            ArchiveError::Other(format!(
                "the copy is recorded in the chain of custody as `{}`, but {} could not be written: {}",
                custody.id,
                out.display(),
                e.error
            ))
        })?;
        Ok(EvidenceCopy {
            evidence: id.to_string(),
            sha256: sha,
            size,
            custody: custody.id,
        })
    }

    /// The chain of custody of evidence `id` as a reader with `clearance` may see it: every
    /// custody entry for it and the evidence record's own history, in log order.
    pub fn custody_chain(
        &self,
        id: &str,
        clearance: Classification,
    ) -> Result<Vec<ChainEntry>, ArchiveError> {
        self.visible_evidence(id, clearance)?;
        let mut chain = Vec::new();
        for h in self.history(id, clearance)? {
            let action = match h.action.as_str() {
                "create" => "record created".to_string(),
                "edit" => "record edited".to_string(),
                "delete" => "record deleted".to_string(),
                "view" => "viewed".to_string(),
                other => format!("record {other}"),
            };
            chain.push(ChainEntry {
                seq: h.seq,
                time: h.time,
                logged_by: h.actor,
                action,
                record: id.to_string(),
                actor: None,
                from: None,
                to: None,
                reason: None,
                date: None,
                notes: None,
                sources: Vec::new(),
            });
        }
        let mut entries: Vec<String> = self
            .store()
            .referrers(id)?
            .into_iter()
            .filter(|r| Kind::from_id(&r.from_id) == Some(Kind::Custody))
            .filter(|r| r.path == "evidence" || r.path == "evidence.value")
            .map(|r| r.from_id)
            .collect();
        entries.sort();
        entries.dedup();
        for cus in entries {
            let Some(c) = self.get_visible(&cus, clearance)? else {
                continue;
            };
            let created = self.history(&cus, clearance)?.into_iter().next();
            let Some(created) = created else { continue };
            let sources = c
                .get("citations")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|x| x.get("source").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            chain.push(ChainEntry {
                seq: created.seq,
                time: created.time,
                logged_by: created.actor,
                action: text(&c, "action").unwrap_or_default(),
                record: cus,
                actor: text(&c, "actor"),
                from: text(&c, "from"),
                to: text(&c, "to"),
                reason: text(&c, "reason"),
                date: text(&c, "date"),
                notes: text(&c, "notes"),
                sources,
            });
        }
        chain.sort_by_key(|e| e.seq);
        Ok(chain)
    }
}

/// Re-hash the file of every current evidence record, whatever its classification; each
/// file is checked once. Returns how many files were checked; the first missing or altered
/// one is named, with the evidence record that points at it.
pub(crate) fn verify_blobs(archive: &Archive) -> Result<u64, ArchiveError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    archive
        .store()
        .for_each_record(Some(Kind::Evidence.as_str()), &mut |row| {
            let body = row.json();
            let sha = field_text(body.get("sealed_blob").or_else(|| body.get("sha256")));
            files.entry(sha).or_insert(row.id);
            Ok(())
        })?;
    let location = archive.blobs().location();
    for (sha, id) in &files {
        let problem = match archive.blobs().check(sha) {
            Ok(true) => continue,
            Ok(false) => format!(
                "evidence `{id}`: its file {sha} has been altered (the bytes in {location} no longer hash to it); restore the original from a backup"
            ),
            Err(BlobError::NotFound { .. }) => format!(
                "evidence `{id}`: its file {sha} is missing from {location}; restore it from a backup"
            ),
            Err(BlobError::BadName(_)) => {
                format!("evidence `{id}`: `{sha}` is not a SHA-256")
            }
            Err(e) => return Err(e.into()),
        };
        return Err(StoreError::Corrupt(problem).into());
    }
    Ok(files.len() as u64)
}

/// A custody entry is at least as secret as its evidence item: raise each custody record's
/// classification to its item's (found in the same batch or in the store).
/// The fields that describe an evidence item's file: what the bytes are, never what someone
/// says about them.
const FILE_FACTS: [&str; 4] = ["sha256", "size", "media_type", "original_name"];

/// Refuses an edit that would change what file an evidence item is: the original is never
/// modified, so a different file is a different item (`evidence add`, with `--derived-from`
/// for a copy made from this one).
pub(crate) fn keep_file_facts(before: &Record, after: &Record) -> Result<(), ArchiveError> {
    if before.kind != Kind::Evidence {
        return Ok(());
    }
    for field in FILE_FACTS {
        if before.body.get(field) != after.body.get(field) {
            return Err(ArchiveError::Other(format!(
                "{}: `{field}` describes the stored file and cannot be edited; add a different file as its own item with `rightsdoc evidence add` (`--derived-from {}` for a copy made from it)",
                before.id, before.id
            )));
        }
    }
    Ok(())
}

pub(crate) fn inherit_classification(
    store: &dyn Store,
    records: &mut [Record],
) -> Result<(), ArchiveError> {
    if !records.iter().any(|r| r.kind == Kind::Custody) {
        return Ok(());
    }
    let in_batch: BTreeMap<String, Classification> = records
        .iter()
        .filter(|r| r.kind == Kind::Evidence)
        .map(|r| (r.id.clone(), r.classification))
        .collect();
    for r in records.iter_mut().filter(|r| r.kind == Kind::Custody) {
        let Some(item) = r.body.get("evidence").and_then(plain_str) else {
            continue;
        };
        let class = match in_batch.get(item) {
            Some(c) => Some(*c),
            None => store
                .record(item)?
                .map(|row| row.classification.parse().unwrap_or_default()),
        };
        if let Some(c) = class
            && c > r.classification
        {
            r.classification = c;
            r.body
                .insert("classification".into(), Value::String(c.as_str().into()));
        }
    }
    Ok(())
}

/// When an evidence record is edited to a higher classification, the edits that raise its
/// custody entries to match (appended with it, in one transaction).
pub(crate) fn follow_classification(
    store: &dyn Store,
    actor: &str,
    evidence: &Record,
) -> Result<Vec<Change>, ArchiveError> {
    if evidence.kind != Kind::Evidence {
        return Ok(Vec::new());
    }
    let mut changes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in store.referrers(&evidence.id)? {
        if Kind::from_id(&r.from_id) != Some(Kind::Custody) || !seen.insert(r.from_id.clone()) {
            continue;
        }
        let Some(row) = store.record(&r.from_id)? else {
            continue;
        };
        let mut custody = row.record()?;
        if custody.classification >= evidence.classification {
            continue;
        }
        custody.classification = evidence.classification;
        custody.body.insert(
            "classification".into(),
            Value::String(evidence.classification.as_str().into()),
        );
        changes.push(Change {
            op: Operation::now(
                actor,
                Action::Edit,
                Kind::Custody.as_str(),
                &custody.id,
                custody.to_value(),
            ),
            record: Some(custody),
            expect_version: Some(row.version),
            skip_identical: false,
        });
    }
    Ok(changes)
}
