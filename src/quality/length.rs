//! The length model behind `omission`/`addition` (partial ones, inside a bead) and
//! `length-ratio`: how long a translation of a source passage is expected to be.
//!
//! The expected number of target letters is a linear function of four source features: letters,
//! clitic-expanded tokens (Arabic proclitics و ف ب ل ك and pronoun suffixes become separate
//! words in English), Latin-script letters (copied as they are) and digits. The coefficients are
//! fitted on the bitext itself by robust (Huber) regression of the per-letter ratio, pulled
//! towards a prior for the language pair (UD PUD Arabic→English, dev split) so that a feature
//! the document lacks keeps its prior weight; under `min_beads` measured beads the prior alone is
//! used. A bead's residual is the log of (target letters / predicted letters), divided by
//! sqrt(1 + short_letters / source letters) because short sentences vary more; its z-score uses
//! separate robust scales below and above the median (translations are more often much
//! shorter than usual than much longer, so the two tails differ). On a short bitext those
//! spreads are pulled towards the prior's (a homogeneous document of 50 beads would otherwise
//! call every free sentence an outlier).

use rayon::prelude::*;

use crate::bitext::Severity;
use crate::bitext::{Flag, Side};
use crate::quality::Ctx;
use crate::quality::lexicon::PRONOUN_SUFFIXES;
use crate::quality::settings::LengthRatio;
use crate::quality::text::{is_arabic_letter, is_latin_letter, letter_count};
use crate::quality::{Analysis, Check, CheckInfo, Code, Family, info};

/// Median of a slice (0 when empty), by selection on a copy (linear time: the fit takes a
/// few medians of every bead of the bitext).
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (_, &mut upper, _) = v.select_nth_unstable_by(n / 2, |a, b| a.total_cmp(b));
    if n % 2 == 1 {
        upper
    } else {
        let lower = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

/// Centre and spread of log ratios: median and 1.4826 × MAD (the standard deviation for
/// normal data), never below `min_scale`.
pub fn robust_center_scale(values: &[f64], min_scale: f64) -> (f64, f64) {
    let center = median(values);
    let deviations: Vec<f64> = values.iter().map(|v| (v - center).abs()).collect();
    let scale = 1.4826 * median(&deviations);
    (center, scale.max(min_scale))
}

/// Number of features of [`SourceFeatures`].
const FEATURES: usize = 4;

/// Prior coefficients (target letters per source letter, token, Latin letter, digit), fitted
/// on the dev split of the UD Arabic-PUD pairs (`tarjama eval flags --synthetic --split dev`).
pub const PRIOR_COEFFICIENTS: [f64; FEATURES] = [0.88, 1.17, 0.22, 0.53];

/// What the length of a translation is predicted from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SourceFeatures {
    /// Letters other than Latin ones (Arabic letters for an Arabic source).
    pub letters: f64,
    /// Tokens, with Arabic clitics counted as the separate words they become in translation.
    pub tokens: f64,
    /// Latin-script letters (names and acronyms copied into the source).
    pub latin: f64,
    /// Digits.
    pub digits: f64,
}

/// Arabic proclitics that are separate words in English (conjunctions first, then
/// prepositions); the pronoun suffixes are [`PRONOUN_SUFFIXES`].
const CONJUNCTIONS: [char; 2] = ['و', 'ف'];
const PREPOSITIONS: [char; 3] = ['ب', 'ل', 'ك'];

/// How many English words an Arabic word (letters only) is likely to become: 1, plus one for a
/// conjunction, a preposition and a pronoun suffix (each only when enough of the word is left
/// to be a stem, so `ولد` or `كتب` are not split).
pub fn clitic_tokens(word: &str) -> usize {
    let mut n = 1;
    let mut core = word;
    let long_enough = |s: &str| s.chars().count() > 3;
    if let Some(rest) = core.strip_prefix(CONJUNCTIONS)
        && long_enough(core)
    {
        n += 1;
        core = rest;
    }
    if let Some(rest) = core.strip_prefix(PREPOSITIONS)
        && long_enough(core)
    {
        n += 1;
        core = rest;
    }
    if let Some(rest) = core.strip_prefix("ال")
        && long_enough(core)
    {
        core = rest;
    }
    if PRONOUN_SUFFIXES.iter().any(|s| {
        core.strip_suffix(s)
            .is_some_and(|stem| stem.chars().count() >= 3)
    }) {
        n += 1;
    }
    n
}

impl SourceFeatures {
    /// The features of a source text in a Latin-script language: its letters are letters, not
    /// names copied from another script.
    pub fn of_latin(text: &str) -> SourceFeatures {
        let mut f = SourceFeatures::of(text);
        f.letters += f.latin;
        f.latin = 0.0;
        f
    }

