//! `tarjama translate`: segment an article, translate it through the chain, write the bitext.
// The argument docs double as `--help` text, where `[translate] to` names a config.toml
// section, not a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::io::Write;
use std::path::PathBuf;

use crate::Status;
use crate::bitext::Bitext;
use crate::cli::GlobalArgs;
use crate::config::{self, Overrides, Settings, Unit};
use crate::input::{Source, read_text};
use crate::lang::Lang;
use crate::output::atomic::write_atomic;

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
    #[arg(long, value_enum)]
    pub unit: Option<Unit>,
    /// The translation cache (overrides [translate] cache).
    #[arg(long, value_name = "PATH")]
    pub cache: Option<PathBuf>,
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
            ..Overrides::default()
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
    let source = Source::from_arg(&args.file);
    let text = read_text(&source)?;
    let bitext = translate_text(&text, &source, &settings, args.options.progress)?;
    let write = |out: &mut dyn Write| write_bitext(&bitext, args.format, out);
    match &args.output {
        Some(path) => write_atomic(path, write)?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(Status::Success)
}

/// Translates `text` with `settings` and prints the one-line summary on standard error (the
/// shared step of `translate` and `run`). A fatal service error prints the summary so far and
/// returns the error; everything translated before it is in the cache.
pub fn translate_text(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: Progress,
) -> anyhow::Result<Bitext> {
    let outcome = crate::pipeline::translate(text, source, settings, progress == Progress::Auto)?;
    let name = source.display_name();
    eprintln!("tarjama: {name}: {}", outcome.summary);
    if outcome.summary.failed > 0 {
        eprintln!(
            "tarjama: warning: {} units were not translated (flagged translation-failed); run the same command again to retry them",
            outcome.summary.failed
        );
    }
    Ok(outcome.bitext)
}

/// Writes a bitext in one of the `translate` formats.
pub fn write_bitext(bitext: &Bitext, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Jsonl => bitext.write_jsonl(out),
        Format::Tsv => crate::output::tsv::write(bitext, out),
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
