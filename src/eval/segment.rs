//! `tarjama eval segment`: sentence-boundary precision, recall and F1 against gold.
//!
//! A boundary is the end of every sentence but the last of a document. Boundaries are compared
//! by position after whitespace normalisation: a boundary's key is the number of characters
//! before it that are neither whitespace nor a BOM, so gold sentences joined with any spacing
//! compare equal to the segmenter's spans over the original text.
//!
//! Gold formats (auto-detected from the first record):
//! - **docs**: JSONL, one document per line, `{"sentences": [...], "text": "..."}`; `text` is
//!   optional (the sentences joined by a space). The id is `doc_id` or `id`. Records with
//!   `"commented_out_in_sentencex": true` are skipped unless `--all-cases` (sentencex's own
//!   inactive cases follow pySBD's split after `:` and `،`, which tarjama deliberately does not).
//!   UD Arabic-PUD's `docs.jsonl` and sentencex's `cases.jsonl` are both in this format.
//! - **spans**: JSONL, one sentence per line with byte offsets `{"start": 0, "end": 42}`, as
//!   `tarjama split --format jsonl` writes and `corpora/austin-baghdad/ar.sentences.jsonl` is;
//!   the text is given with `--text`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};

use crate::input::{Source, read_text};
use crate::segment::{self, Options};

/// Gold file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldFormat {
    /// Detect from the first record: `sentences` → docs, `start`/`end` → spans.
    Auto,
    /// One document per line: `{"sentences": [...], "text"?: "..."}`.
    Docs,
    /// One sentence per line with byte offsets into `--text`: `{"start": 0, "end": 42}`.
    Spans,
}

impl crate::choice::Choice for GoldFormat {
    const CHOICES: &'static [crate::choice::Named<Self>] = &[
        crate::named!(
            GoldFormat::Auto,
            "auto",
            "Detect from the first record: `sentences` → docs, `start`/`end` → spans"
        ),
        crate::named!(
            GoldFormat::Docs,
            "docs",
            "One document per line: `{\"sentences\": [...], \"text\"?: \"...\"}`"
        ),
        crate::named!(
            GoldFormat::Spans,
            "spans",
            "One sentence per line with byte offsets into `--text`: `{\"start\": 0, \"end\": 42}`"
        ),
    ];
}

/// One gold document: its text and its boundary keys.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    /// Document id (from the record, or its line number).
    pub id: String,
    /// The text the segmenter sees.
    pub text: String,
    /// Gold boundaries as keys (see [`boundary_key_counts`]), ascending.
    pub boundaries: Vec<usize>,
}

/// A boundary the segmenter got wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Miss {
    /// Document id.
    pub doc: String,
    /// `missed` (in gold, not found) or `extra` (found, not in gold).
    pub kind: &'static str,
    /// Byte offset of the boundary in the document text.
    pub offset: usize,
    /// Up to 40 characters either side, with `⟦|⟧` at the boundary.
    pub context: String,
}

/// Counts for one gold file.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Score {
    /// Documents scored.
    pub docs: usize,
    /// Documents whose boundaries all match.
    pub docs_exact: usize,
    /// Gold boundaries.
    pub gold: usize,
    /// Boundaries found by the segmenter.
    pub found: usize,
    /// Boundaries in both.
    pub correct: usize,
    /// The wrong ones.
    pub misses: Vec<Miss>,
}

