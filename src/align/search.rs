//! The search: dynamic programming over a band of the (source prefix, target prefix) grid.
//!
//! A node `(i, j)` means "the first `i` source and `j` target sentences are aligned". A bead of
//! type `(a, b)` goes from `(i − a, j − b)` to `(i, j)`. The band gives, for every row `i`, an
//! interval `[lo_i, hi_i]` of allowed `j`; both bounds are non-decreasing and consecutive rows
//! overlap, so a path from `(0, 0)` to `(n, m)` always exists inside it.
//!
//! Exact search uses the full band. For long documents, [`coarse_to_fine`] halves both sides by
//! merging neighbouring sentences until the grid is small, solves that exactly, and projects the
//! path one level down, widened by a few cells, as the band of the finer level (Vecalign's
//! scheme, with sparse tf-idf vectors instead of embeddings). Time and memory are then linear in
//! the document length: no n×m matrix is ever allocated, and the similarity of a pair is
//! computed only inside the band, from an inverted index of the target side.

use super::embedding::{Dense, EmbeddingLevel, dot};
use super::features::{FeatureId, SparseVec};
use super::length::LengthModel;

/// Allowed `j` per row: `lo[i]..=hi[i]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
}

impl Band {
    /// Every node of the grid.
    pub fn full(n: usize, m: usize) -> Band {
        Band {
            lo: vec![0; n + 1],
            hi: vec![m; n + 1],
        }
    }

    /// Whether node `(i, j)` is inside.
    pub fn contains(&self, i: usize, j: usize) -> bool {
        self.lo[i] <= j && j <= self.hi[i]
    }

    /// Number of nodes.
    #[cfg(test)]
    pub fn cells(&self) -> usize {
        self.lo.iter().zip(&self.hi).map(|(l, h)| h - l + 1).sum()
    }

    /// The band of a finer level (`n` × `m`) around a coarse path whose nodes are at half
    /// resolution, widened by `width` cells on each side.
    pub fn around_coarse_path(path: &[(usize, usize)], n: usize, m: usize, width: usize) -> Band {
        let scaled: Vec<(usize, usize)> = path
            .iter()
            .map(|&(i, j)| ((2 * i).min(n), (2 * j).min(m)))
            .collect();
        Band::around_path(&scaled, n, m, width)
    }

    /// The band around a path of the same resolution (from `(0, 0)` to `(n, m)`), widened by
    /// `width` cells on each side.
    pub fn around_path(path: &[(usize, usize)], n: usize, m: usize, width: usize) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0usize; n + 1];
        for pair in path.windows(2) {
            let ((i0, j0), (i1, j1)) = (pair[0], pair[1]);
            for i in i0..=i1.min(n) {
                lo[i] = lo[i].min(j0);
                hi[i] = hi[i].max(j1.min(m));
            }
        }
        Band::widened(lo, hi, n, m, width)
    }

    /// Widens per-row intervals by `width` (in both directions, rows included), then makes the
    /// bounds monotone and anchored at `(0, 0)` and `(n, m)`.
    fn widened(mut lo: Vec<usize>, mut hi: Vec<usize>, n: usize, m: usize, width: usize) -> Band {
        for i in 0..=n {
            if lo[i] == usize::MAX {
                lo[i] = if i > 0 { lo[i - 1] } else { 0 };
                hi[i] = if i > 0 { hi[i - 1] } else { 0 };
            }
        }
        // Rows: a node may move `width` rows as well, so take the min/max over a row window.
        let lo_rows: Vec<usize> = (0..=n)
            .map(|i| {
                lo[i.saturating_sub(width)..=(i + width).min(n)]
                    .iter()
                    .copied()
                    .min()
                    .unwrap_or(0)
            })
            .collect();
        let hi_rows: Vec<usize> = (0..=n)
            .map(|i| {
                hi[i.saturating_sub(width)..=(i + width).min(n)]
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(m)
            })
            .collect();
        let mut lo: Vec<usize> = lo_rows.iter().map(|l| l.saturating_sub(width)).collect();
        let mut hi: Vec<usize> = hi_rows.iter().map(|h| (h + width).min(m)).collect();
        lo[0] = 0;
        hi[n] = m;
        for i in (0..n).rev() {
            lo[i] = lo[i].min(lo[i + 1]);
        }
        for i in 1..=n {
            hi[i] = hi[i].max(hi[i - 1]);
        }
        for i in 0..n {
            // consecutive rows overlap, so a path always exists
            lo[i + 1] = lo[i + 1].min(hi[i]);
        }
        Band { lo, hi }
    }
}

