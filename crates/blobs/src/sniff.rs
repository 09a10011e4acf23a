//! The media type of a file, from its bytes. A file's name or extension says what someone
//! called it; its magic bytes say what it is.

/// How many leading bytes [`sniff`] looks at (enough for formats whose signature sits past
/// the start, such as ISO 9660 images at 32 KiB).
pub const SNIFF_LEN: usize = 64 * 1024;

/// The media type of a file from its first bytes (up to [`SNIFF_LEN`]), via the `infer`
/// crate's magic numbers; text without a signature is `text/plain` when it is valid UTF-8
/// without control characters. `None`: no known format (store it as
/// `application/octet-stream`).
pub fn sniff(first_bytes: &[u8]) -> Option<&'static str> {
    if let Some(t) = infer::get(first_bytes) {
        return Some(t.mime_type());
    }
    looks_like_text(first_bytes).then_some("text/plain")
}

fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        // Only a prefix was read: a character cut at the end is still text.
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid prefix")
        }
        Err(_) => return false,
    };
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"ID3\x03\0\0\0\0\0\0"), Some("audio/mpeg"));
        assert_eq!(sniff("گزارش شاهد\n".as_bytes()), Some("text/plain"));
        // A Persian word cut in the middle of a character by the prefix is still text.
        let cut = &"شاهد".as_bytes()[..3];
        assert_eq!(sniff(cut), Some("text/plain"));
        assert_eq!(sniff(b"\0\x01\x02\x03binary"), None);
        assert_eq!(sniff(b""), None);
    }
}
