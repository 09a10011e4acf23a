//! Record linkage: `rightsdoc link` on CSV files (the file contract of DESIGN.md), and
//! `dedupe` and `review` over the archive's own person records.

use std::path::PathBuf;
use std::time::Instant;

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, bail};
use clap::Args;
use rightsdoc_archive::Archive;
use rightsdoc_linkage::evaluate::{Scores, evaluate};
use rightsdoc_linkage::people::{input_from_person, pair_key, propose};
use rightsdoc_linkage::review::{read_labels, write_uncertain};
use rightsdoc_linkage::{Labels, Options, link, model, read_csv_files, write_clusters};
use rightsdoc_model::{Classification, Kind};
use serde_json::Value;
use serde_json::json;

#[derive(Args)]
pub struct LinkArgs {
    /// CSV files with a header: `id` and any of first_name, last_name, father_name,
    /// full_name, birth_year, birth_date, place, list.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write `id,cluster_id`, one row per input row.
    #[arg(long)]
    out: PathBuf,
    /// Match probability at or above which a pair links two records. Groups of linked
    /// records join only when the mean probability over all their pairs is 0.3 or more, so a
    /// low threshold does not chain people together. Measured on generated lists, the
    /// model's probabilities are close to calibrated (at 1M rows slightly low) and this
    /// default gives about the best F1; raise it when a false merge costs more than a
    /// missed one.
    #[arg(long, default_value_t = 0.2)]
    threshold: f64,
    /// A ground-truth column (the same value = the same person): report precision, recall
    /// and F1 of the result against it.
    #[arg(long, value_name = "COLUMN")]
    truth: Option<String>,
    /// Write the pairs the model is least sure of to this CSV for clerical review; fill in
    /// its `label` column and pass it back with --labels.
    #[arg(long, value_name = "FILE")]
    review: Option<PathBuf>,
    /// How many uncertain pairs --review writes at most.
    #[arg(long, default_value_t = 1000)]
    review_limit: usize,
    /// Clerical decisions (`id_a,id_b,label` with label `match` or `non-match`) that
    /// override the model for those pairs.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Blocks with more records than this are skipped (and reported).
    #[arg(long, default_value_t = 1000)]
    max_block: usize,
    /// Plain connected components instead of chaining-resistant clustering (to compare).
    #[arg(long)]
    components_only: bool,
    /// Seed of the random samples (u estimation, EM training).
    #[arg(long, default_value_t = 1988)]
    seed: u64,
}

