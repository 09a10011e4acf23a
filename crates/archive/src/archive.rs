use crate::error::ArchiveError;
use rand::RngCore;
use rightsdoc_ledger::{Action, ArchiveKey, Operation, SignedCheckpoint, Verifier};
use rightsdoc_model::{Classification, Kind, Record, redact, validate};
use rightsdoc_store::{Change, SqliteStore, Store, VerifyReport, verify};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};

const CONFIG: &str = "rightsdoc.toml";
const DB: &str = "archive.db";
const SIGNING_KEY: &str = "keys/signing.key";
const VERIFIER_KEY: &str = "keys/verifier.key";
/// The local blob store (evidence files), see `rightsdoc_blobs::LocalBlobs`.
pub(crate) const BLOBS: &str = "blobs";

#[derive(Serialize, Deserialize)]
struct Config {
    format: u32,
    origin: String,
    store: String,
    /// Where the evidence files are when not in the archive's `blobs/` folder:
    /// `s3://bucket/prefix`. Absent (every archive made before it): the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blobs: Option<String>,
}

/// Choices made when an archive is created ([`Archive::init_with`]).
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Keep the evidence files in S3-compatible storage (`s3://bucket/prefix`) instead of
    /// the archive's `blobs/` folder. Only the URL is written to `rightsdoc.toml`: the
    /// endpoint, region and credentials come from the environment (`AWS_ENDPOINT_URL`,
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`) each time
    /// the archive is opened.
    pub blobs: Option<String>,
}

/// One operation in a record's history, as shown to a user.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub action: String,
    /// The record after the operation, as the reader may see it; `None` after a delete, when
    /// the version is above the reader's clearance, or when the payload was destroyed.
    pub record: Option<Value>,
    /// The payload was destroyed (crypto-shredding); the header still verifies.
    pub redacted: bool,
}

pub struct Archive {
    dir: PathBuf,
    origin: String,
    store: Box<dyn Store>,
    actor: String,
    blobs: Box<dyn rightsdoc_blobs::BlobStore>,
    /// `Some(url)`: the blobs are in S3, outside the archive folder.
    blobs_url: Option<String>,
}

impl Archive {
    /// Create a new, empty archive in `dir` with a fresh signing key.
    pub fn init(dir: &Path, actor: &str) -> Result<Archive, ArchiveError> {
        Self::init_with(dir, actor, &InitOptions::default())
    }

    /// [`Archive::init`] with choices. An S3 blob store is checked (endpoint, credentials,
    /// bucket) before anything is written.
    pub fn init_with(
        dir: &Path,
        actor: &str,
        options: &InitOptions,
    ) -> Result<Archive, ArchiveError> {
        if dir.join(CONFIG).exists() {
            return Err(ArchiveError::AlreadyExists(dir.to_path_buf()));
        }
        let blobs_url = match &options.blobs {
            Some(url) => {
                let url = rightsdoc_blobs::S3Location::parse(url)?.to_string();
                rightsdoc_blobs::open_url(&url)?.probe()?;
                Some(url)
            }
            None => None,
        };
        fs::create_dir_all(dir.join("keys")).map_err(ArchiveError::io(dir))?;
        if blobs_url.is_none() {
            fs::create_dir_all(dir.join(BLOBS)).map_err(ArchiveError::io(dir.join(BLOBS)))?;
        }
        let mut id = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut id);
        let origin = format!(
            "rightsdoc.archive/{}",
            id.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let key = ArchiveKey::generate(&origin);
        write_private(&dir.join(SIGNING_KEY), key.signer_key())?;
        fs::write(dir.join(VERIFIER_KEY), format!("{}\n", key.verifier_key()))
            .map_err(ArchiveError::io(dir.join(VERIFIER_KEY)))?;

        let mut store = SqliteStore::open(&dir.join(DB))?;
        store.set_meta("origin", &origin)?;
        store.set_meta("verifier_key", key.verifier_key())?;
        let init = Operation::now(
            actor,
            Action::Init,
            "archive",
            &origin,
            json!({
                "origin": origin, "verifier_key": key.verifier_key(), "format": 1,
            }),
        );
        store.append(vec![Change {
            op: init,
            record: None,
            expect_version: None,
            skip_identical: false,
        }])?;
        let config = Config {
            format: 1,
            origin: origin.clone(),
            store: format!("sqlite:{DB}"),
            blobs: blobs_url,
        };
        let text = toml::to_string(&config).map_err(|e| ArchiveError::Other(e.to_string()))?;
        // The config is written last: a folder without it is not (yet) an archive.
        fs::write(dir.join(CONFIG), text).map_err(ArchiveError::io(dir.join(CONFIG)))?;
        Self::open(dir, actor)
    }

    /// Open the archive in `dir`; `actor` is recorded on every operation this handle writes.
    pub fn open(dir: &Path, actor: &str) -> Result<Archive, ArchiveError> {
        Self::open_with_cache(dir, actor, None)
    }

    /// Open for a server's pool of readers: each handle keeps a small page cache (`cache_mib`)
    /// instead of the bulk writer's large one, so many handles fit in little memory.
    pub fn open_reader(dir: &Path, cache_mib: u32) -> Result<Archive, ArchiveError> {
        Self::open_with_cache(dir, "reader", Some(cache_mib))
    }

    fn open_with_cache(
        dir: &Path,
        actor: &str,
        cache_mib: Option<u32>,
    ) -> Result<Archive, ArchiveError> {
        let config_path = dir.join(CONFIG);
        let text = fs::read_to_string(&config_path)
            .map_err(|_| ArchiveError::NotAnArchive(dir.to_path_buf()))?;
        let config: Config = toml::from_str(&text)
            .map_err(|e| ArchiveError::Other(format!("{}: {e}", config_path.display())))?;
        let store: Box<dyn Store> = match config.store.strip_prefix("sqlite:") {
            Some(file) => {
                let store = SqliteStore::open(&dir.join(file))?;
                if let Some(mib) = cache_mib {
                    store.set_cache_mib(mib)?;
                }
                Box::new(store)
            }
            None => {
                return Err(ArchiveError::Other(format!(
                    "{}: unknown store `{}`",
                    config_path.display(),
                    config.store
                )));
            }
        };
        let vkey = fs::read_to_string(dir.join(VERIFIER_KEY))
            .map_err(ArchiveError::io(dir.join(VERIFIER_KEY)))?;
        // A damaged key file is reported on open, not at the first verification.
        Verifier::new(&vkey)?;
        let blobs: Box<dyn rightsdoc_blobs::BlobStore> = match &config.blobs {
            Some(url) => rightsdoc_blobs::open_url(url)
                .map_err(|e| ArchiveError::Other(format!("{} names {e}", config_path.display())))?,
            None => {
                // Archives made before the evidence store get its folder; a read-only copy
                // still opens (and a write to it then says where it failed).
                let _ = fs::create_dir_all(dir.join(BLOBS));
                Box::new(rightsdoc_blobs::LocalBlobs::new(dir.join(BLOBS)))
            }
        };
        Ok(Archive {
            dir: dir.to_path_buf(),
            origin: config.origin,
            store,
            actor: actor.to_string(),
            blobs,
            blobs_url: config.blobs,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The evidence files (content addressed; `<archive>/blobs`, or the S3 store named in
    /// `rightsdoc.toml`).
    pub fn blobs(&self) -> &dyn rightsdoc_blobs::BlobStore {
        self.blobs.as_ref()
    }

    /// `Some("s3://bucket/prefix")` when the evidence files are kept in S3, outside the
    /// archive folder (so a copy of the folder does not hold them).
    pub fn blobs_url(&self) -> Option<&str> {
        self.blobs_url.as_deref()
    }

    /// Who this handle records as the actor of its operations.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Validate and create one record; returns it as stored.
    pub fn add(&mut self, input: Value) -> Result<Record, ArchiveError> {
        Ok(self.add_many(vec![input], "")?.remove(0))
    }

    /// Create records in one transaction: all are written or none. Records that already exist
    /// with identical content are skipped, so re-importing the same file changes nothing.
    /// `context` prefixes error messages (e.g. the file name); records are numbered from 1.
    pub fn add_many(
        &mut self,
        inputs: Vec<Value>,
        context: &str,
    ) -> Result<Vec<Record>, ArchiveError> {
        let single = context.is_empty() && inputs.len() == 1;
        let records = inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| {
                let where_ = if single {
                    String::new()
                } else {
                    format!("{context}record {}: ", i + 1)
                };
                validate(input).map_err(ArchiveError::invalid(where_))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.add_records(records.clone(), context)?;
        Ok(records)
    }

    /// [`Archive::add_many`] for records validated already (an importer validates every row
    /// to report on it; doing it twice would be a third of the import's work).
    pub fn add_records(
        &mut self,
        mut records: Vec<Record>,
        context: &str,
    ) -> Result<(), ArchiveError> {
        crate::evidence::inherit_classification(self.store.as_ref(), &mut records)?;
        let changes: Vec<Change> = records
            .into_iter()
            .map(|record| Change {
                op: Operation::now(
                    &self.actor,
                    Action::Create,
                    record.kind.as_str(),
                    &record.id,
                    Value::Object(record.body.clone()),
                ),
                record: Some(record),
                expect_version: None,
                skip_identical: true,
            })
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        self.store.append(changes).map_err(|e| match e {
            rightsdoc_store::StoreError::Exists(id) => ArchiveError::Other(format!(
                "{context}`{id}` already exists with different content; change it with `rightsdoc edit`"
            )),
            e if context.is_empty() => ArchiveError::Store(e),
            e => ArchiveError::Other(format!("{context}{e}")),
        })?;
        Ok(())
    }

    /// Write one chunk of an import: [`Archive::add_records`], except that a list record the
    /// importer made from a list name may exist already (an earlier file named the same list)
    /// and is then left as it is.
    pub fn add_imported(
        &mut self,
        records: Vec<Record>,
        context: &str,
    ) -> Result<(), ArchiveError> {
        let mut keep = Vec::with_capacity(records.len());
        for r in records {
            if r.kind != Kind::List || self.store.record(&r.id)?.is_none() {
                keep.push(r);
            }
        }
        self.add_records(keep, context)
    }

    /// Apply an RFC 7396 merge patch to a record.
    pub fn edit(&mut self, id: &str, patch: &Value) -> Result<Record, ArchiveError> {
        let row = self
            .store
            .record(id)?
            .ok_or_else(|| rightsdoc_store::StoreError::NotFound(id.to_string()))?;
        let before = row.record()?;
        let mut record = before
            .clone()
            .apply_patch(patch)
            .map_err(ArchiveError::invalid(""))?;
        crate::evidence::keep_file_facts(&before, &record)?;
        crate::evidence::inherit_classification(
            self.store.as_ref(),
            std::slice::from_mut(&mut record),
        )?;
        let op = Operation::now(
            &self.actor,
            Action::Edit,
            record.kind.as_str(),
            id,
            record.to_value(),
        );
        // An evidence item made more secret takes its custody entries with it, in one write.
        let follow =
            crate::evidence::follow_classification(self.store.as_ref(), &self.actor, &record)?;
        let mut changes = vec![Change {
            op,
            record: Some(record.clone()),
            expect_version: Some(row.version),
            skip_identical: false,
        }];
        changes.extend(follow);
        self.store.append(changes)?;
        Ok(record)
    }

    /// Withdraw a record from the current state (its history stays in the log).
    pub fn delete(&mut self, id: &str, reason: &str) -> Result<(), ArchiveError> {
        let row = self
            .store
            .record(id)?
            .ok_or_else(|| rightsdoc_store::StoreError::NotFound(id.to_string()))?;
        let op = Operation::now(
            &self.actor,
            Action::Delete,
            &row.kind,
            id,
            json!({"reason": reason}),
        );
        self.store.append(vec![Change {
            op,
            record: None,
            expect_version: Some(row.version),
            skip_identical: false,
        }])?;
        Ok(())
    }

    /// Log that this handle's actor read record `id` (which holds confidential values)
    /// through `via` (a page, the API).
    pub fn record_view(&mut self, id: &str, via: &str) -> Result<(), ArchiveError> {
        let kind = Kind::from_id(id).map_or("record", Kind::as_str);
        let op = Operation::now(&self.actor, Action::View, kind, id, json!({ "via": via }));
        self.store.append(vec![Change {
            op,
            record: None,
            expect_version: None,
            skip_identical: false,
        }])?;
        Ok(())
    }

    pub fn get(&self, id: &str) -> Result<Option<Record>, ArchiveError> {
        match self.store.record(id)? {
            Some(row) => Ok(Some(row.record()?)),
            None => Ok(None),
        }
    }

    /// Every operation that touched `id`, oldest first, each version redacted to `clearance`.
    /// Refused when no version of the record is visible at that clearance.
    pub fn history(
        &self,
        id: &str,
        clearance: Classification,
    ) -> Result<Vec<HistoryEntry>, ArchiveError> {
        let mut out = Vec::new();
        let mut any_visible = false;
        for seq in self.store.history(id)? {
            for op in self.store.read_log(seq, seq + 1)? {
                let payload = op
                    .payload_json()
                    .map_err(rightsdoc_store::StoreError::from)?;
                let redacted = payload.is_none();
                let action = op.header.action;
                // Who read a confidential record is itself confidential.
                if action == Action::View && clearance != Classification::Confidential {
                    continue;
                }
                let record = payload
                    .filter(|_| matches!(action, Action::Create | Action::Edit))
                    .and_then(|p| redact(p, clearance));
                any_visible |= record.is_some();
                out.push(HistoryEntry {
                    seq,
                    time: op.header.time.clone(),
                    actor: op.header.actor.clone(),
                    action: op.header.action.as_str().to_string(),
                    record,
                    redacted,
                });
            }
        }
        if !any_visible {
            return Ok(Vec::new());
        }
        Ok(out)
    }

    /// Sign a checkpoint of the log as it is now, keep it, and return it.
    pub fn checkpoint(&mut self) -> Result<SignedCheckpoint, ArchiveError> {
        let skey_path = self.dir.join(SIGNING_KEY);
        let skey = fs::read_to_string(&skey_path).map_err(ArchiveError::io(&skey_path))?;
        let key = ArchiveKey::from_signer_key(&skey)?;
        let size = self.store.log_size()?;
        let root = self.store.root(size)?;
        let cp = key.sign(&self.origin, size, root)?;
        self.store.add_checkpoint(size, &cp.text)?;
        Ok(cp)
    }

    /// Verify the whole archive; `extra` are checkpoints kept outside it.
    pub fn verify(&self, extra: &[String]) -> Result<VerifyReport, ArchiveError> {
        let vkey = fs::read_to_string(self.dir.join(VERIFIER_KEY))
            .map_err(ArchiveError::io(self.dir.join(VERIFIER_KEY)))?;
        if self.store.meta("verifier_key")?.as_deref() != Some(vkey.trim()) {
            return Err(rightsdoc_store::StoreError::Corrupt(
                "keys/verifier.key differs from the key the archive was created with".into(),
            )
            .into());
        }
        let verifier = Verifier::new(&vkey)?;
        let mut report = verify(self.store.as_ref(), &verifier, extra)?;
        // Then every evidence file, re-hashed (the store does not hold them).
        report.blobs = crate::evidence::verify_blobs(self)?;
        Ok(report)
    }

    /// Visit every current record (optionally of one kind) that a reader with `clearance` may
    /// see, redacted to that clearance. The one path by which records leave the archive.
    pub fn visible(
        &self,
        clearance: Classification,
        kind: Option<Kind>,
        f: &mut dyn FnMut(Value),
    ) -> Result<(), ArchiveError> {
        self.store
            .for_each_record(kind.map(Kind::as_str), &mut |row| {
                if let Some(v) = redact(row.json(), clearance) {
                    f(v);
                }
                Ok(())
            })?;
        Ok(())
    }

    /// One page of the records of `kind` a reader with `clearance` may see, redacted, in id
    /// order, with how many there are in all (counted by the store's index, not by reading
    /// every record).
    pub fn visible_page(
        &self,
        clearance: Classification,
        kind: Kind,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Value>, u64), ArchiveError> {
        let (rows, total) = self
            .store
            .records_page(kind.as_str(), clearance, offset, limit)?;
        let page = rows
            .into_iter()
            .filter_map(|row| redact(row.json(), clearance))
            .collect();
        Ok((page, total))
    }

    /// One record as a reader with `clearance` may see it (`None`: absent or not visible).
    pub fn get_visible(
        &self,
        id: &str,
        clearance: Classification,
    ) -> Result<Option<Value>, ArchiveError> {
        Ok(self
            .store
            .record(id)?
            .and_then(|row| redact(row.json(), clearance)))
    }

    /// Every current record a reader with `clearance` may see, redacted to that clearance.
    pub fn export(&self, clearance: Classification) -> Result<Vec<Value>, ArchiveError> {
        let mut out = Vec::new();
        self.visible(clearance, None, &mut |v| out.push(v))?;
        Ok(out)
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), ArchiveError> {
    use std::io::Write;
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(ArchiveError::io(path))?;
    writeln!(f, "{text}").map_err(ArchiveError::io(path))?;
    f.sync_all().map_err(ArchiveError::io(path))
}
