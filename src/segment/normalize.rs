//! Normalisation for comparison, never for output.
//!
//! Aligners, quality checks and the segmenter's abbreviation lookup need to decide whether two
//! pieces of text "say the same thing" even when they are spelled with different digit sets,
//! separators, tatweel, diacritics or alef variants. Everything here returns a *new* string (or
//! borrows the input when nothing changes); spans and offsets always refer to the original text.
//!
//! | helper | what it folds |
//! | --- | --- |
//! | [`fold_digits`] | every Unicode decimal digit (`٠-٩`, `۰-۹`, `०-९`, fullwidth…) → ASCII `0-9` |
//! | [`fold_number_separators`] | `٫` → `.`, `٬` → `,`, and `،` between two digits → `.` (`6،5`) |
//! | [`fold_numbers`] | both of the above |
//! | [`strip_tatweel`] | removes `ـ` (U+0640) |
//! | [`strip_diacritics`] | removes Arabic harakat, shadda, sukun, dagger alef, Quranic marks, and combining marks U+0300–U+036F |
//! | [`fold_alef_variants`] | `أ إ آ ٱ ٲ ٳ` → `ا` |
//! | [`strip_invisible`] | removes bidi controls and zero-width characters (LRM, RLM, ALM, LRE…PDF, LRI…PDI, ZWJ, ZWNJ, BOM…) |
//! | [`fold_arabic_punctuation`] | `؟` → `?`, `،` → `,`, `؛` → `;`, `۔` → `.`, `٪` → `%` |
//! | [`normalize_for_compare`] | digits, separators, tatweel, diacritics, alef variants and invisible characters (not punctuation, not case) |
//!
//! All helpers are linear, allocate at most once, and return [`Cow::Borrowed`] for pure-ASCII
//! input or input that needs no change, so calling them on every sentence is cheap.

use std::borrow::Cow;

/// Code points of the digit zero of every Unicode decimal-digit (Nd) set, sorted. Each set is
/// ten consecutive code points `zero..=zero+9` with values 0–9 (true of every Nd set).
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// The value (0–9) of a decimal digit of any script: ASCII, Arabic-Indic `٠-٩`, Eastern
/// Arabic-Indic (Persian/Urdu) `۰-۹`, Devanagari, fullwidth and every other Unicode Nd set.
/// `None` for anything else (including `²`, `½` and Roman numerals, which are not decimal digits).
#[inline]
pub fn digit_value(c: char) -> Option<u8> {
    let cp = c as u32;
    // The three sets news text actually uses, without a search.
    for zero in [0x30, 0x660, 0x6F0] {
        if cp.wrapping_sub(zero) < 10 {
            return Some((cp - zero) as u8);
        }
    }
    if cp < 0x7C0 {
        return None;
    }
    let index = DIGIT_ZEROS.partition_point(|&zero| zero <= cp);
    let zero = DIGIT_ZEROS[index - 1];
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// Whether `c` is a decimal digit of any script (see [`digit_value`]).
#[inline]
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// The ASCII digit with the same value as `c`, or `None` if `c` is not a decimal digit.
#[inline]
pub fn ascii_digit(c: char) -> Option<char> {
    digit_value(c).map(|v| char::from(b'0' + v))
}

/// Whether `c` is the Arabic tatweel (kashida, U+0640), a pure stretching character.
#[inline]
pub fn is_tatweel(c: char) -> bool {
    c == '\u{0640}'
}

/// Whether `c` is a diacritic that does not change which word is written: Arabic harakat
/// (fatha, damma, kasra, tanween, shadda, sukun, U+064B–U+065F), the dagger alef (U+0670),
/// Quranic annotation marks (U+0610–U+061A, U+06D6–U+06ED marks, U+08D3–U+08FF marks) and the
/// generic combining diacritics U+0300–U+036F (as left by NFD).
#[inline]
pub fn is_diacritic(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06DC
        | 0x06DF..=0x06E4
        | 0x06E7..=0x06E8
        | 0x06EA..=0x06ED
        | 0x08D3..=0x08E1
        | 0x08E3..=0x08FF)
}

/// Whether `c` is invisible and carries no text: bidi marks and embeddings (LRM, RLM, ALM,
/// LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI), zero-width space/joiners (ZWSP, ZWNJ, ZWJ,
/// word joiner), the soft hyphen and the BOM / zero-width no-break space.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `ا` for the alef variants `أ إ آ ٱ ٲ ٳ` (hamza above/below, madda, wasla, wavy hamzas);
/// any other character unchanged. Writers use them inconsistently, so comparison ignores them.
#[inline]
pub fn fold_alef(c: char) -> char {
    match c {
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => '\u{0627}',
        other => other,
    }
}

