//! `[checks]` of config.toml: one table per check, `[checks.<code>]`, each with `enabled`,
//! `severity` and that check's thresholds. Every field has a default, so an empty `[checks]`
//! (or none) means the defaults; unknown keys are errors (a misspelt threshold must not be
//! silently ignored).

use serde::{Deserialize, Serialize};

use crate::bitext::Severity;
use crate::quality::Code;

/// Declares the settings table of one check: `enabled`, `severity` and its own thresholds.
macro_rules! check_table {
    ($(#[$doc:meta])* $name:ident, enabled = $enabled:expr, { $($(#[$fdoc:meta])* $field:ident : $ty:ty = $default:expr),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            /// Whether the check runs.
            pub enabled: bool,
            /// Severity of its flags (default: the registry's).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub severity: Option<Severity>,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { enabled: $enabled, severity: None, $($field: $default,)* }
            }
        }
    };
}

check_table!(
    /// `[checks.fragment]`.
    Fragment, enabled = true, {
        /// A sentence of at most this many words with nothing that can be a verb is a fragment.
        max_words: usize = 5,
        /// A sentence of at most `max_words` words that the alignment puts with the previous
        /// source sentence in one bead with a single target sentence is a fragment too (the
        /// translator read the two as one sentence).
        joined_in_translation: bool = true,
    }
);

check_table!(
    /// A check with no thresholds of its own.
    Toggle, enabled = true, {}
);

check_table!(
    /// `[checks.length-ratio]`: the length model (see `quality::length`) and the flag for a
    /// length outlier that `omission`/`addition` did not already report.
    LengthRatio, enabled = true, {
        /// Flag when |z| is at least this (and no `omission`/`addition` flag covers the bead).
        max_z: f64 = 3.0,
        /// Below this many measured beads the model is not fitted on the bitext: the prior
        /// coefficients (UD PUD Arabic→English) and the prior spreads below are used.
        min_beads: usize = 20,
        /// Prior spread of the adjusted log residual below the median (shorter translations).
        prior_scale_short: f64 = 0.2,
        /// Prior spread of the adjusted log residual above the median (longer translations).
        prior_scale_long: f64 = 0.145,
        /// The spreads never go below this (a very regular document must not make every
        /// small difference an outlier).
        min_scale: f64 = 0.1,
        /// Length scale (letters) of the extra spread of short sentences: a sentence of `L`
        /// source letters is allowed sqrt(1 + short_letters / L) times the spread.
        short_letters: f64 = 60.0,
        /// Beads whose source has fewer letters than this are skipped (a tiny source predicts
        /// nothing; a tiny target for a longer source is measured).
        min_chars: usize = 12,
    }
);

check_table!(
    /// `[checks.number-mismatch]`.
    NumberMismatch, enabled = true, {
        /// A hedged number of the translation (`about 2,500`) may round the source's (`2487`).
        /// Set to false to see every rounding (fact-checking).
        roundings: bool = true,
        /// The translation may convert units (`10 miles (16 km)` for `16 كيلومترا`).
        conversions: bool = true,
        /// Relative slack of a conversion on top of half the last written digit (people round
        /// the factors: 1.6 km a mile is 0.6 % off, but their results are rounded again).
        conversion_tolerance: f64 = 0.003,
    }
);

check_table!(
    /// `[checks.omission]`: a 1-0 bead, or a bead whose translation lacks part of its source.
    Omission, enabled = true, {
        /// Flag a bead when its omission score (length z below the prediction, plus the other
        /// evidence: lost clause punctuation, lost numbers, lost names, seams where words were
        /// cut out, MT words missing) reaches this.
        min_score: f64 = 2.0,
    }
);

check_table!(
    /// `[checks.addition]`: a 0-1 bead, or a bead whose translation says more than its source.
    Addition, enabled = true, {
        /// Flag a bead when its addition score (length z above the prediction, plus the other
        /// evidence: extra numbers, target words the MT does not explain) reaches this.
        min_score: f64 = 2.5,
    }
);

check_table!(
    /// `[checks.untranslated]`.
    Untranslated, enabled = true, {
        /// A run of at least this many source-script letters in the target is flagged.
        min_letters: usize = 2,
    }
);

check_table!(
    /// `[checks.repetition]`.
    Repetition, enabled = true, {
        /// A single word repeated back to back this many times is flagged.
        word_repeats: usize = 3,
        /// A phrase of 2 to `max_n` words repeated back to back this many times is flagged.
        phrase_repeats: usize = 2,
        /// Longest phrase looked at, in words.
        max_n: usize = 8,
    }
);

check_table!(
    /// `[checks.name-missing]`.
    NameMissing, enabled = true, {
        /// Latin-script tokens shorter than this are ignored.
        min_len: usize = 2,
    }
);

