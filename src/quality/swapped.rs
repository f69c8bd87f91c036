//! `swapped`: two neighbouring 1-1 beads whose translations were exchanged (a bitext imported
//! line by line, a TMX from a CAT tool, a shifted line).
//!
//! For neighbouring beads A→X and B→Y the straight assignment is compared with the crossed
//! one (A→Y, B→X) on evidence that needs no meaning: the length model's residuals (each
//! assignment costs z²/2, the negative log-likelihood of a normal residual, capped), numbers
//! and Latin-script names the source has and the target lacks (or the reverse), names of the
//! target that sound like a word of the source (`ستارلين` ~ `Starlin`, see
//! `quality/transliteration.rs`: Arabic has no capitals, so any word may be a name; a
//! Latin-script source offers its capitalised words), question and
//! quote marks, brackets and colons, the number of commas, and, when the source sentences carry
//! a machine translation (`mt`), the chrF of that MT against each target, and, when the bitext
//! has enough 1-1 beads (`lexicon_min_pairs`), how much of each source's words a lexicon
//! learned from the bitext itself finds translated in each target (see `quality/lexical.rs`:
//! IBM Model 1 on the 1-1 beads, the two beads judged left out). The lexical gains of the two
//! sources are pooled (each gets half of their sum): one sentence's words are a noisy witness.
//! The corrupted beads are part of the lexicon's training data, as in any real bitext. Each source's
//! preference (own target − other target, weighted) must favour crossing, since a swap moves
//! both translations; the two preferences added must reach `min_score`. A bead is named by one
//! flag at most (the best pair first); the flag names both beads' sentences and lists them in
//! its `beads` field.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::align::chrf::{ChrfParams, chrf};
use crate::bitext::Severity;
use crate::bitext::{Bead, Flag, Side};
use crate::lang::Script;
use crate::quality::Ctx;
use crate::quality::length::{
    ACRONYM_CREDIT, LengthModel, LengthResidual, SourceFeatures, acronym_letters_of, acronyms,
};
use crate::quality::lexical::{BeadLexicon, BitextLexicon};
use crate::quality::names::latin_tokens;
use crate::quality::numbers::numbers;
use crate::quality::settings::Swapped;
use crate::quality::text::{excerpt, is_letter_or_digit};
use crate::quality::transliteration::{HeardNames, SoundMemo, capitalised_word_iter};
use crate::quality::{Analysis, Check, CheckInfo, Code, Family, info};
use crate::segment::normalize::is_digit;

/// What one side of a 1-1 bead brings to the comparison.
#[derive(Debug, Clone)]
struct Summary<'a> {
    text: &'a str,
    /// Source side: length features; target side: unused.
    features: SourceFeatures,
    letters: usize,
    /// Target side: its acronyms (see [`crate::quality::length::acronym_letters`]), found
    /// once for the four pairings it is weighed in.
    acronyms: Vec<&'a str>,
    /// The number mentions (each as the values it may stand for).
    mentions: Vec<Vec<String>>,
    /// Every value of every mention.
    values: BTreeSet<String>,
    /// Latin-script names and acronyms (source side only).
    names: Vec<String>,
    /// Words that may be names, as sounds (Arabic: every stem; Latin script: capitalised
    /// words; other scripts: none), found on first use: most pairs are decided without them
    /// (see [`within_reach`]).
    heard: OnceCell<HeardNames>,
    hearing: Hearing,
    /// At least as many as the names `heard` finds: a Latin-script text's capitalised words
    /// (`usize::MAX` for an Arabic source, whose every stem counts).
    most_heard: usize,
    question: bool,
    quoted: bool,
    /// Commas (Arabic and Latin).
    commas: i32,
    /// Has brackets; has a colon.
    bracketed: bool,
    colon: bool,
    /// Source side: the machine translation, if any.
    mt: Option<&'a str>,
    /// Its words as ids of the bitext's lexicon (source keys or target words, distinct,
    /// sorted); empty when the bitext has no lexicon.
    ids: &'a [u32],
}

/// Where the names of a side are heard (see [`HeardNames`]).
#[derive(Debug, Clone, Copy)]
enum Hearing {
    /// Every stem of an Arabic source.
    ArabicStems,
    /// The capitalised words of a Latin-script text.
    LatinCapitals,
    /// Nowhere (other scripts, and an Arabic target).
    Nowhere,
}

/// What one pass over a text counts.
#[derive(Default)]
struct Scan {
    letters: usize,
    digits: bool,
    latin: bool,
    quoted: bool,
    commas: i32,
    bracketed: bool,
    colon: bool,
}

