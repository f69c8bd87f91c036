//! Seams: places where an English sentence reads as if words were cut out of it (`the fate of
//! of North Carolina`, `theories about the.`, `However, and procedure between…`). A dropped
//! clause often leaves two function words that cannot meet; a fluent translation almost never
//! has them (the rules below match none of the 1,000 English sentences of UD PUD).
//! A cut at the start of a sentence leaves an opening no statement has: a bare auxiliary
//! (`Is hardly …`, `Will likely be …`, `Be constructed in …`), a participle phrase or a
//! subordinate clause with no main clause (`Forgotten until after …`, `When Julian was killed
//! in battle in 363.`). Inside the sentence, the rules are grammatical impossibilities of
//! closed-class words, not lists of content words: a modal before a determiner (`can my`) or a
//! past tense (`would worked`), a subject pronoun before a bare -ing form, an article or an
//! acronym (`He waiting`, `He an M.A.`, `He BBC`), a contracted auxiliary before another
//! (`They’re do`, `doesn't would`), the first comma between a subject and its verb (`people,
//! were involved`).
//! A cut through a bracketed or quoted passage also leaves half a pair of marks that the source
//! has whole ([`unpaired_marks`]; no untouched PUD pair has that). Used by [`super::coverage`]
//! as omission evidence whenever the length does not lean long.

/// Articles (an article cannot be followed by another function word).
const ARTICLES: &[&str] = &["the", "a", "an"];

/// Words that cannot follow an article.
const NOT_AFTER_ARTICLE: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "into", "onto",
    "toward", "towards", "and", "or", "but", "is", "are", "was", "were", "be", "been", "has",
    "have", "had", "would", "could", "should", "shall",
];

/// Words that cannot end a sentence.
const NOT_LAST: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "nor", "your", "their", "our", "its",
];

/// Prepositions that cannot follow each other (`of toward`, `into of`).
const PREPOSITIONS: &[&str] = &["of", "toward", "towards", "into", "onto"];

/// Function words that are never doubled in good English (`of of`; `that that` is fluent: `the
/// certainty that that was impossible`).
const NEVER_DOUBLED: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "and", "or",
    "but", "is", "are", "was", "were",
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

/// Modal verbs: followed by a bare verb (or an adverb), never directly by a determiner.
const MODALS: &[&str] = &[
    "can", "could", "will", "would", "shall", "should", "may", "might", "must",
];

/// Determiners and possessives that open a noun phrase (`her` is left out: it is also an
/// object pronoun).
const DETERMINERS: &[&str] = &["the", "a", "an", "my", "your", "his", "its", "our", "their"];

/// Words before a modal that invert subject and verb (`nor can the state`, `only then could
/// the army`, `as would a hawk`), or that make the modal a noun (`a can`, `his will`), or
/// that open a question (`how can the`).
const INVERTERS_AND_NOUN_MARKERS: &[&str] = &[
    "nor", "neither", "only", "so", "as", "than", "then", "never", "rarely", "seldom", "hardly",
    "not", "where", "what", "how", "why", "when", "who", "which", "the", "a", "an", "my", "your",
    "his", "her", "its", "our", "their", "free",
];

/// Subject pronouns that take a finite verb (`he waits`), never a bare -ing form, an
/// article or an acronym directly (`it` and `we` are left out: `it being Sunday`, `we the
/// people`).
const SUBJECT_PRONOUNS: &[&str] = &["i", "he", "she", "they"];

/// English verbs whose base form ends in -ing (`they bring`), not a participle.
const BASE_VERBS_IN_ING: &[&str] = &[
    "bring", "cling", "fling", "ring", "sing", "sling", "spring", "sting", "string", "swing",
    "wring", "wing", "ding", "ping",
];

/// Finite auxiliaries and modals: what a `'re`, `'ve` or `n't` form cannot be followed by.
const FINITE_AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "am", "has", "does", "did", "can", "could", "will", "would",
    "shall", "should", "must", "may", "might",
];

/// Auxiliaries that can open a question but not a statement (`Is hardly the cat's pyjamas.`).
/// `had`, `were` and `should` are left out: they open conditionals (`Had it not been …`).
const QUESTION_OPENERS: &[&str] = &[
    "is", "are", "was", "has", "does", "will", "would", "could", "can", "must", "shall",
];

