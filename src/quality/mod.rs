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

/// Declares a family's check that needs no shared analysis: a unit struct whose codes are the
/// family's `INFO` table and whose run collects what the family's `run(ctx, &mut flags)` pushes.
macro_rules! family_check {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl crate::quality::Check for $name {
            fn info(&self) -> &'static [crate::quality::CheckInfo] {
                INFO
            }

            fn run(&self, ctx: &crate::quality::Ctx) -> Vec<crate::bitext::Flag> {
                let mut flags = Vec::new();
                run(ctx, &mut flags);
                flags
            }
        }
    };
}

pub mod alignment;
pub mod code;
pub mod coverage;
pub mod length;
pub(crate) mod lexical;
pub(crate) mod lexicon;
pub mod names;
pub mod numbers;
pub mod punctuation;
pub mod repetition;
pub mod script;
pub mod seams;
pub mod services;
pub mod settings;
pub mod source_fragments;
pub mod structure;
pub mod swapped;
pub mod target_fragments;
pub mod text;
pub mod transliteration;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::bitext::{Bead, Bitext, Flag, Severity, Side};

pub use code::Code;
pub use settings::CheckSettings;

/// One entry of the check registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable code, written kebab-case in flags and in `[checks.<code>]` of config.toml.
    pub code: Code,
    /// Severity of its flags unless the configuration overrides it.
    pub severity: Severity,
    /// Family (the file it lives in).
    pub family: Family,
    /// What it catches, in one line.
    pub doc: &'static str,
}

/// Builds a registry entry (the families' `INFO` tables use it).
pub(crate) const fn info(
    code: Code,
    severity: Severity,
    family: Family,
    doc: &'static str,
) -> CheckInfo {
    CheckInfo {
        code,
        severity,
        family,
        doc,
    }
}

/// What a check looks at, as shown by `tarjama check --list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The source text alone (garbled Arabic).
    Source,
    /// One bead's source and target.
    Pair,
    /// The alignment of the beads.
    Alignment,
    /// The target text alone.
    Target,
    /// A service-backed signal (run by the caller).
    Service,
}

impl Family {
    /// The family's name (`source`, `pair`, `alignment`, `target`, `service`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Source => "source",
            Family::Pair => "pair",
            Family::Alignment => "alignment",
            Family::Target => "target",
            Family::Service => "service",
        }
    }
}

impl std::fmt::Display for Family {
    /// The name; width and alignment are honoured.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A shared analysis of the bitext that several checks use; [`Ctx`] computes each once, before
/// the checks that declare it run, so a bitext whose enabled checks do not need it never pays
/// for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Analysis {
    /// The length model fitted on the bitext and every bead's residual ([`Ctx::length`]).
    Length,
    /// The omission/addition scores of every bead ([`Ctx::coverage`]).
    Coverage,
    /// The word lexicon learned from the bitext's 1-1 beads ([`Ctx::bead_lexicon`]).
    BeadLexicon,
}

impl Analysis {
    /// The analyses this one reads (the coverage scores weigh the length residuals and the
    /// bitext lexicon).
    fn uses(self) -> &'static [Analysis] {
        match self {
            Analysis::Coverage => &[Analysis::Length, Analysis::BeadLexicon],
            Analysis::Length | Analysis::BeadLexicon => &[],
        }
    }
}

/// A rule check: the codes it raises and how to run it on a bitext.
pub(crate) trait Check: Sync {
    /// The codes it raises, each with its default severity, family and one-line doc. Two
    /// checks may raise the same code (`omission` comes from the alignment and from the
    /// coverage scores); they then share one entry.
    fn info(&self) -> &'static [CheckInfo];

    /// The shared analyses it reads (the data flow between checks, held true by a test):
    /// [`check`] computes them before the checks run side by side, which then only read them.
    fn needs(&self) -> &'static [Analysis] {
        &[]
    }

    /// Its flags on the bitext of `ctx` (none for a code the settings turn off).
    fn run(&self, ctx: &Ctx) -> Vec<Flag>;
}

/// The rule checks in the order [`check`] runs them.
static CHECKS: &[&dyn Check] = &[
    &source_fragments::SourceFragmentsCheck,
    &punctuation::PunctuationCheck,
    &coverage::CoverageCheck,
    &length::LengthRatioCheck,
    &numbers::NumberMismatchCheck,
    &script::ScriptCheck,
    &repetition::RepetitionCheck,
    &names::NameMissingCheck,
    &alignment::AlignmentCheck,
    &swapped::SwappedCheck,
    &target_fragments::TargetFragmentCheck,
];