impl Scan {
    /// One pass over the characters (the check runs on every bead, so no repeated searches).
    fn of(text: &str) -> Scan {
        let mut scan = Scan::default();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                scan.letters += 1;
                scan.digits |= c.is_ascii_digit();
                scan.latin |= c.is_ascii_alphabetic();
                continue;
            }
            if !c.is_ascii() && is_letter_or_digit(c) {
                scan.letters += 1;
                scan.digits |= is_digit(c);
                scan.latin |= c.is_ascii_alphabetic();
                continue;
            }
            match c {
                ',' | '،' => scan.commas += 1,
                '(' | '[' => scan.bracketed = true,
                ':' => scan.colon = true,
                c if QUOTES.contains(&c) => scan.quoted = true,
                _ => {}
            }
        }
        scan
    }
}

impl<'a> Summary<'a> {
    /// One side of a 1-1 bead; `features`: the source's length features when the length
    /// analysis measured them already.
    fn of(
        ctx: &Ctx<'a>,
        text: &'a str,
        mt: Option<&'a str>,
        side: Side,
        features: Option<SourceFeatures>,
    ) -> Summary<'a> {
        let scan = Scan::of(text);
        // Most sentences have no digit: skip the number reader's folding for them.
        let mentions: Vec<Vec<String>> = if scan.digits {
            numbers(text).into_iter().map(|n| n.values).collect()
        } else {
            Vec::new()
        };
        let values = mentions.iter().flatten().cloned().collect();
        let source = side == Side::Source;
        let features = match (source, features) {
            (false, _) => SourceFeatures::default(),
            (true, Some(measured)) => measured,
            (true, None) => SourceFeatures::of_lang(text, &ctx.bitext.header.source_lang),
        };
        // Latin names only stand out in a source of another script.
        let names =
            if source && scan.latin && ctx.bitext.header.source_lang.script() != Script::Latin {
                latin_tokens(text, 2)
            } else {
                Vec::new()
            };
        let hearing = match (source, side_script(ctx, side)) {
            (true, Script::Arabic) => Hearing::ArabicStems,
            (_, Script::Latin) => Hearing::LatinCapitals,
            _ => Hearing::Nowhere,
        };
        Summary {
            text,
            features,
            letters: scan.letters,
            // `acronyms` passes over a text without two capitals in a row at once.
            acronyms: if side == Side::Target {
                acronyms(text)
            } else {
                Vec::new()
            },
            mentions,
            values,
            names,
            heard: OnceCell::new(),
            hearing,
            most_heard: match hearing {
                Hearing::ArabicStems => usize::MAX,
                Hearing::LatinCapitals => capitalised_word_iter(text).count(),
                Hearing::Nowhere => 0,
            },
            question: text
                .trim_end()
                .trim_end_matches(QUOTES)
                .ends_with(['?', '؟']),
            quoted: scan.quoted,
            commas: scan.commas,
            bracketed: scan.bracketed,
            colon: scan.colon,
            mt,
            ids: &[],
        }
    }

    /// The words that may be names, as sounds (found on first use, the words `sounds` met
    /// before taken from it).
    fn heard(&self, sounds: &mut SoundMemo<'a>) -> &HeardNames {
        self.heard.get_or_init(|| match self.hearing {
            Hearing::ArabicStems => HeardNames::of_arabic_with(self.text, sounds),
            Hearing::LatinCapitals => HeardNames::of_latin_with(self.text, sounds),
            Hearing::Nowhere => HeardNames::default(),
        })
    }
}

/// The script of one side's language.
fn side_script(ctx: &Ctx, side: Side) -> Script {
    let header = &ctx.bitext.header;
    match side {
        Side::Source => header.source_lang.script(),
        Side::Target => header.target_lang.script(),
    }
}

/// Quote marks of either language (straight, curly, guillemets).
const QUOTES: [char; 6] = ['"', '“', '”', '«', '»', '„'];

