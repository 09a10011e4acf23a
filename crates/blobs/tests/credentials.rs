//! C2PA content credentials made here with the `c2pa` crate's own Builder and a certificate
//! chain generated at test time (`EphemeralSigner`: a CA and a signer it issued), then read
//! back through the blob store: valid but untrusted without anchors, trusted with the CA as
//! anchor, invalid when a byte of the signed image changed.
#![cfg(feature = "c2pa")]

#[path = "support/png.rs"]
mod png;

use base64::Engine;
use c2pa::assertions::DigitalSourceType;
use c2pa::{Builder, BuilderIntent, Context, EphemeralSigner, Signer};
use rightsdoc_blobs::{
    BlobStore, ContentCredentials, InspectOptions, LocalBlobs, extract_credentials, inspect,
};
use std::io::Cursor;

/// An 8×8 grey PNG (stored, uncompressed deflate blocks).
fn png() -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..8 {
        raw.push(0u8); // filter: none
        raw.extend([0x80u8; 8]);
    }
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend((raw.len() as u16).to_le_bytes());
    zlib.extend((!(raw.len() as u16)).to_le_bytes());
    zlib.extend(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut out = png::SIGNATURE.to_vec();
    png::chunk(&mut out, b"IHDR", &[0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0]);
    png::chunk(&mut out, b"IDAT", &zlib);
    png::chunk(&mut out, b"IEND", &[]);
    out
}

/// `image` signed by `signer` as a capture by "Field Camera 2.1", with one edit action; when
/// `edit` is set, as an edit of `image` (which then becomes the parent ingredient).
fn sign(image: &[u8], signer: &EphemeralSigner, edit: bool) -> Vec<u8> {
    let definition = serde_json::json!({
        "title": "evin-gate.png",
        "claim_generator_info": [{"name": "Field Camera", "version": "2.1"}],
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{
                "action": "c2pa.color_adjustments",
                "when": "2024-03-01T10:22:33Z",
                "softwareAgent": {"name": "Field Camera", "version": "2.1"},
                "description": "white balance"
            }]}
        }]
    });
    let mut builder = Builder::from_context(Context::new())
        .with_definition(definition.to_string())
        .unwrap();
    builder.set_intent(if edit {
        BuilderIntent::Edit
    } else {
        BuilderIntent::Create(DigitalSourceType::DigitalCapture)
    });
    let mut source = Cursor::new(image.to_vec());
    let mut dest = Cursor::new(Vec::new());
    builder
        .sign(signer, "image/png", &mut source, &mut dest)
        .unwrap();
    dest.into_inner()
}

