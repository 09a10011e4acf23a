//! `Record::visible_whole_to` must agree with the redaction it stands in for: a reader sees
//! the whole record exactly when redacting it for them leaves it unchanged.

use proptest::prelude::*;
use rightsdoc_model::{Classification, Kind, Record, redact};
use serde_json::{Map, Value, json};

fn level() -> impl Strategy<Value = Classification> {
    prop_oneof![
        Just(Classification::Public),
        Just(Classification::Restricted),
        Just(Classification::Confidential),
    ]
}

/// JSON without nulls (validated records hold none; redaction drops them), where any object
/// may carry a classification.
fn tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        "[a-z]{1,6}".prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            (
                prop::collection::btree_map("[a-z]{1,4}", inner, 0..4),
                prop::option::of(level()),
            )
                .prop_map(|(fields, class)| {
                    let mut m: Map<String, Value> = fields.into_iter().collect();
                    m.remove("classification");
                    if let Some(c) = class {
                        m.insert("classification".into(), c.as_str().into());
                    }
                    Value::Object(m)
                }),
        ]
    })
}

proptest! {
    #[test]
    fn whole_exactly_when_redaction_changes_nothing(
        fields in prop::collection::btree_map("[a-z]{1,4}", tree(), 0..5),
        record_level in level(),
        reader in level(),
    ) {
        let mut body: Map<String, Value> = fields.into_iter().collect();
        body.insert("kind".into(), json!("person"));
        body.insert("id".into(), json!("psn_x"));
        body.insert("classification".into(), record_level.as_str().into());
        let record = Record {
            id: "psn_x".into(),
            kind: Kind::Person,
            classification: record_level,
            body: body.clone(),
            references: Vec::new(),
        };
        let unchanged = redact(Value::Object(body.clone()), reader) == Some(Value::Object(body));
        prop_assert_eq!(record.visible_whole_to(reader), unchanged);
    }
}
