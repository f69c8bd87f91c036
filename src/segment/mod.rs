//! Sentence segmentation: paragraphs and sentences as byte spans into the original text.
//!
//! The text is never copied or changed: every sentence is a byte range of the input, trimmed
//! of whitespace (and of a BOM), and the ranges plus the gaps between them rebuild the input.
//!
//! - **Paragraphs** are separated by blank lines: lines with nothing but whitespace and
//!   invisible format characters (see [`normalize::is_invisible`]). LF, CRLF and CR all end a
//!   line, so a CRLF blank line is a paragraph break.
//! - **Lines**: a single line break (or U+2028, U+2029, NEL) ends a sentence too, because news
//!   text puts headlines, datelines and bylines on lines of their own, unless
//!   [`Options::join_lines`] says the text is hard-wrapped prose.
//! - **Terminators**: `. ! ? ؟ ۔ …` (and `‼ ⁇ ⁈ ⁉ ؞ 。 ！ ？ ．`), in runs (`?!`, `...`),
//!   followed by closing quotes and brackets (`” » " ’ ) ]`) that stay with the sentence. A
//!   period glued to the next word (`انتهى.وبدأ`) still ends it; a space before the terminator
//!   (` .`, ` ؟`) changes nothing. `،` `؛` and `:` never end a sentence.
//! - **Not an ending**: decimals and grouped numbers in any digit set (`2.5`, `٢.٥`, `10.30`);
//!   abbreviations (`د.` `أ.د.` `ص.ب.`, a single Arabic letter, `Mr.` `e.g.` `U.S.`, French
//!   `Mme.` with `lang = fr`), compared after folding alef variants and dropping tatweel; Latin
//!   initials (`J. K. Rowling`); list numbers (`1. `); URLs, e-mail addresses and domains; a
//!   bracketed ellipsis (`[…]`, `(...)`); a terminator inside a bracket that goes on after it,
//!   or inside a quotation that is a part of its sentence (one that neither opens the sentence
//!   nor ends with a terminator of its own: `قال: "A. B".`, `عبارة «A. B» ما زالت`); a short
//!   quoted title or slogan after a word (`لافتة «ارحل!» أمام`); a question followed by
//!   `أو`/`أم` ("or"); an ellipsis followed by anything but a capital letter (in Arabic, an
//!   ellipsis mostly marks a pause inside the sentence), and any ellipsis inside a quotation.
//! - **Quotations made of sentences** (opening the sentence, or ending with their own
//!   terminator: `قال: «A. B.»`) are split into those sentences, each still inside the
//!   quotation, the closing quote staying with the last one, as UD, the ersatz suite and SRX
//!   rules segment them.
//! - **Ambiguous abbreviations** end a sentence only when the next word says so: `إلخ.` and
//!   era markers after a year (`2003 م.`, `1444 هـ.`) when a clause opener follows (`وقال`,
//!   `كما`…); `etc.` `Inc.` when a capitalised word follows; `U.S.` `Jan.` when a typical
//!   sentence opener (`The`, `He`…) follows.
//! - Bidi and format characters (RLM, LRM, ALM, LRE…PDF, LRI…PDI, ZWNJ) and diacritics do not
//!   hide a boundary and stay inside the spans.
//!
//! Invariants (checked by property tests): spans are in order, non-empty, do not overlap, lie
//! on char boundaries, never start or end with whitespace or U+FEFF, never cross a paragraph
//! (nor a line unless lines are joined), and every character that is neither whitespace nor an
//! invisible format character lies inside a span: the gaps hold only whitespace and invisible
//! characters. Time is linear in the input; memory is the output plus small buffers.

pub mod abbreviations;
pub mod normalize;
mod rules;

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
/// them rebuild `text` exactly. See the module documentation for the rules.
pub fn split(text: &str, options: &Options) -> Vec<SentenceSpan> {
    sentences(text, options).collect()
}