/// The signer's CA certificate (the last of its chain) as PEM.
fn ca_pem(signer: &EphemeralSigner) -> String {
    let chain = signer.certs().unwrap();
    let der = chain.last().unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

fn inspected(bytes: &[u8], anchors: Option<String>) -> Option<ContentCredentials> {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::new(dir.path().join("blobs"));
    let put = blobs.put(&mut &bytes[..]).unwrap();
    let options = InspectOptions {
        c2pa_trust_anchors: anchors,
    };
    inspect(&blobs, &put.sha256, &options)
        .unwrap()
        .metadata
        .c2pa
}

#[test]
fn signed_credentials_are_reported_as_untrusted_claims_with_who_what_and_how() {
    let signer = EphemeralSigner::new("Field Camera Signer").unwrap();
    let signed = sign(&png(), &signer, false);
    let c = inspected(&signed, None).expect("credentials found");
    assert_eq!(c.state, "untrusted", "{c:?}");
    assert!(
        c.reason.as_deref().unwrap().contains("trust anchor"),
        "{c:?}"
    );
    assert!(
        c.failures
            .iter()
            .all(|f| f.contains("signingCredential.untrusted")),
        "only the signer is unknown: {c:?}"
    );
    assert_eq!(c.claim_generator.as_deref(), Some("Field Camera 2.1"));
    assert_eq!(c.signer.as_deref(), Some("Field Camera Signer"));
    assert!(c.issuer.is_some(), "{c:?}");
    assert_eq!(c.title.as_deref(), Some("evin-gate.png"));
    assert_eq!(c.manifests, 1);
    let created = c
        .actions
        .iter()
        .find(|a| a.action == "c2pa.created")
        .expect("created");
    assert!(
        created
            .digital_source_type
            .as_deref()
            .unwrap()
            .contains("digitalCapture"),
        "{created:?}"
    );
    let edit = c
        .actions
        .iter()
        .find(|a| a.action == "c2pa.color_adjustments")
        .expect("the edit");
    assert_eq!(edit.when.as_deref(), Some("2024-03-01T10:22:33Z"));
    assert_eq!(edit.software_agent.as_deref(), Some("Field Camera"));
    assert_eq!(edit.description.as_deref(), Some("white balance"));
}

#[test]
fn a_signer_whose_ca_the_archive_holds_is_trusted() {
    let signer = EphemeralSigner::new("Newsroom Signer").unwrap();
    let signed = sign(&png(), &signer, false);
    let c = inspected(&signed, Some(ca_pem(&signer))).unwrap();
    assert_eq!(c.state, "trusted", "{c:?}");
    assert!(c.reason.is_none() && c.failures.is_empty(), "{c:?}");
    // Another CA's signer is not trusted by that anchor.
    let stranger = EphemeralSigner::new("Stranger").unwrap();
    let c = inspected(&sign(&png(), &stranger, false), Some(ca_pem(&signer))).unwrap();
    assert_eq!(c.state, "untrusted", "{c:?}");
}

#[test]
fn a_byte_changed_in_the_signed_image_makes_the_credentials_invalid() {
    let signer = EphemeralSigner::new("Field Camera Signer").unwrap();
    let signed = sign(&png(), &signer, false);
    let idat = signed
        .windows(4)
        .position(|w| w == b"IDAT")
        .expect("image data");
    for trust in [None, Some(ca_pem(&signer))] {
        let mut tampered = signed.clone();
        tampered[idat + 20] ^= 0x01;
        let c = inspected(&tampered, trust.clone()).expect("credentials still found");
        assert_eq!(c.state, "invalid", "{c:?}");
        let reason = c.reason.as_deref().unwrap();
        assert!(reason.contains("tampered"), "{reason}");
        assert!(
            c.failures.iter().any(|f| f.contains("dataHash.mismatch")),
            "{c:?}"
        );
        // What it claimed is still shown, as claims.
        assert_eq!(c.signer.as_deref(), Some("Field Camera Signer"));
    }
}

#[test]
fn an_edit_of_a_signed_file_names_its_parent_as_an_ingredient() {
    let signer = EphemeralSigner::new("Desk Editor").unwrap();
    let first = sign(&png(), &signer, false);
    let second = sign(&first, &signer, true);
    let c = inspected(&second, None).unwrap();
    assert_eq!(c.state, "untrusted", "{c:?}");
    assert_eq!(c.manifests, 2);
    let parent = c.ingredients.first().expect("the parent");
    assert_eq!(parent.relationship.as_deref(), Some("parentOf"));
    assert_eq!(parent.format.as_deref(), Some("image/png"));
    assert!(c.actions.iter().any(|a| a.action == "c2pa.opened"), "{c:?}");
}

#[test]
fn files_without_credentials_or_with_garbage_where_they_should_be_are_not_refused() {
    assert!(inspected(&png(), None).is_none());
    // A manifest chunk (caBX) of garbage: reported as invalid, never an error.
    let mut broken = png();
    let iend = broken.len() - 12;
    let mut chunk = Vec::new();
    png::chunk(&mut chunk, b"caBX", &[0xAB; 16]);
    broken.splice(iend..iend, chunk);
    let c = extract_credentials("image/png", Cursor::new(broken), None).expect("reported");
    assert_eq!(c.state, "invalid", "{c:?}");
    assert!(
        c.reason.as_deref().unwrap().contains("cannot be read"),
        "{c:?}"
    );
}
