//! Service-backed signals (opt-in, they cost service calls): `round-trip`, `provider-disagreement`
//! and `llm-judge`. They run against two small traits so that wiring them to the providers and
//! the cache is a thin adapter; a service failure becomes one `not-checked` info flag, never an
//! error.

use serde::Deserialize;

use crate::bitext::{Bead, Bitext, Flag, Severity, Side};
use crate::lang::Lang;
use crate::quality::length::robust_center_scale;
use crate::quality::text::excerpt;
use crate::quality::{CheckInfo, Code, Family, info};
use crate::quality::{CheckSettings, make_flag};

/// Translates texts (one result per text, in order). Adapters put the provider chain and the
/// cache behind it.
pub trait TextTranslator {
    /// Translates `texts` from `from` to `to`.
    fn translate(&self, texts: &[String], from: &Lang, to: &Lang) -> Result<Vec<String>, String>;
}

/// Judges one translation and returns MQM-style error spans (already validated, see
/// [`parse_mqm`]).
pub trait Judge {
    /// The errors found in the translation `tgt` of `src`.
    fn judge(&self, src: &str, tgt: &str) -> Result<Vec<MqmError>, String>;
}

/// MQM severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MqmSeverity {
    /// Does not hinder understanding.
    Minor,
    /// Changes or hides meaning.
    Major,
    /// Could mislead or cause harm.
    Critical,
}

/// One error span reported by a judge.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MqmError {
    /// MQM category, e.g. `accuracy/mistranslation`, `fluency/grammar`.
    pub category: String,
    /// How serious it is.
    pub severity: MqmSeverity,
    /// The erroneous text, verbatim from the side it is on.
    pub span: String,
    /// `target` (default) or `source` (a problem of the source itself, e.g. garbled).
    #[serde(default = "default_side")]
    pub side: String,
}

fn default_side() -> String {
    "target".into()
}

/// The instructions sent to an LLM judge; the reply must be JSON that [`parse_mqm`] accepts.
pub fn judge_prompt(src: &str, tgt: &str, from: &Lang, to: &Lang) -> String {
    format!(
        "You are an expert {from}→{to} news translation reviewer. Annotate the errors of the translation with MQM.\n\
Reply with JSON only: {{\"errors\":[{{\"category\":\"accuracy/mistranslation|accuracy/omission|accuracy/addition|fluency/grammar|source/garbled|…\",\"severity\":\"minor|major|critical\",\"span\":\"exact substring\",\"side\":\"target|source\"}}]}}.\n\
Each span must be copied exactly from the side it names. No errors: {{\"errors\":[]}}.\n\
Source ({from}): {src}\nTranslation ({to}): {tgt}"
    )
}

/// Parses and validates a judge's reply: JSON (optionally in a ```json fence), an object with
/// `errors` or a bare array; every error needs a non-empty category, a severity of
/// minor|major|critical and a span that occurs verbatim in the side it names. Any violation
/// rejects the whole reply (an unreliable judge must not produce flags).
pub fn parse_mqm(reply: &str, src: &str, tgt: &str) -> Result<Vec<MqmError>, String> {
    let body = reply.trim();
    let body = body
        .strip_prefix("```json")
        .or_else(|| body.strip_prefix("```"))
        .map(|b| b.trim_end().trim_end_matches("```"))
        .unwrap_or(body)
        .trim();
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Reply {
        Wrapped { errors: Vec<MqmError> },
        Bare(Vec<MqmError>),
    }
    let errors = match serde_json::from_str::<Reply>(body) {
        Ok(Reply::Wrapped { errors }) | Ok(Reply::Bare(errors)) => errors,
        Err(e) => return Err(format!("the judge's reply is not valid MQM JSON: {e}")),
    };
    for e in &errors {
        if e.category.trim().is_empty() {
            return Err("an error without a category".into());
        }
        let text = match e.side.as_str() {
            "target" => tgt,
            "source" => src,
            other => {
                return Err(format!(
                    "unknown side «{other}» (expected target or source)"
                ));
            }
        };
        if e.span.trim().is_empty() || !text.contains(&e.span) {
            return Err(format!(
                "the span «{}» does not occur in the {}",
                e.span, e.side
            ));
        }
    }
    Ok(errors)
}

