//! `rightsdoc export --format bundle` and `rightsdoc verify-bundle`: printing only; the work is
//! in `rightsdoc-bundle`.

use anyhow::{Context, Result};
use rightsdoc_archive::Archive;
use rightsdoc_bundle::{Selection, export_bundle, verify_bundle};
use rightsdoc_model::Classification;
use std::path::Path;

pub fn export(
    dir: &Path,
    actor: &str,
    clearance: Classification,
    kind: Option<&str>,
    out: Option<&Path>,
    conditions: &[String],
    json: bool,
) -> Result<()> {
    let out = out.context("a bundle needs --out FILE.zip")?;
    if out.exists() {
        anyhow::bail!(
            "{} already exists; choose another name (nothing was written)",
            out.display()
        );
    }
    let mut conditions = conditions.to_vec();
    if let Some(k) = kind {
        conditions.push(format!("kind={k}"));
    }
    let selection = Selection::parse(&conditions)?;
    let mut archive = Archive::open(dir, actor)?;
    let s = export_bundle(&mut archive, &selection, clearance, out)?;
    if json {
        println!("{}", serde_json::to_string(&s)?);
        return Ok(());
    }
    println!(
        "wrote {}: {} records, {} log operations with inclusion proofs, {} evidence files ({}), in {:.1} s",
        out.display(),
        s.records,
        s.operations,
        s.evidence_files,
        bytes(s.evidence_bytes),
        s.seconds
    );
    println!(
        "checkpoint of {} operations, root {}; clearance {}",
        s.checkpoint_size, s.root, s.clearance
    );
    if s.payloads_withheld > 0 {
        println!(
            "payloads withheld (they hold values above {}; their digests still verify): {}",
            s.clearance, s.payloads_withheld
        );
    }
    if !s.evidence_missing.is_empty() {
        eprintln!(
            "warning: the blob store has no file for {} evidence records ({}); run `rightsdoc verify`",
            s.evidence_missing.len(),
            s.evidence_missing.join(", ")
        );
    }
    println!(
        "check it with `rightsdoc verify-bundle {}` or the public tools described in its README.txt",
        out.display()
    );
    Ok(())
}

pub fn verify(file: &Path, key: Option<&Path>, json: bool) -> Result<()> {
    let trusted = key
        .map(|k| {
            std::fs::read_to_string(k)
                .with_context(|| format!("cannot read the key {}", k.display()))
        })
        .transpose()?;
    let r = verify_bundle(file, trusted.as_deref())
        .with_context(|| format!("{} FAILED", file.display()))?;
    if json {
        println!("{}", serde_json::json!({"ok": true, "report": r}));
        return Ok(());
    }
    println!(
        "ok: bundle {} of log {} ({} clearance, bagged {})",
        r.bag, r.origin, r.clearance, r.bagging_date
    );
    println!(
        "  {} files ({}) match manifest-sha256.txt and tagmanifest-sha256.txt",
        r.files,
        bytes(r.payload_bytes)
    );
    println!(
        "  {} operations: every leaf and inclusion proof leads to the checkpoint of {} operations, root {}",
        r.operations, r.checkpoint_size, r.root
    );
    println!(
        "  payloads: {} shown, each matching its digest; {} withheld at this clearance; {} destroyed in the archive",
        r.payloads_shown, r.payloads_withheld, r.payloads_destroyed
    );
    println!(
        "  {} records: {} exactly as the log wrote them, {} shown redacted (their latest version is withheld)",
        r.records,
        r.records_proven,
        r.records_unproven.len()
    );
    if r.evidence_files > 0 || !r.evidence_missing.is_empty() {
        println!(
            "  {} evidence files ({}) match their names and records, {} of them through records proven by the log{}",
            r.evidence_files,
            bytes(r.evidence_bytes),
            r.evidence_proven,
            if r.evidence_missing.is_empty() {
                String::new()
            } else {
                format!("; no file for {}", r.evidence_missing.join(", "))
            }
        );
    }
    if r.trusted_key_checked {
        println!("  signature: valid under the key you gave: the bundle comes from that archive");
    } else {
        println!(
            "  signature: valid under the key inside the bundle, which proves consistency only; \
             pass --key with the archive's verifier.key obtained separately to prove origin"
        );
    }
    Ok(())
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.2} GiB", n as f64 / f64::from(1u32 << 30)),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}
