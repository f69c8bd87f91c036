//! Partial `omission` and `addition`: a bead whose translation lacks part of its source, or
//! says more than it. (Whole sentences left out or added, 1-0 and 0-1 beads, are flagged by
//! [`super::alignment`] under the same codes.)
//!
//! Each bead with both sides gets two scores, one per direction, that add up the evidence:
//!
//! - length: the robust z-score of the target's length against the [`super::length`] model
//!   (negative for omission, positive for addition);
//! - clause punctuation: a dropped clause takes its commas with it, an added one brings some. The
//!   difference (source marks − target marks) is compared with its median over the bitext and
//!   counts only when the length already leans the same way;
//! - numbers: a number of the source (100 or more, or with decimals) that the target lacks, or
//!   the reverse; also only when the length leans the same way;
//! - seams (English targets): English a cut leaves, such as two function words that cannot
//!   meet (`of of`, `the.`) or an opening no statement has (see [`super::seams`]); whenever the
//!   length does not lean long, since no untouched PUD target has one;
//! - names (Arabic sources): a name of the source (an Arabic word the bitext shows with an
//!   English form elsewhere, see [`super::transliteration`]) of which the target has no form;
//!   only when the length leans short;
//! - lexicon (omission only), when the bitext has enough 1-1 beads for one (see
//!   `quality/lexical.rs`: IBM Model 1 learned from the bitext's own beads, the bead judged left
//!   out): the share of the source's words the lexicon finds translated in the target minus
//!   the share of the target's words it finds in the source, as a robust z-score over the
//!   bitext. The difference, as for the MT below: a bead of rare words scores low both ways,
//!   a cut target only on the source side (on PUD dev beads this separates omissions from clean
//!   beads with an AUC of 0.875, against 0.733 for the source share alone). Only when the
//!   length leans short. For additions the same evidence cost more precision than it gained
//!   recall on PUD dev, so it is not used;
//! - machine translation, when every source sentence of the bead has one (`Sentence.mt`): the
//!   share of the MT's content words the target lacks minus the share of the target's content
//!   words the MT does not explain (positive: omission, negative: addition), as a robust z-score
//!   over the bitext. The difference, not either share alone, because a free human translation
//!   shares few words with an MT anyway (on Text+Berg de→fr with Google MT the median share
//!   missing is 0.6), but paraphrase takes words on both sides while an omission only on one.
//!   With MT, half the MT z-score is added to the length z-score.
//!
//! A score at or above `[checks.omission] min_score` (or `[checks.addition]`) flags the bead,
//! and the evidence string lists what was measured.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::bitext::{Bead, Flag, Side};
use crate::quality::Ctx;
use crate::quality::length::{LengthResidual, robust_center_scale};
use crate::quality::lexical::Coverage;
use crate::quality::numbers::numbers;
use crate::quality::transliteration::NameLexicon;
use crate::quality::{Analysis, Check, CheckInfo, Code};

/// Weight of one clause mark fewer in the target than usual (a dropped clause takes its commas).
const PUNCTUATION_WEIGHT_OMISSION: f64 = 0.8;
/// Weight of one clause mark more in the target than usual (weaker: English often has more
/// commas than the Arabic it translates, for appositions and inverted clauses).
const PUNCTUATION_WEIGHT_ADDITION: f64 = 0.5;
/// Most the clause-punctuation evidence may add.
const PUNCTUATION_CAP: f64 = 1.0;
/// Weight of one lost (or extra) number.
const NUMBER_WEIGHT: f64 = 0.5;
/// Most the number evidence may add.
const NUMBER_CAP: f64 = 1.0;
/// The structural evidence counts only when the length z leans the same way at least this much.
const LEAN: f64 = 1.0;
/// Weight of a seam in the target (words that cannot meet: something was cut between them).
/// No untouched PUD target has one, so a seam with a length that does not lean long is enough
/// (2.0 with no lean beat 1.5 with a lean of 0.5 on PUD dev: omission recall 0.887 → 0.890 at
/// the same precision).
const SEAM_WEIGHT: f64 = 2.0;
/// Seams count when the length z leans short at least this much.
const SEAM_LEAN: f64 = 0.0;
/// Weight of one source name the target lacks.
const NAME_WEIGHT: f64 = 0.5;
/// Most the name evidence may add.
const NAME_CAP: f64 = 1.0;
/// Weight of the lexical evidence: per unit of the imbalance's z-score below
/// [`LEXICAL_OFFSET`] (chosen on the PUD dev split: 0.3 with no offset, 1.0 with 1.0 traded more
/// precision for recall).
const LEXICAL_WEIGHT: f64 = 0.5;
/// The lexical imbalance counts only this far below the bitext's usual.
const LEXICAL_OFFSET: f64 = 0.5;
/// Most the lexical evidence may add.
const LEXICAL_CAP: f64 = 1.0;
/// The lexical evidence counts when the length z leans short at least this much.
const LEXICAL_LEAN: f64 = 0.5;
/// The lexical imbalance's spread never goes below this.
const LEXICAL_MIN_SCALE: f64 = 0.02;
/// Below this many beads with a lexical coverage there is no usual value to compare with.
const LEXICAL_MIN_BEADS: usize = 50;

