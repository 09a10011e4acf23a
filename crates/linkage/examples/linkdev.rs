//! Development aid: generate lists, link them, and print scores, blocking recall and the
//! calibration of the kept pairs against the truth.
//!
//! `cargo run --release -p rightsdoc-linkage --example linkdev -- ROWS [SEED] [THRESHOLD]`
//!
//! `DIAG=1`: true pairs never compared or scored under the threshold, with examples, and `m`
//! from the truth against the model's. `FPDIAG=1`: false pairs by cluster size, with examples.

use std::time::Instant;

use rightsdoc_linkage::evaluate::evaluate;
use rightsdoc_linkage::generate::{Config, generate};
use rightsdoc_linkage::{Labels, Options, link};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let rows: usize = args.get(1).map_or(100_000, |s| s.parse().expect("rows"));
    let seed: u64 = args.get(2).map_or(1988, |s| s.parse().expect("seed"));
    let threshold: f64 = args.get(3).map_or(0.2, |s| s.parse().expect("threshold"));
    let records = generate(&Config {
        rows,
        seed,
        persian_share: 0.15,
    });
    let truth: Vec<&str> = records
        .iter()
        .map(|r| r.truth.as_deref().unwrap_or(""))
        .collect();
    let started = Instant::now();
    let options = Options {
        threshold,
        keep: 0.05,
        ..Options::default()
    };
    let linked = link(&records, &Labels::new(), &options);
    let seconds = started.elapsed().as_secs_f64();
    let scores = evaluate(&linked.clusters.of, &truth);
    let blocked = linked.blocked_true_pairs(&truth, options.max_block);
    println!(
        "rows {rows} seed {seed} threshold {threshold}: {seconds:.1} s, {} pairs compared, prior {:.3e}",
        linked.pairs_compared, linked.model.prior
    );
    println!(
        "pairwise P {:.4} R {:.4} F1 {:.4}; people exact F1 {:.4}; blocking recall {:.4} ({} of {})",
        scores.pairwise.precision,
        scores.pairwise.recall,
        scores.pairwise.f1,
        scores.cluster.f1,
        blocked as f64 / scores.true_pairs.max(1) as f64,
        blocked,
        scores.true_pairs
    );
    let edges = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.97, 0.995, 1.01];
    let mut counts = vec![(0u64, 0u64, 0.0f64); edges.len() - 1];
    for p in &linked.pairs {
        let b = edges
            .windows(2)
            .position(|w| (p.probability as f64) >= w[0] && (p.probability as f64) < w[1])
            .unwrap_or(edges.len() - 2);
        counts[b].0 += 1;
        counts[b].1 += u64::from(truth[p.a as usize] == truth[p.b as usize]);
        counts[b].2 += p.probability as f64;
    }
    for (b, (n, t, s)) in counts.iter().enumerate() {
        if *n > 0 {
            println!(
                "  p in [{:.3}, {:.3}): {n:>8} pairs, mean p {:.3}, true {:.3}",
                edges[b],
                edges[b + 1],
                s / *n as f64,
                *t as f64 / *n as f64
            );
        }
    }
    let kept_true = linked
        .pairs
        .iter()
        .filter(|p| truth[p.a as usize] == truth[p.b as usize])
        .count();
    println!(
        "kept pairs {} ({} true, {:.4} of true pairs)",
        linked.pairs.len(),
        kept_true,
        kept_true as f64 / scores.true_pairs.max(1) as f64
    );
    if std::env::var_os("FPDIAG").is_some() {
        let mut clusters: std::collections::HashMap<u32, Vec<usize>> = Default::default();
        for (i, &c) in linked.clusters.of.iter().enumerate() {
            clusters.entry(c).or_default().push(i);
        }
        // by cluster size bucket: (clusters, pairs, false pairs)
        let mut by = std::collections::BTreeMap::<usize, (u64, u64, u64)>::new();
        let mut examples = Vec::new();
        for members in clusters.values() {
            let k = members.len();
            let bucket = match k {
                1 => 1,
                2 => 2,
                3 => 3,
                4 => 4,
                5..=6 => 5,
                7..=10 => 7,
                11..=20 => 11,
                _ => 21,
            };
            let e = by.entry(bucket).or_default();
            e.0 += 1;
            let mut fp = 0;
            for x in 0..k {
                for y in x + 1..k {
                    e.1 += 1;
                    if truth[members[x]] != truth[members[y]] {
                        fp += 1;
                    }
                }
            }
            e.2 += fp;
            if fp > 0 && examples.len() < 400 {
                examples.push(members.clone());
            }
        }
        for (b, (c, p, f)) in &by {
            println!("  clusters of size {b}+: {c} clusters, {p} pairs, {f} false");
        }
        for m in examples.iter().step_by(20) {
            println!("FP cluster:");
            for &i in m {
                println!("   {} truth {}", show(&records[i]), truth[i]);
            }
        }
    }
    if std::env::var_os("DIAG").is_some() {
        let mut by_person: std::collections::HashMap<&str, Vec<u32>> = Default::default();
        for (i, t) in truth.iter().enumerate() {
            by_person.entry(t).or_default().push(i as u32);
        }
        let mut people: Vec<_> = by_person.into_iter().collect();
        people.sort();
        let (mut unblocked, mut low) = (Vec::new(), Vec::new());
        for (_, members) in &people {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    let (p, blocked) = linked.diagnose(a, b);
                    if !blocked {
                        unblocked.push((a, b));
                    } else if p < threshold {
                        low.push((a, b, p));
                    }
                }
            }
        }
        println!(
            "unblocked true pairs {}, blocked but below threshold {}",
            unblocked.len(),
            low.len()
        );
        // m from the truth (all true pairs) against the model's.
        let fields = rightsdoc_linkage::FIELDS;
        let mut counts: Vec<Vec<f64>> = (0..fields.len())
            .map(|f| vec![0.0; rightsdoc_linkage::LEVEL_NAMES[f].len()])
            .collect();
        for (_, members) in &people {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    let (_, ev) = linked.explain(a, b);
                    for (f, e) in ev.iter().enumerate() {
                        if let Some(l) = e.level {
                            let i = rightsdoc_linkage::LEVEL_NAMES[f]
                                .iter()
                                .position(|n| *n == l)
                                .unwrap();
                            counts[f][i] += 1.0;
                        }
                    }
                }
            }
        }
        for (f, c) in counts.iter().enumerate() {
            let sum: f64 = c.iter().sum();
            let truth: Vec<String> = c.iter().map(|x| format!("{:.3}", x / sum)).collect();
            let model: Vec<String> = linked.model.m[f]
                .iter()
                .map(|x| format!("{x:.3}"))
                .collect();
            let u: Vec<String> = linked.model.u[f]
                .iter()
                .map(|x| format!("{x:.5}"))
                .collect();
            println!(
                "m {}: truth [{}] model [{}] u [{}]",
                fields[f],
                truth.join(" "),
                model.join(" "),
                u.join(" ")
            );
        }
        let step = (unblocked.len() / 40).max(1);
        for &(a, b) in unblocked.iter().step_by(step).take(40) {
            println!(
                "U {} {}",
                show(&records[a as usize]),
                show(&records[b as usize])
            );
        }
        let step = (low.len() / 40).max(1);
        for &(a, b, p) in low.iter().step_by(step).take(40) {
            let (o, ev) = linked.explain(a, b);
            let ev: Vec<String> = ev
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}:{:.1}",
                        &e.field[..2],
                        e.level.map_or("-", |l| &l[..4]),
                        e.weight
                    )
                })
                .collect();
            println!(
                "L {p:.3} {o:?} {} {} {}",
                show(&records[a as usize]),
                show(&records[b as usize]),
                ev.join(" ")
            );
        }
    }
    for s in &linked.model.sessions {
        println!(
            "  EM {}: {} pairs, {} iterations, match share {:.4}",
            s.rule, s.pairs, s.iterations, s.match_share
        );
    }
}

/// A row on one line, for the diagnostics.
fn show(r: &rightsdoc_linkage::InputRecord) -> String {
    format!(
        "[{} | {} | {} | fa {} | {} | {} | {} | {}]",
        r.first_name, r.last_name, r.full_name, r.father_name, r.birth_year, r.place, r.list, r.id
    )
}
