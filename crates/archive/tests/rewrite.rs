//! The promise of a checkpoint: someone who kept one can prove that nothing recorded before it
//! was altered or removed — even against an attacker who holds the archive's signing key and
//! rewrites the whole log so that it is consistent with itself.

use rightsdoc_archive::Archive;
use rightsdoc_ledger::{Action, Operation};
use rightsdoc_model::validate;
use rightsdoc_store::{Change, SqliteStore, Store};
use serde_json::{Value, json};
use std::path::Path;

/// Rebuild the archive at `from` into `to` with the same key and origin, passing every
/// operation's payload through `forge` (returning None drops the operation).
fn rewrite(from: &Path, to: &Path, forge: impl Fn(u64, Value) -> Option<Value>) {
    std::fs::create_dir_all(to.join("keys")).unwrap();
    for f in ["rightsdoc.toml", "keys/signing.key", "keys/verifier.key"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    let original = SqliteStore::open(&from.join("archive.db")).unwrap();
    let mut forged = SqliteStore::open(&to.join("archive.db")).unwrap();
    for key in ["origin", "verifier_key"] {
        forged
            .set_meta(key, &original.meta(key).unwrap().unwrap())
            .unwrap();
    }
    for op in original.read_log(0, original.log_size().unwrap()).unwrap() {
        let h = &op.header;
        let Some(payload) = forge(h.seq, op.payload_json().unwrap().unwrap()) else {
            continue;
        };
        let record = (h.action != Action::Init).then(|| validate(payload.clone()).unwrap());
        let new = Operation {
            time: h.time.clone(),
            actor: h.actor.clone(),
            action: h.action,
            target: h.target.clone(),
            kind: h.kind.clone(),
            payload,
        };
        forged
            .append(vec![Change {
                op: new,
                record,
                expect_version: None,
                skip_identical: false,
            }])
            .unwrap();
    }
}

#[test]
fn an_outside_checkpoint_exposes_a_rewritten_or_truncated_history() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "researcher").unwrap();
    let victim = a
        .add(json!({"kind": "person", "names": ["Mohammad Rezaei"], "death": "1988-08"}))
        .unwrap();
    a.add(json!({"kind": "person", "names": ["Another Victim"]}))
        .unwrap();
    let kept_outside = a.checkpoint().unwrap().text;
    a.add(json!({"kind": "source", "title": "Later", "source_type": "report"}))
        .unwrap();
    a.verify(std::slice::from_ref(&kept_outside)).unwrap();

    // 1. A name altered in an operation before the checkpoint.
    let altered = tmp.path().join("altered");
    rewrite(&dir, &altered, |_, mut p| {
        if p["id"] == victim.id.as_str() {
            p["names"] = json!([{"value": "Someone Else"}]);
        }
        Some(p)
    });
    let mut forged = Archive::open(&altered, "attacker").unwrap();
    forged.checkpoint().unwrap(); // the attacker can sign new checkpoints…
    forged
        .verify(&[])
        .expect("…and the forgery is consistent with itself");
    let err = forged
        .verify(std::slice::from_ref(&kept_outside))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no longer extends it"), "{err}");

    // 2. An operation before the checkpoint removed.
    let truncated = tmp.path().join("truncated");
    rewrite(&dir, &truncated, |seq, p| (seq != 2).then_some(p));
    let forged = Archive::open(&truncated, "attacker").unwrap();
    forged.verify(&[]).unwrap();
    assert!(forged.verify(&[kept_outside]).is_err());
}
