//! `tarjama review`: go through flagged beads and record decisions, or import a reviewed XLIFF
//! or a TSV of decisions.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::bitext::Bitext;
use tarjama::input::{Source, read_text};
use tarjama::review::import::{ImportKind, decisions};
use tarjama::review::save;
use tarjama::review::session::{SessionOptions, run as run_session};

/// Arguments of `tarjama review`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  # Interactive, riskiest first; run it again to resume where you stopped:\n  tarjama review out/ar/bitext.jsonl\n  # Decisions from a CAT tool (the XLIFF 2.0 of `tarjama export --format xliff`, reviewed):\n  tarjama review out/ar/bitext.jsonl --import reviewed.xlf\n  # Decisions as TSV lines: bead<TAB>action<TAB>text<TAB>note\n  tarjama review out/ar/bitext.jsonl --import decisions.tsv\n\nEach decision is appended to BITEXT at once (atomic rewrite); the last decision per bead wins."
)]
pub struct Args {
    /// The bitext file to review (rewritten in place, atomically, after each decision).
    #[arg(value_name = "BITEXT")]
    pub bitext: PathBuf,
    /// Apply the decisions in a reviewed XLIFF 2.0 file or a TSV of decisions instead of asking; nothing is applied if anything does not match the bitext.
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
    /// Reviewer name recorded with each decision.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Wrap source and target at this many characters (0: no wrapping).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub wrap: usize,
}

/// Runs `tarjama review`.
pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    if args.bitext.as_os_str() == "-" {
        anyhow::bail!(
            "review records decisions in the bitext file itself; give its path instead of '-'"
        );
    }
    let mut bitext = Bitext::read_path(&args.bitext)?;
    match &args.import {
        Some(file) => import(&mut bitext, args, file),
        None => interactive(&mut bitext, args),
    }
}

fn import(bitext: &mut Bitext, args: &Args, file: &Path) -> anyhow::Result<Status> {
    let source = Source::from_arg(file);
    let text = read_text(&source)?;
    let kind = ImportKind::detect(file, &text);
    let found = decisions(
        bitext,
        kind,
        &text,
        &source.display_name(),
        args.reviewer.as_deref(),
    )?;
    let mut tally = std::collections::BTreeMap::new();
    for d in &found {
        *tally
            .entry(tarjama::output::tsv::action_name(d.action))
            .or_insert(0usize) += 1;
    }
    if !found.is_empty() {
        bitext.decisions.extend(found.iter().cloned());
        save(bitext, &args.bitext)?;
    }
    let detail = tally
        .iter()
        .map(|(a, n)| format!("{n} {a}"))
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!(
        "tarjama: imported {} decisions from {}{}; {} flagged beads still to review",
        found.len(),
        source.display_name(),
        if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        },
        tarjama::review::queue(bitext).len()
    );
    Ok(Status::Success)
}

fn interactive(bitext: &mut Bitext, args: &Args) -> anyhow::Result<Status> {
    let options = SessionOptions {
        reviewer: args.reviewer.clone(),
        wrap: args.wrap,
    };
    let path = args.bitext.clone();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    run_session(
        bitext,
        &mut stdin.lock(),
        &mut stdout.lock(),
        &options,
        &mut |b| {
            save(b, &path).with_context(|| format!("saving the decision to {}", path.display()))
        },
    )?;
    Ok(Status::Success)
}
