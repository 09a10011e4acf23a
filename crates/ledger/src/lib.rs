//! The ledger: what an operation is, how it is encoded and hashed, and how the log of
//! operations becomes an RFC 6962 Merkle tree with proofs and signed checkpoints.
//!
//! Nothing here knows where bytes are stored: the store crate feeds stored hashes back in
//! through [`HashReader`]. The invariants this crate guarantees:
//! - an operation's *leaf* commits to its header and to a salted digest of its payload, never
//!   to the payload itself, so checkpoints and proofs disclose no personal data and a payload
//!   can later be destroyed without breaking the tree;
//! - encodings are canonical (RFC 8785), so the same operation always hashes the same way.

mod canonical;
mod checkpoint;
mod op;
mod tree;

pub use canonical::{CanonicalError, canonical_json, canonical_value};
pub use checkpoint::{ArchiveKey, CheckpointError, SignedCheckpoint, Verifier};
pub use op::{Action, LedgerError, OpHeader, Operation, PayloadDigest, Salt, SealedOp};
pub use tlog_tiles::tlog::{Error as TlogError, Hash};
pub use tree::{
    HashReader, MemoryTree, TreeError, check_consistency, check_inclusion, prove_consistency,
    prove_inclusion, root_hash, stored_hash_count, stored_hashes_for_leaf,
};
