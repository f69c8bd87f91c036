//! `tarjama split`: paragraphs and sentences with byte offsets into the input.

use std::io::Write;
use std::path::PathBuf;

use crate::Status;
use crate::cli::GlobalArgs;
use crate::input::{Source, read_text};
use crate::lang::Lang;
use crate::segment::{self, Options};

/// Output formats of `split`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One sentence per line.
    Text,
    /// One JSON object per sentence: id, para, start, end (byte offsets), text.
    Jsonl,
    /// id, para, text separated by tabs.
    Tsv,
}

/// Arguments of `tarjama split`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  tarjama split corpora/austin-baghdad/ar.txt --format jsonl")]
pub struct Args {
    /// Text file to split, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Language of the text (default: detected from the script).
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The text is hard-wrapped prose: a single line break does not end a sentence.
    #[arg(long)]
    pub join_lines: bool,
}

/// Runs `tarjama split`.
pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    let text = read_text(&Source::from_arg(&args.file))?;
    let lang = args.lang.clone().unwrap_or_else(|| Lang::detect(&text));
    let options = Options {
        lang,
        join_lines: args.join_lines,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for s in segment::split(&text, &options) {
        let sentence = &text[s.span.clone()];
        match args.format {
            Format::Text => writeln!(out, "{}", sentence.replace(['\n', '\r'], " "))?,
            Format::Tsv => writeln!(out, "{}\t{}\t{}", s.id, s.para, escape_tsv(sentence))?,
            Format::Jsonl => {
                let record = serde_json::json!({
                    "id": s.id, "para": s.para, "start": s.span.start, "end": s.span.end, "text": sentence,
                });
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    Ok(Status::Success)
}

/// Escapes backslash, tab, CR and LF so a field stays on one TSV line.
fn escape_tsv(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}
