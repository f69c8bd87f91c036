//! Proper names across scripts: an Arabic word and an English capitalised word that sound
//! alike (`كوري شولمان` ~ `Kori Schulman`, `أوستن` ~ `Austin`, `بغداد` ~ `Baghdad`).
//!
//! Both words are reduced to a skeleton of sound classes: Arabic letters map to Latin consonant
//! classes (ب b/p, ت ط t, ث t/th, ج j/g, خ ق ك k/q/c, د ض d, ذ ز ظ z, ر r, س ص s, ش sh, غ g, ف
//! f/v, ل l, م m, ن n), the long-vowel letters and hamza/ain (ا و ي ى أ إ آ ع ء ئ ؤ) to one
//! vowel class, and ح ه ة are dropped (an English `h` is often silent); English words get
//! digraphs first (sch sh → sh, ch, ph → f, th → t, gh → g, ck qu → k, x → ks), vowels and
//! `w`/`y` to the vowel class, `h` dropped. Skeletons are compared by an edit distance where a
//! vowel costs 0.3 (Arabic writes only long vowels) and near classes (g/j, s/z, t/d, k/ch…)
//! half; two words sound alike when they start with the same (or a near) consonant, the
//! distance is at most a fifth of the longer skeleton and each has at least two consonants.
//!
//! Arabic has no capitals, so whether an Arabic word is a name is learnt from the bitext: a
//! [`NameLexicon`] keeps the (Arabic stem, English word) pairs that sound alike inside one
//! bead, and only stems whose English form is in the target of at least half the beads that have them (a
//! common word that happens to sound like `Millican` is not). A bead whose source has such a
//! name but whose target has none of its English forms has lost it.

use crate::align::fast_hash::FastMap;
use crate::quality::lexicon::CLASSIFIERS;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

/// The vowel class of a skeleton.
const VOWEL: u8 = b'V';

/// Sound class of an Arabic letter (`None`: silent for the comparison, or not a letter).
fn arabic_class(c: char) -> Option<u8> {
    Some(match c {
        'ب' => b'B',
        'ت' | 'ط' | 'ث' => b'T',
        'ج' => b'J',
        'خ' | 'ق' | 'ك' => b'K',
        'د' | 'ض' => b'D',
        'ذ' | 'ز' | 'ظ' => b'Z',
        'ر' => b'R',
        'س' | 'ص' => b'S',
        'ش' => b'X',
        'غ' => b'G',
        'ف' => b'F',
        'ل' => b'L',
        'م' => b'M',
        'ن' => b'N',
        'ا' | 'و' | 'ي' | 'ى' | 'أ' | 'إ' | 'آ' | 'ع' | 'ء' | 'ئ' | 'ؤ' => VOWEL,
        _ => return None,
    })
}

/// Collapses runs of one class (`ss`, `ll`, two vowels).
fn collapse(mut v: Vec<u8>) -> Vec<u8> {
    v.dedup();
    v
}

/// The sound skeleton of an Arabic word (see the module documentation).
pub fn arabic_skeleton(word: &str) -> Vec<u8> {
    collapse(word.chars().filter_map(arabic_class).collect())
}

/// The sound skeleton of a Latin-script word (see the module documentation).
pub fn latin_skeleton(word: &str) -> Vec<u8> {
    let lower = word.to_lowercase();
    let lower = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("’s"))
        .unwrap_or(&lower);
    let mut out = Vec::with_capacity(lower.len());
    // Read in place (no vector of characters: this runs for every capitalised word).
    let mut rest = lower;
    while let Some(first) = rest.chars().next() {
        let starts = |s: &str| rest.starts_with(s);
        // Digraphs are ASCII: their length in bytes is their length in characters.
        let (class, used): (&[u8], usize) = if starts("sch") {
            (b"X", 3)
        } else if starts("sh") {
            (b"X", 2)
        } else if starts("ch") {
            (b"C", 2)
        } else if starts("ph") {
            (b"F", 2)
        } else if starts("th") {
            (b"T", 2)
        } else if starts("gh") {
            (b"G", 2)
        } else if starts("ck") || starts("qu") {
            (b"K", 2)
        } else {
            let next = rest[first.len_utf8()..].chars().next().unwrap_or(' ');
            let soft = matches!(next, 'e' | 'i' | 'y');
            let class: &[u8] = match first {
                'b' | 'p' => b"B",
                't' => b"T",
                'd' => b"D",
                'j' => b"J",
                'g' if soft => b"J",
                'g' => b"G",
                'k' | 'q' => b"K",
                'c' if soft => b"S",
                'c' => b"K",
                's' => b"S",
                'z' => b"Z",
                'x' => b"KS",
                'f' | 'v' => b"F",
                'l' => b"L",
                'm' => b"M",
                'n' => b"N",
                'r' => b"R",
                c if c.is_alphabetic() && c != 'h' => b"V",
                _ => b"",
            };
            (class, first.len_utf8())
        };
        out.extend_from_slice(class);
        rest = &rest[used..];
    }
    collapse(out)
}