    /// The features of a source text in the script of `lang` (see [`SourceFeatures::of`] and
    /// [`SourceFeatures::of_latin`]).
    pub fn of_lang(text: &str, lang: &crate::lang::Lang) -> SourceFeatures {
        if lang.script() == crate::lang::Script::Latin {
            SourceFeatures::of_latin(text)
        } else {
            SourceFeatures::of(text)
        }
    }

    /// The features of a source text in a non-Latin script (Latin letters in it are names and
    /// acronyms that a translation copies).
    pub fn of(text: &str) -> SourceFeatures {
        let mut f = SourceFeatures::default();
        // Start of the current Arabic word (letters, with any marks or tatweel inside it).
        let mut word_start: Option<usize> = None;
        let mut in_other_word = false;
        for (i, c) in text.char_indices() {
            if is_arabic_letter(c) {
                f.letters += 1.0;
                word_start.get_or_insert(i);
                in_other_word = false;
                continue;
            }
            if crate::segment::normalize::is_diacritic(c)
                || crate::segment::normalize::is_tatweel(c)
            {
                continue;
            }
            if let Some(start) = word_start.take() {
                f.tokens += clitic_tokens(&text[start..i]) as f64;
            }
            let alnum = crate::quality::text::is_letter_or_digit(c);
            if is_latin_letter(c) {
                f.latin += 1.0;
            } else if crate::quality::text::is_numeric_char(c) {
                f.digits += 1.0;
            } else if alnum {
                f.letters += 1.0;
            }
            // Non-Arabic words (Latin, other scripts, numbers) count one token each.
            if alnum && !in_other_word {
                f.tokens += 1.0;
            }
            in_other_word = alnum;
        }
        if let Some(start) = word_start {
            f.tokens += clitic_tokens(&text[start..]) as f64;
        }
        f
    }

    fn as_array(&self) -> [f64; FEATURES] {
        [self.letters, self.tokens, self.latin, self.digits]
    }

    /// All letters and digits (what the short-sentence widening is scaled by).
    pub fn size(&self) -> f64 {
        self.letters + self.latin + self.digits
    }
}

/// A fitted length model (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct LengthModel {
    /// Target letters per unit of each feature.
    pub coefficients: [f64; FEATURES],
    /// Median of the adjusted log residuals.
    pub center: f64,
    /// Robust spread of the residuals below the median (translations shorter than predicted).
    pub scale_short: f64,
    /// Robust spread of the residuals above the median.
    pub scale_long: f64,
    /// The widening length scale (`short_letters` of the settings).
    pub short_letters: f64,
    /// Whether the model was fitted on the bitext (false: the prior).
    pub fitted: bool,
}

/// A bead's length measured against the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthResidual {
    /// Predicted target letters.
    pub predicted: f64,
    /// Actual target letters.
    pub actual: usize,
    /// Letters credited to the target for what it writes shorter than the source by convention:
    /// acronyms, small numbers and currency signs the source spells out, and the classifier
    /// nouns Arabic puts before names; debited (negative) for the numbers it spells out where
    /// the source has digits (compared: actual + credited).
    pub credited: i64,
    /// Robust z-score (negative: shorter than predicted).
    pub z: f64,
    /// The source's features the prediction was made from (`swapped` weighs the same source
    /// against a neighbour's target with them).
    pub features: SourceFeatures,
}

impl LengthResidual {
    /// Compared length / predicted − 1 (−0.41: 41 % shorter than predicted).
    pub fn relative(&self) -> f64 {
        (self.actual as i64 + self.credited).max(0) as f64 / self.predicted - 1.0
    }

    /// `target 41 % shorter than predicted (z = -3.1)`.
    pub fn describe(&self) -> String {
        let rel = self.relative();
        let credited = if self.credited > 0 {
            format!(
                " + {} for what the source spells out: acronyms, numbers, signs",
                self.credited
            )
        } else if self.credited < 0 {
            format!(" - {} for numbers in words", -self.credited)
        } else {
            String::new()
        };
        format!(
            "target {:.0} % {} than predicted ({} letters{credited} for {:.0}; z = {:.1})",
            100.0 * rel.abs(),
            if rel < 0.0 { "shorter" } else { "longer" },
            self.actual,
            self.predicted,
            self.z
        )
    }
}

