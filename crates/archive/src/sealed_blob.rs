//! Confidential evidence files, encrypted before they reach the blob store.
//!
//! The stored form is `RDSEAL1\n`, a 19-byte nonce prefix, then the file in 64 KiB chunks,
//! each sealed with XChaCha20-Poly1305 under the item's data key in the STREAM construction
//! (a chunk counter and a last-chunk flag in every nonce, so chunks cannot be reordered,
//! dropped or the file cut short without failing). The blob store keeps that ciphertext under
//! its own SHA-256, so `verify` checks it without a key; the evidence record keeps the
//! original's SHA-256 and size, which the opening reader checks again as it decrypts.
//! Nothing here buffers more than two chunks: a video of gigabytes streams through.

use crate::keys::DataKey;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

const MAGIC: &[u8; 8] = b"RDSEAL1\n";
const PREFIX: usize = 19;
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

fn aad(evidence: &str) -> Vec<u8> {
    format!("rightsdoc evidence file v1\0{evidence}").into_bytes()
}

/// Read up to `len` bytes (fewer only at the end of `r`).
fn read_chunk(r: &mut dyn Read, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(len);
    r.take(len as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Encrypts what `inner` yields; counts and hashes the plain bytes on the way.
pub(crate) struct SealingReader<'a> {
    inner: &'a mut dyn Read,
    enc: Option<EncryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    ahead: Option<Vec<u8>>,
    out: Vec<u8>,
    pos: usize,
    hash: Sha256,
    size: u64,
}

impl<'a> SealingReader<'a> {
    pub(crate) fn new(inner: &'a mut dyn Read, key: &DataKey, evidence: &str) -> Self {
        let mut prefix = [0u8; PREFIX];
        rand::thread_rng().fill_bytes(&mut prefix);
        let aead = XChaCha20Poly1305::new(key.bytes().into());
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&prefix);
        SealingReader {
            inner,
            enc: Some(EncryptorBE32::from_aead(aead, prefix.as_slice().into())),
            aad: aad(evidence),
            ahead: None,
            out,
            pos: 0,
            hash: Sha256::new(),
            size: 0,
        }
    }

    /// SHA-256 (hex) and size of the plain bytes read so far (all of them once the reader
    /// is exhausted).
    pub(crate) fn plain(&self) -> (String, u64) {
        (hex::encode(self.hash.clone().finalize()), self.size)
    }

    fn refill(&mut self) -> io::Result<()> {
        let Some(mut enc) = self.enc.take() else {
            return Ok(());
        };
        let cur = match self.ahead.take() {
            Some(c) => c,
            None => read_chunk(self.inner, CHUNK)?,
        };
        self.hash.update(&cur);
        self.size += cur.len() as u64;
        let last = cur.len() < CHUNK || {
            let next = read_chunk(self.inner, CHUNK)?;
            let empty = next.is_empty();
            self.ahead = Some(next);
            empty
        };
        let payload = Payload {
            msg: &cur,
            aad: &self.aad,
        };
        let sealed = if last {
            enc.encrypt_last(payload)
        } else {
            let s = enc.encrypt_next(payload);
            self.enc = Some(enc);
            s
        }
        .map_err(|_| io::Error::other("encryption failed"))?;
        self.out = sealed;
        self.pos = 0;
        Ok(())
    }
}

impl Read for SealingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Decrypts a sealed blob; at the end, fails with `InvalidData` unless the plain bytes hash
/// to `sha256` (so a copy made to the end is the original, as with a plain blob).
pub(crate) struct OpeningReader {
    inner: Box<dyn Read + Send>,
    dec: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    ahead: Option<Vec<u8>>,
    out: Vec<u8>,
    pos: usize,
    hash: Sha256,
    expect: String,
    name: String,
    started: bool,
    key: [u8; 32],
}

