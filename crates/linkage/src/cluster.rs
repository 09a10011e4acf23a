//! Clustering: which records are one person, from scored pairs.
//!
//! Connected components of the pairs above the threshold chain different people together:
//! `Mohammad Rezaei 1962` ~ `Mohammad Rezaei` ~ `Mohammad Rezaei 1970` makes one person of
//! two. So components are only the first step. Inside each component of three or more
//! records every pair is scored (not only the blocked ones), and the records are merged by
//! average linkage: two groups join only when a confident link joins them *and* their pairs
//! agree on average. A chain held together by one middle record splits at its weak end.

use std::collections::HashMap;

use rayon::prelude::*;

/// Components larger than this are first split at stricter thresholds, to keep the
/// all-pairs step of average linkage quadratic in a small number.
const MAX_DENSE: usize = 300;

/// A clerical decision about one pair: the same person or not.
pub type Labels = HashMap<(u32, u32), bool>;

/// Clusters as a cluster number per record, numbered in order of first appearance.
#[derive(Clone, Debug)]
pub struct Clusters {
    pub of: Vec<u32>,
    pub count: usize,
    /// Components of the threshold graph that average linkage split into several clusters.
    pub components_split: usize,
}

/// Settings of [`cluster`].
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// A link at least this probable can join two groups.
    pub threshold: f64,
    /// The mean probability over all pairs of two groups must reach this for them to join.
    pub mean: f64,
    /// Plain connected components, without the average-linkage step (for comparison).
    pub components_only: bool,
}

fn key(a: u32, b: u32) -> (u32, u32) {
    (a.min(b), a.max(b))
}

/// Clusters `n` records from `edges` (pairs with their match probability; pairs below the
/// threshold may be present and are ignored for joining), `labels` (which override scores:
/// a "same person" label always joins, a "different" label never lets the two share a
/// cluster) and `score`, which scores any pair on demand.
pub fn cluster(
    n: usize,
    edges: &[(u32, u32, f32)],
    labels: &Labels,
    settings: Settings,
    score: impl Fn(u32, u32) -> f64 + Sync,
) -> Clusters {
    let probability = |a: u32, b: u32| match labels.get(&key(a, b)) {
        Some(true) => 1.0,
        Some(false) => 0.0,
        None => score(a, b),
    };
    let strong: Vec<(u32, u32, f64)> = edges
        .iter()
        .map(|&(a, b, p)| {
            (
                a,
                b,
                labels
                    .get(&key(a, b))
                    .map_or(p as f64, |&l| f64::from(u8::from(l))),
            )
        })
        .chain(
            labels
                .iter()
                .filter(|(_, l)| **l)
                .map(|(&(a, b), _)| (a, b, 1.0)),
        )
        .filter(|e| e.2 >= settings.threshold)
        .collect();
    let components = components(n, &strong, settings.threshold);
    let mut of = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut split = 0;
    let groups: Vec<Vec<Vec<u32>>> = components
        .par_iter()
        .map(|members| {
            if settings.components_only || members.len() < 3 {
                return vec![members.clone()];
            }
            dense_pieces(members, &strong, settings.threshold)
                .into_iter()
                .flat_map(|piece| average_linkage(&piece, settings, &probability))
                .collect()
        })
        .collect();
    for pieces in groups {
        if pieces.len() > 1 {
            split += 1;
        }
        for piece in pieces {
            for r in piece {
                of[r as usize] = next;
            }
            next += 1;
        }
    }
    renumber(&mut of);
    Clusters {
        count: next as usize,
        of,
        components_split: split,
    }
}

/// Numbers clusters in order of their first record, so output is stable and readable.
fn renumber(of: &mut [u32]) {
    let mut map = HashMap::new();
    for c in of.iter_mut() {
        let len = map.len() as u32;
        *c = *map.entry(*c).or_insert(len);
    }
}

