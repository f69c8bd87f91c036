//! Evaluation against gold: segmentation, alignment and flags.
