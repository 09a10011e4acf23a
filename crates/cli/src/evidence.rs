//! `rightsdoc evidence`: store files, copy them out, and show or extend their chain of
//! custody. Argument parsing and printing only; the archive service does the work.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use rightsdoc_archive::blobs::Metadata;
use rightsdoc_archive::{Archive, ChainEntry, CustodyInput, EvidenceInput};
use rightsdoc_model::Classification;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Store a file once under its SHA-256 and record it (media type sniffed from its bytes,
    /// the claims its EXIF, XMP, container and C2PA metadata make, an `acquired` custody entry); prints its SHA-256 and
    /// id. The same bytes again make no second item: another acquisition is recorded.
    Add {
        file: PathBuf,
        /// The source (`src_…`) the file belongs to.
        #[arg(long)]
        source: Option<String>,
        /// What the file shows and how it was obtained.
        #[arg(long)]
        note: Option<String>,
        /// public, restricted or confidential.
        #[arg(long, default_value = "public")]
        classification: Classification,
        /// For a thumbnail, transcode or redacted copy: the original's `evd_…` id.
        #[arg(long)]
        derived_from: Option<String>,
        /// How the copy was made: thumbnail, transcode, redacted or other.
        #[arg(long)]
        derivation: Option<String>,
    },
    /// Copy an item's original file to --out, re-checking its SHA-256 as it is copied, and
    /// record the copy in its chain of custody (a confidential item needs --reason).
    Get {
        id: String,
        /// Where to write the copy (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// Why it is copied; recorded in the chain of custody.
        #[arg(long)]
        reason: Option<String>,
    },
    /// An item's chain of custody: every custody entry and its record's own history, in the
    /// order they were logged (who, when, what, why).
    Custody { id: String },
    /// Record that an item was handed over to someone.
    HandOver {
        id: String,
        /// Who received it.
        #[arg(long)]
        to: String,
        /// Why it was handed over.
        #[arg(long)]
        reason: String,
        /// Who handed it over (default: --actor).
        #[arg(long)]
        from: Option<String>,
    },
}

pub fn run(
    args: &EvidenceArgs,
    dir: &Path,
    actor: &str,
    clearance: Classification,
    json: bool,
) -> Result<()> {
    let mut archive = Archive::open(dir, actor)?;
    match &args.command {
        EvidenceCommand::Add {
            file,
            source,
            note,
            classification,
            derived_from,
            derivation,
        } => {
            let shown = file.display().to_string();
            let mut reader =
                std::fs::File::open(file).with_context(|| format!("cannot read {shown}"))?;
            if !reader.metadata().with_context(|| shown.clone())?.is_file() {
                anyhow::bail!("{shown} is not a file");
            }
            let input = EvidenceInput {
                original_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
                source: source.clone(),
                note: note.clone(),
                classification: *classification,
                derived_from: derived_from.clone(),
                derivation: derivation.clone(),
            };
            let added = archive
                .add_evidence(&mut reader, &input)
                .with_context(|| shown.clone())?;
            if json {
                println!("{}", serde_json::to_string(&added)?);
                return Ok(());
            }
            println!("{}  {}", added.sha256, added.evidence);
            if added.existing {
                println!(
                    "{shown}: these bytes are already evidence {} ({}); no second item was made, another acquisition is recorded as {}",
                    added.evidence, added.classification, added.custody
                );
            } else {
                println!(
                    "{shown}: stored as {} ({}, {} bytes, {}); acquisition recorded as {}",
                    added.evidence,
                    added.media_type,
                    added.size,
                    added.classification,
                    added.custody
                );
                let claims = describe_claims(&added.metadata);
                if !claims.is_empty() {
                    println!("the file claims (claims the file makes, not verified):");
                    for line in claims {
                        println!("    {line}");
                    }
                }
            }
            for w in &added.warnings {
                println!("note: {w}");
            }
        }
        EvidenceCommand::Get { id, out, reason } => {
            let copy = archive.copy_evidence(id, clearance, out, reason.as_deref())?;
            if json {
                println!("{}", serde_json::to_string(&copy)?);
            } else {
                println!(
                    "copied {id} to {} ({} bytes, SHA-256 {} checked); recorded as {}",
                    out.display(),
                    copy.size,
                    copy.sha256,
                    copy.custody
                );
            }
        }
        EvidenceCommand::Custody { id } => {
            let chain = archive.custody_chain(id, clearance)?;
            if json {
                println!("{}", serde_json::to_string(&chain)?);
            } else {
                println!(
                    "chain of custody of {id}: {} entries (log times, UTC)",
                    chain.len()
                );
                for e in &chain {
                    print!("{}", describe_entry(e));
                }
            }
        }
        EvidenceCommand::HandOver {
            id,
            to,
            reason,
            from,
        } => {
            let record = archive.record_custody(
                id,
                clearance,
                &CustodyInput {
                    action: "handed_over".into(),
                    from: Some(from.clone().unwrap_or_else(|| actor.to_string())),
                    to: Some(to.clone()),
                    reason: Some(reason.clone()),
                    ..CustodyInput::default()
                },
            )?;
            if json {
                println!("{}", record.to_value());
            } else {
                println!("{}", record.id);
            }
        }
    }
    Ok(())
}

