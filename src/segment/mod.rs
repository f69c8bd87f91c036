//! Sentence segmentation: paragraphs and sentences as byte spans into the original text.
//!
//! PLACEHOLDER implementation (splits at `. ! ? ؟` and line breaks); the real Arabic-aware
//! segmenter replaces it. The API is the contract: `split(text, &Options) -> Vec<SentenceSpan>`.

pub mod normalize;

use std::ops::Range;

use crate::lang::Lang;

/// How to segment.
#[derive(Debug, Clone)]
pub struct Options {
    /// Language of the text (abbreviation lists and rules depend on it).
    pub lang: Lang,
    /// Treat single line breaks as spaces (hard-wrapped prose) instead of sentence ends.
    pub join_lines: bool,
}

impl Options {
    /// Default options for a language.
    pub fn new(lang: Lang) -> Options {
        Options {
            lang,
            join_lines: false,
        }
    }
}

/// One sentence: its id, its paragraph and its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceSpan {
    /// 0-based sentence id in document order.
    pub id: usize,
    /// 0-based paragraph index.
    pub para: usize,
    /// Byte range into the original text; never starts or ends with whitespace.
    pub span: Range<usize>,
}

/// Splits `text` into sentences. Spans are in order, do not overlap, and with the gaps between
/// them rebuild `text` exactly.
pub fn split(text: &str, _options: &Options) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    let mut para = 0;
    let mut pending_para_break = false;
    let mut start: Option<usize> = None;
    let mut newlines = 0;
    let push = |out: &mut Vec<SentenceSpan>, s: usize, e: usize, para: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            out.push(SentenceSpan {
                id: out.len(),
                para,
                span: s + lead..e - trail,
            });
        }
    };
    for (i, c) in text.char_indices() {
        if c == '\n' {
            newlines += 1;
            if newlines >= 2 && !out.is_empty() {
                pending_para_break = true;
            }
            if let Some(s) = start.take() {
                push(&mut out, s, i, para);
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        newlines = 0;
        if start.is_none() {
            if pending_para_break {
                para += 1;
                pending_para_break = false;
            }
            start = Some(i);
        }
        if matches!(c, '.' | '!' | '?' | '؟') {
            let s = start.take().unwrap_or(i);
            push(&mut out, s, i + c.len_utf8(), para);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, text.len(), para);
    }
    out
}