/// Solves the small linear system `a x = b` (Gaussian elimination with partial pivoting);
/// `None` when singular.
fn solve(mut a: [[f64; FEATURES]; FEATURES], mut b: [f64; FEATURES]) -> Option<[f64; FEATURES]> {
    for i in 0..FEATURES {
        let pivot = (i..FEATURES).max_by(|&x, &y| a[x][i].abs().total_cmp(&a[y][i].abs()))?;
        if a[pivot][i].abs() < 1e-12 {
            return None;
        }
        a.swap(i, pivot);
        b.swap(i, pivot);
        let (pivot_row, pivot_b) = (a[i], b[i]);
        for (row, rhs) in a
            .iter_mut()
            .zip(b.iter_mut())
            .enumerate()
            .filter(|(r, _)| *r != i)
            .map(|(_, x)| x)
        {
            let f = row[i] / pivot_row[i];
            for (cell, p) in row.iter_mut().zip(&pivot_row).skip(i) {
                *cell -= f * p;
            }
            *rhs -= f * pivot_b;
        }
    }
    Some(std::array::from_fn(|i| b[i] / a[i][i]))
}

/// Weight of the prior in the fit, in average beads (a ridge penalty towards the prior
/// coefficients).
const PRIOR_WEIGHT: f64 = 5.0;

impl LengthModel {
    /// The prior model of the settings (no fitting).
    pub fn prior(settings: &LengthRatio) -> LengthModel {
        LengthModel {
            coefficients: PRIOR_COEFFICIENTS,
            center: 0.0,
            scale_short: settings.prior_scale_short.max(settings.min_scale),
            scale_long: settings.prior_scale_long.max(settings.min_scale),
            short_letters: settings.short_letters,
            fitted: false,
        }
    }

    /// Fits the model on (source features, target letters) samples; the prior when there are
    /// fewer than `min_beads`.
    pub fn fit(samples: &[(SourceFeatures, usize)], settings: &LengthRatio) -> LengthModel {
        LengthModel::fit_leaning(samples, settings, true)
    }

    /// [`LengthModel::fit`], with the pull of a short bitext's spreads towards the prior's only
    /// when `lean_on_prior`. A bitext whose sources carry MT does not lean: there the MT's word
    /// evidence tells a free sentence from a cut one, and a literal document's own tight spread
    /// is what lets a short omission show (`coverage::machine_translation_catches_…`).
    pub fn fit_leaning(
        samples: &[(SourceFeatures, usize)],
        settings: &LengthRatio,
        lean_on_prior: bool,
    ) -> LengthModel {
        let mut model = LengthModel::prior(settings);
        if samples.len() < settings.min_beads.max(1) {
            return model;
        }
        model.coefficients = fit_coefficients(samples);
        model.fitted = true;
        let residuals: Vec<f64> = samples
            .iter()
            .map(|(f, t)| model.adjusted_log_ratio(f, *t))
            .collect();
        model.center = median(&residuals);
        let prior = (model.scale_short, model.scale_long);
        let side = |short: bool, prior: f64| {
            let d: Vec<f64> = residuals
                .iter()
                .map(|r| r - model.center)
                .filter(|d| if short { *d < 0.0 } else { *d > 0.0 })
                .map(f64::abs)
                .collect();
            let fitted = 1.4826 * median(&d);
            if lean_on_prior {
                shrink_scale(fitted, d.len(), prior).max(settings.min_scale)
            } else {
                fitted.max(settings.min_scale)
            }
        };
        model.scale_short = side(true, prior.0);
        model.scale_long = side(false, prior.1);
        model
    }

    /// Predicted target letters (at least 1).
    pub fn predict(&self, f: &SourceFeatures) -> f64 {
        let x = f.as_array();
        (0..FEATURES)
            .map(|i| self.coefficients[i] * x[i])
            .sum::<f64>()
            .max(1.0)
    }

    fn adjusted_log_ratio(&self, f: &SourceFeatures, target: usize) -> f64 {
        let log = (target.max(1) as f64 / self.predict(f)).ln();
        log / (1.0 + self.short_letters / f.size().max(1.0)).sqrt()
    }

    /// The bead's residual and z-score.
    pub fn residual(&self, f: &SourceFeatures, target: usize) -> LengthResidual {
        let d = self.adjusted_log_ratio(f, target) - self.center;
        let z = if d < 0.0 {
            d / self.scale_short
        } else {
            d / self.scale_long
        };
        LengthResidual {
            predicted: self.predict(f),
            actual: target,
            credited: 0,
            z,
            features: *f,
        }
    }
}

/// Weight of the prior spread in a spread fitted on few residuals, in residuals of that side
/// (see [`shrink_scale`]).
const SCALE_PRIOR_WEIGHT: f64 = 50.0;
/// From this many residuals on one side (a bitext of about twice as many beads) the spread is
/// the bitext's own.
const SCALE_PRIOR_UNTIL: f64 = 100.0;

