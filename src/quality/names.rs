//! `name-missing`: Latin-script names and acronyms written in an Arabic source (`Iraq Body
//! Count`, `MRI`) must appear in the translation as they are.

use crate::bitext::Severity;
use crate::bitext::{Flag, Side};
use crate::lang::Script;
use crate::quality::Ctx;
use crate::quality::text::is_latin_letter;
use crate::quality::{CheckInfo, Code, Family, info};

/// Latin-script tokens of a text (letters, digits, inner `.`/`-`/`'`), at least `min_len`
/// letters long.
pub fn latin_tokens(text: &str, min_len: usize) -> Vec<String> {
    // A token needs a Latin letter, and most Arabic sentences have none (split on every
    // Arabic letter, they were hundreds of empty pieces each).
    if !text.chars().any(is_latin_letter) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| {
        !(is_latin_letter(c) || c.is_ascii_digit() || matches!(c, '.' | '-' | '\'' | '’'))
    }) {
        let token = raw.trim_matches(|c: char| !(is_latin_letter(c) || c.is_ascii_digit()));
        let letters = token.chars().filter(|&c| is_latin_letter(c)).count();
        let digits = token.chars().filter(|c| c.is_ascii_digit()).count();
        if letters > 0 && letters + digits >= min_len && !out.iter().any(|t| t == token) {
            out.push(token.to_string());
        }
    }
    out
}

/// Whether `token` occurs in `target` as a word (case-insensitive; a possessive `'s` or a
/// plural `s` may follow).
fn occurs(token: &str, target: &str) -> bool {
    let token = token.to_lowercase();
    let target = target.to_lowercase();
    let mut from = 0;
    while let Some(pos) = target[from..].find(&token) {
        let start = from + pos;
        let end = start + token.len();
        let before_ok = target[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let rest = &target[end..];
        let after_ok = rest.chars().next().is_none_or(|c| !c.is_alphanumeric())
            || rest.starts_with("s ")
            || rest == "s"
            || rest.starts_with("s.")
            || rest.starts_with("s,");
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
        while !target.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// Runs `name-missing` when the source is in a non-Latin script.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of(Code::NameMissing) else {
        return;
    };
    if ctx.bitext.header.source_lang.script() == Script::Latin {
        return;
    }
    for bead in &ctx.bitext.beads {
        if bead.source.is_empty() || bead.target.is_empty() {
            continue;
        }
        let source = ctx.bead_text(bead, Side::Source);
        let target = ctx.bead_text(bead, Side::Target);
        let missing: Vec<String> = latin_tokens(source, ctx.settings.name_missing.min_len)
            .into_iter()
            .filter(|t| !occurs(t, target))
            .collect();
        if missing.is_empty() {
            continue;
        }
        flags.push(ctx.bead_flag(
            Code::NameMissing,
            severity,
            bead,
            format!(
                "the source writes {} in Latin letters but the translation does not have it: check the spelling of the name",
                missing.join(", ")
            ),
            missing.join(", "),
        ));
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::NameMissing,
    Severity::Warning,
    Family::Pair,
    "a Latin-script name or acronym of the source does not appear in the target",
)];

family_check!(
    /// The `name-missing` check.
    NameMissingCheck
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn finds_latin_tokens() {
        assert_eq!(
            latin_tokens("وفقًا لمنظمة Iraq Body Count. و U.S. وF-16 و x", 2),
            ["Iraq", "Body", "Count", "U.S", "F-16"]
        );
    }

    #[test]
    fn flags_names_missing_or_misspelt_in_the_target() {
        let has = |s: &str, t: &str| codes(&pairs(&[(s, t)])).iter().any(|c| c == "name-missing");
        assert!(!has(
            "وفقًا لمنظمة Iraq Body Count.",
            "According to Iraq Body Count."
        ));
        assert!(!has("قالت شركة Google.", "Google's statement said so."));
        assert!(has(
            "وفقًا لمنظمة Iraq Body Count.",
            "According to Iraq Bodies Count."
        ));
        assert!(has("قال Schulman.", "Schulmann said."));
    }
}