/// Words that can follow a question opener as its subject.
const SUBJECTS: &[&str] = &[
    "i",
    "you",
    "he",
    "she",
    "it",
    "we",
    "they",
    "there",
    "this",
    "that",
    "these",
    "those",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "everyone",
    "everybody",
    "nobody",
    "not",
];

/// Prepositions that can follow a participle opening a sentence (`Forgotten until …`).
const PARTICIPLE_PREPOSITIONS: &[&str] = &[
    "by", "in", "at", "on", "from", "until", "after", "during", "with", "under", "into", "since",
    "between", "across", "through", "over", "near", "for", "to", "as",
];

/// Past participles that do not end in -ed (only those unlike the base form: `run by` could be
/// an imperative).
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "forgotten",
    "written",
    "taken",
    "given",
    "known",
    "seen",
    "built",
    "held",
    "made",
    "born",
    "driven",
    "chosen",
    "spoken",
    "broken",
    "stolen",
    "hidden",
    "shown",
    "drawn",
    "grown",
    "thrown",
    "sold",
    "told",
    "found",
    "brought",
    "bought",
    "caught",
    "taught",
    "kept",
    "left",
    "lost",
    "paid",
    "sent",
    "spent",
    "led",
    "fed",
    "done",
    "gone",
    "begun",
    "sung",
    "won",
    "struck",
    "torn",
    "worn",
    "sworn",
    "eaten",
    "fallen",
    "frozen",
    "ridden",
    "risen",
    "shaken",
];

/// Conjunctions that only open a subordinate clause (not prepositions too, as `after`,
/// `before`, `since`): a sentence made of such a clause alone lacks its main clause.
const SUBORDINATORS: &[&str] = &[
    "when", "although", "though", "because", "whereas", "unless", "whenever", "while",
];

/// Words that show a finite verb without a part-of-speech tagger: auxiliaries and modals.
const FINITE_MARKERS: &[&str] = &[
    "is", "are", "was", "were", "am", "has", "have", "had", "do", "does", "did", "can", "could",
    "will", "would", "shall", "should", "must", "may", "might",
];

/// The seams of an English sentence, as the words that meet there (`of of`, `the.`).
pub fn seams(text: &str) -> Vec<String> {
    let w = words_of(text);
    let mut out = Vec::new();
    let end = final_mark(text);
    let question = end == Some('?');
    for (i, pair) in w.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        if a.punct_after || b.punct_before {
            continue;
        }
        let before = i.checked_sub(1).map(|j| &w[j]);
        if function_words_clash(a, b, i == 0)
            || (!question && modal_before_determiner(before, a, b))
            || pronoun_before_non_verb(before, a, b, i == 0)
            || contraction_before_auxiliary(a, b)
            || content_word_doubled(a, b)
            || possessive_before_function_word(a, b)
            || bare_be_after_past_tense(a, b)
            || past_tense_after_modal(a, b)
            || finite_verb_after_of(a, b)
            || w.get(i + 2)
                .is_some_and(|c| preposition_before_clause(a, b, c))
        {
            out.push(format!("{} {}", a.lower(), b.lower()));
        }
    }
    // Only after a final stop: a sentence without one is the `truncated` check's.
    let stopped = matches!(end, Some('.' | '!' | '?'));
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
    if matches!(end, Some('.' | '!')) {
        out.extend(broken_opening(&w, text));
        out.extend(comma_before_verb(text));
    }
    out
}

/// The sentence's final mark, closing quotes and brackets skipped.
fn final_mark(text: &str) -> Option<char> {
    text.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '”' | '’' | '\'' | ')'))
        .chars()
        .next_back()
}

/// Two function words that cannot meet (`the of`, `of of`, `into toward`). A capital article
/// counts only when it opens the sentence, and never `A` (a label: `A and B agreed`); inside
/// a sentence it belongs to a title (`The Who`).
fn function_words_clash(a: &Word, b: &Word, first: bool) -> bool {
    let opening_article = first && !a.punct_before && (a.core == "The" || a.core == "An");
    let article = (a.lowercase_written || opening_article) && a.is_in(ARTICLES);
    (article && b.lowercase_written && b.is_in(NOT_AFTER_ARTICLE))
        || (a.core.eq_ignore_ascii_case(b.core) && a.is_in(NEVER_DOUBLED))
        || (a.is_in(PREPOSITIONS) && b.is_in(PREPOSITIONS))
}