/// A spread measured on `n` residuals of one side, pulled towards the prior's when `n` is small:
/// the mean of the two variances, weighted by `n` and by a prior weight that fades from
/// [`SCALE_PRIOR_WEIGHT`] to nothing at [`SCALE_PRIOR_UNTIL`]. Why: the MAD of the twenty-odd
/// residuals on one side of a short document is noisy, and a homogeneous one (a literary text
/// of 50 beads measured 0.10 where the language pair's is 0.20) turns every free sentence
/// into an outlier; a long bitext keeps its own spread (a pull on the PUD test split, 250
/// residuals a side, cost omission recall). The weight was chosen on the genre dev sets
/// (corpora/genres: 30 left 2 of 79 literary pairs flagged, 50 one).
fn shrink_scale(fitted: f64, n: usize, prior: f64) -> f64 {
    let n = n as f64;
    let weight = SCALE_PRIOR_WEIGHT * (1.0 - n / SCALE_PRIOR_UNTIL).max(0.0);
    ((n * fitted * fitted + weight * prior * prior) / (n + weight).max(1.0)).sqrt()
}

/// Huber IRLS on the per-letter form (target / size against features / size, so every bead
/// weighs the same whatever its length), with a ridge pull towards the prior.
fn fit_coefficients(samples: &[(SourceFeatures, usize)]) -> [f64; FEATURES] {
    let rows: Vec<([f64; FEATURES], f64)> = samples
        .iter()
        .map(|(f, t)| {
            let size = f.size().max(1.0);
            (f.as_array().map(|x| x / size), *t as f64 / size)
        })
        .collect();
    let mut weights = vec![1.0; rows.len()];
    let mut beta = PRIOR_COEFFICIENTS;
    for _ in 0..8 {
        let mut a = [[0.0; FEATURES]; FEATURES];
        let mut b = [0.0; FEATURES];
        for ((x, y), w) in rows.iter().zip(&weights) {
            for i in 0..FEATURES {
                for j in 0..FEATURES {
                    a[i][j] += w * x[i] * x[j];
                }
                b[i] += w * x[i] * y;
            }
        }
        // The pull is PRIOR_WEIGHT average beads' worth of each feature (a feature the
        // bitext never has keeps its prior coefficient).
        let total: f64 = weights.iter().sum::<f64>().max(1.0);
        for i in 0..FEATURES {
            let penalty = PRIOR_WEIGHT * (a[i][i] / total).max(1e-3);
            a[i][i] += penalty;
            b[i] += penalty * PRIOR_COEFFICIENTS[i];
        }
        let Some(next) = solve(a, b) else {
            return beta;
        };
        beta = next;
        let residuals: Vec<f64> = rows
            .iter()
            .map(|(x, y)| y - (0..FEATURES).map(|i| beta[i] * x[i]).sum::<f64>())
            .collect();
        let (_, scale) = robust_center_scale(&residuals, 1e-6);
        let c = 1.345 * scale;
        for (w, r) in weights.iter_mut().zip(&residuals) {
            *w = if r.abs() <= c { 1.0 } else { c / r.abs() };
        }
    }
    beta
}

/// Capitals of the target's acronyms (`BA`, `GCHQ`, `U.S.`: 2–6 capitals, no lower case), which
/// a source in a language without them often writes out in full; acronyms the source also has
/// in Latin letters, and era markers (`AD`, `BC`), are not counted.
pub fn acronym_letters(text: &str, source: &str) -> usize {
    acronym_letters_of(&acronyms(text), source)
}

/// The acronyms of a target text that [`acronym_letters`] may count, before the source is
/// looked at (checks that weigh one target against several sources find them once).
pub fn acronyms(text: &str) -> Vec<&str> {
    // Era markers are short on both sides (`833 AD` = `833 م`).
    const ERAS: [&str; 4] = ["AD", "BC", "CE", "BCE"];
    // Fast path: no two capitals in a row (or around a dot), no acronym.
    let bytes = text.as_bytes();
    let has_run = bytes
        .windows(2)
        .any(|w| w[0].is_ascii_uppercase() && (w[1].is_ascii_uppercase() || w[1] == b'.'));
    if !has_run {
        return Vec::new();
    }
    // A text in capitals (a headline) has no acronyms to tell apart; a short line that is
    // mostly acronyms (`4 GB of RAM.`) still has words in lower case.
    let (mut letters, mut capitals) = (0, 0);
    for c in text.chars() {
        letters += usize::from(c.is_alphabetic());
        capitals += usize::from(c.is_uppercase());
    }
    let lower_words = || {
        text.split_whitespace()
            .filter(|w| w.chars().any(char::is_lowercase))
            .count()
    };
    if 2 * capitals > letters && lower_words() * 4 < text.split_whitespace().count() {
        return Vec::new();
    }
    crate::quality::text::word_iter(text)
        .map(|w| w.trim_end_matches("'s").trim_end_matches('s'))
        .filter(|w| {
            (2..=6).contains(&capitals_of(w))
                && !w.chars().any(|c| c.is_lowercase())
                && !ERAS.contains(w)
        })
        .collect()
}