/// "with MAKE MODEL", from whichever of the two a file names.
fn device(make: &Option<String>, model: &Option<String>) -> Option<String> {
    let named: Vec<&str> = [make, model]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    (!named.is_empty()).then(|| format!("with {}", named.join(" ")))
}

/// The metadata's claims, a line per kind (EXIF, XMP, container, C2PA); empty when the file
/// makes none.
fn describe_claims(m: &Metadata) -> Vec<String> {
    let mut lines = Vec::new();
    let mut exif = Vec::new();
    if let Some(t) = &m.date_time_original {
        exif.push(format!("taken {t}"));
    }
    if let Some(g) = &m.gps {
        exif.push(format!("at {}, {}", g.lat, g.lon));
    }
    if let Some(d) = device(&m.make, &m.model) {
        exif.push(d);
    }
    if let Some(s) = &m.software {
        exif.push(format!("processed with {s}"));
    }
    if !exif.is_empty() {
        lines.push(format!("EXIF: {}", exif.join("; ")));
    }
    if let Some(x) = &m.xmp {
        let mut parts = Vec::new();
        for (label, value) in [
            ("created", &x.create_date),
            ("modified", &x.modify_date),
            ("taken", &x.date_taken),
            ("made with", &x.creator_tool),
            ("document", &x.document_id),
            ("instance", &x.instance_id),
        ] {
            if let Some(v) = value {
                parts.push(format!("{label} {v}"));
            }
        }
        if let Some(g) = &x.gps {
            parts.push(format!("at {}, {}", g.lat, g.lon));
        }
        if !x.history.is_empty() {
            let steps: Vec<String> = x
                .history
                .iter()
                .map(|e| {
                    let mut step = e.action.clone().unwrap_or_else(|| "?".into());
                    if let Some(w) = &e.when {
                        step.push_str(&format!(" {w}"));
                    }
                    if let Some(a) = &e.software_agent {
                        step.push_str(&format!(" ({a})"));
                    }
                    step
                })
                .collect();
            parts.push(format!("history: {}", steps.join(", ")));
        }
        lines.push(format!("XMP: {}", parts.join("; ")));
    }
    if let Some(r) = &m.media {
        let mut parts = Vec::new();
        if let Some(c) = &r.created {
            parts.push(format!("recorded {c}"));
        }
        if let Some(d) = r.duration_seconds {
            parts.push(format!("{d} s long"));
        }
        if let Some(g) = &r.gps {
            parts.push(format!("at {}, {}", g.lat, g.lon));
        }
        if let Some(d) = device(&r.make, &r.model) {
            parts.push(d);
        }
        if let (Some(w), Some(h)) = (r.width, r.height) {
            parts.push(format!("{w}×{h}"));
        }
        lines.push(format!("recording: {}", parts.join("; ")));
    }
    if let Some(c) = &m.c2pa {
        let mut parts = vec![match &c.reason {
            Some(r) => format!("{} ({r})", c.state),
            None => c.state.clone(),
        }];
        if let Some(s) = &c.signer {
            let issuer = c.issuer.as_deref().map(|i| format!(", issued by {i}"));
            parts.push(format!("signed by {s}{}", issuer.unwrap_or_default()));
        }
        if let Some(t) = &c.signed_at {
            parts.push(format!("at {t}"));
        }
        if let Some(g) = &c.claim_generator {
            parts.push(format!("made with {g}"));
        }
        if !c.actions.is_empty() {
            let actions: Vec<&str> = c.actions.iter().map(|a| a.action.as_str()).collect();
            parts.push(format!("actions: {}", actions.join(", ")));
        }
        if !c.ingredients.is_empty() {
            let from: Vec<&str> = c
                .ingredients
                .iter()
                .map(|i| i.title.as_deref().unwrap_or("untitled"))
                .collect();
            parts.push(format!("made from: {}", from.join(", ")));
        }
        lines.push(format!("C2PA content credentials: {}", parts.join("; ")));
    }
    lines
}

fn describe_entry(e: &ChainEntry) -> String {
    let who = e.actor.as_deref().unwrap_or(&e.logged_by);
    let mut s = format!("{}  {:<16} {who}  ({})\n", e.time, e.action, e.record);
    let mut detail = Vec::new();
    match (&e.from, &e.to) {
        (Some(f), Some(t)) => detail.push(format!("from {f} to {t}")),
        (None, Some(t)) => detail.push(format!("to {t}")),
        (Some(f), None) => detail.push(format!("from {f}")),
        (None, None) => {}
    }
    if let Some(r) = &e.reason {
        detail.push(format!("why: {r}"));
    }
    if let Some(n) = &e.notes {
        detail.push(format!("note: {n}"));
    }
    if !e.sources.is_empty() {
        detail.push(format!("source {}", e.sources.join(", ")));
    }
    if let Some(d) = &e.date
        && !e.time.starts_with(d.as_str())
    {
        detail.push(format!("dated {d}"));
    }
    if e.actor.as_deref().is_some_and(|a| a != e.logged_by) {
        detail.push(format!("logged by {}", e.logged_by));
    }
    for d in detail {
        s.push_str(&format!("    {d}\n"));
    }
    s
}