impl OpeningReader {
    pub(crate) fn new(
        inner: Box<dyn Read + Send>,
        key: &DataKey,
        evidence: &str,
        sha256: &str,
    ) -> Self {
        OpeningReader {
            inner,
            dec: None,
            aad: aad(evidence),
            ahead: None,
            out: Vec::new(),
            pos: 0,
            hash: Sha256::new(),
            expect: sha256.to_string(),
            name: evidence.to_string(),
            started: false,
            key: *key.bytes(),
        }
    }

    fn bad(&self, what: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("evidence `{}`: the encrypted file {what}", self.name),
        )
    }

    fn refill(&mut self) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            let head = read_chunk(&mut self.inner, MAGIC.len() + PREFIX)?;
            if head.len() != MAGIC.len() + PREFIX || &head[..MAGIC.len()] != MAGIC {
                return Err(self.bad("does not start as one rightsdoc seals"));
            }
            let aead = XChaCha20Poly1305::new((&self.key).into());
            self.dec = Some(DecryptorBE32::from_aead(aead, head[MAGIC.len()..].into()));
        }
        let Some(mut dec) = self.dec.take() else {
            return Ok(false);
        };
        let cur = match self.ahead.take() {
            Some(c) => c,
            None => read_chunk(&mut self.inner, CHUNK + TAG)?,
        };
        let last = cur.len() < CHUNK + TAG || {
            let next = read_chunk(&mut self.inner, CHUNK + TAG)?;
            let empty = next.is_empty();
            self.ahead = Some(next);
            empty
        };
        let payload = Payload {
            msg: &cur,
            aad: &self.aad,
        };
        let plain = if last {
            dec.decrypt_last(payload)
        } else {
            let p = dec.decrypt_next(payload);
            self.dec = Some(dec);
            p
        }
        .map_err(|_| self.bad("was altered, cut short or sealed under another key"))?;
        self.hash.update(&plain);
        if last && hex::encode(self.hash.clone().finalize()) != self.expect {
            return Err(self.bad(&format!("does not hold the file {}", self.expect)));
        }
        self.out = plain;
        self.pos = 0;
        Ok(true)
    }
}

impl Read for OpeningReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Drop for OpeningReader {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::DataKey;

    fn roundtrip(len: usize) {
        let key = DataKey::random();
        let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut src = plain.as_slice();
        let mut sealer = SealingReader::new(&mut src, &key, "evd_1");
        let mut sealed = Vec::new();
        sealer.read_to_end(&mut sealed).unwrap();
        let (sha, size) = sealer.plain();
        assert_eq!(size, len as u64);
        assert_eq!(sha, hex::encode(Sha256::digest(&plain)));
        assert!(len < 16 || !sealed.windows(16).any(|w| w == &plain[..16]));

        let mut out = Vec::new();
        OpeningReader::new(
            Box::new(io::Cursor::new(sealed.clone())),
            &key,
            "evd_1",
            &sha,
        )
        .read_to_end(&mut out)
        .unwrap();
        assert_eq!(out, plain);

        // Cut short by one chunk (when there are several), or one byte flipped: refused.
        if sealed.len() > MAGIC.len() + PREFIX + CHUNK + TAG {
            let cut = sealed[..MAGIC.len() + PREFIX + CHUNK + TAG].to_vec();
            let mut r = OpeningReader::new(Box::new(io::Cursor::new(cut)), &key, "evd_1", &sha);
            assert!(
                r.read_to_end(&mut Vec::new()).is_err(),
                "truncation at a chunk edge"
            );
        }
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut r = OpeningReader::new(Box::new(io::Cursor::new(flipped)), &key, "evd_1", &sha);
        assert!(r.read_to_end(&mut Vec::new()).is_err());
        // Under another item's name it does not open.
        let mut r = OpeningReader::new(Box::new(io::Cursor::new(sealed)), &key, "evd_2", &sha);
        assert!(r.read_to_end(&mut Vec::new()).is_err());
    }

    #[test]
    fn files_of_every_size_round_trip_and_tampering_fails() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            roundtrip(len);
        }
    }
}
