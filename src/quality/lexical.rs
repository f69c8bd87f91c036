//! A word lexicon learned from the bitext under check, for checks that ask "does this target
//! translate this source?" without a machine translation.
//!
//! Most beads of a bitext worth checking are right, so its 1-1 beads are a parallel corpus:
//! IBM Model 1 (EM with a NULL source word, `align/model_one.rs`, shared with the aligner) trained on them
//! gives `p(target word | source key)`. Arabic words are keyed by their stem without clitics
//! (و ف, ب ل ك, the article ال/لل, see [`crate::quality::transliteration::arabic_stems`]) after folding alef forms, ى and ة, then
//! by a prefix of the stem (inflection suffixes); other scripts by the lowercased word.
//!
//! **Leave-one-out.** The beads being judged are in the training data, corrupted ones included
//! (as in any real bitext: the method is unsupervised). On a few hundred beads Model 1
//! memorises each bead's pairing, right or wrong, so a lexicon that saw a bead vouches for
//! whatever target it has. [`BitextLexicon::coverage`] therefore scores with the probabilities
//! the model would have without the beads in question: the last EM step's expected counts
//! minus those beads' own share of them (`p₋(t|s) = (c(s,t) − c_b(s,t)) / (c(s) − c_b(s))`),
//! which costs one training and a few lookups per bead instead of one training per bead.
//!
//! Only a source key seen at least `min_count` times outside the held-out beads counts, and
//! target words found in more than 30 % of the training sentences (function words) are left out.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::align::fast_hash::FastMap;
use crate::align::model_one::{BeadShare, ModelOne, NULL, common_targets};
use crate::quality::text::{is_arabic_letter, is_letter_or_digit, is_numeric_char};
use crate::quality::transliteration::barest_stem;
use crate::segment::normalize::{fold_alef, is_diacritic, is_tatweel};

/// How the bitext lexicon is trained.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LexicalSettings {
    /// Train only when the bitext has at least this many 1-1 beads (fewer: too thin).
    pub min_pairs: usize,
    /// Train on at most this many 1-1 beads (spread evenly): time stays linear.
    pub max_pairs: usize,
    /// Source keys are cut to this many leading characters (0 = whole).
    pub source_prefix: usize,
    /// A source key counts only when seen this many times outside the held-out beads.
    pub min_count: u32,
}

/// EM iterations of Model 1.
const ITERATIONS: usize = 5;
/// Translations kept per source key (the most probable under the full model).
const CANDIDATES: usize = 8;
/// Target words in more than this share of the training sentences are not translations.
const MAX_TARGET_SHARE: f64 = 0.3;

/// The source-side keys of a text: stems without clitics (Arabic), lowercased words otherwise,
/// in text order (repeats kept).
pub(crate) fn source_keys(text: &str, prefix: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for_each_source_key(text, prefix, |key| keys.push(key.to_string()));
    keys
}

/// Calls `f` with each of [`source_keys`], built in reused buffers: every bead of the bitext
/// is encoded, and a `String` or two per word was most of that time.
fn for_each_source_key(text: &str, prefix: usize, mut f: impl FnMut(&str)) {
    let mut buffers = KeyBuffers::default();
    for word in source_words(text) {
        if let Some(key) = buffers.source_key(word, prefix) {
            f(key);
        }
    }
}

/// The words of a source text as written (letters and marks between other characters).
fn source_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_letter_or_digit(c) && !is_mark(c))
}

/// The buffers a word's key is built in, reused from word to word.
#[derive(Default)]
struct KeyBuffers {
    letters: String,
    lower: String,
}

impl KeyBuffers {
    /// The key of a source word (see [`source_keys`]); `None` for a word with a digit or no
    /// letter.
    fn source_key(&mut self, word: &str, prefix: usize) -> Option<&str> {
        let (letters, lower) = (&mut self.letters, &mut self.lower);
        letters.clear();
        letters.extend(word.chars().filter(|&c| !is_mark(c)).map(fold_arabic));
        if letters.is_empty() || letters.chars().any(is_numeric_char) {
            return None;
        }
        let key = if letters.chars().all(is_arabic_letter) {
            barest_stem(letters)
        } else {
            lower.clear();
            if letters.is_ascii() {
                lower.push_str(letters);
                lower.make_ascii_lowercase();
            } else {
                // `str::to_lowercase`, not per character: a final sigma lowercases by context.
                lower.push_str(&letters.to_lowercase());
            }
            lower
        };
        Some(first_chars(key, prefix))
    }