/// Pairs of near classes (one often written for the other across the scripts).
const NEAR_PAIRS: [(u8, u8); 10] = [
    (b'G', b'J'),
    (b'S', b'Z'),
    (b'C', b'K'),
    (b'C', b'X'),
    (b'T', b'D'),
    (b'T', b'S'),
    (b'G', b'K'),
    (b'T', b'Z'),
    (b'B', b'F'),
    (b'X', b'S'),
];

/// For each class letter, the bits of its near classes (`A` = bit 0): the edit distance looks
/// this up for every cell.
const NEAR_BITS: [u32; 26] = {
    let mut bits = [0u32; 26];
    let mut k = 0;
    while k < NEAR_PAIRS.len() {
        let (a, b) = NEAR_PAIRS[k];
        bits[(a - b'A') as usize] |= 1 << (b - b'A');
        bits[(b - b'A') as usize] |= 1 << (a - b'A');
        k += 1;
    }
    bits
};

/// Whether two classes are near (one often written for the other across the scripts).
fn near(a: u8, b: u8) -> bool {
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && NEAR_BITS[(a - b'A') as usize] & (1 << (b - b'A')) != 0
}

/// Whether the weighted edit distance between skeletons (a vowel costs 0.3, a near class
/// half) is at most `limit`.
///
/// Every cost is positive, so a row's smallest cell never falls in the rows below it: once a
/// row's smallest cell is above `limit` the answer is no, which most word pairs show after
/// a row or two (this runs for many word pairs of every bead).
fn within(a: &[u8], b: &[u8], limit: f64) -> bool {
    let cost = |c: u8| if c == VOWEL { 0.3 } else { 1.0 };
    // Two rows on the stack.
    if b.len() >= MAX_SKELETON {
        return false;
    }
    let (mut first_row, mut second_row) = ([0.0_f64; MAX_SKELETON], [0.0_f64; MAX_SKELETON]);
    // The rows are swapped by reference (swapping the arrays themselves copied 512 bytes per
    // row and was most of the time).
    let (mut prev, mut row) = (&mut first_row, &mut second_row);
    for (j, &c) in b.iter().enumerate() {
        prev[j + 1] = prev[j] + cost(c);
    }
    for &x in a {
        row[0] = prev[0] + cost(x);
        let mut smallest = row[0];
        for (j, &y) in b.iter().enumerate() {
            let substitute = if x == y {
                0.0
            } else if near(x, y) {
                0.5
            } else {
                1.0
            };
            row[j + 1] = (prev[j] + substitute)
                .min(prev[j + 1] + cost(x))
                .min(row[j] + cost(y));
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > limit {
            return false;
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()] <= limit
}

/// Longest skeleton compared (longer ones are no single name).
const MAX_SKELETON: usize = 32;

/// Most distance allowed, as a share of the longer skeleton.
const TOLERANCE: f64 = 0.2;

/// A skeleton with what the quick checks need (on the stack: one is made for every stem of
/// every word of the bitext).
#[derive(Debug, Clone, Copy)]
struct Skeleton {
    classes: [u8; MAX_SKELETON],
    // Bytes, not words: 35 bytes a skeleton instead of 56 (every stem of a bead has one).
    len: u8,
    consonants: u8,
    first: Option<u8>,
}

impl Skeleton {
    /// From classes, collapsing runs (longer than [`MAX_SKELETON`]: no name, never alike).
    fn new(classes: impl IntoIterator<Item = u8>) -> Skeleton {
        let mut k = Skeleton {
            classes: [0; MAX_SKELETON],
            len: 0,
            consonants: 0,
            first: None,
        };
        for c in classes {
            let len = usize::from(k.len);
            if len > 0 && k.classes[len - 1] == c {
                continue;
            }
            if len == MAX_SKELETON {
                k.consonants = 0;
                return k;
            }
            k.classes[len] = c;
            k.len += 1;
            if c != VOWEL {
                k.consonants += 1;
                k.first.get_or_insert(c);
            }
        }
        k
    }

    /// The first consonant class of an Arabic word, without building its skeleton.
    fn first_arabic_consonant(word: &str) -> Option<u8> {
        word.chars().filter_map(arabic_class).find(|&c| c != VOWEL)
    }

    fn of_arabic(word: &str) -> Skeleton {
        Skeleton::new(word.chars().filter_map(arabic_class))
    }

    fn classes(&self) -> &[u8] {
        &self.classes[..usize::from(self.len)]
    }

    /// Whether it has the two consonants a name needs to be recognised.
    fn may_be_name(&self) -> bool {
        self.consonants >= 2
    }
}

/// A consonant class and its near classes, as bits (`A` = bit 0).
fn consonant_bits(c: u8) -> u32 {
    if c.is_ascii_uppercase() {
        NEAR_BITS[(c - b'A') as usize] | 1 << (c - b'A')
    } else {
        0
    }
}

/// Whether two skeletons sound alike, cheap checks first.
fn alike(a: &Skeleton, b: &Skeleton) -> bool {
    if !a.may_be_name() || !b.may_be_name() {
        return false;
    }
    // A name keeps its first consonant across scripts (or a near one: `Chicago` ~ `شيكاغو`);
    // checking it first spares the edit distance for almost every pair of words.
    if let (Some(x), Some(y)) = (a.first, b.first)
        && x != y
        && !near(x, y)
    {
        return false;
    }
    let longer = f64::from(a.len.max(b.len));
    // Each extra consonant costs 1, each extra class at least 0.3.
    if f64::from(a.consonants.abs_diff(b.consonants)) > TOLERANCE * longer
        || 0.3 * f64::from(a.len.abs_diff(b.len)) > TOLERANCE * longer
    {
        return false;
    }
    within(a.classes(), b.classes(), TOLERANCE * longer)
}

/// Whether an Arabic and a Latin skeleton sound alike (see the module documentation).
pub fn sounds_alike(arabic: &[u8], latin: &[u8]) -> bool {
    alike(
        &Skeleton::new(arabic.iter().copied()),
        &Skeleton::new(latin.iter().copied()),
    )
}

/// The Arabic words of a text as written (letters, with any marks or tatweel inside): tokens
/// between spaces and punctuation that start with an Arabic letter.
fn arabic_word_slices(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        if c.is_ascii() {
            !c.is_ascii_alphanumeric()
        } else {
            c.is_whitespace()
                || matches!(
                    c,
                    '،' | '؛' | '؟' | '«' | '»' | '“' | '”' | '‘' | '’' | '…' | '—' | '–'
                )
        }
    })
    .filter(|w| {
        w.chars()
            .next()
            .is_some_and(crate::quality::text::is_arabic_letter)
    })
}

