//! [`Code`]: the stable code of every flag a quality check or a service signal raises.
//!
//! A code is an enum, not a string, so that a misspelt code is a compile error rather than a
//! check that silently never runs. It is written as the same kebab-case string as always
//! (`number-mismatch`): bitext JSONL, `[checks.<code>]` tables of config.toml, `check --list`
//! and the flag reports do not change. [`crate::bitext::Flag::code`] stays a string because a
//! bitext also carries codes no check owns (`translation-failed`, a reviewer's own notes, codes
//! of a newer tarjama): [`Code::of`] reads one back when it is ours.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::bitext::Flag;

/// The code of a flag raised by a rule check or a service-backed signal.
///
/// Declaration order is the registry order (`tarjama check --list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// `fragment`: a source sentence that cannot stand alone.
    Fragment,
    /// `suspicious-break`: a sentence boundary followed by a fragment.
    SuspiciousBreak,
    /// `lost-quotation`: first-person speech outside quote marks.
    LostQuotation,
    /// `verb-agreement`: a masculine verb before a feminine plural subject.
    VerbAgreement,
    /// `unbalanced-brackets`: a bracket or quote mark opened and never closed.
    UnbalancedBrackets,
    /// `mt-typography`: spaces before punctuation in the source.
    MtTypography,
    /// `length-ratio`: a target much longer or shorter than predicted.
    LengthRatio,
    /// `number-mismatch`: a number on one side only.
    NumberMismatch,
    /// `untranslated`: source text left in the target.
    Untranslated,
    /// `repetition`: the target repeats itself.
    Repetition,
    /// `name-missing`: a Latin-script name of the source missing from the target.
    NameMissing,
    /// `question-mismatch`: a question on one side only.
    QuestionMismatch,
    /// `quote-mismatch`: quote marks on one side only.
    QuoteMismatch,
    /// `truncated`: the target stops mid-sentence.
    Truncated,
    /// `html-entity`: a leftover HTML entity in the target.
    HtmlEntity,
    /// `empty-translation`: an empty translation of a real source.
    EmptyTranslation,
    /// `omission`: part of the source is not translated.
    Omission,
    /// `addition`: the translation says more than its source.
    Addition,
    /// `complex-bead`: an n-m bead.
    ComplexBead,
    /// `low-bead-score`: the aligner has little confidence in a bead.
    LowBeadScore,
    /// `swapped`: two neighbouring translations exchanged.
    Swapped,
    /// `target-fragment`: a target sentence that cannot stand alone.
    TargetFragment,
    /// `round-trip`: the back translation is far from the source (service signal).
    RoundTrip,
    /// `provider-disagreement`: a second provider translates very differently (service signal).
    ProviderDisagreement,
    /// `llm-judge`: an LLM judge found MQM errors (service signal).
    LlmJudge,
    /// `not-checked`: a service signal could not run.
    NotChecked,
}

impl Code {
    /// Every code, in registry order.
    pub const ALL: [Code; 26] = [
        Code::Fragment,
        Code::SuspiciousBreak,
        Code::LostQuotation,
        Code::VerbAgreement,
        Code::UnbalancedBrackets,
        Code::MtTypography,
        Code::LengthRatio,
        Code::NumberMismatch,
        Code::Untranslated,
        Code::Repetition,
        Code::NameMissing,
        Code::QuestionMismatch,
        Code::QuoteMismatch,
        Code::Truncated,
        Code::HtmlEntity,
        Code::EmptyTranslation,
        Code::Omission,
        Code::Addition,
        Code::ComplexBead,
        Code::LowBeadScore,
        Code::Swapped,
        Code::TargetFragment,
        Code::RoundTrip,
        Code::ProviderDisagreement,
        Code::LlmJudge,
        Code::NotChecked,
    ];

