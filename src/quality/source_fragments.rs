//! Source-side garble detectors: `fragment`, `suspicious-break`, `lost-quotation`,
//! `verb-agreement`.
//!
//! Arabic has no tagger here, so verbs are found the other way round: a word counts as "surely
//! not a verb" only when a closed-class list or an unambiguous noun mark says so (the article
//! `ال`, ta marbuta, a preposition…). A short sentence made only of such words has no predicate.
//! This errs towards silence: an unknown word (a name, a verb, an adjective) is assumed to be a
//! possible predicate, so clean sentences stay unflagged.

use rayon::prelude::*;

use crate::bitext::{Flag, Severity};
use crate::quality::Ctx;
use crate::quality::lexicon::{
    CLAUSE_OPENERS, CONSTRUCT_HEADS, FIRST_PERSON, NON_PREDICATES, ORDINALS, PARTICLES,
    PASSIVE_AUXILIARIES, PLACE_NAMES, PRENOMINAL_DEMONSTRATIVES, PREPOSITION_PRONOUN_SUFFIXES,
    PREPOSITIONS, QUANTITIES, QUESTION_WORDS, RELATIVES, SPEECH_VERBS, SUBORDINATORS,
};
use crate::quality::structure;
use crate::quality::target_fragments;
use crate::quality::text::{
    excerpt, is_arabic_letter, normalize_arabic_word, trim_openers, word_iter, words,
};
use crate::quality::transliteration::HeardNames;
use crate::quality::{CheckInfo, Code, Family, info};

/// Why a sentence cannot stand alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FragmentReason {
    /// Opens with a relative pronoun (`التي`, `الذي`…): the clause belongs to a noun of the
    /// previous sentence.
    RelativeOpening(String),
    /// A short phrase with nothing that can be a verb (`الفصائل المسلحة الإيرانية.`).
    Verbless(usize),
    /// Opens a paragraph with a verb whose object pronoun has no antecedent (`تم توجيهه`).
    UnanchoredPronoun(String),
    /// Ends on a preposition or conjunction: the sentence was cut mid-clause.
    EndsMidClause(String),
    /// A short sentence whose first word continues the phrase that ends the previous sentence:
    /// an adjective after its noun (`… الفرعون. المصري …`), the noun of a demonstrative
    /// (`… هذا. الحدث …`) or the genitive of a masdar (`… وانتشار. الأمراض …`).
    Continues {
        /// Last word of the previous sentence.
        last: String,
        /// First word of this one.
        first: String,
    },
    /// A short sentence that the translation does not keep apart: one target sentence
    /// translates it and the previous source sentence together (`… الفرعون. المصري تحتمس
    /// الثالث.` = `… the Egyptian pharaoh Thutmose III.`).
    JoinedInTranslation(usize),
}

impl FragmentReason {
    /// The reason in a translator's words.
    pub fn message(&self) -> String {
        match self {
            FragmentReason::RelativeOpening(w) => format!(
                "the sentence opens with the relative pronoun «{w}»: it is the tail of the previous sentence, cut off by a wrong full stop"
            ),
            FragmentReason::Verbless(n) => format!(
                "a {n}-word phrase with no verb stands as a sentence: probably a detached fragment of the previous sentence"
            ),
            FragmentReason::UnanchoredPronoun(w) => format!(
                "the paragraph opens with «{w}», whose pronoun refers to nothing before it: the subject was lost"
            ),
            FragmentReason::EndsMidClause(w) => {
                format!("the sentence ends on «{w}»: it was cut in the middle of a clause")
            }
            FragmentReason::Continues { last, first } => format!(
                "a short sentence opens with «{first}», which continues «{last}» at the end of the previous sentence: one phrase cut by a wrong full stop"
            ),
            FragmentReason::JoinedInTranslation(n) => format!(
                "a {n}-word sentence that the translation joins to the previous one in a single sentence: probably a detached fragment of it"
            ),
        }
    }

    /// Short evidence string.
    pub fn evidence(&self) -> String {
        match self {
            FragmentReason::RelativeOpening(w) => format!("opens with {w}"),
            FragmentReason::Verbless(n) => format!("{n} words, no verb"),
            FragmentReason::UnanchoredPronoun(w) => format!("opens with {w}"),
            FragmentReason::EndsMidClause(w) => format!("ends with {w}"),
            FragmentReason::Continues { last, first } => format!("{last}. {first}"),
            FragmentReason::JoinedInTranslation(n) => {
                format!("{n} words, one target sentence with the previous")
            }
        }
    }
}

/// Strips one proclitic conjunction `و`/`ف` when what is left is still a word of the list.
fn in_list_with_conjunction(word: &str, list: &[&str]) -> bool {
    if list.contains(&word) {
        return true;
    }
    ["و", "ف"].iter().any(|c| {
        word.strip_prefix(c)
            .is_some_and(|rest| rest.chars().count() >= 2 && list.contains(&rest))
    })
}

/// Whether an Arabic word (as written) is surely not a verb.
fn surely_not_a_verb(raw: &str) -> bool {
    if raw
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
        || raw.chars().any(|c| c.is_ascii_alphabetic())
    {
        return true; // numbers and Latin-script names
    }
    if has_tanween(raw) {
        return true; // tanween: a noun or adjective
    }
    let w = normalize_arabic_word(raw);
    let n = w.chars().count();
    let definite = [
        "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وبال", "فبال", "فلل",
    ]
    .iter()
    .any(|p| w.starts_with(p) && n > p.chars().count() + 1);
    // `بدأت`, `نشأت`: a perfect verb whose `أت` the normalisation turns into the `ات` of a
    // feminine plural.
    let hamza_perfect = crate::segment::normalize::strip_diacritics(raw).ends_with("أت");
    if hamza_perfect {
        return definite || in_list_with_conjunction(&w, NON_PREDICATES);
    }
    definite
        || in_list_with_conjunction(&w, NON_PREDICATES)
        || in_list_with_conjunction(&w, PLACE_NAMES)
        || attached_preposition_noun(&w, n)
        || noun_pattern(&w)
        || w.strip_prefix(['و', 'ف'])
            .is_some_and(|rest| rest.chars().count() >= 4 && noun_pattern(rest))
}

