//! Multiple systems estimation benchmark: the log-linear model search for 5 and 8 lists and
//! LCMCR on 4 lists, on capture tables drawn from seeded synthetic populations whose true
//! size is known.
//!
//! `cargo run --release -p rightsdoc-bench --bin estimate-bench -- [--repeats R] [--seed S]
//! [--json]`
//!
//! Each population is closed: N people fall into three latent groups (easy, middling and hard
//! to record) with their own capture probabilities per list, and the lists depend on one
//! another directly as well (being on list 1 makes list 2 likelier, being on list 3 makes list
//! 4 less likely, …). N is set so that the expected number observed is the one asked for.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rightsdoc_bench::measure::{mib, peak_rss_bytes, reset_peak_rss};
use rightsdoc_estimate::{LcmcrOptions, Method, Report, Request, Table, estimate};
use serde_json::json;
use std::time::Instant;

/// Latent groups: share of the population and a scale of its capture probabilities.
const GROUPS: [(f64, f64); 3] = [(0.25, 0.45), (0.40, 0.20), (0.35, 0.06)];

/// A synthetic closed population over `t` lists.
struct Population {
    t: usize,
    /// `p[g][j]`: the chance that a person of group `g` is on list `j`, before dependence.
    p: Vec<Vec<f64>>,
    /// `(a, b, factor)`: being on list `a` multiplies the chance of list `b > a` by `factor`.
    dependence: Vec<(usize, usize, f64)>,
}

impl Population {
    fn new(t: usize) -> Population {
        // Lists differ in reach: 0.7× to 1.3× the group's scale.
        let reach = |j: usize| 0.7 + 0.6 * (j as f64 * 0.618_034).fract();
        let p = GROUPS
            .iter()
            .map(|&(_, scale)| (0..t).map(|j| (scale * reach(j)).min(0.95)).collect())
            .collect();
        let mut dependence = vec![(0, 1, 1.8)];
        if t >= 4 {
            dependence.push((2, 3, 0.6));
        }
        if t >= 6 {
            dependence.push((1, 4, 1.5));
        }
        if t >= 8 {
            dependence.push((5, 7, 1.6));
        }
        Population { t, p, dependence }
    }

    /// The chance of being on no list. Dependence only acts from being on a list, so for the
    /// all-zero pattern every list keeps its group's probability.
    fn p_unobserved(&self) -> f64 {
        GROUPS
            .iter()
            .zip(&self.p)
            .map(|(&(w, _), p)| w * p.iter().map(|q| 1.0 - q).product::<f64>())
            .sum()
    }

    /// The population size that gives `observed` people on at least one list on average.
    fn size_for(&self, observed: f64) -> u64 {
        (observed / (1.0 - self.p_unobserved())).round() as u64
    }

    /// Draws the capture table of `n` people.
    fn table(&self, n: u64, rng: &mut ChaCha8Rng) -> Table {
        let mut counts = vec![0u64; 1 << self.t];
        for _ in 0..n {
            let u: f64 = rng.r#gen();
            let mut acc = 0.0;
            let mut group = GROUPS.len() - 1;
            for (g, &(w, _)) in GROUPS.iter().enumerate() {
                acc += w;
                if u < acc {
                    group = g;
                    break;
                }
            }
            let mut pattern = 0u32;
            for j in 0..self.t {
                let mut q = self.p[group][j];
                for &(a, b, factor) in &self.dependence {
                    if b == j && pattern >> a & 1 == 1 {
                        q = (q * factor).min(0.95);
                    }
                }
                if rng.r#gen::<f64>() < q {
                    pattern |= 1 << j;
                }
            }
            counts[pattern as usize] += 1;
        }
        let lists = (0..self.t).map(|j| format!("L{}", j + 1)).collect();
        let patterns = counts
            .iter()
            .enumerate()
            .skip(1)
            .map(|(pattern, &c)| (pattern as u32, c as f64));
        Table::from_patterns(lists, patterns).expect("a synthetic table is valid")
    }
}

struct Case {
    name: &'static str,
    goal: &'static str,
    goal_seconds: Option<f64>,
    lists: usize,
    request: Request,
    /// Observed people wanted, on average.
    observed: f64,
}

struct Outcome {
    seconds: Vec<f64>,
    peak_rss: Option<u64>,
    report: Report,
    true_n: u64,
    observed: f64,
}

