//! chrF and chrF++ exactly as sacrebleu 2.6.0 computes them (`sacrebleu.metrics.CHRF`).
//!
//! Character n-grams (1..=6 by default) over the text with all whitespace removed, optional word
//! n-grams (chrF++ uses 1..=2) over whitespace tokens with one edge punctuation mark split off,
//! precision and recall averaged over the orders that have n-grams on both sides ("effective
//! order"), combined as an F-beta score (β = 2) and reported on a 0..=100 scale.
//!
//! Corpus scores sum the per-order statistics of all segments before scoring once
//! ([`ChrfStats::add`]); they are not the mean of sentence scores.
//!
//! ```
//! use tarjama::align::chrf::{chrf, ChrfParams};
//! let score = chrf("The cat sat on the mat.", "The cat is on the mat.", &ChrfParams::default());
//! assert!((score - 67.172735).abs() < 1e-6);
//! ```

use std::collections::HashMap;

/// Punctuation that word n-gram extraction splits off a token's edge (Python's
/// `string.punctuation`, as in sacrebleu). Arabic `،؟؛` are deliberately not in it.
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// The smoothing constant sacrebleu uses for missing precision or recall.
const EPS: f64 = 1e-16;

/// Settings of the metric; [`Default`] is chrF2 (sacrebleu's `CHRF()`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChrfParams {
    /// Highest character n-gram order (sacrebleu `char_order`, default 6).
    pub char_order: usize,
    /// Highest word n-gram order (sacrebleu `word_order`: 0 for chrF, 2 for chrF++).
    pub word_order: usize,
    /// Weight of recall against precision (default 2).
    pub beta: f64,
    /// Lowercase both sides first.
    pub lowercase: bool,
    /// Keep whitespace inside character n-grams.
    pub whitespace: bool,
    /// Average per-order F-scores with ε for missing values instead of the effective-order
    /// average of precision and recall.
    pub eps_smoothing: bool,
}

impl Default for ChrfParams {
    fn default() -> Self {
        ChrfParams {
            char_order: 6,
            word_order: 0,
            beta: 2.0,
            lowercase: false,
            whitespace: false,
            eps_smoothing: false,
        }
    }
}

impl ChrfParams {
    /// chrF++: chrF plus word unigrams and bigrams (sacrebleu `CHRF(word_order=2)`).
    pub fn chrf_plus_plus() -> Self {
        ChrfParams {
            word_order: 2,
            ..ChrfParams::default()
        }
    }

    /// The sacrebleu signature of these settings, e.g.
    /// `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`.
    pub fn signature(&self) -> String {
        format!(
            "nrefs:1|case:{}|eff:{}|nc:{}|nw:{}|space:{}|version:2.6.0",
            if self.lowercase { "lc" } else { "mixed" },
            if self.eps_smoothing { "no" } else { "yes" },
            self.char_order,
            self.word_order,
            if self.whitespace { "yes" } else { "no" },
        )
    }

    /// Number of n-gram orders (character plus word).
    fn orders(&self) -> usize {
        self.char_order + self.word_order
    }
}

/// Match statistics of one order: total hypothesis n-grams, total reference n-grams, matches.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OrderStats {
    /// Hypothesis n-grams (0 when the reference has none of this order, as in sacrebleu).
    pub hyp: u64,
    /// Reference n-grams.
    pub reference: u64,
    /// Clipped matches: Σ min(count in hypothesis, count in reference).
    pub matches: u64,
}

/// Statistics of a segment or a whole corpus: one [`OrderStats`] per order, character orders
/// first, then word orders.
#[derive(Debug, Clone, PartialEq)]
pub struct ChrfStats {
    /// Per-order statistics.
    pub orders: Vec<OrderStats>,
}

impl ChrfStats {
    /// All-zero statistics for these settings (the start of a corpus sum).
    pub fn zero(params: &ChrfParams) -> Self {
        ChrfStats {
            orders: vec![OrderStats::default(); params.orders()],
        }
    }

    /// Adds another segment's statistics (corpus-level chrF sums statistics).
    pub fn add(&mut self, other: &ChrfStats) {
        for (mine, theirs) in self.orders.iter_mut().zip(&other.orders) {
            mine.hyp += theirs.hyp;
            mine.reference += theirs.reference;
            mine.matches += theirs.matches;
        }
    }

    /// The score (0..=100) of these statistics, exactly as sacrebleu's `_compute_f_score`.
    pub fn score(&self, params: &ChrfParams) -> f64 {
        let factor = params.beta * params.beta;
        let mut smoothed_sum = 0.0;
        let mut effective_order = 0usize;
        let (mut avg_precision, mut avg_recall) = (0.0, 0.0);
        for order in &self.orders {
            let precision = if order.hyp > 0 {
                order.matches as f64 / order.hyp as f64
            } else {
                EPS
            };
            let recall = if order.reference > 0 {
                order.matches as f64 / order.reference as f64
            } else {
                EPS
            };
            let denominator = factor * precision + recall;
            smoothed_sum += if denominator > 0.0 {
                (1.0 + factor) * precision * recall / denominator
            } else {
                EPS
            };
            if order.hyp > 0 && order.reference > 0 {
                effective_order += 1;
            }
            // sacrebleu adds the ε of skipped orders too; keep it for bit-exact results.
            avg_precision += precision;
            avg_recall += recall;
        }
        if params.eps_smoothing {
            return 100.0 * smoothed_sum / self.orders.len().max(1) as f64;
        }
        if effective_order == 0 {
            return 0.0;
        }
        avg_precision /= effective_order as f64;
        avg_recall /= effective_order as f64;
        if avg_precision + avg_recall == 0.0 {
            return 0.0;
        }
        100.0 * (1.0 + factor) * avg_precision * avg_recall / (factor * avg_precision + avg_recall)
    }
}

