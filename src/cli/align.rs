//! `tarjama align`: align a source text with its translation into beads.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::align::{AlignInput, AlignOptions, SearchMode, align};
use tarjama::bitext::{Bead, Bitext, Origin, Side};
use tarjama::input::{Source, read_text};
use tarjama::lang::Lang;
use tarjama::output::tsv::escape as escape_tsv;
use tarjama::segment;

/// Output formats of `align`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One bead per line, `[0, 1]:[2]` (0-based; `[3]:[]` for an omission), as gold files and
    /// `align_score.py` use.
    Beads,
    /// The canonical bitext JSONL (header, sentences, beads with scores).
    Jsonl,
    /// bead id, source text, target text, bead type, score, separated by tabs.
    Tsv,
}

/// Search modes on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Search {
    /// Exact for short documents, banded for long ones.
    Auto,
    /// Always exact (memory grows with the product of the lengths).
    Exact,
    /// Always coarse-to-fine banded (linear time and memory).
    Banded,
}

/// Arguments of `tarjama align`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
tarjama align article.ar.txt article.en.txt --mt article.mt.en.txt --format jsonl -o article.bitext.jsonl\n  \
tarjama align --lines 001.de 001.fr --mt 001.mt-google.fr > 001.beads")]
pub struct Args {
    /// Source text, or - for standard input.
    pub source: PathBuf,
    /// Target text (the translation).
    pub target: PathBuf,
    /// Machine translation of the source into the target language, one line per source
    /// sentence. Without it, alignment uses length and anchors (numbers, names) only.
    #[arg(long, value_name = "FILE")]
    pub mt: Option<PathBuf>,
    /// Machine translation of the target back into the source language, one line per target
    /// sentence: similarity is then measured in both languages (more accurate on loose or
    /// noisy translations).
    #[arg(long, value_name = "FILE")]
    pub mt_target: Option<PathBuf>,
    /// The files hold one sentence per line (no segmentation).
    #[arg(long)]
    pub lines: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Beads)]
    pub format: Format,
    /// Language of the source (default: detected from the script).
    #[arg(long, value_name = "LANG")]
    pub src_lang: Option<Lang>,
    /// Language of the target (default: detected from the script).
    #[arg(long, value_name = "LANG")]
    pub tgt_lang: Option<Lang>,
    /// Search mode.
    #[arg(long, value_enum, default_value_t = Search::Auto)]
    pub search: Search,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Add sentence embeddings from this embeddings provider ([providers.NAME] of kind
    /// openai-embeddings, ollama-embeddings or tei-embeddings; overrides [align] embeddings).
    /// Vectors are cached: a re-run embeds nothing.
    #[arg(long, value_name = "NAME")]
    pub embeddings: Option<String>,
}

/// Sentences of one side: text, byte span in the file, paragraph.
struct Sentences {
    text: String,
    spans: Vec<Range<usize>>,
    paras: Vec<usize>,
}

impl Sentences {
    fn texts(&self) -> Vec<&str> {
        self.spans.iter().map(|s| &self.text[s.clone()]).collect()
    }
}

/// One sentence per line (`\r\n` accepted); every line is a sentence, blank ones included, so
/// that line numbers stay sentence ids.
fn by_lines(text: String) -> Sentences {
    let mut spans = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        spans.push(start..start + content.len());
        start += line.len();
    }
    let paras = vec![0; spans.len()];
    Sentences { text, spans, paras }
}

fn segmented(text: String, lang: &Lang) -> Sentences {
    let spans = segment::split(&text, &segment::Options::new(lang.clone()));
    Sentences {
        paras: spans.iter().map(|s| s.para).collect(),
        spans: spans.into_iter().map(|s| s.span).collect(),
        text,
    }
}

fn read(path: &Path) -> anyhow::Result<(String, String)> {
    let source = Source::from_arg(path);
    Ok((read_text(&source)?, source.display_name()))
}