/// The ASCII counterpart of an Arabic punctuation mark (`؟ ، ؛ ۔ ٪` → `? , ; . %`), if any.
#[inline]
pub fn ascii_punctuation(c: char) -> Option<char> {
    match c {
        '\u{061F}' => Some('?'),
        '\u{060C}' => Some(','),
        '\u{061B}' => Some(';'),
        '\u{06D4}' => Some('.'),
        '\u{066A}' => Some('%'),
        _ => None,
    }
}

/// What a context-free fold does with one character.
enum Fold {
    Keep,
    Drop,
    To(char),
}

/// Applies `fold` to every character; borrows `text` when no character changes. Pure ASCII is
/// returned untouched when `ascii_unchanged` says no ASCII character can change.
fn fold_chars(text: &str, ascii_unchanged: bool, fold: impl Fn(char) -> Fold) -> Cow<'_, str> {
    if ascii_unchanged && text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let first_change = text
        .char_indices()
        .find(|&(_, c)| !matches!(fold(c), Fold::Keep));
    let Some((at, _)) = first_change else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    for c in text[at..].chars() {
        match fold(c) {
            Fold::Keep => out.push(c),
            Fold::Drop => {}
            Fold::To(to) => out.push(to),
        }
    }
    Cow::Owned(out)
}

/// Every decimal digit of any script becomes its ASCII digit: `٢٠٢٤` and `۲۰۲۴` → `2024`.
/// Nothing else changes (separators: [`fold_number_separators`]).
pub fn fold_digits(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| match ascii_digit(c) {
        Some(d) if d != c => Fold::To(d),
        _ => Fold::Keep,
    })
}

/// The Arabic decimal separator `٫` (U+066B) becomes `.`, the Arabic thousands separator `٬`
/// (U+066C) becomes `,`, and an Arabic comma `،` directly between two digits (of any set)
/// becomes `.`, because `6،5` is written for 6.5 in Arabic news. A `،` followed by a space is a
/// list comma and stays.
pub fn fold_number_separators(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let needs_change = text
        .char_indices()
        .any(|(i, c)| separator_fold(text, i, c).is_some());
    if !needs_change {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        out.push(separator_fold(text, i, c).unwrap_or(c));
    }
    Cow::Owned(out)
}

/// The ASCII separator for the character `c` at byte `i` of `text`, if it is a number separator.
#[inline]
fn separator_fold(text: &str, i: usize, c: char) -> Option<char> {
    match c {
        '\u{066B}' => Some('.'),
        '\u{066C}' => Some(','),
        '\u{060C}' => {
            let before = text[..i].chars().next_back().is_some_and(is_digit);
            let after = text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(is_digit);
            (before && after).then_some('.')
        }
        _ => None,
    }
}

/// [`fold_digits`] and [`fold_number_separators`]: `٢٫٥` → `2.5`, `١٠٠٬٠٠٠` → `100,000`,
/// `6،5` → `6.5`. Use it before comparing the numbers of a source and its translation.
pub fn fold_numbers(text: &str) -> Cow<'_, str> {
    match fold_number_separators(text) {
        Cow::Borrowed(b) => fold_digits(b),
        Cow::Owned(o) => Cow::Owned(fold_digits(&o).into_owned()),
    }
}

/// Removes the tatweel `ـ`: `هـ` → `ه`, `جـمـيـل` → `جميل`.
pub fn strip_tatweel(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| {
        if is_tatweel(c) {
            Fold::Drop
        } else {
            Fold::Keep
        }
    })
}

/// Removes diacritics (see [`is_diacritic`]): `مُحَمَّدٌ` → `محمد`. Precomposed Latin letters
/// (`é`) are left alone: decompose first (NFD) if accents must go too.
pub fn strip_diacritics(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| {
        if is_diacritic(c) {
            Fold::Drop
        } else {
            Fold::Keep
        }
    })
}

/// Folds the alef variants `أ إ آ ٱ ٲ ٳ` to `ا` (see [`fold_alef`]): `إلخ` → `الخ`.
pub fn fold_alef_variants(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| match fold_alef(c) {
        to if to != c => Fold::To(to),
        _ => Fold::Keep,
    })
}

/// Removes bidi controls and zero-width characters (see [`is_invisible`]).
pub fn strip_invisible(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| {
        if is_invisible(c) {
            Fold::Drop
        } else {
            Fold::Keep
        }
    })
}

