//! Sentence boundaries inside one unit: a line, or a whole paragraph with `join_lines`.
//!
//! One pass over the bytes collects the few characters that matter (terminators, quotes,
//! brackets, hard line separators); quotes and brackets are then paired, and each terminator
//! run is judged by the rules below. Everything else is skipped a byte at a time through a
//! lookup table, which keeps the segmenter near memory speed on Arabic text.

use std::ops::Range;

use super::abbreviations::{self, TokenKind};
use super::normalize::{is_digit, is_invisible};

/// Settings the rules depend on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// Apply the French abbreviation list.
    pub french: bool,
    /// Line separators (U+2028, U+2029, NEL) are spaces, not sentence ends.
    pub join_lines: bool,
}

/// Buffers reused from unit to unit so that segmenting allocates almost nothing.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    events: Vec<(usize, char)>,
    stack: Vec<(usize, Enclosure)>,
    pairs: Vec<(usize, usize)>,
    form: String,
}

/// Kinds of quotes and brackets, for pairing. `*Rev` are quotes written the other way round
/// (`»…«`, `”…“`), which Arabic text does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enclosure {
    Paren,
    Bracket,
    Brace,
    Guillemet,
    GuillemetRev,
    Curly,
    CurlyRev,
    Ascii,
}

/// Bytes that may belong to a character the rules care about; everything else is skipped.
/// Arabic letters all start with D8 or D9, so `؟` (D8 9F), `؞` (D8 9E) and `۔` (DB 94) are
/// found by their *second* byte, which is rare in Arabic text: the branch stays predictable.
static INTERESTING: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b".!?\"()[]{}";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    // Second bytes of ؟ ؞ ۔; lead bytes of « » NEL (C2), … “ ” „ ‼ ⁇ ⁈ ⁉ U+2028 U+2029 (E2),
    // 。 (E3), fullwidth ！ ． ？ (EF).
    table[0x9F] = true;
    table[0x9E] = true;
    table[0x94] = true;
    table[0xC2] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

/// Whether `c` can end a sentence.
pub(crate) fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '\u{061F}' // ؟
            | '\u{06D4}' // ۔ Urdu full stop
            | '\u{061E}' // ؞
            | '\u{2026}' // …
            | '\u{203C}' // ‼
            | '\u{2047}'
            ..='\u{2049}' // ⁇ ⁈ ⁉
            | '\u{3002}' // 。
            | '\u{FF01}' // ！
            | '\u{FF0E}' // ．
            | '\u{FF1F}' // ？
    )
}

/// Characters that end a line inside a unit (only when lines are not joined).
fn is_hard_break(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

/// Closing quotes and brackets that stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '»' | '’' | ')' | ']' | '}' | '›' | '」' | '』' | '\u{FD3E}' | '\u{FD3F}'
    )
}

/// If the text at `i` is a short space (at most 3 bytes, no line break) followed by a closing
/// quote or bracket that ends a word, the position of that closer.
fn spaced_closer(text: &str, i: usize, limit: usize) -> Option<usize> {
    let rest = &text[i..limit];
    let after_spaces = rest.trim_start_matches([' ', '\u{00A0}', '\u{202F}', '\t']);
    let skipped = rest.len() - after_spaces.len();
    let mut chars = after_spaces.chars();
    // A closer glued to the next word opens instead (`»قال` in reversed quoting stays out).
    let closer = chars.next().is_some_and(is_closer) && !chars.next().is_some_and(is_word_char);
    (skipped > 0 && skipped <= 3 && closer).then_some(i + skipped)
}

/// Opening quotes and brackets.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '“' | '«' | '„' | '‘' | '(' | '[' | '{' | '‹' | '"' | '「' | '『'
    )
}

fn is_event_char(c: char) -> bool {
    is_terminator(c)
        || is_hard_break(c)
        || matches!(
            c,
            '"' | '(' | ')' | '[' | ']' | '{' | '}' | '«' | '»' | '“' | '”' | '„'
        )
}