/// Below this many beads with MT the MT imbalance is compared with the prior below.
const MT_MIN_BEADS: usize = 8;
/// Prior median and spread of (share missing − share unexplained) between a human translation
/// and an MT of the same sentence (Text+Berg de→fr, Google MT: median 0.0, spread 0.08; the
/// spread is doubled to stay conservative on other pairs).
const MT_PRIOR: (f64, f64) = (0.0, 0.15);
/// Weight of the MT z-score added to the length z-score (chosen on the Text+Berg dev document
/// with simulated omissions and additions: 0.5 added beat 1 and 0.3, added or averaged).
const MT_WEIGHT: f64 = 0.5;
/// The MT imbalance's spread never goes below this (one word in ten).
const MT_MIN_SCALE: f64 = 0.1;
/// MT or target passages with fewer content words than this give no MT evidence.
const MT_MIN_WORDS: usize = 3;

/// Clause punctuation: commas, semicolons and dashes (Latin and Arabic forms).
pub fn clause_marks(text: &str) -> usize {
    // On bytes (UTF-8 of ، is D8 8C, of ؛ D8 9B, of — E2 80 94, of – E2 80 93): this runs on
    // both sides of every bead, and decoding characters cost more than the rest of the check.
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| match b[i] {
            b',' | b';' => true,
            0x8C | 0x9B => i >= 1 && b[i - 1] == 0xD8,
            0x93 | 0x94 => i >= 2 && b[i - 1] == 0x80 && b[i - 2] == 0xE2,
            _ => false,
        })
        .count()
}

/// Numbers of `from` (100 or more, or with decimals: small ones are often words on the other
/// side) whose values `to` does not contain, as written in `from`.
pub fn lost_numbers(from: &str, to: &str) -> Vec<String> {
    // Most sentences have no digit at all: skip the parse.
    if !from.chars().any(crate::quality::text::is_numeric_char) {
        return Vec::new();
    }
    let have: BTreeSet<String> = numbers(to).into_iter().flat_map(|n| n.values).collect();
    let mut out: Vec<String> = numbers(from)
        .into_iter()
        .filter(|n| {
            let small = n.written.len() < 3 && n.written.chars().all(|c| c.is_ascii_digit());
            !small && !n.values.iter().any(|v| have.contains(v))
        })
        .map(|n| n.written)
        .collect();
    out.dedup();
    out
}

/// English words that carry little content (compared neither way).
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "that", "this", "these", "those", "was", "were", "are",
    "has", "have", "had", "been", "will", "would", "which", "who", "whom", "its", "his", "her",
    "their", "they", "she", "him", "them", "our", "into", "onto", "than", "then", "also", "but",
    "not", "all", "any", "there", "here", "when", "while", "where", "what", "such", "can", "could",
    "may", "might", "should", "did", "does", "about", "over", "under", "after", "before",
    "between", "during", "since", "said", "says", "one", "more", "most", "some",
];

/// Content words of an English text, as comparison keys: lower case, the first five letters
/// (a crude stem: `countries` and `country` meet), stopwords and words under three letters
/// left out; numbers kept whole.
pub fn content_keys(text: &str) -> Vec<String> {
    crate::quality::text::word_iter(text)
        .filter_map(|w| {
            let lower = w.to_lowercase();
            if lower
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
            {
                return Some(lower.replace(',', ""));
            }
            if lower.chars().count() < 3 || STOPWORDS.contains(&lower.as_str()) {
                return None;
            }
            Some(lower.chars().take(5).collect())
        })
        .collect()
}