/// [`acronym_letters`] from the target's [`acronyms`].
pub fn acronym_letters_of(acronyms: &[&str], source: &str) -> usize {
    acronyms
        .iter()
        .filter(|w| !source.contains(**w))
        .map(|w| capitals_of(w))
        .sum()
}

fn capitals_of(word: &str) -> usize {
    word.bytes().filter(u8::is_ascii_uppercase).count()
}

/// Letters of an English number word below 1,000 (`14` → `fourteen`, 8), or of `x and a half`.
fn english_number_letters(value: f64) -> Option<usize> {
    const UNITS: [usize; 20] = [4, 3, 3, 5, 4, 4, 3, 5, 5, 4, 3, 6, 6, 8, 8, 7, 7, 9, 8, 8];
    const TENS: [usize; 10] = [0, 0, 6, 6, 5, 5, 5, 7, 6, 6];
    const HUNDRED: usize = 7;
    const AND_A_HALF: usize = 8;
    if !(0.0..1000.0).contains(&value) {
        return None;
    }
    let whole = value.trunc() as usize;
    let half = match value.fract() {
        0.0 => 0,
        0.5 => AND_A_HALF,
        _ => return None,
    };
    let below_hundred = |n: usize| match n {
        0 => 0,
        1..=19 => UNITS[n],
        _ if n.is_multiple_of(10) => TENS[n / 10],
        _ => TENS[n / 10] + UNITS[n % 10],
    };
    let letters = match (whole / 100, whole % 100) {
        (0, 0) if half > 0 => 0,
        (0, 0) => UNITS[0],
        (0, n) => below_hundred(n),
        (h, n) => UNITS[h] + HUNDRED + below_hundred(n),
    };
    Some(letters + half)
}

/// The runs of ASCII digits of a text (`1,500` → `1`, `500`).
fn digit_runs(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect()
}

/// Letters the target would have if it spelt out, as the source does, its small numbers
/// (`5 to 14` for `الخامسة والرابعة عشرة`, `grade 4` for `الصف الرابع`, `1.5-degree` for
/// `درجة ونصف`): for each number below 1,000 written with digits in the target whose value the
/// source has no digits for, its English word's letters minus its digits.
pub fn spelled_number_letters(target: &str, source: &str) -> usize {
    // Most targets have no digits, or only digit runs the source also has: no parse then.
    let runs = digit_runs(target);
    if runs.is_empty() {
        return 0;
    }
    let source_runs = digit_runs(source);
    if runs.iter().all(|r| source_runs.contains(r)) {
        return 0;
    }
    let in_source: std::collections::BTreeSet<String> = crate::quality::numbers::numbers(source)
        .into_iter()
        .flat_map(|n| n.values)
        .collect();
    crate::quality::numbers::numbers(target)
        .into_iter()
        .filter(|n| !n.values.iter().any(|v| in_source.contains(v)))
        .filter_map(|n| {
            let value: f64 = n.values.first()?.parse().ok()?;
            let digits = n.written.chars().filter(char::is_ascii_digit).count();
            english_number_letters(value).map(|letters| letters.saturating_sub(digits))
        })
        .sum()
}

/// Value of an English number word or hyphenated compound below 100 (`nine`, `thirty-nine`).
fn english_number_value(word: &str) -> Option<usize> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let unit = |w: &str| UNITS.iter().position(|u| u.eq_ignore_ascii_case(w));
    let tens = |w: &str| {
        TENS.iter()
            .position(|t| !t.is_empty() && t.eq_ignore_ascii_case(w))
    };
    match word.split_once('-') {
        Some((t, u)) => Some(10 * tens(t)? + unit(u).filter(|&u| (1..10).contains(&u))?),
        None => unit(word).or_else(|| tens(word).map(|t| 10 * t)),
    }
}

