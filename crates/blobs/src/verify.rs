//! The reader every store's [`crate::BlobStore::open`] returns: a blob's bytes, re-hashed as
//! they are read.

use crate::BlobError;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

enum State {
    Reading,
    Verified,
    Failed(String),
}

/// A blob's bytes, re-hashed as they are read; the end of the stream is only reported once
/// the hash has matched. A mismatch is an `InvalidData` I/O error carrying
/// [`BlobError::Altered`], returned by the read that would have reported the end (and by
/// every read after it).
pub(crate) struct Verifying<R> {
    inner: R,
    hasher: Sha256,
    expected: [u8; 32],
    name: String,
    store: String,
    state: State,
}

impl<R: Read> Verifying<R> {
    /// `sha256` must be a checked blob name; `store` names the store in messages.
    pub(crate) fn new(inner: R, sha256: &str, store: String) -> Self {
        let mut expected = [0u8; 32];
        hex::decode_to_slice(sha256, &mut expected).expect("a checked blob name");
        Verifying {
            inner,
            hasher: Sha256::new(),
            expected,
            name: sha256.to_string(),
            store,
            state: State::Reading,
        }
    }
}

impl<R: Read> Read for Verifying<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &self.state {
            State::Verified => return Ok(0),
            State::Failed(actual) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    BlobError::Altered {
                        sha256: self.name.clone(),
                        actual: actual.clone(),
                        store: self.store.clone(),
                    },
                ));
            }
            State::Reading => {}
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.hasher.update(&buf[..n]);
            return Ok(n);
        }
        let digest = std::mem::take(&mut self.hasher).finalize();
        if digest.as_slice() == self.expected {
            self.state = State::Verified;
            Ok(0)
        } else {
            self.state = State::Failed(hex::encode(digest));
            self.read(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    #[test]
    fn the_end_is_reported_only_when_the_hash_matches() {
        let mut out = Vec::new();
        Verifying::new(&b"original"[..], &name(b"original"), "here".into())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"original");

        let mut altered = Verifying::new(&b"0riginal"[..], &name(b"original"), "here".into());
        let err = altered.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let text = err.to_string();
        assert!(
            text.contains(&name(b"0riginal")) && text.contains("here"),
            "{text}"
        );
        // Every later read fails the same way.
        assert!(altered.read(&mut [0u8; 8]).is_err());
    }
}