/// How much better one source is explained by the other bead's target than by its own; every
/// field is own cost − other cost, so positive favours crossing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SwapEvidence {
    /// Length: the z²/2 of the length residual.
    pub length: f64,
    /// Numbers of one side with no equal on the other side.
    pub numbers: i32,
    /// Latin-script names of the source the target lacks.
    pub names: i32,
    /// Names of the target that sound like a word of the source (crossed − straight: an
    /// Arabic name heard in the other target).
    pub heard: i32,
    /// A question translated by a non-question or the reverse.
    pub questions: i32,
    /// Quote marks on one side only.
    pub quotes: i32,
    /// Brackets or a colon on one side only.
    pub marks: i32,
    /// Difference in the number of commas (at most 3).
    pub commas: i32,
    /// chrF (0–100) of the source's machine translation against the target (crossed −
    /// straight); `None` when the sources carry no MT.
    pub mt: Option<f64>,
    /// Lexical coverage (0–1) of the source by the target under the bitext's own lexicon
    /// (crossed − straight); `None` when the bitext is too small for a lexicon or the source
    /// has no word with translations.
    pub lexical: Option<f64>,
}

impl SwapEvidence {
    /// The combined score with the settings' weights.
    pub fn score(&self, s: &Swapped) -> f64 {
        self.length.min(s.max_length_evidence / 2.0)
            + s.number_weight * f64::from(self.numbers)
            + s.name_weight * f64::from(self.names)
            + s.heard_weight * f64::from(self.heard)
            + s.question_weight * f64::from(self.questions)
            + s.quote_weight * f64::from(self.quotes)
            + s.mark_weight * f64::from(self.marks)
            + s.comma_weight * f64::from(self.commas)
            + self.mt.map_or(0.0, |d| s.mt_weight * d / 10.0)
            + self.lexical.map_or(0.0, |d| s.lexical_weight * d)
    }

    /// What favoured the crossed assignment, for the flag's evidence.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.length.abs() >= 0.5 {
            parts.push(format!("length {:+.1}", self.length));
        }
        for (what, n) in [
            ("numbers", self.numbers),
            ("names", self.names),
            ("names heard", self.heard),
            ("question marks", self.questions),
            ("quote marks", self.quotes),
            ("brackets/colons", self.marks),
            ("commas", self.commas),
        ] {
            if n != 0 {
                parts.push(format!("{what} {n:+}"));
            }
        }
        if let Some(d) = self.mt {
            parts.push(format!("MT chrF {d:+.1}"));
        }
        if let Some(d) = self.lexical.filter(|d| d.abs() >= 0.05) {
            parts.push(format!("lexicon {d:+.2}"));
        }
        parts.join(", ")
    }
}

/// Length cost of translating `source` by `target`: z²/2 under the model, with the target
/// credited for acronyms the source writes out.
fn length_cost(model: &LengthModel, source: &Summary, target: &Summary) -> f64 {
    let credited = ACRONYM_CREDIT * acronym_letters_of(&target.acronyms, source.text);
    let z = model
        .residual(&source.features, target.letters + credited)
        .z;
    z * z / 2.0
}

/// Number mentions of either side with no value in common with the other side.
fn number_misses(source: &Summary, target: &Summary) -> i32 {
    let (in_source, in_target) = (&source.values, &target.values);
    let missing = |from: &Summary, other: &BTreeSet<String>| {
        from.mentions
            .iter()
            .filter(|m| !m.iter().any(|v| other.contains(v)))
            .count()
    };
    (missing(source, in_target) + missing(target, in_source)) as i32
}

/// Whether `token` occurs in `text` as a word, ignoring case.
fn occurs_as_word(token: &str, text: &str) -> bool {
    let token = token.to_lowercase();
    let text = text.to_lowercase();
    text.match_indices(&token).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + token.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric())
            && after.is_none_or(|c| !c.is_alphanumeric() || c == 's')
    })
}

/// Latin names of the source missing from the target.
fn name_misses(source: &Summary, target: &Summary) -> i32 {
    source
        .names
        .iter()
        .filter(|n| !occurs_as_word(n, target.text))
        .count() as i32
}

/// Names of `target` that sound like a word of `source`.
fn heard_names<'a>(source: &Summary<'a>, target: &Summary<'a>, sounds: &mut SoundMemo<'a>) -> i32 {
    let source = source.heard(sounds);
    HeardNames::shared(source, target.heard(sounds)) as i32
}

/// How much more of source `a`'s words the lexicon finds translated in `other` than in `own`.
fn lexical_gain(lexical: Lexical, a: &Summary, own: &Summary, other: &Summary) -> Option<f64> {
    let Lexical { lexicon, held_out } = lexical;
    let own = lexicon.coverage(a.ids, own.ids, &held_out)?;
    let other = lexicon.coverage(a.ids, other.ids, &held_out)?;
    Some(other - own)
}

/// The bitext's lexicon with the two beads of the pair under judgement left out.
#[derive(Clone, Copy)]
struct Lexical<'l> {
    lexicon: &'l BitextLexicon,
    /// Positions of the two beads.
    held_out: [usize; 2],
}