/// `I can my life`: a modal takes a verb, not a noun phrase, unless the subject comes after
/// it (`nor could the army`) or the modal is a noun (`a can the size of …`).
fn modal_before_determiner(before: Option<&Word>, modal: &Word, next: &Word) -> bool {
    modal.lowercase_written
        && modal.is_in(MODALS)
        && next.lowercase_written
        && next.is_in(DETERMINERS)
        && before.is_some_and(|w| !w.punct_after && !w.is_in(INVERTERS_AND_NOUN_MARKERS))
}

/// `He waiting for us`, `He an M.A.`, `He BBC for a decade`: a subject pronoun followed by a
/// bare -ing form, an article or an acronym, where a finite verb belongs.
fn pronoun_before_non_verb(
    before: Option<&Word>,
    pronoun: &Word,
    next: &Word,
    first: bool,
) -> bool {
    if !pronoun.is_in(SUBJECT_PRONOUNS) || !(pronoun.lowercase_written || first) {
        return false;
    }
    let is_i = pronoun.core == "I";
    // `was she crying?`, `is he an animal`: after an auxiliary the pronoun is an inverted
    // subject, and the verb came before it.
    if before.is_some_and(|w| w.is_in(FINITE_MARKERS)) {
        return false;
    }
    // `Henry I`, `World War I`: a capitalised word before `I` makes it a numeral.
    if is_i && before.is_some_and(|w| !w.lowercase_written) {
        return false;
    }
    // An all-capital pronoun belongs to a headline.
    if pronoun.core.len() > 1 && pronoun.core.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let acronym =
        !is_i && next.core.len() >= 2 && next.core.bytes().all(|b| b.is_ascii_uppercase());
    let article = next.lowercase_written && next.is_in(ARTICLES);
    acronym || article || bare_participle(next)
}

/// A lower-case -ing form that is not a base verb (`bring`) nor `being`/`having` (which
/// make absolute phrases: `he being the eldest`).
fn bare_participle(word: &Word) -> bool {
    let core = word.core;
    word.lowercase_written
        && core.len() >= 6
        && core.ends_with("ing")
        && !word.is_in(BASE_VERBS_IN_ING)
        && !word.is_in(&[
            "being",
            "having",
            "nothing",
            "something",
            "anything",
            "everything",
        ])
}

/// `They’re do`, `I've can`, `doesn't would`: a contracted auxiliary followed by another
/// finite auxiliary (`'re` and `'m` not by `do` or `have` either; `'ll`, `'d` and `'ve` take
/// them: `I'll do`, `I'd have`).
fn contraction_before_auxiliary(a: &Word, b: &Word) -> bool {
    if !b.lowercase_written {
        return false;
    }
    let Some((stem, tail)) = a.core.split_once(['\'', '’']) else {
        return false;
    };
    let tail_is = |t: &str| tail.eq_ignore_ascii_case(t);
    if stem.is_empty() {
        return false;
    }
    if tail_is("re") || tail_is("m") {
        return b.is_in(FINITE_AUXILIARIES) || b.is_in(&["do", "have", "had"]);
    }
    let do_support = tail_is("t")
        && ["don", "doesn", "didn"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(stem));
    (tail_is("ve") || tail_is("ll") || tail_is("d") || do_support) && b.is_in(FINITE_AUXILIARIES)
}

/// `their the`, `our of`, `my is`: a possessive determiner needs its noun (`its` is left out:
/// it is often written for `it's`; `his` and `her` are pronouns too: `his to keep`).
fn possessive_before_function_word(a: &Word, b: &Word) -> bool {
    const POSSESSIVES: &[&str] = &["my", "your", "our", "their"];
    const NOT_AFTER_POSSESSIVE: &[&str] = &[
        "the", "a", "an", "of", "to", "in", "on", "at", "from", "by", "with", "into", "is", "are",
        "was", "were",
    ];
    a.is_in(POSSESSIVES) && b.lowercase_written && b.is_in(NOT_AFTER_POSSESSIVE)
}

/// `he refused be married`: a bare `be` after a past tense, where `to` or a modal was
/// (-eed words are not past tenses: `may indeed be`, `if need be`).
fn bare_be_after_past_tense(a: &Word, b: &Word) -> bool {
    b.core == "be"
        && a.lowercase_written
        && a.core.len() >= 4
        && a.core.ends_with("ed")
        && !a.core.ends_with("eed")
}