/// The settings of the cost function and of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CostParams {
    /// Bead types `(a, b)` allowed (without `(0, 0)`).
    pub bead_types: Vec<(usize, usize)>,
    /// Weight of the length cost.
    pub length_weight: f64,
    /// Weight of the per-sentence normalisation (0 = off).
    pub sentence_norm: f64,
    /// Subtract the similarity of random spans of the same sizes (off at coarse levels, where
    /// random blocks of a long document are already very similar).
    pub chance_correction: bool,
    /// Bead weight = ((a+b)/2)^(1−e) · (a·b)^e: 0 weighs sentences, 1 sentence pairs (Vecalign).
    pub size_exponent: f64,
    /// Penalty of a 1-n / n-1 bead per extra sentence.
    pub expand_penalty: f64,
    /// Penalty of an m-n bead with both sides ≥ 2.
    pub many_penalty: f64,
    /// Quantile of per-sentence best 1-1 costs that calibrates the null cost.
    pub null_quantile: f64,
    /// Factor on that quantile.
    pub null_scale: f64,
    /// Minimum null cost per sentence.
    pub null_floor: f64,
    /// Weight, in null costs, of a poorly covered constituent of a multi-sentence side.
    pub orphan_weight: f64,
    /// Cosine with the other span below which a constituent counts as poorly covered.
    pub orphan_threshold: f64,
    /// Weight of the embedding view in a bead's similarity (the level's other views weigh
    /// `1 −` this); unused when the level has no embeddings.
    pub embedding_weight: f64,
}

/// One level of the search: sentence (or block) vectors and lengths of both sides.
#[derive(Debug, Clone)]
pub(crate) struct Level {
    pub src: Vec<SparseVec>,
    pub tgt: Vec<SparseVec>,
    pub src_len: Vec<usize>,
    pub tgt_len: Vec<usize>,
    /// Sentence embeddings of both sides, when given.
    pub emb: Option<EmbeddingLevel>,
}

impl Level {
    /// Merges neighbouring pairs on both sides (the next coarser level), keeping only the
    /// features `keep` says are discriminative.
    pub fn halved(&self, keep: &[bool]) -> Level {
        let halve_vecs = |v: &[SparseVec]| -> Vec<SparseVec> {
            v.chunks(2)
                .map(|c| {
                    let merged = if c.len() == 2 {
                        c[0].sum(&c[1])
                    } else {
                        c[0].clone()
                    };
                    SparseVec {
                        entries: merged
                            .entries
                            .into_iter()
                            .filter(|(id, _)| keep[*id as usize])
                            .collect(),
                    }
                })
                .collect()
        };
        let halve_lens =
            |v: &[usize]| -> Vec<usize> { v.chunks(2).map(|c| c.iter().sum()).collect() };
        Level {
            src: halve_vecs(&self.src),
            tgt: halve_vecs(&self.tgt),
            src_len: halve_lens(&self.src_len),
            tgt_len: halve_lens(&self.tgt_len),
            emb: self.emb.as_ref().map(EmbeddingLevel::halved),
        }
    }
}

/// A bead of the solution: sizes and the similarity of its two spans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Step {
    pub a: usize,
    pub b: usize,
    pub similarity: f64,
    pub length_cost: f64,
    /// For a null bead: the best similarity its sentence had with any sentence of the band.
    pub best_alternative: f64,
}

/// Dot products of source and target sentences inside the band, one dense row per source
/// sentence over the target range its beads can reach.
struct PairDots {
    start: Vec<usize>,
    first: Vec<usize>,
    len: Vec<usize>,
    values: Vec<f32>,
}

impl PairDots {
    fn compute(level: &Level, band: &Band, reach: usize) -> PairDots {
        let (n, m) = (level.src.len(), level.tgt.len());
        let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
        for (t, v) in level.tgt.iter().enumerate() {
            for &(id, w) in &v.entries {
                let id = id as usize;
                if id >= postings.len() {
                    postings.resize_with(id + 1, Vec::new);
                }
                postings[id].push((t as u32, w));
            }
        }
        PairDots::banded(n, m, band, reach, |s, lo, row| {
            let hi = lo + row.len();
            for &(id, w) in &level.src[s].entries {
                let Some(list) = postings.get(id as usize) else {
                    continue;
                };
                let from = list.partition_point(|p| (p.0 as usize) < lo);
                for &(t, wt) in list[from..].iter().take_while(|p| (p.0 as usize) < hi) {
                    row[t as usize - lo] += w * wt;
                }
            }
        })
    }

    /// The same layout as [`PairDots::compute`], for dense rows (embeddings).
    fn compute_dense(src: &Dense, tgt: &Dense, band: &Band, reach: usize) -> PairDots {
        PairDots::banded(src.len(), tgt.len(), band, reach, |s, lo, row| {
            for (k, value) in row.iter_mut().enumerate() {
                *value = dot(src.row(s), tgt.row(lo + k));
            }
        })
    }

