//! Alignment checks on the beads: `omission` (1-0), `addition` (0-1), `complex-bead` (n-m),
//! `low-bead-score`.

use crate::bitext::{Flag, Severity, Side};
use crate::quality::Ctx;
use crate::quality::text::{excerpt, has_content};
use crate::quality::{CheckInfo, Code, Family, info};

/// Runs the alignment checks.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let settings = ctx.settings;
    for bead in &ctx.bitext.beads {
        let (n, m) = (bead.source.len(), bead.target.len());
        let source = ctx.bead_text(bead, Side::Source);
        let target = ctx.bead_text(bead, Side::Target);
        if m == 0 && has_content(source) {
            if let Some(severity) = settings.severity_of(Code::Omission) {
                flags.push(ctx.bead_flag(
                    Code::Omission,
                    severity,
                    bead,
                    "this source passage has no translation: it was dropped or merged elsewhere".into(),
                    format!("1-0 bead: «{}»", excerpt(source, 60)),
                ));
            }
        } else if n == 0 && has_content(target) {
            if let Some(severity) = settings.severity_of(Code::Addition) {
                flags.push(ctx.bead_flag(
                    Code::Addition,
                    severity,
                    bead,
                    "this translated passage matches nothing in the source: it was added".into(),
                    format!("0-1 bead: «{}»", excerpt(target, 60)),
                ));
            }
        } else if (n >= 2 || m >= 2)
            && let Some(severity) = settings.severity_of(Code::ComplexBead)
        {
            // 1-n and n-1 beads are ordinary segmentation differences: info only.
            let severity = if n >= 2 && m >= 2 {
                severity
            } else {
                severity.min(Severity::Info)
            };
            flags.push(ctx.bead_flag(
                Code::ComplexBead,
                severity,
                bead,
                format!(
                    "{n} source sentences are aligned with {m} target sentences: the sentence boundaries differ, check that nothing was lost or moved"
                ),
                format!("{n}-{m} bead"),
            ));
        }
        if n > 0
            && m > 0
            && bead.score < settings.low_bead_score.min_score
            && let Some(severity) = settings.severity_of(Code::LowBeadScore)
        {
            flags.push(ctx.bead_flag(
                Code::LowBeadScore,
                severity,
                bead,
                "the aligner is not confident that these sentences translate each other".into(),
                format!(
                    "bead score {:.2} < {:.2}",
                    bead.score, settings.low_bead_score.min_score
                ),
            ));
        }
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[
    info(
        Code::Omission,
        Severity::Warning,
        Family::Alignment,
        "a source sentence with no target sentence (1-0 bead), or a translation that lacks part of its source (shorter than predicted, lost clauses, numbers and names, seams where words were cut, the bitext's own lexicon, MT words)",
    ),
    info(
        Code::Addition,
        Severity::Warning,
        Family::Alignment,
        "a target sentence with no source sentence (0-1 bead), or a translation that says more than its source (longer than predicted, extra clauses, numbers, words the MT lacks)",
    ),
    info(
        Code::ComplexBead,
        Severity::Warning,
        Family::Alignment,
        "several source sentences aligned to several target sentences (n-m with n, m ≥ 2; 1-n and n-1 beads only as info): segmentation differs",
    ),
    info(
        Code::LowBeadScore,
        Severity::Warning,
        Family::Alignment,
        "the aligner has little confidence in this bead",
    ),
];

family_check!(
    /// The `omission`, `addition`, `complex-bead`, `low-bead-score` checks.
    AlignmentCheck
);

#[cfg(test)]
mod tests {
    use crate::bitext::{Bead, Sentence, Side};
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn flags_omissions_additions_and_weak_beads() {
        let mut b = pairs(&[("جملة أولى.", "First sentence.")]);
        b.source
            .push(Sentence::new(Side::Source, 1, 0, "جملة ثانية."));
        b.target
            .push(Sentence::new(Side::Target, 1, 0, "An added sentence."));
        b.beads.push(Bead::new(1, vec![1], vec![], 0.0));
        b.beads.push(Bead::new(2, vec![], vec![1], 0.0));
        b.beads[0].score = 0.1;
        let c = codes(&b);
        for code in ["omission", "addition", "low-bead-score"] {
            assert!(c.iter().any(|x| x == code), "{code}: {c:?}");
        }
    }

    #[test]
    fn many_to_many_beads_are_warnings_one_to_many_info() {
        let mut b = pairs(&[("أ ب.", "A b."), ("ج د.", "C d.")]);
        b.beads = vec![Bead::new(0, vec![0, 1], vec![0, 1], 0.9)];
        let flags = crate::quality::check(&b, &Default::default());
        let f = flags.iter().find(|f| f.code == "complex-bead").unwrap();
        assert_eq!(f.severity, crate::bitext::Severity::Warning);
        b.beads = vec![
            Bead::new(0, vec![0, 1], vec![0], 0.9),
            Bead::new(1, vec![], vec![1], 0.5),
        ];
        let flags = crate::quality::check(&b, &Default::default());
        let f = flags.iter().find(|f| f.code == "complex-bead").unwrap();
        assert_eq!(f.severity, crate::bitext::Severity::Info);
    }
}