/// A letter or digit of any script; Arabic and ASCII are answered without Unicode tables
/// (this is called for a few characters around every terminator).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if abbreviations::is_arabic_letter(c) || is_digit(c) {
        return true;
    }
    c.is_alphanumeric()
}

/// A lower-case Latin letter (only Latin letters have case in the texts tarjama segments; an
/// Arabic word never says "the sentence goes on").
fn is_latin_lowercase(c: char) -> bool {
    c.is_ascii_lowercase() || (abbreviations::is_latin_letter(c) && c.is_lowercase())
}

/// The character at byte `i` (which must be a char boundary and < text.len()).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// The last character before byte `i` that is not invisible (bidi marks…), at or after `floor`.
fn visible_char_before(text: &str, i: usize, floor: usize) -> Option<char> {
    text[floor..i].chars().rev().find(|&c| !is_invisible(c))
}

/// Collects the characters that matter in `range`.
fn scan_events(text: &str, range: Range<usize>, events: &mut Vec<(usize, char)>) {
    events.clear();
    let bytes = text.as_bytes();
    let mut i = range.start;
    while i < range.end {
        let b = bytes[i];
        if !INTERESTING[b as usize] {
            i += 1;
            continue;
        }
        match b {
            b'.' | b'!' | b'?' | b'"' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                events.push((i, b as char));
                i += 1;
            }
            0x94 | 0x9E | 0x9F => {
                // A continuation byte: an event only after the right lead byte.
                let lead = if i > range.start { bytes[i - 1] } else { 0 };
                match (lead, b) {
                    (0xD8, 0x9F) => events.push((i - 1, '\u{061F}')),
                    (0xD8, 0x9E) => events.push((i - 1, '\u{061E}')),
                    (0xDB, 0x94) => events.push((i - 1, '\u{06D4}')),
                    _ => {}
                }
                i += 1;
            }
            _ => {
                let c = char_at(text, i);
                if is_event_char(c) {
                    events.push((i, c));
                }
                i += c.len_utf8();
            }
        }
    }
}

/// Pairs quotes and brackets; `pairs` gets (open, close) byte positions sorted by open.
/// Unpaired marks are ignored, so a stray quote cannot swallow the rest of a unit.
fn pair_enclosures(scratch: &mut Scratch) {
    let Scratch {
        events,
        stack,
        pairs,
        ..
    } = scratch;
    stack.clear();
    pairs.clear();
    for &(pos, c) in events.iter() {
        use Enclosure::*;
        match c {
            '(' => stack.push((pos, Paren)),
            '[' => stack.push((pos, Bracket)),
            '{' => stack.push((pos, Brace)),
            '„' => stack.push((pos, Curly)),
            ')' => close(stack, pairs, pos, Paren),
            ']' => close(stack, pairs, pos, Bracket),
            '}' => close(stack, pairs, pos, Brace),
            '«' => open_or_close(stack, pairs, pos, Guillemet, GuillemetRev),
            '»' => open_or_close(stack, pairs, pos, GuillemetRev, Guillemet),
            '“' => open_or_close(stack, pairs, pos, Curly, CurlyRev),
            '”' => open_or_close(stack, pairs, pos, CurlyRev, Curly),
            '"' => open_or_close(stack, pairs, pos, Ascii, Ascii),
            _ => {}
        }
    }
    pairs.sort_unstable();
}

/// How far down the stack a closing mark looks for its opener.
const PAIRING_DEPTH: usize = 8;

fn find_open(stack: &[(usize, Enclosure)], kind: Enclosure) -> Option<usize> {
    stack
        .iter()
        .enumerate()
        .rev()
        .take(PAIRING_DEPTH)
        .find(|(_, (_, k))| *k == kind)
        .map(|(index, _)| index)
}

fn close(
    stack: &mut Vec<(usize, Enclosure)>,
    pairs: &mut Vec<(usize, usize)>,
    pos: usize,
    kind: Enclosure,
) {
    if let Some(index) = find_open(stack, kind) {
        pairs.push((stack[index].0, pos));
        stack.truncate(index);
    }
}