/// sacrebleu's sentence chrF2 (0–100), from the aligner's exact implementation.
fn chrf(hypothesis: &str, reference: &str) -> f64 {
    crate::align::chrf::chrf(
        hypothesis,
        reference,
        &crate::align::chrf::ChrfParams::default(),
    )
}

/// Beads with text on both sides (the ones the service signals look at).
fn pair_beads(bitext: &Bitext) -> Vec<&Bead> {
    bitext
        .beads
        .iter()
        .filter(|b| !b.source.is_empty() && !b.target.is_empty())
        .collect()
}

/// One document-level `not-checked` flag for a signal that could not run.
fn not_checked(signal: Code, why: &str) -> Flag {
    make_flag(
        Code::NotChecked,
        Severity::Info,
        vec![],
        vec![],
        None,
        format!("the {signal} signal could not run, so no bead was checked by it: {why}"),
        why.to_string(),
    )
}

/// Flags the beads whose score is far below the document's usual (robust z ≤ −max_z) and
/// under an absolute ceiling.
#[allow(clippy::too_many_arguments)]
fn low_scores(
    code: Code,
    severity: Severity,
    beads: &[&Bead],
    scores: &[f64],
    max_z: f64,
    max_chrf: f64,
    message: &dyn Fn(f64) -> String,
) -> Vec<Flag> {
    let (center, scale) = robust_center_scale(scores, 5.0);
    beads
        .iter()
        .zip(scores)
        .filter_map(|(bead, &score)| {
            let z = (score - center) / scale;
            (z <= -max_z && score < max_chrf).then(|| {
                make_flag(
                    code,
                    severity,
                    bead.source.clone(),
                    bead.target.clone(),
                    Some(bead.id),
                    message(score),
                    format!("chrF {score:.1}, document median {center:.1}, z = {z:.1}"),
                )
            })
        })
        .collect()
}

/// One translation per text from a service signal's translator, or the `not-checked` flag that
/// says why the signal could not run (a failure, or a reply with the wrong number of texts).
fn translate_all(
    code: Code,
    translator: &dyn TextTranslator,
    texts: &[String],
    from: &Lang,
    to: &Lang,
) -> Result<Vec<String>, Vec<Flag>> {
    match translator.translate(texts, from, to) {
        Ok(out) if out.len() == texts.len() => Ok(out),
        Ok(out) => Err(vec![not_checked(
            code,
            &format!("{} translations for {} texts", out.len(), texts.len()),
        )]),
        Err(e) => Err(vec![not_checked(code, &e)]),
    }
}

/// `round-trip`: translates every target back into the source language and compares it with
/// the source by chrF, relative to the document.
pub fn round_trip(
    bitext: &Bitext,
    back: &dyn TextTranslator,
    settings: &CheckSettings,
) -> Vec<Flag> {
    let Some(severity) = settings.severity_of(Code::RoundTrip) else {
        return Vec::new();
    };
    let beads = pair_beads(bitext);
    let targets: Vec<String> = beads
        .iter()
        .map(|b| bitext.text_of(Side::Target, &b.target))
        .collect();
    let (from, to) = (&bitext.header.target_lang, &bitext.header.source_lang);
    let backs = match translate_all(Code::RoundTrip, back, &targets, from, to) {
        Ok(backs) => backs,
        Err(flags) => return flags,
    };
    let scores: Vec<f64> = beads
        .iter()
        .zip(&backs)
        .map(|(b, back)| chrf(back, &bitext.text_of(Side::Source, &b.source)))
        .collect();
    let s = &settings.round_trip;
    low_scores(
        Code::RoundTrip,
        severity,
        &beads,
        &scores,
        s.max_z,
        s.max_chrf,
        &|score| {
            format!(
                "translated back, the translation is far from the source (chrF {score:.0}): the meaning may have changed"
            )
        },
    )
}

