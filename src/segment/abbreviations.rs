//! Abbreviations and the words around them: what a period after a token means.
//!
//! Tokens are compared after [`lookup_form`]: Arabic tatweel, diacritics and invisible marks
//! removed, alef variants folded to `ا` (so `هـ` = `ه`, `إلخ` = `الخ`, `أ.د` = `ا.د`), Latin
//! lower-cased.

use super::normalize::{fold_alef, is_diacritic, is_digit, is_invisible, is_tatweel};

/// What the token before a period is, as far as ending a sentence goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A title or phrase abbreviation that is always followed by more (`Dr.`, `Mr.`, `e.g.`,
    /// `Mme.`, Arabic single letters `د.` `م.` and dotted letters `أ.د.` `ص.ب.`): never a boundary.
    Prefix,
    /// A Latin abbreviation that often ends a sentence (`etc.`, `Inc.`, `Ltd.`, `a.m.`): a
    /// boundary only if a capitalised word follows.
    EndsIfCapital,
    /// A Latin initial or initialism, month or `No.` (`J.`, `U.S.`, `Jan.`): a boundary only
    /// if a typical sentence-opening word (`The`, `He`, `In`…) follows.
    EndsIfOpener,
    /// An Arabic abbreviation that often ends a sentence (`إلخ.`, era markers `م.` `هـ.` `ق.م.`
    /// after a year, units after a number): a boundary only if the next word opens a clause
    /// (`و…`, `ف…`, `قال`, `كما`…).
    EndsIfClause,
    /// A bare number at the start of a sentence (a list item `1.`): never a boundary.
    ListNumber,
    /// Any other word: a boundary (unless a lower-case Latin word follows).
    Word,
}

/// Writes the comparison form of `token` into `out`: tatweel, diacritics and invisible marks
/// dropped, alef variants folded, ASCII lower-cased.
pub fn lookup_form(token: &str, out: &mut String) {
    out.clear();
    for c in token.chars() {
        if is_tatweel(c) || is_diacritic(c) || is_invisible(c) {
            continue;
        }
        out.push(fold_alef(c).to_ascii_lowercase());
    }
}

/// Whether `token` (any form) is a number: digits of any set, possibly with `. , ، ٫ ٬ / -`.
pub fn is_number(token: &str) -> bool {
    let mut digits = false;
    for c in token.chars() {
        if is_digit(c) {
            digits = true;
        } else if !matches!(c, '.' | ',' | '،' | '٫' | '٬' | '/' | '-') && !is_invisible(c) {
            return false;
        }
    }
    digits
}

/// Whether `c` is a letter of the Arabic script.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x0620..=0x064A | 0x066E..=0x06D3 | 0x06D5 | 0x06EE..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08C9 | 0xFB50..=0xFDFF | 0xFE70..=0xFEFC)
}

/// Whether `c` is a Latin letter.
pub fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(c as u32, 0xC0..=0x24F) && c.is_alphabetic())
}

/// Whether `form` (a [`lookup_form`]) is one letter or letters joined by periods (`د`, `ا.د`,
/// `ج.م.ع`, `j`, `u.s`), with the letters all of one script.
fn dotted_letters(form: &str) -> Option<bool> {
    let mut arabic = None;
    let mut expect_letter = true;
    for c in form.chars() {
        if expect_letter {
            let is_ar = is_arabic_letter(c);
            if !(is_ar || is_latin_letter(c)) || arabic.is_some_and(|a| a != is_ar) {
                return None;
            }
            arabic = Some(is_ar);
            expect_letter = false;
        } else if c == '.' {
            expect_letter = true;
        } else {
            return None;
        }
    }
    if expect_letter { None } else { arabic }
}

/// Classifies the token before a period. `form` is its [`lookup_form`], `raw` the token as
/// written, `previous` the token before it (raw), `first_in_sentence` whether nothing but the
/// token precedes it in the sentence, `french` whether the French list applies.
pub fn classify(
    form: &str,
    raw: &str,
    previous: &str,
    first_in_sentence: bool,
    french: bool,
) -> TokenKind {
    if is_number(raw) {
        return if first_in_sentence {
            TokenKind::ListNumber
        } else {
            TokenKind::Word
        };
    }
    let first = form.chars().next().unwrap_or(' ');
    if is_arabic_letter(first) || is_digit(first) {
        if let Some(kind) = arabic_kind(form, raw, previous) {
            return kind;
        }
    } else if let Some(kind) = latin_kind(form, french) {
        return kind;
    }
    match dotted_letters(form) {
        Some(true) => TokenKind::Prefix,
        Some(false) => TokenKind::EndsIfOpener,
        None => TokenKind::Word,
    }
}

