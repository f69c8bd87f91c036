//! Sentence alignment: monotone beads between source and target sentences.
