//! Document structure that looks like a fragment but is not one: headings, list items and
//! definition entries.
//!
//! Legal, regulatory and technical texts are full of short verbless lines (`المادة (3)`,
//! `قرارات الشركاء.`, `Partners’ names and particulars.`, `Timeout: the number of seconds…`).
//! A line that is its own paragraph, opens with a list marker, defines a term, or follows a
//! line that announces a list (`… البيانات الآتية:`) is normal structure. A detached fragment
//! is different: it follows a full sentence of the same paragraph (`… الفرعون. المصري تحتمس
//! الثالث.`), and that case stays a fragment.

use crate::bitext::{Bead, Bitext, Sentence};
use crate::quality::text::{trim_closers, trim_openers, word_iter};

/// Words a list item may open with before a colon (`أولاً:`, `ثانياً:`, `First:`), normalised
/// without the tanween alef's diacritic.
const ORDINAL_ADVERBS: &[&str] = &[
    "اولا",
    "ثانيا",
    "ثالثا",
    "رابعا",
    "خامسا",
    "سادسا",
    "سابعا",
    "ثامنا",
    "تاسعا",
    "عاشرا",
    "اخيرا",
];

/// A sentence of more words than this before a list item is a real sentence (a fragment after
/// it is a fragment); a shorter one may be an earlier item of the same list.
const ITEM_WORDS: usize = 8;

/// Whether `text` opens with a list marker: `1.`, `2)`, `(3)`, `(أ)`, `a)`, `-`, `•`, `*`,
/// or an ordinal adverb with a colon (`أولاً:`).
pub fn list_marker(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with(['-', '–', '—', '•', '*', '·', '▪']) {
        return true;
    }
    // `(3)`, `(أ)`, `(iv)`: a short label in brackets.
    if let Some(rest) = t.strip_prefix('(')
        && let Some((label, _)) = rest.split_once(')')
        && (1..=4).contains(&label.chars().count())
        && label.chars().all(char::is_alphanumeric)
    {
        return true;
    }
    // `1.`, `12)`, `3-`, `a)`, `ب-`: a number or a single letter, then `.`, `)` or `-`.
    let label: String = t.chars().take_while(|c| c.is_alphanumeric()).collect();
    let after = t[label.len()..].chars().next();
    let numeric = !label.is_empty() && label.chars().all(char::is_numeric);
    let letter = label.chars().count() == 1;
    if (numeric || letter) && matches!(after, Some('.' | ')' | '-' | '/')) {
        // `3.5 %` is a number, not a label.
        return !t[label.len() + 1..].starts_with(|c: char| c.is_numeric());
    }
    let first = word_iter(t).next().map(|w| {
        crate::quality::text::normalize_arabic_word(w)
            .trim_end_matches('ا')
            .to_string()
            + "ا"
    });
    first.is_some_and(|w| ORDINAL_ADVERBS.contains(&w.as_str()))
        && t[..t.find([':', '：']).unwrap_or(0)]
            .split_whitespace()
            .count()
            == 1
}

/// Whether `text` is a definition entry or a labelled line: a term of at most three words,
/// a colon, then the definition (`الشركة: الشركة المؤسسة بموجب هذا العقد.`, `Port: …`).
pub fn definition(text: &str) -> bool {
    let Some((term, rest)) = trim_openers(text).split_once([':', '：']) else {
        return false;
    };
    let n = word_iter(term).take(4).count();
    (1..=3).contains(&n) && word_iter(rest).next().is_some()
}

/// Whether `text` announces what follows (ends with a colon, `… البيانات الآتية:`).
fn announces(text: &str) -> bool {
    trim_closers(text.trim_end()).ends_with([':', '：'])
}

