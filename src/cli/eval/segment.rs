//! `tarjama eval segment`.

use std::io::Write as _;
use std::path::PathBuf;

use tarjama::Status;
use tarjama::eval::segment::{GoldFormat, GoldSource, read_gold, score, table_row};
use tarjama::lang::Lang;
use tarjama::segment::Options;

use crate::cli::GlobalArgs;
use crate::cli::choice;

/// Arguments of `tarjama eval segment`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    tarjama eval segment corpora/eval/ud_arabic_pud/docs.jsonl\n  \
    tarjama eval segment corpora/eval/sentencex_ar/cases.jsonl --verbose\n  \
    tarjama eval segment corpora/eval/ud_arabic_pud/docs.jsonl --sentences-field sentences_en --lang en\n  \
    tarjama eval segment corpora/austin-baghdad/ar.sentences.jsonl --text corpora/austin-baghdad/ar.txt --min-f1 1")]
pub struct Args {
    /// Gold files (JSONL documents or JSONL spans); one score line per file.
    #[arg(required = true, value_name = "GOLD")]
    pub gold: Vec<PathBuf>,
    /// Format of the gold files.
    #[arg(long, value_parser = choice::<GoldFormat>(), default_value = "auto")]
    pub gold_format: GoldFormat,
    /// For span gold: the text file the offsets point into.
    #[arg(long, value_name = "FILE")]
    pub text: Option<PathBuf>,
    /// Language of the texts.
    #[arg(long, default_value = "ar")]
    pub lang: Lang,
    /// Segment with single line breaks treated as spaces.
    #[arg(long)]
    pub join_lines: bool,
    /// Also score records marked `"commented_out_in_sentencex": true`.
    #[arg(long)]
    pub all_cases: bool,
    /// Field of a docs record that holds the gold sentences (e.g. `sentences_en` for the
    /// English side of UD PUD, with `--lang en`). With another field than `sentences`, the
    /// text is those sentences joined by a space.
    #[arg(long, default_value = "sentences", value_name = "FIELD")]
    pub sentences_field: String,
    /// List every missed and extra boundary with its context.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print one JSON object per gold file instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 if any file's F1 is below this value (a quality gate for CI).
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,
}

/// Runs `tarjama eval segment`.
pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    let options = Options {
        lang: args.lang.clone(),
        join_lines: args.join_lines,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut gate_failed = false;
    // Read every gold file first, so that a bad file fails before anything is printed.
    let golds = args
        .gold
        .iter()
        .map(|path| {
            let source = GoldSource {
                format: args.gold_format,
                text: args.text.as_deref(),
                all_cases: args.all_cases,
                sentences_field: &args.sentences_field,
            };
            read_gold(path, &source)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if !args.json {
        writeln!(
            out,
            "{:<40} {:>5} {:>5} {:>6} {:>6} {:>7} {:>9} {:>7} {:>7}",
            "gold", "docs", "exact", "gold", "found", "correct", "precision", "recall", "F1"
        )?;
    }
    for (path, docs) in args.gold.iter().zip(&golds) {
        let score = score(docs, &options);
        gate_failed |= args.min_f1.is_some_and(|min| score.f1() < min);
        if args.json {
            let record = serde_json::json!({
                "gold": path.display().to_string(),
                "docs": score.docs, "docs_exact": score.docs_exact,
                "gold_boundaries": score.gold, "found": score.found, "correct": score.correct,
                "precision": score.precision(), "recall": score.recall(), "f1": score.f1(),
                "misses": if args.verbose { serde_json::to_value(&score.misses)? } else { serde_json::Value::Null },
            });
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", table_row(path, &score))?;
            if args.verbose {
                for m in &score.misses {
                    writeln!(out, "  {} {} @{}: {}", m.kind, m.doc, m.offset, m.context)?;
                }
            }
        }
    }
    out.flush()?;
    if gate_failed {
        eprintln!(
            "tarjama: F1 below --min-f1 {}",
            args.min_f1.unwrap_or_default()
        );
        return Ok(Status::GateFailed);
    }
    Ok(Status::Success)
}