/// The evidence that source `a` is better translated by `other` than by `own`, but for the
/// costly evidence ([`add_costly_evidence`]).
fn cheap_preference(
    model: &LengthModel,
    lexical: Option<Lexical>,
    a: &Summary,
    own: &Summary,
    other: &Summary,
) -> SwapEvidence {
    let gain = |f: &dyn Fn(&Summary, &Summary) -> i32| f(a, own) - f(a, other);
    SwapEvidence {
        length: length_cost(model, a, own) - length_cost(model, a, other),
        numbers: gain(&number_misses),
        names: gain(&name_misses),
        heard: 0,
        questions: gain(&|s, t| i32::from(s.question != t.question)),
        quotes: gain(&|s, t| i32::from(s.quoted != t.quoted)),
        marks: gain(&|s, t| i32::from(s.bracketed != t.bracketed) + i32::from(s.colon != t.colon)),
        commas: gain(&|s, t| (s.commas - t.commas).abs().min(3)),
        mt: None,
        lexical: lexical.and_then(|l| lexical_gain(l, a, own, other)),
    }
}

/// Adds to source `a`'s [`cheap_preference`] the evidence that costs most: the names heard
/// across scripts (every stem of the source is sounded out) and the chrF of its MT.
fn add_costly_evidence<'a>(
    e: &mut SwapEvidence,
    a: &Summary<'a>,
    own: &Summary<'a>,
    other: &Summary<'a>,
    sounds: &mut SoundMemo<'a>,
) {
    e.heard = heard_names(a, other, sounds) - heard_names(a, own, sounds);
    e.mt = a.mt.map(|mt| {
        let p = ChrfParams::default();
        chrf(mt, other.text, &p) - chrf(mt, own.text, &p)
    });
}

/// The most the costly evidence can add to source `a`'s score: the names heard in `other`
/// are at most its capitalised words, those heard in `own` at most its own, and a chrF
/// difference is at most 100 points.
fn costly_bound(settings: &Swapped, a: &Summary, own: &Summary, other: &Summary) -> f64 {
    let heard = (settings.heard_weight * other.most_heard as f64)
        .max(-settings.heard_weight * own.most_heard as f64);
    let mt = if a.mt.is_some() {
        settings.mt_weight.abs() * 10.0
    } else {
        0.0
    };
    heard + mt
}

/// The evidence of each source of `a` (source A, target X) and `b` (source B, target Y) for
/// the crossed assignment; `None` when the cheap evidence already rules a swap out (see
/// [`within_reach`]; with `settings` `None`, never). `sounds`: the words sounded out so far.
fn evidence<'a>(
    model: &LengthModel,
    lexical: Option<Lexical>,
    settings: Option<&Swapped>,
    (a, x): (&Summary<'a>, &Summary<'a>),
    (b, y): (&Summary<'a>, &Summary<'a>),
    sounds: &mut SoundMemo<'a>,
) -> Option<[SwapEvidence; 2]> {
    let mut e = [
        cheap_preference(model, lexical, a, x, y),
        cheap_preference(model, lexical, b, y, x),
    ];
    if let Some(settings) = settings {
        let bounds = [
            costly_bound(settings, a, x, y),
            costly_bound(settings, b, y, x),
        ];
        if !within_reach(&e, bounds, settings) {
            return None;
        }
    }
    add_costly_evidence(&mut e[0], a, x, y, sounds);
    add_costly_evidence(&mut e[1], b, y, x, sounds);
    Some(e)
}

/// Each source's score with the lexical evidence pooled: each gets half of the two sources'
/// lexical gains (one sentence's few words are a noisy witness; the pair's are less so).
fn pooled_scores(evidence: &[SwapEvidence; 2], settings: &Swapped) -> [f64; 2] {
    let lexical = |e: &SwapEvidence| e.lexical.map_or(0.0, |d| settings.lexical_weight * d);
    let pooled = (lexical(&evidence[0]) + lexical(&evidence[1])) / 2.0;
    evidence.map(|e| e.score(settings) - lexical(&e) + pooled)
}

/// The pair's score: the two sources' evidence added, or `None` when one source prefers its own
/// target (a swap moves both translations, so both sources must fit better crossed; one bad
/// bead next to a good one is an omission or an addition, not a swap).
fn pair_score(evidence: &[SwapEvidence; 2], settings: &Swapped) -> Option<f64> {
    let [a, b] = pooled_scores(evidence, settings);
    (a > 0.0 && b > 0.0).then_some(a + b)
}

