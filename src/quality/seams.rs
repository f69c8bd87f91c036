//! Seams: places where an English sentence reads as if words were cut out of it (`the fate of
//! of North Carolina`, `theories about the.`, `However, and procedure between…`). A dropped
//! clause often leaves two function words that cannot meet; a fluent translation almost never
//! has them (the rules below match none of the 1,000 English sentences of UD PUD).
//! A cut through a bracketed or quoted passage also leaves half a pair of marks that the source
//! has whole ([`unpaired_marks`]; no untouched PUD pair has that). Used by [`super::coverage`]
//! as omission evidence, only when the length already leans short.

/// Articles (an article cannot be followed by another function word).
const ARTICLES: &[&str] = &["the", "a", "an"];

/// Words that cannot follow an article.
const NOT_AFTER_ARTICLE: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "into", "onto",
    "toward", "towards", "and", "or", "but", "is", "are", "was", "were",
];

/// Words that cannot end a sentence.
const NOT_LAST: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "nor", "your", "their", "our", "its",
];

/// Prepositions that cannot follow each other (`of toward`, `into of`).
const PREPOSITIONS: &[&str] = &["of", "toward", "towards", "into", "onto"];

/// Function words that are never doubled in good English (`of of`).
const NEVER_DOUBLED: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "and", "or",
    "but", "is", "are", "was", "were", "that",
];

/// Discourse adverbs that open a sentence and are followed by a comma and a clause, never
/// directly by `and`.
const OPENERS: &[&str] = &[
    "however",
    "moreover",
    "meanwhile",
    "nevertheless",
    "nonetheless",
    "furthermore",
    "therefore",
    "thus",
    "instead",
    "still",
    "also",
    "indeed",
    "finally",
];

/// One word of the sentence: its letters, whether it was written with a lower-case first
/// letter, and whether punctuation touches it on the left or the right.
struct Word<'t> {
    core: &'t str,
    lowercase_written: bool,
    punct_before: bool,
    punct_after: bool,
}

impl Word<'_> {
    /// Whether the word is one of `list` (case-insensitive; the lists are lower case).
    fn is_in(&self, list: &[&str]) -> bool {
        list.iter().any(|w| w.eq_ignore_ascii_case(self.core))
    }

    fn lower(&self) -> String {
        self.core.to_lowercase()
    }
}

fn words_of(text: &str) -> Vec<Word<'_>> {
    text.split_whitespace()
        .filter_map(|raw| {
            let core = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if core.is_empty() {
                return None;
            }
            let start = raw.find(core).unwrap_or(0);
            Some(Word {
                core,
                lowercase_written: core.chars().next().is_some_and(char::is_lowercase),
                punct_before: start > 0,
                punct_after: start + core.len() < raw.len(),
            })
        })
        .collect()
}

/// The seams of an English sentence, as the words that meet there (`of of`, `the.`).
pub fn seams(text: &str) -> Vec<String> {
    let w = words_of(text);
    let mut out = Vec::new();
    for pair in w.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.punct_after || b.punct_before {
            continue;
        }
        let article = a.lowercase_written && a.is_in(ARTICLES);
        let broken = (article && b.lowercase_written && b.is_in(NOT_AFTER_ARTICLE))
            || (a.core.eq_ignore_ascii_case(b.core) && a.is_in(NEVER_DOUBLED))
            || (a.is_in(PREPOSITIONS) && b.is_in(PREPOSITIONS));
        if broken {
            out.push(format!("{} {}", a.lower(), b.lower()));
        }
    }
    // Only after a final stop: a sentence without one is the `truncated` check's.
    let stopped = text
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '”' | '’' | '\'' | ')'))
        .ends_with(['.', '!', '?']);
    if let Some(last) = w.last()
        && stopped
        && w.len() > 1
        && last.lowercase_written
        && last.is_in(NOT_LAST)
    {
        out.push(format!("{}.", last.lower()));
    }
    // `However, and …`: an opener's comma followed by a bare `and`.
    if let [first, second, ..] = w.as_slice()
        && first.is_in(OPENERS)
        && first.punct_after
        && second.core.eq_ignore_ascii_case("and")
    {
        out.push(format!("{}, and", first.lower()));
    }
    out
}