    /// The layout both kinds share: source sentence `s` gets a row over the targets its beads can
    /// reach (the band widened by `reach`), zeroed, which `fill(s, first target, row)` writes.
    fn banded(
        n: usize,
        m: usize,
        band: &Band,
        reach: usize,
        mut fill: impl FnMut(usize, usize, &mut [f32]),
    ) -> PairDots {
        let (mut start, mut first, mut len) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut values = Vec::new();
        for s in 0..n {
            let lo = band.lo[s + 1].saturating_sub(reach);
            let hi = band.hi[(s + reach).min(n)].min(m).max(lo);
            start.push(values.len());
            first.push(lo);
            len.push(hi - lo);
            let row_start = values.len();
            values.resize(row_start + (hi - lo), 0.0);
            fill(s, lo, &mut values[row_start..]);
        }
        PairDots {
            start,
            first,
            len,
            values,
        }
    }

    fn get(&self, s: usize, t: usize) -> f32 {
        let off = t.wrapping_sub(self.first[s]);
        if off < self.len[s] {
            self.values[self.start[s] + off]
        } else {
            0.0
        }
    }
}

/// Squared norms of spans ending at each position: `norms[i * (max + 1) + a]` is the squared
/// norm of the sum of vectors `i − a .. i`.
fn span_norms(vectors: &[SparseVec], max: usize) -> Vec<f32> {
    let n = vectors.len();
    let mut norms = vec![0.0f32; (n + 1) * (max + 1)];
    // self[k][d] = dot(v_k, v_{k+d}), with v_k scattered into a dense array: a neighbour's dot
    // is then one lookup per entry instead of a merge of two long lists (glossed sentences
    // have hundreds of features). The products are summed in the same order as
    // `SparseVec::dot`, plus exact zeros, so the sums are bit-identical.
    let dim = vectors
        .iter()
        .filter_map(|v| v.entries.last())
        .map(|e| e.0 as usize + 1)
        .max()
        .unwrap_or(0);
    let mut dense = vec![0.0f32; dim];
    let selfdots: Vec<Vec<f32>> = (0..n)
        .map(|k| {
            for &(id, w) in &vectors[k].entries {
                dense[id as usize] = w;
            }
            let row = (0..max.min(n - k))
                .map(|d| {
                    vectors[k + d]
                        .entries
                        .iter()
                        .fold(0.0f32, |sum, &(id, w)| sum + dense[id as usize] * w)
                })
                .collect();
            for &(id, _) in &vectors[k].entries {
                dense[id as usize] = 0.0;
            }
            row
        })
        .collect();
    for i in 1..=n {
        for a in 1..=max.min(i) {
            let prev = norms[i * (max + 1) + a - 1];
            // add v_{i-a}: its own square plus twice its dots with v_{i-a+1..i}
            let k = i - a;
            let add = selfdots[k][0] + 2.0 * selfdots[k][1..a].iter().sum::<f32>();
            // prev is the norm of i-a+1..i, stored at row i with length a-1
            norms[i * (max + 1) + a] = prev + add;
        }
    }
    norms
}

/// Everything needed to cost a bead at one level.
struct Scorer<'a> {
    level: &'a Level,
    dots: PairDots,
    src_norms: Vec<f32>,
    tgt_norms: Vec<f32>,
    max_a: usize,
    max_b: usize,
    src_prefix: Vec<usize>,
    tgt_prefix: Vec<usize>,
    length: LengthModel,
    params: &'a CostParams,
    null_cost: f64,
    /// `size_weight[a][b]`: how many sentence pairs' worth of evidence a bead stands for.
    size_weight: Vec<Vec<f64>>,
    /// Per-sentence excess similarity to the band (source, target); empty when off.
    sentence_excess: (Vec<f64>, Vec<f64>),
    /// `baseline[a][b]`: mean similarity of unrelated spans of `a` and `b` sentences.
    baseline: Vec<Vec<f64>>,
    /// The embedding view, when the level has embeddings and its weight is not 0.
    emb: Option<EmbeddingScorer<'a>>,
}

/// The embedding view of one level: dot products of sentence embeddings inside the band, span
/// norms, and the cosine of unrelated spans of each size.
struct EmbeddingScorer<'a> {
    dots: PairDots,
    src_norms: Vec<f32>,
    tgt_norms: Vec<f32>,
    baseline: Vec<Vec<f64>>,
    weight: f64,
    /// The embeddings themselves, for spans embedded whole (pair embeddings).
    level: &'a EmbeddingLevel,
}

