//! Small text helpers shared by the checks: words, scripts, Arabic normalisation for comparison.

/// Whether `c` is an Arabic-script letter (not a digit, mark or punctuation).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}' | '\u{FB50}'..='\u{FDFB}' | '\u{FE70}'..='\u{FEFC}')
}

/// Whether `c` is a Latin-script letter.
pub fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' if c != '\u{00D7}' && c != '\u{00F7}')
}

/// Arabic combining marks (harakat, shadda, sukun, dagger alef) and the tatweel.
fn is_arabic_mark_or_tatweel(c: char) -> bool {
    crate::segment::normalize::is_diacritic(c) || crate::segment::normalize::is_tatweel(c)
}

/// An Arabic word in the segmenter's comparison form (no marks or tatweel, alef variants as
/// bare alef; `ى` and `ي` stay distinct).
pub fn normalize_arabic_word(word: &str) -> String {
    crate::segment::normalize::normalize_for_compare(word).into_owned()
}

/// `char::is_alphanumeric` with fast paths for ASCII and Arabic letters (the general Unicode
/// lookup dominated the checks' profile).
pub fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_arabic_letter(c) || c.is_alphanumeric()
    }
}

/// `char::is_numeric` with fast paths for ASCII and Arabic letters (which are never numeric;
/// the general Unicode lookup showed in the checks' profile).
pub fn is_numeric_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        !is_arabic_letter(c) && c.is_numeric()
    }
}

/// Whether a character is part of a word (letters, digits, combining marks, tatweel).
fn is_word_char(c: char) -> bool {
    is_letter_or_digit(c) || is_arabic_mark_or_tatweel(c) || c == '\u{200C}' || c == '\u{200D}'
}

/// The whitespace-separated tokens of a text with leading and trailing punctuation removed;
/// tokens that are only punctuation are dropped. Inner punctuation stays (`U.S`, `4,500`).
pub fn words(text: &str) -> Vec<&str> {
    word_iter(text).collect()
}

/// [`words`] one at a time, for callers that need the first few or a count up to a limit (the
/// checks run on every sentence; collecting every word to look at one showed in the profile).
pub fn word_iter(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|t| t.trim_matches(|c: char| !is_word_char(c)))
        .filter(|t| !t.is_empty())
}

/// Number of letters and digits (what the length checks compare; spaces, punctuation and
/// Arabic marks do not count).
pub fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| is_letter_or_digit(c)).count()
}

/// Whether a text has at least one letter or digit.
pub fn has_content(text: &str) -> bool {
    text.chars().any(is_letter_or_digit)
}

/// The text with closing quotes, brackets and spaces removed from its end.
pub fn trim_closers(text: &str) -> &str {
    text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | '«' | ')' | ']' | '}')
    })
}

/// The text with opening quotes, brackets and spaces removed from its start.
pub fn trim_openers(text: &str) -> &str {
    text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '“' | '‘' | '«' | '»' | '(' | '[' | '{')
    })
}

/// Characters of `text`, shortened to about `max` characters with `…` (for evidence strings).
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_arabic_for_comparison() {
        assert_eq!(normalize_arabic_word("أَحْمَد"), "احمد");
        assert_eq!(normalize_arabic_word("إلى"), "الى");
        assert_eq!(normalize_arabic_word("هـ"), "ه");
    }

    #[test]
    fn words_drop_punctuation_but_keep_inner_marks() {
        assert_eq!(
            words("(بغداد) أعرب ، “تعزيز” U.S. 4,500."),
            ["بغداد", "أعرب", "تعزيز", "U.S", "4,500"]
        );
        assert_eq!(letter_count("أ ب، c1"), 4);
    }
}
