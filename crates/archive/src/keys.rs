//! Encryption at rest: the archive's master key, how it is unlocked, and the per-record data
//! keys it wraps.
//!
//! - The **master key** is 32 random bytes made at `init`. It never touches the disk in the
//!   clear: `keys/encryption.json` holds it wrapped (XChaCha20-Poly1305) under a key-encryption
//!   key derived from the passphrase with Argon2id, or taken directly from a key file of 64 hex
//!   digits (256 random bits need no stretching; `openssl rand -hex 32 > archive.key`). A key
//!   file holding anything else is read as a passphrase.
//! - Each record with confidential values gets its own random **data key**, wrapped by the
//!   master key and kept in the store beside (not in) the log. Destroying one data key makes
//!   that record's sealed values unreadable everywhere they were ever written (log, current
//!   state, backups made afterwards): crypto-shredding (`rightsdoc redact`).
//! - Sealing uses a synthetic nonce (HMAC of the value under the data key), so the same value
//!   sealed twice for the same record is the same bytes: re-importing a file is recognised as
//!   unchanged, as it is for public records.

use crate::error::ArchiveError;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use zeroize::Zeroizing;

/// Where the wrapped master key is kept, in the archive folder.
pub(crate) const KEYRING: &str = "keys/encryption.json";
pub(crate) const PASSPHRASE_ENV: &str = "RIGHTSDOC_PASSPHRASE";
pub(crate) const KEY_FILE_ENV: &str = "RIGHTSDOC_KEY_FILE";
const NONCE: usize = 24;

/// Argon2id cost for a passphrase: 64 MiB, 3 passes (above OWASP's minimum; about a third
/// of a second here, paid once per process thanks to the cache below).
const ARGON_M_KIB: u32 = 64 * 1024;
const ARGON_T: u32 = 3;
const ARGON_P: u32 = 1;

/// What unlocks an archive's master key.
#[derive(Clone)]
pub enum KeySource {
    Passphrase(Zeroizing<String>),
    /// A file holding 64 hex digits (a raw 256-bit key) or a passphrase.
    KeyFile(PathBuf),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Passphrase(_) => f.write_str("KeySource::Passphrase(..)"),
            KeySource::KeyFile(p) => write!(f, "KeySource::KeyFile({})", p.display()),
        }
    }
}

/// The secret a source yields: a raw key-encryption key, or a passphrase to stretch.
enum Secret {
    Raw(Zeroizing<[u8; 32]>),
    Passphrase(Zeroizing<Vec<u8>>),
}

/// A key given to this process another way (typed at a prompt), used by every archive
/// opened after it.
fn process_key() -> &'static Mutex<Option<KeySource>> {
    static KEY: OnceLock<Mutex<Option<KeySource>>> = OnceLock::new();
    KEY.get_or_init(Default::default)
}

impl KeySource {
    /// Use `source` for every archive this process opens from now on (after a prompt).
    pub fn set_for_process(source: KeySource) {
        *process_key().lock().expect("process key") = Some(source);
    }

    /// The key this process was given: `RIGHTSDOC_PASSPHRASE`, else `RIGHTSDOC_KEY_FILE`,
    /// else one set by [`KeySource::set_for_process`], else none.
    pub fn from_env() -> Option<KeySource> {
        Self::env().or_else(|| process_key().lock().expect("process key").clone())
    }