impl<'a> EmbeddingScorer<'a> {
    fn new(
        level: &'a EmbeddingLevel,
        band: &Band,
        params: &CostParams,
        (max_a, max_b): (usize, usize),
    ) -> EmbeddingScorer<'a> {
        let reach = max_a.max(max_b);
        let mut scorer = EmbeddingScorer {
            dots: PairDots::compute_dense(&level.src, &level.tgt, band, reach),
            src_norms: level.src.span_norms(max_a),
            tgt_norms: level.tgt.span_norms(max_b),
            baseline: vec![vec![0.0; max_b + 1]; max_a + 1],
            weight: params.embedding_weight,
            level,
        };
        // the mean cosine of random spans of each bead type (fixed seed: reproducible)
        const SAMPLES: usize = 200;
        let (n, m) = (level.src.len(), level.tgt.len());
        let mut rng = fastrand::Rng::with_seed(0x0065_6d62_6564);
        let span = |d: &Dense, i: usize, a: usize| -> Vec<f32> {
            let mut sum = vec![0.0f32; d.dim];
            for k in i - a..i {
                sum.iter_mut().zip(d.row(k)).for_each(|(s, x)| *s += x);
            }
            sum
        };
        for &(a, b) in &params.bead_types {
            if a == 0 || b == 0 || a > n || b > m {
                continue;
            }
            let mut total = 0.0;
            for _ in 0..SAMPLES {
                let i = rng.usize(a..=n);
                let j = rng.usize(b..=m);
                if let (Some(x), Some(y)) = (
                    level.whole_span(true, i, a).filter(|_| a.max(b) == 2),
                    level.whole_span(false, j, b).filter(|_| a.max(b) == 2),
                ) {
                    total += f64::from(dot(x, y));
                    continue;
                }
                let (x, y) = (span(&level.src, i, a), span(&level.tgt, j, b));
                let norms = f64::from(dot(&x, &x)) * f64::from(dot(&y, &y));
                if norms > 0.0 {
                    total += f64::from(dot(&x, &y)) / norms.sqrt();
                }
            }
            scorer.baseline[a][b] = (total / SAMPLES as f64).clamp(0.0, 0.95);
        }
        scorer
    }

    /// Cosine of the spans ending at `(i, j)`: of their embeddings when both are embedded
    /// whole and one has two sentences, else of the pooled sentence embeddings.
    fn cosine(&self, i: usize, j: usize, a: usize, b: usize, max: (usize, usize)) -> f64 {
        if a.max(b) == 2
            && self.level.src_pairs.is_some()
            && let (Some(x), Some(y)) = (
                self.level.whole_span(true, i, a),
                self.level.whole_span(false, j, b),
            )
        {
            return f64::from(dot(x, y)).clamp(-1.0, 1.0);
        }
        let ns = self.src_norms[i * (max.0 + 1) + a];
        let nt = self.tgt_norms[j * (max.1 + 1) + b];
        if ns <= 0.0 || nt <= 0.0 {
            return 0.0;
        }
        let mut sum = 0.0f32;
        for s in i - a..i {
            for t in j - b..j {
                sum += self.dots.get(s, t);
            }
        }
        (f64::from(sum) / (f64::from(ns) * f64::from(nt)).sqrt()).clamp(-1.0, 1.0)
    }

    /// Cosine above chance, rescaled so that 1 stays 1 (negative below chance).
    fn adjusted(&self, i: usize, j: usize, a: usize, b: usize, max: (usize, usize)) -> f64 {
        let base = self.baseline[a][b];
        (self.cosine(i, j, a, b, max) - base) / (1.0 - base)
    }
}

fn prefix_sums(v: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(v.len() + 1);
    out.push(0);
    for x in v {
        out.push(out.last().copied().unwrap_or(0) + x);
    }
    out
}

