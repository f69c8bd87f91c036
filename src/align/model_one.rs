//! IBM Model 1 (EM with a NULL source word that absorbs function words), shared by the
//! aligner's document lexicon ([`super::lexicon`]) and the quality checks' bitext lexicon
//! (`quality/lexical.rs`).
//!
//! The training corpus is a list of (bead position, source ids, target ids); source id 0 is
//! NULL and every source sentence starts with it. `t(f|e)` is kept only for the pairs that
//! co-occur, stored flat: one entry per distinct (source, target) pair, and for every target
//! word of every bead the entries of its row.

use std::collections::HashMap;

use super::fast_hash::FastMap;

/// Id of the NULL source word.
pub(crate) const NULL: u32 = 0;

/// One training bead: its position, its source ids (NULL first) and its target ids.
pub(crate) type Bead = (usize, Vec<u32>, Vec<u32>);

/// A training bead's own share of an E-step, to take it out again (leave-one-out).
#[derive(Debug, Clone, Default)]
pub(crate) struct BeadShare {
    /// Source id → times in the bead, sorted by id.
    pub multiplicity: Vec<(u32, u32)>,
    /// Source id → its expected count from this bead, sorted by id.
    pub totals: Vec<(u32, f32)>,
    /// Target id → Σ over its occurrences of 1 / (Σ over the bead's source words of p(t|s)),
    /// sorted by id: the bead's count of (s, t) is multiplicity(s) · p(t|s) · weight(t).
    pub weights: Vec<(u32, f32)>,
}

/// IBM Model 1 after training.
pub(crate) struct ModelOne {
    /// The co-occurring (source id, target id) pairs.
    pub pairs: Vec<(u32, u32)>,
    /// `p(target | source)` of each pair.
    pub prob: Vec<f32>,
    /// Each pair's expected count in the last E-step.
    pub counts: Vec<f32>,
    /// Per source id: its expected count in the last E-step.
    pub totals: Vec<f32>,
    /// Per training bead (by position): its share of the last E-step, when asked for.
    pub shares: HashMap<usize, BeadShare>,
    /// For every target word of every bead, the pair index of each of the bead's source words.
    slots: Vec<u32>,
}

impl ModelOne {
    /// `iterations` EM steps from a uniform start over `corpus` (`sources`: size of the source
    /// vocabulary, NULL included).
    pub fn train(corpus: &[Bead], sources: usize, iterations: usize) -> ModelOne {
        let key = |s: u32, t: u32| (u64::from(s) << 32) | u64::from(t);
        let mut index: FastMap<u64, u32> = FastMap::default();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut slots: Vec<u32> = Vec::new();
        for (_, source, target) in corpus {
            for &t in target {
                for &s in source {
                    let next = pairs.len() as u32;
                    slots.push(*index.entry(key(s, t)).or_insert_with(|| {
                        pairs.push((s, t));
                        next
                    }));
                }
            }
        }
        drop(index);
        let mut model = ModelOne {
            prob: vec![1.0; pairs.len()],
            counts: vec![0.0; pairs.len()],
            totals: vec![0.0; sources],
            pairs,
            shares: HashMap::new(),
            slots,
        };
        for _ in 0..iterations {
            model.expect(corpus, false);
            model.maximise();
        }
        model
    }

    /// One more E-step under the trained probabilities, keeping each bead's share of it in
    /// [`ModelOne::shares`] (the probabilities stay as they are).
    pub fn keep_shares(&mut self, corpus: &[Bead]) {
        self.expect(corpus, true);
    }

    /// One E-step: expected counts under the current probabilities.
    fn expect(&mut self, corpus: &[Bead], shares: bool) {
        self.counts.iter_mut().for_each(|x| *x = 0.0);
        self.totals.iter_mut().for_each(|x| *x = 0.0);
        let mut at = 0;
        // A bead's share, kept in vectors reused from bead to bead (a hash map per bead was
        // most of the last E-step): each source word's slot among the bead's distinct ids,
        // and each target word's weight in text order, summed per id once sorted (a stable
        // sort keeps each id's additions in text order, so the sums are the same).
        let (mut distinct, mut slot_of, mut own_totals, mut weights) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (bead, source, target) in corpus {
            if shares {
                distinct.clear();
                distinct.extend_from_slice(source);
                distinct.sort_unstable();
                distinct.dedup();
                slot_of.clear();
                slot_of.extend(
                    source
                        .iter()
                        .map(|s| distinct.binary_search(s).unwrap_or(0)),
                );
                own_totals.clear();
                own_totals.resize(distinct.len(), 0.0_f32);
                weights.clear();
            }
            // Whether a target word was counted (the map had no ids until one was).
            let mut counted = false;
            for &t in target {
                let row = &self.slots[at..at + source.len()];
                at += source.len();
                let denom: f32 = row.iter().map(|&k| self.prob[k as usize]).sum();
                if denom <= 0.0 {
                    continue;
                }
                counted = true;
                for (i, (&k, &s)) in row.iter().zip(source).enumerate() {
                    let c = self.prob[k as usize] / denom;
                    self.counts[k as usize] += c;
                    self.totals[s as usize] += c;
                    if shares {
                        own_totals[slot_of[i]] += c;
                    }
                }
                if shares {
                    weights.push((t, 1.0 / denom));
                }
            }
            if shares {
                let mut multiplicity: Vec<(u32, u32)> = distinct.iter().map(|&s| (s, 0)).collect();
                slot_of.iter().for_each(|&k| multiplicity[k].1 += 1);
                let totals: Vec<(u32, f32)> = if counted {
                    distinct
                        .iter()
                        .copied()
                        .zip(own_totals.iter().copied())
                        .collect()
                } else {
                    Vec::new()
                };
                weights.sort_by_key(|&(t, _)| t);
                let mut summed: Vec<(u32, f32)> = Vec::new();
                for &(t, w) in &weights {
                    match summed.last_mut() {
                        Some((last, sum)) if *last == t => *sum += w,
                        _ => summed.push((t, w)),
                    }
                }
                self.shares.insert(
                    *bead,
                    BeadShare {
                        multiplicity,
                        totals,
                        weights: summed,
                    },
                );
            }
        }
    }

    /// One M-step.
    fn maximise(&mut self) {
        for ((p, &c), &(s, _)) in self.prob.iter_mut().zip(&self.counts).zip(&self.pairs) {
            let total = self.totals[s as usize];
            *p = if total > 0.0 { c / total } else { 0.0 };
        }
    }
}

/// Per target id: found in more than `max_share` of the corpus's beads (at least 2), so too
/// common to be anyone's translation (function words would make every sentence resemble
/// every other).
pub(crate) fn common_targets(corpus: &[Bead], size: usize, max_share: f64) -> Vec<bool> {
    let mut df = vec![0u32; size];
    for (_, _, target) in corpus {
        let mut ids = target.clone();
        ids.sort_unstable();
        ids.dedup();
        ids.iter().for_each(|&t| df[t as usize] += 1);
    }
    let limit = (max_share * corpus.len() as f64).max(2.0) as u32;
    df.into_iter().map(|d| d > limit).collect()
}
