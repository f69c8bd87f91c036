//! tarjama (ترجمة, "translation"): a toolkit for people who translate, edit and check news text.
//!
//! The pipeline, one module per stage; stages depend forward only:
//!
//! 1. [`segment`]: paragraphs and sentences as byte spans into the original text (lossless),
//!    Arabic-aware, with normalisation helpers used for comparison only.
//! 2. [`translate`]: a chain of providers ([`memory`] first, then a network [`provider`]) with a
//!    durable SQLite [`cache`] behind; requests planned against each service's limits.
//! 3. [`align`]: monotone beads (1-1, 1-n, n-1, 1-0, 0-1, small m-n) between source and target
//!    sentences, scored by MT similarity, a length model, anchors and, when an embeddings
//!    [`provider`] is configured, sentence embeddings.
//! 4. [`quality`]: a registry of checks that flag what a human must look at, with evidence.
//! 5. [`output`], [`review`] and [`serve`]: the canonical [`bitext`] JSONL, exporters (TSV, TMX,
//!    XLIFF, HTML), and a reviewer's decisions (terminal or browser), never lost.
//!
//! [`pipeline`] wires the stages together for the commands (the binary's `src/cli/`, which the
//! library never sees), the review server and tests. Network stages are async (tokio, reqwest):
//! the library exposes async functions and runs on its caller's runtime, never building one;
//! the binary builds one in `main`.

pub mod align;
pub mod bitext;
pub mod cache;
pub mod choice;
pub mod config;
pub mod eval;
pub mod input;
pub mod interrupt;
pub mod lang;
pub mod memory;
pub mod output;
pub mod pipeline;
pub mod provider;
pub mod quality;
pub mod review;
pub mod segment;
pub mod serve;
pub mod translate;

use std::process::ExitCode;

/// How a command that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything went well (exit code 0).
    Success,
    /// The command completed but a quality gate (`--fail-on`) was not met (exit code 1).
    GateFailed,
    /// The command wrote what it had, but no unit at all could be translated (exit code 3):
    /// every service failed (down, refusing, misconfigured) and nothing was cached or in memory.
    Untranslated,
}

impl Status {
    /// The process exit code for this status.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Status::Success => ExitCode::SUCCESS,
            Status::GateFailed => ExitCode::from(1),
            Status::Untranslated => ExitCode::from(3),
        }
    }
}
