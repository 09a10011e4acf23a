//! `link-bench`: record linkage, rightsdoc against Splink, on the same generated lists.
//!
//! * `link-bench generate --rows N --out FILE.csv` writes one generated file (the `link`
//!   input contract with a `truth` column).
//! * `link-bench run [--rows 10000,100000,1000000]` generates each file (kept in `--dir`),
//!   runs `rightsdoc link` and Splink (`bench/linkage/splink_link.py`, in the virtualenv
//!   `bench/linkage/setup.sh` makes) on it in the same run, and prints time, peak memory and
//!   precision/recall/F1 of both against the truth, as Markdown rows for RESULTS.md.
//!
//! Build first: `cargo build --release -p rightsdoc-cli -p rightsdoc-bench`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use rightsdoc_bench::measure::{mib, run_measured};
use rightsdoc_linkage::evaluate::{Scores, evaluate};
use rightsdoc_linkage::generate::{Config, generate, write_csv};
use serde_json::Value;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a generated file.
    Generate {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1988)]
        seed: u64,
        /// Share of rows in Persian script.
        #[arg(long, default_value_t = 0.15)]
        persian_share: f64,
    },
    /// Run both tools on generated files of each size.
    Run {
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        rows: Vec<usize>,
        /// Where generated files and outputs are kept.
        #[arg(long, default_value = "/var/tmp/rightsdoc-link-bench")]
        dir: PathBuf,
        #[arg(long, default_value_t = 1988)]
        seed: u64,
        #[arg(long, default_value_t = 0.15)]
        persian_share: f64,
        /// The match threshold both tools use (rightsdoc's default).
        #[arg(long, default_value_t = 0.2)]
        threshold: f64,
        /// Run rightsdoc only.
        #[arg(long)]
        no_splink: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::Generate {
            rows,
            out,
            seed,
            persian_share,
        } => {
            let config = Config {
                rows,
                seed,
                persian_share,
            };
            write_csv(&out, &generate(&config))
                .with_context(|| format!("cannot write {}", out.display()))
        }
        Cmd::Run {
            rows,
            dir,
            seed,
            persian_share,
            threshold,
            no_splink,
        } => {
            std::fs::create_dir_all(&dir)?;
            let python = if no_splink {
                None
            } else {
                Some(splink_python()?)
            };
            println!(
                "| rows | tool | seconds | peak MiB | pairs compared | precision | recall | F1 | people exact (F1) |"
            );
            println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            for n in rows {
                let config = Config {
                    rows: n,
                    seed,
                    persian_share,
                };
                let input = dir.join(format!("link-{n}-seed{seed}-fa{persian_share}.csv"));
                let records = generate(&config);
                // Written every time: the truth below must be that of the file.
                write_csv(&input, &records)?;
                let truth: Vec<&str> = records
                    .iter()
                    .map(|r| r.truth.as_deref().unwrap_or(""))
                    .collect();
                let exe = std::env::current_exe()?.with_file_name("rightsdoc");
                let ours = measure(
                    "rightsdoc",
                    Command::new(&exe)
                        .arg("link")
                        .arg(&input)
                        .arg("--out")
                        .arg(dir.join(format!("rightsdoc-{n}.csv")))
                        .args(["--threshold", &threshold.to_string(), "--json"]),
                    &dir.join(format!("rightsdoc-{n}.csv")),
                    &truth,
                )?;
                row(n, &ours);
                if let Some(python) = &python {
                    let theirs = measure(
                        "splink",
                        Command::new(python)
                            .arg(repo().join("bench/linkage/splink_link.py"))
                            .arg(&input)
                            .arg("--out")
                            .arg(dir.join(format!("splink-{n}.csv")))
                            .args(["--threshold", &threshold.to_string(), "--json"]),
                        &dir.join(format!("splink-{n}.csv")),
                        &truth,
                    )?;
                    row(n, &theirs);
                    println!(
                        "| {n} | ratio | **{:.1}× faster** | **{:.1}× less** | | | | F1 {:+.3} | |",
                        theirs.seconds / ours.seconds,
                        theirs.peak as f64 / ours.peak as f64,
                        ours.scores.pairwise.f1 - theirs.scores.pairwise.f1
                    );
                }
            }
            Ok(())
        }
    }
}

struct Run {
    tool: &'static str,
    seconds: f64,
    peak: u64,
    pairs: u64,
    scores: Scores,
}

fn row(n: usize, r: &Run) {
    let s = &r.scores;
    println!(
        "| {n} | {} | {:.1} | {:.0} | {} | {:.4} | {:.4} | {:.4} | {:.4} |",
        r.tool,
        r.seconds,
        mib(r.peak),
        r.pairs,
        s.pairwise.precision,
        s.pairwise.recall,
        s.pairwise.f1,
        s.cluster.f1
    );
}

fn measure(tool: &'static str, command: &mut Command, out: &Path, truth: &[&str]) -> Result<Run> {
    let m = run_measured(command).with_context(|| format!("cannot start {tool}"))?;
    if !m.success {
        bail!("{tool} failed:\n{}", m.stderr);
    }
    let summary: Value = serde_json::from_str(m.stdout.trim())
        .with_context(|| format!("{tool} printed {}", m.stdout))?;
    let clusters = read_clusters(out)?;
    if clusters.len() != truth.len() {
        bail!(
            "{tool} wrote {} rows for {} records",
            clusters.len(),
            truth.len()
        );
    }
    Ok(Run {
        tool,
        seconds: m.seconds,
        peak: m.peak_rss_bytes,
        pairs: summary["pairs_compared"].as_u64().unwrap_or(0),
        scores: evaluate(&clusters, truth),
    })
}

/// Cluster ids in input order (both tools write one row per input row, in order).
fn read_clusters(path: &Path) -> Result<Vec<String>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    reader
        .records()
        .map(|r| Ok(r?.get(1).unwrap_or_default().to_owned()))
        .collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
        .to_owned()
}

/// The Python of the Splink virtualenv, made by `bench/linkage/setup.sh` if needed.
fn splink_python() -> Result<PathBuf> {
    let out = Command::new("bash")
        .arg(repo().join("bench/linkage/setup.sh"))
        .output()
        .context("cannot run bench/linkage/setup.sh")?;
    if !out.status.success() {
        bail!(
            "bench/linkage/setup.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    Ok(PathBuf::from(
        stdout.lines().last().unwrap_or_default().trim(),
    ))
}
