//! Reading and checking C2PA content credentials offline with the `c2pa` crate (the `c2pa`
//! feature): a [`ContentCredentials`] report per file, whatever it finds.

use crate::credentials::{C2paAction, C2paIngredient, ContentCredentials};
use crate::metadata::clean_text;
use c2pa::assertions::{Actions, SoftwareAgent};
use c2pa::validation_status::{SIGNING_CREDENTIAL_UNTRUSTED, ValidationStatus};
use c2pa::{Context, Manifest, Reader, ValidationState};
use std::io::{Read, Seek};

/// At most this many actions, ingredients and failures are kept.
const MAX_ITEMS: usize = 100;

/// Can the `c2pa` crate look for credentials in files of this media type?
pub fn has_credentials_reader(media_type: &str) -> bool {
    Reader::supported_mime_types()
        .iter()
        .any(|t| t == media_type)
}

/// Read and check the content credentials of a file of `media_type`. `trust_anchors` (PEM
/// certificates) are the roots whose signers count as trusted. `None`: the file carries
/// none. Nothing is fetched from the network.
pub fn extract_credentials<R: Read + Seek + Send>(
    media_type: &str,
    stream: R,
    trust_anchors: Option<&str>,
) -> Option<ContentCredentials> {
    let mut settings = serde_json::json!({
        "verify": {"verify_trust": true, "ocsp_fetch": false, "remote_manifest_fetch": false},
    });
    if let Some(pem) = trust_anchors {
        settings["trust"] = serde_json::json!({"trust_anchors": pem});
    }
    let context = Context::new()
        .with_settings(settings.to_string().as_str())
        .ok()?;
    match Reader::from_context(context).with_stream(media_type, stream) {
        Ok(reader) => Some(report(&reader)),
        Err(c2pa::Error::JumbfNotFound | c2pa::Error::ProvenanceMissing) => None,
        Err(c2pa::Error::UnsupportedType) => None,
        Err(c2pa::Error::RemoteManifestUrl(url)) => Some(ContentCredentials {
            state: "remote".into(),
            reason: clean_text(
                format!(
                    "the credentials are kept at {url}, outside the file; they were not fetched"
                )
                .as_bytes(),
            ),
            ..ContentCredentials::default()
        }),
        Err(e) => Some(ContentCredentials {
            state: "invalid".into(),
            reason: clean_text(format!("the credentials cannot be read: {e}").as_bytes()),
            ..ContentCredentials::default()
        }),
    }
}

fn report(reader: &Reader) -> ContentCredentials {
    let failures: Vec<&ValidationStatus> = match reader.validation_results() {
        Some(results) => {
            let active = results
                .active_manifest()
                .into_iter()
                .flat_map(|m| m.failure());
            let ingredients = results
                .ingredient_deltas()
                .into_iter()
                .flatten()
                .flat_map(|d| d.validation_deltas().failure());
            active.chain(ingredients).collect()
        }
        None => reader
            .validation_status()
            .unwrap_or_default()
            .iter()
            .collect(),
    };
    let state = match reader.validation_state() {
        ValidationState::Trusted => "trusted",
        ValidationState::Valid => "untrusted",
        ValidationState::Invalid => "invalid",
    };
    let worst = failures
        .iter()
        .find(|f| f.code() != SIGNING_CREDENTIAL_UNTRUSTED)
        .or(failures.first());
    let reason = match (state, worst) {
        ("trusted", _) => None,
        ("untrusted", _) => Some(
            "signed and intact, but the signer's certificate does not chain to a trust anchor this archive holds"
                .to_string(),
        ),
        (_, Some(f)) => Some(explain(f)),
        (_, None) => Some("the credentials do not validate".to_string()),
    };
    let mut out = ContentCredentials {
        state: state.into(),
        reason: reason.and_then(|r| clean_text(r.as_bytes())),
        failures: failures
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|f| clean_text(explain(f).as_bytes()))
            .collect(),
        manifests: reader.manifests().len() as u64,
        ..ContentCredentials::default()
    };
    if let Some(m) = reader.active_manifest() {
        describe_manifest(m, &mut out);
    }
    out
}

/// A failure in words: what it means for the file, then C2PA's code and explanation.
fn explain(f: &ValidationStatus) -> String {
    let code = f.code();
    let meaning = if code.ends_with("Hash.mismatch") || code.contains("dataHash") {
        "tampered: the file's bytes are not those that were signed"
    } else if code.starts_with("claimSignature") {
        "the signature does not match the claim"
    } else if code.starts_with("signingCredential") {
        "the signing certificate is not valid"
    } else if code.starts_with("assertion") || code.starts_with("hashedURI") {
        "a signed statement was changed or is missing"
    } else if code.starts_with("ingredient") {
        "a file it was made from has credentials that do not validate"
    } else {
        "the credentials do not validate"
    };
    match f.explanation() {
        Some(e) => format!("{meaning} ({code}: {e})"),
        None => format!("{meaning} ({code})"),
    }
}

fn describe_manifest(m: &Manifest, out: &mut ContentCredentials) {
    let line = |s: &str| clean_text(s.as_bytes());
    out.claim_generator = m
        .claim_generator_info
        .as_ref()
        .and_then(|infos| infos.first())
        .and_then(|g| {
            let name = match &g.version {
                Some(v) => format!("{} {v}", g.name),
                None => g.name.clone(),
            };
            line(&name)
        })
        .or_else(|| m.claim_generator().and_then(line));
    if let Some(sig) = m.signature_info() {
        out.signer = sig.common_name.as_deref().and_then(line);
        out.issuer = sig.issuer.as_deref().and_then(line);
        out.signed_at = sig.time.as_deref().and_then(line);
    }
    out.title = m.title().and_then(line);
    for assertion in m.assertions() {
        if !assertion.label().starts_with(Actions::LABEL) {
            continue;
        }
        let Ok(actions) = assertion.to_assertion::<Actions>() else {
            continue;
        };
        for a in actions.actions() {
            if out.actions.len() >= MAX_ITEMS {
                break;
            }
            let Some(action) = line(a.action()) else {
                continue;
            };
            let agent = a
                .software_agent()
                .map(|agent| match agent {
                    SoftwareAgent::String(s) => s.clone(),
                    SoftwareAgent::ClaimGeneratorInfo(g) => g.name.clone(),
                })
                .or_else(|| {
                    let index = a.software_agent_index?;
                    Some(actions.software_agent(index)?.name.clone())
                });
            out.actions.push(C2paAction {
                action,
                when: a.when().and_then(line),
                software_agent: agent.as_deref().and_then(line),
                description: a.description().and_then(line),
                digital_source_type: a.source_type().and_then(|t| line(&t.to_string())),
            });
        }
    }
    out.ingredients = m
        .ingredients()
        .iter()
        .take(MAX_ITEMS)
        .map(|i| C2paIngredient {
            title: i.title().and_then(line),
            format: i.format().and_then(line),
            relationship: serde_json::to_value(i.relationship())
                .ok()
                .and_then(|v| v.as_str().and_then(line)),
            instance_id: line(i.instance_id()),
        })
        .collect();
}