impl<'a> Scorer<'a> {
    fn new(
        level: &'a Level,
        band: &Band,
        params: &'a CostParams,
        length: LengthModel,
    ) -> Scorer<'a> {
        let max_a = params.bead_types.iter().map(|t| t.0).max().unwrap_or(1);
        let max_b = params.bead_types.iter().map(|t| t.1).max().unwrap_or(1);
        let reach = max_a.max(max_b);
        let mut scorer = Scorer {
            level,
            dots: PairDots::compute(level, band, reach),
            src_norms: span_norms(&level.src, max_a),
            tgt_norms: span_norms(&level.tgt, max_b),
            max_a,
            max_b,
            src_prefix: prefix_sums(&level.src_len),
            tgt_prefix: prefix_sums(&level.tgt_len),
            length,
            params,
            null_cost: 0.0,
            baseline: Vec::new(),
            emb: level
                .emb
                .as_ref()
                .filter(|_| params.embedding_weight > 0.0)
                .map(|e| EmbeddingScorer::new(e, band, params, (max_a, max_b))),
            sentence_excess: (Vec::new(), Vec::new()),
            size_weight: (0..=max_a)
                .map(|a| {
                    (0..=max_b)
                        .map(|b| {
                            let (a, b) = (a as f64, b as f64);
                            ((a + b) / 2.0).powf(1.0 - params.size_exponent)
                                * (a * b).powf(params.size_exponent)
                        })
                        .collect()
                })
                .collect(),
        };
        scorer.baseline = scorer.random_baselines();
        if params.sentence_norm > 0.0 {
            scorer.sentence_excess = scorer.sentence_excess();
        }
        scorer.null_cost = scorer.calibrate_null_cost(band);
        scorer
    }

    /// Similarity (cosine of the summed vectors) of the spans ending at `(i, j)`.
    fn similarity(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let ns = self.src_norms[i * (self.max_a + 1) + a];
        let nt = self.tgt_norms[j * (self.max_b + 1) + b];
        if ns <= 0.0 || nt <= 0.0 {
            return 0.0;
        }
        let mut dot = 0.0f32;
        for s in i - a..i {
            for t in j - b..j {
                dot += self.dots.get(s, t);
            }
        }
        (f64::from(dot) / (f64::from(ns) * f64::from(nt)).sqrt()).clamp(0.0, 1.0)
    }

    fn length_cost(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let ls = self.src_prefix[i] - self.src_prefix[i - a];
        let lt = self.tgt_prefix[j] - self.tgt_prefix[j - b];
        self.length.cost(ls, lt)
    }

    /// The cost of a non-null bead, without its type penalty.
    /// The mean similarity of spans of `a` and `b` sentences taken at random positions: larger
    /// spans share more words by chance, so raw similarity would reward merging.
    fn random_baselines(&self) -> Vec<Vec<f64>> {
        const SAMPLES: usize = 200;
        let (n, m) = (self.level.src.len(), self.level.tgt.len());
        let mut rng = fastrand::Rng::with_seed(0x007a_6a61_6d61);
        let mut baseline = vec![vec![0.0; self.max_b + 1]; self.max_a + 1];
        let span = |v: &[SparseVec]| v.iter().skip(1).fold(v[0].clone(), |acc, x| acc.sum(x));
        for &(a, b) in &self.params.bead_types {
            if a == 0 || b == 0 || a > n || b > m {
                continue;
            }
            let mut total = 0.0;
            for _ in 0..SAMPLES {
                let i = rng.usize(a..=n);
                let j = rng.usize(b..=m);
                let x = span(&self.level.src[i - a..i]);
                let y = span(&self.level.tgt[j - b..j]);
                let norms = f64::from(x.dot(&x)) * f64::from(y.dot(&y));
                if norms > 0.0 {
                    total += f64::from(x.dot(&y)) / norms.sqrt();
                }
            }
            baseline[a][b] = (total / SAMPLES as f64).clamp(0.0, 0.9);
        }
        baseline
    }

    /// How much more similar each sentence is to the sentences of its band than a random
    /// pair is on average (Vecalign's per-sentence normalisation, over the band): generic
    /// sentences that resemble everything get a higher baseline.
    fn sentence_excess(&self) -> (Vec<f64>, Vec<f64>) {
        let (n, m) = (self.level.src.len(), self.level.tgt.len());
        let global = self
            .baseline
            .get(1)
            .and_then(|r| r.get(1))
            .copied()
            .unwrap_or(0.0);
        let mut src = vec![0.0; n];
        let mut tgt_sum = vec![0.0; m];
        let mut tgt_count = vec![0usize; m];
        for (s, excess) in src.iter_mut().enumerate() {
            let ns = f64::from(self.src_norms[(s + 1) * (self.max_a + 1) + 1]);
            let (first, len) = (self.dots.first[s], self.dots.len[s]);
            let mut total = 0.0;
            for t in first..(first + len).min(m) {
                let nt = f64::from(self.tgt_norms[(t + 1) * (self.max_b + 1) + 1]);
                let cos = if ns > 0.0 && nt > 0.0 {
                    f64::from(self.dots.get(s, t)) / (ns * nt).sqrt()
                } else {
                    0.0
                };
                total += cos;
                tgt_sum[t] += cos;
                tgt_count[t] += 1;
            }
            *excess = if len > 0 {
                total / len as f64 - global
            } else {
                0.0
            };
        }
        let tgt = tgt_sum
            .iter()
            .zip(&tgt_count)
            .map(|(sum, &c)| if c > 0 { sum / c as f64 - global } else { 0.0 })
            .collect();
        (src, tgt)
    }

    /// Similarity above chance, rescaled so that 1 stays 1: with embeddings, the weighted mean
    /// of the embedding view's and the other views'.
    fn adjusted_similarity(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let Some(emb) = &self.emb else {
            return self.adjusted_lexical(i, j, a, b);
        };
        let e = emb.adjusted(i, j, a, b, (self.max_a, self.max_b));
        (1.0 - emb.weight) * self.adjusted_lexical(i, j, a, b) + emb.weight * e
    }

    /// What the bead's score reports as its similarity: the other views' raw similarity, and
    /// with embeddings the weighted mean of that and the embedding similarity above chance.
    fn reported_similarity(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let lexical = self.similarity(i, j, a, b);
        let Some(emb) = &self.emb else {
            return lexical;
        };
        let e = emb
            .adjusted(i, j, a, b, (self.max_a, self.max_b))
            .clamp(0.0, 1.0);
        (1.0 - emb.weight) * lexical + emb.weight * e
    }

    /// The similarity of the other views (MT, lexicon, anchors) above chance.
    fn adjusted_lexical(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        if !self.params.chance_correction {
            return self.similarity(i, j, a, b);
        }
        let mut base = self.baseline[a][b];
        if !self.sentence_excess.0.is_empty() {
            let src: f64 = self.sentence_excess.0[i - a..i].iter().sum::<f64>() / a as f64;
            let tgt: f64 = self.sentence_excess.1[j - b..j].iter().sum::<f64>() / b as f64;
            base = (base + self.params.sentence_norm * (src + tgt) / 2.0).clamp(0.0, 0.95);
        }
        (self.similarity(i, j, a, b) - base) / (1.0 - base)
    }

    fn match_cost(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let sim = self.adjusted_similarity(i, j, a, b);
        self.size_weight[a][b] * (1.0 - sim)
            + self.params.length_weight * self.size_weight[a][b] * self.length_cost(i, j, a, b)
    }

    fn type_penalty(&self, a: usize, b: usize) -> f64 {
        if a >= 2 && b >= 2 {
            self.params.many_penalty
        } else {
            self.params.expand_penalty * (a.max(b) - 1) as f64
        }
    }

    /// The cost of a bead, or infinity as soon as it is known to be at least `limit` (the
    /// length cost, the dearest part, is computed only for beads that can still win).
    fn bead_cost_below(&self, i: usize, j: usize, a: usize, b: usize, limit: f64) -> f64 {
        if a == 0 || b == 0 {
            return self.null_cost * (a + b) as f64;
        }
        let mut partial = self.type_penalty(a, b)
            + self.size_weight[a][b] * (1.0 - self.adjusted_similarity(i, j, a, b));
        if partial >= limit {
            return f64::INFINITY;
        }
        partial += self.orphan_cost(i, j, a, b);
        if partial >= limit {
            return f64::INFINITY;
        }
        partial + self.params.length_weight * self.size_weight[a][b] * self.length_cost(i, j, a, b)
    }

    /// What the poorly covered sentences of a 1-n / n-1 / m-n bead cost: each sentence of a
    /// multi-sentence side whose cosine with the whole other span is below the threshold pays
    /// part of a null bead, so a bead cannot swallow unrelated fragments (OCR debris,
    /// captions) for less than leaving them unaligned.
    fn orphan_cost(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let p = self.params;
        if p.orphan_weight <= 0.0 || (a < 2 && b < 2) || !p.chance_correction {
            return 0.0;
        }
        let mut shortfall = 0.0;
        if a >= 2 {
            let nt = f64::from(self.tgt_norms[j * (self.max_b + 1) + b]);
            for s in i - a..i {
                let ns = f64::from(self.src_norms[(s + 1) * (self.max_a + 1) + 1]);
                let dot: f32 = (j - b..j).map(|t| self.dots.get(s, t)).sum();
                shortfall += self.orphan_shortfall(f64::from(dot), ns * nt);
            }
        }
        if b >= 2 {
            let ns = f64::from(self.src_norms[i * (self.max_a + 1) + a]);
            for t in j - b..j {
                let nt = f64::from(self.tgt_norms[(t + 1) * (self.max_b + 1) + 1]);
                let dot: f32 = (i - a..i).map(|s| self.dots.get(s, t)).sum();
                shortfall += self.orphan_shortfall(f64::from(dot), ns * nt);
            }
        }
        p.orphan_weight * self.null_cost * shortfall
    }

    /// How far below the coverage threshold one constituent's cosine is, in `0..=1`.
    fn orphan_shortfall(&self, dot: f64, norms_squared: f64) -> f64 {
        let cos = if norms_squared > 0.0 {
            dot / norms_squared.sqrt()
        } else {
            0.0
        };
        let threshold = self.params.orphan_threshold.max(1e-9);
        (1.0 - cos / threshold).clamp(0.0, 1.0)
    }

    /// The null cost of this document: a quantile of the best 1-1 cost each sentence can get
    /// inside the band. Sentences whose best pairing is worse than most are the likely
    /// insertions and deletions.
    fn calibrate_null_cost(&self, band: &Band) -> f64 {
        if !self.params.chance_correction {
            // Coarse levels of a long document: blocks that repeat elsewhere make every block's
            // best match excellent, so the quantile rule would make nulls free. A null costs
            // what a pairing with an unrelated block costs instead.
            let random = self
                .baseline
                .get(1)
                .and_then(|r| r.get(1))
                .copied()
                .unwrap_or(0.0);
            return (1.0 - random).max(self.params.null_floor);
        }
        let n = self.level.src.len();
        let m = self.level.tgt.len();
        let mut best_src = vec![f64::INFINITY; n];
        let mut best_tgt = vec![f64::INFINITY; m];
        for (s, best) in best_src.iter_mut().enumerate() {
            let lo = band.lo[s + 1].max(1);
            let hi = band.hi[s + 1];
            for j in lo..=hi {
                let c = self.match_cost(s + 1, j, 1, 1);
                *best = best.min(c);
                best_tgt[j - 1] = best_tgt[j - 1].min(c);
            }
        }
        let mut all: Vec<f64> = best_src
            .into_iter()
            .chain(best_tgt)
            .filter(|c| c.is_finite())
            .collect();
        if all.is_empty() {
            return self.params.null_floor.max(1.0);
        }
        let k = ((all.len() - 1) as f64 * self.params.null_quantile).round() as usize;
        let (_, q, _) = all.select_nth_unstable_by(k, f64::total_cmp);
        (*q * self.params.null_scale).max(self.params.null_floor)
    }

    /// Best similarity of one sentence with any sentence of the other side inside its reach.
    fn best_alternative(&self, i: usize, j: usize, a: usize) -> f64 {
        let mut best = 0.0f64;
        if a == 1 {
            let s = i - 1;
            for k in 0..self.dots.len[s] {
                let t = self.dots.first[s] + k;
                if t < self.level.tgt.len() {
                    best = best.max(self.reported_similarity(i, t + 1, 1, 1));
                }
            }
        } else {
            // Rows whose reach contains target t are contiguous: `first` and `first + len`
            // are both non-decreasing.
            let t = j - 1;
            let rows = self.level.src.len();
            let begin = partition(rows, |s| self.dots.first[s] + self.dots.len[s] <= t);
            let end = partition(rows, |s| self.dots.first[s] <= t);
            for s in begin..end {
                best = best.max(self.reported_similarity(s + 1, j, 1, 1));
            }
        }
        best
    }
}