/// `provider-disagreement`: a second provider translates every source passage; a bead whose
/// two translations share little (chrF, symmetric) compared with the rest of the document is
/// flagged: services disagree most on garbled or ambiguous sources.
pub fn provider_disagreement(
    bitext: &Bitext,
    second: &dyn TextTranslator,
    settings: &CheckSettings,
) -> Vec<Flag> {
    let Some(severity) = settings.severity_of(Code::ProviderDisagreement) else {
        return Vec::new();
    };
    let beads = pair_beads(bitext);
    let sources: Vec<String> = beads
        .iter()
        .map(|b| bitext.text_of(Side::Source, &b.source))
        .collect();
    let (from, to) = (&bitext.header.source_lang, &bitext.header.target_lang);
    let others = match translate_all(Code::ProviderDisagreement, second, &sources, from, to) {
        Ok(others) => others,
        Err(flags) => return flags,
    };
    let scores: Vec<f64> = beads
        .iter()
        .zip(&others)
        .map(|(b, other)| {
            let ours = bitext.text_of(Side::Target, &b.target);
            (chrf(other, &ours) + chrf(&ours, other)) / 2.0
        })
        .collect();
    let s = &settings.provider_disagreement;
    low_scores(
        Code::ProviderDisagreement,
        severity,
        &beads,
        &scores,
        s.max_z,
        s.max_chrf,
        &|score| {
            format!(
                "two translation services disagree on this passage (chrF {score:.0}): the source may be garbled or ambiguous"
            )
        },
    )
}

/// `llm-judge`: one judgement per bead; major and critical errors become flags at the
/// configured severity (critical at least `error`), minor ones `info`. A failed judgement
/// becomes a `not-checked` flag on that bead.
pub fn llm_judge(bitext: &Bitext, judge: &dyn Judge, settings: &CheckSettings) -> Vec<Flag> {
    let Some(severity) = settings.severity_of(Code::LlmJudge) else {
        return Vec::new();
    };
    let mut flags = Vec::new();
    for bead in pair_beads(bitext) {
        let src = bitext.text_of(Side::Source, &bead.source);
        let tgt = bitext.text_of(Side::Target, &bead.target);
        match judge.judge(&src, &tgt) {
            Ok(errors) => {
                for e in errors {
                    let sev = match e.severity {
                        MqmSeverity::Minor => Severity::Info,
                        MqmSeverity::Major => severity,
                        MqmSeverity::Critical => severity.max(Severity::Error),
                    };
                    flags.push(make_flag(
                        Code::LlmJudge,
                        sev,
                        bead.source.clone(),
                        bead.target.clone(),
                        Some(bead.id),
                        format!(
                            "the LLM judge reports a {:?} {} error in the {}",
                            e.severity, e.category, e.side
                        )
                        .to_lowercase(),
                        format!("«{}»", excerpt(&e.span, 80)),
                    ));
                }
            }
            Err(why) => flags.push(make_flag(
                Code::NotChecked,
                Severity::Info,
                bead.source.clone(),
                bead.target.clone(),
                Some(bead.id),
                format!("the LLM judge could not check this bead: {why}"),
                why,
            )),
        }
    }
    flags
}