/// The registry: every rule check's entries, then the service signals', in [`Code`] order.
static REGISTRY: std::sync::LazyLock<Vec<CheckInfo>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<CheckInfo> = CHECKS
        .iter()
        .flat_map(|c| c.info().iter().copied())
        .chain(services::INFO.iter().copied())
        .collect();
    all.sort_by_key(|c| c.code);
    all.dedup_by_key(|c| c.code);
    all
});

/// Every check tarjama knows, in a stable order.
pub fn registry() -> &'static [CheckInfo] {
    &REGISTRY
}

/// The registry entry of a code written as a string (`None` when no check has it).
pub fn lookup(code: &str) -> Option<&'static CheckInfo> {
    let code: Code = code.parse().ok()?;
    info_of(code)
}

/// The registry entry of a code.
pub fn info_of(code: Code) -> Option<&'static CheckInfo> {
    REGISTRY.iter().find(|c| c.code == code)
}

/// Codes of the rule checks [`check`] runs (those it owns: their old flags are replaced).
pub fn rule_codes() -> impl Iterator<Item = &'static str> {
    REGISTRY
        .iter()
        .filter(|c| !c.code.is_signal())
        .map(|c| c.code.as_str())
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
    /// Source and target text of every bead, joined once for all checks (a side of one
    /// sentence, as most are, borrows its text).
    bead_texts: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The bitext's own word lexicon, learned on first use.
    lexicon: OnceLock<Option<lexical::BeadLexicon>>,
    /// The length model and every bead's residual, fitted on first use.
    length: OnceLock<(length::LengthModel, Vec<Option<length::LengthResidual>>)>,
    /// The omission/addition scores, computed on first use.
    coverage: OnceLock<coverage::CoverageOutcome>,
}

