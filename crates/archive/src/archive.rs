use crate::error::ArchiveError;
use crate::keys::{self, KeySource, MasterKey};
use rand::RngCore;
use rightsdoc_ledger::{Action, ArchiveKey, Operation, SignedCheckpoint, Verifier};
use rightsdoc_model::{
    Classification, Kind, Record, contains_sealed, redact, validate, validate_stored,
};
use rightsdoc_store::{Change, Store, VerifyReport, verify};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) const CONFIG: &str = "rightsdoc.toml";
const SIGNING_KEY: &str = "keys/signing.key";
pub(crate) const VERIFIER_KEY: &str = "keys/verifier.key";
/// What an encrypted archive's first operation and metadata say it uses.
const ENCRYPTION: &str = "xchacha20poly1305";
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
    /// Confidential values are sealed under the key in `keys/encryption.json`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    encrypted: bool,
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
    /// Encrypt confidential values and files at rest under a master key unlocked by this
    /// passphrase or key file (`None`: they are stored in the clear).
    pub encryption: Option<KeySource>,
    /// Keep the log and projections in PostgreSQL (`postgres://user@host:port/db?schema=NAME`,
    /// an empty schema) instead of `archive.db`. The URL is written to `rightsdoc.toml`.
    pub database: Option<String>,
}

/// Whether this handle can open sealed values.
enum Keys {
    /// The archive keeps confidential values in the clear.
    Plain,
    /// Encrypted, and no key was given: sealed values stay sealed.
    Locked,
    Unlocked(Arc<MasterKey>),
}

/// A record an append wrote, as stored, with its operation's number.
#[derive(Debug, Clone)]
pub struct Written {
    pub seq: u64,
    pub record: Record,
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

/// What [`Archive::create`] did.
#[derive(Debug, Clone)]
pub struct Created {
    /// The record as stored.
    pub record: Record,
    /// Written now; false when the same record was there already.
    pub new: bool,
}

pub struct Archive {
    dir: PathBuf,
    origin: String,
    store: Box<dyn Store>,
    actor: String,
    blobs: Box<dyn rightsdoc_blobs::BlobStore>,
    /// `Some(url)`: the blobs are in S3, outside the archive folder.
    blobs_url: Option<String>,
    keys: Keys,
    /// Show a locked archive's confidential records without their sealed values instead of
    /// refusing (a server that holds no key).
    strip_when_locked: bool,
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
        // A database is checked (reachable, empty) before anything is written.
        let database = crate::database::open_database(options.database.as_deref())?;
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