/// A mark that closes `closes` if one is open, else opens `opens`.
fn open_or_close(
    stack: &mut Vec<(usize, Enclosure)>,
    pairs: &mut Vec<(usize, usize)>,
    pos: usize,
    opens: Enclosure,
    closes: Enclosure,
) {
    if find_open(stack, closes).is_some() {
        close(stack, pairs, pos, closes);
    } else {
        stack.push((pos, opens));
    }
}

/// A run of terminators with the closing marks after it.
#[derive(Debug, Default)]
struct Run {
    /// Byte after the closing quotes/brackets: where the sentence would end.
    end: usize,
    periods: u32,
    ellipsis: bool,
    strong: bool,
    full_stop: bool,
    only_questions: bool,
}

impl Run {
    fn measure(text: &str, start: usize, limit: usize) -> Run {
        let mut run = Run {
            only_questions: true,
            ..Run::default()
        };
        let mut i = start;
        while i < limit {
            let c = char_at(text, i);
            if is_terminator(c) {
                run.add(c);
            } else if matches!(c, '"' | '\'' | '«') {
                // A quote that can open as well as close (`«` closes reversed `»…«`) closes
                // only if no word is glued after it: `انتهى.«قال` starts a new quotation.
                let after = text[i + c.len_utf8()..limit].chars().next();
                if after.is_some_and(is_word_char) {
                    break;
                }
            } else if is_closer(c) || is_invisible(c) {
                // absorbed
            } else if let Some(spaced) = spaced_closer(text, i, limit) {
                // French and machine-translated spacing: `Je pars. »`, `انتهى . ”`.
                i = spaced;
                continue;
            } else {
                break;
            }
            i += c.len_utf8();
        }
        run.end = i;
        run
    }

    fn add(&mut self, c: char) {
        match c {
            '.' => self.periods += 1,
            '\u{2026}' => self.ellipsis = true,
            '\u{06D4}' | '\u{061E}' | '\u{3002}' | '\u{FF0E}' => self.full_stop = true,
            _ => self.strong = true,
        }
        if !matches!(c, '?' | '\u{061F}' | '\u{FF1F}') {
            self.only_questions = false;
        }
    }

    fn is_ellipsis(&self) -> bool {
        !self.strong && !self.full_stop && (self.ellipsis || self.periods >= 2)
    }
}

/// How many quotation and bracket pairs back the rules look for the ones around a terminator.
const ENCLOSING_LOOKBACK: usize = 32;

/// Most words a quotation may have to read as a title or slogan inside a sentence.
const TITLE_WORDS: usize = 4;

/// Longest token the rules look at around a terminator; longer tokens are ordinary words.
const TOKEN_LIMIT: usize = 64;

/// The whitespace-delimited token that ends at `end` (looking back at most `TOKEN_LIMIT` bytes
/// and not before `floor`). Returns its start.
fn token_start_before(text: &str, end: usize, floor: usize) -> usize {
    let mut start = end;
    for (i, c) in text[floor..end].char_indices().rev() {
        if c.is_whitespace() || end - (floor + i) > TOKEN_LIMIT {
            break;
        }
        start = floor + i;
    }
    start
}

/// The word that starts at the first letter or digit at or after `from` (up to `limit`), past
/// spaces and opening quotes: letters, digits and marks, at most `TOKEN_LIMIT` bytes.
fn word_after(text: &str, from: usize, limit: usize) -> &str {
    let rest = &text[from..limit];
    let trimmed =
        rest.trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c) || is_opener(c));
    let start = from + (rest.len() - trimmed.len());
    let mut end = start;
    for (i, c) in trimmed.char_indices() {
        let word_char = is_word_char(c) || is_invisible(c) || c == '\u{0640}';
        let mark = super::normalize::is_diacritic(c);
        if !(word_char || mark) || i >= TOKEN_LIMIT {
            break;
        }
        end = start + i + c.len_utf8();
    }
    &text[start..end]
}

/// Whether the token around `at` looks like a URL or an e-mail address.
fn in_url_or_email(text: &str, at: usize, unit: &Range<usize>) -> bool {
    let start = token_start_before(text, at, unit.start);
    let after = &text[at..unit.end];
    let end = at
        + after
            .char_indices()
            .take_while(|&(i, c)| !c.is_whitespace() && i < TOKEN_LIMIT)
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
    let token = &text[start..end];
    let token = token.trim_start_matches(|c: char| !is_word_char(c));
    token.contains("://")
        || token
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("www."))
        || token.contains('@')
}