impl<'a> Ctx<'a> {
    fn new(bitext: &'a Bitext, settings: &'a CheckSettings) -> Ctx<'a> {
        // On the cores: this runs before any check can start.
        let bead_texts = bitext
            .beads
            .par_iter()
            .map(|b| {
                (
                    bitext.side_text(Side::Source, &b.source),
                    bitext.side_text(Side::Target, &b.target),
                )
            })
            .collect();
        Ctx {
            bitext,
            settings,
            placement: Placement::of(bitext),
            bead_texts,
            lexicon: OnceLock::new(),
            length: OnceLock::new(),
            coverage: OnceLock::new(),
        }
    }

    /// Computes `analysis` and what it reads, if not done yet.
    fn prepare(&self, analysis: Analysis) {
        for &used in analysis.uses() {
            self.prepare(used);
        }
        match analysis {
            Analysis::Length => _ = self.length(),
            Analysis::Coverage => _ = self.coverage(),
            Analysis::BeadLexicon => _ = self.bead_lexicon(),
        }
    }

    /// The shared analyses computed so far.
    #[cfg(test)]
    fn computed(&self) -> Vec<Analysis> {
        [
            (Analysis::Length, self.length.get().is_some()),
            (Analysis::Coverage, self.coverage.get().is_some()),
            (Analysis::BeadLexicon, self.lexicon.get().is_some()),
        ]
        .into_iter()
        .filter_map(|(a, done)| done.then_some(a))
        .collect()
    }

    /// The length model fitted on the bitext and every measured bead's residual, by bead
    /// index ([`Analysis::Length`]).
    pub fn length(&self) -> &(length::LengthModel, Vec<Option<length::LengthResidual>>) {
        self.length.get_or_init(|| length::residuals(self))
    }

    /// The `omission`/`addition` flags of the coverage scores and which beads got one
    /// ([`Analysis::Coverage`]).
    pub fn coverage(&self) -> &coverage::CoverageOutcome {
        self.coverage.get_or_init(|| coverage::analyse(self))
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
                        .then_some((source.as_ref(), target.as_ref()))
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
        code: Code,
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
        code: Code,
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
        code: Code,
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
    code: Code,
    severity: Severity,
    source: Vec<usize>,
    target: Vec<usize>,
    bead: Option<usize>,
    message: String,
    evidence: String,
) -> Flag {
    Flag {
        code: code.as_str().to_string(),
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
///
/// The checks that read no shared analysis run side by side with the others, which first
/// compute the analyses they declare (each spread over the cores inside) and then run side by
/// side themselves. An analysis is never first asked from inside a parallel check: a thread
/// waiting there may pick up another check that asks for the same analysis, and a `OnceLock`
/// initialised re-entrantly deadlocks.
pub fn check(bitext: &Bitext, settings: &CheckSettings) -> Vec<Flag> {
    let ctx = Ctx::new(bitext, settings);
    let (dependent, independent): (Vec<&dyn Check>, Vec<&dyn Check>) = CHECKS
        .iter()
        .copied()
        .filter(|c| {
            c.info()
                .iter()
                .any(|i| settings.severity_of(i.code).is_some())
        })
        .partition(|c| !c.needs().is_empty());
    let run_all = |checks: &[&dyn Check]| -> Vec<Vec<Flag>> {
        checks.par_iter().map(|c| c.run(&ctx)).collect()
    };
    let (from_dependent, from_independent) = rayon::join(
        || {
            for check in &dependent {
                for &analysis in check.needs() {
                    ctx.prepare(analysis);
                }
            }
            run_all(&dependent)
        },
        || run_all(&independent),
    );
    let mut flags: Vec<Flag> = from_dependent
        .into_iter()
        .chain(from_independent)
        .flatten()
        .collect();
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

    /// Like [`pairs`], each pair given its paragraph (`(paragraph, source, target)`).
    pub fn paragraphs(rows: &[(usize, &str, &str)]) -> Bitext {
        let plain: Vec<(&str, &str)> = rows.iter().map(|r| (r.1, r.2)).collect();
        let mut b = pairs(&plain);
        for (i, row) in rows.iter().enumerate() {
            b.source[i].para = row.0;
            b.target[i].para = row.0;
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
    fn registry_has_every_code_once_in_code_order_and_documented() {
        let codes: Vec<Code> = registry().iter().map(|c| c.code).collect();
        assert_eq!(codes, Code::ALL);
        for c in registry() {
            assert!(
                c.code
                    .as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.code
            );
            assert!(!c.doc.is_empty());
            assert_eq!(
                c.family == Family::Service,
                c.code.is_signal(),
                "{}",
                c.code
            );
            assert_eq!(lookup(c.code.as_str()), Some(c));
        }
        assert_eq!(lookup("translation-failed"), None);
    }

    #[test]
    fn each_check_computes_only_the_analyses_it_declares() {
        // Enough 1-1 beads for the bitext lexicon, so every analysis really runs.
        let rows: Vec<(String, String)> = (0..220)
            .map(|i| {
                (
                    format!("قال الوزير إن المدينة رقم {i} تحتاج إلى مدارس جديدة."),
                    format!("The minister said city number {i} needs new schools."),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let b = testkit::pairs(&refs);
        let settings = CheckSettings::default();
        let mut used = Vec::new();
        for check in CHECKS {
            let ctx = Ctx::new(&b, &settings);
            check.run(&ctx);
            let declared: Vec<Analysis> = check
                .needs()
                .iter()
                .flat_map(|&a| std::iter::once(a).chain(a.uses().iter().copied()))
                .collect();
            for a in ctx.computed() {
                assert!(declared.contains(&a), "{} uses {a:?}", check.info()[0].code);
                used.push(a);
            }
        }
        for a in [Analysis::Length, Analysis::Coverage, Analysis::BeadLexicon] {
            assert!(used.contains(&a), "no check used {a:?}");
        }
    }

    #[test]
    fn signals_are_not_rule_codes() {
        let rules: Vec<&str> = rule_codes().collect();
        assert_eq!(rules.len() + Code::SIGNALS.len(), Code::ALL.len());
        assert!(Code::SIGNALS.iter().all(|s| !rules.contains(&s.as_str())));
    }

    #[test]
    fn risk_grows_with_flags_and_is_zero_without() {
        let mut b = testkit::pairs(&[("جملة.", "Sentence.")]);
        let bead = b.beads[0].clone();
        assert_eq!(risk(&b, &bead), 0.0);
        b.flags.push(make_flag(
            Code::Fragment,
            Severity::Warning,
            vec![0],
            vec![0],
            Some(0),
            "m".into(),
            "e".into(),
        ));
        let one = risk(&b, &bead);
        b.flags.push(make_flag(
            Code::Swapped,
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
            let mut flag = make_flag(
                Code::Fragment,
                Severity::Warning,
                vec![0],
                vec![],
                None,
                String::new(),
                String::new(),
            );
            flag.code = code.to_string();
            b.flags.push(flag);
        }
        let owned: Vec<&str> = rule_codes().collect();
        replace_flags(&mut b, &owned, vec![]);
        let left: Vec<&str> = b.flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(left, ["translation-failed", "reviewer-note"]);
    }
}