/// The registry entries of the service-backed signals.
pub(crate) static INFO: &[CheckInfo] = &[
    info(
        Code::RoundTrip,
        Severity::Warning,
        Family::Service,
        "translating the target back gives text far from the source (chrF, document-relative); opt-in, costs service calls",
    ),
    info(
        Code::ProviderDisagreement,
        Severity::Warning,
        Family::Service,
        "a second provider translates the source very differently (chrF, document-relative): often a garbled source; opt-in",
    ),
    info(
        Code::LlmJudge,
        Severity::Warning,
        Family::Service,
        "an LLM judge found MQM error spans (category, severity, span validated against the text); opt-in",
    ),
    info(
        Code::NotChecked,
        Severity::Info,
        Family::Service,
        "a service-backed signal could not run (service failed); the bead was not checked by it",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::pairs;

    #[test]
    fn chrf_matches_sacrebleu_vectors() {
        let cases = [
            (
                "The cat sat on the mat.",
                "The cat is on the mat.",
                67.172735,
            ),
            ("Hello, world!", "Hello world", 56.343009),
            ("the the the the the the the", "the cat", 13.999695),
            (
                "أعرب وزير الدفاع الأمريكي عن رغبته في تعزيز الشراكة.",
                "أعرب وزير الدفاع الأمريكي لويد أوستن عن رغبته في تعزيز وتوسيع الشراكة.",
                68.291781,
            ),
            ("", "Something.", 0.0),
        ];
        for (h, r, want) in cases {
            assert!(
                (chrf(h, r) - want).abs() < 1e-5,
                "{h}: {} vs {want}",
                chrf(h, r)
            );
        }
    }

    #[test]
    fn mqm_replies_are_validated() {
        let ok = parse_mqm(
            "```json\n{\"errors\":[{\"category\":\"accuracy/mistranslation\",\"severity\":\"major\",\"span\":\"mourned\"}]}\n```",
            "حزن",
            "The US mourned.",
        )
        .unwrap();
        assert_eq!(ok[0].severity, MqmSeverity::Major);
        assert_eq!(ok[0].side, "target");
        assert!(parse_mqm("[]", "a", "b").unwrap().is_empty());
        for bad in [
            "{\"errors\":[{\"category\":\"x\",\"severity\":\"huge\",\"span\":\"b\"}]}",
            "{\"errors\":[{\"category\":\"x\",\"severity\":\"minor\",\"span\":\"zzz\"}]}",
            "{\"errors\":[{\"category\":\"\",\"severity\":\"minor\",\"span\":\"b\"}]}",
            "the translation is fine",
        ] {
            assert!(parse_mqm(bad, "a", "b").is_err(), "{bad}");
        }
    }

    struct Fake(Result<Vec<String>, String>);
    impl TextTranslator for Fake {
        fn translate(&self, texts: &[String], _: &Lang, _: &Lang) -> Result<Vec<String>, String> {
            self.0
                .clone()
                .map(|v| v.into_iter().take(texts.len()).collect())
        }
    }

    fn enabled() -> CheckSettings {
        let mut s = CheckSettings::default();
        s.round_trip.enabled = true;
        s.provider_disagreement.enabled = true;
        s.llm_judge.enabled = true;
        s
    }

    fn doc() -> Bitext {
        let rows: Vec<(String, String)> = (0..8)
            .map(|i| {
                (
                    format!("ذهب الوزير إلى بغداد في اليوم {i}."),
                    format!("The minister went to Baghdad on day {i}."),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        pairs(&refs)
    }

    #[test]
    fn round_trip_flags_the_outlier_and_failures_degrade() {
        let b = doc();
        let mut backs: Vec<String> = b.source.iter().map(|s| s.text.clone()).collect();
        backs[3] = "كانت السماء تمطر بغزارة طوال الليل.".into();
        let flags = round_trip(&b, &Fake(Ok(backs)), &enabled());
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].bead, Some(3));
        let flags = round_trip(&b, &Fake(Err("HTTP 503".into())), &enabled());
        assert_eq!(flags[0].code, "not-checked");
        assert!(round_trip(&b, &Fake(Ok(vec![])), &CheckSettings::default()).is_empty());
    }

    #[test]
    fn disagreement_flags_the_outlier() {
        let b = doc();
        let mut others: Vec<String> = b.target.iter().map(|s| s.text.clone()).collect();
        others[5] = "Factions armed Iranian the.".into();
        let flags = provider_disagreement(&b, &Fake(Ok(others)), &enabled());
        assert_eq!(flags.iter().map(|f| f.bead).collect::<Vec<_>>(), [Some(5)]);
    }

    struct FakeJudge;
    impl Judge for FakeJudge {
        fn judge(&self, src: &str, tgt: &str) -> Result<Vec<MqmError>, String> {
            if tgt.contains("day 2") {
                parse_mqm(
                    "{\"errors\":[{\"category\":\"accuracy/mistranslation\",\"severity\":\"critical\",\"span\":\"day 2\"}]}",
                    src,
                    tgt,
                )
            } else if tgt.contains("day 4") {
                parse_mqm("not json", src, tgt)
            } else {
                Ok(vec![])
            }
        }
    }

    #[test]
    fn judge_errors_become_flags_and_bad_replies_not_checked() {
        let flags = llm_judge(&doc(), &FakeJudge, &enabled());
        let summary: Vec<(String, Option<usize>, Severity)> = flags
            .iter()
            .map(|f| (f.code.clone(), f.bead, f.severity))
            .collect();
        assert_eq!(
            summary,
            [
                ("llm-judge".to_string(), Some(2), Severity::Error),
                ("not-checked".to_string(), Some(4), Severity::Info)
            ]
        );
    }
}