fn is_latin_or_digit(c: char) -> bool {
    c.is_ascii_digit() || abbreviations::is_latin_letter(c)
}

/// Splits one unit into pieces (untrimmed ranges that together cover the unit), pushed to `out`.
pub(crate) fn split_unit(
    text: &str,
    unit: Range<usize>,
    rules: &Rules,
    scratch: &mut Scratch,
    out: &mut Vec<Range<usize>>,
) {
    scan_events(text, unit.clone(), &mut scratch.events);
    if scratch.events.is_empty() {
        out.push(unit);
        return;
    }
    pair_enclosures(scratch);
    let mut walk = Walk {
        text,
        unit: unit.clone(),
        rules,
        sentence_start: unit.start,
        first_content: None,
        content_checked: unit.start,
        pair_index: 0,
        max_close: None,
    };
    let mut consumed = unit.start;
    for index in 0..scratch.events.len() {
        let (pos, c) = scratch.events[index];
        if pos < consumed {
            continue;
        }
        if is_hard_break(c) {
            if !rules.join_lines {
                out.push(walk.sentence_start..pos);
                walk.start_sentence(pos + c.len_utf8());
            }
            continue;
        }
        if !is_terminator(c) {
            continue;
        }
        walk.advance_pairs(&scratch.pairs, pos);
        let run = Run::measure(text, pos, unit.end);
        consumed = run.end;
        if let Some(end) = walk.decide(pos, &run, &scratch.pairs, &mut scratch.form) {
            out.push(walk.sentence_start..end);
            walk.start_sentence(end);
        }
    }
    out.push(walk.sentence_start..unit.end);
}

/// State of the walk over one unit's terminators.
struct Walk<'t, 'r> {
    text: &'t str,
    unit: Range<usize>,
    rules: &'r Rules,
    sentence_start: usize,
    /// Byte position of the sentence's first letter or digit, once found.
    first_content: Option<usize>,
    /// How far the search for it has looked.
    content_checked: usize,
    pair_index: usize,
    /// Largest closing position among the pairs opened so far.
    max_close: Option<usize>,
}

impl Walk<'_, '_> {
    fn start_sentence(&mut self, at: usize) {
        self.sentence_start = at;
        self.first_content = None;
        self.content_checked = at;
    }

    fn advance_pairs(&mut self, pairs: &[(usize, usize)], pos: usize) {
        while let Some(&(open, close)) = pairs.get(self.pair_index) {
            if open >= pos {
                break;
            }
            self.max_close = Some(self.max_close.map_or(close, |m| m.max(close)));
            self.pair_index += 1;
        }
    }

    /// Whether the sentence so far has a letter or digit (a run of punctuation alone is not a
    /// sentence). Amortised linear: each byte is looked at once per sentence.
    fn has_content_before(&mut self, pos: usize) -> bool {
        if self.first_content.is_none() && self.content_checked < pos {
            let from = self.content_checked;
            self.first_content = self.text[from..pos]
                .char_indices()
                .find(|&(_, c)| is_word_char(c))
                .map(|(i, _)| from + i);
            self.content_checked = pos;
        }
        self.first_content.is_some()
    }