/// `would worked`, `didn't wanted`: a modal or a `n't` form takes a bare verb, never a form
/// in -ed (-eed words are bare verbs: `will need`, `could succeed`; short ones too: `will wed`).
fn past_tense_after_modal(a: &Word, b: &Word) -> bool {
    let negated = a.core.ends_with("n't") || a.core.ends_with("n’t");
    (a.is_in(MODALS) || negated)
        && a.lowercase_written
        && b.lowercase_written
        && b.core.len() >= 6
        && b.core.ends_with("ed")
        && !b.core.ends_with("eed")
}

/// `the moon on was obscured` → `of is`, `of were`: `of` before a finite verb (the verbs
/// that are also nouns are left out: `a test of will`).
fn finite_verb_after_of(a: &Word, b: &Word) -> bool {
    const FINITE_NOT_NOUNS: &[&str] = &[
        "is", "are", "was", "were", "has", "had", "would", "could", "should",
    ];
    a.core.eq_ignore_ascii_case("of") && b.lowercase_written && b.is_in(FINITE_NOT_NOUNS)
}

/// `One of produced a humanoid robot`: a preposition takes a noun phrase, not a past tense and
/// its object (an adjective in -ed comes before its noun, never before an article; `for` is
/// left out: `take for granted the fact`).
fn preposition_before_clause(a: &Word, b: &Word, c: &Word) -> bool {
    const PREPOSITIONS_BEFORE_NOUN: &[&str] = &["of", "from", "with", "into", "at", "in", "on"];
    a.is_in(PREPOSITIONS_BEFORE_NOUN)
        && b.lowercase_written
        && b.core.len() >= 6
        && b.core.ends_with("ed")
        && !b.core.ends_with("eed")
        && !b.core.eq_ignore_ascii_case("hundred")
        && !b.punct_after
        && !c.punct_before
        && c.lowercase_written
        && c.is_in(ARTICLES)
}

/// `At least 330,000 people, were involved.`, `Much of the debate, has been about …`: the
/// sentence's first comma (followed by a space: not the one in `330,000`) comes between the
/// subject and its verb, where a cut clause had its own commas. A comma before the verb
/// that closes a parenthesis (`The result, then, is …`) is never the first.
fn comma_before_verb(text: &str) -> Option<String> {
    const VERBS_AFTER_SUBJECT: &[&str] = &["is", "are", "was", "were", "has", "have", "had"];
    let comma = text.find(", ")?;
    let before = &text[..comma];
    // A quote or bracket may hold its own punctuation (`"Yes," was the answer`).
    if before.contains(['"', '“', '”', '(', ')', ';', ':', '—', '–']) {
        return None;
    }
    let after = &text[comma + 2..];
    let verb = after.split_whitespace().next()?;
    let subject_last = before.split_whitespace().next_back()?;
    VERBS_AFTER_SUBJECT
        .contains(&verb)
        .then(|| format!("{}, {verb}", subject_last.to_lowercase()))
}

/// `classification classification`: a content word written twice (emphatic doubles are
/// short or adverbs: `very very`, `really really`).
fn content_word_doubled(a: &Word, b: &Word) -> bool {
    a.lowercase_written && a.core.len() >= 5 && a.core == b.core && !a.core.ends_with("ly")
}

/// An opening no fluent sentence has: a question's auxiliary in a statement (`Is hardly …`,
/// `Will likely be …`), a bare `be` (`Be constructed in …`, `Likely be …`), a participle
/// phrase with no main clause (`Forgotten until after …`), or a subordinate clause alone
/// (`When Julian was killed in battle in 363.`). Only for statements (`.` or `!`).
fn broken_opening(w: &[Word], text: &str) -> Option<String> {
    let [first, second, rest @ ..] = w else {
        return None;
    };
    // An opening quote is the only mark that may come before the first word.
    let quoted = text.trim_start().starts_with(['"', '“', '‘']);
    if (first.punct_before && !quoted) || first.punct_after || second.punct_before {
        return None;
    }
    let pair = || Some(format!("{} {}", first.lower(), second.lower()));
    if first.is_in(QUESTION_OPENERS) && second.lowercase_written && !second.is_in(SUBJECTS) {
        return pair();
    }
    // `Her the world`, `Her to remain …`: opening a sentence, `her` is a determiner and needs
    // its noun (`her and her sister` is spoken English, left alone).
    if first.core == "Her"
        && second.lowercase_written
        && (second.is_in(ARTICLES) || second.is_in(PARTICIPLE_PREPOSITIONS))
    {
        return pair();
    }
    if first.core.eq_ignore_ascii_case("be")
        && second.lowercase_written
        && (second.core.ends_with("ed") || second.core.ends_with("en"))
        && rest.first().is_some_and(|third| {
            !second.punct_after && !third.is_in(&["for", "to", "that", "and", "or"])
        })
    {
        return pair();
    }
    if first.core.len() > 4
        && first.core.ends_with("ly")
        && second.lowercase_written
        && second.core == "be"
    {
        return pair();
    }
    let no_clause_marks = !text.contains([',', ';', ':', '—', '–', '(']);
    if no_clause_marks && participle_phrase_alone(first, second, rest) {
        return pair();
    }
    // A quote may hold the main clause (`When he left "we cried"`).
    if no_clause_marks
        && !quoted
        && !text.contains(['"', '“'])
        && subordinate_clause_alone(first, second, rest)
    {
        return pair();
    }
    None
}