/// Pairs of marks (opening, closing; the same character for straight quotes).
const PAIRS: [(char, char); 5] = [('(', ')'), ('[', ']'), ('"', '"'), ('“', '”'), ('«', '»')];

/// Whether every pair of marks of a text is complete.
fn marks_paired(text: &str, open: char, close: char) -> bool {
    let count = |c: char| text.chars().filter(|&x| x == c).count();
    if open == close {
        count(open).is_multiple_of(2)
    } else {
        count(open) == count(close)
    }
}

/// Brackets and quotes left without their partner in the target while the source has all its
/// pairs complete (`freed Cuba U.S. Army).`, `“So I hate … North Carolina.`): a cut through a
/// bracketed or quoted passage takes one mark and leaves the other. Single quotes are left out
/// (the apostrophe is the same character).
pub fn unpaired_marks(source: &str, target: &str) -> Vec<char> {
    let has_marks = |t: &str| {
        t.bytes()
            .any(|b| matches!(b, b'(' | b')' | b'[' | b']' | b'"'))
            || t.contains(['“', '”', '«', '»'])
    };
    if !has_marks(target) {
        return Vec::new();
    }
    if !PAIRS.iter().all(|&(o, c)| marks_paired(source, o, c)) {
        return Vec::new();
    }
    PAIRS
        .iter()
        .filter(|&&(o, c)| !marks_paired(target, o, c))
        .map(|&(o, c)| {
            let count = |x: char| target.chars().filter(|&y| y == x).count();
            if o != c && count(c) > count(o) { c } else { o }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_marks_of_a_cut() {
        assert_eq!(
            seams("“So I hate to put pressure on you, but the fate of of North Carolina."),
            ["of of"]
        );
        assert_eq!(seams("There are different theories about the."), ["the."]);
        assert_eq!(seams("It can be saved on your."), ["your."]);
        assert_eq!(
            seams("However, and procedure between Northern Ireland and Wales."),
            ["however, and"]
        );
        assert_eq!(
            seams("He received the distinction of toward the USA."),
            ["of toward"]
        );
        assert_eq!(seams("The to keep their war fleet."), Vec::<String>::new());
        assert!(
            seams("There are different theories about the").is_empty(),
            "truncated"
        );
        assert_eq!(seams("They said the to keep it."), ["the to"]);
    }

    #[test]
    fn finds_half_pairs_the_source_has_whole() {
        assert_eq!(
            unpaired_marks(
                "حررت الولايات المتحدة كوبا (بعد احتلالها من قبل الجيش الأمريكي).",
                "The United States freed Cuba U.S. Army)."
            ),
            [')']
        );
        assert_eq!(
            unpaired_marks(
                "قال دوندار إن الاعتقالات \"استمرار للتضييق علينا\".",
                "The current shenanigans against us,\" said Dündar."
            ),
            ['"']
        );
        assert!(unpaired_marks("قال (هنا).", "He said (here).").is_empty());
        assert!(
            unpaired_marks("قال \"هنا.", "He said \"here.").is_empty(),
            "the source's quote continues in the next sentence"
        );
    }

    #[test]
    fn fluent_english_has_none() {
        for s in [
            "This is a disaster for pain patients, Mailis said.",
            "Fast forward to 2016 and this is increasingly worthy of attention.",
            "They are referred to by their given names.",
            "The ruins were later built over.",
            "Really Really Love You was released in August.",
            "Plan A is the best, and the B team agreed.",
            "I don't know why I chose her ...",
        ] {
            assert!(seams(s).is_empty(), "{s}: {:?}", seams(s));
        }
    }
}
