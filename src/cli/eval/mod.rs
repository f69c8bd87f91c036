//! `tarjama eval`: score segmentation, alignment or flags against gold.

mod align;
mod flags;
mod segment;

use tarjama::Status;

use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to evaluate.
    #[command(subcommand)]
    pub what: What,
}

/// The evaluations.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Sentence boundaries against gold segmentations (precision, recall, F1).
    Segment(segment::Args),
    /// Alignment beads against gold beads (strict and lax precision, recall, F1).
    Align(align::Args),
    /// Flags against gold annotations (precision and recall per check).
    Flags(flags::Args),
}

/// Runs `tarjama eval`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.what {
        What::Segment(a) => segment::run(a, global),
        What::Align(a) => align::run(a, global),
        What::Flags(a) => flags::run(a, global),
    }
}
