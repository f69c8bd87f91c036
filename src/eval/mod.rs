//! Evaluation against gold: segmentation, alignment and flags (one module each).

pub mod align;
pub mod flags;
pub mod segment;
