//! `Archive::create`: a client that sends the same record again (it did not hear the first
//! answer) writes nothing, also when its values are sealed; other content under a taken id is
//! refused.

use rightsdoc_archive::{Archive, ArchiveError, InitOptions, KeySource};
use rightsdoc_store::StoreError;
use serde_json::json;

#[test]
fn creating_the_same_record_again_writes_nothing_in_plain_and_encrypted_archives() {
    for encrypted in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let key = tmp.path().join("key");
        std::fs::write(&key, "ab".repeat(32)).unwrap();
        let options = InitOptions {
            encryption: encrypted.then(|| KeySource::KeyFile(key.clone())),
            ..InitOptions::default()
        };
        let mut a = Archive::init_with(&tmp.path().join("archive"), "tester", &options).unwrap();
        a.unlock(&KeySource::KeyFile(key)).unwrap();
        // A witness's name is confidential by default: sealed in the encrypted archive.
        let record = json!({"kind": "source", "id": "src_testimony-1", "title": "Testimony",
            "source_type": "testimony", "witness": "Witness Name"});
        let first = a.create(record.clone()).unwrap();
        assert!(first.new);
        let size = a.store().log_size().unwrap();

        let again = a.create(record.clone()).unwrap();
        assert!(!again.new, "encrypted: {encrypted}");
        assert_eq!(again.record.body, first.record.body);
        assert_eq!(a.store().log_size().unwrap(), size, "nothing was written");

        let mut other = record;
        other["witness"] = json!("Another Name");
        assert!(
            matches!(
                a.create(other),
                Err(ArchiveError::Store(StoreError::Exists(id))) if id == "src_testimony-1"
            ),
            "encrypted: {encrypted}"
        );
        assert_eq!(a.store().log_size().unwrap(), size);
    }
}

#[test]
fn an_edit_or_delete_from_an_old_version_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = Archive::init(&tmp.path().join("archive"), "tester").unwrap();
    let id = a
        .add(json!({"kind": "person", "names": ["A Person"]}))
        .unwrap()
        .id;
    let read = a.store().record(&id).unwrap().unwrap().version;
    a.edit_if(&id, &json!({"sex": "female"}), Some(read))
        .unwrap();
    let now = a.store().record(&id).unwrap().unwrap().version;
    for result in [
        a.edit_if(&id, &json!({"sex": "male"}), Some(read))
            .map(drop),
        a.delete_if(&id, "a duplicate", Some(read)),
    ] {
        assert!(
            matches!(result, Err(ArchiveError::Store(StoreError::Conflict { expected, found, .. }))
                if expected == read && found == now),
            "{result:?}"
        );
    }
    a.delete_if(&id, "a duplicate", Some(now)).unwrap();
    assert!(a.store().record(&id).unwrap().is_none());
}