/// The first index in `0..len` where `pred` is false (`pred` must be true then false).
fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Solves the DP inside `band` and returns the beads in order.
pub(crate) fn solve(
    level: &Level,
    band: &Band,
    params: &CostParams,
    length: LengthModel,
) -> Vec<Step> {
    let (n, m) = (level.src.len(), level.tgt.len());
    let scorer = Scorer::new(level, band, params, length);
    let mut row_start = Vec::with_capacity(n + 2);
    row_start.push(0usize);
    for i in 0..=n {
        row_start.push(row_start[i] + band.hi[i] - band.lo[i] + 1);
    }
    let cells = row_start[n + 1];
    let mut cost = vec![f64::INFINITY; cells];
    let mut back = vec![u8::MAX; cells];
    let index = |i: usize, j: usize| row_start[i] + j - band.lo[i];
    cost[index(0, 0)] = 0.0;
    for i in 0..=n {
        for j in band.lo[i]..=band.hi[i] {
            let mut best = if i == 0 && j == 0 { 0.0 } else { f64::INFINITY };
            let mut best_type = u8::MAX;
            for (k, &(a, b)) in params.bead_types.iter().enumerate() {
                if a > i || b > j || !band.contains(i - a, j - b) {
                    continue;
                }
                let before = cost[index(i - a, j - b)];
                if !before.is_finite() || before >= best {
                    continue;
                }
                let c = before + scorer.bead_cost_below(i, j, a, b, best - before);
                if c < best {
                    best = c;
                    best_type = k as u8;
                }
            }
            cost[index(i, j)] = best;
            back[index(i, j)] = best_type;
        }
    }
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let k = back[index(i, j)];
        let (a, b) = params.bead_types[k as usize];
        let (similarity, length_cost, best_alternative) = if a > 0 && b > 0 {
            (
                scorer.reported_similarity(i, j, a, b),
                scorer.length_cost(i, j, a, b),
                0.0,
            )
        } else {
            (0.0, 0.0, scorer.best_alternative(i, j, a))
        };
        steps.push(Step {
            a,
            b,
            similarity,
            length_cost,
            best_alternative,
        });
        i -= a;
        j -= b;
    }
    steps.reverse();
    steps
}