impl Score {
    /// correct / found (1 when nothing was found and nothing was expected).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.found, self.gold == 0)
    }

    /// correct / gold (1 when there was nothing to find).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold, true)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(numerator: usize, denominator: usize, empty_is_perfect: bool) -> f64 {
    if denominator == 0 {
        if empty_is_perfect { 1.0 } else { 0.0 }
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Whether `c` is ignored when comparing boundary positions.
fn is_ignored(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// The key of every byte offset in `ends` (ascending): the number of non-whitespace characters
/// of `text` before it.
pub fn boundary_key_counts(text: &str, ends: &[usize]) -> Vec<usize> {
    let mut keys = Vec::with_capacity(ends.len());
    let mut count = 0;
    let mut from = 0;
    for &end in ends {
        count += text[from..end].chars().filter(|&c| !is_ignored(c)).count();
        from = end;
        keys.push(count);
    }
    keys
}

/// Scores the segmenter on `docs`.
pub fn score(docs: &[GoldDoc], options: &Options) -> Score {
    let mut total = Score::default();
    for doc in docs {
        let spans = segment::split(&doc.text, options);
        let ends: Vec<usize> = spans
            .iter()
            .take(spans.len().saturating_sub(1))
            .map(|s| s.span.end)
            .collect();
        let found = boundary_key_counts(&doc.text, &ends);
        let found_set: HashSet<usize> = found.iter().copied().collect();
        let gold_set: HashSet<usize> = doc.boundaries.iter().copied().collect();
        let correct = found_set.intersection(&gold_set).count();
        total.docs += 1;
        total.gold += gold_set.len();
        total.found += found_set.len();
        total.correct += correct;
        if correct == gold_set.len() && correct == found_set.len() {
            total.docs_exact += 1;
            continue;
        }
        for &key in doc.boundaries.iter().filter(|k| !found_set.contains(k)) {
            total.misses.push(miss(doc, "missed", key));
        }
        for &key in found.iter().filter(|k| !gold_set.contains(k)) {
            total.misses.push(miss(doc, "extra", key));
        }
    }
    total
}

fn miss(doc: &GoldDoc, kind: &'static str, key: usize) -> Miss {
    let offset = offset_of_key(&doc.text, key);
    let before: String = {
        let mut chars: Vec<char> = doc.text[..offset].chars().rev().take(40).collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    let after: String = doc.text[offset..].chars().take(40).collect();
    Miss {
        doc: doc.id.clone(),
        kind,
        offset,
        context: format!("{before}⟦|⟧{after}").replace(['\n', '\r'], " "),
    }
}

/// The byte offset just after the `key`-th non-whitespace character.
fn offset_of_key(text: &str, key: usize) -> usize {
    if key == 0 {
        return 0;
    }
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if !is_ignored(c) {
            count += 1;
            if count == key {
                return i + c.len_utf8();
            }
        }
    }
    text.len()
}

/// How to read a gold file.
#[derive(Debug, Clone, Copy)]
pub struct GoldSource<'a> {
    /// The file's format.
    pub format: GoldFormat,
    /// For span gold: the text the offsets point into.
    pub text: Option<&'a Path>,
    /// Keep records marked `"commented_out_in_sentencex": true`.
    pub all_cases: bool,
    /// Field of a docs record that holds the sentences.
    pub sentences_field: &'a str,
}

impl Default for GoldSource<'_> {
    fn default() -> Self {
        GoldSource {
            format: GoldFormat::Auto,
            text: None,
            all_cases: false,
            sentences_field: "sentences",
        }
    }
}

/// Reads a gold file into documents.
pub fn read_gold(path: &Path, source: &GoldSource) -> anyhow::Result<Vec<GoldDoc>> {
    let content = read_text(&Source::from_arg(path))?;
    let name = path.display().to_string();
    let records = parse_records(&content, &name)?;
    let format = match source.format {
        GoldFormat::Auto => detect(&records, source.sentences_field).with_context(|| {
            format!("{name}: cannot tell the gold format; pass --gold-format docs|spans")
        })?,
        other => other,
    };
    match format {
        GoldFormat::Docs => docs_from_records(&records, &name, source),
        _ => {
            let Some(text_path) = source.text else {
                bail!("{name}: span gold needs the text it points into; pass --text FILE");
            };
            let text = read_text(&Source::from_arg(text_path))?;
            let doc = doc_from_spans(&records, text, &name)?;
            Ok(vec![doc])
        }
    }
}

/// (line number, record) for every non-empty line.
fn parse_records(content: &str, name: &str) -> anyhow::Result<Vec<(usize, serde_json::Value)>> {
    let mut records = Vec::new();
    for (index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).with_context(|| {
            format!(
                "{name}:{}: not a JSON object; gold files have one JSON object per line",
                index + 1
            )
        })?;
        records.push((index + 1, value));
    }
    Ok(records)
}

fn detect(records: &[(usize, serde_json::Value)], sentences_field: &str) -> Option<GoldFormat> {
    let (_, first) = records.first()?;
    if first.get(sentences_field).is_some() {
        Some(GoldFormat::Docs)
    } else if first.get("start").is_some() && first.get("end").is_some() {
        Some(GoldFormat::Spans)
    } else {
        None
    }
}

fn docs_from_records(
    records: &[(usize, serde_json::Value)],
    name: &str,
    source: &GoldSource,
) -> anyhow::Result<Vec<GoldDoc>> {
    let field = source.sentences_field;
    let mut docs = Vec::new();
    for (line, record) in records {
        let inactive = record
            .get("commented_out_in_sentencex")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        if inactive && !source.all_cases {
            continue;
        }
        let sentences: Vec<&str> = record
            .get(field)
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
            .with_context(|| format!("{name}:{line}: \"{field}\" must be a list of strings"))?;
        let own_text = record.get("text").and_then(serde_json::Value::as_str);
        let text = match own_text {
            Some(text) if field == "sentences" => text.to_string(),
            _ => sentences.join(" "),
        };
        let id = ["doc_id", "id"]
            .iter()
            .find_map(|k| record.get(*k).and_then(serde_json::Value::as_str))
            .map_or_else(|| format!("line {line}"), str::to_string);
        let boundaries = gold_keys(&sentences);
        let text_chars = text.chars().filter(|&c| !is_ignored(c)).count();
        let gold_chars = sentences
            .iter()
            .flat_map(|s| s.chars())
            .filter(|&c| !is_ignored(c))
            .count();
        if text_chars != gold_chars {
            bail!(
                "{name}:{line}: the sentences do not add up to the text ({gold_chars} vs {text_chars} non-space characters); fix the record"
            );
        }
        docs.push(GoldDoc {
            id,
            text,
            boundaries,
        });
    }
    Ok(docs)
}