/// Noun shapes no verb has: `مـ` participles and nouns (`مقاعد`), `ة`/`ات`/`ية` endings, and
/// the derived masdars, with a pronoun suffix or not (`أعدائه`, `توجيهها`).
fn noun_pattern(w: &str) -> bool {
    let n = w.chars().count();
    let bare = without_pronoun_suffix(w);
    (n >= 3 && w.ends_with('ة'))
        || (n >= 4 && (w.ends_with("ات") || w.ends_with("ية")))
        || (n >= 4 && w.starts_with('م') && !w.ends_with('ت') && !w.ends_with("وا"))
        || derived_masdar(&bare)
        || taf_il_masdar(&bare, bare.chars().count())
        || nisba_adjective(w)
}

/// `عسكري`, `قانوني`, `مصري`: an indefinite nisba adjective (`ـي`, not the `ى` of `قضى`).
/// Verbs ending in `ي` are imperfects (`يمشي`, `تعطي`, `سيبقي`), short perfects (`بقي`, `نسي`)
/// or carry the object pronoun `ني` (`ساعدني`); none of them has this shape.
fn nisba_adjective(w: &str) -> bool {
    w.chars().count() >= 4
        && w.ends_with('ي')
        && !w.ends_with("ني")
        && !w.starts_with(['ي', 'ت', 'ن', 'ا'])
        && !["سي", "ست", "سن", "سا"].iter().any(|p| w.starts_with(p))
}

/// `ليحاكم`, `لتحقيق`, `ليسوع`: `ل` before an imperfect is a purpose or command particle and
/// before a noun a preposition; either way not the sentence's predicate (`ليس` is a verb).
fn purpose_or_preposition(w: &str, n: usize) -> bool {
    const LAISA: &[&str] = &["ليس", "ليست", "ليسا", "ليستا", "ليسوا"];
    n >= 4 && (w.starts_with("لي") || w.starts_with("لت")) && !LAISA.contains(&w)
}

/// A word without a possessive or object pronoun suffix, with the hamza seat it had before it
/// (`اعدائه` → `اعداء`).
fn without_pronoun_suffix(w: &str) -> String {
    for suffix in ["هما", "هم", "هن", "ها", "ه"] {
        if let Some(stem) = w.strip_suffix(suffix)
            && stem.chars().count() >= 4
        {
            let mut stem = stem.to_string();
            if stem.ends_with(['ئ', 'ؤ']) {
                stem.pop();
                stem.push('ء');
            }
            return stem;
        }
    }
    w.to_string()
}

/// `تعريف`, `تنظيم`, `تحقيق`: the form II masdar `تفعيل` (five letters, `ت` first, `ي` before
/// the last). Imperfect verbs of that shape start with `تت` (`تتغير`) or end in `ين` (`تجرين`).
fn taf_il_masdar(w: &str, n: usize) -> bool {
    let chars: Vec<char> = w.chars().collect();
    n == 5 && chars[0] == 'ت' && chars[1] != 'ت' && chars[3] == 'ي' && !w.ends_with("ين")
}

/// `برعب`, `بتاريخها`, `لاكتشاف`: a preposition glued to a noun (verbs that start with `ب`
/// are a short list; `ل` + `ا…` is `ل` + a derived masdar).
fn attached_preposition_noun(w: &str, n: usize) -> bool {
    const B_VERBS: &[&str] = &[
        "بدا", "بدء", "بدي", "بات", "بلغ", "بقي", "بعث", "برز", "بحث", "باع", "بني", "بذل", "بين",
        "بكي", "بقى", "بنى", "بدأ",
    ];
    (n >= 4 && w.starts_with('ب') && !B_VERBS.iter().any(|v| w.starts_with(v)))
        || (n >= 6 && w.starts_with("لا"))
        // `لعقود`: `ل` + noun; `ليحاكم`, `لتحقيق`, `لنعود` may be `ل` + verb.
        || (n >= 4
            && w.starts_with('ل')
            && !w.starts_with("لي")
            && !w.starts_with("لت")
            && !w.starts_with("لن")
            && !w.starts_with("لا")
            && !w.starts_with("لكن")
            && !w.starts_with("لقد"))
}

/// `انتاج`, `استخدام`, `انسحاب`: masdars of the derived forms have a long `ا` before their
/// last letter, which the perfect verbs (`انسحب`) lack.
fn derived_masdar(w: &str) -> bool {
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    n >= 5 && chars[0] == 'ا' && chars[n - 2] == 'ا'
}

/// Whether a word is a preposition, bare (`في`) or with a pronoun (`بك`, `عليه`), or one of
/// the one-letter prepositions with a pronoun (`به`, `لهم`).
fn is_preposition(word: &str) -> bool {
    if in_list_with_conjunction(word, PREPOSITIONS) {
        return true;
    }
    PREPOSITION_PRONOUN_SUFFIXES.iter().any(|suffix| {
        word.strip_suffix(suffix).is_some_and(|stem| {
            let stem = stem
                .strip_prefix('و')
                .filter(|s| !s.is_empty())
                .unwrap_or(stem);
            matches!(stem, "ب" | "ل") || PREPOSITIONS.contains(&stem)
        })
    })
}

/// Whether a word carries an object pronoun suffix after a masdar (`توجيهه`, `اعتقالهم`).
fn has_object_suffix(word: &str) -> bool {
    let w = normalize_arabic_word(word);
    let chars: Vec<char> = w.chars().collect();
    if chars.len() < 5 {
        return false;
    }
    ["ها", "هم", "هما", "هن"].iter().any(|s| w.ends_with(s))
        || (chars[chars.len() - 1] == 'ه' && chars[chars.len() - 2] != 'ي')
}