/// Whether sentence `id` of `sentences` (one side of a bitext, in order) is structure rather
/// than a sentence cut from its neighbour: alone in its paragraph, a list item, a definition
/// entry, or one of the short lines that follow a line announcing a list.
pub fn structural(sentences: &[Sentence], id: usize) -> bool {
    let Some(sentence) = sentences.get(id) else {
        return false;
    };
    let para = sentence.para;
    let first = id == 0 || sentences[id - 1].para != para;
    let last = sentences.get(id + 1).is_none_or(|n| n.para != para);
    if (first && last) || list_marker(&sentence.text) || definition(&sentence.text) {
        return true;
    }
    // Back through the paragraph: a colon before any long sentence means a list.
    for previous in sentences[..id].iter().rev().take_while(|s| s.para == para) {
        if announces(&previous.text) {
            return true;
        }
        if word_iter(&previous.text).nth(ITEM_WORDS).is_some() {
            return false;
        }
    }
    false
}

/// A heading has at most this many words.
const HEADING_WORDS: usize = 8;

/// Whether sentence `id` is a heading: alone in its paragraph, short, and with no final
/// punctuation (`المادة الرابعة والعشرون`, `Chapter Two`).
pub fn heading(sentences: &[Sentence], id: usize) -> bool {
    let Some(sentence) = sentences.get(id) else {
        return false;
    };
    let para = sentence.para;
    let alone = (id == 0 || sentences[id - 1].para != para)
        && sentences.get(id + 1).is_none_or(|n| n.para != para);
    let text = trim_closers(sentence.text.trim_end());
    alone
        && !text.ends_with(['.', '!', '?', '؟', '…', '؛', ';', ':', '،', ','])
        && (1..=HEADING_WORDS).contains(&word_iter(text).take(HEADING_WORDS + 1).count())
}

/// Whether a bead is a heading translated by a heading (one sentence a side, both headings):
/// its length says nothing about omissions (`المادة الحادية والعشرون بعد المائتين` = `Article
/// 221`).
pub fn heading_bead(bitext: &Bitext, bead: &Bead) -> bool {
    matches!((&bead.source[..], &bead.target[..]), ([s], [t])
        if heading(&bitext.source, *s) && heading(&bitext.target, *t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::Side;

    fn doc(rows: &[(usize, &str)]) -> Vec<Sentence> {
        rows.iter()
            .enumerate()
            .map(|(i, (p, t))| Sentence::new(Side::Source, i, *p, *t))
            .collect()
    }

    #[test]
    fn headings_list_items_and_definitions_are_structure() {
        let s = doc(&[
            (0, "المادة (3)"),
            (1, "يتضمن سجل الشركة البيانات الآتية:"),
            (1, "أسماء الشركاء، وبياناتهم."),
            (1, "المركز الرئيس للشركة."),
            (2, "الشركة: الشركة المؤسسة بموجب هذا العقد."),
            (2, "1. المقدمة"),
            (2, "(أ) قرارات الشركاء."),
            (2, "ثانياً: التزامات المدير"),
        ]);
        // The line that announces the list is a sentence, not structure.
        assert!(!structural(&s, 1));
        for id in (0..s.len()).filter(|&id| id != 1) {
            assert!(structural(&s, id), "{}", s[id].text);
        }
    }

    #[test]
    fn a_short_line_alone_without_a_full_stop_is_a_heading() {
        let s = doc(&[
            (0, "المادة الحادية والعشرون بعد المائتين"),
            (1, "المركز الرئيس للشركة."),
            (2, "وقال الوزير إن"),
            (2, "الحكومة ستعمل"),
        ]);
        assert!(heading(&s, 0));
        assert!(!heading(&s, 1), "a list item ends with a full stop");
        assert!(
            !heading(&s, 2) && !heading(&s, 3),
            "not alone in its paragraph"
        );
    }

    #[test]
    fn a_fragment_after_a_full_sentence_of_its_paragraph_is_not_structure() {
        let s = doc(&[
            (
                0,
                "وقال المتحدث باسم الوزارة إن الزيارة جاءت بدعوة رسمية من الحكومة العراقية.",
            ),
            (0, "الفصائل المسلحة الإيرانية."),
            (0, "وأضاف أن المحادثات ستستمر."),
        ]);
        assert!(!structural(&s, 1));
        assert!(!list_marker("3.5 % من السكان."));
        assert!(!definition("الفصائل المسلحة الإيرانية."));
        assert!(!definition("يتضمن سجل الشركة البيانات الآتية:"));
    }
}
