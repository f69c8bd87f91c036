//! Quality checks: a registry of checks that flag what a human must look at, with evidence.
//!
//! [`check`] runs every enabled rule check on a bitext and returns its flags in a deterministic
//! order; [`risk`] combines a bead's flags into one score the reports sort by; [`registry`] lists
//! the checks (stable code, default severity, family, one-line doc). The service-backed signals
//! (round trip, cross-provider agreement, LLM judge) live in [`services`]: they need a
//! translator or a judge and are run by the caller when enabled in [`CheckSettings`].
//!
//! Families, one file each: source-side garble detectors ([`source_fragments`], [`punctuation`]),
//! pair checks ([`length`], [`coverage`], [`numbers`], [`script`], [`repetition`], [`names`], [`alignment`],
//! [`swapped`]),
//! target-side fragments ([`target_fragments`]).

pub mod alignment;
pub mod coverage;
pub mod length;
pub(crate) mod lexical;
pub mod names;
pub mod numbers;
pub mod punctuation;
pub mod repetition;
pub mod script;
pub mod seams;
pub mod services;
pub mod settings;
pub mod source_fragments;
pub mod swapped;
pub mod target_fragments;
pub mod text;
pub mod transliteration;

use std::collections::BTreeMap;

use crate::bitext::{Bead, Bitext, Flag, Severity, Side};

pub use settings::CheckSettings;

/// One entry of the check registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable kebab-case code, used in flags and in `[checks.<code>]` of config.toml.
    pub code: &'static str,
    /// Severity of its flags unless the configuration overrides it.
    pub severity: Severity,
    /// Family (the file it lives in): `source`, `pair`, `alignment`, `target`, `service`.
    pub family: &'static str,
    /// What it catches, in one line.
    pub doc: &'static str,
}

const fn info(
    code: &'static str,
    severity: Severity,
    family: &'static str,
    doc: &'static str,
) -> CheckInfo {
    CheckInfo {
        code,
        severity,
        family,
        doc,
    }
}