/// Whether no word of a short sentence can be its predicate: each is surely not a verb, or a
/// preposition, or the noun a preposition governs. `pauses[k]`: punctuation follows word `k`.
fn no_predicate(tokens: &[&str], pauses: &[bool], names: &HeardNames) -> bool {
    let mut after_governor = false;
    let mut after_preposition = false;
    let mut in_relative_clause = false;
    tokens.iter().enumerate().all(|(k, t)| {
        let normalised = normalize_arabic_word(t);
        // `عن المواقع التي احتلت.`: the verb after an inner relative pronoun belongs to the
        // relative clause, which describes a noun; it is not the sentence's predicate.
        if in_relative_clause {
            return true;
        }
        if k > 0 && in_list_with_conjunction(&normalised, RELATIVES) {
            in_relative_clause = true;
            return true;
        }
        let preposition = is_preposition(&normalised);
        // `أن` subordinates only right after a preposition (`من أن يلتف`, `قبل أن يصل`);
        // elsewhere its clause may be the subject of a fronted predicate (`من المتوقع أن
        // يصل`, `على المرء أن يتأسس`).
        let subordinator = if normalised == "ان" {
            after_preposition
        } else {
            in_list_with_conjunction(&normalised, SUBORDINATORS)
        };
        // `ليحاكم`, `ليسوع` after the first word; first, `لي…` is as often a name (`ليبيا`).
        let purpose = k > 0 && purpose_or_preposition(&normalised, normalised.chars().count());
        // A word the translation writes as a name (`تحتمس` ~ `Thutmose`) is no verb.
        let nominal = after_governor
            || preposition
            || subordinator
            || purpose
            || surely_not_a_verb(t)
            || (!names.is_empty() && names.hears(t));
        // The object of a preposition in the construct state (no article, tanween, pronoun
        // or pause: `على مجاراة رغبتهم`, `إلى أرجاء إيطاليا`) governs the next word as its
        // genitive; one step only, since an adjective may follow and then a verb (`بعد ساعات
        // قليلة وصل`). A fronted phrase before a verb and its subject (`في بغداد قتل الرجل`)
        // reads the same; such four-word sentences are rare, while genitives of that very
        // shape are everywhere (`في بيت الرئيس`), so no guard.
        let construct = after_preposition
            && !preposition
            && in_construct_state(t, &normalised)
            && !pauses.get(k).copied().unwrap_or(true);
        after_governor = preposition || subordinator || construct;
        after_preposition = preposition;
        nominal
    }) && !nominal_sentence(tokens)
}

/// Whether a word can be the first noun of a construct (`إضافة`): Arabic letters only, no
/// article, no tanween, no pronoun suffix.
fn in_construct_state(raw: &str, normalised: &str) -> bool {
    normalised.chars().all(is_arabic_letter)
        && !normalised.starts_with("ال")
        && !has_tanween(raw)
        && !["ه", "ها", "هم", "هما", "هن", "كم", "نا"]
            .iter()
            .any(|s| normalised.ends_with(s))
        && !in_list_with_conjunction(normalised, NON_PREDICATES)
}

/// For each word of [`words`] of `text`: whether punctuation follows it (a pause, so it does
/// not govern the next word).
fn pauses(text: &str) -> Vec<bool> {
    let is_pause = |c: char| {
        !crate::quality::text::is_letter_or_digit(c) && !crate::segment::normalize::is_diacritic(c)
    };
    let mut out: Vec<bool> = Vec::new();
    for raw in text.split_whitespace() {
        if raw.chars().all(is_pause) {
            if let Some(last) = out.last_mut() {
                *last = true;
            }
            continue;
        }
        out.push(raw.ends_with(is_pause));
    }
    out
}

/// Whether a word is written with tanween (`ً ٌ ٍ`): an indefinite noun or adjective.
fn has_tanween(raw: &str) -> bool {
    raw.contains(['\u{064B}', '\u{064C}', '\u{064D}'])
}

/// `الملابس معاصرة.`, `الوضع خطير.`: a definite noun followed directly by an indefinite word
/// (no article, no clitic preposition or conjunction, not a closed-class word) is a subject and
/// its predicate; an attribute would carry the article too (`الملابس المعاصرة`).
fn nominal_sentence(tokens: &[&str]) -> bool {
    // A place name is definite too (`ليبيا دولة كبيرة.`).
    let definite =
        |w: &str| (w.starts_with("ال") && w.chars().count() > 3) || PLACE_NAMES.contains(&w);
    tokens.windows(2).any(|pair| {
        let (first, second) = (
            normalize_arabic_word(pair[0]),
            normalize_arabic_word(pair[1]),
        );
        definite(&first)
            && !definite(&second)
            && second.chars().count() >= 3
            && !second.starts_with(['و', 'ف', 'ب', 'ل', 'ك'])
            && !second.chars().any(|c| c.is_ascii_alphanumeric())
            && !in_list_with_conjunction(&second, NON_PREDICATES)
            && !is_preposition(&second)
            && !in_list_with_conjunction(&second, SUBORDINATORS)
            && surely_not_a_verb(pair[1])
            // A masdar heads a construct (`الأراضي توسيع منطقة`), it is rarely a predicate.
            && !derived_masdar(&without_pronoun_suffix(&second))
            && !taf_il_masdar(&without_pronoun_suffix(&second), without_pronoun_suffix(&second).chars().count())
            // An accusative (`مختلفاً`) is the predicate of a lost `كان`, not of the noun.
            && !pair[1].contains('\u{064B}')
    })
}

/// Why an Arabic sentence cannot stand alone, if it cannot.
pub fn arabic_fragment(
    sentence: &str,
    paragraph_initial: bool,
    max_words: usize,
) -> Option<FragmentReason> {
    arabic_fragment_named(sentence, paragraph_initial, max_words, HeardNames::default)
}

