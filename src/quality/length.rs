//! `length-ratio`: a bead whose target is much longer or shorter than the document's usual
//! ratio. The statistic is the log of (target letters / source letters); the document's median
//! and median absolute deviation make it robust to the very outliers it looks for. Short
//! documents fall back on a prior for the language pair (UD PUD Arabic→English by default).

use crate::bitext::{Flag, Side};
use crate::quality::Ctx;
use crate::quality::text::letter_count;

/// Median of a non-empty slice (sorted copy).
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
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

/// Runs `length-ratio`.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of("length-ratio") else {
        return;
    };
    let s = &ctx.settings.length_ratio;
    let measured: Vec<(usize, usize, usize, f64)> = ctx
        .bitext
        .beads
        .iter()
        .enumerate()
        .filter_map(|(k, bead)| {
            let src = letter_count(ctx.bead_text(bead, Side::Source));
            let tgt = letter_count(ctx.bead_text(bead, Side::Target));
            (src.min(tgt) >= s.min_chars).then(|| (k, src, tgt, (tgt as f64 / src as f64).ln()))
        })
        .collect();
    if measured.is_empty() {
        return;
    }
    // Short sentences vary more (a word more or less weighs more): each log ratio's deviation
    // is divided by sqrt(1 + L0 / letters) before the spread is estimated and compared.
    let widen = |src: usize| (1.0 + s.short_letters / src as f64).sqrt();
    let center = if measured.len() >= s.min_beads {
        median(&measured.iter().map(|m| m.3).collect::<Vec<_>>())
    } else {
        s.prior_center
    };
    let residuals: Vec<f64> = measured
        .iter()
        .map(|&(_, src, _, log)| (log - center) / widen(src))
        .collect();
    let scale = if measured.len() >= s.min_beads {
        robust_center_scale(&residuals, s.min_scale).1
    } else {
        s.prior_scale.max(s.min_scale)
    };
    for (&(k, src, tgt, log), residual) in measured.iter().zip(&residuals) {
        let z = residual / scale;
        if z.abs() < s.max_z {
            continue;
        }
        let bead = &ctx.bitext.beads[k];
        let (ratio, usual) = (log.exp(), center.exp());
        let message = if z < 0.0 {
            format!(
                "the translation is much shorter than usual in this document (ratio {ratio:.2}, usual {usual:.2}): something may have been left out"
            )
        } else {
            format!(
                "the translation is much longer than usual in this document (ratio {ratio:.2}, usual {usual:.2}): something may have been added"
            )
        };
        let evidence = format!(
            "target/source letters {tgt}/{src} = {ratio:.2}; z = {z:.1} (median {usual:.2})"
        );
        flags.push(ctx.bead_flag("length-ratio", severity, bead, message, evidence));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn robust_statistics_ignore_outliers() {
        let (c, s) = robust_center_scale(&[0.1, 0.2, 0.15, 0.18, 5.0], 0.01);
        assert!((c - 0.18).abs() < 1e-9, "{c}");
        assert!(s < 0.1, "{s}");
    }

    #[test]
    fn flags_a_translation_that_lost_most_of_its_content() {
        let b = pairs(&[(
            "أعرب وزير الدفاع الأمريكي عن رغبته في تعزيز وتوسيع الشراكة بين البلدين.",
            "The minister spoke.",
        )]);
        assert!(codes(&b).contains(&"length-ratio".to_string()));
        let b = pairs(&[(
            "أعرب وزير الدفاع الأمريكي عن رغبته في تعزيز وتوسيع الشراكة بين البلدين.",
            "The US defence secretary expressed his wish to strengthen and broaden the partnership between the two countries.",
        )]);
        assert!(!codes(&b).contains(&"length-ratio".to_string()));
    }
}