/// Arabic punctuation to its ASCII counterpart (see [`ascii_punctuation`]): `لماذا؟` → `لماذا?`.
/// Not part of [`normalize_for_compare`]; punctuation checks call it explicitly.
pub fn fold_arabic_punctuation(text: &str) -> Cow<'_, str> {
    fold_chars(text, true, |c| match ascii_punctuation(c) {
        Some(to) => Fold::To(to),
        None => Fold::Keep,
    })
}

/// The comparison form of a text: digits to ASCII, `٫ ٬` and digit`،`digit to `. , .`, tatweel,
/// diacritics and invisible characters removed, alef variants folded to `ا`. Case, punctuation,
/// spaces and every other letter are kept, so the result is still readable; `ى`/`ي` and `ة`/`ه`
/// are *not* merged (they distinguish words). One pass; pure ASCII is returned as is.
///
/// ```
/// use tarjama::segment::normalize::normalize_for_compare;
/// assert_eq!(normalize_for_compare("أَنْفَقَ ٢٫٥ مليـون"), "انفق 2.5 مليون");
/// assert_eq!(normalize_for_compare("plain ASCII 2.5"), "plain ASCII 2.5");
/// ```
pub fn normalize_for_compare(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    if normalize_for_compare_into(text, &mut out) {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Like [`normalize_for_compare`] but writes into `out` (cleared first), so a caller that
/// normalises many sentences can reuse one buffer. Returns `false`, leaving `out` empty, when
/// the text needs no change (then compare `text` itself).
///
/// One pass: unchanged runs are copied whole, and characters of the Arabic block are folded
/// through a 256-entry table, so the cost is close to a copy.
pub fn normalize_for_compare_into(text: &str, out: &mut String) -> bool {
    out.clear();
    if text.is_ascii() {
        return false;
    }
    let mut copied_to = 0;
    let mut changed = false;
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            continue;
        }
        let replacement = match compare_fold_at(text, i, c) {
            Fold::Keep => continue,
            Fold::Drop => None,
            Fold::To(to) => Some(to),
        };
        if !changed {
            out.reserve(text.len());
            changed = true;
        }
        out.push_str(&text[copied_to..i]);
        if let Some(to) = replacement {
            out.push(to);
        }
        copied_to = i + c.len_utf8();
    }
    if changed {
        out.push_str(&text[copied_to..]);
    }
    changed
}

/// What [`normalize_for_compare`] does with each character of the Arabic block U+0600–U+06FF.
const KEEP: u8 = 0;
const DROP: u8 = 1;
const ALEF: u8 = 2;
const COMMA: u8 = 3;
const DECIMAL: u8 = 4;
const THOUSANDS: u8 = 5;
/// `DIGIT + v` is the digit with value v.
const DIGIT: u8 = 16;

static ARABIC_BLOCK: [u8; 256] = {
    let mut table = [KEEP; 256];
    let mut low = 0;
    while low < 256 {
        let c = 0x0600 + low as u32;
        table[low] = match c {
            0x0640 | 0x061C => DROP,
            0x0610..=0x061A
            | 0x064B..=0x065F
            | 0x0670
            | 0x06D6..=0x06DC
            | 0x06DF..=0x06E4
            | 0x06E7..=0x06E8
            | 0x06EA..=0x06ED => DROP,
            0x0622 | 0x0623 | 0x0625 | 0x0671 | 0x0672 | 0x0673 => ALEF,
            0x060C => COMMA,
            0x066B => DECIMAL,
            0x066C => THOUSANDS,
            0x0660..=0x0669 => DIGIT + (c - 0x0660) as u8,
            0x06F0..=0x06F9 => DIGIT + (c - 0x06F0) as u8,
            _ => KEEP,
        };
        low += 1;
    }
    table
};