static REGISTRY: &[CheckInfo] = &[
    info(
        "fragment",
        Severity::Warning,
        "source",
        "source sentence that cannot stand alone: verbless short phrase, opens with a relative pronoun or an unanchored pronoun, ends mid-clause, continues the phrase the previous sentence ends on, or is joined to it in a single target sentence",
    ),
    info(
        "suspicious-break",
        Severity::Warning,
        "source",
        "a sentence boundary followed by a fragment: the two source sentences are one garbled passage",
    ),
    info(
        "lost-quotation",
        Severity::Warning,
        "source",
        "first-person speech (أنا/نحن…) outside quote marks next to a speech verb: the quote marks were lost",
    ),
    info(
        "verb-agreement",
        Severity::Warning,
        "source",
        "a masculine verb opens the sentence before a feminine plural subject (حزن الولايات المتحدة): a word-for-word machine translation, check the meaning",
    ),
    info(
        "unbalanced-brackets",
        Severity::Warning,
        "source",
        "a bracket or quote mark opened and never closed (or closed and never opened) in the paragraph",
    ),
    info(
        "mt-typography",
        Severity::Info,
        "source",
        "spaces before punctuation (` ،` ` .`): the source is probably itself machine output",
    ),
    info(
        "length-ratio",
        Severity::Warning,
        "pair",
        "target much longer or shorter than its source predicts (robust z-score against a length model fitted on the bitext), on a bead omission/addition did not flag",
    ),
    info(
        "number-mismatch",
        Severity::Warning,
        "pair",
        "a number of the source is missing from the target, or the target has a number the source lacks (digit sets, separators and decimals normalised)",
    ),
    info(
        "untranslated",
        Severity::Error,
        "pair",
        "target identical to the source, or source-script (e.g. Arabic) letters left in the target",
    ),
    info(
        "repetition",
        Severity::Warning,
        "pair",
        "the target repeats the same words over and over (oscillating machine output)",
    ),
    info(
        "name-missing",
        Severity::Warning,
        "pair",
        "a Latin-script name or acronym of the source does not appear in the target",
    ),
    info(
        "question-mismatch",
        Severity::Warning,
        "pair",
        "the source is a question (؟ ?) and the target is not, or the reverse",
    ),
    info(
        "quote-mismatch",
        Severity::Info,
        "pair",
        "the source quotes someone and the target has no quote marks, or the reverse",
    ),
    info(
        "truncated",
        Severity::Warning,
        "pair",
        "the target stops mid-sentence (no final punctuation, or ends on a function word) while the source is complete",
    ),
    info(
        "html-entity",
        Severity::Warning,
        "pair",
        "a leftover HTML entity (&amp; &#39; &quot;) in the target",
    ),
    info(
        "empty-translation",
        Severity::Error,
        "pair",
        "the source sentence has text but its translation is empty",
    ),
    info(
        "omission",
        Severity::Warning,
        "alignment",
        "a source sentence with no target sentence (1-0 bead), or a translation that lacks part of its source (shorter than predicted, lost clauses, numbers and names, seams where words were cut, the bitext's own lexicon, MT words)",
    ),
    info(
        "addition",
        Severity::Warning,
        "alignment",
        "a target sentence with no source sentence (0-1 bead), or a translation that says more than its source (longer than predicted, extra clauses, numbers, words the MT lacks)",
    ),
    info(
        "complex-bead",
        Severity::Warning,
        "alignment",
        "several source sentences aligned to several target sentences (n-m with n, m ≥ 2; 1-n and n-1 beads only as info): segmentation differs",
    ),
    info(
        "low-bead-score",
        Severity::Warning,
        "alignment",
        "the aligner has little confidence in this bead",
    ),
    info(
        "swapped",
        Severity::Warning,
        "alignment",
        "two neighbouring 1-1 beads fit better with their translations exchanged (length, numbers, Latin names, names heard across scripts, question/quote marks, brackets, commas; a lexicon learned from the bitext when it has 200+ beads; MT chrF when sources carry MT)",
    ),
    info(
        "target-fragment",
        Severity::Warning,
        "target",
        "target sentence that cannot stand alone: short and verbless, or opens with Which/Who/Whose and is not a question",
    ),
    info(
        "round-trip",
        Severity::Warning,
        "service",
        "translating the target back gives text far from the source (chrF, document-relative); opt-in, costs service calls",
    ),
    info(
        "provider-disagreement",
        Severity::Warning,
        "service",
        "a second provider translates the source very differently (chrF, document-relative): often a garbled source; opt-in",
    ),
    info(
        "llm-judge",
        Severity::Warning,
        "service",
        "an LLM judge found MQM error spans (category, severity, span validated against the text); opt-in",
    ),
    info(
        "not-checked",
        Severity::Info,
        "service",
        "a service-backed signal could not run (service failed); the bead was not checked by it",
    ),
];

/// Every check tarjama knows, in a stable order.
pub fn registry() -> &'static [CheckInfo] {
    REGISTRY
}

/// The registry entry of a code.
pub fn lookup(code: &str) -> Option<&'static CheckInfo> {
    REGISTRY.iter().find(|c| c.code == code)
}

/// Codes of the rule checks [`check`] runs (those it owns: their old flags are replaced).
pub fn rule_codes() -> impl Iterator<Item = &'static str> {
    REGISTRY
        .iter()
        .filter(|c| c.family != "service")
        .map(|c| c.code)
}

/// Where a sentence sits: its bead and the other side's sentences of that bead.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    /// Bead id of each source sentence.
    pub source_bead: Vec<Option<usize>>,
    /// Bead id of each target sentence.
    pub target_bead: Vec<Option<usize>>,
}

impl Placement {
    fn of(bitext: &Bitext) -> Placement {
        let mut p = Placement {
            source_bead: vec![None; bitext.source.len()],
            target_bead: vec![None; bitext.target.len()],
        };
        for bead in &bitext.beads {
            for &s in &bead.source {
                if let Some(slot) = p.source_bead.get_mut(s) {
                    *slot = Some(bead.id);
                }
            }
            for &t in &bead.target {
                if let Some(slot) = p.target_bead.get_mut(t) {
                    *slot = Some(bead.id);
                }
            }
        }
        p
    }
}