/// What the MT of a bead's source and its target share.
#[derive(Debug, Clone, PartialEq)]
pub struct MtCoverage {
    /// Share of the MT's content words missing from the target.
    pub missing: f64,
    /// Share of the target's content words absent from the MT.
    pub unexplained: f64,
    /// Up to five MT words missing from the target (for the evidence).
    pub missing_words: Vec<String>,
    /// Up to five target words the MT does not have.
    pub unexplained_words: Vec<String>,
}

impl MtCoverage {
    /// Share missing − share unexplained: positive when the target lacks what the MT says,
    /// negative when it says what the MT lacks, near 0 for a paraphrase.
    pub fn imbalance(&self) -> f64 {
        self.missing - self.unexplained
    }
}

/// Compares a machine translation with the target; `None` when either has fewer than three
/// content words.
pub fn mt_coverage(mt: &str, target: &str) -> Option<MtCoverage> {
    let with_keys = |text: &str| -> Vec<(String, String)> {
        crate::quality::text::word_iter(text)
            .filter_map(|w| content_keys(w).pop().map(|k| (w.to_string(), k)))
            .collect()
    };
    let (m, t) = (with_keys(mt), with_keys(target));
    if m.len() < MT_MIN_WORDS || t.len() < MT_MIN_WORDS {
        return None;
    }
    let m_keys: BTreeSet<&str> = m.iter().map(|(_, k)| k.as_str()).collect();
    let t_keys: BTreeSet<&str> = t.iter().map(|(_, k)| k.as_str()).collect();
    let missing: Vec<&(String, String)> = m
        .iter()
        .filter(|(_, k)| !t_keys.contains(k.as_str()))
        .collect();
    let unexplained: Vec<&(String, String)> = t
        .iter()
        .filter(|(_, k)| !m_keys.contains(k.as_str()))
        .collect();
    let first = |v: &[&(String, String)]| v.iter().take(5).map(|(w, _)| w.clone()).collect();
    Some(MtCoverage {
        missing: missing.len() as f64 / m.len() as f64,
        unexplained: unexplained.len() as f64 / t.len() as f64,
        missing_words: first(&missing),
        unexplained_words: first(&unexplained),
    })
}

/// The MT of a bead's source sentences, when every one of them has one.
fn bead_mt(ctx: &Ctx, bead: &Bead) -> Option<String> {
    let parts: Option<Vec<&str>> = bead
        .source
        .iter()
        .map(|&s| ctx.bitext.source.get(s).and_then(|s| s.mt.as_deref()))
        .collect();
    parts.map(|p| p.join(" "))
}

/// Centre and spread of a per-bead statistic over the bitext (priors when too few values).
fn center_scale(values: &[f64], min: usize, prior: (f64, f64), min_scale: f64) -> (f64, f64) {
    if values.len() < min {
        prior
    } else {
        robust_center_scale(values, min_scale)
    }
}

/// Evidence gathered for one bead.
struct BeadEvidence<'a> {
    source: &'a str,
    target: &'a str,
    length: Option<LengthResidual>,
    /// (source − target clause marks − usual) / spread.
    punctuation: f64,
    source_marks: usize,
    target_marks: usize,
    /// The MT comparison and the z-score of its imbalance (positive: the target lacks words).
    mt: Option<(MtCoverage, f64)>,
    /// Whether the target is English (the seam rules are English rules).
    english_target: bool,
    /// The names the bitext shows in both scripts (empty unless the source is Arabic).
    names: &'a NameLexicon,
    /// The lexical coverage, the z-score of its imbalance (source share − target share) over
    /// the bitext, and the bitext's usual imbalance.
    lexical: Option<(Coverage, f64, f64)>,
}

/// What one piece of evidence adds to a score, and (when explaining) what it says.
type Part = (f64, Option<String>);