fn run(case: &Case, seed: u64, repeats: usize) -> Outcome {
    let population = Population::new(case.lists);
    let true_n = population.size_for(case.observed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(case.lists as u64);
    let table = population.table(true_n, &mut rng);
    let mut seconds = Vec::new();
    let mut report = None;
    reset_peak_rss();
    for _ in 0..repeats {
        let started = Instant::now();
        let r = estimate(&table, &case.request).expect("the estimate runs");
        seconds.push(started.elapsed().as_secs_f64());
        report = Some(r);
    }
    seconds.sort_by(f64::total_cmp);
    Outcome {
        seconds,
        peak_rss: peak_rss_bytes(),
        report: report.expect("at least one repeat"),
        true_n,
        observed: table.observed(),
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn interval(r: &Report) -> String {
    let low = r.ci_low.map_or("–".to_string(), |v| format!("{v:.0}"));
    let high = r.ci_high.map_or("∞".to_string(), |v| format!("{v:.0}"));
    format!("{low}–{high}")
}

/// What the search or the sampler did, in a few words.
fn work(r: &Report) -> String {
    if let Some(s) = &r.search {
        return format!("{} {} models ({})", s.kind, s.fitted, r.model);
    }
    if let Some(l) = &r.lcmcr {
        return format!(
            "{} draws, R̂ {:.3}, ESS {:.0}",
            l.draws, l.r_hat, l.effective_draws
        );
    }
    r.model.clone()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut repeats = 5usize;
    let mut seed = 1988u64;
    let mut as_json = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeats" => repeats = args.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(1988),
            "--json" => as_json = true,
            other => {
                eprintln!("usage: estimate-bench [--repeats R] [--seed S] [--json] ({other}?)");
                std::process::exit(2);
            }
        }
    }
    let repeats = repeats.max(1);
    // burnin + samples × thinning = 10,000 iterations per chain (plus the sampler's fixed
    // 500-iteration warm-up), two chains in parallel.
    let lcmcr_10k = LcmcrOptions {
        burnin: 5_000,
        samples: 1_000,
        thinning: 5,
        ..LcmcrOptions::default()
    };
    let cases = [
        Case {
            name: "log-linear search, 5 lists",
            goal: "< 1 s",
            goal_seconds: Some(1.0),
            lists: 5,
            request: Request::default(),
            observed: 4_000.0,
        },
        Case {
            name: "log-linear search, 8 lists",
            goal: "measure",
            goal_seconds: None,
            lists: 8,
            request: Request::default(),
            observed: 4_000.0,
        },
        Case {
            name: "LCMCR, 4 lists, 10,000 iterations × 2 chains",
            goal: "< 5 s",
            goal_seconds: Some(5.0),
            lists: 4,
            request: Request {
                method: Method::Lcmcr,
                lcmcr: lcmcr_10k,
                ..Request::default()
            },
            observed: 4_000.0,
        },
        Case {
            name: "LCMCR, 4 lists, defaults (20,000 iterations × 2 chains)",
            goal: "(reference)",
            goal_seconds: None,
            lists: 4,
            request: Request {
                method: Method::Lcmcr,
                ..Request::default()
            },
            observed: 4_000.0,
        },
    ];
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for case in &cases {
        let o = run(case, seed, repeats);
        let (min, med) = (o.seconds[0], median(&o.seconds));
        let r = &o.report;
        let met = case
            .goal_seconds
            .map(|g| if med < g { "yes" } else { "**no**" });
        eprintln!(
            "{}: min {min:.3} s, median {med:.3} s; estimate {:.0} (true {})",
            case.name, r.estimate, o.true_n
        );
        rows.push(format!(
            "| {} | {} | {:.0} | {} | {:.3} | {:.3} | {} | {} | {} | {:.0} | {} | {:+.1}% | {} |",
            case.name,
            case.lists,
            o.observed,
            o.true_n,
            min,
            med,
            o.peak_rss.map_or("–".into(), |b| format!("{:.1}", mib(b))),
            case.goal,
            met.unwrap_or("–"),
            r.estimate,
            interval(r),
            100.0 * (r.estimate / o.true_n as f64 - 1.0),
            work(r),
        ));
        json_rows.push(json!({
            "case": case.name,
            "lists": case.lists,
            "observed": o.observed,
            "true_n": o.true_n,
            "seconds": o.seconds,
            "min_seconds": min,
            "median_seconds": med,
            "peak_rss_bytes": o.peak_rss,
            "goal": case.goal,
            "goal_met": case.goal_seconds.map(|g| med < g),
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "model": r.model,
            "search": r.search,
            "lcmcr_draws": r.lcmcr.as_ref().map(|l| l.draws),
            "lcmcr_r_hat": r.lcmcr.as_ref().map(|l| l.r_hat),
        }));
    }
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "seed": seed,
                "repeats": repeats,
                "runs": json_rows,
            }))
            .expect("JSON")
        );
        return;
    }
    println!("Seed {seed}, {repeats} runs each (times in seconds, peak RSS of the whole process).");
    println!();
    println!(
        "| case | lists | observed | true N | min s | median s | peak RSS MiB | goal | met | estimate | 95% interval | error | work |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---|---:|---|");
    for row in rows {
        println!("{row}");
    }
}