/// Arabic abbreviations whose period is ambiguous (era markers, units, `إلخ`).
fn arabic_kind(form: &str, raw: &str, previous: &str) -> Option<TokenKind> {
    const ERA: &[&str] = &["م", "ه"];
    const ERA_DOTTED: &[&str] = &["ق.م", "ب.م", "ق.ه"];
    const UNITS: &[&str] = &["كم", "كلم", "سم", "مم", "كغ", "كجم", "كج", "جم", "ملم"];
    const ETC: &[&str] = &["الخ", "اه"];
    // Abbreviations are short: skip the lists for ordinary words.
    if form.len() > 12 {
        return None;
    }
    // `ق.م.` (BC) needs no year before it to be an era marker: `القرن الخامس ق.م.`
    if ETC.contains(&form) || ERA_DOTTED.contains(&form) {
        return Some(TokenKind::EndsIfClause);
    }
    if (ERA.contains(&form) || UNITS.contains(&form))
        && (is_number(previous) || previous.trim_end_matches('.') == "ق")
    {
        return Some(TokenKind::EndsIfClause);
    }
    // A year with the era letter glued to it: `2003م.`
    let glued_era = raw
        .trim_end_matches('ـ')
        .strip_suffix(['م', 'ه'])
        .is_some_and(is_number);
    if glued_era {
        return Some(TokenKind::EndsIfClause);
    }
    None
}

/// Latin abbreviations from the English (and, for French text, French) lists.
fn latin_kind(form: &str, french: bool) -> Option<TokenKind> {
    if form.len() > 8 {
        return None;
    }
    const PREFIX: &[&str] = &[
        "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr",
        "adm", "maj", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "e.g", "i.e", "cf", "vs",
        "viz", "approx", "ca", "mt", "ft", "fig", "figs", "eq", "ref", "refs",
    ];
    const ENDS_IF_CAPITAL: &[&str] = &[
        "etc", "inc", "ltd", "co", "corp", "bros", "jr", "sr", "plc", "llc", "al", "esq", "dept",
        "est",
    ];
    const ENDS_IF_OPENER: &[&str] = &[
        "no", "nos", "vol", "vols", "art", "p", "pp", "ed", "eds", "ch", "sec", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
        "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "ph.d", "u.s", "u.k", "u.n", "e.u",
        "d.c", "u.s.a", "a.m", "p.m", "st", "ave", "blvd", "rd",
    ];
    const FRENCH_PREFIX: &[&str] = &[
        "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "mgr", "pr", "ste", "av", "apr", "env",
        "boul", "bd",
    ];
    const FRENCH_ENDS_IF_CAPITAL: &[&str] = &["j.-c", "éd", "cie", "n°", "hab", "chap"];
    if PREFIX.contains(&form) || (french && FRENCH_PREFIX.contains(&form)) {
        return Some(TokenKind::Prefix);
    }
    if ENDS_IF_CAPITAL.contains(&form) || (french && FRENCH_ENDS_IF_CAPITAL.contains(&form)) {
        return Some(TokenKind::EndsIfCapital);
    }
    if ENDS_IF_OPENER.contains(&form) {
        return Some(TokenKind::EndsIfOpener);
    }
    None
}

/// Whether `word` (a [`lookup_form`]) opens an Arabic clause, so that an ambiguous abbreviation
/// before it (`إلخ.`, `عام 2003 م.`) ends the sentence: a conjunction-prefixed word
/// (`وقال`, `فقد`) or a common opener (`قال`, `كما`, `ثم`…).
pub fn opens_arabic_clause(word: &str) -> bool {
    const OPENERS: &[&str] = &[
        "قال",
        "قالت",
        "كما",
        "ثم",
        "لكن",
        "اما",
        "بينما",
        "هذا",
        "هذه",
        "كان",
        "كانت",
        "ان",
        "لم",
        "لا",
        "قد",
        "تم",
        "يذكر",
        "يشار",
        "اذ",
        "اذا",
        "الا",
    ];
    let mut chars = word.chars();
    let conjunction = matches!(chars.next(), Some('و' | 'ف')) && word.chars().count() >= 3;
    conjunction || OPENERS.contains(&word)
}

