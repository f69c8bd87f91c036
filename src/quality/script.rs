//! `untranslated` (target identical to the source, or source-script letters left in the target)
//! and `empty-translation`.

use crate::bitext::Severity;
use crate::bitext::{Flag, Side};
use crate::lang::Script;
use crate::quality::Ctx;
use crate::quality::text::{excerpt, has_content, is_arabic_letter, is_letter_or_digit};
use crate::quality::{CheckInfo, Code, Family, info};

/// Whether two texts have the same letters and digits, ignoring case (stops at the first
/// difference, allocates nothing).
fn same_letters(a: &str, b: &str) -> bool {
    let letters = |t: &str| {
        t.chars()
            .filter(|&c| is_letter_or_digit(c))
            .flat_map(char::to_lowercase)
            .collect::<Vec<_>>()
    };
    let first = |t: &str| {
        t.chars()
            .find(|&c| is_letter_or_digit(c))
            .map(|c| c.to_lowercase().next())
    };
    first(a) == first(b) && letters(a) == letters(b)
}

/// The first run of at least `min` consecutive Arabic letters (marks allowed inside) in `text`.
pub fn arabic_run(text: &str, min: usize) -> Option<String> {
    // Most targets are plain ASCII, which has no Arabic letter.
    if text.is_ascii() {
        return None;
    }
    for word in text.split_whitespace() {
        let count = word.chars().filter(|&c| is_arabic_letter(c)).count();
        if count >= min {
            return Some(word.to_string());
        }
    }
    None
}

/// Runs `untranslated` and `empty-translation`.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let untranslated = ctx.settings.severity_of(Code::Untranslated);
    let empty = ctx.settings.severity_of(Code::EmptyTranslation);
    let source_script = ctx.bitext.header.source_lang.script();
    let target_script = ctx.bitext.header.target_lang.script();
    for bead in &ctx.bitext.beads {
        if bead.source.is_empty() || bead.target.is_empty() {
            continue;
        }
        let source = ctx.bead_text(bead, Side::Source);
        let target = ctx.bead_text(bead, Side::Target);
        if !has_content(source) {
            continue;
        }
        if !has_content(target) {
            if let Some(severity) = empty {
                flags.push(ctx.bead_flag(
                    Code::EmptyTranslation,
                    severity,
                    bead,
                    "the translation is empty: translate this sentence".into(),
                    format!("target «{}»", target.trim()),
                ));
            }
            continue;
        }
        let Some(severity) = untranslated else {
            continue;
        };
        if same_letters(source, target) {
            flags.push(ctx.bead_flag(
                Code::Untranslated,
                severity,
                bead,
                "the translation is the source text itself: it was not translated".into(),
                format!("target = source: «{}»", excerpt(target, 60)),
            ));
            continue;
        }
        if source_script == Script::Arabic
            && target_script != Script::Arabic
            && let Some(word) = arabic_run(target, ctx.settings.untranslated.min_letters)
        {
            let arabic = target.chars().filter(|&c| is_arabic_letter(c)).count();
            let share =
                arabic as f64 / target.chars().filter(|c| c.is_alphabetic()).count().max(1) as f64;
            let message = if share > 0.5 {
                "the translation is still mostly in Arabic: it was not translated".to_string()
            } else {
                "Arabic words were left in the translation".to_string()
            };
            flags.push(ctx.bead_flag(
                Code::Untranslated,
                severity,
                bead,
                message,
                format!("«{word}» ({:.0}% of the letters are Arabic)", share * 100.0),
            ));
        }
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[
    info(
        Code::Untranslated,
        Severity::Error,
        Family::Pair,
        "target identical to the source, or source-script (e.g. Arabic) letters left in the target",
    ),
    info(
        Code::EmptyTranslation,
        Severity::Error,
        Family::Pair,
        "the source sentence has text but its translation is empty",
    ),
];

family_check!(
    /// The `untranslated`, `empty-translation` checks.
    ScriptCheck
);

#[cfg(test)]
mod tests {
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn flags_copies_arabic_left_in_english_and_empty_targets() {
        let has = |s: &str, t: &str, code: &str| codes(&pairs(&[(s, t)])).iter().any(|c| c == code);
        assert!(has("ذهب إلى بغداد.", "ذهب إلى بغداد.", "untranslated"));
        assert!(has("ذهب إلى بغداد.", "He went to بغداد.", "untranslated"));
        assert!(!has(
            "ذهب إلى بغداد.",
            "He went to Baghdad.",
            "untranslated"
        ));
        assert!(has("ذهب إلى بغداد.", "  ", "empty-translation"));
        assert!(has("MRI.", "mri", "untranslated"));
    }
}