    /// The key of a target word (see [`for_each_target_token`]).
    fn target_key(&mut self, word: &str) -> &str {
        let token = &mut self.lower;
        token.clear();
        if word.is_ascii() {
            token.push_str(&word[..word.len().min(TARGET_PREFIX)]);
            token.make_ascii_lowercase();
        } else {
            token.extend(word.to_lowercase().chars().take(TARGET_PREFIX));
        }
        token
    }
}

/// The first `n` characters of `text` (all of it when `n` is 0 or it is shorter).
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) if n > 0 => &text[..end],
        _ => text,
    }
}

/// Arabic diacritics and tatweel (dropped from keys).
fn is_mark(c: char) -> bool {
    is_diacritic(c) || is_tatweel(c)
}

/// One spelling for letters written several ways (alef forms → ا, ى → ي, ة → ه).
fn fold_arabic(c: char) -> char {
    match c {
        'ى' => 'ي',
        'ة' => 'ه',
        c => fold_alef(c),
    }
}

/// Target words are keyed by this many leading letters (`countries` and `country` meet; on
/// the PUD dev split it lifted `swapped` recall from 0.936 to 0.948).
const TARGET_PREFIX: usize = 5;

/// Calls `f` with the lowercased words of a target text (letters, at least two, no digit),
/// cut to [`TARGET_PREFIX`] letters, in text order; built in one reused buffer (see
/// [`for_each_source_key`]).
fn for_each_target_token(text: &str, mut f: impl FnMut(&str)) {
    let mut buffers = KeyBuffers::default();
    for word in target_words(text) {
        f(buffers.target_key(word));
    }
}

/// The words of a target text that have a key: letters, at least two, no digit.
fn target_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 2 && !w.chars().any(char::is_numeric))
}

/// The ids of the words met so far when encoding many beads: a word's key (folded, stemmed,
/// lower-cased) is worked out at its first occurrence only, as news text repeats its words
/// (the encoding of every bead was most of the lexicon's time).
#[derive(Default)]
struct EncodeMemo<'t> {
    source: FastMap<&'t str, Option<u32>>,
    target: FastMap<&'t str, Option<u32>>,
    buffers: KeyBuffers,
}

/// A bead's sides as lexicon ids (words the lexicon never saw are left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct Encoded {
    /// Distinct source key ids, sorted.
    pub source: Vec<u32>,
    /// Distinct target word ids, sorted.
    pub target: Vec<u32>,
}

/// One kept translation of a source key.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    target: u32,
    /// Expected count of the last EM step.
    count: f32,
    /// `p(target | source)` that step used.
    prob: f32,
}

fn lookup<V: Copy + Default>(list: &[(u32, V)], id: u32) -> V {
    list.binary_search_by_key(&id, |e| e.0)
        .map_or(V::default(), |k| list[k].1)
}

/// Reads a list sorted by id at ids that never decrease, in one pass for all of them (a binary
/// search per id was a sixth of `coverage_parts`).
struct SortedReader<'l, V> {
    list: &'l [(u32, V)],
    at: usize,
}

impl<'l, V: Copy + Default> SortedReader<'l, V> {
    fn new(list: &'l [(u32, V)]) -> Self {
        SortedReader { list, at: 0 }
    }

    /// The value of `id` (the default when the list has none); `id` is at least the last asked.
    fn value(&mut self, id: u32) -> V {
        while self.list.get(self.at).is_some_and(|e| e.0 < id) {
            self.at += 1;
        }
        match self.list.get(self.at) {
            Some(&(found, value)) if found == id => value,
            _ => V::default(),
        }
    }
}

/// `p(target word | source key)` learned from a bitext's own 1-1 beads, with leave-one-out.
#[derive(Debug, Default)]
pub(crate) struct BitextLexicon {
    // Fast-hashed: every word of every bead is looked up here.
    source_ids: FastMap<String, u32>,
    target_ids: FastMap<String, u32>,
    /// Per source id: occurrences in the training beads.
    seen: Vec<u32>,
    /// Per source id: its expected count in the last EM step.
    totals: Vec<f32>,
    /// Per source id: its most probable translations, sorted by target id.
    candidates: Vec<Vec<Candidate>>,
    /// Per bead position: its share, when it was a training bead.
    shares: HashMap<usize, BeadShare>,
    /// Per target id: found in too many sentences to be anyone's translation.
    common: Vec<bool>,
    min_count: u32,
}