impl BeadEvidence<'_> {
    /// (score, evidence parts) for one direction (`omission` = true). The parts are written
    /// only when `explain` (formatting every bead's evidence cost more than all the checks),
    /// and the numbers are parsed only when they could lift the score to `min_score`.
    fn score(&self, omission: bool, explain: bool, min_score: f64) -> (f64, Vec<String>) {
        let sign = if omission { -1.0 } else { 1.0 };
        let z = self.length.map(|r| sign * r.z);
        let mut parts: Vec<String> = Vec::new();
        if let Some(r) = self.length.as_ref().filter(|_| explain) {
            parts.push(r.describe());
        }
        let mt = self.mt_part(omission, explain);
        if mt.is_none() && z.is_none() {
            return (f64::NEG_INFINITY, parts);
        }
        let mut score = z.unwrap_or(0.0);
        let mut take = |(add, says): Part, score: &mut f64| {
            *score += add;
            parts.extend(says);
        };
        if let Some(mt) = mt {
            take(mt, &mut score);
        }
        // A seam is rarer in a fluent translation than any other evidence here, so it needs
        // less of a lean.
        if omission && self.english_target && z.unwrap_or(0.0) >= SEAM_LEAN {
            take(self.seam_part(explain), &mut score);
        }
        if omission && z.unwrap_or(0.0) >= LEXICAL_LEAN {
            take(self.lexical_part(explain), &mut score);
        }
        // Structure only supports a length that already leans the same way.
        if z.unwrap_or(0.0) >= LEAN {
            take(self.punctuation_part(omission, explain), &mut score);
            if omission && score + NAME_CAP >= min_score {
                take(self.names_part(explain), &mut score);
            }
            // The number parse is the costliest evidence: only when it can make a difference.
            if score + NUMBER_CAP >= min_score {
                take(self.numbers_part(omission, explain), &mut score);
            }
        }
        (score, parts)
    }

    /// The MT imbalance: half its z-score. Measured on Text+Berg de→fr, a full-weight average
    /// with the length diluted a strong length signal whenever the MT evidence was weak (a
    /// free translation).
    fn mt_part(&self, omission: bool, explain: bool) -> Option<Part> {
        let (cov, z_imbalance) = self.mt.as_ref()?;
        let z_mt = if omission { *z_imbalance } else { -z_imbalance };
        let says = explain.then(|| {
            let (label, words) = if omission {
                ("missing", &cov.missing_words)
            } else {
                ("added", &cov.unexplained_words)
            };
            let words = if words.is_empty() {
                String::new()
            } else {
                format!("; {label}: {}", words.join(", "))
            };
            format!(
                "MT vs target: {:.0} % of the MT's words missing from the target, {:.0} % of the target's not in the MT (z = {z_mt:.1}){words}",
                100.0 * cov.missing,
                100.0 * cov.unexplained,
            )
        });
        Some((MT_WEIGHT * z_mt, says))
    }

    /// The lexicon finds less of the source in the target, for what it finds of the target in
    /// the source, than in the bitext's usual bead.
    fn lexical_part(&self, explain: bool) -> Part {
        let Some((coverage, z, usual)) = self.lexical else {
            return (0.0, None);
        };
        let add = (LEXICAL_WEIGHT * (-z - LEXICAL_OFFSET).max(0.0)).min(LEXICAL_CAP);
        let says = (add > 0.0 && explain).then(|| {
            format!(
                "bitext lexicon: {:.2} of the source's words found in the target, {:.2} of the target's in the source, a difference of {:+.2} where the bitext's usual is {usual:+.2} (z = {z:.1})",
                coverage.source,
                coverage.target,
                coverage.source - coverage.target
            )
        });
        (add, says)
    }

    /// Clause marks fewer (omission) or more (addition) in the target than usual.
    fn punctuation_part(&self, omission: bool, explain: bool) -> Part {
        let (excess, weight) = if omission {
            (self.punctuation, PUNCTUATION_WEIGHT_OMISSION)
        } else {
            (-self.punctuation, PUNCTUATION_WEIGHT_ADDITION)
        };
        let add = (weight * excess.max(0.0)).min(PUNCTUATION_CAP);
        let says = (add > 0.0 && explain).then(|| {
            format!(
                "clause punctuation: source {}, target {}",
                self.source_marks, self.target_marks
            )
        });
        (add, says)
    }

    /// Seams in the target: words that cannot meet, where something seems cut out.
    fn seam_part(&self, explain: bool) -> Part {
        let seams = crate::quality::seams::seams(self.target);
        let unpaired = crate::quality::seams::unpaired_marks(self.source, self.target);
        if seams.is_empty() && unpaired.is_empty() {
            return (0.0, None);
        }
        let says = explain.then(|| {
            let mut says = Vec::new();
            if !seams.is_empty() {
                says.push(format!(
                    "the target reads as if words were cut out: «{}»",
                    seams.join("», «")
                ));
            }
            if !unpaired.is_empty() {
                let marks: Vec<String> = unpaired.iter().map(|c| format!("{c}")).collect();
                says.push(format!(
                    "the target has {} without its partner, the source has its pairs whole",
                    marks.join(" ")
                ));
            }
            says.join("; ")
        });
        (SEAM_WEIGHT, says)
    }

    /// Names of the source the target lacks.
    fn names_part(&self, explain: bool) -> Part {
        let lost = self.names.lost(self.source, self.target);
        if lost.is_empty() {
            return (0.0, None);
        }
        let add = (NAME_WEIGHT * lost.len() as f64).min(NAME_CAP);
        let says = explain.then(|| {
            let names: Vec<String> = lost
                .iter()
                .map(|l| format!("«{}» ({}?)", l.arabic, l.english))
                .collect();
            format!(
                "source name {} has no counterpart in the target",
                names.join(", ")
            )
        });
        (add, says)
    }

    /// Numbers of the source the target lacks (omission), or the reverse (addition).
    fn numbers_part(&self, omission: bool, explain: bool) -> Part {
        let (from, to, side, fate) = if omission {
            (
                self.source,
                self.target,
                "source",
                "missing from the target",
            )
        } else {
            (self.target, self.source, "target", "not in the source")
        };
        let numbers = lost_numbers(from, to);
        if numbers.is_empty() {
            return (0.0, None);
        }
        let add = (NUMBER_WEIGHT * numbers.len() as f64).min(NUMBER_CAP);
        let says = explain.then(|| format!("{side} number {} {fate}", numbers.join(", ")));
        (add, says)
    }
}