/// Connected components over edges at or above `threshold`, each sorted, in order of their
/// smallest record.
fn components(n: usize, edges: &[(u32, u32, f64)], threshold: f64) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for &(a, b, p) in edges {
        if p >= threshold {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
    }
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for x in 0..n as u32 {
        let root = find(&mut parent, x);
        groups.entry(root).or_default().push(x);
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    out.sort_unstable_by_key(|g| g[0]);
    out
}

/// Splits a component too large for all-pairs scoring at stricter thresholds.
fn dense_pieces(members: &[u32], edges: &[(u32, u32, f64)], threshold: f64) -> Vec<Vec<u32>> {
    if members.len() <= MAX_DENSE {
        return vec![members.to_vec()];
    }
    let stricter = 1.0 - (1.0 - threshold) / 4.0;
    if stricter - threshold < 1e-9 {
        return vec![members.to_vec()];
    }
    let index: HashMap<u32, u32> = members
        .iter()
        .enumerate()
        .map(|(i, &r)| (r, i as u32))
        .collect();
    let local: Vec<(u32, u32, f64)> = edges
        .iter()
        .filter_map(|&(a, b, p)| Some((*index.get(&a)?, *index.get(&b)?, p)))
        .collect();
    components(members.len(), &local, stricter)
        .into_iter()
        .flat_map(|piece| {
            let piece: Vec<u32> = piece.into_iter().map(|i| members[i as usize]).collect();
            dense_pieces(&piece, edges, stricter)
        })
        .collect()
}

/// Average linkage over all pairs of a small component.
fn average_linkage(
    members: &[u32],
    settings: Settings,
    probability: &(impl Fn(u32, u32) -> f64 + Sync),
) -> Vec<Vec<u32>> {
    let k = members.len();
    // sum[a][b]: summed probability between groups a and b; best[a][b]: the strongest link.
    let mut sum = vec![vec![0.0f64; k]; k];
    let mut best = vec![vec![0.0f64; k]; k];
    let mut size = vec![1usize; k];
    let mut alive = vec![true; k];
    let mut groups: Vec<Vec<u32>> = members.iter().map(|&m| vec![m]).collect();
    for a in 0..k {
        for b in a + 1..k {
            let p = probability(members[a], members[b]);
            // A "different person" label forbids the join, whatever else links the groups.
            let p = if p <= 0.0 { f64::NEG_INFINITY } else { p };
            sum[a][b] = p;
            sum[b][a] = p;
            best[a][b] = p;
            best[b][a] = p;
        }
    }
    loop {
        let mut choice = None;
        let mut choice_mean = settings.mean;
        for a in 0..k {
            if !alive[a] {
                continue;
            }
            for b in a + 1..k {
                if !alive[b] || best[a][b] < settings.threshold {
                    continue;
                }
                let mean = sum[a][b] / (size[a] * size[b]) as f64;
                if mean >= choice_mean {
                    choice_mean = mean;
                    choice = Some((a, b));
                }
            }
        }
        let Some((a, b)) = choice else { break };
        alive[b] = false;
        size[a] += size[b];
        let moved = std::mem::take(&mut groups[b]);
        groups[a].extend(moved);
        for c in 0..k {
            if c != a && alive[c] {
                sum[a][c] += sum[b][c];
                sum[c][a] = sum[a][c];
                best[a][c] = best[a][c].max(best[b][c]);
                best[c][a] = best[a][c];
            }
        }
    }
    groups.into_iter().filter(|g| !g.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(components_only: bool) -> Settings {
        Settings {
            threshold: 0.9,
            mean: 0.5,
            components_only,
        }
    }

    #[test]
    fn a_chain_through_a_vague_record_splits_at_its_weak_end() {
        // 0-1 and 1-2 link strongly (record 1 is vague: common name, nothing else); 0 and 2
        // clearly differ. Records 3 and 4 link; 5 is alone.
        let edges = [(0, 1, 0.95), (1, 2, 0.93), (3, 4, 0.99)];
        let score = |a: u32, b: u32| match key(a, b) {
            (0, 1) => 0.95,
            (1, 2) => 0.93,
            (0, 2) => 0.001,
            (3, 4) => 0.99,
            _ => 0.0001,
        };
        let plain = cluster(6, &edges, &Labels::new(), settings(true), score);
        assert_eq!(plain.of, vec![0, 0, 0, 1, 1, 2]);
        let resisting = cluster(6, &edges, &Labels::new(), settings(false), score);
        assert_eq!(resisting.of, vec![0, 0, 1, 2, 2, 3]);
        assert_eq!(resisting.count, 4);
        assert_eq!(resisting.components_split, 1);
    }

    #[test]
    fn a_true_triple_with_one_weak_pair_stays_together() {
        let edges = [(0, 1, 0.99), (1, 2, 0.97)];
        let score = |a: u32, b: u32| match key(a, b) {
            (0, 2) => 0.6,
            (0, 1) => 0.99,
            _ => 0.97,
        };
        let c = cluster(3, &edges, &Labels::new(), settings(false), score);
        assert_eq!(c.of, vec![0, 0, 0]);
    }

    #[test]
    fn labels_override_scores() {
        let edges = [(0, 1, 0.99), (2, 3, 0.2)];
        let labels = Labels::from([((0, 1), false), ((2, 3), true)]);
        let c = cluster(4, &edges, &labels, settings(false), |_, _| 0.5);
        assert_eq!(c.of, vec![0, 1, 2, 2]);
        // A "different" label splits a triple even when both others link strongly.
        let edges = [(0, 1, 0.99), (1, 2, 0.99), (0, 2, 0.99)];
        let labels = Labels::from([((0, 2), false)]);
        let c = cluster(3, &edges, &labels, settings(false), |_, _| 0.99);
        assert_ne!(c.of[0], c.of[2]);
    }
}
