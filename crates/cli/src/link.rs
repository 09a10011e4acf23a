//! `rightsdoc link`: record linkage on CSV files (the file contract of DESIGN.md).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;
use rightsdoc_linkage::evaluate::{Scores, evaluate};
use rightsdoc_linkage::review::{read_labels, write_uncertain};
use rightsdoc_linkage::{Labels, Options, link, model, read_csv_files, write_clusters};
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
    /// Match probability at or above which two records may be joined. The default joins a
    /// pair when it is more likely one person than two; raise it when a false merge costs
    /// more than a missed one (memorial pages), and send the pairs between to review.
    #[arg(long, default_value_t = 0.5)]
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
    let (records, _) = read_csv_files(&args.inputs, args.truth.as_deref())?;
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
