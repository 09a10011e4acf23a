//! The current-state projections, as plain rows computed from the log. Every backend writes
//! exactly these rows; verification recomputes them from the log and compares.

use crate::error::StoreError;
use rightsdoc_ledger::{Action, SealedOp};
use rightsdoc_model::{Record, validate_stored};
use std::collections::BTreeMap;

/// A record's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: String,
    pub kind: String,
    pub classification: String,
    /// Canonical JSON of the record.
    pub body: String,
    /// Sequence number of the last operation that changed it.
    pub version: u64,
    /// Sequence number of the operation that created it.
    pub created: u64,
}

impl RecordRow {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("projection bodies are JSON written by the store")
    }

    /// The record, validated (as it was when written).
    pub fn record(&self) -> Result<Record, StoreError> {
        validate_stored(self.json()).map_err(|e| {
            StoreError::Corrupt(format!(
                "stored record `{}` no longer validates: {e}",
                self.id
            ))
        })
    }
}

/// A reference from one record's field to another record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RefRow {
    pub from_id: String,
    pub path: String,
    pub to_id: String,
}

/// The rows one record contributes.
pub struct Rows {
    pub record: RecordRow,
    pub refs: Vec<RefRow>,
}

/// The rows of `record`, whose canonical JSON is `body`: the operation's payload bytes, so the
/// projection holds exactly what the log holds.
pub fn rows_for(record: &Record, body: &[u8], version: u64, created: u64) -> Rows {
    let body = String::from_utf8(body.to_vec()).expect("canonical JSON is UTF-8");
    let mut refs: Vec<RefRow> = record
        .references
        .iter()
        .map(|r| RefRow {
            from_id: record.id.clone(),
            path: r.path.clone(),
            to_id: r.target.clone(),
        })
        .collect();
    refs.sort();
    Rows {
        record: RecordRow {
            id: record.id.clone(),
            kind: record.kind.as_str().to_string(),
            classification: record.classification.as_str().to_string(),
            body,
            version,
            created,
        },
        refs,
    }
}

/// Projections rebuilt in memory by replaying the log (used by verification).
#[derive(Default)]
pub struct Rebuilt {
    pub records: BTreeMap<String, Rows>,
}

impl Rebuilt {
    /// Apply one operation. Operations without a payload (redacted) leave a record as it was.
    pub fn apply(&mut self, op: &SealedOp) -> Result<(), StoreError> {
        let h = &op.header;
        match h.action {
            // A redaction destroys a key outside the log; the stored state stays as it was
            // (its sealed values can no longer be opened).
            Action::Init | Action::View | Action::Redact => {}
            Action::Create | Action::Edit => {
                let (Some(payload), Some((_, bytes))) = (op.payload_json()?, &op.payload) else {
                    return Ok(());
                };
                let record = validate_stored(payload).map_err(|e| {
                    StoreError::Corrupt(format!("operation {} holds an invalid record: {e}", h.seq))
                })?;
                let created = match (h.action, self.records.get(&record.id)) {
                    (Action::Edit, Some(prev)) => prev.record.created,
                    (Action::Edit, None) => {
                        return Err(StoreError::Corrupt(format!(
                            "operation {} edits `{}` before it exists",
                            h.seq, h.target
                        )));
                    }
                    _ => h.seq,
                };
                self.records
                    .insert(record.id.clone(), rows_for(&record, bytes, h.seq, created));
            }
            Action::Delete => {
                self.records.remove(&h.target);
            }
        }
        Ok(())
    }
}
