//! The command line: global options and one variant per command (`src/cli/<command>.rs` does the work).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cli;

/// Segment, translate, align and check news articles; write aligned bilingual files for review.
#[derive(Debug, Parser)]
#[command(
    name = "tarjama",
    version,
    about,
    after_help = "Example:\n  tarjama run corpora/austin-baghdad/ar.txt\n\nExit codes: 0 ok, 1 quality gate failed (--fail-on), 2 error, 3 nothing could be translated (outputs written, every unit flagged translation-failed), 130 interrupted."
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Configuration file (default: ./config.toml if present, then the user's configuration directory, then built-in defaults).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Accept what the configuration says about keys: an api_key_env naming another tool's
    /// secret (GITHUB_TOKEN, AWS_*…), and a ./config.toml found in this folder that sends a key to
    /// a host other than the service's own.
    #[arg(long, global = true)]
    pub trust_config: bool,
}

/// One variant per command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Split text into paragraphs and sentences with byte offsets into the input.
    Split(cli::split::Args),
    /// Segment and translate an article; write the canonical bitext.
    Translate(cli::translate::Args),
    /// Align source and target sentences into beads.
    Align(cli::align::Args),
    /// Run the quality checks on a bitext and append flags.
    Check(cli::check::Args),
    /// Render a bitext as TSV, TMX, XLIFF, HTML or Markdown.
    Export(cli::export::Args),
    /// The whole job: segment, translate, align, check and write every output.
    Run(cli::run::Args),
    /// Go through flagged beads and record decisions, or import a reviewed XLIFF/TSV.
    Review(cli::review::Args),
    /// Review a bitext in the browser: a local web app with keyboard shortcuts and exports.
    Serve(cli::serve::Args),
    /// List the configured translation providers, or test one.
    Providers(cli::providers::Args),
    /// Inspect, clear or export the translation cache.
    Cache(cli::cache::Args),
    /// Score segmentation, alignment or flags against gold annotations.
    Eval(cli::eval::Args),
}