/// Whether a word looks like a past participle (`forgotten`, `constructed`).
fn past_participle(word: &Word) -> bool {
    (word.core.len() >= 5 && word.core.ends_with("ed")) || word.is_in(IRREGULAR_PARTICIPLES)
}

/// `Forgotten until after Smith's death.`: a participle and its preposition open the
/// sentence, and nothing after them is a finite verb (no auxiliary, no other -ed form).
fn participle_phrase_alone(first: &Word, second: &Word, rest: &[Word]) -> bool {
    past_participle(first)
        && second.lowercase_written
        && second.is_in(PARTICIPLE_PREPOSITIONS)
        && !rest.iter().enumerate().any(|(i, w)| {
            // `to have been held`: after `to` an auxiliary is an infinitive.
            let previous = if i == 0 { second } else { &rest[i - 1] };
            let infinitive = previous.core.eq_ignore_ascii_case("to");
            (w.is_in(FINITE_MARKERS) && !infinitive)
                || is_contracted(w)
                || (w.lowercase_written && w.core.ends_with("ed"))
        })
}

/// `When Julian was killed in battle in 363.`: a subordinator and a subject open the sentence,
/// no comma closes the clause, and there is one finite verb and one subject at most (the
/// clause's own).
fn subordinate_clause_alone(first: &Word, second: &Word, rest: &[Word]) -> bool {
    // The clause's subject comes first: a name, a pronoun or a noun phrase (`because of …`
    // and `while in Paris` are phrases, not clauses).
    let subject = !second.lowercase_written
        || (second.is_in(SUBJECTS) && !second.core.eq_ignore_ascii_case("not"))
        || second.is_in(DETERMINERS);
    if !first.is_in(SUBORDINATORS) || !subject {
        return false;
    }
    let words: Vec<&Word> = std::iter::once(second).chain(rest).collect();
    // An -ed form after an auxiliary belongs to its verb group (`was killed`).
    let verbs = words
        .iter()
        .enumerate()
        .filter(|&(i, w)| {
            w.is_in(FINITE_MARKERS)
                || is_contracted(w)
                || (w.lowercase_written
                    && w.core.len() >= 4
                    && w.core.ends_with("ed")
                    && (i == 0
                        || !words[i - 1].is_in(FINITE_MARKERS)
                            && !words[i - 1].is_in(&["be", "been", "being", "not"])))
        })
        .count();
    let subjects = std::iter::once(second)
        .chain(rest)
        .filter(|w| w.is_in(SUBJECTS))
        .count();
    verbs <= 1 && subjects <= 1
}