/// [`arabic_fragment`], with the names of the sentence's translation: an Arabic word that sounds
/// like one of them is a name, not a possible verb. `names` is asked only for a sentence short
/// enough to be verbless.
pub fn arabic_fragment_named(
    sentence: &str,
    paragraph_initial: bool,
    max_words: usize,
    names: impl FnOnce() -> HeardNames,
) -> Option<FragmentReason> {
    let tokens = words(trim_openers(sentence));
    let first = tokens.first()?;
    // Only the first and last words are always read normalised (sentences are long).
    let first_normalised = normalize_arabic_word(first);
    if in_list_with_conjunction(&first_normalised, RELATIVES) {
        return Some(FragmentReason::RelativeOpening(first.to_string()));
    }
    if paragraph_initial
        && tokens.len() >= 2
        && in_list_with_conjunction(&first_normalised, PASSIVE_AUXILIARIES)
        && has_object_suffix(tokens[1])
    {
        return Some(FragmentReason::UnanchoredPronoun(format!(
            "{} {}",
            tokens[0], tokens[1]
        )));
    }
    // A short question needs no verb (`ماذا عن العراق؟`), unless it is only a prepositional
    // phrase with no question word: the tail of a question cut by a full stop (`على مكاتبهم؟`).
    let question = sentence.trim_end().ends_with(['؟', '?'])
        && !(is_preposition(&first_normalised)
            && first_normalised != "من"
            && !tokens
                .iter()
                .any(|w| QUESTION_WORDS.contains(&normalize_arabic_word(w).as_str())));
    if tokens.len() <= max_words
        && !question
        && no_predicate(&tokens, &pauses(trim_openers(sentence)), &names())
    {
        return Some(FragmentReason::Verbless(tokens.len()));
    }
    let last = normalize_arabic_word(tokens.last()?);
    let ends_with_stop = sentence.trim_end().ends_with(['.', '!', '؟', '?']);
    // `… فقرة (ب).`: a label in brackets, not the preposition `ب`.
    let labelled = sentence
        .trim_end()
        .trim_end_matches(['.', '!', '؟', '?'])
        .ends_with(')');
    if tokens.len() >= 2 && ends_with_stop && !labelled && CLAUSE_OPENERS.contains(&last.as_str()) {
        return Some(FragmentReason::EndsMidClause(tokens.last()?.to_string()));
    }
    if ends_with_stop && let Some(k) = subjectless_that_clause(&tokens) {
        return Some(FragmentReason::EndsMidClause(tokens[k..].join(" ")));
    }
    None
}

/// Why a short sentence cannot stand apart from the `previous` one of its paragraph: its first
/// word continues the phrase the previous sentence ends on. Each case needs both sides, so a
/// short nominal sentence after a complete one (`… في بغداد. الوضع خطير.`) is left alone.
pub fn arabic_continuation(
    previous: &str,
    sentence: &str,
    max_words: usize,
) -> Option<FragmentReason> {
    let tokens = words(trim_openers(sentence));
    if tokens.is_empty()
        || tokens.len() > max_words
        || !previous.trim_end().ends_with('.')
        || previous.trim_end().ends_with("..")
    {
        return None;
    }
    // The previous sentence's words only for a short sentence after a full stop.
    let before = words(previous);
    if before.len() < tokens.len() + 3 {
        return None;
    }
    let (last_raw, first_raw) = (*before.last()?, tokens[0]);
    let (last, first) = (
        normalize_arabic_word(last_raw),
        normalize_arabic_word(first_raw),
    );
    let first_definite = first.starts_with("ال") && first.chars().count() >= 4;
    let continues = (first_definite
        && (PRENOMINAL_DEMONSTRATIVES.contains(&last.as_str())
            || (bare_masdar(last_raw, &last) && !after_without(&before))))
        || definite_adjective(&first).is_some_and(|feminine| {
            agrees_with_noun(last_raw, &last, feminine)
                // Five-letter `ـية` words are as often nouns (`العملية`, `الشرعية`): only
                // after a plural of things, whose adjective is feminine (`المعتقدات الدينية`).
                && (!short_feminine_nisba(&first) || last.ends_with("ات"))
        });
    continues.then(|| FragmentReason::Continues {
        last: last_raw.to_string(),
        first: first_raw.to_string(),
    })
}

/// A definite adjective that follows its noun: a nisba (`المصري`, `الدينية`), an ordinal or time
/// adjective (`الأول`, `المقبل`), or a derived participle in `المت…ة` (`المتحدة`). Returns
/// whether it is feminine. Nouns of the same shapes are left out: defective participles
/// (`القاضي`, `الماضي`) and `ـية` words whose stem is short (`الحرية`).
fn definite_adjective(w: &str) -> Option<bool> {
    let stem = w.strip_prefix("ال")?;
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if ORDINALS.contains(&w) {
        return Some(w.ends_with('ة') || w.ends_with('ى'));
    }
    if n >= 4 && stem.ends_with('ي') && !(n == 4 && chars[1] == 'ا') {
        return Some(false);
    }
    if n >= 5 && stem.ends_with("ية") {
        return Some(true);
    }
    if n >= 5 && stem.starts_with("مت") && stem.ends_with('ة') {
        return Some(true);
    }
    None
}

/// `الدينية`, `العملية`: the article, a three-letter stem and `ية`.
fn short_feminine_nisba(w: &str) -> bool {
    w.ends_with("ية") && w.chars().count() == 7
}

/// Whether the last word of a sentence is a noun an adjective of that gender could describe:
/// surely a noun (article, noun shape), and not of the other gender (`ة`/`ات` endings are
/// feminine, and so are plurals of things; a nisba in `ي` is masculine).
fn agrees_with_noun(raw: &str, w: &str, feminine: bool) -> bool {
    let noun = (surely_not_a_verb(raw) || possessed_noun(w))
        && !in_list_with_conjunction(w, NON_PREDICATES);
    let marked_feminine = w.ends_with('ة') || w.ends_with("ات");
    noun && if feminine {
        !w.ends_with('ي')
    } else {
        !marked_feminine
    }
}

/// `طفلهما`, `وتسلسله`: a word with a possessive pronoun whose stem does not start like an
/// imperfect verb. A perfect verb with an object pronoun (`ضربهما`) has the same shape, but an
/// adjective never follows it, so before a definite adjective this reading is the likely one.
fn possessed_noun(w: &str) -> bool {
    let Some(stem) = ["هما", "هم", "هن", "ها", "ه"]
        .iter()
        .find_map(|suffix| w.strip_suffix(suffix))
    else {
        return false;
    };
    let stem = stem.strip_prefix(['و', 'ف']).unwrap_or(stem);
    stem.chars().count() >= 3 && !stem.starts_with(['ي', 'ت', 'ن', 'ا'])
}

