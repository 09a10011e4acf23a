//! The RFC 6962 Merkle tree over operation leaves, stored the Go `tlog` way: every hash of a
//! complete subtree is written once, at `stored_hash_index(level, n)`, so that roots and proofs
//! for any past size need only O(log n) reads. The algorithms are `tlog_tiles`'s (a port of
//! Go's `golang.org/x/mod/sumdb/tlog`); this module names them in the archive's terms.

use tlog_tiles::tlog::{self, Hash};

pub use tlog::HashReader;

/// A proof failed or the tree could not be read.
#[derive(Debug, thiserror::Error)]
#[error("Merkle tree: {0}")]
pub struct TreeError(#[from] pub tlog::Error);

/// How many stored hashes a log of `n` leaves has.
pub fn stored_hash_count(n: u64) -> u64 {
    tlog::stored_hash_count(n)
}

/// The hashes to store, starting at index `stored_hash_count(n)`, when leaf `n` is appended.
pub fn stored_hashes_for_leaf<R: HashReader>(
    n: u64,
    leaf: Hash,
    r: &R,
) -> Result<Vec<Hash>, TreeError> {
    Ok(tlog::stored_hashes_for_record_hash(n, leaf, r)?)
}

/// The root hash of the first `n` leaves.
pub fn root_hash<R: HashReader>(n: u64, r: &R) -> Result<Hash, TreeError> {
    Ok(tlog::tree_hash(n, r)?)
}

/// Proof that leaf `n` is in the tree of size `t`.
pub fn prove_inclusion<R: HashReader>(t: u64, n: u64, r: &R) -> Result<Vec<Hash>, TreeError> {
    Ok(tlog::prove_record(t, n, r)?)
}

/// Check that `proof` shows leaf `n` with hash `leaf` inside the tree of size `t` and root `root`.
pub fn check_inclusion(
    proof: &[Hash],
    t: u64,
    root: Hash,
    n: u64,
    leaf: Hash,
) -> Result<(), TreeError> {
    Ok(tlog::check_record(&proof.to_vec(), t, root, n, leaf)?)
}

/// Proof that the tree of size `n` is a prefix of the tree of size `t`.
pub fn prove_consistency<R: HashReader>(t: u64, n: u64, r: &R) -> Result<Vec<Hash>, TreeError> {
    Ok(tlog::prove_tree(t, n, r)?)
}

/// Check that `proof` shows the tree (`n`, `old_root`) is a prefix of the tree (`t`, `root`).
pub fn check_consistency(
    proof: &[Hash],
    t: u64,
    root: Hash,
    n: u64,
    old_root: Hash,
) -> Result<(), TreeError> {
    Ok(tlog::check_tree(&proof.to_vec(), t, root, n, old_root)?)
}

/// A tree held in memory: used to recompute a stored tree during verification, and in tests.
#[derive(Default, Clone)]
pub struct MemoryTree {
    stored: Vec<Hash>,
    leaves: u64,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a leaf hash; returns the hashes that were newly stored for it.
    pub fn append(&mut self, leaf: Hash) -> &[Hash] {
        let before = self.stored.len();
        let new = tlog::stored_hashes_for_record_hash(self.leaves, leaf, self)
            .expect("a memory tree holds every hash it is asked for");
        self.stored.extend(new);
        self.leaves += 1;
        &self.stored[before..]
    }

    pub fn len(&self) -> u64 {
        self.leaves
    }

    pub fn is_empty(&self) -> bool {
        self.leaves == 0
    }

    /// Every stored hash, in stored-index order.
    pub fn stored(&self) -> &[Hash] {
        &self.stored
    }

    pub fn root(&self) -> Hash {
        root_hash(self.leaves, self).expect("a memory tree holds every hash it is asked for")
    }
}

impl HashReader for MemoryTree {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog::Error> {
        indexes
            .iter()
            .map(|&i| {
                self.stored
                    .get(i as usize)
                    .copied()
                    .ok_or(tlog::Error::IndexesNotInTree)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tlog::record_hash;

    fn tree_of(n: u64) -> (MemoryTree, Vec<Hash>) {
        let mut t = MemoryTree::new();
        let leaves: Vec<Hash> = (0..n)
            .map(|i| record_hash(format!("leaf {i}").as_bytes()))
            .collect();
        for l in &leaves {
            t.append(*l);
        }
        (t, leaves)
    }

    /// RFC 6962 section 2.1 computed directly, to check the stored-hash arithmetic against.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => tlog::EMPTY_HASH,
            1 => leaves[0],
            n => {
                let k = (n as u64).next_power_of_two() as usize / 2;
                let k = if k == n { n / 2 } else { k };
                tlog::node_hash(reference_root(&leaves[..k]), reference_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            hex_of(MemoryTree::new().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn hex_of(h: Hash) -> String {
        h.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    proptest! {
        #[test]
        fn roots_match_rfc6962_and_proofs_verify(n in 1u64..300, a in 0u64..300, b in 0u64..300) {
            let (tree, leaves) = tree_of(n);
            prop_assert_eq!(tree.root(), reference_root(&leaves));
            prop_assert_eq!(tree.stored().len() as u64, stored_hash_count(n));

            let i = a % n;
            let proof = prove_inclusion(n, i, &tree).unwrap();
            prop_assert!(check_inclusion(&proof, n, tree.root(), i, leaves[i as usize]).is_ok());
            // The proof does not prove a different leaf.
            let j = (i + 1) % n;
            if j != i {
                prop_assert!(check_inclusion(&proof, n, tree.root(), i, leaves[j as usize]).is_err());
            }

            let old = 1 + b % n;
            let old_root = root_hash(old, &tree).unwrap();
            prop_assert_eq!(old_root, reference_root(&leaves[..old as usize]));
            let proof = prove_consistency(n, old, &tree).unwrap();
            prop_assert!(check_consistency(&proof, n, tree.root(), old, old_root).is_ok());
        }

        #[test]
        fn a_changed_leaf_breaks_consistency_with_an_old_root(n in 2u64..200, k in 0u64..200) {
            let (tree, mut leaves) = tree_of(n);
            let old = n - 1;
            let old_root = root_hash(old, &tree).unwrap();
            // Rewrite history: change a leaf inside the old prefix and rebuild.
            let k = (k % old) as usize;
            leaves[k] = record_hash(b"forged");
            let mut forged = MemoryTree::new();
            for l in &leaves { forged.append(*l); }
            let proof = prove_consistency(n, old, &forged).unwrap();
            prop_assert!(check_consistency(&proof, n, forged.root(), old, old_root).is_err());
        }
    }
}