/// Letters the target spends on numbers it spells out where the source writes digits
/// (`thirty-nine` for `39`): each such word's letters minus the digits (debited from the
/// target, the reverse of [`spelled_number_letters`]).
pub fn number_word_letters(target: &str, source: &str) -> usize {
    if !source.bytes().any(|b| b.is_ascii_digit()) {
        return 0;
    }
    let words: Vec<(usize, usize)> = target
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
        // Every English number word starts with one of these letters.
        .filter(|w| {
            w.starts_with([
                'z', 'o', 't', 'f', 's', 'e', 'n', 'Z', 'O', 'T', 'F', 'S', 'E', 'N',
            ])
        })
        .filter_map(|w| {
            let value = english_number_value(w)?;
            Some((value, w.bytes().filter(u8::is_ascii_alphabetic).count()))
        })
        .collect();
    // Most targets have no number word: the source is parsed only when one has.
    if words.is_empty() {
        return 0;
    }
    let in_source: std::collections::BTreeSet<String> = crate::quality::numbers::numbers(source)
        .into_iter()
        .flat_map(|n| n.values)
        .collect();
    words
        .into_iter()
        .filter_map(|(value, letters)| {
            let digits = value.to_string();
            in_source
                .contains(&digits)
                .then(|| letters.saturating_sub(digits.len()))
        })
        .sum()
}

/// Currency signs a translation writes for words of the source, with the letters of the words
/// (Arabic writes `جنيه إسترليني`, pounds sterling, for `£`, `دولار` for `$`).
const CURRENCY_WORDS: [(char, usize); 4] = [('£', 14), ('$', 7), ('€', 5), ('¥', 3)];

/// Letters the target would have if it wrote its currency signs out as words, as the source
/// does (`£760` for `760 جنيه إسترليني`); signs the source also has are not counted.
pub fn currency_letters(target: &str, source: &str) -> usize {
    CURRENCY_WORDS
        .iter()
        .filter(|(sign, _)| !source.contains(*sign))
        .map(|&(sign, letters)| letters * target.matches(sign).count())
        .sum()
}

/// Letters credited to the target for each capital of an acronym: `BA` is `الخطوط الجوية
/// البريطانية` in the Arabic, `GCHQ` a whole phrase (tuned on the PUD dev split).
pub const ACRONYM_CREDIT: usize = 6;

/// Every measured bead of the bitext: (bead index, source features, target letters, letters
/// credited, see [`LengthResidual::credited`]), for beads with both sides whose source has at
/// least `min_chars` letters (the source is what predicts; a tiny target for a long source is
/// the strongest sign of an omission, not a ratio to skip).
pub(crate) fn measure(ctx: &Ctx) -> Vec<(usize, SourceFeatures, usize, i64)> {
    let min_chars = ctx.settings.length_ratio.min_chars;
    ctx.bitext
        .beads
        .par_iter()
        .enumerate()
        .filter(|(_, b)| !b.source.is_empty() && !b.target.is_empty())
        .filter_map(|(k, bead)| {
            let source = ctx.bead_text(bead, Side::Source);
            let src = letter_count(source);
            let target = ctx.bead_text(bead, Side::Target);
            let tgt = letter_count(target);
            (src >= min_chars && tgt > 0).then(|| {
                let credited = ACRONYM_CREDIT * acronym_letters(target, source)
                    + spelled_number_letters(target, source)
                    + currency_letters(target, source)
                    + crate::quality::transliteration::classifier_letters(source, target);
                let debited = number_word_letters(target, source);
                let credited = credited as i64 - debited as i64;
                let features = SourceFeatures::of_lang(source, &ctx.bitext.header.source_lang);
                (k, features, tgt, credited)
            })
        })
        .collect()
}

/// The model fitted on the bitext, and every measured bead's residual by bead index.
pub(crate) fn residuals(ctx: &Ctx) -> (LengthModel, Vec<Option<LengthResidual>>) {
    let measured = measure(ctx);
    let compared = |t: usize, credited: i64| (t as i64 + credited).max(1) as usize;
    let samples: Vec<(SourceFeatures, usize)> =
        measured.iter().map(|m| (m.1, compared(m.2, m.3))).collect();
    let has_mt = ctx.bitext.source.iter().any(|s| s.mt.is_some());
    let model = LengthModel::fit_leaning(&samples, &ctx.settings.length_ratio, !has_mt);
    let mut out = vec![None; ctx.bitext.beads.len()];
    for (k, f, t, credited) in &measured {
        let mut r = model.residual(f, compared(*t, *credited));
        r.actual = *t;
        r.credited = *credited;
        out[*k] = Some(r);
    }
    (model, out)
}