    /// Write a new random 256-bit key, as 64 hex digits, to the new owner-only file `path`.
    pub fn new_key_file(path: &Path) -> Result<KeySource, ArchiveError> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(key.as_mut_slice());
        crate::archive::write_private(path, &hex::encode(key.as_slice()))?;
        Ok(KeySource::KeyFile(path.to_path_buf()))
    }

    fn env() -> Option<KeySource> {
        if let Ok(p) = std::env::var(PASSPHRASE_ENV)
            && !p.is_empty()
        {
            return Some(KeySource::Passphrase(Zeroizing::new(p)));
        }
        std::env::var_os(KEY_FILE_ENV)
            .filter(|p| !p.is_empty())
            .map(|p| KeySource::KeyFile(PathBuf::from(p)))
    }

    fn secret(&self) -> Result<Secret, ArchiveError> {
        match self {
            KeySource::Passphrase(p) => {
                if p.is_empty() {
                    return Err(ArchiveError::Other("the passphrase is empty".into()));
                }
                Ok(Secret::Passphrase(Zeroizing::new(p.as_bytes().to_vec())))
            }
            KeySource::KeyFile(path) => {
                let bytes = Zeroizing::new(fs::read(path).map_err(|e| {
                    ArchiveError::Other(format!(
                        "cannot read the key file {} ({KEY_FILE_ENV}): {e}",
                        path.display()
                    ))
                })?);
                let text = String::from_utf8_lossy(&bytes);
                let trimmed = text.trim_end_matches(['\n', '\r']);
                if trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
                    let mut raw = Zeroizing::new([0u8; 32]);
                    hex::decode_to_slice(trimmed, raw.as_mut_slice())
                        .expect("checked to be 64 hex digits");
                    return Ok(Secret::Raw(raw));
                }
                if trimmed.is_empty() {
                    return Err(ArchiveError::Other(format!(
                        "the key file {} is empty",
                        path.display()
                    )));
                }
                Ok(Secret::Passphrase(Zeroizing::new(
                    trimmed.as_bytes().to_vec(),
                )))
            }
        }
    }
}

