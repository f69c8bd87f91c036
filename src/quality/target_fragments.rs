//! Target-side fragments (`target-fragment`): an English sentence that cannot stand alone,
//! which is what a faithful translation of a detached source fragment looks like.

use crate::bitext::Flag;
use crate::bitext::Severity;
use crate::quality::Ctx;
use crate::quality::structure;
use crate::quality::text::{excerpt, trim_closers, trim_openers, word_iter, words};
use crate::quality::{CheckInfo, Code, Family, info};

/// Relative words that cannot open a statement.
const RELATIVE_OPENERS: &[&str] = &["which", "who", "whom", "whose"];

/// Auxiliaries, modals and frequent news verbs; a short sentence with none of them (and no
/// `-ed` form or contraction) has no verb.
const VERBS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tell",
    "made",
    "make",
    "makes",
    "went",
    "go",
    "goes",
    "came",
    "come",
    "comes",
    "took",
    "take",
    "takes",
    "got",
    "get",
    "gets",
    "gave",
    "give",
    "gives",
    "left",
    "won",
    "lost",
    "met",
    "saw",
    "see",
    "sees",
    "thanks",
    "thank",
    "let",
    "let's",
    "it's",
    "that's",
    "there's",
    "here's",
    "what's",
    "he's",
    "she's",
    "i'm",
    "we're",
    "they're",
    "you're",
    "knew",
    "know",
    "knows",
    "think",
    "thinks",
    "thought",
    "felt",
    "feel",
    "put",
    "set",
    "ran",
    "run",
    "runs",
    "began",
    "begin",
    "begins",
    "kept",
    "keep",
    "keeps",
    "held",
    "hold",
    "holds",
    "became",
    "become",
    "becomes",
    "seem",
    "seems",
    "need",
    "needs",
    "want",
    "wants",
    "yes",
    "no",
    "thank",
    "please",
    "welcome",
    "hello",
    // Irregular past tenses (no `-ed` to give them away) that narrative and manuals use.
    "slept",
    "sat",
    "stood",
    "fell",
    "found",
    "wrote",
    "spoke",
    "heard",
    "brought",
    "bought",
    "sent",
    "spent",
    "built",
    "meant",
    "grew",
    "drew",
    "threw",
    "flew",
    "rose",
    "broke",
    "chose",
    "drove",
    "ate",
    "wore",
    "woke",
    "paid",
    "laid",
    "sold",
    "taught",
    "caught",
    "fought",
    "led",
    "fled",
    "lay",
    "shone",
    "sang",
    "swam",
    "forgot",
    "understood",
    "remains",
    "remained",
];

/// Words after which an `-ed` form is still a verb.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "in", "on", "at", "to", "by", "for", "with", "from", "of", "and", "or",
    "but", "that", "his", "her", "their", "its", "him", "them", "it", "as", "after", "before",
];

/// Determiners and possessives that open a noun phrase.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "your", "my", "his", "her", "our", "their", "its", "this", "that", "these",
    "those", "every", "some", "no",
];

/// Words that can stand before a determiner without being a verb: prepositions, quantifiers,
/// focus adverbs, conjunctions.
const NOT_IMPERATIVE: &[&str] = &[
    "in",
    "on",
    "at",
    "to",
    "by",
    "for",
    "with",
    "from",
    "of",
    "into",
    "onto",
    "inside",
    "outside",
    "under",
    "over",
    "above",
    "below",
    "near",
    "behind",
    "beyond",
    "across",
    "along",
    "among",
    "around",
    "through",
    "throughout",
    "during",
    "within",
    "without",
    "against",
    "toward",
    "towards",
    "upon",
    "about",
    "after",
    "before",
    "since",
    "until",
    "like",
    "unlike",
    "despite",
    "between",
    "beside",
    "besides",
    "via",
    "per",
    "except",
    "amid",
    "amidst",
    "regarding",
    "including",
    "following",
    "concerning",
    "off",
    "past",
    "up",
    "down",
    "out",
    "all",
    "both",
    "half",
    "not",
    "just",
    "only",
    "even",
    "once",
    "and",
    "or",
    "but",
    "nor",
    "whether",
    "if",
    "as",
    "than",
    "what",
    "such",
    "quite",
    "rather",
    "twice",
    "outside",
    "near",
];