/// Whether a pair whose costly evidence is not in yet could still be flagged: with each
/// source's `bounds` (see [`costly_bound`]) added, and a margin for rounding, it passes
/// [`pair_score`] and `min_score`. Most neighbours fail here, so their stems are never
/// sounded out.
fn within_reach(cheap: &[SwapEvidence; 2], bounds: [f64; 2], settings: &Swapped) -> bool {
    const ROUNDING: f64 = 1e-6;
    let [a, b] = pooled_scores(cheap, settings);
    let (a, b) = (a + bounds[0] + ROUNDING, b + bounds[1] + ROUNDING);
    a > 0.0 && b > 0.0 && a + b >= settings.min_score
}

/// The two sources' evidence added up (for the flag's evidence string).
fn total(evidence: &[SwapEvidence; 2]) -> SwapEvidence {
    let [a, b] = evidence;
    SwapEvidence {
        length: a.length + b.length,
        numbers: a.numbers + b.numbers,
        names: a.names + b.names,
        heard: a.heard + b.heard,
        questions: a.questions + b.questions,
        quotes: a.quotes + b.quotes,
        marks: a.marks + b.marks,
        commas: a.commas + b.commas,
        mt: a.mt.zip(b.mt).map(|(p, q)| p + q),
        lexical: match (a.lexical, b.lexical) {
            (None, None) => None,
            (p, q) => Some(p.unwrap_or(0.0) + q.unwrap_or(0.0)),
        },
    }
}

/// A 1-1 bead with both sides summarised.
struct OneToOne<'a> {
    source: Summary<'a>,
    target: Summary<'a>,
}

/// Bead `at` summarised when it is 1-1 with letters on both sides, its word ids pointed at the
/// bitext's lexicon's encoding when there is one.
fn one_to_one<'a>(
    ctx: &'a Ctx<'a>,
    at: usize,
    lexicon: Option<&'a BeadLexicon>,
    residuals: &[Option<LengthResidual>],
) -> Option<OneToOne<'a>> {
    let bitext = ctx.bitext;
    let bead = &bitext.beads[at];
    let (&[s], &[t]) = (bead.source.as_slice(), bead.target.as_slice()) else {
        return None;
    };
    let (source, target) = (bitext.source.get(s)?, bitext.target.get(t)?);
    // A 1-1 bead's text is its one sentence's, so the length analysis measured the same text.
    let features = residuals.get(at).copied().flatten().map(|r| r.features);
    let mut source = Summary::of(
        ctx,
        &source.text,
        source.mt.as_deref(),
        Side::Source,
        features,
    );
    let mut target = Summary::of(ctx, &target.text, None, Side::Target, None);
    if source.letters == 0 || target.letters == 0 {
        return None;
    }
    if let Some(Some(encoded)) = lexicon.and_then(|l| l.encoded.get(at)) {
        source.ids = &encoded.source;
        target.ids = &encoded.target;
    }
    Some(OneToOne { source, target })
}

/// Beads summarised per chunk: a summary holds every stem of its sentence, so the whole
/// bitext's at once would hold gigabytes on a big one.
const CHUNK: usize = 2048;