/// Keys of the ends of all sentences but the last.
fn gold_keys(sentences: &[&str]) -> Vec<usize> {
    let mut keys = Vec::new();
    let mut count = 0;
    for sentence in sentences.iter().take(sentences.len().saturating_sub(1)) {
        count += sentence.chars().filter(|&c| !is_ignored(c)).count();
        keys.push(count);
    }
    keys.dedup();
    keys
}

fn doc_from_spans(
    records: &[(usize, serde_json::Value)],
    text: String,
    name: &str,
) -> anyhow::Result<GoldDoc> {
    let mut ends = Vec::new();
    let mut previous = 0;
    for (line, record) in records {
        let offset = |key: &str| record.get(key).and_then(serde_json::Value::as_u64);
        let (Some(start), Some(end)) = (offset("start"), offset("end")) else {
            bail!("{name}:{line}: a span record needs integer \"start\" and \"end\"");
        };
        let (start, end) = (start as usize, end as usize);
        let valid = start >= previous
            && start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !valid {
            bail!(
                "{name}:{line}: span {start}..{end} is out of order or not on character boundaries of the text ({} bytes); is --text the right file?",
                text.len()
            );
        }
        previous = end;
        ends.push(end);
    }
    ends.pop();
    let boundaries = boundary_key_counts(&text, &ends);
    Ok(GoldDoc {
        id: name.to_string(),
        text,
        boundaries,
    })
}

/// One row of the `eval segment` table: the gold file (cut to 40 characters) and its counts.
pub fn table_row(path: &Path, score: &Score) -> String {
    let mut name = path.display().to_string();
    if name.chars().count() > 40 {
        let tail: String = name
            .chars()
            .rev()
            .take(39)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        name = format!("…{tail}");
    }
    let mut row = String::new();
    let _ = write!(
        row,
        "{:<40} {:>5} {:>5} {:>6} {:>6} {:>7} {:>9.4} {:>7.4} {:>7.4}",
        name,
        score.docs,
        score.docs_exact,
        score.gold,
        score.found,
        score.correct,
        score.precision(),
        score.recall(),
        score.f1()
    );
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn doc(sentences: &[&str]) -> GoldDoc {
        GoldDoc {
            id: "d".into(),
            text: sentences.join(" "),
            boundaries: gold_keys(sentences),
        }
    }

    #[test]
    fn perfect_and_imperfect_scores() {
        let options = Options::new(Lang::parse("ar").unwrap());
        let perfect = score(&[doc(&["جملة أولى.", "جملة ثانية."])], &options);
        assert_eq!((perfect.gold, perfect.found, perfect.correct), (1, 1, 1));
        assert_eq!(perfect.f1(), 1.0);
        // Gold says one sentence; the segmenter finds two: one extra boundary.
        let extra = score(&[doc(&["جملة أولى. جملة ثانية."])], &options);
        assert_eq!((extra.gold, extra.found, extra.correct), (0, 1, 0));
        assert_eq!(extra.precision(), 0.0);
        assert_eq!(extra.misses[0].kind, "extra");
        assert!(extra.misses[0].context.contains("أولى.⟦|⟧ جملة"));
        // Gold says two, the segmenter cannot see the boundary (no terminator): one missed.
        let missed = score(&[doc(&["بدون نهاية", "ثم جملة."])], &options);
        assert_eq!((missed.gold, missed.found, missed.correct), (1, 0, 0));
        assert_eq!(missed.recall(), 0.0);
        assert_eq!(missed.f1(), 0.0);
    }

    #[test]
    fn keys_ignore_whitespace_differences() {
        let text = "a.  b.\n c.";
        assert_eq!(boundary_key_counts(text, &[2, 6]), [2, 4]);
        assert_eq!(gold_keys(&["a.", "b.", "c."]), [2, 4]);
        assert_eq!(offset_of_key(text, 4), 6);
    }

    #[test]
    fn spans_gold_is_validated() {
        let records = vec![(1, serde_json::json!({"start": 0, "end": 99}))];
        let err = doc_from_spans(&records, "short".into(), "g.jsonl").unwrap_err();
        assert!(err.to_string().starts_with("g.jsonl:1: span 0..99"));
    }
}
