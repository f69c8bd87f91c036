//! `tarjama export`: render a bitext as TSV, TMX, XLIFF, HTML or Markdown.

use std::path::PathBuf;

use crate::cli::GlobalArgs;
use crate::cli::choice;
use tarjama::Status;
use tarjama::bitext::Bitext;
use tarjama::output::{ExportOptions, Format, Sink, export};

/// Arguments of `tarjama export`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  tarjama export out/ar/bitext.jsonl --format html -o report.html\n  tarjama export out/ar/bitext.jsonl --format tmx --all -o memory.tmx\n\n  # For a CAT tool; bring the reviewed file back with `tarjama review BITEXT --import review.xlf`:\n  tarjama export out/ar/bitext.jsonl --format xliff -o review.xlf"
)]
pub struct Args {
    /// The bitext (JSONL written by `tarjama run`, `translate`, `align` or `check`), or `-` for standard input.
    #[arg(value_name = "BITEXT")]
    pub bitext: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_parser = choice::<Format>())]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// TMX: once review has started, also include pairs nobody has decided on yet (rejected and garbled pairs are always left out).
    #[arg(long)]
    pub all: bool,
}

/// Runs `tarjama export`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    // Exporting needs no settings, but a --config that cannot be used is an error as elsewhere.
    if let Some(path) = &global.config {
        tarjama::config::load_file(path)?;
    }
    // Checked before reading: `export b.jsonl -o b.jsonl` would replace the bitext by its export.
    let sink = Sink::new(args.output.as_deref(), &[&args.bitext])?;
    let bitext = Bitext::read_path(&args.bitext)?;
    let options = ExportOptions { all: args.all };
    sink.write(|out| export(&bitext, args.format, out, &options))?;
    Ok(Status::Success)
}
