//! Properties that must hold for any input: the CSV contract round-trips, the row order is a
//! bijection, model names round-trip, and on tables from independent lists the estimates and
//! intervals never fall below the number of people observed.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rightsdoc_estimate::Table;
use rightsdoc_estimate::loglinear::{Hierarchical, fit_hierarchical};
use rightsdoc_estimate::profile::add_profile_interval;
use rightsdoc_estimate::table::{pattern_of, row_of};
use rightsdoc_estimate::two_lists::two_lists;

/// A list name as people write them: Latin or Persian letters, digits, inner spaces, commas
/// and quotes (which the CSV must quote), never `count` or `freq`, no outer whitespace.
fn list_name() -> impl Strategy<Value = String> {
    "[A-Za-zآبپتسمنرو][A-Za-z0-9 ,\"_آبپتسمنرو]{0,6}[A-Za-z0-9]?"
        .prop_filter("a name the parser keeps as a list", |n| {
            n.trim() == n.as_str() && !matches!(n.to_ascii_lowercase().as_str(), "count" | "freq")
        })
}

/// What the CSV writer chooses, per row: the pattern, the count, and how the row is split.
#[derive(Clone, Debug)]
struct CsvTable {
    names: Vec<String>,
    /// Counts by pattern (bit `j` = list `j`), index 0 (nobody) unused.
    counts: Vec<u32>,
    /// Rows `(pattern, count)` in file order.
    rows: Vec<(u32, u32)>,
    count_column: usize,
    count_name: &'static str,
    bom: bool,
    padded: bool,
}

fn csv_table() -> impl Strategy<Value = CsvTable> {
    (2usize..=5)
        .prop_flat_map(|t| {
            let cells = 1usize << t;
            (
                prop::collection::btree_set(list_name(), t)
                    .prop_map(|s| s.into_iter().collect::<Vec<_>>())
                    .prop_shuffle(),
                // Counts 0..500 by pattern, zero for about a third of the patterns.
                prop::collection::vec(prop_oneof![1 => Just(0u32), 2 => 0u32..500], cells - 1),
                // Per pattern: include the zero row? split the count over two rows where?
                prop::collection::vec((any::<bool>(), any::<Option<u8>>()), cells),
                0..=t,
                prop::sample::select(vec!["count", "freq", "Count", "FREQ"]),
                any::<bool>(),
                any::<bool>(),
                any::<u64>(),
            )
        })
        .prop_filter("at least one person", |(_, counts, ..)| {
            counts.iter().any(|&c| c > 0)
        })
        .prop_map(
            |(names, counts, choices, count_column, count_name, bom, padded, seed)| {
                let mut all = vec![0u32];
                all.extend(counts);
                let mut rows = Vec::new();
                for (pattern, &count) in all.iter().enumerate() {
                    let (keep_zero, split) = choices[pattern];
                    let pattern = pattern as u32;
                    if count == 0 {
                        // Zero rows, and the all-zero pattern with a zero count, are allowed.
                        if keep_zero {
                            rows.push((pattern, 0));
                        }
                    } else if let Some(s) = split {
                        let first = u32::from(s) % (count + 1);
                        rows.push((pattern, first));
                        rows.push((pattern, count - first));
                    } else {
                        rows.push((pattern, count));
                    }
                }
                // Fisher–Yates with a seeded generator: any row order.
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                for i in (1..rows.len()).rev() {
                    rows.swap(i, rng.gen_range(0..=i));
                }
                CsvTable {
                    names,
                    counts: all,
                    rows,
                    count_column,
                    count_name,
                    bom,
                    padded,
                }
            },
        )
}

impl CsvTable {
    fn t(&self) -> usize {
        self.names.len()
    }

    fn to_csv(&self) -> Vec<u8> {
        let t = self.t();
        let pad = |s: String| if self.padded { format!(" {s} ") } else { s };
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xef\xbb\xbf");
        }
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut header: Vec<String> = self.names.clone();
            header.insert(self.count_column, self.count_name.to_string());
            w.write_record(&header).unwrap();
            for &(pattern, count) in &self.rows {
                let mut record: Vec<String> = (0..t)
                    .map(|j| pad(((pattern >> j) & 1).to_string()))
                    .collect();
                record.insert(self.count_column, pad(count.to_string()));
                w.write_record(&record).unwrap();
            }
            w.flush().unwrap();
        }
        out
    }

    fn table(&self) -> Table {
        let patterns = self
            .counts
            .iter()
            .enumerate()
            .skip(1)
            .map(|(p, &c)| (p as u32, f64::from(c)));
        Table::from_patterns(self.names.clone(), patterns).unwrap()
    }
}

/// Generators for `t` lists: any subsets of the lists but the full set (whose interaction is
/// never estimable), singletons included.
fn generators() -> impl Strategy<Value = (usize, Vec<u32>)> {
    (2usize..=6).prop_flat_map(|t| {
        let full = (1u32 << t) - 1;
        (
            Just(t),
            prop::collection::vec(1u32..full, 0..8).prop_shuffle(),
        )
    })
}