check_table!(
    /// `[checks.low-bead-score]`.
    LowBeadScore, enabled = true, {
        /// Beads scored below this are flagged.
        min_score: f64 = 0.3,
    }
);

check_table!(
    /// `[checks.swapped]`: neighbouring 1-1 beads whose translations were exchanged. The score
    /// adds the evidence that the crossed assignment fits better (straight − crossed costs).
    Swapped, enabled = true, {
        /// Flag a pair when the crossed assignment is better by at least this score.
        min_score: f64 = 3.0,
        /// Cap of the length evidence (z²/2 summed over the two beads): length alone never
        /// decides more than this.
        max_length_evidence: f64 = 6.0,
        /// Score per number that the crossed assignment matches and the straight one does not.
        number_weight: f64 = 2.0,
        /// Score per Latin-script name likewise.
        name_weight: f64 = 2.0,
        /// Score per target name that sounds like a source word (`ستارلين` ~ `Starlin`)
        /// likewise.
        heard_weight: f64 = 3.0,
        /// Score per question (`؟ ?`) matched likewise.
        question_weight: f64 = 1.5,
        /// Score per quoted side matched likewise.
        quote_weight: f64 = 0.5,
        /// Score per bracket or colon matched likewise.
        mark_weight: f64 = 1.0,
        /// Score per comma of difference the crossing removes (at most 3 per assignment).
        comma_weight: f64 = 0.5,
        /// Score per 10 chrF points the sources' machine translations gain by crossing.
        mt_weight: f64 = 2.0,
        /// Score per unit of lexical coverage (0–1) the crossing gains, under a lexicon learned
        /// by IBM Model 1 from the bitext's own 1-1 beads, the two beads left out (0 turns it
        /// off).
        lexical_weight: f64 = 30.0,
        /// The lexicon is learned only when the bitext has at least this many 1-1 beads (the
        /// `lexicon_*` settings also shape the lexicon `omission` uses: there is one per bitext).
        lexicon_min_pairs: usize = 200,
        /// It is learned from at most this many 1-1 beads (spread evenly over the bitext).
        lexicon_max_pairs: usize = 10000,
        /// Source words are keyed by this many leading letters of their stem.
        lexicon_prefix: usize = 5,
        /// A source stem counts only when seen at least this many times outside the two beads.
        lexicon_min_count: u32 = 3,
    }
);

check_table!(
    /// `[checks.target-fragment]`.
    TargetFragment, enabled = true, {
        /// A target sentence of at most this many words with no verb is a fragment.
        max_words: usize = 4,
    }
);

check_table!(
    /// `[checks.round-trip]` (opt-in: costs one service call per target sentence, cached).
    RoundTrip, enabled = false, {
        /// Provider used for the back translation (default: the first of the chain).
        provider: Option<String> = None,
        /// Flag when the chrF is this many robust deviations below the document's median.
        max_z: f64 = 2.5,
        /// And only when the chrF is also below this (absolute floor, 0–100).
        max_chrf: f64 = 35.0,
    }
);

check_table!(
    /// `[checks.provider-disagreement]` (opt-in: a second provider translates every source sentence).
    ProviderDisagreement, enabled = false, {
        /// The second provider.
        provider: Option<String> = None,
        /// Flag when the agreement chrF is this many robust deviations below the median.
        max_z: f64 = 2.5,
        /// And only when the agreement chrF is also below this (0–100).
        max_chrf: f64 = 35.0,
    }
);

check_table!(
    /// `[checks.llm-judge]` (opt-in: one chat call per bead, cached).
    LlmJudge, enabled = false, {
        /// The `openai`-type provider that judges.
        provider: Option<String> = None,
    }
);

/// Settings of the checks (`[checks]` of config.toml).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckSettings {
    /// `fragment`.
    pub fragment: Fragment,
    /// `suspicious-break`.
    pub suspicious_break: Toggle,
    /// `lost-quotation`.
    pub lost_quotation: Toggle,
    /// `verb-agreement`.
    pub verb_agreement: Toggle,
    /// `unbalanced-brackets`.
    pub unbalanced_brackets: Toggle,
    /// `mt-typography`.
    pub mt_typography: Toggle,
    /// `length-ratio`.
    pub length_ratio: LengthRatio,
    /// `number-mismatch`.
    pub number_mismatch: NumberMismatch,
    /// `untranslated`.
    pub untranslated: Untranslated,
    /// `repetition`.
    pub repetition: Repetition,
    /// `name-missing`.
    pub name_missing: NameMissing,
    /// `question-mismatch`.
    pub question_mismatch: Toggle,
    /// `quote-mismatch`.
    pub quote_mismatch: Toggle,
    /// `truncated`.
    pub truncated: Toggle,
    /// `html-entity`.
    pub html_entity: Toggle,
    /// `empty-translation`.
    pub empty_translation: Toggle,
    /// `omission`.
    pub omission: Omission,
    /// `addition`.
    pub addition: Addition,
    /// `complex-bead`.
    pub complex_bead: Toggle,
    /// `low-bead-score`.
    pub low_bead_score: LowBeadScore,
    /// `swapped`.
    pub swapped: Swapped,
    /// `target-fragment`.
    pub target_fragment: TargetFragment,
    /// `round-trip`.
    pub round_trip: RoundTrip,
    /// `provider-disagreement`.
    pub provider_disagreement: ProviderDisagreement,
    /// `llm-judge`.
    pub llm_judge: LlmJudge,
}

