//! `rightsdoc estimate`: multiple systems estimation from a table of list overlaps (no
//! archive needed) or from the archive's own lists.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use rightsdoc_estimate::estimate::thousands;
use rightsdoc_estimate::models::Heterogeneity;
use rightsdoc_estimate::{Criterion, LcmcrOptions, Method, Report, Request, Selection, Table};
use rightsdoc_stats::{Filter, Snapshot, list_overlap};

#[derive(Args)]
pub struct EstimateArgs {
    /// A CSV with one 0/1 column per list and a `count` (or `freq`) column, one row per
    /// capture pattern; without a count column, one row per person.
    #[arg(required_unless_present = "lists", conflicts_with = "lists")]
    table: Option<PathBuf>,
    /// Estimate from the archive's lists instead (ids or titles, comma-separated): people
    /// counted once across lists, through the matches reviewers decided are the same person.
    #[arg(long, value_delimiter = ',')]
    lists: Vec<String>,
    /// With --lists: only people meeting a condition, sex=… or act_type=… (the victim of
    /// such an act); may be repeated.
    #[arg(long = "where", requires = "lists")]
    conditions: Vec<String>,
    /// With --lists: also write the overlap table built from the archive to FILE (the
    /// same format as the TABLE input), so the estimate can be rerun and checked elsewhere.
    #[arg(long, requires = "lists")]
    table_out: Option<PathBuf>,
    /// auto (Chapman for two lists, the log-linear search from three), chapman, loglinear
    /// or lcmcr.
    #[arg(long, default_value = "auto")]
    method: String,
    /// One log-linear model: Rcapture's notation `[12,13,24]` (optionally `+h=Darroch`), or
    /// a closed-population model: M0, Mt, Mh Chao, Mh Poisson2, Mh Darroch, Mh Gamma3.5,
    /// Mth …, Mb, Mbh.
    #[arg(long, conflicts_with = "models")]
    model: Option<String>,
    /// `all`: fit Rcapture's closed-population family (M0, Mt, Mh…, Mth…, Mb, Mbh).
    #[arg(long)]
    models: Option<String>,
    /// How to pick the best model: bic (default) or aic.
    #[arg(long, default_value = "bic")]
    select: String,
    /// The highest interaction order in the search (default 2 from five lists, else t − 1).
    #[arg(long)]
    max_order: Option<usize>,
    /// Add a heterogeneity term to every model of the search: Chao, Poisson2, Darroch or
    /// Gamma3.5 (Rcapture's closedpMS.t h=…).
    #[arg(long)]
    heterogeneity: Option<String>,
    /// LCMCR: latent classes (truncation of the stick-breaking prior).
    #[arg(long, default_value_t = LcmcrOptions::default().k)]
    classes: usize,
    /// LCMCR: iterations discarded before sampling, per chain.
    #[arg(long, default_value_t = LcmcrOptions::default().burnin)]
    burnin: usize,
    /// LCMCR: posterior draws kept, per chain.
    #[arg(long, default_value_t = LcmcrOptions::default().samples)]
    samples: usize,
    /// LCMCR: iterations between kept draws.
    #[arg(long, default_value_t = LcmcrOptions::default().thinning)]
    thinning: usize,
    /// LCMCR: chains run in parallel (their agreement is the convergence check).
    #[arg(long, default_value_t = LcmcrOptions::default().chains)]
    chains: usize,
    /// LCMCR: the random seed; the same seed gives the same result.
    #[arg(long, default_value_t = LcmcrOptions::default().seed)]
    seed: u64,
}

pub fn run(
    args: &EstimateArgs,
    snapshot: impl FnOnce() -> Result<Snapshot>,
    json: bool,
) -> Result<()> {
    let request = request(args)?;
    let (table, provenance) = match &args.table {
        Some(path) => (Table::read_csv(path)?, None),
        None => {
            let snap = snapshot()?;
            let conditions = args
                .conditions
                .iter()
                .map(|c| Filter::parse(c))
                .collect::<Result<Vec<_>, _>>()?;
            let overlap = list_overlap(&snap, &args.lists, &conditions)?;
            let table = Table::from_patterns(
                overlap.titles.clone(),
                overlap.patterns.iter().map(|&p| (p, 1.0)),
            )?;
            if let Some(out) = &args.table_out {
                write_table(out, &table)?;
            }
            (table, Some(overlap))
        }
    };
    if table.observed() == 0.0 {
        bail!(
            "nobody in the archive is on these lists (at this clearance); there is nothing to estimate from"
        );
    }
    let report = rightsdoc_estimate::estimate(&table, &request)?;
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(o) = &provenance {
            value["archive"] = serde_json::json!({
                "lists": o.lists,
                "records": o.records,
                "people": o.patterns.len(),
                "merged_by_matches": o.merged,
                "left_out_by_conditions": o.filtered_out,
            });
        }
        println!("{value}");
    } else {
        if let Some(o) = &provenance {
            println!(
                "From the archive: {} person records on these lists, {} people once the {} records decided to be the same person are merged{}.",
                o.records,
                o.patterns.len(),
                o.merged,
                if o.filtered_out > 0 {
                    format!(" ({} records left out by --where)", o.filtered_out)
                } else {
                    String::new()
                }
            );
        }
        print!("{}", render(&report));
    }
    Ok(())
}