/// The fold of the non-ASCII character `c` at byte `i` of `text`.
#[inline]
fn compare_fold_at(text: &str, i: usize, c: char) -> Fold {
    let cp = c as u32;
    if (0x0600..0x0700).contains(&cp) {
        return match ARABIC_BLOCK[(cp - 0x0600) as usize] {
            KEEP => Fold::Keep,
            DROP => Fold::Drop,
            ALEF => Fold::To('\u{0627}'),
            DECIMAL => Fold::To('.'),
            THOUSANDS => Fold::To(','),
            COMMA => match separator_fold(text, i, c) {
                Some(to) => Fold::To(to),
                None => Fold::Keep,
            },
            digit => Fold::To(char::from(b'0' + (digit - DIGIT))),
        };
    }
    if is_diacritic(c) || is_invisible(c) {
        return Fold::Drop;
    }
    match ascii_digit(c) {
        Some(d) => Fold::To(d),
        None => Fold::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_set_fold_to_ascii() {
        assert_eq!(fold_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(fold_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(fold_digits("०१२ ０９"), "012 09");
        assert_eq!(fold_digits("عام ٢٠٢٤م"), "عام 2024م");
        assert!(matches!(fold_digits("2024"), Cow::Borrowed(_)));
        assert!(matches!(fold_digits("بدون أرقام"), Cow::Borrowed(_)));
        assert_eq!(digit_value('²'), None);
        assert_eq!(digit_value('Ⅻ'), None);
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('\u{7BF}'), None);
    }

    #[test]
    fn digit_table_is_sorted_and_every_entry_is_numeric() {
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        for &zero in DIGIT_ZEROS {
            for k in 0..10 {
                let c = char::from_u32(zero + k).unwrap();
                assert!(c.is_numeric(), "U+{:04X}", zero + k);
                assert_eq!(digit_value(c), Some(k as u8));
            }
        }
    }

    #[test]
    fn separators_fold_only_inside_numbers() {
        assert_eq!(fold_number_separators("٢٫٥"), "٢.٥");
        assert_eq!(fold_number_separators("١٠٠٬٠٠٠"), "١٠٠,٠٠٠");
        assert_eq!(fold_number_separators("6،5"), "6.5");
        assert_eq!(fold_number_separators("قال، ثم"), "قال، ثم");
        assert_eq!(fold_number_separators("5، 6"), "5، 6");
        assert_eq!(fold_numbers("٢٫٥ و١٠٠٬٠٠٠ و6،5"), "2.5 و100,000 و6.5");
    }

    #[test]
    fn tatweel_diacritics_alef() {
        assert_eq!(strip_tatweel("هـ"), "ه");
        assert_eq!(strip_tatweel("جـمـيـل"), "جميل");
        assert_eq!(strip_diacritics("مُحَمَّدٌ"), "محمد");
        assert_eq!(strip_diacritics("رَحْمٰن"), "رحمن");
        assert_eq!(strip_diacritics("e\u{301}t\u{E9}"), "et\u{E9}");
        assert_eq!(fold_alef_variants("أحمد إلى آخر ٱلله"), "احمد الى اخر الله");
        assert!(matches!(fold_alef_variants("abc"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_and_punctuation() {
        assert_eq!(
            strip_invisible("\u{200F}أ\u{200C}ب\u{2067}c\u{2069}"),
            "أبc"
        );
        assert_eq!(
            fold_arabic_punctuation("لماذا؟ نعم، لا؛ ٥٪"),
            "لماذا? نعم, لا; ٥%"
        );
    }

    #[test]
    fn normalize_for_compare_combines_everything_but_punctuation() {
        assert_eq!(
            normalize_for_compare("\u{200F}أَنْفَقَ ٢٫٥ مليـون، أو 6،5؟"),
            "انفق 2.5 مليون، او 6.5؟"
        );
        assert!(matches!(
            normalize_for_compare("ASCII 1.5"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(normalize_for_compare("كتب"), Cow::Borrowed(_)));
        // Only a separator changed: still reported as a change.
        assert_eq!(normalize_for_compare("6،5"), "6.5");
        let mut buf = String::from("stale");
        assert!(!normalize_for_compare_into("كتب", &mut buf));
        assert!(buf.is_empty());
        assert!(normalize_for_compare_into("كَتَبَ", &mut buf));
        assert_eq!(buf, "كتب");
    }

    /// The one-pass table agrees with the helpers it combines, character by character.
    #[test]
    fn one_pass_matches_the_composed_helpers() {
        let mut sample = String::new();
        for cp in (0x0600..0x0700).chain(0x0300..0x0370).chain(0x2000..0x2070) {
            if let Some(c) = char::from_u32(cp) {
                sample.push('x');
                sample.push(c);
            }
        }
        sample.push_str(" ١،٢ 3،4 ،5 ۶،x \u{FEFF}");
        let composed = strip_invisible(&strip_diacritics(&strip_tatweel(&fold_alef_variants(
            &fold_numbers(&sample),
        ))))
        .into_owned();
        assert_eq!(normalize_for_compare(&sample), composed);
    }

    #[test]
    fn normalize_is_idempotent_on_samples() {
        for s in ["أَنْفَقَ ٢٫٥", "6،5،7", "\u{FEFF}ـــ", "إِلَخ.", "mixed ١ and 1"]
        {
            let once = normalize_for_compare(s).into_owned();
            assert_eq!(normalize_for_compare(&once), once);
        }
    }
}