/// `keys/encryption.json`.
#[derive(Serialize, Deserialize)]
struct Keyring {
    format: u32,
    cipher: String,
    /// `argon2id` (a passphrase) or `raw` (a key file of 64 hex digits).
    kdf: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    argon2: Option<ArgonParams>,
    /// Base64: the Argon2id salt (empty for `raw`).
    salt: String,
    /// Base64: nonce ‖ XChaCha20-Poly1305(master key).
    wrapped: String,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
struct ArgonParams {
    m_kib: u32,
    t: u32,
    p: u32,
}

/// The unlocked master key of one archive.
pub struct MasterKey(Zeroizing<[u8; 32]>);

/// A record's data key, unwrapped.
pub(crate) struct DataKey(Zeroizing<[u8; 32]>);

fn aead(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

fn random_nonce() -> [u8; NONCE] {
    let mut n = [0u8; NONCE];
    rand::thread_rng().fill_bytes(&mut n);
    n
}

fn seal_with(key: &[u8; 32], nonce: [u8; NONCE], aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let ct = aead(key)
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
    let mut out = Vec::with_capacity(NONCE + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

fn open_with(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE {
        return None;
    }
    let (nonce, ct) = sealed.split_at(NONCE);
    aead(key)
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .ok()
        .map(Zeroizing::new)
}

fn kek(
    secret: &Secret,
    salt: &[u8],
    params: Option<ArgonParams>,
) -> Result<Zeroizing<[u8; 32]>, ArchiveError> {
    match secret {
        Secret::Raw(k) => Ok(k.clone()),
        Secret::Passphrase(p) => {
            let a = params.unwrap_or(ArgonParams {
                m_kib: ARGON_M_KIB,
                t: ARGON_T,
                p: ARGON_P,
            });
            let params = Params::new(a.m_kib, a.t, a.p, Some(32)).map_err(|e| {
                ArchiveError::Other(format!("{KEYRING}: bad Argon2id parameters: {e}"))
            })?;
            let mut out = Zeroizing::new([0u8; 32]);
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password_into(p, salt, out.as_mut_slice())
                .map_err(|e| ArchiveError::Other(format!("Argon2id: {e}")))?;
            Ok(out)
        }
    }
}

const MASTER_AAD: &[u8] = b"rightsdoc master key v1";

/// Make a master key for a new archive, wrapped under `source`, and write the keyring.
pub(crate) fn create(dir: &Path, source: &KeySource) -> Result<Arc<MasterKey>, ArchiveError> {
    let secret = source.secret()?;
    let mut master = Zeroizing::new([0u8; 32]);
    rand::thread_rng().fill_bytes(master.as_mut_slice());
    let (kdf, salt, argon2) = match &secret {
        Secret::Raw(_) => ("raw", Vec::new(), None),
        Secret::Passphrase(_) => {
            let mut salt = vec![0u8; 16];
            rand::thread_rng().fill_bytes(&mut salt);
            let params = ArgonParams {
                m_kib: ARGON_M_KIB,
                t: ARGON_T,
                p: ARGON_P,
            };
            ("argon2id", salt, Some(params))
        }
    };
    let kek = kek(&secret, &salt, argon2)?;
    let ring = Keyring {
        format: 1,
        cipher: "xchacha20poly1305".into(),
        kdf: kdf.into(),
        argon2,
        salt: B64.encode(&salt),
        wrapped: B64.encode(seal_with(
            &kek,
            random_nonce(),
            MASTER_AAD,
            master.as_slice(),
        )),
    };
    let text = serde_json::to_string_pretty(&ring).expect("a keyring serializes");
    crate::archive::write_private(&dir.join(KEYRING), &text)?;
    let key = Arc::new(MasterKey(master));
    cache()
        .lock()
        .expect("key cache")
        .insert(cache_key(&dir.join(KEYRING), source)?, key.clone());
    Ok(key)
}

/// Unlocked keys of this process, by keyring and secret: a server or an import opens its
/// archive many times, and Argon2id is deliberately slow.
fn cache() -> &'static Mutex<HashMap<[u8; 32], Arc<MasterKey>>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Arc<MasterKey>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cache_key(keyring: &Path, source: &KeySource) -> Result<[u8; 32], ArchiveError> {
    let mut h = Sha256::new();
    h.update(fs::read(keyring).map_err(ArchiveError::io(keyring))?);
    match source.secret()? {
        Secret::Raw(k) => h.update(k.as_slice()),
        Secret::Passphrase(p) => h.update(p.as_slice()),
    }
    Ok(h.finalize().into())
}

/// Unlock the master key of the archive in `dir` with `source`.
pub(crate) fn unlock(dir: &Path, source: &KeySource) -> Result<Arc<MasterKey>, ArchiveError> {
    let path = dir.join(KEYRING);
    let id = cache_key(&path, source)?;
    if let Some(k) = cache().lock().expect("key cache").get(&id) {
        return Ok(k.clone());
    }
    let text = fs::read_to_string(&path).map_err(ArchiveError::io(&path))?;
    let ring: Keyring = serde_json::from_str(&text)
        .map_err(|e| ArchiveError::Other(format!("{}: {e}", path.display())))?;
    if ring.cipher != "xchacha20poly1305" || !["raw", "argon2id"].contains(&ring.kdf.as_str()) {
        return Err(ArchiveError::Other(format!(
            "{}: unknown cipher `{}` or key derivation `{}`; a newer rightsdoc made it",
            path.display(),
            ring.cipher,
            ring.kdf
        )));
    }
    let secret = source.secret()?;
    let kind_matches = matches!(
        (&secret, ring.kdf.as_str()),
        (Secret::Raw(_), "raw") | (Secret::Passphrase(_), "argon2id")
    );
    let bad = |what: &str| {
        ArchiveError::WrongKey(format!(
            "{what} does not unlock this archive ({}); check {PASSPHRASE_ENV} or {KEY_FILE_ENV}",
            path.display()
        ))
    };
    if !kind_matches {
        return Err(bad(if ring.kdf == "raw" {
            "a passphrase (this archive was created with a key file of 64 hex digits)"
        } else {
            "a raw key file (this archive was created with a passphrase)"
        }));
    }
    let salt = B64
        .decode(&ring.salt)
        .map_err(|e| ArchiveError::Other(format!("{}: salt: {e}", path.display())))?;
    let wrapped = B64
        .decode(&ring.wrapped)
        .map_err(|e| ArchiveError::Other(format!("{}: wrapped key: {e}", path.display())))?;
    let kek = kek(&secret, &salt, ring.argon2)?;
    let plain = open_with(&kek, MASTER_AAD, &wrapped).ok_or_else(|| bad("the key given"))?;
    let master: [u8; 32] = plain.as_slice().try_into().map_err(|_| {
        ArchiveError::Other(format!(
            "{}: the wrapped key is not 32 bytes",
            path.display()
        ))
    })?;
    let key = Arc::new(MasterKey(Zeroizing::new(master)));
    cache().lock().expect("key cache").insert(id, key.clone());
    Ok(key)
}

fn data_key_aad(record: &str) -> Vec<u8> {
    format!("rightsdoc data key v1\0{record}").into_bytes()
}

impl MasterKey {
    /// A new random data key for `record`, and its wrapped form for the store.
    pub(crate) fn new_data_key(&self, record: &str) -> Vec<u8> {
        let mut dk = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(dk.as_mut_slice());
        seal_with(
            &self.0,
            random_nonce(),
            &data_key_aad(record),
            dk.as_slice(),
        )
    }

    /// The data key of `record` from its wrapped form.
    pub(crate) fn data_key(&self, record: &str, wrapped: &[u8]) -> Result<DataKey, ArchiveError> {
        let plain = open_with(&self.0, &data_key_aad(record), wrapped).ok_or_else(|| {
            ArchiveError::Other(format!(
                "the data key of `{record}` does not open with this archive's master key (damaged, or moved from another record)"
            ))
        })?;
        let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| {
            ArchiveError::Other(format!("the data key of `{record}` is not 32 bytes"))
        })?;
        Ok(DataKey(Zeroizing::new(key)))
    }
}

impl DataKey {
    /// Encrypt `plain`, bound to `aad` (record id and place in it). The nonce is derived
    /// from the key, the place and the value, so sealing is deterministic per record.
    pub(crate) fn seal(&self, aad: &[u8], plain: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .expect("HMAC takes any key length");
        mac.update(&(aad.len() as u64).to_be_bytes());
        mac.update(aad);
        mac.update(plain);
        let tag = mac.finalize().into_bytes();
        let mut nonce = [0u8; NONCE];
        nonce.copy_from_slice(&tag[..NONCE]);
        B64.encode(seal_with(&self.0, nonce, aad, plain))
    }

    /// Decrypt what [`DataKey::seal`] made with the same `aad`.
    pub(crate) fn open(&self, aad: &[u8], sealed: &str) -> Option<Zeroizing<Vec<u8>>> {
        let bytes = B64.decode(sealed).ok()?;
        open_with(&self.0, aad, &bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn random() -> DataKey {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(k.as_mut_slice());
        DataKey(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_unlocks_and_a_wrong_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("keys")).unwrap();
        let good = KeySource::Passphrase(Zeroizing::new("correct horse".into()));
        let made = create(dir.path(), &good).unwrap();
        cache().lock().unwrap().clear();
        let again = unlock(dir.path(), &good).unwrap();
        assert_eq!(made.0.as_slice(), again.0.as_slice());
        let wrong = KeySource::Passphrase(Zeroizing::new("battery staple".into()));
        assert!(matches!(
            unlock(dir.path(), &wrong),
            Err(ArchiveError::WrongKey(_))
        ));
    }

    #[test]
    fn a_hex_key_file_is_a_raw_key_and_other_content_a_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("keys")).unwrap();
        let file = dir.path().join("k");
        fs::write(&file, format!("{}\n", "ab".repeat(32))).unwrap();
        let source = KeySource::KeyFile(file.clone());
        create(dir.path(), &source).unwrap();
        let ring: Keyring =
            serde_json::from_str(&fs::read_to_string(dir.path().join(KEYRING)).unwrap()).unwrap();
        assert_eq!(ring.kdf, "raw");
        cache().lock().unwrap().clear();
        unlock(dir.path(), &source).unwrap();
        fs::write(&file, "cd".repeat(32)).unwrap();
        assert!(matches!(
            unlock(dir.path(), &source),
            Err(ArchiveError::WrongKey(_))
        ));
    }

    #[test]
    fn sealing_is_deterministic_per_key_and_bound_to_its_place() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("keys")).unwrap();
        let master = create(
            dir.path(),
            &KeySource::Passphrase(Zeroizing::new("p".into())),
        )
        .unwrap();
        let wrapped = master.new_data_key("per_1");
        let dk = master.data_key("per_1", &wrapped).unwrap();
        assert!(
            master.data_key("per_2", &wrapped).is_err(),
            "a data key is bound to its record"
        );
        let a = dk.seal(b"per_1\0names[0]", b"\"Canary\"");
        assert_eq!(a, dk.seal(b"per_1\0names[0]", b"\"Canary\""));
        assert_ne!(a, dk.seal(b"per_1\0names[1]", b"\"Canary\""));
        assert_eq!(
            dk.open(b"per_1\0names[0]", &a).unwrap().as_slice(),
            b"\"Canary\""
        );
        assert!(
            dk.open(b"per_1\0names[1]", &a).is_none(),
            "moved elsewhere, it does not open"
        );
        let other = master
            .data_key("per_1", &master.new_data_key("per_1"))
            .unwrap();
        assert!(other.open(b"per_1\0names[0]", &a).is_none());
    }
}