/// `وانتشار`, `لاستصلاح`, `تعريف`: a derived masdar with no article, tanween or pronoun at the end
/// of a sentence is the first term of a construct whose genitive was cut off.
fn bare_masdar(raw: &str, w: &str) -> bool {
    if has_tanween(raw) || w.starts_with("ال") {
        return false;
    }
    let stem = w
        .strip_prefix(['و', 'ف'])
        .filter(|rest| rest.chars().count() >= 5)
        .unwrap_or(w);
    // `ل` of purpose (`لاستصلاح`); not `ب`, whose masdars are often adverbs (`باستمرار`).
    let stem = stem
        .strip_prefix('ل')
        .filter(|rest| rest.starts_with('ا') && rest.chars().count() >= 5)
        .unwrap_or(stem);
    (derived_masdar(stem) || taf_il_masdar(stem, stem.chars().count()))
        && without_pronoun_suffix(stem) == stem
}

/// `دون انقطاع`, `بلا توقف`: a masdar after "without" is an adverb, complete as it is.
fn after_without(words: &[&str]) -> bool {
    words.len() >= 2
        && ["دون", "بدون", "بلا", "دونما"]
            .contains(&normalize_arabic_word(words[words.len() - 2]).as_str())
}

/// `من المرجح أن هذه المادة.`: the sentence ends in an `أنّ`/`إنّ` clause that has a subject and
/// no predicate (its last one to three words are nouns, with no nominal sentence among them):
/// the predicate went to the next sentence. Returns where the clause starts.
fn subjectless_that_clause(tokens: &[&str]) -> Option<usize> {
    let n = tokens.len();
    let k = (n.saturating_sub(4)..n.saturating_sub(1))
        .rfind(|&k| normalize_arabic_word(tokens[k]) == "ان")?;
    let clause = &tokens[k + 1..];
    let subject_only = clause.iter().all(|t| surely_not_a_verb(t))
        && clause
            .iter()
            .any(|t| normalize_arabic_word(t).starts_with("ال"))
        && !nominal_sentence(clause);
    (k > 0 && subject_only).then_some(k)
}

/// The names (capitalised words) of the translation of source sentence `id`, when the target is
/// in Latin script.
fn translation_names(ctx: &Ctx, id: usize) -> HeardNames {
    if ctx.bitext.header.target_lang.script() != crate::lang::Script::Latin {
        return HeardNames::default();
    }
    ctx.bead_of_source(id)
        .map(|bead| HeardNames::of_latin(ctx.bead_text(bead, crate::bitext::Side::Target)))
        .unwrap_or_default()
}

/// Why a short sentence is not a sentence of its own in the translation: one bead holds it and
/// the previous source sentence (ended by a full stop) with a single target sentence.
fn joined_in_translation(ctx: &Ctx, id: usize, max_words: usize) -> Option<FragmentReason> {
    // The bead first: most sentences have one of their own, and that costs no tokenising.
    let bead = ctx.bead_of_source(id)?;
    if !(bead.source.contains(&id.checked_sub(1)?) && bead.target.len() == 1) {
        return None;
    }
    let sentences = &ctx.bitext.source;
    let n = word_iter(trim_openers(&sentences[id].text))
        .take(max_words + 1)
        .count();
    let previous = sentences[id - 1].text.trim_end();
    (n > 0 && n <= max_words && previous.ends_with('.') && !previous.ends_with(".."))
        .then_some(FragmentReason::JoinedInTranslation(n))
}

/// Why a sentence of the source cannot stand alone, by the source language's rules.
fn fragment_reason(ctx: &Ctx, id: usize) -> Option<FragmentReason> {
    let sentences = &ctx.bitext.source;
    let sentence = &sentences[id];
    let paragraph_initial = id == 0 || sentences[id - 1].para != sentence.para;
    if ctx.source_is_arabic() {
        let max_words = ctx.settings.fragment.max_words;
        // A heading, a list item or a definition entry is verbless by nature.
        let structural = structure::structural(sentences, id);
        arabic_fragment_named(&sentence.text, paragraph_initial, max_words, || {
            translation_names(ctx, id)
        })
        .filter(|r| !(structural && matches!(r, FragmentReason::Verbless(_))))
        .or_else(|| {
            let previous = (!paragraph_initial).then(|| sentences[id - 1].text.as_str())?;
            arabic_continuation(previous, &sentence.text, max_words)
        })
        .or_else(|| {
            (!paragraph_initial && !structural && ctx.settings.fragment.joined_in_translation)
                .then(|| joined_in_translation(ctx, id, max_words))
                .flatten()
        })
    } else if ctx.bitext.header.source_lang.primary() == "en" {
        target_fragments::english_fragment(&sentence.text, ctx.settings.fragment.max_words)
            .map(|_| FragmentReason::Verbless(words(&sentence.text).len()))
    } else {
        None
    }
}

/// Runs `fragment`, `suspicious-break` and `lost-quotation`.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let fragment = ctx.settings.severity_of(Code::Fragment);
    let brk = ctx.settings.severity_of(Code::SuspiciousBreak);
    let sentences = &ctx.bitext.source;
    // Each sentence is judged on its own, spread over the cores; flagged in sentence order.
    let reasons: Vec<Option<FragmentReason>> = if fragment.is_none() && brk.is_none() {
        Vec::new()
    } else {
        (0..sentences.len())
            .into_par_iter()
            .map(|id| fragment_reason(ctx, id))
            .collect()
    };
    for (id, reason) in reasons.into_iter().enumerate() {
        let Some(reason) = reason else {
            continue;
        };
        let text = &sentences[id].text;
        // A cut mid-clause continues in the next sentence; other fragments belong to the
        // previous one. Either way the boundary between the two is the suspect.
        let partner = match reason {
            FragmentReason::EndsMidClause(_) => sentences
                .get(id + 1)
                .filter(|n| n.para == sentences[id].para)
                .map(|_| (id, id + 1)),
            FragmentReason::UnanchoredPronoun(_) => None,
            _ => (id > 0 && sentences[id - 1].para == sentences[id].para).then(|| (id - 1, id)),
        };
        match (partner, brk, fragment) {
            (Some((a, b)), Some(severity), _) => flags.push(ctx.source_flag(
                Code::SuspiciousBreak,
                severity,
                vec![a, b],
                format!(
                    "source sentences {a} and {b} look like one passage split by a wrong sentence end: {}",
                    reason.message()
                ),
                format!("{}: «{}»", reason.evidence(), excerpt(text, 60)),
            )),
            (_, _, Some(severity)) => flags.push(ctx.source_flag(
                Code::Fragment,
                severity,
                vec![id],
                reason.message(),
                format!("{}: «{}»", reason.evidence(), excerpt(text, 60)),
            )),
            _ => {}
        }
    }
    if let Some(severity) = ctx.settings.severity_of(Code::LostQuotation)
        && ctx.source_is_arabic()
    {
        lost_quotation(ctx, severity, flags);
    }
    if let Some(severity) = ctx.settings.severity_of(Code::VerbAgreement)
        && ctx.source_is_arabic()
    {
        for (id, sentence) in sentences.iter().enumerate() {
            if let Some((verb, subject)) = masculine_verb_before_feminine_plural(&sentence.text) {
                flags.push(ctx.source_flag(
                    Code::VerbAgreement,
                    severity,
                    vec![id],
                    format!(
                        "«{verb}» is masculine but its subject «{subject}» is a feminine plural (it would be «{verb}ت»): the sentence reads like a word-for-word machine translation, check what it means"
                    ),
                    format!("{verb} {subject}"),
                ));
            }
        }
    }
}