/// What every check gets: the bitext, the settings and where each sentence sits.
pub(crate) struct Ctx<'a> {
    /// The bitext under check.
    pub bitext: &'a Bitext,
    /// The settings.
    pub settings: &'a CheckSettings,
    placement: Placement,
    /// Source and target text of every bead, joined once for all checks.
    bead_texts: Vec<(String, String)>,
    /// The bitext's own word lexicon, learned on first use.
    lexicon: std::cell::OnceCell<Option<lexical::BeadLexicon>>,
}

impl<'a> Ctx<'a> {
    fn new(bitext: &'a Bitext, settings: &'a CheckSettings) -> Ctx<'a> {
        let bead_texts = bitext
            .beads
            .iter()
            .map(|b| {
                (
                    bitext.text_of(Side::Source, &b.source),
                    bitext.text_of(Side::Target, &b.target),
                )
            })
            .collect();
        Ctx {
            bitext,
            settings,
            placement: Placement::of(bitext),
            bead_texts,
            lexicon: std::cell::OnceCell::new(),
        }
    }

    /// The word lexicon learned from the bitext's 1-1 beads (IBM Model 1, see
    /// [`lexical`]), learned on first use and shared by the checks; `None` when the bitext has
    /// fewer 1-1 beads than `[checks.swapped] lexicon_min_pairs`.
    pub fn bead_lexicon(&self) -> Option<&lexical::BeadLexicon> {
        self.lexicon
            .get_or_init(|| {
                let has_letters = |t: &str| t.chars().any(char::is_alphanumeric);
                let beads: Vec<Option<(&str, &str)>> = self
                    .bitext
                    .beads
                    .iter()
                    .zip(&self.bead_texts)
                    .map(|(bead, (source, target))| {
                        (bead.source.len() == 1
                            && bead.target.len() == 1
                            && has_letters(source)
                            && has_letters(target))
                        .then_some((source.as_str(), target.as_str()))
                    })
                    .collect();
                let s = &self.settings.swapped;
                lexical::BeadLexicon::learn(
                    &beads,
                    &lexical::LexicalSettings {
                        min_pairs: s.lexicon_min_pairs,
                        max_pairs: s.lexicon_max_pairs,
                        source_prefix: s.lexicon_prefix,
                        min_count: s.lexicon_min_count,
                    },
                )
            })
            .as_ref()
    }

    /// The bead that holds source sentence `id`, if any.
    pub fn bead_of_source(&self, id: usize) -> Option<&'a Bead> {
        let bead = (*self.placement.source_bead.get(id)?)?;
        let beads = &self.bitext.beads;
        beads
            .get(bead)
            .filter(|b| b.id == bead)
            .or_else(|| beads.iter().find(|b| b.id == bead))
    }

    /// Whether the source side is Arabic (the source-side garble rules are Arabic rules).
    pub fn source_is_arabic(&self) -> bool {
        self.bitext.header.source_lang.primary() == "ar"
    }

    /// Whether the target side is English (the target-side rules are English rules).
    pub fn target_is_english(&self) -> bool {
        self.bitext.header.target_lang.primary() == "en"
    }

    /// A flag about source sentences: their bead and its target sentences are filled in.
    pub fn source_flag(
        &self,
        code: &str,
        severity: Severity,
        source: Vec<usize>,
        message: String,
        evidence: String,
    ) -> Flag {
        let bead = source
            .first()
            .and_then(|&s| self.placement.source_bead.get(s).copied().flatten());
        let target = bead
            .and_then(|b| self.bitext.beads.get(b))
            .map(|b| b.target.clone())
            .unwrap_or_default();
        make_flag(code, severity, source, target, bead, message, evidence)
    }

    /// A flag about target sentences: their bead and its source sentences are filled in.
    pub fn target_flag(
        &self,
        code: &str,
        severity: Severity,
        target: Vec<usize>,
        message: String,
        evidence: String,
    ) -> Flag {
        let bead = target
            .first()
            .and_then(|&t| self.placement.target_bead.get(t).copied().flatten());
        let source = bead
            .and_then(|b| self.bitext.beads.get(b))
            .map(|b| b.source.clone())
            .unwrap_or_default();
        make_flag(code, severity, source, target, bead, message, evidence)
    }

    /// A flag about a whole bead.
    pub fn bead_flag(
        &self,
        code: &str,
        severity: Severity,
        bead: &Bead,
        message: String,
        evidence: String,
    ) -> Flag {
        make_flag(
            code,
            severity,
            bead.source.clone(),
            bead.target.clone(),
            Some(bead.id),
            message,
            evidence,
        )
    }

    /// The text of a bead's side (sentences joined by a space).
    pub fn bead_text(&self, bead: &Bead, side: Side) -> &str {
        match self.bead_texts.get(bead.id) {
            Some((source, target)) => match side {
                Side::Source => source,
                Side::Target => target,
            },
            None => "",
        }
    }
}

