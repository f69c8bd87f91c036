//! Writers: the canonical JSONL bitext and the exporters (one module per format).
//!
//! Every file is written to a temporary name in the destination folder and renamed into place,
//! so a reader never sees a half-written file, whatever happens to the process.

pub mod atomic;