/// Sentence-level chrF (0..=100) of `hypothesis` against one reference.
pub fn chrf(hypothesis: &str, reference: &str, params: &ChrfParams) -> f64 {
    segment_stats(hypothesis, &[reference], params).score(params)
}

/// Sentence-level chrF against several references: sacrebleu keeps the best-scoring one.
/// Returns 0 when there is no reference.
pub fn chrf_multi(hypothesis: &str, references: &[&str], params: &ChrfParams) -> f64 {
    segment_stats(hypothesis, references, params).score(params)
}

/// Corpus-level chrF (0..=100): statistics summed over `(hypothesis, reference)` pairs.
pub fn corpus_chrf<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    params: &ChrfParams,
) -> f64 {
    let mut total = ChrfStats::zero(params);
    for (hypothesis, reference) in pairs {
        total.add(&segment_stats(hypothesis, &[reference], params));
    }
    total.score(params)
}

/// The statistics of one segment against its best reference (the first one on ties, as
/// sacrebleu keeps a reference only when its F-score is strictly higher).
pub fn segment_stats(hypothesis: &str, references: &[&str], params: &ChrfParams) -> ChrfStats {
    let hypothesis = preprocess(hypothesis, params);
    let hyp_ngrams = all_ngrams(&hypothesis, params);
    let mut best = ChrfStats::zero(params);
    let mut best_score = -1.0;
    for reference in references {
        let reference = preprocess(reference, params);
        let ref_ngrams = all_ngrams(&reference, params);
        let stats = ChrfStats {
            orders: hyp_ngrams
                .iter()
                .zip(&ref_ngrams)
                .map(|(h, r)| match_stats(h, r))
                .collect(),
        };
        let score = stats.score(params);
        if score > best_score {
            best_score = score;
            best = stats;
        }
    }
    best
}

/// Lowercases when asked; no other normalisation (sacrebleu does none).
fn preprocess(text: &str, params: &ChrfParams) -> String {
    if params.lowercase {
        text.to_lowercase()
    } else {
        text.to_string()
    }
}

/// Python's `str.split()` whitespace: Rust's plus the information separators U+001C..U+001F.
fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Counted n-grams, one multiset per order (character orders, then word orders).
fn all_ngrams(text: &str, params: &ChrfParams) -> Vec<HashMap<String, u64>> {
    let chars: Vec<char> = if params.whitespace {
        text.chars().collect()
    } else {
        text.chars().filter(|&c| !is_python_whitespace(c)).collect()
    };
    let mut orders = Vec::with_capacity(params.orders());
    for n in 1..=params.char_order {
        let mut counts = HashMap::new();
        for window in chars.windows(n) {
            *counts.entry(window.iter().collect::<String>()).or_insert(0) += 1;
        }
        orders.push(counts);
    }
    if params.word_order > 0 {
        let tokens = split_punctuation(text);
        for n in 1..=params.word_order {
            let mut counts = HashMap::new();
            for window in tokens.windows(n) {
                *counts.entry(window.join(" ")).or_insert(0) += 1;
            }
            orders.push(counts);
        }
    }
    orders
}

/// Whitespace tokens, with one punctuation mark split off the end (or else the start) of every
/// token longer than one character: sacrebleu's `_remove_punctuation` (so `(hi)` → `(hi`, `)`).
fn split_punctuation(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    for word in text.split(is_python_whitespace).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        let first = chars.next();
        let last = chars.next_back();
        match (first, last) {
            (Some(_), Some(last)) if PUNCTUATION.contains(last) => {
                let cut = word.len() - last.len_utf8();
                tokens.extend([&word[..cut], &word[cut..]]);
            }
            (Some(first), Some(_)) if PUNCTUATION.contains(first) => {
                let cut = first.len_utf8();
                tokens.extend([&word[..cut], &word[cut..]]);
            }
            _ => tokens.push(word),
        }
    }
    tokens
}

