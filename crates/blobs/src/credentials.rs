//! C2PA content credentials: a signed manifest some cameras, phones and editing tools embed,
//! saying who made the file, with what, and what was done to it. This is the report kept in
//! an evidence record; `c2pa_reader.rs` (the `c2pa` feature) makes it. A valid signature
//! proves only that whoever held the signing key made these statements about these bytes; a
//! signer is trusted only when its certificate chains to an anchor the archive was given.
//! The report is kept either way, and a file is never refused for what its credentials say.

use serde::{Deserialize, Serialize};

/// What a file's content credentials say, and whether they hold up. Field names are those
/// of the evidence record's `metadata.c2pa` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentCredentials {
    /// `trusted`: signed, intact, and the signer chains to a trust anchor the archive holds;
    /// `untrusted`: signed and intact, by a signer the archive has no reason to trust
    /// (self-made certificates look like this); `invalid`: the signature, the certificate
    /// or the bytes do not match what was signed (tampered, or broken); `remote`: the file
    /// points to credentials kept elsewhere, which are not fetched.
    pub state: String,
    /// Why, in a line (for anything but `trusted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The C2PA failure codes, with their explanations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// The software that made the claim (`name version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_generator: Option<String>,
    /// Who signed it (the certificate's common name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Who issued the signer's certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// When it says it was signed (a time-stamp authority's time when present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
    /// The title the manifest gives the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What it says was done (created, edited, cropped…), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<C2paAction>,
    /// The files it says this one was made from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingredients: Vec<C2paIngredient>,
    /// How many manifests the file carries (one per signed step of its history).
    pub manifests: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct C2paAction {
    /// `c2pa.created`, `c2pa.edited`, `c2pa.cropped`…
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How the content was made (an IPTC digital source type: camera capture, trained
    /// algorithmic media…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_source_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct C2paIngredient {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `parentOf`, `componentOf` or `inputTo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}
