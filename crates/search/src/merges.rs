//! Which segments tantivy merges. tantivy's default policy merges small segments into ever
//! larger ones, until one segment holds nearly every document; a search then runs on one core.
//! This policy keeps segments near a target size instead, so a search over a large archive is
//! split between cores, while the small segments each catch-up adds still get merged.

use tantivy::SegmentMeta;
use tantivy::merge_policy::{MergeCandidate, MergePolicy};

/// Segments never grow past this many documents by merging (unless the index is so large that
/// this would leave more than [`MAX_SEGMENTS`] of them).
const TARGET_DOCS: u32 = 250_000;
const MAX_SEGMENTS: u32 = 8;
/// Small segments wait until there are this many (or enough documents) before merging.
const MIN_SMALL_SEGMENTS: usize = 8;
/// A large segment whose deleted documents (edits, deletes) exceed this share is rewritten.
const MAX_DELETED_SHARE: f64 = 0.25;

#[derive(Debug, Default)]
pub struct BalancedMerges;

impl MergePolicy for BalancedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let total: u32 = segments.iter().map(SegmentMeta::num_docs).sum();
        let target = TARGET_DOCS.max(total / MAX_SEGMENTS);
        let (mut small, large): (Vec<&SegmentMeta>, Vec<&SegmentMeta>) =
            segments.iter().partition(|s| s.num_docs() < target / 2);
        small.sort_by_key(|s| s.num_docs());

        let mut merges = Vec::new();
        let mut group = Vec::new();
        let mut docs = 0;
        for s in small {
            if docs + s.num_docs() > target && group.len() >= 2 {
                merges.push(MergeCandidate(std::mem::take(&mut group)));
                docs = 0;
            }
            group.push(s.id());
            docs += s.num_docs();
        }
        if group.len() >= MIN_SMALL_SEGMENTS || (group.len() >= 2 && docs >= target / 2) {
            merges.push(MergeCandidate(group));
        }
        for s in large {
            if f64::from(s.num_deleted_docs()) > MAX_DELETED_SHARE * f64::from(s.max_doc()) {
                merges.push(MergeCandidate(vec![s.id()]));
            }
        }
        merges
    }
}
