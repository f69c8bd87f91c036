//! `tarjama review`: go through flagged beads and record decisions, or import a reviewed XLIFF
//! or a TSV of decisions.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::bitext::Record;
use tarjama::input::{Source, read_text};
use tarjama::review::import::{ImportKind, decisions};
use tarjama::review::session::{SessionOptions, run as run_session};
use tarjama::review::store::Store;

/// Arguments of `tarjama review`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  # Interactive, riskiest first; run it again to resume where you stopped:\n  tarjama review out/ar/bitext.jsonl\n  # Decisions from a CAT tool (the XLIFF 2.0 of `tarjama export --format xliff`, reviewed):\n  tarjama review out/ar/bitext.jsonl --import reviewed.xlf\n  # Decisions as TSV lines: bead<TAB>action<TAB>text<TAB>note\n  tarjama review out/ar/bitext.jsonl --import decisions.tsv\n\nEach decision is appended to BITEXT and synced at once; the last decision per bead wins. Several reviewers (other `review` sessions, `tarjama serve`) may work on one BITEXT at the same time: nothing is lost."
)]
pub struct Args {
    /// The bitext file to review (each decision is appended to it and synced at once).
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
    let mut store = Store::open(&args.bitext)?;
    match &args.import {
        Some(file) => import(&mut store, args, file),
        None => interactive(&mut store, args),
    }
}

fn import(store: &mut Store, args: &Args, file: &Path) -> anyhow::Result<Status> {
    let source = Source::from_arg(file);
    let text = read_text(&source)?;
    let kind = ImportKind::detect(file, &text);
    let mut found = Vec::new();
    // Matched against the bitext as it is under the lock, so that a concurrent reviewer's
    // decisions are taken into account and none is lost.
    store.append_with(|bitext, _| {
        found = decisions(
            bitext,
            kind,
            &text,
            &source.display_name(),
            args.reviewer.as_deref(),
        )?;
        Ok(found
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.set_basis(bitext.basis(&bitext.beads[d.bead]));
                Record::Decision(d)
            })
            .collect())
    })?;
    let mut tally = std::collections::BTreeMap::new();
    for d in &found {
        *tally
            .entry(tarjama::output::tsv::action_name(d.action))
            .or_insert(0usize) += 1;
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
        tarjama::review::queue(store.bitext()).len()
    );
    Ok(Status::Success)
}

fn interactive(store: &mut Store, args: &Args) -> anyhow::Result<Status> {
    let options = SessionOptions {
        reviewer: args.reviewer.clone(),
        wrap: args.wrap,
    };
    let path = args.bitext.clone();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    // The session shows a snapshot; the store merges what other reviewers save meanwhile.
    let snapshot = store.bitext().clone();
    run_session(
        &snapshot,
        &mut stdin.lock(),
        &mut stdout.lock(),
        &options,
        &mut |d| {
            store
                .decide(d)
                .map(|_| ())
                .with_context(|| format!("saving the decision to {}", path.display()))
        },
    )?;
    Ok(Status::Success)
}