/// Each bead's lexical coverage (see [`crate::quality::lexical::BeadLexicon`]) with the z-score
/// of its imbalance (source share − target share) over the bitext and the usual imbalance; all
/// `None` when the bitext has no lexicon or too few beads it can judge.
fn lexical_scores(ctx: &Ctx, both: &[usize]) -> Vec<Option<(Coverage, f64, f64)>> {
    let Some(lexicon) = ctx.bead_lexicon() else {
        return vec![None; both.len()];
    };
    let coverage: Vec<Option<Coverage>> =
        both.par_iter().map(|&k| lexicon.own_coverage(k)).collect();
    let imbalances: Vec<f64> = coverage
        .iter()
        .flatten()
        .map(|c| c.source - c.target)
        .collect();
    if imbalances.len() < LEXICAL_MIN_BEADS {
        return vec![None; both.len()];
    }
    let (center, scale) = robust_center_scale(&imbalances, LEXICAL_MIN_SCALE);
    coverage
        .into_iter()
        .map(|c| c.map(|c| (c, (c.source - c.target - center) / scale, center)))
        .collect()
}

/// What the coverage scores found: the `omission`/`addition` flags, and which beads (by
/// index) got one (`length-ratio` stays silent on those).
#[derive(Debug, Clone, Default)]
pub(crate) struct CoverageOutcome {
    /// The flags, in bead order.
    pub flags: Vec<Flag>,
    /// Whether each bead got one of them.
    pub flagged: Vec<bool>,
}

/// Scores every bead for `omission` and `addition` ([`crate::quality::Analysis::Coverage`]).
pub(crate) fn analyse(ctx: &Ctx) -> CoverageOutcome {
    let mut flags = Vec::new();
    let flagged = run(ctx, &ctx.length().1, &mut flags);
    CoverageOutcome { flags, flagged }
}

