//! Gale-Church length model: how surprising is a target span of `lt` characters for a source
//! span of `ls` characters, given the document's length ratio and variance?
//!
//! Gale & Church (1993): δ = (lt − c·ls) / √(s²·ls) is about standard normal for true beads;
//! the cost is −ln P(|X| ≥ |δ|). We use the mean of both lengths (in source units) in the
//! variance, so that a bead with an empty or very short source side stays finite. `c` and `s²`
//! are estimated from the document itself ([`LengthModel::estimate`]).

/// The length model of one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthModel {
    /// Expected target characters per source character.
    pub ratio: f64,
    /// Variance per character of the target length around `ratio · source length`.
    pub variance: f64,
}

impl LengthModel {
    /// Estimates the ratio from the totals of both sides and the variance from a first guess:
    /// Gale & Church measured s² = 6.8 for c ≈ 1; the variance scales with the ratio.
    pub fn estimate(source_lengths: &[usize], target_lengths: &[usize]) -> LengthModel {
        let source: usize = source_lengths.iter().sum();
        let target: usize = target_lengths.iter().sum();
        let ratio = if source == 0 || target == 0 {
            1.0
        } else {
            (target as f64 / source as f64).clamp(0.05, 20.0)
        };
        LengthModel {
            ratio,
            variance: 6.8 * ratio,
        }
    }

    fn scale(&self, source: f64, target: f64) -> f64 {
        (source + target / self.ratio) / 2.0 + 1.0
    }

    /// The standardised length difference δ of a bead.
    pub fn delta(&self, source: usize, target: usize) -> f64 {
        let (s, t) = (source as f64, target as f64);
        (t - self.ratio * s) / (self.variance * self.scale(s, t)).sqrt()
    }

    /// −ln P(|X| ≥ |δ|) for a standard normal X: 0 for a perfect length match, growing about
    /// as δ²/2.
    pub fn cost(&self, source: usize, target: usize) -> f64 {
        neg_ln_two_sided_tail(self.delta(source, target).abs())
    }
}

/// −ln(erfc(x/√2)) = −ln P(|X| ≥ x), computed in log space (Numerical Recipes' erfc
/// approximation, relative error < 1.2e-7) so that large x stay finite.
pub fn neg_ln_two_sided_tail(x: f64) -> f64 {
    let z = x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    -(t.ln() + poly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_probability_matches_the_normal_distribution() {
        assert!(neg_ln_two_sided_tail(0.0).abs() < 1e-6);
        // P(|X| ≥ 1.96) = 0.05
        assert!((neg_ln_two_sided_tail(1.959964) - 0.05f64.ln().abs()).abs() < 1e-5);
        assert!(neg_ln_two_sided_tail(40.0).is_finite());
        assert!(neg_ln_two_sided_tail(3.0) > neg_ln_two_sided_tail(2.0));
    }

    #[test]
    fn ratio_is_estimated_from_the_document() {
        let model = LengthModel::estimate(&[10, 20, 30], &[20, 40, 60]);
        assert!((model.ratio - 2.0).abs() < 1e-12);
        assert!(model.cost(30, 60) < 0.01);
        assert!(model.cost(30, 30) > model.cost(30, 55));
        assert!(model.cost(0, 50).is_finite());
    }
}