/// Builds a flag.
pub(crate) fn make_flag(
    code: &str,
    severity: Severity,
    source: Vec<usize>,
    target: Vec<usize>,
    bead: Option<usize>,
    message: String,
    evidence: String,
) -> Flag {
    Flag {
        code: code.to_string(),
        severity,
        source,
        target,
        bead,
        message,
        evidence,
        extra: BTreeMap::new(),
    }
}

/// Runs every enabled rule check and returns the flags, sorted by bead, sentence and code.
pub fn check(bitext: &Bitext, settings: &CheckSettings) -> Vec<Flag> {
    let ctx = Ctx::new(bitext, settings);
    let mut flags = Vec::new();
    source_fragments::run(&ctx, &mut flags);
    punctuation::run(&ctx, &mut flags);
    let (model, residuals) = length::residuals(&ctx);
    let flagged = coverage::run(&ctx, &residuals, &mut flags);
    length::run(&ctx, &residuals, &flagged, &mut flags);
    numbers::run(&ctx, &mut flags);
    script::run(&ctx, &mut flags);
    repetition::run(&ctx, &mut flags);
    names::run(&ctx, &mut flags);
    alignment::run(&ctx, &mut flags);
    swapped::run(&ctx, &model, &mut flags);
    target_fragments::run(&ctx, &mut flags);
    sort_flags(&mut flags);
    flags
}