        if let Some(source) = &options.encryption {
            keys::create(dir, source)?;
        }
        let (mut store, store_spec) = crate::database::create_store(dir, database)?;
        if options.encryption.is_some() {
            store.set_meta("encryption", ENCRYPTION)?;
        }
        store.set_meta("origin", &origin)?;
        store.set_meta("verifier_key", key.verifier_key())?;
        let mut payload = json!({
            "origin": origin, "verifier_key": key.verifier_key(), "format": 1,
        });
        if options.encryption.is_some() {
            payload["encryption"] = json!(ENCRYPTION);
        }
        let init = Operation::now(actor, Action::Init, "archive", &origin, payload);
        store.append(vec![Change {
            op: init,
            record: None,
            expect_version: None,
            skip_identical: false,
        }])?;
        let config = Config {
            format: 1,
            origin: origin.clone(),
            store: store_spec,
            blobs: blobs_url,
            encrypted: options.encryption.is_some(),
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
    /// A locked (encrypted, no key) reader shows confidential records without their sealed
    /// values rather than failing: a public-facing server need not hold the key.
    pub fn open_reader(dir: &Path, cache_mib: u32) -> Result<Archive, ArchiveError> {
        let mut a = Self::open_with_cache(dir, "reader", Some(cache_mib))?;
        a.strip_sealed_when_locked();
        Ok(a)
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
        let store = crate::database::open_store(dir, &config.store, cache_mib, &config_path)?;
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
        // The store says whether it is encrypted too: removing the line from the config (or
        // the keyring) must not make the archive write confidential values in the clear.
        let encrypted = config.encrypted || store.meta("encryption")?.is_some();
        let keys = if !encrypted {
            Keys::Plain
        } else if !dir.join(keys::KEYRING).exists() {
            return Err(ArchiveError::Other(format!(
                "{} is encrypted but {} is missing; restore it from a backup (without it nothing confidential can be read)",
                dir.display(),
                keys::KEYRING
            )));
        } else {
            match KeySource::from_env() {
                Some(source) => Keys::Unlocked(keys::unlock(dir, &source)?),
                None => Keys::Locked,
            }
        };
        Ok(Archive {
            dir: dir.to_path_buf(),
            origin: config.origin,
            store,
            actor: actor.to_string(),
            blobs,
            blobs_url: config.blobs,
            keys,
            strip_when_locked: false,
        })
    }

    /// Are confidential values encrypted at rest in this archive?
    pub fn is_encrypted(&self) -> bool {
        !matches!(self.keys, Keys::Plain)
    }

    /// Encrypted, and no key given yet (see [`Archive::unlock`]).
    pub fn is_locked(&self) -> bool {
        matches!(self.keys, Keys::Locked)
    }

    /// Unlock an encrypted archive (a passphrase typed at a prompt, say).
    pub fn unlock(&mut self, source: &KeySource) -> Result<(), ArchiveError> {
        if self.is_encrypted() {
            self.keys = Keys::Unlocked(keys::unlock(&self.dir, source)?);
        }
        Ok(())
    }

    /// For a server without the key: confidential readers see what is not sealed, instead of
    /// an error.
    pub fn strip_sealed_when_locked(&mut self) {
        self.strip_when_locked = true;
    }

    fn master(&self) -> Result<&MasterKey, ArchiveError> {
        match &self.keys {
            Keys::Unlocked(k) => Ok(k),
            _ => Err(ArchiveError::Locked),
        }
    }

    /// The data key of record `id`: `Ok(None)` once it was destroyed (redacted).
    fn data_key(&self, id: &str) -> Result<Option<keys::DataKey>, ArchiveError> {
        let master = self.master()?;
        match self.store.record_key(id)? {
            Some(w) if w.is_empty() => Ok(None),
            Some(w) => master.data_key(id, &w).map(Some),
            None => Err(ArchiveError::Other(format!(
                "`{id}` holds sealed values but the store has no data key for it; restore the archive from a backup"
            ))),
        }
    }

    /// [`Archive::data_key`] for the evidence code.
    pub(crate) fn record_data_key(&self, id: &str) -> Result<Option<keys::DataKey>, ArchiveError> {
        self.data_key(id)
    }

    /// The data key of `id`, made and stored now if it has none (refused once destroyed).
    pub(crate) fn fresh_data_key(&mut self, id: &str) -> Result<keys::DataKey, ArchiveError> {
        let master = match &self.keys {
            Keys::Unlocked(k) => k.clone(),
            _ => return Err(ArchiveError::Locked),
        };
        let wrapped = self.store.insert_record_key(id, &master.new_data_key(id))?;
        if wrapped.is_empty() {
            return Err(ArchiveError::Other(format!(
                "`{id}` was redacted (its key destroyed): it cannot hold confidential values again; record them in a new record"
            )));
        }
        master.data_key(id, &wrapped)
    }

    /// Seal the confidential values of the records these changes write (an encrypted
    /// archive only), giving each record a data key on first need.
    fn seal_changes(&mut self, changes: &mut [Change]) -> Result<(), ArchiveError> {
        if matches!(self.keys, Keys::Plain) {
            return Ok(());
        }
        for change in changes.iter_mut() {
            let Some(record) = &change.record else {
                continue;
            };
            if !crate::seal::needs_sealing(record) {
                continue;
            }
            let id = record.id.clone();
            let key = self.fresh_data_key(&id)?;
            let sealed = crate::seal::seal_record(record, &key);
            let stored = validate_stored(sealed.clone()).map_err(|e| {
                ArchiveError::Other(format!("`{id}` does not validate once sealed: {e}"))
            })?;
            change.op.payload = sealed;
            change.record = Some(stored);
        }
        Ok(())
    }

    /// Append after sealing: every write of records goes through here.
    fn append(
        &mut self,
        changes: Vec<Change>,
    ) -> Result<Vec<rightsdoc_store::Appended>, ArchiveError> {
        Ok(self.append_keeping(changes, false)?.0)
    }

    /// [`Archive::append`], also returning (with `keep`) the records of the changes as they
    /// were written: sealed.
    fn append_keeping(
        &mut self,
        mut changes: Vec<Change>,
        keep: bool,
    ) -> Result<(Vec<rightsdoc_store::Appended>, Vec<Record>), ArchiveError> {
        self.seal_changes(&mut changes)?;
        let kept = if keep {
            changes.iter().filter_map(|c| c.record.clone()).collect()
        } else {
            Vec::new()
        };
        Ok((self.store.append(changes)?, kept))
    }

    /// A stored body of record `id` (its current state or a payload from its history) as a
    /// reader with `clearance` may see it: redacted, and with its sealed values opened for a
    /// confidential reader.
    pub fn as_seen(
        &self,
        id: &str,
        body: Value,
        clearance: Classification,
    ) -> Result<Option<Value>, ArchiveError> {
        if clearance != Classification::Confidential || !contains_sealed(&body) {
            return Ok(redact(body, clearance));
        }
        let mut body = body;
        let key = match self.data_key(id) {
            Err(ArchiveError::Locked) if self.strip_when_locked => None,
            other => other?,
        };
        crate::seal::open_record(id, &mut body, key.as_ref())?;
        Ok(redact(body, clearance))
    }

    /// Record `id` with its sealed values opened (needs the key when it has any).
    fn opened(&self, row: &rightsdoc_store::RecordRow) -> Result<Record, ArchiveError> {
        let body = row.json();
        if !contains_sealed(&body) {
            return Ok(row.record()?);
        }
        let mut body = body;
        let key = self.data_key(&row.id)?;
        crate::seal::open_record(&row.id, &mut body, key.as_ref())?;
        validate(body).map_err(ArchiveError::invalid(format!("`{}` as stored: ", row.id)))
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
    pub fn add_records(&mut self, records: Vec<Record>, context: &str) -> Result<(), ArchiveError> {
        self.create_many(records, context, false).map(drop)
    }

    /// Creates `records` in one append; with `keep`, returns each record written (as stored,
    /// sealed) with its operation's number, for a caller that indexes them itself.
    fn create_many(
        &mut self,
        mut records: Vec<Record>,
        context: &str,
        keep: bool,
    ) -> Result<Vec<Written>, ArchiveError> {
        crate::evidence::inherit_classification(self.store.as_ref(), &mut records)?;
        let changes: Vec<Change> = records
            .into_iter()
            .map(|record| self.creation(record, true))
            .collect();
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let (appended, mut kept) = self.append_keeping(changes, keep).map_err(|e| match e {
            ArchiveError::Store(rightsdoc_store::StoreError::Exists(id)) => ArchiveError::Other(format!(
                "{context}`{id}` already exists with different content; change it with `rightsdoc edit`"
            )),
            e if context.is_empty() => e,
            e => ArchiveError::Other(format!("{context}{e}")),
        })?;
        if !keep {
            return Ok(Vec::new());
        }
        // Appended operations come in the order of the changes, leaving out the creates
        // skipped as identical: the records written are picked out by id in that order.
        let mut records = kept.drain(..);
        let mut written = Vec::with_capacity(appended.len());
        for a in appended {
            let record = records
                .find(|r| r.id == a.target)
                .expect("every appended create is one of the records given");
            written.push(Written { seq: a.seq, record });
        }
        Ok(written)
    }

    /// Create one record, safe to retry: when a record with its id exists already with the
    /// same content (a client that did not hear the first answer sends it again), nothing is
    /// written and [`Created::new`] is false; different content under that id is refused
    /// with [`StoreError::Exists`](rightsdoc_store::StoreError::Exists). Concurrent creates of
    /// one id write it once.
    pub fn create(&mut self, input: Value) -> Result<Created, ArchiveError> {
        let mut record = validate(input).map_err(ArchiveError::invalid(""))?;
        crate::evidence::inherit_classification(
            self.store.as_ref(),
            std::slice::from_mut(&mut record),
        )?;
        if let Some(created) = self.already_created(&record)? {
            return Ok(created);
        }
        // Compared above, on opened values, rather than by the store on stored ones.
        let change = self.creation(record.clone(), false);
        match self.append(vec![change]) {
            Ok(_) => Ok(Created { record, new: true }),
            // Another writer created it between the check and the write.
            Err(ArchiveError::Store(rightsdoc_store::StoreError::Exists(id))) => self
                .already_created(&record)?
                .ok_or(rightsdoc_store::StoreError::Exists(id).into()),
            Err(e) => Err(e),
        }
    }

    /// The operation that creates `record`; with `skip_identical`, the store leaves out a
    /// create of a record already stored as it is.
    fn creation(&self, record: Record, skip_identical: bool) -> Change {
        Change {
            op: Operation::now(
                &self.actor,
                Action::Create,
                record.kind.as_str(),
                &record.id,
                Value::Object(record.body.clone()),
            ),
            record: Some(record),
            expect_version: None,
            skip_identical,
        }
    }

    /// `Some` when `record`'s id is taken by a record with the same content; an error when it
    /// is taken by another; `None` when it is free.
    fn already_created(&self, record: &Record) -> Result<Option<Created>, ArchiveError> {
        let Some(row) = self.store.record(&record.id)? else {
            return Ok(None);
        };
        let stored = self.opened(&row)?;
        if stored.body != record.body {
            return Err(rightsdoc_store::StoreError::Exists(record.id.clone()).into());
        }
        Ok(Some(Created {
            record: stored,
            new: false,
        }))
    }

    /// Write one chunk of an import: [`Archive::add_records`], except that a list record the
    /// importer made from a list name may exist already (an earlier file named the same list)
    /// and is then left as it is. Returns the records written with their operation numbers
    /// (identical records already in the archive are not written again).
    pub fn add_imported(
        &mut self,
        records: Vec<Record>,
        context: &str,
    ) -> Result<Vec<Written>, ArchiveError> {
        let mut keep = Vec::with_capacity(records.len());
        for r in records {
            if r.kind != Kind::List || self.store.record(&r.id)?.is_none() {
                keep.push(r);
            }
        }
        self.create_many(keep, context, true)
    }

    /// Starts a bulk write (see [`rightsdoc_store::Store::begin_bulk`]): what is added until
    /// [`Archive::end_bulk`] is committed or discarded as one. `false` when the store
    /// cannot, and every add then commits by itself.
    pub fn begin_bulk(&mut self) -> Result<bool, ArchiveError> {
        Ok(self.store.begin_bulk()?)
    }

    /// Commits (or, with `commit` false, discards) the bulk write begun by
    /// [`Archive::begin_bulk`].
    pub fn end_bulk(&mut self, commit: bool) -> Result<(), ArchiveError> {
        Ok(self.store.end_bulk(commit)?)
    }

    /// Apply an RFC 7396 merge patch to a record.
    pub fn edit(&mut self, id: &str, patch: &Value) -> Result<Record, ArchiveError> {
        self.edit_if(id, patch, None)
    }

    /// [`Archive::edit`], only if the record is still at version `expect` (when given):
    /// otherwise [`StoreError::Conflict`](rightsdoc_store::StoreError::Conflict), so an edit
    /// made from a stale copy never overwrites what another writer changed since.
    pub fn edit_if(
        &mut self,
        id: &str,
        patch: &Value,
        expect: Option<u64>,
    ) -> Result<Record, ArchiveError> {
        let row = self.current(id, expect)?;
        let before = self.opened(&row)?;
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
        self.append(changes)?;
        Ok(record)
    }

    /// Withdraw a record from the current state (its history stays in the log).
    pub fn delete(&mut self, id: &str, reason: &str) -> Result<(), ArchiveError> {
        self.delete_if(id, reason, None)
    }

    /// [`Archive::delete`], only if the record is still at version `expect` (when given).
    pub fn delete_if(
        &mut self,
        id: &str,
        reason: &str,
        expect: Option<u64>,
    ) -> Result<(), ArchiveError> {
        let row = self.current(id, expect)?;
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

    /// The stored row of `id`, refused when absent or when it is not at version `expect`. The
    /// write that follows expects the version read here, so a change in between is caught too.
    fn current(
        &self,
        id: &str,
        expect: Option<u64>,
    ) -> Result<rightsdoc_store::RecordRow, ArchiveError> {
        use rightsdoc_store::StoreError;
        let row = self
            .store
            .record(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        match expect {
            Some(expected) if expected != row.version => Err(StoreError::Conflict {
                id: id.to_string(),
                expected,
                found: row.version,
            }
            .into()),
            _ => Ok(row),
        }
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

    /// Crypto-shredding: destroy the data key of record `id`, so its sealed (confidential)
    /// values can never be read again, anywhere they were written; a `redact` operation with
    /// the reason is appended first, so the log says what happened even if the process dies
    /// between the two steps (`verify` then names the unfinished redaction, and running this
    /// again finishes it). Needs no key: anyone who may write can shred.
    pub fn redact(&mut self, id: &str, reason: &str) -> Result<(), ArchiveError> {
        if reason.trim().is_empty() {
            return Err(ArchiveError::Other(
                "a redaction needs a reason (--reason …): the log keeps it".into(),
            ));
        }
        let row = self
            .store
            .record(id)?
            .ok_or_else(|| rightsdoc_store::StoreError::NotFound(id.to_string()))?;
        match self.store.record_key(id)? {
            None => {
                return Err(ArchiveError::Other(format!(
                    "`{id}` holds no encrypted values, so there is no key to destroy{}; to withdraw the record use `rightsdoc delete`",
                    if self.is_encrypted() {
                        ""
                    } else {
                        " (this archive keeps confidential values in the clear)"
                    }
                )));
            }
            Some(k) if k.is_empty() => {
                return Err(ArchiveError::Other(format!("`{id}` was redacted already")));
            }
            Some(_) => {}
        }
        let already_logged = self.store.history(id)?.into_iter().any(|seq| {
            self.store
                .read_log(seq, seq + 1)
                .is_ok_and(|ops| ops.iter().any(|op| op.header.action == Action::Redact))
        });
        if !already_logged {
            let op = Operation::now(
                &self.actor,
                Action::Redact,
                &row.kind,
                id,
                json!({ "reason": reason.trim() }),
            );
            self.store.append(vec![Change {
                op,
                record: None,
                expect_version: None,
                skip_identical: false,
            }])?;
        }
        self.store.destroy_record_key(id)?;
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
                let record = match payload {
                    Some(p) if matches!(action, Action::Create | Action::Edit) => {
                        self.as_seen(id, p, clearance)?
                    }
                    _ => None,
                };
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
        self.verify_data_keys()?;
        // Then every evidence file, re-hashed (the store does not hold them).
        report.blobs = crate::evidence::verify_blobs(self)?;
        Ok(report)
    }

    /// With the key: every record that holds sealed values has a data key that opens under
    /// the master key (the AEAD tag catches a changed byte). Without it this cannot be
    /// checked, and is not: verification needs no key.
    fn verify_data_keys(&self) -> Result<(), ArchiveError> {
        let Keys::Unlocked(master) = &self.keys else {
            return Ok(());
        };
        let mut failed = None;
        self.store.for_each_record(None, &mut |row| {
            if failed.is_none() && row.body.contains("\"sealed") {
                match self.store.record_key(&row.id)? {
                    Some(w) if w.is_empty() => {}
                    Some(w) => {
                        if let Err(e) = master.data_key(&row.id, &w) {
                            failed = Some(e.to_string());
                        }
                    }
                    None => {
                        failed = Some(format!(
                            "`{}` holds sealed values but has no data key",
                            row.id
                        ))
                    }
                }
            }
            Ok(())
        })?;
        match failed {
            Some(problem) => Err(rightsdoc_store::StoreError::Corrupt(format!(
                "{problem}; restore the archive from a backup"
            ))
            .into()),
            None => Ok(()),
        }
    }

    /// Visit every current record (optionally of one kind) that a reader with `clearance` may
    /// see, redacted to that clearance. The one path by which records leave the archive.
    pub fn visible(
        &self,
        clearance: Classification,
        kind: Option<Kind>,
        f: &mut dyn FnMut(Value),
    ) -> Result<(), ArchiveError> {
        let mut failed = None;
        self.store
            .for_each_record(kind.map(Kind::as_str), &mut |row| {
                match self.as_seen(&row.id, row.json(), clearance) {
                    Ok(Some(v)) => f(v),
                    Ok(None) => {}
                    Err(e) => {
                        failed = Some(e);
                        return Err(rightsdoc_store::StoreError::Backend("stopped".into()));
                    }
                }
                Ok(())
            })
            .map_err(|e| failed.take().unwrap_or(ArchiveError::Store(e)))?;
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
        let mut page = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(v) = self.as_seen(&row.id, row.json(), clearance)? {
                page.push(v);
            }
        }
        Ok((page, total))
    }

    /// One record as a reader with `clearance` may see it (`None`: absent or not visible).
    pub fn get_visible(
        &self,
        id: &str,
        clearance: Classification,
    ) -> Result<Option<Value>, ArchiveError> {
        Ok(self.get_visible_versioned(id, clearance)?.map(|(v, _)| v))
    }

    /// [`Archive::get_visible`] with the record's version (the sequence number of the last
    /// operation that changed it), for an edit that must not overwrite a newer one.
    pub fn get_visible_versioned(
        &self,
        id: &str,
        clearance: Classification,
    ) -> Result<Option<(Value, u64)>, ArchiveError> {
        match self.store.record(id)? {
            Some(row) => Ok(self
                .as_seen(id, row.json(), clearance)?
                .map(|v| (v, row.version))),
            None => Ok(None),
        }
    }

    /// Every current record a reader with `clearance` may see, redacted to that clearance.
    pub fn export(&self, clearance: Classification) -> Result<Vec<Value>, ArchiveError> {
        let mut out = Vec::new();
        self.visible(clearance, None, &mut |v| out.push(v))?;
        Ok(out)
    }
}

pub(crate) fn write_private(path: &Path, text: &str) -> Result<(), ArchiveError> {
    use std::io::Write;
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(ArchiveError::io(path))?;
    writeln!(f, "{text}").map_err(ArchiveError::io(path))?;
    f.sync_all().map_err(ArchiveError::io(path))
}
