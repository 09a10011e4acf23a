//! Blob stores named by a URL: `s3://bucket/prefix`.

use crate::{BlobError, BlobStore};
use std::fmt;

/// Where blobs live in an S3-compatible service: a bucket and a prefix inside it (empty:
/// the bucket's top). Blob `ab…` is the object `prefix/sha256/ab/ab…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Segments joined by `/`, without a leading or trailing `/`.
    pub prefix: String,
}

impl S3Location {
    /// Parse `s3://bucket` or `s3://bucket/prefix/…`. Bucket names follow S3's rules (3–63
    /// lower-case letters, digits, `.` and `-`); a prefix is made of segments of letters,
    /// digits, `.`, `_` and `-` (not `.` or `..` alone). Slashes at either end of the
    /// prefix, and repeated ones, are dropped.
    pub fn parse(url: &str) -> Result<S3Location, BlobError> {
        let bad = |reason: &str| BlobError::Location {
            url: url.to_string(),
            reason: format!("{reason}; write s3://BUCKET or s3://BUCKET/PREFIX"),
        };
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            bad("only S3 blob stores (s3://…) are supported besides the archive's own folder")
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'))
            && bucket
                .bytes()
                .next()
                .zip(bucket.bytes().last())
                .is_some_and(|(a, z)| a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(bad(&format!(
                "`{bucket}` is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)"
            )));
        }
        let mut segments = Vec::new();
        for segment in prefix.split('/').filter(|s| !s.is_empty()) {
            let ok = segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if !ok {
                return Err(bad(&format!(
                    "`{segment}` cannot be part of a prefix (use letters, digits, `.`, `_` and `-`)"
                )));
            }
            segments.push(segment);
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix: segments.join("/"),
        })
    }
}

impl fmt::Display for S3Location {
    /// The URL in its normal form: `s3://bucket` or `s3://bucket/prefix`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// The blob store a URL names: `s3://bucket/prefix` is an `S3Blobs` configured from the
/// standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_ALLOW_HTTP`…). Nothing is sent over
/// the network until the store is used (see [`BlobStore::probe`]). Without the `s3` feature
/// every URL is refused with a message that says so.
pub fn open_url(url: &str) -> Result<Box<dyn BlobStore>, BlobError> {
    let location = S3Location::parse(url)?;
    #[cfg(feature = "s3")]
    {
        Ok(Box::new(crate::S3Blobs::from_env(&location)?))
    }
    #[cfg(not(feature = "s3"))]
    {
        Err(BlobError::Location {
            url: location.to_string(),
            reason: "this rightsdoc was built without S3 support; build it with the `s3` feature (on by default)".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_and_normalised() {
        let l = S3Location::parse("s3://evidence-2026/org//case.1/").unwrap();
        assert_eq!(l.bucket, "evidence-2026");
        assert_eq!(l.prefix, "org/case.1");
        assert_eq!(l.to_string(), "s3://evidence-2026/org/case.1");
        let top = S3Location::parse("s3://evidence").unwrap();
        assert_eq!(
            (top.prefix.as_str(), top.to_string()),
            ("", "s3://evidence".into())
        );
    }

    #[test]
    fn bad_urls_say_what_to_write() {
        for bad in [
            "evidence",
            "gs://evidence/x",
            "s3://",
            "s3://ab",
            "s3://Evidence",
            "s3://-evidence",
            "s3://evidence/../x",
            "s3://evidence/a b",
            "s3://evidence/a?b",
        ] {
            let err = S3Location::parse(bad).unwrap_err().to_string();
            assert!(err.contains("s3://BUCKET/PREFIX"), "{bad}: {err}");
        }
    }
}
