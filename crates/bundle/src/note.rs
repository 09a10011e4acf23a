//! The checkpoint as public tools see it (its signed text, its raw signature, the key as PEM)
//! and the C2SP `tlog-proof` text form of an inclusion proof.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rightsdoc_ledger::Hash;

/// First line of every proof (c2sp.org/tlog-proof).
pub const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// The DER prefix of an ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (32 bytes follow) }.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A signed-note verifier key (`name+hash+base64(0x01 ‖ key)`) taken apart.
pub struct VerifierKey {
    pub name: String,
    /// The 4-byte key hint that prefixes each signature.
    pub hint: [u8; 4],
    pub public: [u8; 32],
}

impl VerifierKey {
    pub fn parse(text: &str) -> Result<VerifierKey, String> {
        let parts: Vec<&str> = text.trim_end_matches('\n').splitn(3, '+').collect();
        let [name, hint, key] = parts[..] else {
            return Err("expected `name+hash+key` (a signed-note verifier key)".into());
        };
        let hint: [u8; 4] = hex::decode(hint)
            .ok()
            .filter(|_| hint.len() == 8 && hint.bytes().all(|b| !b.is_ascii_uppercase()))
            .and_then(|h| h.try_into().ok())
            .ok_or("the key hash is not 8 lower-case hexadecimal digits")?;
        let raw = B64
            .decode(key)
            .map_err(|_| "the key is not base64".to_string())?;
        if B64.encode(&raw) != key {
            return Err("the key is not in canonical base64".into());
        }
        let public: [u8; 32] = match raw.split_first() {
            Some((1, rest)) => rest.try_into().map_err(|_| "not a 32-byte ed25519 key")?,
            _ => return Err("not an ed25519 key (type byte 0x01)".into()),
        };
        Ok(VerifierKey {
            name: name.to_string(),
            hint,
            public,
        })
    }

    /// The public key as an SPKI PEM file, as `openssl pkeyutl -pubin` reads it.
    pub fn pem(&self) -> String {
        let mut der = ED25519_SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.public);
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            B64.encode(der)
        )
    }
}

/// A signed note split into the text its signatures sign and the signature lines.
pub struct NoteParts<'a> {
    /// Everything up to and including the newline before the blank line: what is signed.
    pub body: &'a str,
    pub signatures: Vec<&'a str>,
}

pub fn split_note(note: &str) -> Result<NoteParts<'_>, String> {
    let at = note
        .find("\n\n")
        .ok_or("no blank line between the checkpoint and its signature")?;
    let body = &note[..at + 1];
    let rest = note[at + 2..]
        .strip_suffix('\n')
        .ok_or("the last signature line does not end with a newline")?;
    let signatures = rest.split('\n').collect();
    Ok(NoteParts { body, signatures })
}

/// The raw 64-byte ed25519 signature by `key` in a signed note.
pub fn raw_signature(note: &str, key: &VerifierKey) -> Result<Vec<u8>, String> {
    let parts = split_note(note)?;
    let prefix = format!("\u{2014} {} ", key.name);
    for line in parts.signatures {
        let Some(sig64) = line.strip_prefix(&prefix) else {
            continue;
        };
        let sig = B64
            .decode(sig64)
            .map_err(|_| "a signature is not base64".to_string())?;
        if sig.len() == 68 && sig[..4] == key.hint {
            return Ok(sig[4..].to_vec());
        }
    }
    Err(format!("no signature by `{}` with this key", key.name))
}

/// An inclusion proof in the c2sp.org/tlog-proof@v1 form.
pub fn proof_text(index: u64, proof: &[Hash], checkpoint: &str) -> String {
    let mut out = format!("{PROOF_HEADER}\nindex {index}\n");
    for h in proof {
        out.push_str(&B64.encode(h.0));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(checkpoint);
    out
}

/// A proof read back: (index, hashes, the checkpoint text after the blank line).
pub type ParsedProof<'a> = (u64, Vec<Hash>, &'a str);

/// A proof read back strictly. Errors carry the line (from 1) where one applies.
pub fn parse_proof(text: &str) -> Result<ParsedProof<'_>, (Option<usize>, String)> {
    let at = text
        .find("\n\n")
        .ok_or((None, "no blank line before the checkpoint".to_string()))?;
    let head = &text[..at];
    let checkpoint = &text[at + 2..];
    let mut lines = head.split('\n').enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, PROOF_HEADER)) => {}
        _ => return Err((Some(1), format!("the first line must be `{PROOF_HEADER}`"))),
    }
    let mut next = lines.next();
    // Extra data is allowed by the format; it is not authenticated and not used here.
    if let Some((_, l)) = next
        && l.starts_with("extra ")
    {
        next = lines.next();
    }
    let (n, line) = next.ok_or((None, "no `index` line".to_string()))?;
    let index = line
        .strip_prefix("index ")
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .filter(|d| *d == "0" || !d.starts_with('0'))
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or((
            Some(n),
            "expected `index N` (decimal, no leading zeros)".to_string(),
        ))?;
    let mut hashes = Vec::new();
    for (n, line) in lines {
        let bytes = B64
            .decode(line)
            .ok()
            .filter(|b| B64.encode(b) == line)
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or((
                Some(n),
                "not a SHA-256 hash in canonical base64".to_string(),
            ))?;
        hashes.push(Hash(bytes));
    }
    Ok((index, hashes, checkpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_round_trip() {
        let h = Hash([7; 32]);
        let t = proof_text(12, &[h, h], "origin\n1\nroot\n\n— sig\n");
        let (i, p, cp) = parse_proof(&t).unwrap();
        assert_eq!((i, p.len(), cp), (12, 2, "origin\n1\nroot\n\n— sig\n"));
        assert!(parse_proof(&t.replace("index 12", "index 012")).is_err());
        assert!(parse_proof(&t.replace("@v1", "@v2")).is_err());
    }
}