/// An Arabic word's letters only, borrowed when it has no marks or tatweel (most words).
fn plain_letters(word: &str) -> std::borrow::Cow<'_, str> {
    if word.chars().all(crate::quality::text::is_arabic_letter) {
        std::borrow::Cow::Borrowed(word)
    } else {
        std::borrow::Cow::Owned(letters_only(word))
    }
}

/// An Arabic word's letters only (marks and tatweel removed).
fn letters_only(word: &str) -> String {
    word.chars()
        .filter(|&c| crate::quality::text::is_arabic_letter(c))
        .collect()
}

/// A word and the forms it has without its clitics (`وبالمدينة` → `بالمدينة`, `مدينة`…),
/// shortest last; each strip leaves at least three letters; forms that keep the article are
/// left out.
pub fn arabic_stems(word: &str) -> Vec<String> {
    stem_slices(word)
        .as_slice()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The last of [`arabic_stems`] (the word with every clitic it may carry removed), without
/// allocating the others; the word itself when it has no stem.
pub(crate) fn barest_stem(word: &str) -> &str {
    stem_slices(word).as_slice().last().copied().unwrap_or(word)
}

/// At most this many stems per word (the word, two clitics, the article, and their mixes).
const MAX_STEMS: usize = 8;

/// The stems of a word as slices of it (on the stack: made for every word of the bitext).
struct Stems<'w> {
    items: [&'w str; MAX_STEMS],
    len: usize,
}

impl<'w> Stems<'w> {
    /// Adds `stem` unless it is there already. Every stem is a suffix of the one word, so
    /// two are equal exactly when their lengths are (no text compared: this runs for every
    /// stem of every word of the bitext).
    fn push(&mut self, stem: &'w str) {
        if self.len < MAX_STEMS && !self.items[..self.len].iter().any(|s| s.len() == stem.len()) {
            self.items[self.len] = stem;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[&'w str] {
        &self.items[..self.len]
    }
}

/// [`arabic_stems`] as slices of the word (every stem is a suffix of it).
fn stem_slices(word: &str) -> Stems<'_> {
    let mut out = Stems {
        items: [""; MAX_STEMS],
        len: 0,
    };
    let long = |s: &str, n: usize| s.chars().nth(n).is_some();
    let strip = |w: &'_ str, prefixes: &[&str], min: usize| -> Option<usize> {
        prefixes
            .iter()
            .find(|p| w.starts_with(**p) && long(w, min))
            .map(|p| p.len())
    };
    out.push(word);
    if let Some(n) = strip(word, &["و", "ف"], 3) {
        out.push(&word[n..]);
    }
    for k in 0..out.len {
        let w = out.items[k];
        if let Some(n) = strip(w, &["ب", "ل", "ك"], 3) {
            out.push(&w[n..]);
        }
    }
    for k in 0..out.len {
        let w = out.items[k];
        if let Some(n) = strip(w, &["ال", "لل"], 4) {
            out.push(&w[n..]);
        }
    }
    // A form that still has the article is no name's English form (`الأمر` ~ `Lamarr`); an
    // Arabic name with `al-` is written `al-Jadaan`, whose capitalised part is the stem.
    let mut kept = Stems {
        items: [""; MAX_STEMS],
        len: 0,
    };
    for w in out.as_slice() {
        if !(w.starts_with("ال") || w.starts_with("لل")) {
            kept.push(w);
        }
    }
    kept
}

/// English words that are capitalised for other reasons than being names.
const NOT_NAMES: &[&str] = &[
    "the", "a", "an", "and", "but", "in", "on", "at", "of", "for", "to", "with", "from", "by",
    "as", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "i", "you",
    "his", "her", "their", "our", "my", "your", "there", "here", "however", "when", "while",
    "after", "before", "if", "so", "or", "not", "no", "yes", "also", "mr", "mrs", "ms", "dr",
];

/// Capitalised words of an English text that may be names (not acronyms, not function words).
pub fn capitalised_words(text: &str) -> Vec<&str> {
    capitalised_word_iter(text).collect()
}

/// [`capitalised_words`] one at a time (`swapped` only counts them, for every target).
pub fn capitalised_word_iter(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().any(char::is_lowercase)
                && !NOT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(w))
        })
}

