//! Operations: the unit of change, and the leaf each one becomes in the Merkle log.

use crate::canonical::canonical_value;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tlog_tiles::tlog::{Hash, record_hash};

/// Version of the header format; bump when the header gains or changes fields.
const HEADER_VERSION: u32 = 1;

/// What an operation does. Serialized in lower case; new actions are appended, never renamed,
/// because old leaves must keep verifying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The first operation of every archive: names its origin and signing key.
    Init,
    /// A new record.
    Create,
    /// A changed record (the payload holds the whole new record, the header names it).
    Edit,
    /// A record withdrawn from the current state; its history stays.
    Delete,
    /// Someone read a record holding confidential values: an audit entry (who saw what, when).
    /// Changes nothing; the payload says through what (`{"via": "page"}`).
    View,
    /// The data key of a record's confidential values was destroyed (crypto-shredding): its
    /// sealed values, in the log and in the current state, can no longer be read by anyone.
    /// The payload gives the reason; the record itself stays, with what was not sealed.
    Redact,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Init => "init",
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::View => "view",
            Action::Redact => "redact",
        }
    }
}

/// Errors found while sealing or re-checking an operation.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("operation header is not valid JSON: {0}")]
    BadHeader(serde_json::Error),
    #[error("operation header is not in canonical form (its bytes were altered)")]
    NotCanonical,
    #[error("operation payload is not valid JSON: {0}")]
    BadPayload(serde_json::Error),
    #[error("operation payload does not match the digest in its header (payload altered)")]
    PayloadMismatch,
    #[error(transparent)]
    Canonical(#[from] crate::canonical::CanonicalError),
}

/// 32 random bytes mixed into a payload digest, so that the digest of a short, guessable
/// payload (a name, a date) cannot be confirmed by hashing guesses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Salt(pub [u8; 32]);

impl Salt {
    pub fn random() -> Self {
        let mut s = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut s);
        Salt(s)
    }
}

/// SHA-256(salt || canonical payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadDigest(pub [u8; 32]);

impl PayloadDigest {
    pub fn of(salt: &Salt, payload_bytes: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(salt.0);
        h.update(payload_bytes);
        PayloadDigest(h.finalize().into())
    }
}

/// The public part of an operation: what the Merkle leaf commits to.
/// It names who did what to which record, never the record's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpHeader {
    pub v: u32,
    /// Position in the log, from 0.
    pub seq: u64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub actor: String,
    pub action: Action,
    /// The record id the operation concerns (the archive origin for `init`).
    pub target: String,
    /// The record kind ("archive" for `init`).
    pub kind: String,
    /// Hex leaf hash of the previous operation ("" for the first): a plain hash chain beside the tree.
    pub prev: String,
    /// Hex [`PayloadDigest`].
    pub payload: String,
}

impl OpHeader {
    /// The header's canonical bytes (what its leaf hashes).
    pub fn canonical(&self) -> Result<Vec<u8>, LedgerError> {
        let value = serde_json::to_value(self).map_err(crate::canonical::CanonicalError::from)?;
        Ok(canonical_value(&value)?)
    }
}

/// An operation before it has a place in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub time: String,
    pub actor: String,
    pub action: Action,
    pub target: String,
    pub kind: String,
    /// The full change: for create and edit, the whole record after the change.
    pub payload: Value,
}

impl Operation {
    /// An operation stamped with the current UTC time.
    pub fn now(actor: &str, action: Action, kind: &str, target: &str, payload: Value) -> Self {
        Operation {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            actor: actor.to_string(),
            action,
            target: target.to_string(),
            kind: kind.to_string(),
            payload,
        }
    }