/// Whether `word` (as written) is a typical English or French sentence opener, so that an
/// initialism or month before it (`U.S.`, `Jan.`) ends the sentence.
pub fn opens_latin_sentence(word: &str) -> bool {
    const OPENERS: &[&str] = &[
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "In",
        "On",
        "At",
        "But",
        "And",
        "As",
        "If",
        "When",
        "After",
        "Before",
        "His",
        "Her",
        "Its",
        "Their",
        "Our",
        "My",
        "Some",
        "Many",
        "Most",
        "Other",
        "Le",
        "La",
        "Les",
        "Il",
        "Elle",
        "Ils",
        "Elles",
        "Nous",
        "Un",
        "Une",
        "Des",
        "Mais",
        "Dans",
        "En",
        "Then",
        "So",
        "Yet",
        "Still",
        "However",
        "Meanwhile",
        "Today",
        "Yesterday",
        "Now",
        "Also",
        "What",
        "Why",
        "How",
        "Who",
        "Where",
        "Cependant",
        "Puis",
        "Ensuite",
        "Aujourd",
    ];
    OPENERS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(token: &str, previous: &str) -> TokenKind {
        let mut form = String::new();
        lookup_form(token, &mut form);
        classify(&form, token, previous, false, false)
    }

    #[test]
    fn arabic_abbreviations() {
        assert_eq!(kind("د", "قال"), TokenKind::Prefix);
        assert_eq!(kind("أ.د", "قال"), TokenKind::Prefix);
        assert_eq!(kind("ص.ب", "العنوان"), TokenKind::Prefix);
        assert_eq!(kind("ج.م.ع", "القاهرة"), TokenKind::Prefix);
        assert_eq!(kind("إلخ", "والخبز"), TokenKind::EndsIfClause);
        assert_eq!(kind("م", "2003"), TokenKind::EndsIfClause);
        assert_eq!(kind("هـ", "١٤٤٤"), TokenKind::EndsIfClause);
        assert_eq!(kind("م", "ق."), TokenKind::EndsIfClause);
        assert_eq!(kind("ق.م", "300"), TokenKind::EndsIfClause);
        assert_eq!(kind("2003م", "عام"), TokenKind::EndsIfClause);
        assert_eq!(kind("م", "المهندس"), TokenKind::Prefix);
        assert_eq!(kind("الحديث", "التاريخ"), TokenKind::Word);
    }

    #[test]
    fn latin_abbreviations() {
        assert_eq!(kind("Dr", "said"), TokenKind::Prefix);
        assert_eq!(kind("e.g", "said"), TokenKind::Prefix);
        assert_eq!(kind("etc", "apples"), TokenKind::EndsIfCapital);
        assert_eq!(kind("U.S", "the"), TokenKind::EndsIfOpener);
        assert_eq!(kind("J", "by"), TokenKind::EndsIfOpener);
        assert_eq!(kind("Rowling", "K."), TokenKind::Word);
        let mut form = String::new();
        lookup_form("Mme", &mut form);
        assert_eq!(classify(&form, "Mme", "", false, true), TokenKind::Prefix);
        assert_eq!(classify(&form, "Mme", "", false, false), TokenKind::Word);
    }

    #[test]
    fn numbers_and_openers() {
        assert!(is_number("2.5"));
        assert!(is_number("١٠٠٬٠٠٠"));
        assert!(!is_number("2a"));
        assert!(!is_number("."));
        let mut form = String::new();
        lookup_form("1", &mut form);
        assert_eq!(classify(&form, "1", "", true, false), TokenKind::ListNumber);
        assert!(opens_arabic_clause("وقال"));
        assert!(opens_arabic_clause("كما"));
        assert!(!opens_arabic_clause("ميلادي"));
        assert!(opens_latin_sentence("The"));
        assert!(!opens_latin_sentence("President"));
    }
}