    /// Where the sentence ends if the terminator run at `pos` ends it.
    fn decide(
        &mut self,
        pos: usize,
        run: &Run,
        pairs: &[(usize, usize)],
        form: &mut String,
    ) -> Option<usize> {
        let text = self.text;
        let end = run.end;
        if !self.has_content_before(pos) {
            return None;
        }
        // `[…]`, `(...)`, `(؟)`: a terminator right after an opening bracket is not an ending.
        let after_opener = visible_char_before(text, pos, self.sentence_start)
            .is_some_and(|c| is_opener(c) && c != '"');
        if after_opener {
            return None;
        }
        // Inside a bracket, or a quotation that is part of a sentence, that goes on after this
        // run: the sentence goes on too. A quotation made of sentences is split into them.
        if self.max_close.is_some_and(|close| close >= end)
            && !self.ends_inside_quotation(end, run, pairs)
        {
            return None;
        }
        if end >= self.unit.end {
            return Some(end);
        }
        let next = char_at(text, end);
        let glued = !next.is_whitespace();
        if glued && in_url_or_email(text, pos, &self.unit) {
            return None;
        }
        if run.strong {
            if self.closes_embedded_title(pos, end, pairs) {
                return None;
            }
            return self.after_strong(end, run);
        }
        if run.full_stop {
            return Some(end);
        }
        if run.is_ellipsis() {
            let word = word_after(text, end, self.unit.end);
            let capital = word.chars().next().is_some_and(|c| c.is_uppercase());
            return capital.then_some(end);
        }
        if glued {
            self.after_glued_period(pos, end, next)
        } else {
            self.after_spaced_period(pos, end, form)
        }
    }

    /// Whether the terminator run at `pos..end`, inside one or more quotations (and no
    /// bracket) that go on after it, may end a sentence: the outermost quotation is speech made
    /// of sentences, and another word follows inside it. Speech made of sentences either opens
    /// the sentence (`«خلقت الأسواق ... التاريخ. لقد أخرجت ...»`: nothing but the quotation)
    /// or ends with its own terminator (`قال: "A. B."`), as UD, the ersatz suite and SRX
    /// rules segment it. A quotation without its own final terminator is a part of the
    /// sentence around it (`قال: "A. B".`, `قال «لن نعود. أبدا» ثم غادر`): one sentence, as UD
    /// Arabic-PUD has it. An ellipsis does not end a sentence there. The usual rules then
    /// decide, as outside quotations.
    fn ends_inside_quotation(&mut self, end: usize, run: &Run, pairs: &[(usize, usize)]) -> bool {
        // An ellipsis in quoted speech mostly marks words left out (“credit … While”).
        if run.is_ellipsis() {
            return false;
        }
        let text = self.text;
        let mut outermost = None;
        for &(open, close) in pairs[..self.pair_index]
            .iter()
            .rev()
            .take(ENCLOSING_LOOKBACK)
        {
            if close < end {
                continue;
            }
            if matches!(char_at(text, open), '(' | '[' | '{') {
                return false;
            }
            outermost = Some((open, close));
        }
        // Pairs nest, so the outermost one closes last, at `max_close`; if it is further back
        // than the look-back (far more pairs than a sentence has), keep the quotation whole.
        let Some((open, close)) = outermost.filter(|&(_, close)| Some(close) == self.max_close)
        else {
            return false;
        };
        if word_after(text, end, close).is_empty() {
            return false;
        }
        // decide() found the sentence's first letter or digit before `pos`.
        let opens_sentence =
            open < self.sentence_start || self.first_content.is_some_and(|first| first > open);
        let own_terminator = text[open..close]
            .chars()
            .rev()
            .take(TOKEN_LIMIT)
            .find(|&c| !c.is_whitespace() && !is_invisible(c) && !is_closer(c) && c != '"')
            .is_some_and(is_terminator);
        opens_sentence || own_terminator
    }

    /// Whether the run at `pos..end` closes a short quotation set inside the sentence like a
    /// title or a slogan (`رفعوا لافتة «ارحل!» أمام الوزارة`, `فيلم «من أنا؟» في المهرجان`):
    /// at most `TITLE_WORDS` words, opened right after a word (no colon or comma between), and
    /// no capital letter after it. The sentence goes on.
    fn closes_embedded_title(&self, pos: usize, end: usize, pairs: &[(usize, usize)]) -> bool {
        let text = self.text;
        let Some(&(open, _)) = pairs[..self.pair_index]
            .iter()
            .rev()
            .take(ENCLOSING_LOOKBACK)
            .find(|&&(open, close)| close > pos && close < end && open >= self.sentence_start)
        else {
            return false;
        };
        if matches!(char_at(text, open), '(' | '[' | '{') {
            return false;
        }
        let after_word = text[self.sentence_start..open]
            .trim_end_matches(|c: char| c.is_whitespace() || is_invisible(c))
            .chars()
            .next_back()
            .is_some_and(is_word_char);
        let short = text[open..pos]
            .split_whitespace()
            .nth(TITLE_WORDS)
            .is_none();
        let capital = word_after(text, end, self.unit.end)
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        after_word && short && !capital
    }