/// Runs `tarjama align`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    if args.source.as_os_str() == "-" && args.target.as_os_str() == "-" {
        anyhow::bail!(
            "source and target are both - (standard input), which can be read only once; give at least one of them as a file"
        );
    }
    let mut inputs: Vec<&Path> = vec![&args.source, &args.target];
    inputs.extend(args.mt.as_deref());
    inputs.extend(args.mt_target.as_deref());
    let sink = tarjama::output::Sink::new(args.output.as_deref(), &inputs)?;
    let (src_text, src_name) = read(&args.source)?;
    let (tgt_text, tgt_name) = read(&args.target)?;
    let src_lang = args
        .src_lang
        .clone()
        .unwrap_or_else(|| Lang::detect(&src_text));
    let tgt_lang = args
        .tgt_lang
        .clone()
        .unwrap_or_else(|| Lang::detect(&tgt_text));
    let (source, target) = if args.lines {
        (by_lines(src_text), by_lines(tgt_text))
    } else {
        (
            segmented(src_text, &src_lang),
            segmented(tgt_text, &tgt_lang),
        )
    };
    let mt = read_mt(
        args.mt.as_deref(),
        source.spans.len(),
        &src_name,
        args.lines,
        "source",
    )?;
    let mt_target = read_mt(
        args.mt_target.as_deref(),
        target.spans.len(),
        &tgt_name,
        args.lines,
        "target",
    )?;
    let src_texts = source.texts();
    let tgt_texts = target.texts();
    let mt_texts: Option<Vec<&str>> = mt.as_ref().map(|l| l.iter().map(String::as_str).collect());
    let mt_target_texts: Option<Vec<&str>> = mt_target
        .as_ref()
        .map(|l| l.iter().map(String::as_str).collect());
    let input = AlignInput {
        source: &src_texts,
        target: &tgt_texts,
        mt: mt_texts.as_deref(),
        target_mt: mt_target_texts.as_deref(),
        source_paras: Some(&source.paras),
        target_paras: Some(&target.paras),
    };
    let options = AlignOptions {
        search: match args.search {
            Search::Auto => SearchMode::Auto,
            Search::Exact => SearchMode::Exact,
            Search::Banded => SearchMode::Banded,
        },
        ..AlignOptions::default()
    };
    let beads = match embeddings_provider(args, global)? {
        None => align(&input, &options),
        Some((name, settings)) => aligned_with_embeddings(&input, &options, &name, &settings)?,
    };
    let render = |out: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Beads => write_beads(out, &beads),
            Format::Tsv => write_tsv(out, &beads, &src_texts, &tgt_texts),
            Format::Jsonl => {
                let mut bitext = Bitext::new(src_lang.clone(), tgt_lang.clone());
                bitext.header.source_file = Some(src_name.clone());
                bitext.header.target_file = Some(tgt_name.clone());
                bitext.source = sentences(Side::Source, &source, mt_texts.as_deref());
                bitext.target = sentences(Side::Target, &target, None);
                bitext.beads = beads.clone();
                bitext.write_jsonl(out)
            }
        }
    };
    sink.write(render)?;
    Ok(Status::Success)
}

