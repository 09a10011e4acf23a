//! Benchmarks of rightsdoc (the `rightsdoc-bench` binary) and what they share with later ones:
//! the seeded synthetic data set ([`synth`]) and a few measuring helpers ([`measure`]).

pub mod measure;
pub mod synth;