    /// `?` `!` `؟`: an ending, except a question followed by "or" (`؟ أو`, `؟ أم`, `? Or`),
    /// which offers an alternative inside the same sentence, and a lower-case Latin word
    /// (`"Really?" he asked`).
    fn after_strong(&self, end: usize, run: &Run) -> Option<usize> {
        let word = word_after(self.text, end, self.unit.end);
        if run.only_questions && matches!(word, "أو" | "او" | "أم" | "ام" | "or" | "Or") {
            return None;
        }
        if word.starts_with(is_latin_lowercase) {
            return None;
        }
        Some(end)
    }

    /// A period with no space after it: `انتهى.وبدأ` ends; `2.5`, `example.com`, `U.S`, `أ.د`
    /// and `e.g.,` do not.
    fn after_glued_period(&self, pos: usize, end: usize, next: char) -> Option<usize> {
        let text = self.text;
        let prev = visible_char_before(text, pos, self.unit.start);
        if is_word_char(next) {
            let prev = prev?;
            if is_digit(prev) && is_digit(next) {
                return None;
            }
            if is_latin_or_digit(prev) && is_latin_or_digit(next) {
                return None;
            }
            let start = token_start_before(text, pos, self.sentence_start);
            let segment = text[start..pos].rsplit('.').next().unwrap_or_default();
            let mut letters = segment.chars().filter(|&c| !is_invisible(c));
            let single_letter =
                letters.next().is_some_and(char::is_alphabetic) && letters.all(|c| c == '\u{0640}');
            if single_letter {
                return None;
            }
            return Some(end);
        }
        // `انتهى.«قال` ends; `e.g.,` `U.S.-led` `انتهى.،` do not.
        is_opener(next).then_some(end)
    }

    /// A period followed by a space: ends unless the token before it is an abbreviation, an
    /// initial, a list number, or a lower-case Latin word follows.
    fn after_spaced_period(&self, pos: usize, end: usize, form: &mut String) -> Option<usize> {
        let text = self.text;
        let floor = self.sentence_start;
        let token_start = token_start_before(text, pos, floor);
        let raw = text[token_start..pos].trim_start_matches(|c: char| !is_word_char(c));
        if raw.is_empty() {
            return Some(end);
        }
        // decide() has found the sentence's first letter or digit before this period.
        let first_in_sentence = self.first_content.is_none_or(|first| first >= token_start);
        // Abbreviations are short; a long token is a word (or a number).
        let kind = if raw.len() > 16 && !raw.starts_with(is_digit) {
            TokenKind::Word
        } else {
            let before = text[floor..token_start].trim_end();
            let previous_start = token_start_before(text, floor + before.len(), floor);
            let previous = &text[previous_start..floor + before.len()];
            abbreviations::lookup_form(raw, form);
            abbreviations::classify(form, raw, previous, first_in_sentence, self.rules.french)
        };
        let word = || word_after(text, end, self.unit.end);
        let first = || {
            text[end..self.unit.end]
                .chars()
                .find(|&c| !c.is_whitespace() && !is_invisible(c) && !is_opener(c))
        };
        let ends = match kind {
            TokenKind::Prefix | TokenKind::ListNumber => false,
            TokenKind::EndsIfCapital => first().is_some_and(char::is_uppercase),
            TokenKind::EndsIfOpener => abbreviations::opens_latin_sentence(word()),
            TokenKind::EndsIfClause => {
                abbreviations::lookup_form(word(), form);
                abbreviations::opens_arabic_clause(form)
            }
            // Only ASCII/Latin letters have case; an Arabic word never vetoes the boundary.
            TokenKind::Word => !first().is_some_and(is_latin_lowercase),
        };
        ends.then_some(end)
    }
}
