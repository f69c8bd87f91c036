//! `tarjama split`: paragraphs and sentences with byte offsets into the input.

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::input::{Source, read_text};
use tarjama::lang::Lang;
use tarjama::output::tsv::escape as escape_tsv;
use tarjama::segment::{self, Options};

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
    /// Language of the text: ar, en, fr… (default: detected from the script).
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
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    // Splitting needs no settings, but a --config that cannot be used is an error here as in
    // every other command, not silently ignored.
    if let Some(path) = &global.config {
        tarjama::config::load_file(path)?;
    }
    let text = read_text(&Source::from_arg(&args.file))?;
    let lang = args
        .lang
        .clone()
        .unwrap_or_else(|| Lang::detect(detection_sample(&text)));
    let options = Options {
        lang,
        join_lines: args.join_lines,
    };
    let stdout = std::io::stdout();
    // Sentences are written as they are found: no copy of the text, no list of spans.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    for s in segment::sentences(&text, &options) {
        let sentence = &text[s.span.clone()];
        match args.format {
            Format::Text => writeln!(out, "{}", one_line(sentence))?,
            Format::Tsv => writeln!(out, "{}\t{}\t{}", s.id, s.para, escape_tsv(sentence))?,
            Format::Jsonl => {
                let record = Record {
                    id: s.id,
                    para: s.para,
                    start: s.span.start,
                    end: s.span.end,
                    text: sentence,
                };
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    Ok(Status::Success)
}

/// One `--format jsonl` line.
#[derive(serde::Serialize)]
struct Record<'a> {
    id: usize,
    para: usize,
    start: usize,
    end: usize,
    text: &'a str,
}

/// The start of the text, enough to tell its script (detection need not read 100 MB).
fn detection_sample(text: &str) -> &str {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A sentence on one line: line breaks inside it (only with --join-lines) become spaces.
fn one_line(sentence: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'\n', b'\r', sentence.as_bytes()).is_some() {
        Cow::Owned(sentence.replace("\r\n", " ").replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(sentence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_join_inner_line_breaks() {
        assert!(matches!(one_line("جملة."), Cow::Borrowed(_)));
        assert_eq!(one_line("سطر\r\nيكمل\rهنا\nتماما"), "سطر يكمل هنا تماما");
    }

    #[test]
    fn detection_sample_cuts_on_a_char_boundary() {
        let text = "ب".repeat(40_000);
        let sample = detection_sample(&text);
        assert!(sample.len() <= 64 * 1024 && sample.len() > 60_000);
        assert_eq!(Lang::detect(sample).as_str(), "ar");
    }
}