/// Cost components of beads `(i, j, a, b)` (ending at node `(i, j)`), for error analysis:
/// `[total, type penalty, similarity part, orphan part, length part, raw similarity]`.
#[cfg(test)]
pub(crate) fn explain_costs(
    level: &Level,
    params: &CostParams,
    length: LengthModel,
    beads: &[(usize, usize, usize, usize)],
) -> Vec<[f64; 6]> {
    let (n, m) = (level.src.len(), level.tgt.len());
    let scorer = Scorer::new(level, &Band::full(n, m), params, length);
    beads
        .iter()
        .map(|&(i, j, a, b)| {
            if a == 0 || b == 0 {
                let c = scorer.null_cost * (a + b) as f64;
                return [c, 0.0, 0.0, 0.0, 0.0, 0.0];
            }
            let w = scorer.size_weight[a][b];
            let pen = scorer.type_penalty(a, b);
            let sim = w * (1.0 - scorer.adjusted_similarity(i, j, a, b));
            let orphan = scorer.orphan_cost(i, j, a, b);
            let len = params.length_weight * w * scorer.length_cost(i, j, a, b);
            [
                pen + sim + orphan + len,
                pen,
                sim,
                orphan,
                len,
                scorer.similarity(i, j, a, b),
            ]
        })
        .collect()
}