/// Letters of the target's acronyms (`GM`, `BA`, `U.S.`): a name may hide in one
/// (`جنرال موتورز` = `GM`), so a name whose initial is among them is not taken for lost.
fn acronym_initials(target: &str) -> BTreeSet<char> {
    target
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| {
            let capitals = w.chars().filter(char::is_ascii_uppercase).count();
            capitals >= 2 && !w.chars().any(char::is_lowercase)
        })
        .flat_map(|w| w.chars().filter(char::is_ascii_uppercase))
        .collect()
}

/// Letters an English translation would have if it kept the classifier nouns of the source's
/// names (`مدينة بول` → `Poole`): for each classifier followed by a word that sounds like a
/// capitalised word of the target, the letters of the classifier (the target is credited them,
/// as it is for acronyms).
pub fn classifier_letters(source: &str, target: &str) -> usize {
    // The classifier itself, with at most two one-letter clitics before it (`ولمدينة`).
    let classifier = |word: &str| {
        CLASSIFIERS
            .iter()
            .find(|c| word.ends_with(*c) && word.len() <= c.len() + 4)
    };
    if !CLASSIFIERS.iter().any(|c| source.contains(c)) {
        return 0;
    }
    let words: Vec<&str> = arabic_word_slices(source).collect();
    let capitals: Vec<Skeleton> = capitalised_words(target)
        .into_iter()
        .map(|w| Skeleton::new(latin_skeleton(w)))
        .collect();
    words
        .windows(2)
        .filter_map(|w| {
            let noun = classifier(w[0])?;
            let letters = plain_letters(w[1]);
            let stems = stem_slices(&letters);
            let named = stems.as_slice().iter().any(|s| {
                let skeleton = Skeleton::of_arabic(s);
                capitals.iter().any(|c| alike(&skeleton, c))
            });
            named.then(|| noun.chars().count())
        })
        .sum()
}

/// The words of a text that may be names, as sound skeletons: every clitic-free stem of every
/// Arabic word, or every capitalised word of a Latin-script text. Comparing an Arabic and an
/// English text's tells which names they share with no lexicon (`ستارلين` ~ `Starlin`).
#[derive(Debug, Clone, Default)]
pub struct HeardNames {
    /// Sorted by first consonant: a word can only sound like those whose first consonant is
    /// its own or a near one, which are a few short runs here.
    skeletons: Vec<Skeleton>,
    /// The first consonants of the skeletons and their near classes, as bits (`A` = bit 0): a
    /// name whose first consonant is not among them sounds like none of them.
    firsts: u32,
}

