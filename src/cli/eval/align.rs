//! `tarjama eval align`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use tarjama::Status;
use tarjama::eval::align::{BeadIds, Scores, format_table, read_beads, score};

use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval align`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  tarjama eval align --gold test/001.gold test/002.gold --hyp 001.beads 002.beads\n\n\
Files hold one bead per line, \"[src ids]:[tgt ids]\" (0-based), as `tarjama align --format beads` writes them."
)]
pub struct Args {
    /// Gold alignment files.
    #[arg(long, short = 'g', num_args = 1.., required = true)]
    pub gold: Vec<PathBuf>,
    /// Hypothesis alignment files, in the same order.
    #[arg(long, short = 't', num_args = 1.., required = true)]
    pub hyp: Vec<PathBuf>,
    /// Also print the scores of each document.
    #[arg(long)]
    pub per_doc: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tarjama eval align`.
pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    if args.gold.len() != args.hyp.len() {
        anyhow::bail!(
            "{} gold files but {} hypothesis files; give one hypothesis per gold file, in the same order",
            args.gold.len(),
            args.hyp.len()
        );
    }
    let gold: Vec<Vec<BeadIds>> = args
        .gold
        .iter()
        .map(|p| read_beads(p))
        .collect::<anyhow::Result<_>>()?;
    let hyp: Vec<Vec<BeadIds>> = args
        .hyp
        .iter()
        .map(|p| read_beads(p))
        .collect::<anyhow::Result<_>>()?;
    let total = score(&gold, &hyp);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let per_doc: Vec<(String, Scores)> = if args.per_doc {
        args.hyp
            .iter()
            .zip(gold.iter().zip(&hyp))
            .map(|(path, (g, h))| {
                (
                    path.display().to_string(),
                    score(std::slice::from_ref(g), std::slice::from_ref(h)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    if args.json {
        let mut value = serde_json::to_value(total)?;
        if args.per_doc {
            value["per_doc"] = per_doc
                .iter()
                .map(|(name, s)| {
                    let mut v = serde_json::to_value(s).unwrap_or_default();
                    v["hyp"] = name.clone().into();
                    v
                })
                .collect();
        }
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else {
        for (name, s) in &per_doc {
            writeln!(
                out,
                "{name}: strict P/R/F1 {:.3}/{:.3}/{:.3}  lax {:.3}/{:.3}/{:.3}",
                s.precision_strict,
                s.recall_strict,
                s.f1_strict,
                s.precision_lax,
                s.recall_lax,
                s.f1_lax
            )?;
        }
        write!(out, "{}", format_table(&total))?;
    }
    out.flush().context("writing the scores")?;
    Ok(Status::Success)
}