impl CheckSettings {
    /// Whether a check runs, and at which severity (`None` when disabled).
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        let (enabled, severity) = self.switch(code)?;
        if !enabled {
            return None;
        }
        severity.or_else(|| super::info_of(code).map(|c| c.severity))
    }

    /// The `enabled` and `severity` of a code's table (`None` for `not-checked`, which has
    /// none: it reports that another signal could not run).
    fn switch(&self, code: Code) -> Option<(bool, Option<Severity>)> {
        macro_rules! pick {
            ($($code:ident => $field:ident),* $(,)?) => {
                match code {
                    $(Code::$code => Some((self.$field.enabled, self.$field.severity)),)*
                    Code::NotChecked => None,
                }
            };
        }
        pick!(
            Fragment => fragment,
            SuspiciousBreak => suspicious_break,
            LostQuotation => lost_quotation,
            VerbAgreement => verb_agreement,
            UnbalancedBrackets => unbalanced_brackets,
            MtTypography => mt_typography,
            LengthRatio => length_ratio,
            NumberMismatch => number_mismatch,
            Untranslated => untranslated,
            Repetition => repetition,
            NameMissing => name_missing,
            QuestionMismatch => question_mismatch,
            QuoteMismatch => quote_mismatch,
            Truncated => truncated,
            HtmlEntity => html_entity,
            EmptyTranslation => empty_translation,
            Omission => omission,
            Addition => addition,
            ComplexBead => complex_bead,
            LowBeadScore => low_bead_score,
            Swapped => swapped,
            TargetFragment => target_fragment,
            RoundTrip => round_trip,
            ProviderDisagreement => provider_disagreement,
            LlmJudge => llm_judge,
        )
    }

    /// Every rule check is reachable through [`CheckSettings::severity_of`] (used by a test).
    #[cfg(test)]
    fn knows(&self, code: Code) -> bool {
        self.switch(code).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_check_has_a_table() {
        let s = CheckSettings::default();
        for c in super::super::registry() {
            if c.code != Code::NotChecked {
                assert!(s.knows(c.code), "no [checks.{}] table", c.code);
            }
        }
    }

    #[test]
    fn parses_tables_and_rejects_unknown_keys() {
        let s: CheckSettings = toml::from_str(
            "[fragment]\nmax_words = 4\nseverity = \"error\"\n[mt-typography]\nenabled = false\n[round-trip]\nenabled = true\n",
        )
        .unwrap();
        assert_eq!(s.fragment.max_words, 4);
        assert_eq!(s.severity_of(Code::Fragment), Some(Severity::Error));
        assert_eq!(s.severity_of(Code::MtTypography), None);
        assert_eq!(s.severity_of(Code::RoundTrip), Some(Severity::Warning));
        assert_eq!(
            CheckSettings::default().severity_of(Code::RoundTrip),
            None,
            "service signals are opt-in"
        );
        let err = toml::from_str::<CheckSettings>("[fragment]\nmax_word = 4\n").unwrap_err();
        assert!(err.to_string().contains("max_word"), "{err}");
        assert!(toml::from_str::<CheckSettings>("[fragmnet]\n").is_err());
        let s: CheckSettings =
            toml::from_str("[number-mismatch]\nroundings = false\nconversion_tolerance = 0.01\n")
                .unwrap();
        assert!(!s.number_mismatch.roundings && s.number_mismatch.conversions);
        assert_eq!(s.number_mismatch.conversion_tolerance, 0.01);
        let s: CheckSettings =
            toml::from_str("[swapped]\nmin_score = 3.0\nmt_weight = 1.0\n").unwrap();
        assert_eq!((s.swapped.min_score, s.swapped.mt_weight), (3.0, 1.0));
        assert_eq!(s.swapped.number_weight, 2.0);
        assert_eq!(s.severity_of(Code::Swapped), Some(Severity::Warning));
    }
}