/// The sounds of the words met so far (see [`HeardNames::of_arabic_with`]): news text repeats
/// its words, and sounding them out was most of the time of hearing names.
#[derive(Debug, Default)]
pub struct SoundMemo<'w> {
    /// Each Arabic word's stems (as written) that may be names, as skeletons, in stem order.
    arabic: FastMap<&'w str, Vec<Skeleton>>,
    /// Each capitalised word's skeleton, when it may be a name.
    latin: FastMap<&'w str, Option<Skeleton>>,
}

impl<'w> SoundMemo<'w> {
    /// The skeleton of a Latin-script word, when it may be a name.
    fn latin(&mut self, word: &'w str) -> Option<Skeleton> {
        *self.latin.entry(word).or_insert_with(|| {
            Some(Skeleton::new(latin_skeleton(word))).filter(Skeleton::may_be_name)
        })
    }
}

impl HeardNames {
    /// The stems of an Arabic text's words with the two consonants a name needs.
    pub fn of_arabic(text: &str) -> HeardNames {
        HeardNames::of_arabic_with(text, &mut SoundMemo::default())
    }

    /// [`HeardNames::of_arabic`], sounding out only the words `memo` has not met.
    pub fn of_arabic_with<'w>(text: &'w str, memo: &mut SoundMemo<'w>) -> HeardNames {
        let mut skeletons = Vec::new();
        for word in arabic_word_slices(text) {
            let sounds = memo.arabic.entry(word).or_insert_with(|| {
                let letters = plain_letters(word);
                stem_slices(&letters)
                    .as_slice()
                    .iter()
                    .map(|stem| Skeleton::of_arabic(stem))
                    .filter(Skeleton::may_be_name)
                    .collect()
            });
            skeletons.extend_from_slice(sounds);
        }
        HeardNames::from(skeletons)
    }

    fn from(mut skeletons: Vec<Skeleton>) -> HeardNames {
        skeletons.sort_by_key(|k| k.first);
        let firsts = skeletons
            .iter()
            .filter_map(|k| k.first)
            .fold(0, |set, c| set | consonant_bits(c));
        HeardNames { skeletons, firsts }
    }

    /// Whether `alike(skeleton of ours, other)` holds for one of ours, looking only at those
    /// whose first consonant is `other`'s or near it (`alike` rejects every other one first).
    fn any_alike(&self, other: &Skeleton, alike: impl Fn(&Skeleton, &Skeleton) -> bool) -> bool {
        let Some(first) = other.first else {
            return false;
        };
        let mut classes = consonant_bits(first);
        while classes != 0 {
            let class = b'A' + classes.trailing_zeros() as u8;
            classes &= classes - 1;
            let from = self.skeletons.partition_point(|k| k.first < Some(class));
            let run = self.skeletons[from..]
                .iter()
                .take_while(|k| k.first == Some(class));
            if run.into_iter().any(|k| alike(k, other)) {
                return true;
            }
        }
        false
    }

    /// The capitalised words of a Latin-script text (see [`capitalised_words`]), once each.
    pub fn of_latin(text: &str) -> HeardNames {
        HeardNames::of_latin_with(text, &mut SoundMemo::default())
    }

    /// [`HeardNames::of_latin`], sounding out only the words `memo` has not met.
    pub fn of_latin_with<'w>(text: &'w str, memo: &mut SoundMemo<'w>) -> HeardNames {
        let mut words = capitalised_words(text);
        words.sort_unstable();
        words.dedup();
        let skeletons = words.into_iter().filter_map(|w| memo.latin(w)).collect();
        HeardNames::from(skeletons)
    }

    /// Whether an Arabic word (any of its stems) sounds like one of these words.
    pub fn hears(&self, arabic_word: &str) -> bool {
        let letters = plain_letters(arabic_word);
        stem_slices(&letters).as_slice().iter().any(|stem| {
            let first = Skeleton::first_arabic_consonant(stem);
            if first.is_none_or(|c| self.firsts & consonant_bits(c) == 0) {
                return false;
            }
            let skeleton = Skeleton::of_arabic(stem);
            self.any_alike(&skeleton, |ours, arabic| alike(arabic, ours))
        })
    }

    /// Whether there are no words to compare.
    pub fn is_empty(&self) -> bool {
        self.skeletons.is_empty()
    }

    /// How many of `latin`'s names sound like a word of `arabic`.
    pub fn shared(arabic: &HeardNames, latin: &HeardNames) -> usize {
        latin
            .skeletons
            .iter()
            .filter(|l| {
                l.first
                    .is_some_and(|c| arabic.firsts & (1 << (c - b'A')) != 0)
            })
            .filter(|l| arabic.any_alike(l, alike))
            .count()
    }
}