    /// The codes of the service-backed signals (the caller runs them; their old flags are
    /// replaced when they run, like the rule checks' by [`crate::quality::check`]).
    pub const SIGNALS: [Code; 4] = [
        Code::RoundTrip,
        Code::ProviderDisagreement,
        Code::LlmJudge,
        Code::NotChecked,
    ];

    /// The stable kebab-case string (`number-mismatch`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Fragment => "fragment",
            Code::SuspiciousBreak => "suspicious-break",
            Code::LostQuotation => "lost-quotation",
            Code::VerbAgreement => "verb-agreement",
            Code::UnbalancedBrackets => "unbalanced-brackets",
            Code::MtTypography => "mt-typography",
            Code::LengthRatio => "length-ratio",
            Code::NumberMismatch => "number-mismatch",
            Code::Untranslated => "untranslated",
            Code::Repetition => "repetition",
            Code::NameMissing => "name-missing",
            Code::QuestionMismatch => "question-mismatch",
            Code::QuoteMismatch => "quote-mismatch",
            Code::Truncated => "truncated",
            Code::HtmlEntity => "html-entity",
            Code::EmptyTranslation => "empty-translation",
            Code::Omission => "omission",
            Code::Addition => "addition",
            Code::ComplexBead => "complex-bead",
            Code::LowBeadScore => "low-bead-score",
            Code::Swapped => "swapped",
            Code::TargetFragment => "target-fragment",
            Code::RoundTrip => "round-trip",
            Code::ProviderDisagreement => "provider-disagreement",
            Code::LlmJudge => "llm-judge",
            Code::NotChecked => "not-checked",
        }
    }

    /// Whether it is a service-backed signal (run by the caller, not by
    /// [`crate::quality::check`]).
    pub fn is_signal(self) -> bool {
        Code::SIGNALS.contains(&self)
    }

    /// The code of a flag, when it is one of ours (`None` for `translation-failed`, a
    /// reviewer's code or a code this version does not know).
    pub fn of(flag: &Flag) -> Option<Code> {
        flag.code.parse().ok()
    }

    /// Whether a flag has this code.
    pub fn is(self, flag: &Flag) -> bool {
        flag.code == self.as_str()
    }
}

impl fmt::Display for Code {
    /// The kebab-case string; width and alignment are honoured (`{:<22}` in `check --list`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A string that is not a known code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown check code '{}' (see `tarjama check --list`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_string_display_and_parse_agree_for_every_code() {
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), code);
            assert_eq!(code.to_string(), code.as_str());
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
        }
        assert_eq!(format!("{:<10}|", Code::Swapped), "swapped   |");
    }

    #[test]
    fn all_lists_every_code_once_in_declaration_order() {
        let mut sorted = Code::ALL;
        sorted.sort();
        assert_eq!(sorted, Code::ALL);
        let unique: std::collections::BTreeSet<Code> = Code::ALL.into_iter().collect();
        assert_eq!(unique.len(), Code::ALL.len());
    }

    #[test]
    fn a_flag_of_another_stage_has_no_code_but_keeps_its_string() {
        let line = r#"{"code":"translation-failed","severity":"error","message":"m"}"#;
        let flag: Flag = serde_json::from_str(line).unwrap();
        assert_eq!(Code::of(&flag), None);
        assert!(
            serde_json::to_string(&flag)
                .unwrap()
                .contains("translation-failed")
        );
        let flag: Flag =
            serde_json::from_str(r#"{"code":"swapped","severity":"warning","message":"m"}"#)
                .unwrap();
        assert_eq!(Code::of(&flag), Some(Code::Swapped));
        assert!(Code::Swapped.is(&flag) && !Code::Fragment.is(&flag));
    }

    #[test]
    fn unknown_codes_are_an_error_not_a_silent_default() {
        assert!("translation-failed".parse::<Code>().is_err());
        assert!(serde_json::from_str::<Code>("\"fragmnet\"").is_err());
        assert!(Code::SIGNALS.iter().all(|c| c.is_signal()));
        assert!(!Code::Fragment.is_signal());
    }
}