/// Interns a string as a dense id.
fn intern(ids: &mut FastMap<String, u32>, word: &str) -> u32 {
    if let Some(&id) = ids.get(word) {
        return id;
    }
    let next = ids.len() as u32;
    ids.insert(word.to_string(), next);
    next
}

impl BitextLexicon {
    /// Trains on 1-1 beads given as (bead position, source keys, target text); `None` when
    /// there are fewer than `min_pairs`.
    #[cfg(test)]
    pub fn train(
        beads: &[(usize, Vec<String>, &str)],
        settings: &LexicalSettings,
    ) -> Option<BitextLexicon> {
        if beads.len() < settings.min_pairs.max(1) {
            return None;
        }
        Some(BitextLexicon::fit(
            spread(beads, settings.max_pairs),
            settings,
        ))
    }

    /// Trains on the given beads, all of them.
    fn fit<'b, 't: 'b>(
        beads: impl Iterator<Item = &'b (usize, Vec<String>, &'t str)>,
        settings: &LexicalSettings,
    ) -> BitextLexicon {
        let mut lex = BitextLexicon {
            min_count: settings.min_count,
            ..BitextLexicon::default()
        };
        lex.source_ids.insert(String::new(), NULL);
        let corpus: Vec<(usize, Vec<u32>, Vec<u32>)> = beads
            .map(|(at, keys, target)| {
                let mut source = vec![NULL];
                source.extend(keys.iter().map(|k| intern(&mut lex.source_ids, k)));
                let mut ids = Vec::new();
                for_each_target_token(target, |w| ids.push(intern(&mut lex.target_ids, w)));
                let target = ids;
                (*at, source, target)
            })
            .collect();
        lex.seen = vec![0; lex.source_ids.len()];
        for (_, source, _) in &corpus {
            source[1..].iter().for_each(|&s| lex.seen[s as usize] += 1);
        }
        let mut model = ModelOne::train(&corpus, lex.source_ids.len(), ITERATIONS);
        // The last E-step is kept with each bead's share of it (for leave-one-out).
        model.keep_shares(&corpus);
        lex.totals = model.totals.clone();
        lex.common = common_targets(&corpus, lex.target_ids.len(), MAX_TARGET_SHARE);
        lex.candidates = candidates(&model, lex.source_ids.len(), &lex.common);
        lex.shares = model.shares;
        lex
    }

    /// A bead's sides as ids, the direct way: each key and target word looked up at each
    /// occurrence (the tests' reference for [`Self::encode_text`]).
    #[cfg(test)]
    pub fn encode(&self, source_keys: &[String], target: &str) -> Encoded {
        let mut source: Vec<u32> = source_keys
            .iter()
            .filter_map(|k| self.source_ids.get(k).copied())
            .collect();
        source.sort_unstable();
        source.dedup();
        let mut target_ids: Vec<u32> = Vec::new();
        for_each_target_token(target, |w| {
            target_ids.extend(
                self.target_ids
                    .get(w)
                    .copied()
                    .filter(|&t| !self.common[t as usize]),
            );
        });
        target_ids.sort_unstable();
        target_ids.dedup();
        Encoded {
            source,
            target: target_ids,
        }
    }

    /// A bead's sides as ids, its source keys made from `source` with `prefix`, the ids of
    /// words met before taken from `memo` (the same as looking each one up, as the tests' `encode`
    /// does).
    fn encode_text<'t>(
        &self,
        source: &'t str,
        prefix: usize,
        target: &'t str,
        memo: &mut EncodeMemo<'t>,
    ) -> Encoded {
        let EncodeMemo {
            source: source_memo,
            target: target_memo,
            buffers,
        } = memo;
        let mut source_ids: Vec<u32> = source_words(source)
            .filter_map(|word| {
                *source_memo.entry(word).or_insert_with(|| {
                    let key = buffers.source_key(word, prefix)?;
                    self.source_ids.get(key).copied()
                })
            })
            .collect();
        source_ids.sort_unstable();
        source_ids.dedup();
        let mut target_ids: Vec<u32> = target_words(target)
            .filter_map(|word| {
                *target_memo.entry(word).or_insert_with(|| {
                    self.target_ids
                        .get(buffers.target_key(word))
                        .copied()
                        .filter(|&t| !self.common[t as usize])
                })
            })
            .collect();
        target_ids.sort_unstable();
        target_ids.dedup();
        Encoded {
            source: source_ids,
            target: target_ids,
        }
    }

    /// How well `target` translates `source` with the beads at `held_out` taken out of the
    /// model, both ways: [`Coverage::source`] plus [`Coverage::target`]; `None` when no key
    /// counts.
    pub fn coverage(&self, source: &[u32], target: &[u32], held_out: &[usize]) -> Option<f64> {
        self.coverage_parts(source, target, held_out)
            .map(|c| c.source + c.target)
    }

    /// [`Self::coverage`] per direction.
    pub fn coverage_parts(
        &self,
        source: &[u32],
        target: &[u32],
        held_out: &[usize],
    ) -> Option<Coverage> {
        let shares: Vec<&BeadShare> = held_out
            .iter()
            .filter_map(|at| self.shares.get(at))
            .collect();
        let (mut sum, mut n) = (0.0, 0usize);
        let mut target_best = vec![0.0f32; target.len()];
        // `source` is sorted: each held-out bead's multiplicities and totals are read alongside,
        // in one pass each.
        let mut readers: Vec<(SortedReader<u32>, SortedReader<f32>)> = shares
            .iter()
            .map(|b| {
                (
                    SortedReader::new(&b.multiplicity),
                    SortedReader::new(&b.totals),
                )
            })
            .collect();
        let mut counts = vec![0u32; shares.len()];
        for &s in source {
            let list = &self.candidates[s as usize];
            for (count, (multiplicity, _)) in counts.iter_mut().zip(&mut readers) {
                *count = multiplicity.value(s);
            }
            let own: u32 = counts.iter().sum();
            if list.is_empty() || self.seen[s as usize].saturating_sub(own) < self.min_count {
                continue;
            }
            let total = self.totals[s as usize]
                - readers
                    .iter_mut()
                    .map(|(_, total)| total.value(s))
                    .sum::<f32>();
            if total <= 1e-6 {
                continue;
            }
            n += 1;
            let mut best = 0.0f32;
            // Both lists are sorted by target id: one merge pass.
            let mut at = 0;
            for c in list {
                while at < target.len() && target[at] < c.target {
                    at += 1;
                }
                if at == target.len() {
                    break;
                }
                if target[at] != c.target {
                    continue;
                }
                // The held-out beads' share of this count (looked up only on a match: rare).
                let taken: f32 = shares
                    .iter()
                    .zip(&counts)
                    .map(|(b, &count)| count as f32 * c.prob * lookup(&b.weights, c.target))
                    .sum();
                let p = ((c.count - taken) / total).max(0.0);
                best = best.max(p);
                target_best[at] = target_best[at].max(p);
            }
            sum += f64::from(best);
        }
        if n == 0 {
            return None;
        }
        let target_mean = if target.is_empty() {
            0.0
        } else {
            target_best.iter().map(|&p| f64::from(p)).sum::<f64>() / target.len() as f64
        };
        Some(Coverage {
            source: sum / n as f64,
            target: target_mean,
        })
    }
}