/// A name lost between source and target: the Arabic word and the English form it has
/// elsewhere in the bitext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostName {
    /// The word as written in the source.
    pub arabic: String,
    /// Its English form in the other beads.
    pub english: String,
}

/// Names the bitext itself shows in both scripts (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct NameLexicon {
    /// Arabic stem → English forms (comparison form, see `form_key` → as written).
    forms: HashMap<String, BTreeMap<String, String>>,
    /// Bits of the last three letters of the stems (a stem is a suffix of its word, so a word
    /// whose ending has no bit set holds no name: most words are passed over on this alone).
    endings: Vec<u64>,
}

/// Size of the ending filter, in bits.
const ENDING_BITS: usize = 1 << 16;

/// The filter bit of a word's last three letters.
fn ending_bit(word: &str) -> usize {
    let mut tail = word.chars().rev().map(u32::from);
    let mut h: u32 = 0;
    for _ in 0..3 {
        h = h.wrapping_mul(0x9E37_79B9) ^ tail.next().unwrap_or(0);
    }
    (h.wrapping_mul(0x85EB_CA6B) >> 16) as usize % ENDING_BITS
}

/// Share of the beads with an Arabic name whose target has one of its English forms, below
/// which the Arabic word is taken for a common word that only sounds like a name.
const MIN_CONSISTENCY: f64 = 0.5;

/// An English form in comparison form: lower case, possessive and plural `s` dropped.
fn form_key(word: &str) -> String {
    word.to_lowercase()
        .trim_end_matches(['s', '\'', '’'])
        .to_string()
}

/// What one job of [`NameLexicon::build`] worked out already: news text repeats its words and
/// names, and sounding them out was most of the name lexicon's time.
#[derive(Default)]
struct NameMemo<'p> {
    /// The stems of the Arabic words met so far that may be names, shortest first, each with
    /// its first consonant and skeleton.
    stems: FastMap<&'p str, Vec<(String, u8, Skeleton)>>,
    /// The skeleton of each capitalised word met so far (its Latin side).
    sounds: SoundMemo<'p>,
    /// For an Arabic word and a capitalised word met together: the first of the word's stems
    /// that sounds like it, if any.
    alike: FastMap<(&'p str, &'p str), Option<u8>>,
}

/// The stems of `word` that have a first consonant, shortest first (see [`NameMemo`]).
fn sounded_stems(word: &str) -> Vec<(String, u8, Skeleton)> {
    let letters = plain_letters(word);
    let stems = stem_slices(&letters);
    stems
        .as_slice()
        .iter()
        .rev()
        .filter_map(|stem| {
            let first = Skeleton::first_arabic_consonant(stem)?;
            Some((stem.to_string(), first, Skeleton::of_arabic(stem)))
        })
        .collect()
}

/// The (Arabic stem, capitalised English word) pairs of one bead whose sounds match: for every
/// Arabic word, its first stem (shortest first) that sounds like one of the target's
/// capitalised words, with the first of those.
fn names_of_pair<'p>(
    source: &'p str,
    target: &'p str,
    memo: &mut NameMemo<'p>,
) -> Vec<(String, &'p str)> {
    let NameMemo {
        stems: stem_memo,
        sounds,
        alike: alike_memo,
    } = memo;
    let mut capitals: Vec<(&str, Skeleton)> = capitalised_word_iter(target)
        .filter_map(|c| Some((c, sounds.latin(c)?)))
        .collect();
    capitals.dedup_by_key(|(c, _)| *c);
    if capitals.is_empty() {
        return Vec::new();
    }
    // First consonants a stem may start with to sound like one of the capitals.
    let firsts = capitals
        .iter()
        .filter_map(|(_, k)| k.first)
        .fold(0u32, |set, c| set | consonant_bits(c));
    let mut found = Vec::new();
    for word in arabic_word_slices(source) {
        let stems = stem_memo.entry(word).or_insert_with(|| sounded_stems(word));
        if !stems
            .iter()
            .any(|(_, first, _)| firsts & (1 << (first - b'A')) != 0)
        {
            continue;
        }
        // The earliest stem alike to any capital; among the capitals alike to it, the first.
        let mut best: Option<(u8, &str)> = None;
        for &(capital, skeleton) in &capitals {
            let first_alike = *alike_memo.entry((word, capital)).or_insert_with(|| {
                stems
                    .iter()
                    .position(|(_, _, stem)| alike(stem, &skeleton))
                    .map(|k| k as u8)
            });
            if let Some(k) = first_alike
                && best.is_none_or(|(b, _)| k < b)
            {
                best = Some((k, capital));
            }
        }
        found.extend(best.map(|(k, capital)| (stems[usize::from(k)].0.clone(), capital)));
    }
    found
}

