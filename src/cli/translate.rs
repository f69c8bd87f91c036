//! `tarjama translate`: segment an article, translate it through the chain, write the bitext.
// The argument docs double as `--help` text, where `[translate] to` names a config.toml
// section, not a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::cli::choice;
use tarjama::Status;
use tarjama::bitext::Bitext;
use tarjama::config::{self, Overrides, Settings, Unit};
use tarjama::input::{Source, read_text};
use tarjama::lang::Lang;

/// Output formats of `translate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The canonical bitext (header, sentences with offsets and origins, beads, flags).
    Jsonl,
    /// One bead per line: bead, source, target, type, score, flags…
    Tsv,
    /// The translation only, one paragraph per line block.
    Text,
}

/// When to draw the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Progress {
    /// On a terminal only.
    Auto,
    /// Never.
    Never,
}

/// Options shared by the commands that translate (`translate`, `run`).
#[derive(Debug, Clone, clap::Args)]
pub struct TranslateOptions {
    /// Use only this configured provider (or `memory`) instead of the configured chain.
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// Target language (overrides [translate] to).
    #[arg(long, value_name = "LANG")]
    pub to: Option<Lang>,
    /// Translate sentence by sentence or paragraph by paragraph (overrides [translate] unit).
    #[arg(long, value_parser = choice::<Unit>())]
    pub unit: Option<Unit>,
    /// The translation cache (overrides [translate] cache).
    #[arg(long, value_name = "PATH")]
    pub cache: Option<PathBuf>,
    /// Align the sentences of each translated paragraph with the vectors of this embeddings
    /// provider too ([providers.NAME] of an embeddings kind; overrides [align] embeddings).
    #[arg(long, value_name = "NAME")]
    pub embeddings: Option<String>,
    /// Progress bar on standard error.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
}

impl TranslateOptions {
    /// The configuration overrides these options make.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            provider: self.provider.clone(),
            cache: self.cache.clone(),
            to: self.to.clone(),
            unit: self.unit,
            embeddings: self.embeddings.clone(),
        }
    }
}

/// Arguments of `tarjama translate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tarjama translate corpora/austin-baghdad/ar.txt -o article.jsonl
  tarjama translate article.txt --provider deepl --unit paragraph --format text

The chain in config.toml ([translate] chain) is tried in order for each sentence: the
translation memory, then each service (its cache first, then the network). Every translation
is saved in the cache as it arrives: after an interruption, run the same command again.")]
pub struct Args {
    /// Text file to translate, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Translation options.
    #[command(flatten)]
    pub options: TranslateOptions,
}

/// Runs `tarjama translate`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    let settings = config::load(global.config.as_deref(), &args.options.overrides())?;
    let sink = tarjama::output::Sink::new(args.output.as_deref(), &[&args.file])?;
    let source = Source::from_arg(&args.file);
    let text = read_text(&source)?;
    let (mut bitext, status) = translate_text(&text, &source, &settings, args.options.progress)?;
    if let Some(file) = args
        .output
        .as_deref()
        .filter(|_| args.format == Format::Jsonl)
    {
        tarjama::review::store::keep_decisions_of(file, &mut bitext)?;
    }
    let write = |out: &mut dyn Write| write_bitext(&bitext, args.format, out);
    sink.write(write)?;
    for note in settings.endpoint_notes() {
        eprintln!("tarjama: note: {note}");
    }
    Ok(status)
}

/// Translates `text` with `settings` and prints the one-line summary on standard error (the
/// shared step of `translate` and `run`). A fatal service error prints the summary so far and
/// returns the error; everything translated before it is in the cache. The status is
/// [`Status::Untranslated`] when units were there and none could be translated.
pub fn translate_text(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: Progress,
) -> anyhow::Result<(Bitext, Status)> {
    let name = source.display_name();
    let outcome = crate::cli::block_on(tarjama::pipeline::translate(
        text,
        source,
        settings,
        progress_bar(progress),
    ))
    .inspect_err(|err| {
        if let Some(summary) = tarjama::pipeline::partial_summary(err) {
            eprintln!("tarjama: {name}: {summary}");
        }
    })?;
    eprintln!("tarjama: {name}: {}", outcome.summary);
    Ok((outcome.bitext, report_failures(&outcome.summary)))
}

/// Warns about units left untranslated; [`Status::Untranslated`] when that is all of them.
pub fn report_failures(summary: &tarjama::translate::Summary) -> Status {
    if summary.failed == 0 {
        return Status::Success;
    }
    eprintln!(
        "tarjama: warning: {} units were not translated (flagged translation-failed); run the same command again to retry them",
        summary.failed
    );
    if summary.failed == summary.units {
        Status::Untranslated
    } else {
        Status::Success
    }
}

/// The progress bar for `--progress`: an indicatif bar on a terminal, none otherwise.
pub fn progress_bar(progress: Progress) -> Option<Arc<dyn tarjama::translate::Progress>> {
    (progress == Progress::Auto && std::io::stderr().is_terminal())
        .then(|| Arc::new(Bar::default()) as Arc<dyn tarjama::translate::Progress>)
}

/// An indicatif bar on standard error.
#[derive(Default)]
struct Bar {
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
}

impl tarjama::translate::Progress for Bar {
    fn start(&self, total: usize) {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} units {per_sec} · {msg} · {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        let _ = self.bar.set(bar);
    }

    fn advance(&self, n: usize) {
        if let Some(bar) = self.bar.get() {
            bar.inc(n as u64);
        }
    }

    fn update(&self, done: usize, requests: u64, retries: u64) {
        if let Some(bar) = self.bar.get() {
            bar.set_position(done as u64);
            bar.set_message(format!("{requests} requests, {retries} retries"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// Writes a bitext in one of the `translate` formats.
pub fn write_bitext(bitext: &Bitext, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Jsonl => bitext.write_jsonl(out),
        Format::Tsv => tarjama::output::tsv::write(bitext, out),
        Format::Text => write_text(bitext, out),
    }
}

/// The translation as plain text: sentences of a paragraph joined by a space, paragraphs
/// separated by a blank line. Untranslated units are left out (the summary says so).
fn write_text(bitext: &Bitext, out: &mut dyn Write) -> std::io::Result<()> {
    let mut para = None;
    for s in &bitext.target {
        match para {
            None => {}
            Some(p) if p == s.para => out.write_all(b" ")?,
            Some(_) => out.write_all(b"\n\n")?,
        }
        out.write_all(s.text.replace(['\r', '\n'], " ").as_bytes())?;
        para = Some(s.para);
    }
    if para.is_some() {
        out.write_all(b"\n")?;
    }
    Ok(())
}