/// The sentences of `text`, one at a time, without collecting them: what [`split`] returns,
/// for callers that stream (`tarjama split` on a large file).
pub fn sentences<'a>(text: &'a str, options: &Options) -> Sentences<'a> {
    Sentences {
        text,
        rules: rules::Rules {
            french: options.lang.primary() == "fr",
            join_lines: options.join_lines,
        },
        lines: Lines::new(text),
        para: None,
        in_paragraph: false,
        next_id: 0,
        pieces: Vec::new(),
        piece_index: 0,
        scratch: rules::Scratch::default(),
    }
}

/// The paragraphs of `text`: byte ranges from the first to the last visible character of each
/// run of non-blank lines (blank = only whitespace and invisible characters).
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut open = false;
    for line in Lines::new(text) {
        match trim_range(text, line) {
            None => open = false,
            Some(trimmed) if open => {
                if let Some(last) = out.last_mut() {
                    last.end = trimmed.end;
                }
            }
            Some(trimmed) => {
                out.push(trimmed);
                open = true;
            }
        }
    }
    out
}

/// Iterator over the sentences of a text; see [`sentences`].
#[derive(Debug)]
pub struct Sentences<'a> {
    text: &'a str,
    rules: rules::Rules,
    lines: Lines<'a>,
    para: Option<usize>,
    in_paragraph: bool,
    next_id: usize,
    pieces: Vec<Range<usize>>,
    piece_index: usize,
    scratch: rules::Scratch,
}

impl Iterator for Sentences<'_> {
    type Item = SentenceSpan;

    fn next(&mut self) -> Option<SentenceSpan> {
        loop {
            while let Some(piece) = self.pieces.get(self.piece_index) {
                self.piece_index += 1;
                if let Some(span) = trim_range(self.text, piece.clone()) {
                    let id = self.next_id;
                    self.next_id += 1;
                    let para = self.para.unwrap_or(0);
                    return Some(SentenceSpan { id, para, span });
                }
            }
            let unit = self.next_unit()?;
            self.pieces.clear();
            self.piece_index = 0;
            rules::split_unit(
                self.text,
                unit,
                &self.rules,
                &mut self.scratch,
                &mut self.pieces,
            );
        }
    }
}

impl Sentences<'_> {
    /// The next line (or, joining lines, paragraph) with visible content, updating the
    /// paragraph count.
    fn next_unit(&mut self) -> Option<Range<usize>> {
        let line = loop {
            let line = self.lines.next()?;
            if is_blank(&self.text[line.clone()]) {
                self.in_paragraph = false;
                continue;
            }
            break line;
        };
        if !self.in_paragraph {
            self.in_paragraph = true;
            self.para = Some(self.para.map_or(0, |p| p + 1));
        }
        if !self.rules.join_lines {
            return Some(line);
        }
        let mut unit = line;
        for next in self.lines.by_ref() {
            if is_blank(&self.text[next.clone()]) {
                self.in_paragraph = false;
                break;
            }
            unit.end = next.end;
        }
        Some(unit)
    }
}

/// Lines of a text: byte ranges without their line end (LF, CRLF or CR).
#[derive(Debug)]
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        if start >= self.bytes.len() {
            return None;
        }
        match memchr::memchr2(b'\n', b'\r', &self.bytes[start..]) {
            Some(offset) => {
                let end = start + offset;
                let crlf = self.bytes[end] == b'\r' && self.bytes.get(end + 1) == Some(&b'\n');
                self.pos = end + if crlf { 2 } else { 1 };
                Some(start..end)
            }
            None => {
                self.pos = self.bytes.len();
                Some(start..self.bytes.len())
            }
        }
    }
}

/// Whitespace or a BOM: never at the edge of a span.
fn is_edge_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// Whether a line has nothing visible: only whitespace and invisible format characters.
fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || normalize::is_invisible(c))
}

/// `range` without edge spaces, or `None` if nothing visible is left.
fn trim_range(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = &text[range.clone()];
    let start_trimmed = piece.trim_start_matches(is_edge_space);
    let trimmed = start_trimmed.trim_end_matches(is_edge_space);
    if is_blank(trimmed) {
        return None;
    }
    let start = range.start + (piece.len() - start_trimmed.len());
    Some(start..start + trimmed.len())
}

#[cfg(test)]
mod tests;