impl NameLexicon {
    /// Learns the names of a bitext from its (source, target) pairs.
    pub fn build(pairs: &[(&str, &str)]) -> NameLexicon {
        // Each pair's names are found on its own, spread over the cores; merged in pair order
        // so a form written two ways keeps the later pair's spelling, as a serial pass would.
        let found: Vec<Vec<(String, &str)>> = pairs
            .par_iter()
            .map_init(NameMemo::default, |memo, (source, target)| {
                names_of_pair(source, target, memo)
            })
            .collect();
        let mut forms: HashMap<String, BTreeMap<String, String>> = HashMap::new();
        for (stem, english) in found.into_iter().flatten() {
            let written = english
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .to_string();
            forms
                .entry(stem)
                .or_default()
                .insert(form_key(english), written);
        }
        let mut lexicon = NameLexicon {
            forms,
            endings: Vec::new(),
        };
        lexicon.set_endings();
        lexicon.keep_consistent(pairs);
        lexicon.set_endings();
        lexicon
    }

    /// Fills the ending filter from the stems.
    fn set_endings(&mut self) {
        self.endings = vec![0; ENDING_BITS / 64];
        for stem in self.forms.keys() {
            let bit = ending_bit(stem);
            self.endings[bit / 64] |= 1 << (bit % 64);
        }
    }

