//! PNG files built byte by byte for tests: a chunk is its length, type, data and the CRC-32
//! of type and data (PNG specification, section 5.3).
//!
//! Shared with the CLI's tests (`#[path]`).
#![allow(dead_code)]

/// The eight bytes every PNG starts with.
pub const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Appends the chunk `kind` holding `data` to `out`.
pub fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend(crc.to_be_bytes());
}