/// Why an English sentence cannot stand alone, if it cannot.
pub fn english_fragment(sentence: &str, max_words: usize) -> Option<String> {
    let tokens = words(trim_openers(sentence));
    let first = tokens.first()?.to_lowercase();
    let is_question = trim_closers(sentence).ends_with('?');
    if RELATIVE_OPENERS.contains(&first.as_str()) && !is_question {
        return Some(format!(
            "the sentence opens with «{}» but is not a question: a relative clause cut off from the previous sentence",
            tokens[0]
        ));
    }
    // Only a short phrase can be a fragment: a longer sentence needs no verb search.
    if tokens.len() < 2 || tokens.len() > max_words {
        return None;
    }
    let lower: Vec<String> = tokens
        .iter()
        .map(|t| t.to_lowercase().replace('’', "'"))
        .collect();
    // An `-ed` word followed by a content word is an adjective (`armed factions`); at the end
    // or before a function word it is a verb (`he resigned on Monday`).
    let past_tense = |k: usize| {
        let w = &lower[k];
        w.len() > 4
            && w.ends_with("ed")
            && lower
                .get(k + 1)
                .is_none_or(|next| FUNCTION_WORDS.contains(&next.as_str()))
    };
    let has_verb = lower.iter().enumerate().any(|(k, w)| {
        VERBS.contains(&w.as_str())
            || past_tense(k)
            || w.ends_with("n't")
            || w.chars().any(|c| c.is_ascii_digit())
    });
    // `Then the commercial ends.`: a sentence adverb announces a clause whose verb the list
    // may not know.
    let clause_adverb =
        ["then", "so", "now", "yet", "still", "thus", "hence"].contains(&first.as_str());
    // `Drop the mic.`: an open-class first word directly followed by a determiner is an
    // imperative (a noun phrase does not put its noun before its determiner).
    let imperative = lower
        .get(1)
        .is_some_and(|w| DETERMINERS.contains(&w.as_str()))
        && !NOT_IMPERATIVE.contains(&first.as_str());
    let has_verb = has_verb || imperative;
    if !has_verb && !is_question && !clause_adverb {
        return Some(format!(
            "a {}-word phrase with no verb stands as a sentence: a detached fragment",
            tokens.len()
        ));
    }
    None
}

/// Whether an English sentence opens with a relative pronoun (`Which…`, `Who…`).
fn opens_with_relative(sentence: &str) -> bool {
    word_iter(trim_openers(sentence))
        .next()
        .is_some_and(|w| RELATIVE_OPENERS.contains(&w.to_lowercase().as_str()))
}

/// Runs `target-fragment` on English targets.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of(Code::TargetFragment) else {
        return;
    };
    if !ctx.target_is_english() {
        return;
    }
    let max_words = ctx.settings.target_fragment.max_words;
    let sentences = &ctx.bitext.target;
    for (id, sentence) in sentences.iter().enumerate() {
        if let Some(message) = english_fragment(&sentence.text, max_words)
            // A verbless heading, list item or definition entry is structure; a relative
            // clause cut off from its sentence is a fragment wherever it stands.
            && (!structure::structural(sentences, id) || opens_with_relative(&sentence.text))
        {
            flags.push(ctx.target_flag(
                Code::TargetFragment,
                severity,
                vec![id],
                message,
                format!("«{}»", excerpt(&sentence.text, 60)),
            ));
        }
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::TargetFragment,
    Severity::Warning,
    Family::Target,
    "target sentence that cannot stand alone: short and verbless, or opens with Which/Who/Whose and is not a question",
)];

family_check!(
    /// The `target-fragment` check.
    TargetFragmentCheck
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_irregular_past_tense_is_a_verb() {
        assert_eq!(english_fragment("Nobody slept that night.", 4), None);
        assert!(english_fragment("The long night.", 4).is_some());
    }

    #[test]
    fn a_verbless_heading_or_list_item_of_its_own_paragraph_is_not_a_target_fragment() {
        let b = crate::quality::testkit::paragraphs(&[
            (0, "الفصل الثاني", "Chapter Two"),
            (1, "قرارات الشركاء.", "Partners’ resolutions."),
        ]);
        assert!(!crate::quality::testkit::codes(&b).contains(&"target-fragment".to_string()));
    }

    #[test]
    fn flags_relative_openings_and_short_verbless_sentences() {
        assert!(english_fragment("Which unite the two countries.", 4).is_some());
        assert!(english_fragment("The Iranian armed factions.", 4).is_some());
        assert!(english_fragment("Airport in the Iraqi capital.", 4).is_none()); // 5 words
        assert!(english_fragment("Airport in the Iraqi capital.", 5).is_some());
    }

    #[test]
    fn leaves_questions_and_sentences_with_verbs_alone() {
        assert!(english_fragment("Who is he?", 4).is_none());
        assert!(english_fragment("Which one do you mean?", 4).is_none());
        assert!(english_fragment("Nobody knows.", 4).is_none());
        assert!(english_fragment("Thank you all.", 4).is_none());
        assert!(english_fragment("He resigned.", 4).is_none());
        assert!(english_fragment("In 2003.", 4).is_none());
        assert!(english_fragment("Drop the mic.", 4).is_none());
        assert!(english_fragment("Inside the house.", 4).is_some());
        assert!(english_fragment("All the way.", 4).is_some());
    }
}
