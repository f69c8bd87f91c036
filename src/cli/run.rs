//! `tarjama run`: the whole job on one article — segment, translate (chain + cache), align,
//! check, and write every output into one folder, with a summary on standard error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::GlobalArgs;
use crate::cli::check::{FailOn, gate};
use crate::cli::choice;
use crate::cli::translate::{TranslateOptions, progress_bar};
use tarjama::Status;
use tarjama::bitext::Severity;
use tarjama::config;
use tarjama::input::{Source, read_text};
use tarjama::output::{ExportOptions, Format};
use tarjama::pipeline;

/// Arguments of `tarjama run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tarjama run corpora/austin-baghdad/ar.txt
  tarjama run article.txt --provider deepl --out review/article --fail-on error

Writes DIR/bitext.jsonl (the canonical file, with flags), aligned.tsv, aligned.tmx, aligned.xlf
and report.html (default DIR: out/<article name>/). Run it again after an interruption: every
translation already received is in the cache and is not paid for twice.")]
pub struct Args {
    /// The article: a UTF-8 text file, paragraphs separated by blank lines (or - for standard input).
    pub article: PathBuf,
    /// Output folder (default: out/ARTICLE_NAME/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated.
    #[arg(
        long,
        value_parser = choice::<Format>(),
        value_delimiter = ',',
        default_value = "jsonl,tsv,tmx,xliff,html"
    )]
    pub formats: Vec<Format>,
    /// Exit with code 1 when a flag at or above this severity is present.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Also run the service-backed signals enabled in `[checks]` (round-trip,
    /// provider-disagreement, llm-judge) after the rule checks; they call services, cached.
    #[arg(long)]
    pub signals: bool,
    /// Translation options.
    #[command(flatten)]
    pub options: TranslateOptions,
}

/// Runs `tarjama run`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let settings = config::load(global.config.as_deref(), &args.options.overrides())?;
    let source = Source::from_arg(&args.article);
    let text = read_text(&source)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.article));
    let name = source.display_name();
    let mut outcome = crate::cli::block_on(pipeline::run_article(
        &text,
        &source,
        &settings,
        progress_bar(args.options.progress),
        args.signals,
    ))
    .inspect_err(|err| {
        if let Some(summary) = pipeline::partial_summary(err) {
            eprintln!("tarjama: {name}: {summary}");
        }
    })?;
    let mut formats = args.formats.clone();
    formats.dedup();
    let written = crate::cli::block_on(pipeline::write_outputs(
        &mut outcome.bitext,
        &out_dir,
        &formats,
        &ExportOptions::default(),
    ))?;
    for note in settings.endpoint_notes() {
        eprintln!("tarjama: note: {note}");
    }
    eprint!("{}", summary(&outcome, &written, started));
    let t = &outcome.translation;
    if t.units > 0 && t.failed == t.units {
        eprintln!(
            "tarjama: error: none of the {} units could be translated (see the translation-failed flags); the outputs were written anyway",
            t.units
        );
        return Ok(Status::Untranslated);
    }
    Ok(gate(&outcome.bitext.flags, args.fail_on))
}

/// `out/<file stem>/` for `path`, `out/stdin/` for standard input.
fn default_out_dir(path: &Path) -> PathBuf {
    let stem = match Source::from_arg(path) {
        Source::Stdin => "stdin".to_string(),
        Source::File(p) => p.file_stem().map_or_else(
            || "article".into(),
            |s| tarjama::output::sink::folder_name(&s.to_string_lossy()),
        ),
    };
    Path::new("out").join(stem)
}

/// The end-of-run summary: sentences, beads by type, flags by severity and code, where the
/// translations came from, requests, retries, time, and the files written.
fn summary(outcome: &pipeline::Outcome, written: &[PathBuf], started: Instant) -> String {
    let b = &outcome.bitext;
    let t = &outcome.translation;
    let mut beads: BTreeMap<String, usize> = BTreeMap::new();
    for bead in &b.beads {
        *beads.entry(bead.kind()).or_default() += 1;
    }
    let mut by_code: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for f in &b.flags {
        *by_code.entry((f.severity, f.code.as_str())).or_default() += 1;
    }
    let count = |s: Severity| b.flags.iter().filter(|f| f.severity == s).count();
    let join = |items: Vec<String>| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    let mut lines = vec![
        format!(
            "sentences: {} source, {} target",
            b.source.len(),
            b.target.len()
        ),
        format!(
            "beads:     {} ({})",
            b.beads.len(),
            join(beads.iter().map(|(k, n)| format!("{n}× {k}")).collect())
        ),
        format!(
            "flags:     {} error, {} warning, {} info ({})",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            join(
                by_code
                    .iter()
                    .rev()
                    .map(|((s, c), n)| format!("{n}× {c} [{s}]"))
                    .collect()
            )
        ),
        format!(
            "translated: {} from memory, {} from cache, {} from the network, {} failed; {} requests, {} retries, {} characters billed",
            t.from_memory,
            t.from_cache,
            t.from_network,
            t.failed,
            t.requests,
            t.retries,
            t.billed_chars
        ),
        format!("time:      {:.2} s", started.elapsed().as_secs_f64()),
    ];
    if let Some(counts) = &t.embeddings {
        lines.insert(lines.len() - 1, counts.to_string());
    }
    lines.push(format!(
        "written:   {}",
        join(written.iter().map(|p| p.display().to_string()).collect())
    ));
    lines.iter().map(|l| format!("tarjama: {l}\n")).collect()
}