/// The embeddings provider to align with: `--embeddings NAME`, else `[align] embeddings` of
/// the configuration, else none (the configuration is read only to find it, and without
/// `--embeddings` or an `[align]` table a configuration that does not load is ignored).
fn embeddings_provider(
    args: &Args,
    global: &GlobalArgs,
) -> anyhow::Result<Option<(String, tarjama::config::Settings)>> {
    let overrides = tarjama::config::Overrides {
        embeddings: args.embeddings.clone(),
        ..Default::default()
    };
    let settings = match tarjama::config::load(global.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        // `align` needs the configuration only for embeddings: a configuration that is
        // broken elsewhere (a missing memory file…) does not stop an alignment without them
        Err(_) if args.embeddings.is_none() && !mentions_align_table(global) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(settings
        .align
        .embeddings
        .clone()
        .map(|name| (name, settings)))
}

/// Whether the configuration file `align` would read has an `[align]` table (whose
/// embeddings setting must then be valid).
fn mentions_align_table(global: &GlobalArgs) -> bool {
    tarjama::config::locate(global.config.as_deref())
        .and_then(|path| std::fs::read_to_string(path).ok())
        .is_some_and(|text| text.lines().any(|l| l.trim_start().starts_with("[align]")))
}

/// Aligns with the embeddings of the provider `name`, through the cache; says on standard
/// error how many vectors came from the cache and how long the service took.
fn aligned_with_embeddings(
    input: &AlignInput<'_>,
    options: &AlignOptions,
    name: &str,
    settings: &tarjama::config::Settings,
) -> anyhow::Result<Vec<Bead>> {
    let embedder = tarjama::provider::embeddings::from_settings(name, &settings.providers[name])?;
    let cache = tarjama::cache::Cache::open(&settings.translate.cache)?;
    let lookup = std::cell::RefCell::new(tarjama::cache::CachedEmbedder::new(
        embedder.as_ref(),
        Some(&cache),
        tarjama::provider::embeddings::InputKind::Query,
    ));
    let beads = tarjama::align::align_with_embeddings(input, options, &lookup)
        .map_err(|e| anyhow::anyhow!("provider '{name}': {e}"))?;
    eprintln!(
        "tarjama: {}",
        tarjama::translate::EmbeddingCounts::of(name, &lookup.borrow())
    );
    Ok(beads)
}

/// Reads an MT file that must have one line per sentence of `side` (`count` sentences).
fn read_mt(
    path: Option<&std::path::Path>,
    count: usize,
    side_name: &str,
    lines: bool,
    side: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let (text, name) = read(path)?;
    let mt: Vec<String> = text.lines().map(str::to_string).collect();
    if mt.len() != count {
        anyhow::bail!(
            "{name}: {} lines, but {side_name} has {count} sentences; give the MT one line per {side} sentence{}",
            mt.len(),
            if lines {
                ""
            } else {
                " (`tarjama split` shows the sentences), or use --lines"
            }
        );
    }
    Ok(Some(mt))
}

/// Bitext sentences of one side; targets come from a file, sources keep their MT.
fn sentences(side: Side, s: &Sentences, mt: Option<&[&str]>) -> Vec<tarjama::bitext::Sentence> {
    s.spans
        .iter()
        .enumerate()
        .map(|(id, span)| {
            let mut sentence =
                tarjama::bitext::Sentence::new(side, id, s.paras[id], &s.text[span.clone()]);
            sentence.start = Some(span.start);
            sentence.end = Some(span.end);
            if side == Side::Target {
                sentence.origin = Some(Origin::File);
            }
            sentence.mt = mt.and_then(|m| m.get(id)).map(|t| t.to_string());
            sentence
        })
        .collect()
}

/// `[0, 1]:[2]` lines.
pub fn write_beads(out: &mut dyn Write, beads: &[Bead]) -> std::io::Result<()> {
    let list = |ids: &[usize]| {
        ids.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for b in beads {
        writeln!(out, "[{}]:[{}]", list(&b.source), list(&b.target))?;
    }
    Ok(())
}

fn write_tsv(
    out: &mut dyn Write,
    beads: &[Bead],
    source: &[&str],
    target: &[&str],
) -> std::io::Result<()> {
    let join = |texts: &[&str], ids: &[usize]| {
        escape_tsv(&ids.iter().map(|&i| texts[i]).collect::<Vec<_>>().join(" ")).into_owned()
    };
    writeln!(out, "bead\tsource\ttarget\ttype\tscore")?;
    for b in beads {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{:.3}",
            b.id,
            join(source, &b.source),
            join(target, &b.target),
            b.kind(),
            b.score
        )?;
    }
    Ok(())
}
