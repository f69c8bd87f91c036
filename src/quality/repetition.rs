//! `repetition`: the target repeats a word or phrase back to back (`the peaceful transition the
//! peaceful transition`), or a four-word phrase three times: the oscillation of a derailed
//! machine translation.

use rayon::prelude::*;

use crate::bitext::Severity;
use crate::bitext::{Flag, Side};
use crate::quality::Ctx;
use crate::quality::text::word_iter;
use crate::quality::{CheckInfo, Code, Family, info};

/// The first phrase repeated back to back often enough, with its repeat count.
pub fn back_to_back(
    tokens: &[&str],
    word_repeats: usize,
    phrase_repeats: usize,
    max_n: usize,
) -> Option<(String, usize)> {
    for n in 1..=max_n.min(tokens.len() / 2) {
        let needed = if n == 1 { word_repeats } else { phrase_repeats };
        let mut i = 0;
        while i + n <= tokens.len() {
            let mut count = 1;
            while i + (count + 1) * n <= tokens.len()
                && tokens[i..i + n] == tokens[i + count * n..i + (count + 1) * n]
            {
                count += 1;
            }
            if count >= needed.max(2) {
                let phrase = tokens[i..i + n].join(" ");
                let letters = phrase.chars().filter(|c| c.is_alphabetic()).count();
                if letters >= 4 {
                    return Some((phrase, count));
                }
            }
            i += 1;
        }
    }
    None
}

/// A phrase of four words that occurs three times or more anywhere in the text.
pub fn frequent_phrase(tokens: &[&str]) -> Option<(String, usize)> {
    // Sorted, equal phrases sit side by side: counted without a string per window. Of phrases
    // equally frequent, the one whose text sorts last is named.
    let mut windows: Vec<&[&str]> = tokens.windows(4).collect();
    windows.sort_unstable();
    let mut best: Option<(&[&str], usize)> = None;
    for run in windows.chunk_by(|a, b| a == b) {
        let count = run.len();
        let better = best.is_none_or(|(phrase, most)| {
            count > most || (count == most && run[0].join(" ") > phrase.join(" "))
        });
        if count >= 3 && better {
            best = Some((run[0], count));
        }
    }
    best.map(|(phrase, count)| (phrase.join(" "), count))
}

/// Runs `repetition` on the target of every bead.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of(Code::Repetition) else {
        return;
    };
    let s = &ctx.settings.repetition;
    // Each target on its own, spread over the cores; flagged in bead order.
    let found: Vec<Option<(String, usize)>> = ctx
        .bitext
        .beads
        .par_iter()
        .map(|bead| {
            if bead.target.is_empty() {
                return None;
            }
            let target = ctx.bead_text(bead, Side::Target);
            // An ASCII target (most English ones) is lower-cased whole and its words borrowed
            // from it: the same words, without a string each.
            let (lower, owned): (String, Vec<String>);
            let tokens: Vec<&str> = if target.is_ascii() {
                lower = target.to_ascii_lowercase();
                word_iter(&lower).collect()
            } else {
                owned = word_iter(target).map(str::to_lowercase).collect();
                owned.iter().map(String::as_str).collect()
            };
            back_to_back(&tokens, s.word_repeats, s.phrase_repeats, s.max_n)
                .or_else(|| frequent_phrase(&tokens))
        })
        .collect();
    for (bead, found) in ctx.bitext.beads.iter().zip(found) {
        if let Some((phrase, count)) = found {
            flags.push(ctx.bead_flag(
                Code::Repetition,
                severity,
                bead,
                format!("the translation repeats «{phrase}» {count} times: the machine translation went into a loop"),
                format!("«{phrase}» × {count}"),
            ));
        }
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::Repetition,
    Severity::Warning,
    Family::Pair,
    "the target repeats the same words over and over (oscillating machine output)",
)];

family_check!(
    /// The `repetition` check.
    RepetitionCheck
);

#[cfg(test)]
mod tests {
    use super::frequent_phrase;
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn the_most_frequent_phrase_is_named_and_ties_go_to_the_last_in_order() {
        let tokens = |t: &'static str| t.split(' ').collect::<Vec<_>>();
        assert_eq!(
            frequent_phrase(&tokens("a b c d x a b c d y a b c d")),
            Some(("a b c d".into(), 3))
        );
        let tie = tokens("e f g h 1 a b c d 2 e f g h 3 a b c d 4 a b c d 5 e f g h");
        assert_eq!(frequent_phrase(&tie), Some(("e f g h".into(), 3)));
        assert_eq!(frequent_phrase(&tokens("a b c d x a b c d")), None);
    }

    fn has(t: &str) -> bool {
        codes(&pairs(&[("جملة عادية هنا.", t)]))
            .iter()
            .any(|c| c == "repetition")
    }

    #[test]
    fn flags_loops_not_ordinary_doubles() {
        assert!(has(
            "The peaceful transition the peaceful transition of power."
        ));
        assert!(has("He said no no no no."));
        assert!(has(
            "one of the best, one of the best and one of the best of all"
        ));
        assert!(!has("He had had enough."));
        assert!(!has("Bye bye."));
        assert!(!has("It is what it is."));
    }
}