/// Runs `length-ratio` on the beads that `omission`/`addition` did not flag (`flagged`, by bead
/// index): a length outlier with no other evidence, or the only length signal when those checks
/// are turned off.
pub(crate) fn run(
    ctx: &Ctx,
    residuals: &[Option<LengthResidual>],
    flagged: &[bool],
    flags: &mut Vec<Flag>,
) {
    let Some(severity) = ctx.settings.severity_of(Code::LengthRatio) else {
        return;
    };
    let max_z = ctx.settings.length_ratio.max_z;
    for (k, bead) in ctx.bitext.beads.iter().enumerate() {
        let Some(r) = residuals.get(k).copied().flatten() else {
            continue;
        };
        if crate::quality::structure::heading_bead(ctx.bitext, bead) {
            continue;
        }
        if r.z.abs() < max_z || flagged.get(k).copied().unwrap_or(false) {
            continue;
        }
        let message = if r.z < 0.0 {
            "the translation is much shorter than its source predicts: something may have been left out"
        } else {
            "the translation is much longer than its source predicts: something may have been added"
        };
        flags.push(ctx.bead_flag(
            Code::LengthRatio,
            severity,
            bead,
            message.into(),
            r.describe(),
        ));
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::LengthRatio,
    Severity::Warning,
    Family::Pair,
    "target much longer or shorter than its source predicts (robust z-score against a length model fitted on the bitext), on a bead omission/addition did not flag",
)];

/// The `length-ratio` check.
pub(crate) struct LengthRatioCheck;