/// How much of each side the lexicon finds translated on the other (see
/// [`BitextLexicon::coverage_parts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Coverage {
    /// The mean, over the source keys seen often enough outside the held-out beads and with
    /// translations, of the best `p₋(t|s)` among the target's words (low: the target lacks
    /// what the source says).
    pub source: f64,
    /// The mean, over the target's words, of the best `p₋(t|s)` among those keys (low: the
    /// target says what the source does not).
    pub target: f64,
}

/// A bitext's lexicon with every 1-1 bead encoded, learned once and shared by the checks that
/// ask whether a target translates its source (`swapped`, `omission`, `addition`).
#[derive(Debug)]
pub(crate) struct BeadLexicon {
    /// The lexicon.
    pub lexicon: BitextLexicon,
    /// Per bead (by position): its sides as ids, for 1-1 beads with letters on both sides.
    pub encoded: Vec<Option<Encoded>>,
}

impl BeadLexicon {
    /// Learns the lexicon from the 1-1 beads of `beads` (their source and target texts by
    /// position, `None` for other beads); `None` when there are fewer than `min_pairs`.
    ///
    /// Only the training beads' keys are kept as strings (at most `max_pairs`); every bead is
    /// then encoded from its text, spread over the cores, so memory does not grow with the
    /// bitext's words.
    pub fn learn(beads: &[Option<(&str, &str)>], settings: &LexicalSettings) -> Option<Self> {
        let pairs: Vec<usize> = (0..beads.len()).filter(|&at| beads[at].is_some()).collect();
        if pairs.len() < settings.min_pairs.max(1) {
            return None;
        }
        let training: Vec<(usize, Vec<String>, &str)> = spread(&pairs, settings.max_pairs)
            .copied()
            .collect::<Vec<usize>>()
            .into_par_iter()
            .filter_map(|at| {
                let (source, target) = beads[at]?;
                Some((at, source_keys(source, settings.source_prefix), target))
            })
            .collect();
        let lexicon = BitextLexicon::fit(training.iter(), settings);
        drop(training);
        let encoded = beads
            .par_iter()
            .map_init(EncodeMemo::default, |memo, b| {
                let (source, target) = (*b)?;
                Some(lexicon.encode_text(source, settings.source_prefix, target, memo))
            })
            .collect();
        Some(BeadLexicon { lexicon, encoded })
    }

