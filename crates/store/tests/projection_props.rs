//! Property: whatever sequence of creates, edits and deletes is appended (in batches of any
//! size, including refused ones), the projections equal a rebuild from the log and the log
//! verifies; refused batches leave no trace. On every backend.

mod common;

use proptest::prelude::*;
use rightsdoc_ledger::{Action, ArchiveKey, Operation, Verifier};
use rightsdoc_model::validate;
use rightsdoc_store::{Change, Store, verify};
use serde_json::json;

#[derive(Debug, Clone)]
enum Step {
    Create {
        person: u8,
        name: String,
    },
    Edit {
        person: u8,
        birth: u16,
    },
    Delete {
        person: u8,
    },
    /// An act pointing at a person (blocks deleting them while it exists).
    Act {
        person: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..6, "[a-zA-Z ]{1,12}|[آ-ی ]{1,8}")
            .prop_map(|(person, name)| Step::Create { person, name }),
        (0u8..6, 1900u16..2020).prop_map(|(person, birth)| Step::Edit { person, birth }),
        (0u8..6).prop_map(|person| Step::Delete { person }),
        (0u8..6).prop_map(|person| Step::Act { person }),
    ]
}

fn pid(n: u8) -> String {
    format!("psn_p{n}")
}

fn change(store: &dyn Store, step: &Step, k: usize) -> Option<Change> {
    let make = |action, id: &str, v: serde_json::Value| {
        let record = validate(v).ok()?;
        let op = Operation::now("prop", action, record.kind.as_str(), id, record.to_value());
        Some(Change {
            op,
            record: Some(record),
            expect_version: None,
            skip_identical: false,
        })
    };
    match step {
        Step::Create { person, name } => {
            let name = if name.trim().is_empty() {
                "x".to_string()
            } else {
                name.clone()
            };
            make(
                Action::Create,
                &pid(*person),
                json!({"kind": "person", "id": pid(*person), "names": [name]}),
            )
        }
        Step::Edit { person, birth } => {
            let row = store.record(&pid(*person)).ok()??;
            let mut v = row.json();
            v["birth"] = json!(birth.to_string());
            let mut c = make(Action::Edit, &pid(*person), v)?;
            c.expect_version = Some(row.version);
            Some(c)
        }
        Step::Delete { person } => Some(Change {
            op: Operation::now(
                "prop",
                Action::Delete,
                "person",
                &pid(*person),
                json!({"reason": "test"}),
            ),
            record: None,
            expect_version: None,
            skip_identical: false,
        }),
        Step::Act { person } => {
            let id = format!("act_a{k}");
            make(
                Action::Create,
                &id,
                json!({"kind": "act", "id": id, "victim": pid(*person), "act_type": "execution"}),
            )
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn projections_always_equal_a_rebuild(steps in proptest::collection::vec(step(), 1..40), batch in 1usize..5) {
        for mut t in common::backends() {
        let backend = t.backend;
        let store = t.store.as_mut();
        let key = ArchiveKey::generate("rightsdoc.test/prop");
        store.set_meta("origin", "rightsdoc.test/prop").unwrap();
        store.set_meta("verifier_key", key.verifier_key()).unwrap();
        let init = Operation::now("prop", Action::Init, "archive", "rightsdoc.test/prop",
            json!({"origin": "rightsdoc.test/prop", "verifier_key": key.verifier_key()}));
        store.append(vec![Change { op: init, record: None, expect_version: None, skip_identical: false, }]).unwrap();
        let verifier = Verifier::new(key.verifier_key()).unwrap();

        for (k, chunk) in steps.chunks(batch).enumerate() {
            let changes: Vec<Change> = chunk.iter().enumerate().filter_map(|(i, s)| change(store, s, k * 10 + i)).collect();
            let before = store.log_size().unwrap();
            let n = changes.len() as u64;
            match store.append(changes) {
                Ok(done) => prop_assert_eq!(store.log_size().unwrap(), before + done.len() as u64),
                Err(_) => prop_assert_eq!(store.log_size().unwrap(), before, "{}: a refused batch of {} left operations behind", backend, n),
            }
            if k % 3 == 0 {
                let size = store.log_size().unwrap();
                let cp = key.sign("rightsdoc.test/prop", size, store.root(size).unwrap()).unwrap();
                store.add_checkpoint(size, &cp.text).unwrap();
            }
        }
        let report = verify(store, &verifier, &[]);
        prop_assert!(report.is_ok(), "{}: {:?}", backend, report.err());
        }
    }
}