/// Runs `swapped` with the length model the other length checks use and its residuals.
pub(crate) fn run(
    ctx: &Ctx,
    model: &LengthModel,
    residuals: &[Option<LengthResidual>],
    flags: &mut Vec<Flag>,
) {
    let Some(severity) = ctx.settings.severity_of(Code::Swapped) else {
        return;
    };
    let settings = &ctx.settings.swapped;
    // The bitext's lexicon, unless the lexical evidence is turned off.
    let shared = (settings.lexical_weight != 0.0)
        .then(|| ctx.bead_lexicon())
        .flatten();
    let lexicon = shared.map(|l| &l.lexicon);
    let n = ctx.bitext.beads.len();
    // Every neighbouring pair that crossing clearly improves, best first; a bead is named in
    // one flag at most. Each chunk summarises its beads and the next chunk's first (pairs
    // cross chunk ends), scores its pairs, and lets the summaries go.
    let mut candidates: Vec<(f64, usize, SwapEvidence)> = (0..n.saturating_sub(1))
        .step_by(CHUNK)
        .collect::<Vec<usize>>()
        .into_par_iter()
        .flat_map_iter(|start| {
            let end = (start + CHUNK).min(n - 1);
            let beads: Vec<Option<OneToOne>> = (start..=end)
                .map(|at| one_to_one(ctx, at, shared, residuals))
                .collect();
            let mut sounds = SoundMemo::default();
            (start..end)
                .filter_map(|k| {
                    let (a, b) = (beads[k - start].as_ref()?, beads[k + 1 - start].as_ref()?);
                    if a.target.text == b.target.text || a.source.text == b.source.text {
                        return None;
                    }
                    let e = evidence(
                        model,
                        lexicon.map(|lexicon| Lexical {
                            lexicon,
                            held_out: [k, k + 1],
                        }),
                        Some(settings),
                        (&a.source, &a.target),
                        (&b.source, &b.target),
                        &mut sounds,
                    )?;
                    let score = pair_score(&e, settings)?;
                    (score >= settings.min_score).then_some((score, k, total(&e)))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    candidates.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
    let mut used = vec![false; n];
    let beads = &ctx.bitext.beads;
    for (score, k, e) in candidates {
        if used[k] || used[k + 1] {
            continue;
        }
        used[k] = true;
        used[k + 1] = true;
        let (a, b) = (&beads[k], &beads[k + 1]);
        let text = |bead: &Bead| ctx.bead_text(bead, Side::Target);
        let mut flag = ctx.bead_flag(
            Code::Swapped,
            severity,
            a,
            format!(
                "the translations of beads {} and {} fit each other's source better than their own: they were probably exchanged",
                a.id, b.id
            ),
            format!(
                "crossed better by {score:.1} ({}): «{}» ↔ «{}»",
                e.describe(),
                excerpt(text(a), 40),
                excerpt(text(b), 40)
            ),
        );
        flag.source.extend(&b.source);
        flag.target.extend(&b.target);
        flag.extra
            .insert("beads".into(), serde_json::json!([a.id, b.id]));
        flags.push(flag);
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::Swapped,
    Severity::Warning,
    Family::Alignment,
    "two neighbouring 1-1 beads fit better with their translations exchanged (length, numbers, Latin names, names heard across scripts, question/quote marks, brackets, commas; a lexicon learned from the bitext when it has 200+ beads; MT chrF when sources carry MT)",
)];

/// The `swapped` check.
pub(crate) struct SwappedCheck;

impl Check for SwappedCheck {
    fn info(&self) -> &'static [CheckInfo] {
        INFO
    }

    fn needs(&self) -> &'static [Analysis] {
        &[Analysis::Length, Analysis::BeadLexicon]
    }

    fn run(&self, ctx: &Ctx) -> Vec<Flag> {
        let mut flags = Vec::new();
        let (model, residuals) = ctx.length();
        run(ctx, model, residuals, &mut flags);
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::pairs;
    use crate::quality::{CheckSettings, check};

    fn swapped_flags(b: &crate::bitext::Bitext) -> Vec<Flag> {
        check(b, &CheckSettings::default())
            .into_iter()
            .filter(|f| f.code == "swapped")
            .collect()
    }

    /// The bitext's only `swapped` flag, whose evidence must name `evidence`.
    fn the_one_flag(b: &crate::bitext::Bitext, evidence: &str) -> Flag {
        let flags = swapped_flags(b);
        assert_eq!(flags.len(), 1, "{flags:?}");
        let flag = flags.into_iter().next().unwrap();
        assert!(flag.evidence.contains(evidence), "{}", flag.evidence);
        flag
    }

    const CLEAN: [(&str, &str); 4] = [
        (
            "قال الوزير إن القوات الأمريكية ستبقى في العراق بدعوة من الحكومة.",
            "The minister said US forces would stay in Iraq at the government's invitation.",
        ),
        (
            "وأضاف أن التعاون مستمر.",
            "He added that the cooperation continues.",
        ),
        (
            "نشرت الولايات المتحدة نحو 2500 جندي في العراق في إطار التحالف الدولي ضد تنظيم الدولة الإسلامية.",
            "The United States has about 2,500 troops in Iraq as part of the international coalition against the Islamic State group.",
        ),
        ("هل سيبقون؟", "Will they stay?"),
    ];

    #[test]
    fn exchanged_translations_are_one_flag_naming_both_pairs() {
        let mut rows = CLEAN.to_vec();
        // Beads 1 and 2 get each other's English.
        let (t1, t2) = (rows[1].1, rows[2].1);
        rows[1].1 = t2;
        rows[2].1 = t1;
        let b = pairs(&rows);
        let flag = the_one_flag(&b, "numbers");
        assert_eq!(flag.source, [1, 2]);
        assert_eq!(flag.target, [1, 2]);
    }

    #[test]
    fn a_faithful_bitext_has_no_swapped_flag() {
        assert!(swapped_flags(&pairs(&CLEAN)).is_empty());
    }

    #[test]
    fn machine_translation_decides_between_lookalike_pairs() {
        // Two sentences of the same length with no numbers or names: only the MT tells.
        let rows = [
            (
                "وصل الوزير إلى المدينة صباح اليوم.",
                "The talks ended without an agreement.",
            ),
            (
                "انتهت المحادثات دون اتفاق.",
                "The minister arrived in the city this morning.",
            ),
        ];
        let mut b = pairs(&rows);
        assert!(swapped_flags(&b).is_empty(), "no evidence without MT");
        b.source[0].mt = Some("The minister arrived in the city this morning.".into());
        b.source[1].mt = Some("The talks ended without agreement.".into());
        the_one_flag(&b, "MT chrF");
    }

    #[test]
    fn names_heard_across_scripts_reveal_a_swap() {
        // No digits, Latin letters or marks: the Arabic names sound like the other target's.
        let rows = [
            (
                "تولى ستارلين رسم العدد التالي وبدأ قصة تركز على ثانوس.",
                "Concurrently, he contributed stories to the anthology Star Reach.",
            ),
            (
                "في ذات الوقت قدم مجموعة من القصص إلى مجلة ستار ريتش.",
                "Starlin took over as plotter the following issue and began a story centred on Thanos.",
            ),
        ];
        the_one_flag(&pairs(&rows), "names heard +");
    }

    /// A bitext of `n` four-word sentences over a small word-for-word vocabulary (enough beads
    /// for the lexicon), no numbers, names or marks: only the words tell two sentences apart.
    fn word_for_word(n: usize) -> Vec<(String, String)> {
        const VOCABULARY: [(&str, &str); 16] = [
            ("سيارة", "car"),
            ("شجرة", "tree"),
            ("نهر", "river"),
            ("جبل", "mountain"),
            ("مدرسة", "school"),
            ("سوق", "market"),
            ("طبيب", "doctor"),
            ("جندي", "soldier"),
            ("مطر", "rain"),
            ("قمح", "wheat"),
            ("ميناء", "harbour"),
            ("قطار", "train"),
            ("كتاب", "book"),
            ("صحيفة", "newspaper"),
            ("مصنع", "factory"),
            ("جسر", "bridge"),
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        (0..n)
            .map(|_| {
                let words: Vec<usize> = (0..4).map(|_| rng.usize(..VOCABULARY.len())).collect();
                let source: Vec<&str> = words.iter().map(|&w| VOCABULARY[w].0).collect();
                let target: Vec<&str> = words.iter().map(|&w| VOCABULARY[w].1).collect();
                (
                    format!("{}.", source.join(" ")),
                    format!("{}.", target.join(" ")),
                )
            })
            .collect()
    }

    #[test]
    fn the_bitexts_own_lexicon_finds_a_swap_that_nothing_else_shows() {
        let mut rows = word_for_word(300);
        // Two neighbours with no word in common and targets of the same length.
        let k = (100..290)
            .find(|&k| {
                let (x, y) = (&rows[k].1, &rows[k + 1].1);
                x.len() == y.len()
                    && x.split(' ').all(|w| {
                        !y.trim_end_matches('.')
                            .split(' ')
                            .any(|v| w.trim_end_matches('.') == v)
                    })
            })
            .expect("such a pair");
        let (x, y) = (rows[k].1.clone(), rows[k + 1].1.clone());
        rows[k].1 = y;
        rows[k + 1].1 = x;
        let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let b = pairs(&refs);
        let flag = the_one_flag(&b, "lexicon");
        assert_eq!(flag.source, [k, k + 1]);
        // Without the lexicon (or with too few beads for one) nothing shows the swap.
        let mut settings = CheckSettings::default();
        settings.swapped.lexical_weight = 0.0;
        assert!(!check(&b, &settings).iter().any(|f| f.code == "swapped"));
        settings.swapped.lexical_weight = CheckSettings::default().swapped.lexical_weight;
        settings.swapped.lexicon_min_pairs = 1000;
        assert!(!check(&b, &settings).iter().any(|f| f.code == "swapped"));
    }

    #[test]
    fn swaps_across_the_edge_of_a_chunk_are_found() {
        // Every sentence carries its own number, so a swap shows in the numbers alone.
        let mut rows: Vec<(String, String)> = word_for_word(2 * CHUNK + 40)
            .into_iter()
            .enumerate()
            .map(|(i, (s, t))| (format!("{s} {}", 1000 + i), format!("{t} {}", 1000 + i)))
            .collect();
        // The last pair of the first chunk and the first pair of the third.
        for k in [CHUNK - 1, 2 * CHUNK] {
            let (x, y) = (rows[k].1.clone(), rows[k + 1].1.clone());
            rows[k].1 = y;
            rows[k + 1].1 = x;
        }
        let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let sources: Vec<Vec<usize>> = swapped_flags(&pairs(&refs))
            .into_iter()
            .map(|f| f.source)
            .collect();
        assert_eq!(
            sources,
            [vec![CHUNK - 1, CHUNK], vec![2 * CHUNK, 2 * CHUNK + 1]]
        );
    }

    proptest::proptest! {
        /// Whatever the text, a pair and its crossed version are never both swaps (each
        /// source's preference changes sign), and no bead is named by two flags.
        #[test]
        fn crossing_back_is_never_a_swap_and_beads_are_flagged_once(
            rows in proptest::collection::vec(
                ("[ا-ي 0-9،؟«»()A-Z]{1,60}", "[a-zA-Z 0-9,?\"()]{1,60}"),
                2..7,
            )
        ) {
            let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let b = pairs(&refs);
            let settings = CheckSettings::default();
            let ctx = Ctx::new(&b, &settings);
            let model = LengthModel::prior(&settings.length_ratio);
            let beads: Vec<_> = (0..b.beads.len()).map(|at| one_to_one(&ctx, at, None, &[])).collect();
            for k in 0..beads.len() - 1 {
                let (Some(a), Some(c)) = (&beads[k], &beads[k + 1]) else { continue };
                let mut sounds = SoundMemo::default();
                let straight = evidence(&model, None, None, (&a.source, &a.target), (&c.source, &c.target), &mut sounds).unwrap();
                let crossed = evidence(&model, None, None, (&a.source, &c.target), (&c.source, &a.target), &mut sounds).unwrap();
                proptest::prop_assert!(
                    pair_score(&straight, &settings.swapped).is_none()
                        || pair_score(&crossed, &settings.swapped).is_none()
                );
                // The cheap evidence never rules out a pair the whole evidence flags.
                for (p, q) in [((a, a), (c, c)), ((a, c), (c, a))] {
                    let (p, q) = ((&p.0.source, &p.1.target), (&q.0.source, &q.1.target));
                    let whole = evidence(&model, None, None, p, q, &mut sounds).unwrap();
                    if pair_score(&whole, &settings.swapped).is_some_and(|s| s >= settings.swapped.min_score) {
                        proptest::prop_assert!(evidence(&model, None, Some(&settings.swapped), p, q, &mut sounds).is_some());
                    }
                }
            }
            let mut named = std::collections::BTreeSet::new();
            for f in swapped_flags(&b) {
                for id in f.target {
                    proptest::prop_assert!(named.insert(id), "bead named twice");
                }
            }
        }
    }

    #[test]
    fn evidence_parts_count_what_they_say() {
        let ctx_bitext = pairs(&[("أ", "a")]);
        let settings = CheckSettings::default();
        let ctx = Ctx::new(&ctx_bitext, &settings);
        let s = |t| Summary::of(&ctx, t, None, Side::Source, None);
        let t = |t| Summary::of(&ctx, t, None, Side::Target, None);
        let (a, x) = (s("وصل 2500 جندي."), t("2,500 troops arrived."));
        let (q, y) = (s("هل وصل بايدن (Biden)؟"), t("Did Biden arrive?"));
        assert_eq!(number_misses(&a, &x), 0);
        assert_eq!(number_misses(&a, &y), 1);
        assert_eq!(name_misses(&q, &y), 0);
        assert_eq!(name_misses(&q, &x), 1);
        let e = evidence(
            &LengthModel::prior(&settings.length_ratio),
            None,
            None,
            (&a, &x),
            (&q, &y),
            &mut SoundMemo::default(),
        )
        .unwrap();
        let sum = total(&e);
        assert_eq!((sum.numbers, sum.names, sum.questions), (-2, -1, -2));
        assert_eq!(pair_score(&e, &settings.swapped), None);
        // Crossed, the same beads are a swap.
        let e = evidence(
            &LengthModel::prior(&settings.length_ratio),
            None,
            None,
            (&a, &y),
            (&q, &x),
            &mut SoundMemo::default(),
        )
        .unwrap();
        assert!(pair_score(&e, &settings.swapped).is_some_and(|s| s > 4.0));
    }
}