    /// Give the operation its place in the log: sequence number, link to the previous leaf,
    /// salted payload digest. The result is what the store keeps.
    pub fn seal(self, seq: u64, prev: Option<Hash>, salt: Salt) -> Result<SealedOp, LedgerError> {
        let payload_bytes = canonical_value(&self.payload)?;
        let header = OpHeader {
            v: HEADER_VERSION,
            seq,
            time: self.time,
            actor: self.actor,
            action: self.action,
            target: self.target,
            kind: self.kind,
            prev: prev.map(|h| hex::encode(h.0)).unwrap_or_default(),
            payload: hex::encode(PayloadDigest::of(&salt, &payload_bytes).0),
        };
        let header_bytes = header.canonical()?;
        let leaf = record_hash(&header_bytes);
        Ok(SealedOp {
            header,
            header_bytes,
            leaf,
            payload: Some((salt, payload_bytes)),
        })
    }
}

/// An operation as stored: canonical header bytes, their leaf hash, and (unless redacted) the
/// salt and canonical payload bytes.
#[derive(Clone, Debug)]
pub struct SealedOp {
    pub header: OpHeader,
    pub header_bytes: Vec<u8>,
    /// RFC 6962 leaf hash: SHA-256(0x00 || header_bytes).
    pub leaf: Hash,
    pub payload: Option<(Salt, Vec<u8>)>,
}

impl SealedOp {
    /// Re-check stored bytes: the header must parse and be canonical, and the payload (when
    /// present) must match the digest the header commits to. Recomputes the leaf hash.
    pub fn reopen(
        header_bytes: Vec<u8>,
        payload: Option<(Salt, Vec<u8>)>,
    ) -> Result<Self, LedgerError> {
        let header: OpHeader =
            serde_json::from_slice(&header_bytes).map_err(LedgerError::BadHeader)?;
        if header.canonical()? != header_bytes {
            return Err(LedgerError::NotCanonical);
        }
        if let Some((salt, bytes)) = &payload
            && hex::encode(PayloadDigest::of(salt, bytes).0) != header.payload
        {
            return Err(LedgerError::PayloadMismatch);
        }
        let leaf = record_hash(&header_bytes);
        Ok(SealedOp {
            header,
            header_bytes,
            leaf,
            payload,
        })
    }

    /// The payload as JSON, if it has not been redacted.
    pub fn payload_json(&self) -> Result<Option<Value>, LedgerError> {
        match &self.payload {
            None => Ok(None),
            Some((_, bytes)) => serde_json::from_slice(bytes)
                .map(Some)
                .map_err(LedgerError::BadPayload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(payload: Value) -> Operation {
        Operation {
            time: "2026-11-25T10:00:00.000Z".into(),
            actor: "alice".into(),
            action: Action::Create,
            target: "psn_1".into(),
            kind: "person".into(),
            payload,
        }
    }

    #[test]
    fn header_discloses_no_payload_content() {
        let sealed = op(json!({"names": [{"value": "Witness Canary Zq9"}]}))
            .seal(0, None, Salt::random())
            .unwrap();
        let text = String::from_utf8(sealed.header_bytes.clone()).unwrap();
        assert!(!text.contains("Canary"), "{text}");
    }

    #[test]
    fn reopen_detects_a_changed_payload_and_header() {
        let sealed = op(json!({"x": 1})).seal(3, None, Salt([7; 32])).unwrap();
        let (salt, _) = sealed.payload.clone().unwrap();
        let err = SealedOp::reopen(
            sealed.header_bytes.clone(),
            Some((salt, b"{\"x\":2}".to_vec())),
        );
        assert!(matches!(err, Err(LedgerError::PayloadMismatch)));

        let mut altered = sealed.header_bytes.clone();
        let pos = altered.iter().position(|&b| b == b'a').unwrap();
        altered[pos] = b'b';
        assert!(SealedOp::reopen(altered, None).is_err());

        let again = SealedOp::reopen(sealed.header_bytes.clone(), sealed.payload.clone()).unwrap();
        assert_eq!(again.leaf, sealed.leaf);
    }

    #[test]
    fn same_payload_different_salt_gives_different_digest() {
        let a = op(json!({"x": 1})).seal(0, None, Salt([1; 32])).unwrap();
        let b = op(json!({"x": 1})).seal(0, None, Salt([2; 32])).unwrap();
        assert_ne!(a.header.payload, b.header.payload);
        assert_ne!(a.leaf, b.leaf);
    }
}