    /// The lexicon stems of the words of `source`, with the word they are in.
    fn names_in<'s>(&self, source: &'s str) -> Vec<(std::borrow::Cow<'s, str>, &str)> {
        let mut out = Vec::new();
        for word in arabic_word_slices(source) {
            let letters = plain_letters(word);
            for stem in self.stems_of(&letters) {
                out.push((letters.clone(), stem));
            }
        }
        out
    }

    /// The lexicon stems of one Arabic word, given by its letters (most words have none,
    /// which the ending filter tells at once).
    fn stems_of(&self, letters: &str) -> Vec<&str> {
        let bit = ending_bit(letters);
        if self
            .endings
            .get(bit / 64)
            .is_none_or(|w| w & (1 << (bit % 64)) == 0)
        {
            return Vec::new();
        }
        stem_slices(letters)
            .as_slice()
            .iter()
            .filter_map(|s| self.forms.get_key_value(*s).map(|(k, _)| k.as_str()))
            .collect()
    }

    /// Drops the stems whose English form is missing from most targets of their beads.
    fn keep_consistent(&mut self, pairs: &[(&str, &str)]) {
        if self.forms.is_empty() {
            return;
        }
        // Per pair (spread over the cores): each lexicon stem it has, and whether the target
        // has one of its forms. Each job remembers the stems of the words it met (news repeats
        // its words).
        let per_pair: Vec<Vec<(&str, bool)>> = pairs
            .par_iter()
            .map_init(FastMap::default, |memo, (source, target)| {
                let mut stems: BTreeSet<&str> = BTreeSet::new();
                for word in arabic_word_slices(source) {
                    let known = memo
                        .entry(word)
                        .or_insert_with(|| self.stems_of(&plain_letters(word)));
                    stems.extend(known.iter().copied());
                }
                if stems.is_empty() {
                    return Vec::new();
                }
                let lower = target.to_lowercase();
                stems
                    .into_iter()
                    .map(|stem| {
                        let present = self.forms[stem].keys().any(|f| lower.contains(f.as_str()));
                        (stem, present)
                    })
                    .collect()
            })
            .collect();
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        for (stem, present) in per_pair.into_iter().flatten() {
            let entry = seen.entry(stem.to_string()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(present);
        }
        self.forms.retain(|s, _| {
            seen.get(s)
                .is_some_and(|&(n, m)| m as f64 >= MIN_CONSISTENCY * n as f64)
        });
    }

    /// Whether the lexicon knows no name.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Names of `source` of which `target` has no English form.
    pub fn lost(&self, source: &str, target: &str) -> Vec<LostName> {
        if self.forms.is_empty() {
            return Vec::new();
        }
        let named = self.names_in(source);
        if named.is_empty() {
            return Vec::new();
        }
        let lower = target.to_lowercase();
        let initials = acronym_initials(target);
        let in_acronym = |f: &String| {
            f.chars()
                .next()
                .is_some_and(|c| initials.contains(&c.to_ascii_uppercase()))
        };
        let mut out: Vec<LostName> = Vec::new();
        for (word, stem) in &named {
            // Every stem of the word must be missing (a word may hold two names' stems).
            let forms: BTreeMap<&String, &String> = named
                .iter()
                .filter(|(w, _)| w == word)
                .filter_map(|(_, s)| self.forms.get(*s))
                .flatten()
                .collect();
            if forms
                .keys()
                .any(|f| lower.contains(f.as_str()) || in_acronym(f))
                || out.iter().any(|l| l.arabic == **word)
            {
                continue;
            }
            if let Some(english) = self.forms[*stem].values().next() {
                out.push(LostName {
                    arabic: word.to_string(),
                    english: english.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alike(ar: &str, en: &str) -> bool {
        arabic_stems(ar)
            .iter()
            .any(|s| sounds_alike(&arabic_skeleton(s), &latin_skeleton(en)))
    }

    #[test]
    fn heard_names_count_the_english_names_an_arabic_text_has() {
        let arabic = HeardNames::of_arabic("وقال فيديريكو فيليني لصحيفة محلية إن السينما فن.");
        let shared = |en: &str| HeardNames::shared(&arabic, &HeardNames::of_latin(en));
        assert_eq!(
            shared("Federico Fellini told a local paper that cinema is an art."),
            2
        );
        assert_eq!(shared("Fellini, Fellini and Fellini."), 1, "each name once");
        assert_eq!(shared("He stands alone in front of the audience."), 0);
        assert!(HeardNames::of_latin("no capitals here").is_empty());
        let english = HeardNames::of_latin("Federico Fellini once said it.");
        assert!(english.hears("وفيليني"), "with a clitic");
        assert!(!english.hears("قال"));
    }

    #[test]
    fn names_sound_alike_across_scripts() {
        for (ar, en) in [
            ("شولمان", "Schulman"),
            ("كوري", "Kori"),
            ("أوستن", "Austin"),
            ("بغداد", "Baghdad"),
            ("طومسون", "Thompson"),
            ("وإيرلندا", "Ireland"),
            ("لكلينتون", "Clinton's"),
            ("مورافيا", "Moravia"),
        ] {
            assert!(alike(ar, en), "{ar} ~ {en}");
        }
        for (ar, en) in [
            ("لكن", "Millican"),
            ("الأمر", "Lamarr"),
            ("قال", "Kabul"),
            ("بغداد", "Boston"),
        ] {
            assert!(!alike(ar, en), "{ar} !~ {en}");
        }
    }

    #[test]
    fn stems_drop_clitics() {
        let s = arabic_stems("وبالمدينة");
        for want in ["وبالمدينة", "بالمدينة", "مدينة"] {
            assert!(s.iter().any(|x| x == want), "{s:?}");
        }
        assert_eq!(arabic_stems("ولد"), ["ولد"]);
        assert_eq!(arabic_stems("الأمر"), ["أمر"]);
    }

    #[test]
    fn capitalised_words_skip_acronyms_and_function_words() {
        assert_eq!(
            capitalised_words("The US envoy met Kori Schulman's team in Baghdad."),
            ["Kori", "Schulman's", "Baghdad"]
        );
    }

    #[test]
    fn classifiers_before_names_are_counted() {
        let source = "ولد رايت في مدينة بول التابعة لمقاطعة دورست, لكنه ترعرع في مدينة كبيرة.";
        let target = "Wright was born in Poole, Dorset, but grew up in a big city.";
        assert_eq!(classifier_letters(source, target), 5 + 6);
        assert_eq!(classifier_letters("قال الوزير.", "The minister said."), 0);
    }

    #[test]
    fn the_lexicon_finds_a_name_the_target_lost() {
        let pairs = [
            (
                "وصل أوستن إلى بغداد صباح الثلاثاء.",
                "Austin arrived in Baghdad on Tuesday morning.",
            ),
            (
                "قال أوستن إن القوات ستبقى.",
                "Austin said the forces would stay.",
            ),
            (
                "التقى أوستن برئيس الوزراء في بغداد.",
                "He met the prime minister.",
            ),
            // A common word that sounds like a name once, and not elsewhere.
            ("لكن ميليكان غادر.", "But Millican left."),
            ("لكن الأمر انتهى.", "But it was over."),
            ("لكن القوات بقيت.", "But the forces stayed."),
        ];
        let lexicon = NameLexicon::build(&pairs);
        let lost = lexicon.lost(pairs[2].0, pairs[2].1);
        let words: Vec<&str> = lost.iter().map(|l| l.arabic.as_str()).collect();
        assert_eq!(words, ["أوستن", "بغداد"], "{lost:?}");
        assert_eq!(lost[0].english, "Austin");
        assert!(lexicon.lost(pairs[0].0, pairs[0].1).is_empty());
        assert!(
            lexicon.lost(pairs[5].0, pairs[5].1).is_empty(),
            "لكن is no name"
        );
    }
}