pub fn run(args: &LinkArgs, as_json: bool) -> Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!(
            "--threshold {} is not a probability between 0 and 1",
            args.threshold
        );
    }
    let started = Instant::now();
    let records = read_csv_files(&args.inputs, args.truth.as_deref())?;
    let labels = match &args.labels {
        Some(path) => read_labels(path, &records)?,
        None => Labels::new(),
    };
    let options = Options {
        threshold: args.threshold,
        max_block: args.max_block,
        seed: args.seed,
        components_only: args.components_only,
        ..Options::default()
    };
    let linked = link(&records, &labels, &options);
    write_clusters(&args.out, &records, &linked.clusters)?;
    let reviewed = match &args.review {
        Some(path) => Some(write_uncertain(
            path,
            &records,
            &linked,
            (0.2, 0.98),
            args.threshold,
            args.review_limit,
        )?),
        None => None,
    };
    let seconds = started.elapsed().as_secs_f64();
    let truth: Vec<&str> = records
        .iter()
        .map(|r| r.truth.as_deref().unwrap_or(""))
        .collect();
    let scores: Option<(Scores, f64)> = args.truth.as_ref().map(|_| {
        let scores = evaluate(&linked.clusters.of, &truth);
        let blocked = linked.blocked_true_pairs(&truth, args.max_block);
        let recall = blocked as f64 / scores.true_pairs.max(1) as f64;
        (scores, recall)
    });
    let skipped: u64 = linked.blocking.iter().map(|r| r.skipped_blocks).sum();
    if as_json {
        let blocking: Vec<_> = linked
            .blocking
            .iter()
            .map(|r| {
                json!({"rule": r.rule, "pairs": r.pairs, "largest_block": r.largest_block,
                       "skipped_blocks": r.skipped_blocks, "skipped_records": r.skipped_records})
            })
            .collect();
        let sessions: Vec<_> = linked
            .model
            .sessions
            .iter()
            .map(|s| {
                json!({"rule": s.rule, "pairs": s.pairs, "iterations": s.iterations,
                       "converged": s.converged, "match_share": s.match_share})
            })
            .collect();
        let levels: Vec<_> = model::describe(&linked.model)
            .into_iter()
            .map(|(field, level, m, u)| json!({"field": field, "level": level, "m": m, "u": u}))
            .collect();
        let mut out = json!({
            "records": records.len(),
            "clusters": linked.clusters.count,
            "pairs_compared": linked.pairs_compared,
            "seconds": seconds,
            "threshold": args.threshold,
            "components_split": linked.clusters.components_split,
            "labels": labels.len(),
            "blocking": blocking,
            "model": {"prior": linked.model.prior, "em": sessions, "levels": levels},
        });
        if let Some(n) = reviewed {
            out["review_pairs"] = json!(n);
        }
        if let Some((s, blocking_recall)) = &scores {
            out["evaluation"] = serde_json::to_value(s)?;
            out["evaluation"]["blocking_recall"] = json!(blocking_recall);
        }
        println!("{out}");
        return Ok(());
    }
    println!(
        "{} records, {} people (clusters); {} pairs compared; {seconds:.2} s; wrote {}",
        records.len(),
        linked.clusters.count,
        linked.pairs_compared,
        args.out.display()
    );
    if linked.clusters.components_split > 0 {
        println!(
            "{} chains of links were split where their records disagreed",
            linked.clusters.components_split
        );
    }
    if skipped > 0 {
        println!(
            "{skipped} blocks were larger than --max-block {} and skipped:",
            args.max_block
        );
        for r in linked.blocking.iter().filter(|r| r.skipped_blocks > 0) {
            println!(
                "  {}: {} blocks, {} records (largest {})",
                r.rule, r.skipped_blocks, r.skipped_records, r.largest_block
            );
        }
    }
    for s in linked.model.sessions.iter().filter(|s| !s.converged) {
        println!(
            "warning: EM on pairs with {} did not converge in {} iterations",
            s.rule, s.iterations
        );
    }
    if let (Some(n), Some(path)) = (reviewed, &args.review) {
        println!("{n} uncertain pairs for review in {}", path.display());
    }
    if let Some((s, blocking_recall)) = scores {
        println!(
            "against the truth: pairwise precision {:.4}, recall {:.4}, F1 {:.4}; \
             people recovered exactly: {:.4} of true, {:.4} of found; \
             blocking compared {:.4} of the true pairs",
            s.pairwise.precision,
            s.pairwise.recall,
            s.pairwise.f1,
            s.cluster.recall,
            s.cluster.precision,
            blocking_recall
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct DedupeArgs {
    /// The kind of record to deduplicate (only `person` for now).
    #[arg(long, default_value = "person")]
    kind: String,
    /// Only people on this list (a `lst_…` id); repeat for several lists.
    #[arg(long = "list", value_name = "LIST")]
    lists: Vec<String>,
    /// Match probability at or above which a pair is proposed.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
}

#[derive(Args)]
pub struct ReviewArgs {
    /// A match record (`mch_…`) to show or decide; without it, the open candidates are listed.
    id: Option<String>,
    /// The decision: same (one person), different (two people), deferred, or proposed.
    #[arg(long, value_name = "DECISION")]
    decide: Option<String>,
    /// Why, kept in the match record's notes.
    #[arg(long)]
    note: Option<String>,
    /// List decided matches too.
    #[arg(long)]
    all: bool,
}

/// The decisions a match record can hold (the `match_decision` vocabulary).
const DECISIONS: [&str; 4] = ["proposed", "same", "different", "deferred"];

fn records_of(archive: &Archive, clearance: Classification, kind: Kind) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    archive.visible(clearance, Some(kind), &mut |v| out.push(v))?;
    Ok(out)
}

fn str_field<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// The two person ids of a match record.
fn match_pair(m: &Value) -> Option<(String, String)> {
    let ids: Vec<&str> = m
        .get("records")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match ids[..] {
        [a, b] => Some(pair_key(a, b)),
        _ => None,
    }
}

pub fn dedupe(
    archive: &mut Archive,
    clearance: Classification,
    args: &DedupeArgs,
    as_json: bool,
) -> Result<()> {
    if args.kind != "person" {
        bail!(
            "--kind {}: only people can be deduplicated for now",
            args.kind
        );
    }
    let started = Instant::now();
    let mut people = records_of(archive, clearance, Kind::Person)?;
    if !args.lists.is_empty() {
        people.retain(|p| {
            p.get("lists")
                .and_then(Value::as_array)
                .is_some_and(|entries| {
                    entries
                        .iter()
                        .any(|e| args.lists.iter().any(|l| str_field(e, "list") == l))
                })
        });
    }
    let matches = records_of(archive, clearance, Kind::Match)?;
    let mut decided = HashSet::new();
    let mut labels = Vec::new();
    for m in &matches {
        if let Some(pair) = match_pair(m) {
            match str_field(m, "decision") {
                "same" => labels.push((pair.clone(), true)),
                "different" => labels.push((pair.clone(), false)),
                _ => {}
            }
            decided.insert(pair);
        }
    }
    let options = Options {
        threshold: args.threshold,
        ..Options::default()
    };
    let proposal = propose(&people, &decided, &labels, &options);
    let class_of: HashMap<&str, Classification> = people
        .iter()
        .map(|p| {
            let class = str_field(p, "classification")
                .parse()
                .unwrap_or(Classification::Public);
            (str_field(p, "id"), class)
        })
        .collect();
    let method = format!("rightsdoc dedupe, threshold {}", args.threshold);
    let records: Vec<Value> = proposal
        .candidates
        .iter()
        .map(|c| {
            // A match says as much as the more protected of its two records.
            let class = class_of[c.a.as_str()].max(class_of[c.b.as_str()]);
            json!({
                "kind": "match", "records": [c.a, c.b], "decision": "proposed",
                "probability": (c.probability * 10_000.0).round() / 10_000.0,
                "evidence": c.evidence, "method": method, "classification": class.to_string(),
            })
        })
        .collect();
    let created = archive.add_many(records, "dedupe: ")?;
    let seconds = started.elapsed().as_secs_f64();
    if as_json {
        let ids: Vec<&str> = created.iter().map(|r| r.id.as_str()).collect();
        println!(
            "{}",
            json!({"people": proposal.people, "pairs_compared": proposal.pairs_compared,
                   "proposed": ids, "already_decided": proposal.already_decided, "seconds": seconds})
        );
    } else {
        println!(
            "{} people, {} pairs compared: {} new candidates proposed, {} pairs decided before; {seconds:.2} s",
            proposal.people,
            proposal.pairs_compared,
            created.len(),
            proposal.already_decided
        );
        if !created.is_empty() {
            println!("review them with `rightsdoc review`");
        }
    }
    Ok(())
}

/// One line about a person for the review: names, birth, father, place.
fn describe_person(p: Option<&Value>) -> String {
    let Some(p) = p else {
        return "(not visible at this clearance)".into();
    };
    let input = input_from_person(p);
    let names: Vec<String> = p
        .get("names")
        .and_then(Value::as_array)
        .map(|n| {
            n.iter()
                .filter_map(|n| n.get("value").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut parts = vec![names.join(" / ")];
    for (label, value) in [
        ("born", &input.birth_date),
        ("father", &input.father_name),
        ("place", &input.place),
        ("list", &input.list),
    ] {
        if !value.is_empty() {
            parts.push(format!("{label} {value}"));
        }
    }
    parts.join("; ")
}

pub fn review(
    archive: &mut Archive,
    clearance: Classification,
    args: &ReviewArgs,
    as_json: bool,
) -> Result<()> {
    if let (Some(id), Some(decision)) = (&args.id, &args.decide) {
        if !DECISIONS.contains(&decision.as_str()) {
            bail!("--decide {decision}: use same, different, deferred or proposed");
        }
        let Some(current) = archive.get_visible(id, clearance)? else {
            bail!("no match record {id} is visible at clearance {clearance}");
        };
        if str_field(&current, "kind") != "match" {
            bail!(
                "{id} is a {}, not a match; `rightsdoc review` lists the matches",
                str_field(&current, "kind")
            );
        }
        let mut patch = json!({"decision": decision});
        if let Some(note) = &args.note {
            patch["notes"] = json!(note);
        }
        let record = archive.edit(id, &patch)?;
        if as_json {
            println!("{}", json!({"id": record.id, "decision": decision}));
        } else {
            let was = str_field(&current, "decision");
            let undone = if was == "same" && decision != "same" {
                " (merge undone)"
            } else {
                ""
            };
            println!("{id}: {was} → {decision}{undone}");
        }
        return Ok(());
    }
    let matches: Vec<Value> = match &args.id {
        Some(id) => vec![archive.get_visible(id, clearance)?.with_context(|| {
            format!("no match record {id} is visible at clearance {clearance}")
        })?],
        None => records_of(archive, clearance, Kind::Match)?
            .into_iter()
            .filter(|m| args.all || matches!(str_field(m, "decision"), "proposed" | "deferred"))
            .collect(),
    };
    let mut rows = Vec::new();
    for m in &matches {
        let Some((a, b)) = match_pair(m) else {
            continue;
        };
        let (pa, pb) = (
            archive.get_visible(&a, clearance)?,
            archive.get_visible(&b, clearance)?,
        );
        rows.push(json!({
            "id": m["id"], "decision": m["decision"], "probability": m["probability"],
            "a": {"id": a, "summary": describe_person(pa.as_ref())},
            "b": {"id": b, "summary": describe_person(pb.as_ref())},
            "evidence": m["evidence"],
        }));
    }
    if as_json {
        println!("{}", Value::Array(rows));
        return Ok(());
    }
    if rows.is_empty() {
        println!(
            "no open candidates; `rightsdoc dedupe` proposes some, `--all` lists decided ones"
        );
    }
    for r in &rows {
        println!(
            "{} [{}] probability {}\n  {}: {}\n  {}: {}\n  evidence: {}",
            r["id"].as_str().unwrap_or_default(),
            r["decision"].as_str().unwrap_or_default(),
            r["probability"],
            r["a"]["id"].as_str().unwrap_or_default(),
            r["a"]["summary"].as_str().unwrap_or_default(),
            r["b"]["id"].as_str().unwrap_or_default(),
            r["b"]["summary"].as_str().unwrap_or_default(),
            r["evidence"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}
