//! Evidence files, stored once under their SHA-256 (content addressed), behind the
//! [`BlobStore`] trait, so callers do not know where the bytes are.
//!
//! - [`LocalBlobs`] keeps the files in a folder: `root/sha256/ab/<64 hex>`. A write goes to
//!   `root/tmp/`, is flushed to disk, renamed into place and the folder flushed, so a crash
//!   leaves either no blob or a whole one; stored files are read-only.
//! - `S3Blobs` (the `s3` feature) keeps them in an S3-compatible bucket with the same layout
//!   under an optional prefix (`prefix/sha256/ab/<64 hex>`), written through `prefix/tmp/`.
//!   [`open_url`] opens one from `s3://bucket/prefix`, with the endpoint, region and
//!   credentials taken from the standard `AWS_*` environment variables.
//! - Both hand out readers that re-hash the bytes and fail at the end if they no longer
//!   match the name.
//! - [`sniff`] names a file's media type from its first bytes, never from its name.
//! - [`inspect`] reads what a file says about itself: EXIF (when a photo was taken, where,
//!   with what device and software), XMP (dates, creator tool, document and instance ids,
//!   edit history, GPS), a recording's container (creation time, duration, ISO 6709 position,
//!   device, frame size) and, with the `c2pa` feature, C2PA content credentials with their
//!   validation. These are claims the file makes, not facts: anyone can write them.
//!
//! Nothing here knows about records or the log: the archive service records what was stored.

#[cfg(feature = "c2pa")]
mod c2pa_reader;
mod credentials;
mod error;
mod local;
mod location;
mod media;
mod metadata;
#[cfg(feature = "s3")]
mod s3;
mod sniff;
mod verify;
mod xmp;

#[cfg(feature = "c2pa")]
pub use c2pa_reader::{extract_credentials, has_credentials_reader};
pub use credentials::{C2paAction, C2paIngredient, ContentCredentials};
pub use error::BlobError;
pub use local::LocalBlobs;
pub use location::{S3Location, open_url};
pub use media::{MediaClaims, extract_media, has_media_reader};
pub use metadata::{GpsPoint, Metadata, extract_metadata, extract_metadata_path};
#[cfg(feature = "s3")]
pub use s3::S3Blobs;
pub use sniff::{SNIFF_LEN, sniff};
pub use xmp::{XmpClaims, XmpEvent, XmpScanner, extract_xmp};

use std::io::Read;

/// What [`BlobStore::put`] stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// SHA-256 of the bytes, lowercase hex: the blob's name.
    pub sha256: String,
    pub size: u64,
    /// `false`: the same bytes were already stored (nothing new was written).
    pub new: bool,
}

/// Content-addressed storage of files. Blobs are never modified once stored.
pub trait BlobStore: Send + Sync {
    /// Store everything `reader` yields, hashing it as it is written (never the whole file in
    /// memory). A failure leaves nothing visible under any name.
    fn put(&self, reader: &mut dyn Read) -> Result<Stored, BlobError>;
    /// Read a blob. The reader re-hashes the bytes as they are read and, at the end of the
    /// file (the read that would return no more bytes), fails with an `InvalidData` I/O error
    /// naming the blob if they no longer match the name: a copy made through it to the end
    /// (`io::copy`, `read_to_end`) is known to be the original. [`BlobError::NotFound`] if
    /// absent.
    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, BlobError>;
    fn contains(&self, sha256: &str) -> Result<bool, BlobError>;
    /// Visit the name of every stored blob, in name order.
    fn for_each(&self, f: &mut dyn FnMut(&str) -> Result<(), BlobError>) -> Result<(), BlobError>;
    /// Re-hash a blob; Ok(false) if its bytes no longer match its name.
    fn check(&self, sha256: &str) -> Result<bool, BlobError>;
    /// Where the blobs are, for messages: a folder, or `s3://bucket/prefix`.
    fn location(&self) -> String;
    /// Check that the store answers (for S3: the endpoint is reachable, the credentials are
    /// accepted and the bucket exists), so that a mistake is reported when an archive is
    /// created rather than at its first evidence file. Writes nothing.
    fn probe(&self) -> Result<(), BlobError> {
        Ok(())
    }
}

/// Is `name` a blob name: 64 lowercase hexadecimal characters?
pub fn is_sha256(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_name(name: &str) -> Result<(), BlobError> {
    if is_sha256(name) {
        Ok(())
    } else {
        Err(BlobError::BadName(name.to_string()))
    }
}

/// What a stored blob is: its sniffed media type and the metadata it claims.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Inspection {
    /// `None`: the bytes match no known format.
    pub media_type: Option<&'static str>,
    /// The usual file extension of that type (`jpg`, `pdf`…), to compare with a file's name.
    pub extension: Option<&'static str>,
    pub metadata: Metadata,
}