    /// How well bead `at`'s target translates its source, the bead left out of the model.
    pub fn own_coverage(&self, at: usize) -> Option<Coverage> {
        let e = self.encoded.get(at)?.as_ref()?;
        self.lexicon.coverage_parts(&e.source, &e.target, &[at])
    }
}

/// Per source id, its [`CANDIDATES`] most probable translations that are not common words.
fn candidates(model: &ModelOne, sources: usize, common: &[bool]) -> Vec<Vec<Candidate>> {
    let mut out: Vec<Vec<Candidate>> = vec![Vec::new(); sources];
    for ((&(s, t), &prob), &count) in model.pairs.iter().zip(&model.prob).zip(&model.counts) {
        if s != NULL && !common[t as usize] {
            out[s as usize].push(Candidate {
                target: t,
                count,
                prob,
            });
        }
    }
    for list in &mut out {
        list.sort_by(|a, b| b.prob.total_cmp(&a.prob).then(a.target.cmp(&b.target)));
        list.truncate(CANDIDATES);
        list.sort_by_key(|c| c.target);
    }
    out
}

/// At most `max` items spread evenly over `items`.
fn spread<T>(items: &[T], max: usize) -> impl Iterator<Item = &T> {
    let step = items.len().div_ceil(max.max(1)).max(1);
    items.iter().step_by(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_keys_drop_clitics_marks_and_alef_forms() {
        assert_eq!(source_keys("وبالمدينة", 0), ["مدينه"]);
        assert_eq!(source_keys("الحُكومة أعلنت 25", 0), ["حكومه", "اعلنت"]);
        assert_eq!(source_keys("الحُكومة Biden", 3), ["حكو", "bid"]);
    }

    fn lexicon(rows: &[(&str, &str)], min_count: u32) -> BitextLexicon {
        let beads: Vec<(usize, Vec<String>, &str)> = rows
            .iter()
            .enumerate()
            .map(|(k, (s, t))| (k, source_keys(s, 0), *t))
            .collect();
        let settings = LexicalSettings {
            min_pairs: 2,
            max_pairs: 100,
            source_prefix: 0,
            min_count,
        };
        BitextLexicon::train(&beads, &settings).expect("enough pairs")
    }

    const ROWS: [(&str, &str); 8] = [
        (
            "الحكومة أعلنت القرار",
            "the government announced the decision",
        ),
        ("الحكومة رفضت الخطة", "the government rejected the plan"),
        ("الجيش أعلن الحرب", "the army declared war"),
        ("الجيش رفض الخطة", "the army rejected the plan"),
        ("القرار صدر أمس", "the decision came yesterday"),
        ("الحرب انتهت أمس", "the war ended yesterday"),
        ("الجيش انتهى أمس", "the army finished yesterday"),
        ("الحكومة صدرت القرار", "the government issued the decision"),
    ];

    #[test]
    fn a_memo_encodes_as_the_keys_do() {
        let lex = lexicon(&ROWS, 1);
        let mut memo = EncodeMemo::default();
        let extra = [("وبالحكومة ٢٥ أعلنت", "The Government's 25 plans")];
        for (source, target) in ROWS.iter().chain(&extra).chain(&ROWS) {
            let by_keys = lex.encode(&source_keys(source, 3), target);
            let memoised = lex.encode_text(source, 3, target, &mut memo);
            assert_eq!(
                (by_keys.source, by_keys.target),
                (memoised.source, memoised.target)
            );
        }
    }

    #[test]
    fn coverage_prefers_the_target_that_translates_the_source() {
        let lex = lexicon(&ROWS, 1);
        let source = source_keys("الجيش رفض القرار", 0);
        let good = lex.encode(&source, "The army rejected the decision.");
        let bad = lex.encode(&source, "The war ended yesterday.");
        let good = lex.coverage(&good.source, &good.target, &[]).unwrap();
        let bad = lex.coverage(&bad.source, &bad.target, &[]).unwrap();
        assert!(good > bad + 0.3, "{good} vs {bad}");
        let beads = [(0, source, "x")];
        assert!(
            BitextLexicon::train(
                &beads,
                &LexicalSettings {
                    min_pairs: 2,
                    max_pairs: 9,
                    source_prefix: 0,
                    min_count: 1
                }
            )
            .is_none()
        );
    }

    #[test]
    fn leaving_a_bead_out_forgets_what_only_it_taught() {
        // The words of bead 4 (صدر ~ came) are taught by it alone: held out, they count for
        // nothing, and the key is not counted at all once it is seen too rarely.
        let lex = lexicon(&ROWS, 1);
        let e = lex.encode(&source_keys("صدر", 0), "came");
        let with = lex.coverage(&e.source, &e.target, &[]).unwrap();
        assert!(with > 0.2, "{with}");
        let without = lex.coverage(&e.source, &e.target, &[4]);
        assert!(without.is_none_or(|c| c < 0.05), "{without:?}");
        // Taking out an unrelated bead changes nothing.
        let other = lex.coverage(&e.source, &e.target, &[2]).unwrap();
        assert!((other - with).abs() < 1e-6);
    }

    #[test]
    fn a_cut_target_loses_coverage_on_the_source_side_only() {
        // Eight words, each pair (i, i+1) and (i, i+3) a bead: every word in four beads, so
        // Model 1 can tell each word's translation from its neighbours'.
        const WORDS: [(&str, &str); 8] = [
            ("قط", "cat"),
            ("كلب", "dog"),
            ("حصان", "horse"),
            ("بيت", "house"),
            ("شجرة", "tree"),
            ("نهر", "river"),
            ("جبل", "mountain"),
            ("سوق", "market"),
        ];
        let rows: Vec<(String, String)> = (0..8)
            .flat_map(|i| [(i, (i + 1) % 8), (i, (i + 3) % 8)])
            .map(|(i, j)| {
                (
                    format!("{} {}", WORDS[i].0, WORDS[j].0),
                    format!("{} {}", WORDS[i].1, WORDS[j].1),
                )
            })
            .collect();
        let rows: Vec<(&str, &str)> = rows.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
        let lex = lexicon(&rows, 1);
        let source = source_keys("قط كلب حصان", 0);
        let parts = |target: &str| {
            let e = lex.encode(&source, target);
            lex.coverage_parts(&e.source, &e.target, &[]).unwrap()
        };
        let whole = parts("the cat, the dog and the horse");
        let cut = parts("the cat");
        assert!(whole.source > cut.source + 0.2, "{whole:?} vs {cut:?}");
        assert!(cut.target > 0.5, "what is left is still explained: {cut:?}");
    }

    #[test]
    fn a_bead_lexicon_encodes_one_to_one_beads_and_judges_each_without_itself() {
        let mut beads: Vec<Option<(&str, &str)>> = ROWS.iter().map(|&r| Some(r)).collect();
        beads.push(None);
        let settings = LexicalSettings {
            min_pairs: 2,
            max_pairs: 100,
            source_prefix: 0,
            min_count: 1,
        };
        let shared = BeadLexicon::learn(&beads, &settings).unwrap();
        assert!(shared.encoded[8].is_none());
        assert!(shared.own_coverage(8).is_none());
        // Bead 5 (الحرب انتهت أمس, the war ended yesterday): judged without itself, bead 2
        // still teaches الحرب ~ war.
        let own = shared.own_coverage(5).unwrap();
        assert!(own.source > 0.0, "{own:?}");
        assert!(
            BeadLexicon::learn(
                &beads[..2],
                &LexicalSettings {
                    min_pairs: 3,
                    ..settings
                }
            )
            .is_none()
        );
    }
}
