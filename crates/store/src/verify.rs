//! Verification of a whole archive, independent of the backend: re-hash every operation,
//! recompute the Merkle tree, check every checkpoint, and rebuild the projections from the log
//! to compare them row by row. The first problem found is named.

use crate::error::StoreError;
use crate::projection::{Rebuilt, RefRow};
use crate::store::Store;
use rightsdoc_ledger::{
    Action, Hash, MemoryTree, Verifier, check_consistency, prove_consistency, root_hash,
};

/// What a successful verification covered.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub operations: u64,
    pub root: Hash,
    pub records: u64,
    pub checkpoints: Vec<(u64, String)>,
    /// Operations whose payload has been destroyed (the header still verifies).
    pub redacted: u64,
    /// Records whose data key was destroyed (crypto-shredding), by the `redact` operation
    /// that did it: (seq, record id, reason).
    pub shredded: Vec<(u64, String, String)>,
    /// Evidence files re-hashed. The store does not hold them: the archive service, which
    /// owns the blob store, fills this in after the store's own checks.
    pub blobs: u64,
}

const CHUNK: u64 = 20_000;

fn corrupt<T>(msg: impl Into<String>) -> Result<T, StoreError> {
    Err(StoreError::Corrupt(msg.into()))
}

/// Verify `store` against the archive's `verifier`; `extra` are checkpoints handed in from
/// outside (e.g. `rightsdoc verify --checkpoint FILE`), checked like the stored ones.
pub fn verify(
    store: &dyn Store,
    verifier: &Verifier,
    extra: &[String],
) -> Result<VerifyReport, StoreError> {
    store.check_storage()?;

    // 1. The log: every header canonical, every payload matching its digest, the chain unbroken.
    let size = store.log_size()?;
    let mut tree = MemoryTree::new();
    let mut rebuilt = Rebuilt::default();
    let mut prev = String::new();
    let mut redacted = 0;
    let mut shredded = Vec::new();
    let mut from = 0;
    while from < size {
        let to = (from + CHUNK).min(size);
        for op in store.read_log(from, to)? {
            let h = &op.header;
            if h.prev != prev {
                return corrupt(format!(
                    "operation {}: its link to operation {} is broken (an operation was changed, removed or inserted)",
                    h.seq,
                    h.seq.saturating_sub(1)
                ));
            }
            if (h.seq == 0) != (h.action == Action::Init) {
                return corrupt(format!(
                    "operation {}: only the first operation may (and must) initialise the archive",
                    h.seq
                ));
            }
            if h.action == Action::Init {
                check_init(store, &op)?;
            }
            if op.payload.is_none() {
                redacted += 1;
            }
            if h.action == Action::Redact {
                // The operation is written before the key is destroyed: a crash between the
                // two leaves a key that the log says is gone.
                if !store.record_key(&h.target)?.is_some_and(|k| k.is_empty()) {
                    return corrupt(format!(
                        "operation {} redacts `{}` but its data key still exists (the redaction was interrupted); run `rightsdoc redact {} --reason …` again to finish it",
                        h.seq, h.target, h.target
                    ));
                }
                let reason = op
                    .payload_json()?
                    .and_then(|p| p.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                    .unwrap_or_default();
                shredded.push((h.seq, h.target.clone(), reason));
            }
            rebuilt.apply(&op)?;
            tree.append(op.leaf);
            prev = hex::encode(op.leaf.0);
        }
        from = to;
    }

    // 2. The stored tree equals the tree recomputed from the leaves.
    let expected = tree.stored();
    let mut seen = 0u64;
    store.for_each_stored_hash(&mut |idx, hash| {
        match expected.get(idx as usize) {
            Some(h) if *h == hash => {}
            Some(_) => return corrupt(format!("Merkle tree hash {idx} does not match the log")),
            None => return corrupt(format!("Merkle tree hash {idx} is beyond the log's end")),
        }
        if idx != seen {
            return corrupt(format!("Merkle tree hash {seen} is missing"));
        }
        seen += 1;
        Ok(())
    })?;
    if seen != expected.len() as u64 {
        return corrupt(format!(
            "the Merkle tree has {seen} stored hashes, the log needs {}",
            expected.len()
        ));
    }
    let root = tree.root();

    // 3. Checkpoints: signed by this archive, and consistent with the log as it is now.
    let mut checkpoints = Vec::new();
    let stored = store.checkpoints()?;
    let given = extra.iter().map(|t| (None, t, "given"));
    for (claimed, text, origin) in stored
        .iter()
        .map(|(size, t)| (Some(*size), t, "stored"))
        .chain(given)
    {
        let cp = verifier
            .verify(text)
            .or_else(|e| corrupt(format!("{origin} checkpoint: {e}")))?;
        if claimed.is_some_and(|s| s != cp.size) {
            return corrupt(format!(
                "stored checkpoint of size {}: its size column was altered",
                cp.size
            ));
        }
        if cp.size > size {
            return corrupt(format!(
                "{origin} checkpoint of size {} is larger than the log ({size} operations): operations were removed",
                cp.size
            ));
        }
        let then = root_hash(cp.size, &tree)?;
        let proof = prove_consistency(size, cp.size, &tree)?;
        if then != cp.root || check_consistency(&proof, size, root, cp.size, cp.root).is_err() {
            return corrupt(format!(
                "{origin} checkpoint at size {}: the log no longer extends it — something recorded before it was altered or removed",
                cp.size
            ));
        }
        checkpoints.push((cp.size, origin.to_string()));
    }

    // 4. Projections equal a rebuild from the log.
    let mut expected_records = rebuilt.records.values();
    let mut count = 0u64;
    store.for_each_record(None, &mut |row| {
        count += 1;
        match expected_records.next() {
            Some(want) if want.record == row => Ok(()),
            Some(want) if want.record.id == row.id => corrupt(format!(
                "record `{}` differs from the log's version of it",
                row.id
            )),
            Some(want) => corrupt(format!(
                "records table: found `{}` where the log has `{}`",
                row.id, want.record.id
            )),
            None => corrupt(format!("record `{}` is not in the log", row.id)),
        }
    })?;
    if let Some(missing) = expected_records.next() {
        return corrupt(format!(
            "record `{}` is in the log but missing from the records table",
            missing.record.id
        ));
    }
    let mut want_refs: Vec<&RefRow> = rebuilt.records.values().flat_map(|r| &r.refs).collect();
    want_refs.sort();
    compare_rows(
        "refs",
        &want_refs,
        |f| store.for_each_ref(f),
        |r| format!("reference {} of `{}`", r.path, r.from_id),
    )?;

    Ok(VerifyReport {
        operations: size,
        root,
        records: count,
        checkpoints,
        redacted,
        shredded,
        blobs: 0,
    })
}

/// The init operation commits to the archive's origin and key; the stored metadata must agree.
fn check_init(store: &dyn Store, op: &rightsdoc_ledger::SealedOp) -> Result<(), StoreError> {
    let Some(payload) = op.payload_json()? else {
        return Ok(());
    };
    // `encryption` is absent from both in an archive that keeps values in the clear: the log
    // commits to it, so an encrypted archive cannot be quietly switched to writing clear text.
    for key in ["origin", "verifier_key", "encryption"] {
        let logged = payload.get(key).and_then(|v| v.as_str());
        if logged != store.meta(key)?.as_deref() {
            return corrupt(format!(
                "archive metadata `{key}` differs from what the first operation recorded"
            ));
        }
    }
    Ok(())
}

fn compare_rows<T: PartialEq + Clone>(
    table: &str,
    want: &[&T],
    visit: impl FnOnce(&mut dyn FnMut(T) -> Result<(), StoreError>) -> Result<(), StoreError>,
    name: impl Fn(&T) -> String,
) -> Result<(), StoreError> {
    let mut i = 0;
    visit(&mut |row: T| {
        match want.get(i) {
            Some(w) if **w == row => {}
            Some(w) if name(w) == name(&row) => {
                return corrupt(format!(
                    "{table} table: {} differs from a rebuild from the log",
                    name(&row)
                ));
            }
            Some(w) => {
                return corrupt(format!(
                    "{table} table: found {} where a rebuild from the log has {}",
                    name(&row),
                    name(w)
                ));
            }
            None => {
                return corrupt(format!(
                    "{table} table: {} is not derived from the log",
                    name(&row)
                ));
            }
        }
        i += 1;
        Ok(())
    })?;
    match want.get(i) {
        Some(w) => corrupt(format!("{table} table: {} is missing", name(w))),
        None => Ok(()),
    }
}