/// Media types whose EXIF claims [`extract_metadata`] can read.
pub fn has_exif_reader(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg"
            | "image/tiff"
            | "image/png"
            | "image/webp"
            | "image/heif"
            | "image/avif"
            | "image/x-canon-cr2"
    )
}

/// How [`inspect`] reads a file's claims.
#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// PEM certificates whose signers' C2PA credentials count as trusted (the `c2pa`
    /// feature); without them every valid signature is `untrusted`.
    pub c2pa_trust_anchors: Option<String>,
}

/// Does reading this type's claims need the whole file at hand (seeking), not one pass?
fn needs_seek(media_type: &str) -> bool {
    #[cfg(feature = "c2pa")]
    if has_credentials_reader(media_type) {
        return true;
    }
    has_exif_reader(media_type) || has_media_reader(media_type)
}

/// Types whose XMP packet may sit anywhere in the file, so all of it is scanned: PDF (its
/// metadata stream), images, recordings.
fn may_carry_xmp(media_type: &str) -> bool {
    media_type == "application/pdf"
        || media_type == "application/postscript"
        || ["image/", "audio/", "video/"]
            .iter()
            .any(|p| media_type.starts_with(p))
}

/// Sniff a stored blob and read what it claims, through any [`BlobStore`]: the first
/// [`SNIFF_LEN`] bytes name the type; a PDF, image or recording is scanned once for an XMP packet (other files only in their first bytes); a photo,
/// a recording or a file that may carry C2PA credentials is spooled to an unnamed temporary
/// file (not memory) for the readers that seek. Its hash is checked as it is read, so the
/// claims are those of the stored original.
pub fn inspect(
    store: &dyn BlobStore,
    sha256: &str,
    options: &InspectOptions,
) -> Result<Inspection, BlobError> {
    inspect_reader(store.open(sha256)?, sha256, options)
}

/// Copies into a spool file while scanning for XMP.
struct Tee<'a> {
    file: &'a mut std::fs::File,
    xmp: &'a mut XmpScanner,
}

impl std::io::Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.xmp.feed(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// [`inspect`] on a file's bytes from any reader (`name` for errors): an encrypted blob,
/// opened.
pub fn inspect_reader(
    mut reader: Box<dyn Read + Send>,
    name: &str,
    options: &InspectOptions,
) -> Result<Inspection, BlobError> {
    use std::io::Seek;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let io_err = |e| BlobError::Io {
        path: std::path::PathBuf::from(name),
        action: "read blob",
        source: e,
    };
    (&mut reader)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    let media_type = sniff(&head);
    let mut out = Inspection {
        media_type,
        extension: match infer::get(&head) {
            Some(t) => Some(t.extension()),
            None => media_type.map(|_| "txt"),
        },
        metadata: Metadata::default(),
    };
    let mut xmp = XmpScanner::new();
    xmp.feed(&head);
    match media_type.filter(|t| needs_seek(t)) {
        Some(media_type) => {
            let mut spool = tempfile::tempfile().map_err(|e| BlobError::Io {
                path: std::env::temp_dir(),
                action: "create a temporary file in",
                source: e,
            })?;
            std::io::Write::write_all(&mut spool, &head).map_err(io_err)?;
            std::io::copy(
                &mut reader,
                &mut Tee {
                    file: &mut spool,
                    xmp: &mut xmp,
                },
            )
            .map_err(io_err)?;
            spool.rewind().map_err(io_err)?;
            if has_exif_reader(media_type) {
                out.metadata = extract_metadata(std::io::BufReader::new(&mut spool));
                spool.rewind().map_err(io_err)?;
            }
            if has_media_reader(media_type) {
                out.metadata.media = extract_media(std::io::BufReader::new(&mut spool));
                spool.rewind().map_err(io_err)?;
            }
            #[cfg(feature = "c2pa")]
            if has_credentials_reader(media_type) {
                out.metadata.c2pa = extract_credentials(
                    media_type,
                    &mut spool,
                    options.c2pa_trust_anchors.as_deref(),
                );
            }
        }
        None if media_type.is_some_and(may_carry_xmp) => {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => xmp.feed(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(io_err(e)),
                }
            }
        }
        // Text, archives and unknown bytes: only an XMP packet at their start is read.
        None => {}
    }
    #[cfg(not(feature = "c2pa"))]
    let _ = options;
    out.metadata.xmp = xmp.finish();
    Ok(out)
}