/// A population of `n` people on three independent lists, person on list `j` with chance `p[j]`.
fn independent_table(n: u32, p: [f64; 3], seed: u64) -> Option<Table> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut counts = [0.0f64; 8];
    for _ in 0..n {
        let mut pattern = 0usize;
        for (j, &pj) in p.iter().enumerate() {
            if rng.r#gen::<f64>() < pj {
                pattern |= 1 << j;
            }
        }
        counts[pattern] += 1.0;
    }
    let lists = vec!["A".to_string(), "B".to_string(), "C".to_string()];
    let patterns = (1..8).map(|p| (p as u32, counts[p]));
    let table = Table::from_patterns(lists, patterns).unwrap();
    (table.observed() > 0.0).then_some(table)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// (a) Written as CSV in any row order, with a `count` or `freq` column anywhere, zero
    /// rows, split rows, a BOM or padded fields, a table reads back as itself.
    #[test]
    fn csv_round_trip(c in csv_table()) {
        let bytes = c.to_csv();
        let parsed = Table::parse_csv(Path::new("round.csv"), &bytes);
        let parsed = match parsed {
            Ok(t) => t,
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{e}\n{}",
                    String::from_utf8_lossy(&bytes)
                )));
            }
        };
        prop_assert_eq!(&parsed, &c.table(), "{}", String::from_utf8_lossy(&bytes));
        let n: u32 = c.counts.iter().sum();
        prop_assert_eq!(parsed.observed(), f64::from(n));
    }

    /// (b) `pattern_of` and `row_of` are inverse, and row 0 is everyone-on-every-list.
    #[test]
    fn rows_and_patterns_are_inverse(t in 2usize..=10, seed in any::<u32>()) {
        let cells = (1usize << t) - 1;
        let row = seed as usize % cells;
        let pattern = pattern_of(t, row);
        prop_assert!(pattern >= 1 && (pattern as usize) <= cells);
        prop_assert_eq!(row_of(t, pattern), row);
        let pattern = 1 + seed % cells as u32;
        prop_assert_eq!(pattern_of(t, row_of(t, pattern)), pattern);
        prop_assert_eq!(pattern_of(t, 0) as usize, cells);
        prop_assert_eq!(pattern_of(t, cells - 1), 1 << (t - 1));
    }

    /// (c) Any generators → the model → its name → parsed back: the same model, whose terms
    /// are closed under subsets (of two lists or more) and come from the generators.
    #[test]
    fn model_names_round_trip((t, gens) in generators()) {
        let m = Hierarchical::from_generators(t, &gens);
        let name = m.name();
        let parsed = Hierarchical::parse(t, &name);
        prop_assert!(parsed.is_ok(), "{name}: {:?}", parsed.err());
        prop_assert_eq!(&parsed.unwrap(), &m, "{}", name);
        let terms: BTreeSet<u32> = m.terms().iter().copied().collect();
        prop_assert_eq!(terms.len(), m.terms().len(), "duplicate terms in {}", name);
        for &s in m.terms() {
            prop_assert!(s.count_ones() >= 2);
            prop_assert!(gens.iter().any(|&g| g & s == s), "{s:#b} from no generator");
            // Every subset of two lists or more.
            let mut sub = s;
            while sub != 0 {
                if sub.count_ones() >= 2 {
                    prop_assert!(terms.contains(&sub), "{name}: {s:#b} without {sub:#b}");
                }
                sub = (sub - 1) & s;
            }
        }
        for &g in &gens {
            if g.count_ones() >= 2 {
                prop_assert!(terms.contains(&g), "{name}: generator {g:#b} missing");
            }
        }
        let mut reversed = gens.clone();
        reversed.reverse();
        prop_assert_eq!(Hierarchical::from_generators(t, &reversed), m);
    }

    /// (d) Independent lists: the independence model's profile interval holds its own
    /// estimates and lies above the number observed; Chapman for any pair is at least the
    /// number observed on that pair, inside its interval.
    #[test]
    fn independent_lists(
        n in 200u32..2000,
        p in prop::array::uniform3(0.05f64..0.9),
        seed in any::<u64>(),
    ) {
        let Some(table) = independent_table(n, p, seed) else {
            return Ok(());
        };
        let observed = table.observed();
        let mut m = fit_hierarchical(&table, &Hierarchical::independence(3), None).unwrap();
        add_profile_interval(&table, &mut m);
        let ctx = format!("table {:?}, model {:?} {:?}", table.counts(), m.estimate, m.warnings);
        prop_assert!(m.estimate.is_finite() && m.estimate >= observed, "{}", ctx);
        let low = m.ci_low;
        prop_assert!(low.is_some(), "no interval: {}", ctx);
        let low = low.unwrap();
        let high = m.ci_high.unwrap_or(f64::INFINITY);
        let tol = 1e-6 * observed;
        prop_assert!(low >= observed - tol, "low {low}: {ctx}");
        let profile = m.profile_estimate.unwrap();
        prop_assert!(low - tol <= profile && profile <= high + tol, "profile {profile} in {low}–{high}: {ctx}");
        prop_assert!(low - tol <= m.estimate && m.estimate <= high + tol, "{low}–{high}: {ctx}");
        for a in 0..3 {
            for b in a + 1..3 {
                let c = two_lists(&table, a, b);
                prop_assert!(c.chapman >= c.observed - 1e-9, "{:?}", c);
                prop_assert!(c.ci[0] >= c.observed - 1e-9, "{:?}", c);
                prop_assert!(c.ci[0] <= c.chapman + 1e-9 && c.chapman <= c.ci[1] + 1e-9, "{:?}", c);
            }
        }
    }
}

/// (b), exhaustively: every row of every table up to ten lists.
#[test]
fn every_row_and_pattern() {
    for t in 2..=10 {
        let cells = (1usize << t) - 1;
        let mut seen = vec![false; cells + 1];
        for row in 0..cells {
            let p = pattern_of(t, row);
            assert!(!seen[p as usize], "t {t}: pattern {p:#b} twice");
            seen[p as usize] = true;
            assert_eq!(row_of(t, p), row);
        }
        assert!(!seen[0]);
    }
}