/// Sorts flags into the report order: by bead, first source id, first target id, then code.
pub fn sort_flags(flags: &mut [Flag]) {
    flags.sort_by(|a, b| {
        let key = |f: &Flag| {
            (
                f.bead.unwrap_or(usize::MAX),
                f.source.first().copied().unwrap_or(usize::MAX),
                f.target.first().copied().unwrap_or(usize::MAX),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.evidence.cmp(&b.evidence))
    });
}

/// Replaces the flags of the checks that were run: keeps flags of other codes (including
/// `translation-failed` from the translate stage), drops the old flags of `owned` codes, appends
/// `new` ones.
pub fn replace_flags(bitext: &mut Bitext, owned: &[&str], new: Vec<Flag>) {
    bitext.flags.retain(|f| !owned.contains(&f.code.as_str()));
    bitext.flags.extend(new);
}

/// A bead's risk in `0..1`: each flag concerning it is an independent chance that the bead is
/// wrong (info 0.05, warning 0.4, error 0.8), so more and worse flags mean more risk; a bead
/// without flags has risk 0.
pub fn risk(bitext: &Bitext, bead: &Bead) -> f64 {
    risk_of(bitext.flags_for_bead(bead))
}

/// [`risk`] from a bead's flags in file order (as [`crate::bitext::FlagIndex::for_bead`] gives
/// them), for reports over every bead that must not rescan the flags per bead.
pub fn risk_of<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> f64 {
    let clean = flags
        .into_iter()
        .map(|f| 1.0 - severity_weight(f.severity))
        .product::<f64>();
    1.0 - clean
}

fn severity_weight(severity: Severity) -> f64 {
    match severity {
        Severity::Info => 0.05,
        Severity::Warning => 0.4,
        Severity::Error => 0.8,
    }
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Small bitexts for the unit tests of every family.

    use crate::bitext::{Bead, Bitext, Sentence, Side};
    use crate::lang::Lang;

    /// An Arabic→English bitext of 1-1 beads, all in paragraph 0.
    pub fn pairs(pairs: &[(&str, &str)]) -> Bitext {
        let mut b = Bitext::new(Lang::parse("ar").unwrap(), Lang::parse("en").unwrap());
        for (i, (s, t)) in pairs.iter().enumerate() {
            b.source.push(Sentence::new(Side::Source, i, 0, *s));
            b.target.push(Sentence::new(Side::Target, i, 0, *t));
            b.beads.push(Bead::new(i, vec![i], vec![i], 1.0));
        }
        b
    }

    /// Codes of the flags of a bitext under default settings.
    pub fn codes(b: &Bitext) -> Vec<String> {
        super::check(b, &super::CheckSettings::default())
            .into_iter()
            .map(|f| f.code)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_codes_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for c in registry() {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(
                c.code
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.code
            );
            assert!(!c.doc.is_empty());
        }
    }

    #[test]
    fn risk_grows_with_flags_and_is_zero_without() {
        let mut b = testkit::pairs(&[("جملة.", "Sentence.")]);
        let bead = b.beads[0].clone();
        assert_eq!(risk(&b, &bead), 0.0);
        b.flags.push(make_flag(
            "x",
            Severity::Warning,
            vec![0],
            vec![0],
            Some(0),
            "m".into(),
            "e".into(),
        ));
        let one = risk(&b, &bead);
        b.flags.push(make_flag(
            "y",
            Severity::Error,
            vec![0],
            vec![0],
            Some(0),
            "m".into(),
            "e".into(),
        ));
        let two = risk(&b, &bead);
        assert!(0.0 < one && one < two && two < 1.0, "{one} {two}");
    }

    proptest::proptest! {
        /// Any text (Arabic, Latin, digits, punctuation, entities): no panic, flags point at
        /// real sentences and beads, the order is stable and risks stay in 0..1.
        #[test]
        fn checks_never_panic_and_flags_point_at_real_sentences(
            rows in proptest::collection::vec(
                ("[\\PC&;٠-٩ ،؟«»“”()]{0,40}", "[\\PC&;0-9 ,?\"()]{0,40}"),
                1..8,
            )
        ) {
            let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let b = testkit::pairs(&refs);
            let settings = CheckSettings::default();
            let flags = check(&b, &settings);
            proptest::prop_assert_eq!(&flags, &check(&b, &settings));
            for f in &flags {
                proptest::prop_assert!(f.source.iter().all(|&s| s < b.source.len()));
                proptest::prop_assert!(f.target.iter().all(|&t| t < b.target.len()));
                proptest::prop_assert!(f.bead.is_none_or(|id| id < b.beads.len()));
                proptest::prop_assert!(lookup(&f.code).is_some());
            }
            let mut with = b.clone();
            with.flags = flags;
            for bead in &with.beads {
                let r = risk(&with, bead);
                proptest::prop_assert!((0.0..1.0).contains(&r));
            }
        }
    }

    #[test]
    fn replace_keeps_foreign_and_failed_flags() {
        let mut b = testkit::pairs(&[("جملة.", "Sentence.")]);
        for code in ["translation-failed", "fragment", "reviewer-note"] {
            b.flags.push(make_flag(
                code,
                Severity::Warning,
                vec![0],
                vec![],
                None,
                String::new(),
                String::new(),
            ));
        }
        let owned: Vec<&str> = rule_codes().collect();
        replace_flags(&mut b, &owned, vec![]);
        let left: Vec<&str> = b.flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(left, ["translation-failed", "reviewer-note"]);
    }
}