/// A sentence that opens with a bare masculine verb (`حزن`, `يحزن`) followed by a feminine
/// plural subject in `ات` (`الولايات`): returns the two words.
fn masculine_verb_before_feminine_plural(sentence: &str) -> Option<(String, String)> {
    let mut tokens = word_iter(trim_openers(sentence));
    let (first, second) = (tokens.next()?, tokens.next()?);
    let verb = normalize_arabic_word(first);
    let verb = match verb.strip_prefix(['و', 'ف']) {
        Some(rest) if rest.chars().count() >= 3 => rest.to_string(),
        _ => verb,
    };
    let subject = normalize_arabic_word(second);
    let n = verb.chars().count();
    let bare_verb = (3..=5).contains(&n)
        && !verb.starts_with(['م', 'ت', 'ن', 'ا'])
        && !["ت", "ة", "ا", "ى", "ي", "ه", "ون", "ين", "ات", "ء"]
            .iter()
            .any(|e| verb.ends_with(e))
        && !in_list_with_conjunction(&verb, NON_PREDICATES)
        && !in_list_with_conjunction(&verb, PARTICLES)
        && !is_preposition(&verb)
        && !CONSTRUCT_HEADS.contains(&verb.as_str());
    let feminine_plural = subject.starts_with("ال")
        && subject.ends_with("ات")
        && subject.chars().count() >= 6
        && !QUANTITIES.contains(&subject.as_str());
    (bare_verb && feminine_plural).then(|| (first.to_string(), second.to_string()))
}

