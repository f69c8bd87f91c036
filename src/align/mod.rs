//! Sentence alignment: monotone beads between source and target sentences.

pub mod chrf;