/// Whether a word carries a contracted verb (`doesn't`, `they're`, `I'll`).
fn is_contracted(word: &Word) -> bool {
    word.core.contains(['\'', '’']) && !word.core.ends_with("'s") && !word.core.ends_with("’s")
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
        assert_eq!(seams("The to keep their war fleet."), ["the to"]);
        assert!(seams("A and B agreed on the plan.").is_empty(), "a label");
        assert!(
            seams("He said The Is was his favourite film.").is_empty(),
            "a title"
        );
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
            "He gave his word that that could not be the right explanation.",
        ] {
            assert!(seams(s).is_empty(), "{s}: {:?}", seams(s));
        }
    }

    /// Asserts that each sentence has exactly the seams given, and each fluent one none.
    fn check(broken: &[(&str, &str)], fluent: &[&str]) {
        for (sentence, seam) in broken {
            assert_eq!(seams(sentence), [*seam], "{sentence}");
        }
        for sentence in fluent {
            assert!(
                seams(sentence).is_empty(),
                "{sentence}: {:?}",
                seams(sentence)
            );
        }
    }

    #[test]
    fn a_modal_takes_a_verb_not_a_noun_phrase() {
        check(
            &[
                ("I can my life.", "can my"),
                ("The council would the plan next year.", "would the"),
            ],
            &[
                "Nor could the army hold the city.",
                "Only then could the talks begin.",
                "He bought a can the size of a barrel.",
                "Where can the guests sleep?",
                "She said she would not go.",
                "They could, the minister said, leave at once.",
            ],
        );
    }

    #[test]
    fn a_subject_pronoun_needs_a_finite_verb() {
        check(
            &[
                ("He waiting for us waits for us.", "he waiting"),
                ("He an M.A. on 21 April 1882.", "he an"),
                ("He BBC for a decade.", "he bbc"),
                ("Since then they building roads.", "they building"),
            ],
            &[
                "He, waiting for us, smiled.",
                "They bring water every morning.",
                "It being Sunday, the shops were closed.",
                "We the people of the United States ordain this Constitution.",
                "He being the eldest son, inherited the estate.",
                "And why was she crying?",
                "Was he an animal if music could captivate him so?",
                "Under Henry I taxes rose.",
                "HE SAID BBC RADIO WAS WRONG.",
                "She is waiting for the BBC.",
            ],
        );
    }

    #[test]
    fn a_contracted_auxiliary_is_not_followed_by_another() {
        check(
            &[
                ("They’re do a bunch of stuff.", "they’re do"),
                ("We're can help.", "we're can"),
                ("One doesn't would have worked together.", "doesn't would"),
                ("I've is the answer.", "i've is"),
            ],
            &[
                "They’re doing a bunch of stuff.",
                "I'll do it tomorrow.",
                "I'd have gone.",
                "They don't have time.",
                "They've had enough.",
                "The company's will was read.",
            ],
        );
    }

    #[test]
    fn a_content_word_written_twice() {
        check(
            &[(
                "The Bergeron classification classification.",
                "classification classification",
            )],
            &[
                "They were very very happy.",
                "It is really really good.",
                "She had had enough.",
                "He lived in Walla Walla.",
                "Bora Bora is an island.",
            ],
        );
    }

    #[test]
    fn an_opening_no_statement_has() {
        check(
            &[
                ("Is hardly the cat's pyjamas.", "is hardly"),
                (
                    "Will likely be high levels of the element iridium.",
                    "will likely",
                ),
                ("Likely be high levels of the element iridium.", "likely be"),
                (
                    "Be constructed in the light of its future goal.",
                    "be constructed",
                ),
            ],
            &[
                "Is it true?",
                "Will Smith starred in the film.",
                "Had it not rained, we would have won.",
                "Were it not for him, the plan would have failed.",
                "Should you need help, call us.",
                "Can anyone explain this?",
                "Be careful.",
                "Be prepared for the worst.",
                "Be warned that the road is closed.",
                "Be seated.",
                "Only be careful with it.",
                "Likely voters chose him.",
                "Is this the end.",
            ],
        );
    }

    #[test]
    fn a_participle_phrase_alone() {
        check(
            &[
                ("Forgotten until after Smith's death.", "forgotten until"),
                ("Constructed in 1850 by the town council.", "constructed in"),
                ("Believed to have been held in 393.", "believed to"),
            ],
            &[
                "Founded in 1850, the company grew quickly.",
                "Located in Paris is the oldest museum of the country.",
                "Built in 1900 the church was restored in 2005.",
                "Left to himself he wandered off.",
                "Written by Smith and directed by Jones.",
                "Believed to have been held in 393, the games ended.",
                "Believed to be lost, the manuscript was found in 1990.",
            ],
        );
    }

    #[test]
    fn a_subordinate_clause_alone() {
        check(
            &[
                ("When Julian was killed in battle in 363.", "when julian"),
                (
                    "Although the army had withdrawn from the city.",
                    "although the",
                ),
            ],
            &[
                "When he arrived he was tired.",
                "When Julian was killed in battle, the army retreated.",
                "Because of the storm the match was cancelled.",
                "While in Paris he met her.",
                "When he arrives he will call.",
                "When is the next train?",
            ],
        );
    }

    #[test]
    fn a_determiner_needs_its_noun() {
        check(
            &[
                ("\"Her the world,\" Leive said.", "her the"),
                ("Her to remain General Secretary of the party.", "her to"),
                ("They sold their the house.", "their the"),
                ("The has been developed in the context.", "the has"),
                ("It was a be constructed plan.", "a be"),
            ],
            &[
                "Her husband died in 2001.",
                "Her own mother was there.",
                "They asked her to remain in the party.",
                "The choice was his to make.",
                "Both my and your children came.",
                "He said the have-nots were angry.",
                "Their to-do list was long.",
            ],
        );
    }

    #[test]
    fn a_bare_be_after_a_past_tense() {
        check(
            &[("But he refused be married to him.", "refused be")],
            &[
                "It may indeed be true.",
                "He refused to be married to him.",
                "The court insisted that it be removed.",
                "If need be, we will go.",
            ],
        );
    }

    #[test]
    fn a_preposition_before_a_verb_and_its_object() {
        check(
            &[(
                "One of produced a humanoid robot to compete.",
                "of produced",
            )],
            &[
                "One of the examples of research applied under safety.",
                "He said it was one of five hundred the city hired.",
                "They take for granted the right to vote.",
                "A group of selected students won.",
            ],
        );
    }

    #[test]
    fn a_comma_between_subject_and_verb() {
        check(
            &[
                ("At least 330,000 people, were involved.", "people, were"),
                (
                    "Much of the debate, has been about white male identity.",
                    "debate, has",
                ),
            ],
            &[
                "The result, then, is hardly the cat's pyjamas.",
                "Cuaron, whose last film was Gravity, was not on set.",
                "At least 330,000 people were involved.",
                "\"Yes,\" was his answer.",
                "Really, is it true?",
                "In 2010, the population was 5,000.",
            ],
        );
    }

    #[test]
    fn a_modal_takes_a_bare_verb() {
        check(
            &[
                ("The team would worked on it.", "would worked"),
                ("They didn't wanted to go.", "didn't wanted"),
                ("The rest of was destroyed in 1944.", "of was"),
            ],
            &[
                "The plan will need more money.",
                "They could succeed where others failed.",
                "They will wed in June.",
                "They would have worked together.",
                "It was a test of will and nerve.",
                "What it consists of remains unclear.",
            ],
        );
    }

    proptest::proptest! {
        /// Any text, with apostrophes, quotes, commas and multi-byte letters among its words:
        /// no panic, and every seam names words of the text.
        #[test]
        fn never_panics_on_any_text(text in "([A-Za-z’'\",.?!() ]|é|ا|n't|'re| the | be | can ){0,60}") {
            for seam in seams(&text) {
                let first = seam.split([' ', ',', '.']).next().unwrap_or("");
                proptest::prop_assert!(text.to_lowercase().contains(first), "{seam} in {text}");
            }
        }
    }

    /// The 1,000 untouched English sentences of UD PUD (column 4; the first line is the
    /// header), kept in the repository.
    fn pud_english() -> Option<Vec<String>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpora/eval/ud_arabic_pud/sentences.tsv");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (evaluation data of the repository)",
                path.display()
            )
        });
        Some(
            text.lines()
                .skip(1)
                .filter_map(|line| line.split('\t').nth(3).map(str::to_string))
                .collect(),
        )
    }

    #[test]
    fn no_seam_in_any_untouched_pud_sentence() {
        let Some(sentences) = pud_english() else {
            return;
        };
        assert_eq!(sentences.len(), 1000);
        let found: Vec<(String, Vec<String>)> = sentences
            .into_iter()
            .map(|s| {
                let found = seams(&s);
                (s, found)
            })
            .filter(|(_, found)| !found.is_empty())
            .collect();
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    #[ignore = "exploration: prints the seams of the sentences in $SEAMS_FILE"]
    fn print_seams_of_file() {
        let text = std::fs::read_to_string(std::env::var("SEAMS_FILE").unwrap()).unwrap();
        let mut hits = 0;
        for line in text.lines() {
            let found = seams(line);
            hits += usize::from(!found.is_empty());
            println!("{:?}\t{line}", found);
        }
        println!("{hits} of {} lines", text.lines().count());
        let started = std::time::Instant::now();
        let found: usize = (0..5)
            .flat_map(|_| text.lines())
            .map(|line| seams(line).len())
            .sum();
        println!("{found} seams in {:?} for 5 passes", started.elapsed());
    }
}