impl Check for LengthRatioCheck {
    fn info(&self) -> &'static [CheckInfo] {
        INFO
    }

    fn needs(&self) -> &'static [Analysis] {
        &[Analysis::Length, Analysis::Coverage]
    }

    fn run(&self, ctx: &Ctx) -> Vec<Flag> {
        let mut flags = Vec::new();
        run(ctx, &ctx.length().1, &ctx.coverage().flagged, &mut flags);
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_statistics_ignore_outliers() {
        let (c, s) = robust_center_scale(&[0.1, 0.2, 0.15, 0.18, 5.0], 0.01);
        assert!((c - 0.18).abs() < 1e-9, "{c}");
        assert!(s < 0.1, "{s}");
    }

    #[test]
    fn clitics_count_as_the_words_they_become() {
        assert_eq!(clitic_tokens("وبالمدينة"), 3, "and + in + the city");
        assert_eq!(clitic_tokens("سيارتهم"), 2, "car + their");
        assert_eq!(clitic_tokens("ولد"), 1, "too short to split");
        assert_eq!(
            clitic_tokens("المدينة"),
            1,
            "the article is not a word of its own"
        );
        let f = SourceFeatures::of("وقال إن 2500 جنود من Iraq Body Count.");
        assert_eq!(f.digits, 4.0);
        assert_eq!(f.latin, 13.0);
        assert_eq!(f.tokens, 2.0 + 1.0 + 1.0 + 1.0 + 1.0 + 3.0);
        let f = SourceFeatures::of_latin("Le ministre a parlé.");
        assert_eq!((f.letters, f.latin, f.tokens), (16.0, 0.0, 4.0));
    }

    fn settings() -> LengthRatio {
        LengthRatio {
            min_beads: 10,
            ..LengthRatio::default()
        }
    }

    #[test]
    fn fit_recovers_a_known_ratio_despite_outliers() {
        // Target = 1.5 × letters + 2 × tokens, with two wild outliers.
        let mut samples: Vec<(SourceFeatures, usize)> = (0..60)
            .map(|i| {
                let f = SourceFeatures {
                    letters: 40.0 + i as f64,
                    tokens: 8.0 + (i % 7) as f64,
                    latin: 0.0,
                    digits: (i % 3) as f64,
                };
                let t = 1.5 * f.letters + 2.0 * f.tokens + 0.5 * f.digits;
                (f, t.round() as usize)
            })
            .collect();
        samples[3].1 *= 4;
        samples[9].1 /= 5;
        let m = LengthModel::fit(&samples, &settings());
        assert!(m.fitted);
        let f = SourceFeatures {
            letters: 60.0,
            tokens: 10.0,
            latin: 0.0,
            digits: 0.0,
        };
        let predicted = m.predict(&f);
        assert!((predicted - 110.0).abs() < 5.0, "{predicted} {m:?}");
        assert!(m.residual(&samples[3].0, samples[3].1).z > 5.0);
        assert!(m.residual(&samples[9].0, samples[9].1).z < -5.0);
        assert!(m.residual(&samples[20].0, samples[20].1).z.abs() < 1.0);
    }

    #[test]
    fn counts_acronym_capitals_only() {
        let none = "";
        assert_eq!(
            acronym_letters("BA and IAG said the U.S. and GCHQ's staff", none),
            2 + 3 + 2 + 4
        );
        assert_eq!(acronym_letters("A Minister said I would, NASAs", none), 4);
        assert_eq!(acronym_letters("No acronyms in Iraq.", none), 0);
        assert_eq!(
            acronym_letters("US TROOPS TO STAY IN IRAQ", none),
            0,
            "a headline"
        );
        assert_eq!(
            acronym_letters("The MRI showed it.", "أظهر التصوير MRI ذلك."),
            0,
            "written in the source as well"
        );
    }

    #[test]
    fn credits_small_numbers_the_source_spells_out() {
        assert_eq!(english_number_letters(14.0), Some(8));
        assert_eq!(english_number_letters(1.5), Some(3 + 8));
        assert_eq!(english_number_letters(342.0), Some(5 + 7 + 5 + 3));
        assert_eq!(english_number_letters(2016.0), None);
        assert_eq!(
            spelled_number_letters(
                "56% of children aged 5 to 14 were working.",
                "56% من الأطفال الذين تتراوح أعمارهم بين الخامسة والرابعة عشرة كانوا يعملون."
            ),
            (4 - 1) + (8 - 2),
            "56 is written with digits on both sides"
        );
        assert_eq!(spelled_number_letters("No digits here.", "لا أرقام"), 0);
        assert_eq!(
            currency_letters("It costs £760 or $900.", "760 جنيه إسترليني أو 900 دولار"),
            14 + 7
        );
        assert_eq!(currency_letters("It costs $900.", "يكلف $900."), 0);
        assert_eq!(
            number_word_letters("Some thirty-nine stories and one more.", "نحو 39 قصة"),
            10 - 2
        );
        assert_eq!(english_number_value("forty"), Some(40));
        assert_eq!(english_number_value("twenty-zero"), None);
    }

    #[test]
    fn a_spread_from_few_residuals_leans_on_the_prior() {
        // Twenty residuals: between the measured 0.1 and the prior 0.2.
        let few = shrink_scale(0.1, 20, 0.2);
        assert!(few > 0.13 && few < 0.19, "{few}");
        // More residuals, less pull; from SCALE_PRIOR_UNTIL on, none.
        assert!(shrink_scale(0.1, 60, 0.2) < few);
        assert!((shrink_scale(0.1, 100, 0.2) - 0.1).abs() < 1e-12);
        assert!((shrink_scale(0.1, 250, 0.2) - 0.1).abs() < 1e-12);
        // No residual on that side: the prior.
        assert!((shrink_scale(0.0, 0, 0.2) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn few_beads_use_the_prior() {
        let samples = vec![(SourceFeatures::of("جملة قصيرة جدا هنا."), 30)];
        let m = LengthModel::fit(&samples, &settings());
        assert!(!m.fitted);
        assert_eq!(m.coefficients, PRIOR_COEFFICIENTS);
    }

    #[test]
    fn a_latin_script_pair_is_not_all_names() {
        // French→English, too short to fit: the prior must still see letters as letters.
        let mut b = crate::bitext::Bitext::new(
            crate::lang::Lang::parse("fr").unwrap(),
            crate::lang::Lang::parse("en").unwrap(),
        );
        let rows = [
            (
                "Le ministre a déclaré que les troupes resteraient dans le pays.",
                "The minister said that the troops would stay in the country.",
            ),
            (
                "La réunion a eu lieu mardi matin à Bagdad.",
                "The meeting took place on Tuesday morning in Baghdad.",
            ),
        ];
        for (i, (s, t)) in rows.iter().enumerate() {
            b.source
                .push(crate::bitext::Sentence::new(Side::Source, i, 0, *s));
            b.target
                .push(crate::bitext::Sentence::new(Side::Target, i, 0, *t));
            b.beads
                .push(crate::bitext::Bead::new(i, vec![i], vec![i], 1.0));
        }
        let flags = crate::quality::check(&b, &Default::default());
        assert!(
            !flags
                .iter()
                .any(|f| ["omission", "addition", "length-ratio"].contains(&f.code.as_str())),
            "{flags:?}"
        );
    }

    #[test]
    fn describes_the_residual_for_a_translator() {
        let r = LengthResidual {
            predicted: 100.0,
            actual: 59,
            credited: 0,
            z: -3.12,
            features: SourceFeatures::default(),
        };
        assert_eq!(
            r.describe(),
            "target 41 % shorter than predicted (59 letters for 100; z = -3.1)"
        );
    }
}