/// Runs the partial `omission` and `addition` checks; returns which beads (by index) got one
/// of these flags.
fn run(ctx: &Ctx, residuals: &[Option<LengthResidual>], flags: &mut Vec<Flag>) -> Vec<bool> {
    let beads = &ctx.bitext.beads;
    let mut flagged = vec![false; beads.len()];
    let omission = ctx.settings.severity_of(Code::Omission);
    let addition = ctx.settings.severity_of(Code::Addition);
    if omission.is_none() && addition.is_none() {
        return flagged;
    }
    let both: Vec<usize> = (0..beads.len())
        .filter(|&k| !beads[k].source.is_empty() && !beads[k].target.is_empty())
        .collect();
    let marks: Vec<(usize, usize)> = both
        .par_iter()
        .map(|&k| {
            (
                clause_marks(ctx.bead_text(&beads[k], Side::Source)),
                clause_marks(ctx.bead_text(&beads[k], Side::Target)),
            )
        })
        .collect();
    let differences: Vec<f64> = marks.iter().map(|&(s, t)| s as f64 - t as f64).collect();
    let (usual_difference, difference_scale) = robust_center_scale(&differences, 1.0);
    let coverage: Vec<Option<MtCoverage>> = both
        .par_iter()
        .map(|&k| {
            bead_mt(ctx, &beads[k])
                .and_then(|mt| mt_coverage(&mt, ctx.bead_text(&beads[k], Side::Target)))
        })
        .collect();
    let imbalances: Vec<f64> = coverage
        .iter()
        .flatten()
        .map(MtCoverage::imbalance)
        .collect();
    // Learnt up front from the whole bitext (a lazy build, first asked from inside the
    // parallel scoring below, would block the other cores), only for an Arabic source's
    // omissions.
    let names = if ctx.source_is_arabic() && omission.is_some() {
        let pairs: Vec<(&str, &str)> = both
            .iter()
            .map(|&k| {
                (
                    ctx.bead_text(&beads[k], Side::Source),
                    ctx.bead_text(&beads[k], Side::Target),
                )
            })
            .collect();
        NameLexicon::build(&pairs)
    } else {
        NameLexicon::default()
    };
    let mt_stats = center_scale(&imbalances, MT_MIN_BEADS, MT_PRIOR, MT_MIN_SCALE);
    let lexical = if omission.is_some() {
        lexical_scores(ctx, &both)
    } else {
        vec![None; both.len()]
    };
    // Each bead is scored on its own (the bitext-wide statistics are fixed above): spread
    // over the cores, collected in bead order.
    let per_bead: Vec<(usize, Vec<Flag>)> = both
        .par_iter()
        .enumerate()
        .map(|(j, &k)| {
            let bead = &beads[k];
            let mut found = Vec::new();
            // `المادة الرابعة والعشرون` = `Article 24`: a heading's length predicts nothing.
            if crate::quality::structure::heading_bead(ctx.bitext, bead) {
                return (k, found);
            }
            let (source_marks, target_marks) = marks[j];
            let source = ctx.bead_text(bead, Side::Source);
            let target = ctx.bead_text(bead, Side::Target);
            let evidence = BeadEvidence {
                length: residuals.get(k).copied().flatten(),
                punctuation: (differences[j] - usual_difference) / difference_scale,
                source_marks,
                target_marks,
                source,
                target,
                english_target: ctx.target_is_english(),
                names: &names,
                lexical: lexical[j],
                mt: coverage[j].clone().map(|c| {
                    let z = (c.imbalance() - mt_stats.0) / mt_stats.1;
                    (c, z)
                }),
            };
            for (is_omission, severity, min_score) in [
                (true, omission, ctx.settings.omission.min_score),
                (false, addition, ctx.settings.addition.min_score),
            ] {
                let Some(severity) = severity else {
                    continue;
                };
                let (score, _) = evidence.score(is_omission, false, min_score);
                if score < min_score {
                    continue;
                }
                let (_, parts) = evidence.score(is_omission, true, min_score);
                let (code, message) = if is_omission {
                    (
                        Code::Omission,
                        "the translation seems to lack part of its source: check that nothing was left out",
                    )
                } else {
                    (
                        Code::Addition,
                        "the translation seems to say more than its source: check that nothing was added",
                    )
                };
                let evidence = format!("score {score:.1} ≥ {min_score:.1}: {}", parts.join("; "));
                found.push(ctx.bead_flag(code, severity, bead, message.into(), evidence));
            }
            (k, found)
        })
        .collect();
    for (k, found) in per_bead {
        flagged[k] |= !found.is_empty();
        flags.extend(found);
    }
    flagged
}

