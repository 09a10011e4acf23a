//! Signed checkpoints: C2SP tlog-checkpoint bodies inside C2SP signed notes, signed with the
//! archive's ed25519 key. A checkpoint names the log (its origin), a size and the root hash of
//! that many leaves; whoever keeps one can later demand proof that the log still extends it.

use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::checkpoint::Checkpoint;
use tlog_tiles::tlog::Hash;

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("the archive signing key is malformed: {0}")]
    BadSignerKey(String),
    #[error("the verifier key is malformed: {0}")]
    BadVerifierKey(String),
    #[error("not a signed checkpoint: {0}")]
    Malformed(String),
    #[error("the checkpoint's signature does not verify with this archive's key: {0}")]
    BadSignature(String),
    #[error("the checkpoint belongs to log `{found}`, not to this archive (`{expected}`)")]
    WrongOrigin { expected: String, found: String },
}

/// The archive's signing key, in signed-note form (`PRIVATE+KEY+name+id+base64`).
pub struct ArchiveKey {
    signer: StandardSigner,
    signer_key: String,
    verifier_key: String,
}

impl ArchiveKey {
    /// A fresh ed25519 key named after the log's origin.
    pub fn generate(origin: &str) -> Self {
        let (skey, vkey) = signed_note::generate_key(&mut rand::rngs::OsRng, origin);
        let key = Self::from_signer_key(&skey).expect("a freshly generated key parses");
        debug_assert_eq!(key.verifier_key, vkey);
        key
    }

    pub fn from_signer_key(skey: &str) -> Result<Self, CheckpointError> {
        let signer = StandardSigner::new(skey.trim())
            .map_err(|e| CheckpointError::BadSignerKey(e.to_string()))?;
        let verifier_key = verifier_key_of(skey.trim())?;
        Ok(ArchiveKey {
            signer,
            signer_key: skey.trim().to_string(),
            verifier_key,
        })
    }

    /// The secret form, to be written to a file only the archive owner can read.
    pub fn signer_key(&self) -> &str {
        &self.signer_key
    }

    /// The public form (`name+id+base64`), safe to hand to anyone who will check checkpoints.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// Sign a checkpoint of the tree of `size` leaves with root `root`.
    pub fn sign(
        &self,
        origin: &str,
        size: u64,
        root: Hash,
    ) -> Result<SignedCheckpoint, CheckpointError> {
        let cp = Checkpoint::new(origin, size, root, "")
            .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
        let mut note = Note::new(&cp.to_bytes(), &[])
            .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
        note.add_sigs(&[&self.signer as &dyn Signer])
            .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
        let text = String::from_utf8(note.to_bytes()).expect("signed notes are UTF-8");
        Ok(SignedCheckpoint {
            text,
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

/// Derive the verifier key from a signer key (the signed-note crate only derives it at generation).
fn verifier_key_of(skey: &str) -> Result<String, CheckpointError> {
    use base64::Engine;
    let bad = |why: &str| CheckpointError::BadSignerKey(why.to_string());
    let parts: Vec<&str> = skey.splitn(5, '+').collect();
    let [_, _, name, _, key64] = parts[..] else {
        return Err(bad("expected PRIVATE+KEY+name+id+key"));
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(key64)
        .map_err(|_| bad("key is not base64"))?;
    let secret: [u8; 32] = key
        .get(1..)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| bad("not an ed25519 key"))?;
    let signing = ed25519_dalek::SigningKey::from_bytes(&secret);
    Ok(signed_note::new_ed25519_verifier_key(
        name,
        &signing.verifying_key(),
    ))
}

/// A checkpoint with its signature, as text ready to hand out.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedCheckpoint {
    pub text: String,
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// Checks checkpoints against one archive's verifier key.
pub struct Verifier {
    verifiers: VerifierList,
    origin: String,
}

impl Verifier {
    pub fn new(verifier_key: &str) -> Result<Self, CheckpointError> {
        let v = StandardVerifier::new(verifier_key.trim())
            .map_err(|e| CheckpointError::BadVerifierKey(e.to_string()))?;
        let origin = verifier_key
            .trim()
            .split('+')
            .next()
            .unwrap_or_default()
            .to_string();
        Ok(Verifier {
            verifiers: VerifierList::new(vec![Box::new(v)]),
            origin,
        })
    }

    /// Parse `text`, check its signature and origin; returns the checkpoint it vouches for.
    pub fn verify(&self, text: &str) -> Result<SignedCheckpoint, CheckpointError> {
        let note = Note::from_bytes(text.as_bytes())
            .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
        note.verify(&self.verifiers)
            .map_err(|e| CheckpointError::BadSignature(e.to_string()))?;
        let cp = Checkpoint::from_bytes(note.text())
            .map_err(|e| CheckpointError::Malformed(e.to_string()))?;
        if cp.origin() != self.origin {
            return Err(CheckpointError::WrongOrigin {
                expected: self.origin.clone(),
                found: cp.origin().to_string(),
            });
        }
        Ok(SignedCheckpoint {
            text: text.to_string(),
            origin: cp.origin().to_string(),
            size: cp.size(),
            root: *cp.hash(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlog_tiles::tlog::record_hash;

    const ORIGIN: &str = "rightsdoc.local/test";

    #[test]
    fn signed_checkpoint_round_trips_and_is_c2sp_shaped() {
        let key = ArchiveKey::generate(ORIGIN);
        let root = record_hash(b"x");
        let cp = key.sign(ORIGIN, 42, root).unwrap();
        let mut lines = cp.text.lines();
        assert_eq!(lines.next(), Some(ORIGIN));
        assert_eq!(lines.next(), Some("42"));
        assert_eq!(lines.next().map(str::len), Some(44), "base64 of 32 bytes");
        assert_eq!(lines.next(), Some(""));
        assert!(lines.next().unwrap().starts_with(&format!("— {ORIGIN} ")));

        let verified = Verifier::new(key.verifier_key())
            .unwrap()
            .verify(&cp.text)
            .unwrap();
        assert_eq!(verified, cp);

        let reloaded = ArchiveKey::from_signer_key(key.signer_key()).unwrap();
        assert_eq!(reloaded.verifier_key(), key.verifier_key());
    }

    #[test]
    fn altered_checkpoint_or_other_key_is_refused() {
        let key = ArchiveKey::generate(ORIGIN);
        let cp = key.sign(ORIGIN, 42, record_hash(b"x")).unwrap();
        let forged = cp.text.replacen("\n42\n", "\n41\n", 1);
        assert!(
            Verifier::new(key.verifier_key())
                .unwrap()
                .verify(&forged)
                .is_err()
        );

        let other = ArchiveKey::generate(ORIGIN);
        assert!(
            Verifier::new(other.verifier_key())
                .unwrap()
                .verify(&cp.text)
                .is_err()
        );

        let elsewhere = ArchiveKey::generate("rightsdoc.local/other");
        let cp2 = elsewhere
            .sign("rightsdoc.local/other", 1, record_hash(b"y"))
            .unwrap();
        assert!(
            Verifier::new(key.verifier_key())
                .unwrap()
                .verify(&cp2.text)
                .is_err()
        );
    }
}