/// Match statistics of one order; hypothesis n-grams do not count when the reference has none.
fn match_stats(hyp: &HashMap<String, u64>, reference: &HashMap<String, u64>) -> OrderStats {
    let hyp_total: u64 = hyp.values().sum();
    let ref_total: u64 = reference.values().sum();
    let matches = hyp
        .iter()
        .filter_map(|(gram, &count)| reference.get(gram).map(|&r| count.min(r)))
        .sum();
    OrderStats {
        hyp: if ref_total > 0 { hyp_total } else { 0 },
        reference: ref_total,
        matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors computed with sacrebleu 2.6.0 (research notes), read from
    /// corpora/eval/chrf/vectors.json, beside a few built into the test.
    fn vectors() -> Vec<(String, String, f64, f64)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpora/eval/chrf/vectors.json")
            .display()
            .to_string();
        let mut out: Vec<(String, String, f64, f64)> = vec![
            (
                "The cat sat on the mat.".into(),
                "The cat is on the mat.".into(),
                67.172735,
                69.436953,
            ),
            (
                "Hello, world!".into(),
                "Hello world".into(),
                56.343009,
                53.037682,
            ),
            (
                "the the the the the the the".into(),
                "the cat".into(),
                13.999695,
                14.672751,
            ),
            (
                "أعرب وزير الدفاع الأمريكي عن رغبته في تعزيز الشراكة.".into(),
                "أعرب وزير الدفاع الأمريكي لويد أوستن عن رغبته في تعزيز وتوسيع الشراكة.".into(),
                68.291781,
                68.977351,
            ),
            (
                "US Defense Secretary Lloyd Austin expressed his desire to strengthen the partnership.".into(),
                "US Defense Secretary Lloyd Austin on Tuesday expressed his desire to “strengthen and expand” the partnership.".into(),
                73.018527,
                71.426308,
            ),
            (
                "Which unite the two countries.".into(),
                "The defense secretary also affirmed that American soldiers could remain in the country.".into(),
                12.454898,
                11.364336,
            ),
            ("".into(), "Something.".into(), 0.0, 0.0),
            ("a".into(), "a".into(), 100.0, 100.0),
            ("ab".into(), "ab".into(), 100.0, 100.0),
        ];
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
                assert!(list.len() >= 9, "expected at least 9 vectors in {path}");
                for v in list {
                    out.push((
                        v["hyp"].as_str().unwrap().into(),
                        v["ref"].as_str().unwrap().into(),
                        v["chrF2"].as_f64().unwrap(),
                        v["chrF2++"].as_f64().unwrap(),
                    ));
                }
            }
            Err(e) => panic!("{path}: {e} (evaluation data of the repository)"),
        }
        out
    }

    #[test]
    fn matches_sacrebleu_on_every_vector() {
        for (hyp, reference, chrf2, chrf2pp) in vectors() {
            let got = chrf(&hyp, &reference, &ChrfParams::default());
            assert!(
                (got - chrf2).abs() < 5e-7,
                "chrF2 {hyp:?}: {got} vs {chrf2}"
            );
            let got = chrf(&hyp, &reference, &ChrfParams::chrf_plus_plus());
            assert!(
                (got - chrf2pp).abs() < 5e-7,
                "chrF2++ {hyp:?}: {got} vs {chrf2pp}"
            );
        }
    }

    #[test]
    fn corpus_score_sums_statistics_rather_than_averaging() {
        let params = ChrfParams::default();
        let pairs = [("a", "a"), ("xyz", "abc")];
        let corpus = corpus_chrf(pairs, &params);
        let mean = (chrf("a", "a", &params) + chrf("xyz", "abc", &params)) / 2.0;
        // Sum: order 1 has 1 match in 4 n-grams; orders 2..3 have 0 matches.
        assert!((corpus - mean).abs() > 1.0, "{corpus} vs {mean}");
        assert!(corpus > 0.0 && corpus < 100.0);
    }

    #[test]
    fn splits_one_edge_punctuation_mark_per_token() {
        assert_eq!(
            split_punctuation("(hi) a, ?x ،x"),
            ["(hi", ")", "a", ",", "?", "x", "،x"]
        );
        assert_eq!(split_punctuation(". ..."), [".", "..", "."]);
    }

    #[test]
    fn python_whitespace_includes_information_separators() {
        let params = ChrfParams::default();
        assert_eq!(chrf("a\u{1f}b", "ab", &params), 100.0);
        assert_eq!(chrf("a\u{a0}b", "ab", &params), 100.0);
    }

    #[test]
    fn best_reference_wins() {
        let params = ChrfParams::default();
        let multi = chrf_multi("the cat", &["a dog", "the cat"], &params);
        assert_eq!(multi, 100.0);
        assert_eq!(chrf_multi("x", &[], &params), 0.0);
    }

    #[test]
    fn lowercase_and_signature() {
        let params = ChrfParams {
            lowercase: true,
            ..ChrfParams::default()
        };
        assert_eq!(chrf("ABC", "abc", &params), 100.0);
        assert!(chrf("ABC", "abc", &ChrfParams::default()) < 1.0);
        assert_eq!(
            ChrfParams::chrf_plus_plus().signature(),
            "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0"
        );
    }

    #[test]
    fn eps_smoothing_averages_per_order_f_scores() {
        let params = ChrfParams {
            eps_smoothing: true,
            ..ChrfParams::default()
        };
        // "a" vs "a": order 1 is perfect, orders 2..6 are empty on both sides (F = ε each).
        let got = chrf("a", "a", &params);
        assert!((got - 100.0 / 6.0).abs() < 1e-9, "{got}");
    }
}