/// Nodes visited by a path of steps, starting at `(0, 0)`.
pub(crate) fn path_nodes(steps: &[Step]) -> Vec<(usize, usize)> {
    let mut nodes = vec![(0, 0)];
    let (mut i, mut j) = (0, 0);
    for s in steps {
        i += s.a;
        j += s.b;
        nodes.push((i, j));
    }
    nodes
}

/// Features frequent enough to be noise at coarse levels (in more than `fraction` of the
/// sentences) are dropped there: every block contains them.
pub(crate) fn discriminative_features(
    level: &Level,
    fraction: f64,
    fine_only: &[bool],
) -> Vec<bool> {
    let max_id = level
        .src
        .iter()
        .chain(&level.tgt)
        .flat_map(|v| v.entries.iter().map(|e| e.0))
        .max()
        .map_or(0, |m: FeatureId| m as usize + 1);
    let mut df = vec![0usize; max_id];
    for v in level.src.iter().chain(&level.tgt) {
        for &(id, _) in &v.entries {
            df[id as usize] += 1;
        }
    }
    let limit = ((level.src.len() + level.tgt.len()) as f64 * fraction).max(4.0) as usize;
    df.into_iter()
        .enumerate()
        .map(|(id, d)| d <= limit && !fine_only.get(id).copied().unwrap_or(false))
        .collect()
}

/// Settings of the coarse-to-fine search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Coarse {
    /// The coarsest level has at most this many nodes (it is solved exactly).
    pub top_cells: usize,
    /// Half-width of the band around the projected path, in cells.
    pub width: usize,
    /// Cost settings at coarse levels (fewer bead types).
    pub params: CostParams,
    /// Features in more than this share of sentences are dropped at coarse levels.
    pub common_fraction: f64,
    /// Features dropped at coarse levels whatever their frequency (by feature id).
    pub fine_only: Vec<bool>,
}

/// Aligns one level: exactly if small enough, otherwise inside a band projected from the
/// alignment of the next coarser level.
pub(crate) fn coarse_to_fine(
    level: &Level,
    params: &CostParams,
    coarse: &Coarse,
    length: LengthModel,
    keep: Option<&[bool]>,
) -> Vec<Step> {
    let (n, m) = (level.src.len(), level.tgt.len());
    if (n + 1) * (m + 1) <= coarse.top_cells || n < 4 || m < 4 {
        return solve(level, &Band::full(n, m), params, length);
    }
    let owned;
    let keep = match keep {
        Some(k) => k,
        None => {
            owned = discriminative_features(level, coarse.common_fraction, &coarse.fine_only);
            &owned
        }
    };
    let band = {
        // the coarser level is dropped before the finer DP allocates its tables
        let coarser = level.halved(keep);
        let coarse_steps = coarse_to_fine(&coarser, &coarse.params, coarse, length, Some(keep));
        Band::around_coarse_path(&path_nodes(&coarse_steps), n, m, coarse.width)
    };
    solve(level, &band, params, length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projected_band_is_monotone_and_connected() {
        let path = vec![(0, 0), (1, 1), (2, 3), (5, 5)];
        let band = Band::around_coarse_path(&path, 10, 10, 1);
        assert_eq!(band.lo[0], 0);
        assert_eq!(band.hi[10], 10);
        for i in 0..10 {
            assert!(band.lo[i] <= band.lo[i + 1] && band.hi[i] <= band.hi[i + 1]);
            assert!(band.lo[i + 1] <= band.hi[i]);
        }
        assert!(band.cells() < 11 * 11);
    }

    #[test]
    fn band_around_a_full_resolution_path_contains_it_and_stays_narrow() {
        let mut path = vec![(0, 0), (1, 2), (3, 3), (4, 3)];
        path.extend((4..=20).map(|k| (k, k)));
        let band = Band::around_path(&path, 20, 20, 2);
        for &(i, j) in &path {
            assert!(band.contains(i, j), "({i}, {j}) outside {band:?}");
        }
        for i in 0..20 {
            assert!(band.lo[i + 1] <= band.hi[i]);
        }
        assert!(band.cells() < 21 * 21 / 2);
    }

    #[test]
    fn span_norms_equal_norms_of_sums() {
        let v = |e: Vec<(u32, f32)>| SparseVec { entries: e };
        let vectors = vec![
            v(vec![(0, 1.0)]),
            v(vec![(0, 2.0), (1, 1.0)]),
            v(vec![(1, 3.0)]),
        ];
        let norms = span_norms(&vectors, 3);
        let sum = vectors[0].sum(&vectors[1]).sum(&vectors[2]);
        assert!((norms[3 * 4 + 3] - sum.dot(&sum)).abs() < 1e-5);
        let sum12 = vectors[1].sum(&vectors[2]);
        assert!((norms[3 * 4 + 2] - sum12.dot(&sum12)).abs() < 1e-5);
    }
}