fn request(args: &EstimateArgs) -> Result<Request> {
    let defaults = LcmcrOptions::default();
    let method = Method::parse(&args.method).with_context(|| {
        format!(
            "--method {}: use auto, chapman, loglinear or lcmcr",
            args.method
        )
    })?;
    let criterion = Criterion::parse(&args.select)
        .with_context(|| format!("--select {}: use bic or aic", args.select))?;
    let selection = match (&args.model, args.models.as_deref()) {
        (Some(m), _) => Selection::Model(m.clone()),
        (None, Some("all")) => Selection::Family,
        (None, Some(other)) => bail!("--models {other}: the only choice is `all`"),
        (None, None) => Selection::Search,
    };
    if method == Method::Lcmcr && selection != Selection::Search {
        bail!("--model and --models choose log-linear models; leave them out with --method lcmcr");
    }
    if method == Method::Chapman && selection != Selection::Search {
        bail!("--method chapman has no models to choose; leave out --model and --models");
    }
    let heterogeneity = args
        .heterogeneity
        .as_deref()
        .map(|h| {
            Heterogeneity::parse(h).with_context(|| {
                format!("--heterogeneity {h}: use Chao, Poisson2, Darroch or Gamma3.5")
            })
        })
        .transpose()?;
    Ok(Request {
        method,
        selection,
        criterion,
        max_order: args.max_order,
        heterogeneity,
        lcmcr: LcmcrOptions {
            k: args.classes,
            burnin: args.burnin,
            samples: args.samples,
            thinning: args.thinning,
            chains: args.chains,
            seed: args.seed,
            ..defaults
        },
        ..Request::default()
    })
}

/// The table in the `estimate` input format, so an archive's estimate can be reproduced.
fn write_table(path: &Path, table: &Table) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut header: Vec<String> = table.lists().to_vec();
    header.push("count".into());
    w.write_record(&header)?;
    for (row, count) in table.counts().iter().enumerate() {
        let pattern = table.pattern(row);
        let mut record: Vec<String> = (0..table.t())
            .map(|j| if pattern & (1 << j) != 0 { "1" } else { "0" }.to_string())
            .collect();
        record.push(format!("{count}"));
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// A short table of the best models, then the warnings, the assumptions and the sentence.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let lists: Vec<String> = r
        .lists
        .iter()
        .map(|l| format!("{} ({})", l.name, thousands(l.size)))
        .collect();
    out.push_str(&format!(
        "{} people documented on {} lists: {}\n\n",
        thousands(r.observed),
        r.lists.len(),
        lists.join(", ")
    ));
    if let Some(s) = &r.search {
        out.push_str(&format!(
            "{} search of log-linear models up to order {} by {}: {} models fitted; the best:\n",
            if s.kind == "exhaustive" {
                "An exhaustive"
            } else {
                "A stepwise"
            },
            s.max_order,
            s.criterion,
            s.fitted
        ));
    }
    let delta_name = format!("Δ{}", r.criterion.as_deref().unwrap_or(""));
    out.push_str(&format!(
        "{:<28} {:>12} {:>25} {:>10} {:>8}\n",
        "model", "estimate", "95% interval", "std. err.", delta_name
    ));
    for m in r.models.iter().take(10) {
        let interval = match (m.ci_low, m.ci_high) {
            (Some(l), Some(h)) => format!("{}–{}", thousands(l), thousands(h)),
            (Some(l), None) => format!("{}–(no upper end)", thousands(l)),
            _ => "—".into(),
        };
        out.push_str(&format!(
            "{:<28} {:>12} {:>25} {:>10} {:>8}\n",
            m.name,
            thousands(m.estimate),
            interval,
            m.stderr.map_or("—".into(), |s| format!("{s:.1}")),
            m.delta.map_or("—".into(), |d| format!("{d:.2}")),
        ));
    }
    if r.models.len() > 10 {
        out.push_str(&format!(
            "… and {} more (--json lists them all)\n",
            r.models.len() - 10
        ));
    }
    if let Some(l) = &r.lcmcr {
        out.push_str(&format!(
            "\nPosterior from {} chains × {} draws: median {}, mean {}, R-hat {:.3} ({}).\n",
            l.chains,
            l.draws / l.chains.max(1),
            thousands(l.median),
            thousands(l.mean),
            l.r_hat,
            if l.converged {
                "the chains agree"
            } else {
                "the chains disagree"
            }
        ));
    }
    if !r.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &r.warnings {
            out.push_str(&format!("- {w}\n"));
        }
    }
    out.push_str("\nThis estimate assumes:\n");
    for a in &r.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    out.push_str(&format!("\n{}\n", r.summary));
    out
}
