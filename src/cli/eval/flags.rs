//! `tarjama eval flags`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use tarjama::Status;
use tarjama::bitext::Bitext;
use tarjama::eval::flags::{
    Format, Report, Split, generate, genre_false_positives, merge, read_annotations, read_pud,
    regressions, score, write_genre_table, write_gold_report, write_table,
};

use crate::cli::GlobalArgs;
use crate::cli::check::load_settings;
use crate::cli::choice;

/// Arguments of `tarjama eval flags`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  tarjama eval flags --synthetic --pud corpora/eval/ud_arabic_pud/sentences.tsv --split test --rounds 5\n  tarjama eval flags --gold corpora/austin-baghdad/annotations.tsv seed.jsonl\n  tarjama eval flags --genres corpora/genres/\n\nWith --gold the exit code is 1 unless every garbled passage is flagged and no clean sentence is."
)]
pub struct Args {
    /// Generate the synthetic evaluation set from PUD pairs and score the checks on it.
    #[arg(
        long,
        requires = "pud",
        conflicts_with = "gold",
        required_unless_present_any = ["gold", "genres"]
    )]
    pub synthetic: bool,
    /// Also measure false positives on untouched translations of other genres: a folder of
    /// `GENRE.tsv` files (`paragraph, Arabic, English`) or one file, e.g. `corpora/genres/`.
    #[arg(long, value_name = "PATH", conflicts_with = "gold")]
    pub genres: Option<PathBuf>,
    /// UD Arabic-PUD `sentences.tsv` (doc_id, sent_id, text, text_en).
    #[arg(long, value_name = "TSV")]
    pub pud: Option<PathBuf>,
    /// Score against hand annotations instead (`id, label, passage, reason` TSV, label
    /// clean|garbled|minor, one row per source sentence of BITEXT).
    #[arg(long, value_name = "TSV", requires = "bitext")]
    pub gold: Option<PathBuf>,
    /// The bitext the annotations describe (its checks are run afresh).
    #[arg(value_name = "BITEXT")]
    pub bitext: Option<PathBuf>,
    /// Seed of the generator (same seed, same set).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Generate and score this many sets (seeds seed, seed+1, …) and add up the counts: more
    /// pairs per corruption type, tighter figures.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub rounds: u64,
    /// Documents to use.
    #[arg(long, value_parser = choice::<Split>(), default_value = "test")]
    pub split: Split,
    /// Output format.
    #[arg(long, value_parser = choice::<Format>(), default_value = "text")]
    pub format: Format,
    /// Also write the generated bitext (with its flags) to this JSONL file.
    #[arg(long, value_name = "FILE")]
    pub write_bitext: Option<PathBuf>,
    /// Compare with a committed report (JSON); exit 1 if any precision or recall is lower or
    /// the false-positive rate higher.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// Runs `tarjama eval flags`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    let settings = load_settings(global.config.as_deref())?;
    if let (Some(gold), Some(bitext)) = (&args.gold, &args.bitext) {
        let gold = read_annotations(gold)?;
        let bitext = Bitext::read_path(bitext)?;
        if let Some(a) = gold.iter().find(|a| a.id >= bitext.source.len()) {
            bail!(
                "annotation for source sentence {} but the bitext has {} source sentences; are they for the same text?",
                a.id,
                bitext.source.len()
            );
        }
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let perfect = write_gold_report(&bitext, &gold, &settings, &mut out)?;
        out.flush()?;
        return Ok(if perfect {
            Status::Success
        } else {
            Status::GateFailed
        });
    }
    let genres = match &args.genres {
        Some(path) => genre_false_positives(path, &settings)?,
        None => Vec::new(),
    };
    let Some(pud) = &args.pud else {
        // Genres alone: their table is the whole report.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match args.format {
            Format::Text => write_genre_table(&genres, &mut out)?,
            Format::Json => {
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "genres": genres }))?;
                writeln!(out)?;
            }
        }
        out.flush()?;
        return Ok(Status::Success);
    };
    let pairs = read_pud(pud)?;
    let items = generate(&pairs, args.split, args.seed);
    let (mut report, bitext) = score(&items, &settings, args.seed, args.split);
    if let Some(path) = &args.write_bitext {
        tarjama::output::atomic::write_atomic(path, |out| bitext.write_jsonl(out))?;
    }
    for round in 1..args.rounds {
        let seed = args.seed + round;
        let items = generate(&pairs, args.split, seed);
        merge(&mut report, &score(&items, &settings, seed, args.split).0);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Text => {
            write_table(&report, &mut out)?;
            if args.genres.is_some() {
                writeln!(out)?;
                write_genre_table(&genres, &mut out)?;
            }
        }
        Format::Json if args.genres.is_some() => {
            let mut value = serde_json::to_value(&report)?;
            value["genres"] = serde_json::to_value(&genres)?;
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the baseline", path.display()))?;
        let baseline: Report = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a flag-evaluation report", path.display()))?;
        let worse = regressions(&report, &baseline);
        if !worse.is_empty() {
            eprintln!(
                "tarjama: below the baseline {}: {}",
                path.display(),
                worse.join("; ")
            );
            return Ok(Status::GateFailed);
        }
    }
    Ok(Status::Success)
}