/// The `omission` and `addition` flags of the coverage scores (the alignment's 1-0 and 0-1
/// beads are [`crate::quality::alignment`]'s).
pub(crate) struct CoverageCheck;

impl Check for CoverageCheck {
    fn info(&self) -> &'static [CheckInfo] {
        &crate::quality::alignment::INFO[..2]
    }

    fn needs(&self) -> &'static [Analysis] {
        &[Analysis::Coverage]
    }

    fn run(&self, ctx: &Ctx) -> Vec<Flag> {
        ctx.coverage().flags.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::Bitext;
    use crate::quality::testkit::pairs;

    /// Ordinary Arabic→English pairs, repeated into a bitext of 31 beads.
    const NORMAL: &[(&str, &str)] = &[
        (
            "أعرب وزير الدفاع الأمريكي عن رغبته في تعزيز وتوسيع الشراكة بين البلدين.",
            "The US defence secretary expressed his wish to strengthen and broaden the partnership between the two countries.",
        ),
        (
            "قال الوزير إن القوات الأمريكية ستبقى في البلاد بدعوة من الحكومة العراقية.",
            "The minister said American forces would stay in the country at the invitation of the Iraqi government.",
        ),
        (
            "الحد الأقصى المسموح به للشخص الواحد هو 5000 دولار.",
            "The maximum allowed per person is 5,000 dollars.",
        ),
        (
            "وقالت الشرطة إن الحادث وقع في ساعة متأخرة من مساء أمس قرب الحدود.",
            "Police said the incident happened late yesterday evening near the border.",
        ),
        (
            "أعلنت الحكومة عن خطة جديدة لبناء المدارس في المناطق الريفية خلال العام المقبل.",
            "The government announced a new plan to build schools in rural areas over the next year.",
        ),
        (
            "وصل الرئيس إلى العاصمة صباح يوم الثلاثاء في زيارة رسمية تستمر ثلاثة أيام.",
            "The president arrived in the capital on Tuesday morning for a three-day official visit.",
        ),
    ];

    fn bitext_with(extra: (&str, &str)) -> Bitext {
        let mut rows: Vec<(&str, &str)> = Vec::new();
        for _ in 0..5 {
            rows.extend_from_slice(NORMAL);
        }
        rows.push(extra);
        pairs(&rows)
    }

    /// Flags of one code, with the prior length model (a bitext of repeated rows would give a
    /// fitted model no spread to speak of).
    fn flags_of(b: &Bitext, code: &str) -> Vec<Flag> {
        let mut settings = crate::quality::CheckSettings::default();
        settings.length_ratio.min_beads = usize::MAX;
        crate::quality::check(b, &settings)
            .into_iter()
            .filter(|f| f.code == code)
            .collect()
    }

    #[test]
    fn counts_clause_punctuation_of_both_scripts() {
        assert_eq!(clause_marks("قال، في بيان؛ إن — x, y; z"), 5);
        assert_eq!(clause_marks("No clause marks here."), 0);
    }

    #[test]
    fn lost_numbers_ignore_small_ones_and_other_spellings() {
        assert_eq!(
            lost_numbers("نشر 2500 جندي في 1999 و3 طائرات.", "2,500 soldiers."),
            ["1999"]
        );
        assert!(lost_numbers("٢٠٠٣", "in 2003").is_empty());
        assert!(lost_numbers("5 جنود", "five soldiers").is_empty());
    }

    #[test]
    fn content_keys_skip_stopwords_and_stem_crudely() {
        assert_eq!(
            content_keys("The countries and their 1,500 soldiers"),
            ["count", "1500", "soldi"]
        );
    }

    #[test]
    fn mt_coverage_finds_missing_and_unexplained_words() {
        let c = mt_coverage(
            "The minister said American forces would remain in Iraq at the government's invitation.",
            "The minister said American forces would remain.",
        )
        .unwrap();
        assert!(c.missing > 0.4, "{c:?}");
        assert_eq!(c.unexplained, 0.0);
        assert!(c.missing_words.contains(&"Iraq".to_string()), "{c:?}");
        let c = mt_coverage(
            "The minister spoke.",
            "The minister spoke about Iraq and Syria.",
        );
        assert!(c.is_none(), "too few MT words to judge");
    }

    #[test]
    fn flags_a_translation_that_lost_a_clause_with_evidence() {
        let b = bitext_with((
            "قال الوزير, الذي وصل إلى بغداد صباح الثلاثاء في زيارة مفاجئة, إن القوات ستبقى في العراق 1999 يوما.",
            "The minister said the forces would stay.",
        ));
        let f = flags_of(&b, "omission");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].bead, Some(30));
        assert!(
            f[0].evidence.contains("shorter than predicted"),
            "{}",
            f[0].evidence
        );
        assert!(
            f[0].evidence.contains("source number 1999"),
            "{}",
            f[0].evidence
        );
        assert!(
            f[0].evidence
                .contains("clause punctuation: source 2, target 0"),
            "{}",
            f[0].evidence
        );
        assert!(flags_of(&b, "addition").is_empty());
        assert!(
            flags_of(&b, "length-ratio").is_empty(),
            "reported once, as omission"
        );
    }

    #[test]
    fn flags_a_translation_with_an_added_clause() {
        let b = bitext_with((
            "وصل الرئيس إلى العاصمة صباح يوم الثلاثاء.",
            "The president arrived in the capital on Tuesday morning, and he was greeted by thousands of supporters waving flags in 2019.",
        ));
        let f = flags_of(&b, "addition");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].evidence.contains("longer than predicted"),
            "{}",
            f[0].evidence
        );
        assert!(
            f[0].evidence.contains("target number 2019"),
            "{}",
            f[0].evidence
        );
        assert!(flags_of(&b, "omission").is_empty());
    }

    #[test]
    fn ordinary_pairs_and_acronyms_are_not_flagged() {
        let b = bitext_with((
            "لكن قد يكون الأمر أن الخطوط الجوية البريطانية ومجموعة الخطوط الجوية الدولية قررتا تقديم شيءٍ يمكن الاعتماد عليه.",
            "But it may be that BA and IAG have decided to offer something reliable.",
        ));
        assert!(flags_of(&b, "omission").is_empty());
        assert!(flags_of(&b, "addition").is_empty());
    }

    #[test]
    fn machine_translation_shows_what_length_alone_misses() {
        // A third of the sentence dropped: within the length model's spread for a sentence this
        // short, but the MT says what is missing.
        let source = "قال الوزير إن القوات الأمريكية ستبقى في البلاد بدعوة من الحكومة العراقية.";
        let mut b = bitext_with((
            source,
            "The minister said American forces would stay in the country.",
        ));
        for s in &mut b.source {
            s.mt = Some(match s.id % 6 {
                0 => "The US defense minister expressed his desire to strengthen and expand the partnership between the two countries.".into(),
                2 => "The maximum allowed for one person is 5000 dollars.".into(),
                3 => "The police said the accident occurred late last night near the border.".into(),
                4 => "The government announced a new plan to build schools in the countryside during the next year.".into(),
                5 => "The president arrived in the capital on Tuesday morning on an official visit lasting three days.".into(),
                _ => "The minister said that American forces will stay in the country at the invitation of the Iraqi government.".into(),
            });
        }
        b.source[30].mt = b.source[1].mt.clone();
        let om = flags_of(&b, "omission");
        assert_eq!(om.len(), 1, "{om:?}");
        assert_eq!(om[0].bead, Some(30));
        let evidence = &om[0].evidence;
        assert!(evidence.contains("MT vs target"), "{evidence}");
        assert!(
            evidence.contains("missing: invitation, Iraqi, government"),
            "{evidence}"
        );
        assert!(flags_of(&b, "addition").is_empty());
        // A paraphrase that takes words on both sides is no omission.
        let mut paraphrase = b.clone();
        paraphrase.target[30].text = "The minister stated that US troops would remain in Iraq as the government in Baghdad had asked them to.".into();
        assert!(flags_of(&paraphrase, "omission").is_empty());
        assert!(flags_of(&paraphrase, "addition").is_empty());
        // Without the MT, the length alone is not enough.
        for s in &mut b.source {
            s.mt = None;
        }
        assert!(flags_of(&b, "omission").is_empty());
    }
}