/// First-person speech outside quotes with a speech verb in the same or a neighbouring
/// sentence of the paragraph.
fn lost_quotation(ctx: &Ctx, severity: Severity, flags: &mut Vec<Flag>) {
    let sentences = &ctx.bitext.source;
    for (id, sentence) in sentences.iter().enumerate() {
        let text = sentence.text.trim_start();
        if text.starts_with(['"', '“', '«', '»', '„']) {
            continue;
        }
        let Some(first) = word_iter(text).next() else {
            continue;
        };
        if !FIRST_PERSON.contains(&normalize_arabic_word(first).as_str()) {
            continue;
        }
        let neighbours = [id.checked_sub(1), Some(id), Some(id + 1)];
        let verb = neighbours
            .into_iter()
            .flatten()
            .filter_map(|i| sentences.get(i))
            .filter(|s| s.para == sentence.para)
            .flat_map(|s| word_iter(&s.text))
            .find(|w| in_list_with_conjunction(&normalize_arabic_word(w), SPEECH_VERBS));
        if let Some(verb) = verb {
            flags.push(ctx.source_flag(
                Code::LostQuotation,
                severity,
                vec![id],
                format!(
                    "first-person words («{first}») outside quote marks next to «{verb}»: a quotation probably lost its quote marks, so the speaker is unclear"
                ),
                format!("«{}» + {verb}", excerpt(text, 50)),
            ));
        }
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[
    info(
        Code::Fragment,
        Severity::Warning,
        Family::Source,
        "source sentence that cannot stand alone: verbless short phrase, opens with a relative pronoun or an unanchored pronoun, ends mid-clause, continues the phrase the previous sentence ends on, or is joined to it in a single target sentence",
    ),
    info(
        Code::SuspiciousBreak,
        Severity::Warning,
        Family::Source,
        "a sentence boundary followed by a fragment: the two source sentences are one garbled passage",
    ),
    info(
        Code::LostQuotation,
        Severity::Warning,
        Family::Source,
        "first-person speech (أنا/نحن…) outside quote marks next to a speech verb: the quote marks were lost",
    ),
    info(
        Code::VerbAgreement,
        Severity::Warning,
        Family::Source,
        "a masculine verb opens the sentence before a feminine plural subject (حزن الولايات المتحدة): a word-for-word machine translation, check the meaning",
    ),
];

family_check!(
    /// The `fragment`, `suspicious-break`, `lost-quotation`, `verb-agreement` checks.
    SourceFragmentsCheck
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn headings_and_list_items_of_legal_text_are_not_fragments() {
        let b = crate::quality::testkit::paragraphs(&[
            (0, "المادة (2)", "Article (2)"),
            (
                1,
                "يتضمن سجل الشركة البيانات الآتية:",
                "The Company's register shall contain the following particulars:",
            ),
            (
                2,
                "أسماء الشركاء، وبياناتهم.",
                "Partners’ names and particulars.",
            ),
            (3, "المركز الرئيس للشركة.", "The Company's head office."),
            (4, "قرارات الشركاء.", "Partners’ resolutions."),
            (
                5,
                "الوزارة: وزارة التجارة.",
                "Ministry: the Ministry of Commerce.",
            ),
            (
                6,
                "يجوز الطعن في القرار أمام الجهة المختصة وفقاً للمادة (12) فقرة (ب).",
                "The decision may be challenged before the competent authority under Article 12, paragraph (b).",
            ),
        ]);
        let found = codes(&b);
        for code in ["fragment", "suspicious-break", "target-fragment"] {
            assert!(!found.contains(&code.to_string()), "{found:?}");
        }
    }

    #[test]
    fn list_items_in_the_paragraph_that_announces_them_are_not_fragments() {
        let b = pairs(&[
            (
                "يتضمن سجل الشركة البيانات الآتية:",
                "The Company's register shall contain the following particulars:",
            ),
            (
                "أسماء الشركاء، وبياناتهم.",
                "Partners’ names and particulars.",
            ),
            ("المركز الرئيس للشركة.", "The Company's head office."),
        ]);
        assert!(
            !codes(&b)
                .iter()
                .any(|c| c.contains("fragment") || c == "suspicious-break")
        );
    }

    #[test]
    fn a_verbless_phrase_after_a_full_sentence_of_its_paragraph_is_still_a_fragment() {
        let b = crate::quality::testkit::paragraphs(&[
            (
                0,
                "وقال المتحدث باسم الوزارة إن الزيارة جاءت بدعوة رسمية من الحكومة.",
                "The ministry spokesman said the visit came at the government's official invitation.",
            ),
            (
                0,
                "الفصائل المسلحة الإيرانية.",
                "The Iranian armed factions.",
            ),
        ]);
        assert!(codes(&b).contains(&"suspicious-break".to_string()));
    }

    #[test]
    fn detects_the_seed_fragments() {
        let r = |s| arabic_fragment(s, false, 5);
        assert!(matches!(
            r("التي توحد البلدين."),
            Some(FragmentReason::RelativeOpening(_))
        ));
        assert!(matches!(
            r("الفصائل المسلحة الإيرانية."),
            Some(FragmentReason::Verbless(3))
        ));
        assert!(matches!(
            r("مطار في العاصمة العراقية."),
            Some(FragmentReason::Verbless(4))
        ));
        assert!(matches!(
            arabic_fragment("تم توجيهه في العراق في عام 2017 ، وأعلن التنظيم.", true, 5),
            Some(FragmentReason::UnanchoredPronoun(_))
        ));
        assert!(matches!(
            r("وصل الوزير إلى."),
            Some(FragmentReason::EndsMidClause(_))
        ));
    }

    #[test]
    fn closed_class_evidence_finds_detached_tails() {
        for s in [
            "إلى هيرودس ليحاكم.",
            "في منطقة شرق الدلتا.",
            "على كيفية تعريف الموسيقى.",
            "من أن يلتف حولي.",
            "الأخير ليسوع المسيح.",
            "على مكاتبهم؟",
            "الناس للتصويت لصالح ترامب.",
            "في بداية تشرين الأول.",
            "إلى أموالك وقتما تشاء.",
            "على مجاراة رغبتهم.",
            "إلى أيدي أعدائه السياسيين.",
            "على المنطقة بلا منازع.",
            "إلى أرجاء إيطاليا.",
        ] {
            assert!(
                matches!(
                    arabic_fragment(s, false, 5),
                    Some(FragmentReason::Verbless(_))
                ),
                "{s}"
            );
        }
        assert!(matches!(
            arabic_fragment("وبقي سبب عدم استخدام السكة الحديدية من أجل.", false, 5),
            Some(FragmentReason::EndsMidClause(_))
        ));
        assert!(matches!(
            arabic_fragment("وقد عرف الإمبراطور بعد وفاته باسم.", false, 5),
            Some(FragmentReason::EndsMidClause(_))
        ));
        assert!(matches!(
            arabic_fragment("من المرجح أن هذه المادة.", false, 5),
            Some(FragmentReason::EndsMidClause(_))
        ));
        for s in ["الرئيس توجيهها إليهم بالأمس.", "الأراضي توسيع المنطقة."]
        {
            assert!(arabic_fragment(s, false, 5).is_some(), "{s}");
        }
        for s in [
            "أكد الوزير أن الوضع خطير.",
            "أكد الوزير أن الحكومة ستعمل على ذلك.",
            "قال إن ذلك صحيح.",
        ] {
            assert_eq!(arabic_fragment(s, false, 5), None, "{s}");
        }
    }

    #[test]
    fn nominal_sentences_fronted_predicates_and_real_verbs_are_sentences() {
        for s in [
            "الملابس معاصرة.",
            "على اللاهوت السليم أن يتأسس.",
            "من المتوقع أن يصل الوزير.",
            "ماذا عن العراق؟",
            "من أين؟",
            "ليس هذا صحيحاً.",
            "كما زار الوزير بغداد.",
            "تتغير الأمور بسرعة.",
            "لن يحدث ذلك.",
            "وبدأت مراسم الحداد عليه.",
            "ليبيا دولة كبيرة.",
            "يبدو أن الأمر مختلف.",
            "ولا شك أن الأمر كذلك.",
        ] {
            assert_eq!(arabic_fragment(s, false, 5), None, "{s}");
        }
        assert!(
            masculine_verb_before_feminine_plural("لكن التحديات, والأغاني, تضيف جهازاً.").is_none()
        );
    }

    #[test]
    fn a_short_sentence_that_continues_the_previous_phrase_is_a_fragment() {
        let head = "دمرت المدينة الكنعانية بفعل حريق من المفترض أنه حدث في أعقاب حملة قام بها";
        for (last, tail) in [
            ("الفرعون.", "المصري تحتمس الثالث."),
            ("الرأي العام في الولايات.", "المتحدة الذي أنهكته الحروب."),
            ("ينافس هذا.", "الحدث كرنفال البرازيل."),
            ("وانتشار.", "الأمراض وتلوث المياه."),
            ("لاستصلاح.", "الأراضي توسيع منطقة فونتفيل."),
            ("عند ولادة طفلهما.", "الأول ألحقا اسمها باسمه."),
            ("في مدينة.", "المتحدة الذي أنهكته الحروب."),
            ("عن المعتقدات.", "الدينية في الشركات الخاصة؟"),
        ] {
            let previous = format!("{head} {last}");
            assert!(
                matches!(
                    arabic_continuation(&previous, tail, 5),
                    Some(FragmentReason::Continues { .. })
                ),
                "{last} {tail}"
            );
        }
        // A complete sentence before a short nominal one; a noun of the other gender; a
        // sentence that is not short.
        for (last, tail) in [
            ("في بغداد.", "الوضع خطير."),
            ("قال ذلك.", "الأمر مختلف."),
            ("في المدينة.", "المصري فاز بالجائزة."),
            ("في الماضي.", "الدينية في الشركات الخاصة؟"),
            ("الفرعون.", "المصري تحتمس الثالث وصل إلى المدينة مع جيشه."),
            ("الفرعون؟", "المصري تحتمس الثالث."),
            ("يعمل باستمرار.", "الوضع خطير."),
            ("دون انقطاع.", "الوضع خطير."),
        ] {
            let previous = format!("{head} {last}");
            assert_eq!(
                arabic_continuation(&previous, tail, 5),
                None,
                "{last} {tail}"
            );
        }
    }

    #[test]
    fn place_names_nisbas_and_relative_clauses_are_not_predicates() {
        for s in [
            "في العاصمة بلغراد.",
            "الدفن بشكل عسكري.",
            "عن المواقع التي احتلت.",
            "العهد الذي حكم فيه.",
        ] {
            assert!(
                matches!(
                    arabic_fragment(s, false, 5),
                    Some(FragmentReason::Verbless(_))
                ),
                "{s}"
            );
        }
        for s in ["قضى الرجل وقتا طويلا.", "سيمشي الرجل.", "ساعدني الرجل."]
        {
            assert_eq!(arabic_fragment(s, false, 5), None, "{s}");
        }
    }

    #[test]
    fn leaves_complete_sentences_alone() {
        for s in [
            "والتقى لويد أوستن الثلاثاء في بغداد بوزير الدفاع.",
            "الوضع خطير.",
            "هذه هي المشكلة.",
            "قال الوزير.",
            "تم توجيه ضربة إلى المعسكر.",
            "أنا متفائل بمستقبل شراكتنا.",
        ] {
            assert_eq!(arabic_fragment(s, true, 5), None, "{s}");
        }
    }

    #[test]
    fn a_fragment_after_a_sentence_is_one_suspicious_passage() {
        let b = pairs(&[
            (
                "قال الوزير إن الجنود سيبقون في البلاد.",
                "The minister said the soldiers would stay.",
            ),
            ("التي توحد البلدين.", "Which unite the two countries."),
        ]);
        let flags = crate::quality::check(&b, &crate::quality::CheckSettings::default());
        let brk = flags.iter().find(|f| f.code == "suspicious-break").unwrap();
        assert_eq!(brk.source, [0, 1]);
        assert_eq!(brk.target, [0]);
        assert!(!codes(&b).contains(&"fragment".to_string()));
    }

    #[test]
    fn a_word_the_translation_writes_as_a_name_is_no_verb() {
        // `رمسيس` could be a verb for all the rules know; the English says it is Ramesses.
        let tail = "الفرعون المصري رمسيس الثاني.";
        assert_eq!(arabic_fragment(tail, false, 5), None);
        let names = HeardNames::of_latin("the Egyptian pharaoh Ramesses II.");
        assert_eq!(
            arabic_fragment_named(tail, false, 5, || names.clone()),
            Some(FragmentReason::Verbless(4))
        );
        // A real verb does not sound like the translation's names.
        let names = HeardNames::of_latin("Ramesses left.");
        assert_eq!(
            arabic_fragment_named("غادر رمسيس أمس.", false, 5, || names.clone()),
            None
        );
    }

    #[test]
    fn a_short_sentence_the_translation_joins_to_the_previous_is_a_break() {
        // A complete short clause on its own, but the English has one sentence for both.
        let mut b = pairs(&[
            (
                "مهارته في الحصول على إجابات من أجل دافعي.",
                "His skill in getting answers for taxpayers will be sorely missed.",
            ),
            ("الضرائب ستفتقد بشدة.", ""),
        ]);
        let settings = crate::quality::CheckSettings::default();
        let breaks = |b: &crate::bitext::Bitext, settings: &crate::quality::CheckSettings| {
            crate::quality::check(b, settings)
                .into_iter()
                .filter(|f| f.code == "suspicious-break")
                .collect::<Vec<_>>()
        };
        // Apart, each sentence in its own bead: no break.
        b.target.pop();
        b.beads[1].target.clear();
        assert!(breaks(&b, &settings).is_empty());
        // Joined in one bead with one target sentence: a break between the two.
        b.beads.pop();
        b.beads[0].source = vec![0, 1];
        let found = breaks(&b, &settings);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].source, [0, 1]);
        assert!(found[0].evidence.contains("one target sentence"));
        let mut alone = settings.clone();
        alone.fragment.joined_in_translation = false;
        assert!(breaks(&b, &alone).is_empty());
    }

    #[test]
    fn masculine_verbs_before_feminine_plurals() {
        let f = masculine_verb_before_feminine_plural;
        assert!(f("حزن الولايات المتحدة على ما يقرب من 4500 حالة وفاة.").is_some());
        assert!(
            f("وأعلن السلطات العراقية ذلك.").is_none(),
            "starts with alef: not sure"
        );
        assert!(f("حزنت الولايات المتحدة على القتلى.").is_none());
        assert!(f("شنت القوات الأمريكية هجومها.").is_none());
        assert!(f("عدد الهجمات ارتفع.").is_none());
        assert!(f("يحتفل العشرات في الساحة.").is_none());
        assert!(f("رئيس الولايات المتحدة يزور بغداد.").is_none());
    }

    #[test]
    fn lost_quotation_needs_a_speech_verb_nearby() {
        let b = pairs(&[
            ("أنا متفائل بمستقبل شراكتنا.", "I am optimistic."),
            (
                "وقال الوزير للصحفيين بعد محادثاته.",
                "The minister told reporters.",
            ),
        ]);
        assert!(codes(&b).contains(&"lost-quotation".to_string()));
        let b = pairs(&[("أنا متفائل بمستقبل شراكتنا.", "I am optimistic.")]);
        assert!(!codes(&b).contains(&"lost-quotation".to_string()));
        let b = pairs(&[
            ("“أنا متفائل بمستقبل شراكتنا”.", "“I am optimistic.”"),
            ("وقال الوزير.", "The minister said."),
        ]);
        assert!(!codes(&b).contains(&"lost-quotation".to_string()));
    }
}
