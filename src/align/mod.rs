//! Sentence alignment: monotone beads between source and target sentences.
//!
//! The cost of a bead combines three kinds of evidence:
//! - **similarity** between the machine translation of the source span and the target span, in
//!   the target language: the cosine of summed tf-idf vectors of words, word prefixes and numbers
//!   (`features.rs`). It is computed per bead (span against span) and weighted by the bead's
//!   number of sentences, so merging two good 1-1 pairs into a 2-2 is not rewarded;
//! - a Gale-Church **length** model ([`length`]) on MT length against target length (without
//!   MT, source against target), with the ratio estimated from the document;
//! - **anchors** that need no MT: numbers normalised across digit sets, Latin-script names and
//!   acronyms of an Arabic source found verbatim in the target, quotes and brackets, and
//!   paragraph boundaries when both sides have the same number of paragraphs.
//!
//! Without MT, the similarity has little to go on (anchors only), so the first pass's 1-1 beads
//! train a lexicon (`lexicon.rs`, IBM Model 1) that glosses each source sentence into target
//! words, and the document is aligned again with that gloss in place of an MT (twice: the
//! second lexicon learns from the better beads of the first). The gloss is never written out:
//! the hashed features of each translation word are pooled per sentence. A lexicon pass
//! searches a short document exactly, and a longer one only in a band around the previous
//! pass's path ([`LexiconSettings::exact_cells`]).
//!
//! Null beads (1-0, 0-1) cost a per-document quantile of the best 1-1 cost of each sentence.
//! A 1-n / n-1 / m-n bead also pays part of that null cost for each of its sentences that the
//! other span does not cover at all (orphans: OCR debris, captions), so long beads cannot
//! swallow unrelated fragments for less than leaving them unaligned.
//! The search (`search.rs`) is an exact DP for documents up to a few thousand sentences and a
//! coarse-to-fine banded DP beyond, linear in time and memory.

pub mod chrf;
mod embedding;
pub(crate) mod fast_hash;
mod features;
pub mod length;
mod lexicon;
pub(crate) mod model_one;
mod search;

pub use embedding::{EmbeddingLookup, EmbeddingTuning};
pub use features::FeatureWeights;
pub use lexicon::LexiconSettings;

use crate::bitext::Bead;
use features::Extract;
use length::LengthModel;
use search::{Coarse, CostParams, Level, Step};

/// What to align: sentences of both sides, optionally the MT of each source sentence and the
/// paragraph index of each sentence.
#[derive(Debug, Clone, Copy)]
pub struct AlignInput<'a> {
    /// Source sentences.
    pub source: &'a [&'a str],
    /// Target sentences.
    pub target: &'a [&'a str],
    /// `mt[i]` = machine translation of `source[i]` into the target language (missing entries
    /// count as empty).
    pub mt: Option<&'a [&'a str]>,
    /// `target_mt[j]` = machine translation of `target[j]` back into the source language
    /// (optional second direction: the similarity is then measured in both languages).
    pub target_mt: Option<&'a [&'a str]>,
    /// Paragraph index of each source sentence.
    pub source_paras: Option<&'a [usize]>,
    /// Paragraph index of each target sentence.
    pub target_paras: Option<&'a [usize]>,
}

impl<'a> AlignInput<'a> {
    /// Source and target sentences alone: no MT, no paragraphs (set the other fields with
    /// struct update syntax).
    pub fn new(source: &'a [&'a str], target: &'a [&'a str]) -> AlignInput<'a> {
        AlignInput {
            source,
            target,
            mt: None,
            target_mt: None,
            source_paras: None,
            target_paras: None,
        }
    }
}

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMode {
    /// Exact for grids up to [`AlignOptions::exact_cells`] nodes, banded beyond.
    #[default]
    Auto,
    /// Always exact (memory grows with n×m: only for short documents).
    Exact,
    /// Always coarse-to-fine banded.
    Banded,
}

/// Weights of the cost function (one set with MT, one without).
#[derive(Debug, Clone, PartialEq)]
pub struct CostTuning {
    /// Weight of the length cost (−ln P of the Gale-Church δ).
    pub length_weight: f64,
    /// Bead weight = ((a+b)/2)^(1−e) · (a·b)^e: 0 counts sentences, 1 sentence pairs.
    pub size_exponent: f64,
    /// Weight of the per-sentence normalisation: a sentence that resembles all its neighbours
    /// needs more similarity to count (0 = off).
    pub sentence_norm: f64,
    /// Penalty of 1-n and n-1 beads per sentence beyond the first.
    pub expand_penalty: f64,
    /// Penalty of m-n beads with both sides ≥ 2 (2-2, 2-3, 3-2).
    pub many_penalty: f64,
    /// The null cost per sentence is this quantile of the sentences' best 1-1 costs…
    pub null_quantile: f64,
    /// …times this factor…
    pub null_scale: f64,
    /// …and at least this.
    pub null_floor: f64,
    /// Weight, in null costs, of a sentence of a multi-sentence side that the other span
    /// barely covers (0 = off): absorbing an unrelated fragment into a neighbour's bead
    /// should cost about what leaving it unaligned costs.
    pub orphan_weight: f64,
    /// A constituent sentence whose cosine with the other span is below this counts as
    /// partly orphaned (linearly, fully at 0).
    pub orphan_threshold: f64,
}

/// Settings of the aligner. [`Default`] gives the settings tuned on Text+Berg dev.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignOptions {
    /// Largest side of a 1-n / n-1 bead (at least 1).
    pub max_bead: usize,
    /// Allow 2-2, 2-3 and 3-2 beads.
    pub many_to_many: bool,
    /// Exact, banded or automatic search.
    pub search: SearchMode,
    /// In automatic mode, grids with up to this many nodes are solved exactly.
    pub exact_cells: usize,
    /// The coarsest level of the banded search has at most this many grid nodes.
    pub coarse_top_cells: usize,
    /// Half-width, in sentences, of the band around the projected coarse path.
    pub band_width: usize,
    /// Cost weights when MT of the source is given.
    pub with_mt: CostTuning,
    /// Cost weights when MT is given in both directions (`mt` and `target_mt`): the vectors
    /// are richer, so the null cost is calibrated lower.
    pub with_both_mt: CostTuning,
    /// Cost weights without MT (length and anchors only).
    pub without_mt: CostTuning,
    /// Cost weights of the passes without MT that follow the first, when a lexicon learned
    /// from the previous pass glosses the source.
    pub with_lexicon: CostTuning,
    /// Without MT: learn a lexicon from the first pass's 1-1 beads and align again with the
    /// source glossed by it (`None`: one pass, length and anchors only).
    pub lexicon: Option<LexiconSettings>,
    /// Feature weights.
    pub features: FeatureWeights,
    /// Keep beads inside paragraphs when both sides have the same number of paragraphs.
    pub use_paragraphs: bool,
    /// Weights of the embedding view ([`align_with_embeddings`]).
    pub embeddings: EmbeddingTuning,
}

impl Default for AlignOptions {
    fn default() -> Self {
        let with_mt = CostTuning {
            length_weight: 0.1,
            size_exponent: 0.3,
            sentence_norm: 0.0,
            expand_penalty: 0.1,
            many_penalty: 0.1,
            null_quantile: 0.7,
            null_scale: 1.5,
            null_floor: 0.3,
            orphan_weight: 0.5,
            orphan_threshold: 0.02,
        };
        AlignOptions {
            max_bead: 6,
            many_to_many: true,
            search: SearchMode::Auto,
            exact_cells: 4_000_000,
            coarse_top_cells: 250_000,
            band_width: 8,
            // tuned on dev with both Google MT directions (unit-length views): strict F1 0.912
            with_both_mt: CostTuning {
                null_quantile: 0.6,
                null_scale: 1.0,
                ..with_mt.clone()
            },
            without_mt: CostTuning {
                length_weight: 0.2,
                size_exponent: 0.5,
                sentence_norm: 0.0,
                expand_penalty: 0.2,
                many_penalty: 0.5,
                null_quantile: 0.8,
                null_scale: 1.0,
                null_floor: 0.5,
                // measured on dev: anchor-only vectors are too sparse, most sentences of a
                // correct bead would count as orphans (strict F1 0.840 → 0.751 at 0.5)
                orphan_weight: 0.0,
                orphan_threshold: 0.02,
            },
            // tuned on dev without MT, two lexicon rounds: strict F1 0.840 → 0.888
            with_lexicon: CostTuning {
                length_weight: 0.2,
                ..with_mt.clone()
            },
            lexicon: Some(LexiconSettings::default()),
            features: FeatureWeights::default(),
            use_paragraphs: true,
            embeddings: EmbeddingTuning::default(),
            with_mt,
        }
    }
}

impl AlignOptions {
    fn bead_types(&self) -> Vec<(usize, usize)> {
        let mut types = vec![(1, 1), (1, 0), (0, 1)];
        for k in 2..=self.max_bead.max(1) {
            types.push((1, k));
            types.push((k, 1));
        }
        if self.many_to_many {
            types.extend([(2, 2), (2, 3), (3, 2)]);
        }
        types
    }

    fn cost_params(
        &self,
        chance_correction: bool,
        tuning: &CostTuning,
        bead_types: Vec<(usize, usize)>,
    ) -> CostParams {
        CostParams {
            chance_correction,
            bead_types,
            length_weight: tuning.length_weight,
            size_exponent: tuning.size_exponent,
            sentence_norm: tuning.sentence_norm,
            expand_penalty: tuning.expand_penalty,
            many_penalty: tuning.many_penalty,
            null_quantile: tuning.null_quantile,
            null_scale: tuning.null_scale,
            null_floor: tuning.null_floor,
            orphan_weight: tuning.orphan_weight,
            orphan_threshold: tuning.orphan_threshold,
            embedding_weight: 0.0,
        }
    }
}

/// Aligns source and target sentences. Beads have ids `0..`, are monotone, cover every
/// sentence of both sides exactly once, and carry a score in `0..=1`: for a pair, the mean of
/// the span similarity and the length-model probability; for a 1-0 / 0-1 bead, one minus the
/// best similarity its sentence had with any candidate.
pub fn align(input: &AlignInput<'_>, options: &AlignOptions) -> Vec<Bead> {
    align_views(input, options, None)
}

/// [`align`] with sentence embeddings as one more view of the similarity (see
/// `embedding.rs`): the vectors of every source and target sentence are asked of `lookup` in
/// one call (sources first), and a span's vector is the sum of its sentences' unit vectors.
/// The score of a bead then mixes the embedding similarity above chance into its similarity,
/// so a low score means that both the embeddings and the other evidence find little in common.
/// Fails only when `lookup` does (its reason) or gives vectors of the wrong count or shape.
pub fn align_with_embeddings(
    input: &AlignInput<'_>,
    options: &AlignOptions,
    lookup: &dyn EmbeddingLookup,
) -> Result<Vec<Bead>, String> {
    let (n, m) = (input.source.len(), input.target.len());
    if n == 0 || m == 0 {
        return Ok(trivial_beads(n, m));
    }
    let texts: Vec<&str> = input.source.iter().chain(input.target).copied().collect();
    let vectors = lookup.vectors(&texts)?;
    if vectors.len() != n + m {
        return Err(format!(
            "asked for {} sentence vectors, received {}",
            n + m,
            vectors.len()
        ));
    }
    let dim = vectors[0].len();
    if dim == 0 || vectors.iter().any(|v| v.len() != dim) {
        return Err("sentence vectors of different or zero dimensions".into());
    }
    let mut level = embedding::EmbeddingLevel {
        src: embedding::Dense::unit_rows(&vectors[..n]),
        tgt: embedding::Dense::unit_rows(&vectors[n..]),
        src_pairs: None,
        tgt_pairs: None,
    };
    if options.embeddings.pairs {
        // two neighbouring sentences embedded as one text, as Vecalign/Bertalign do
        let join = |side: &[&str]| -> Vec<String> {
            side.windows(2)
                .map(|w| format!("{} {}", w[0], w[1]))
                .collect()
        };
        let (sp, tp) = (join(input.source), join(input.target));
        let texts: Vec<&str> = sp.iter().chain(&tp).map(String::as_str).collect();
        let vectors = lookup.vectors(&texts)?;
        if vectors.len() != texts.len() || vectors.iter().any(|v| v.len() != dim) {
            return Err("pair vectors of the wrong count or dimension".into());
        }
        level.src_pairs = Some(embedding::Dense::unit_rows(&vectors[..sp.len()]));
        level.tgt_pairs = Some(embedding::Dense::unit_rows(&vectors[sp.len()..]));
    }
    Ok(align_views(input, options, Some(&level)))
}

/// [`align`], with the embedding view when `emb` is given.
fn align_views(
    input: &AlignInput<'_>,
    options: &AlignOptions,
    emb: Option<&embedding::EmbeddingLevel>,
) -> Vec<Bead> {
    let (n, m) = (input.source.len(), input.target.len());
    if n == 0 || m == 0 {
        return trivial_beads(n, m);
    }
    let mut beads = align_pass(input, options, None, emb);
    let Some(settings) = &options.lexicon else {
        return beads;
    };
    if input.mt.is_some() || input.target_mt.is_some() {
        // measured on dev: the MT already says more than a lexicon learned from one document
        return beads;
    }
    if emb.is_some() && !options.embeddings.lexicon_passes {
        return beads;
    }
    for _ in 0..settings.rounds {
        let Some(lexicon) = learned_lexicon(input, &beads, settings) else {
            return beads;
        };
        let vectors = glossed_vectors(input, &lexicon, settings, &options.features);
        beads = align_pass(input, options, Some((vectors, &beads)), emb);
    }
    beads
}

/// Fewer training pairs than this teach a lexicon nothing reliable.
const MIN_TRAINING_PAIRS: usize = 5;

/// A lexicon trained on the 1-1 beads of `beads` (best scores first,
/// [`LexiconSettings::train_fraction`] of them), or `None` when there are too few of them to
/// learn from.
fn learned_lexicon(
    input: &AlignInput<'_>,
    beads: &[Bead],
    settings: &LexiconSettings,
) -> Option<lexicon::Lexicon> {
    let mut one_to_one: Vec<&Bead> = beads
        .iter()
        .filter(|b| b.source.len() == 1 && b.target.len() == 1)
        .collect();
    one_to_one.sort_by(|a, b| b.score.total_cmp(&a.score));
    one_to_one.truncate((one_to_one.len() as f64 * settings.train_fraction).round() as usize);
    if one_to_one.len() < MIN_TRAINING_PAIRS {
        return None;
    }
    if one_to_one.len() > settings.max_pairs {
        // a long document: pairs spread over all of it, so that its whole vocabulary is seen
        one_to_one.sort_by_key(|b| b.source[0]);
        let stride = one_to_one.len() as f64 / settings.max_pairs as f64;
        one_to_one = (0..settings.max_pairs)
            .map(|k| one_to_one[(k as f64 * stride) as usize])
            .collect();
    }
    let pairs: Vec<(&str, &str)> = one_to_one
        .iter()
        .map(|b| (input.source[b.source[0]], input.target[b.target[0]]))
        .collect();
    Some(lexicon::Lexicon::train(&pairs, settings))
}

/// Sentence vectors with each source sentence glossed by `lexicon`: the gloss's lexical
/// features (as the MT's would be) next to the source's anchors, against the target's words and
/// anchors. The gloss is never written out as a text: the features of each translation word
/// are hashed once and pooled per sentence, which gives the same vectors as extracting the
/// features of the gloss's words joined by spaces (a space ends every token).
fn glossed_vectors(
    input: &AlignInput<'_>,
    lexicon: &lexicon::Lexicon,
    settings: &LexiconSettings,
    weights: &FeatureWeights,
) -> features::Vectors {
    let mut scratch = features::Scratch::default();
    let word_features: fast_hash::FastMap<&str, Vec<features::Hashed>> = lexicon
        .target_words()
        .map(|w| {
            let mut out = Vec::new();
            features::push_features(w, mt_lexical(), weights, &mut scratch, &mut out);
            (w, out)
        })
        .collect();
    let target_words = Extract {
        lexical: true,
        ..anchors()
    };
    features::build_vectors_streamed(
        (
            input.source.len(),
            |i: usize, scratch: &mut features::Scratch, out: &mut Vec<features::Hashed>| {
                lexicon::Lexicon::for_each_source_key(input.source[i], settings, |key| {
                    for w in lexicon.translations_of(key) {
                        out.extend_from_slice(word_features.get(w).map_or(&[][..], Vec::as_slice));
                    }
                });
                features::push_features(input.source[i], anchors(), weights, scratch, out);
            },
        ),
        (
            input.target.len(),
            |j: usize, scratch: &mut features::Scratch, out: &mut Vec<features::Hashed>| {
                features::push_features(input.target[j], target_words, weights, scratch, out);
            },
        ),
        weights,
    )
}

/// One alignment pass. A lexicon pass gets the sentence vectors of the source glossed by the
/// learned lexicon and the previous pass's beads: a long document is then searched only in a
/// band around them.
fn align_pass(
    input: &AlignInput<'_>,
    options: &AlignOptions,
    lexicon_pass: Option<(features::Vectors, &[Bead])>,
    emb: Option<&embedding::EmbeddingLevel>,
) -> Vec<Bead> {
    let prior: Option<Vec<(usize, usize)>> = lexicon_pass.as_ref().map(|p| bead_path(p.1));
    let tuning = match (input.mt.is_some(), input.target_mt.is_some()) {
        (true, true) => &options.with_both_mt,
        (true, false) | (false, true) => &options.with_mt,
        (false, false) if lexicon_pass.is_some() => &options.with_lexicon,
        (false, false) => &options.without_mt,
    };
    let features::Vectors {
        side_a: src_vecs,
        side_b: tgt_vecs,
        fine_only,
    } = match lexicon_pass {
        Some((glossed, _)) => glossed,
        None => vectors(input, &options.features),
    };
    let src_len = comparable_source_lengths(input);
    let tgt_len: Vec<usize> = input.target.iter().map(|t| char_len(t)).collect();
    let length = LengthModel::estimate(&src_len, &tgt_len);
    let embedding_weight = match (input.mt.is_some(), input.target_mt.is_some()) {
        _ if emb.is_none() => 0.0,
        (true, true) => options.embeddings.with_both_mt,
        (true, false) | (false, true) => options.embeddings.with_mt,
        (false, false) => options.embeddings.without_mt,
    };
    let params = CostParams {
        embedding_weight,
        ..options.cost_params(true, tuning, options.bead_types())
    };
    let coarse = Coarse {
        top_cells: options.coarse_top_cells,
        width: options.band_width,
        // Blocks of a coarse level are cut at fixed sentence counts on both sides, so their
        // lengths are not comparable: no length cost there, similarity only.
        params: CostParams {
            length_weight: 0.0,
            embedding_weight,
            ..options.cost_params(
                false,
                tuning,
                vec![(1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2)],
            )
        },
        common_fraction: 0.05,
        fine_only,
    };
    let level = Level {
        src: src_vecs,
        tgt: tgt_vecs,
        src_len,
        tgt_len,
        emb: emb.cloned(),
    };
    let blocks = paragraph_blocks(input, options);
    if blocks.len() == 1 {
        // the usual case: no copy of the vectors
        let steps = align_level(&level, &params, &coarse, length, options, prior.as_deref());
        return beads_from_steps(&steps);
    }
    let mut steps = Vec::new();
    for (src_range, tgt_range) in blocks {
        // beads never cross blocks, so the prior path passes through each block's corners
        let sub_prior: Option<Vec<(usize, usize)>> = prior.as_ref().map(|path| {
            path.iter()
                .filter(|&&(i, j)| {
                    (src_range.start..=src_range.end).contains(&i)
                        && (tgt_range.start..=tgt_range.end).contains(&j)
                })
                .map(|&(i, j)| (i - src_range.start, j - tgt_range.start))
                .collect()
        });
        let sub = Level {
            src: level.src[src_range.clone()].to_vec(),
            tgt: level.tgt[tgt_range.clone()].to_vec(),
            src_len: level.src_len[src_range.clone()].to_vec(),
            tgt_len: level.tgt_len[tgt_range.clone()].to_vec(),
            emb: level
                .emb
                .as_ref()
                .map(|e| e.block(src_range.clone(), tgt_range.clone())),
        };
        steps.extend(align_level(
            &sub,
            &params,
            &coarse,
            length,
            options,
            sub_prior.as_deref(),
        ));
    }
    beads_from_steps(&steps)
}

/// Aligns one block (a whole document or one paragraph pair); `prior` is a path of an earlier
/// pass over it (lexicon passes only), whose band replaces the coarse levels when the block is
/// too long to search exactly, and replaces the exact search of a mid-sized block (see
/// [`LexiconSettings::exact_cells`]).
fn align_level(
    level: &Level,
    params: &CostParams,
    coarse: &Coarse,
    length: LengthModel,
    options: &AlignOptions,
    prior: Option<&[(usize, usize)]>,
) -> Vec<Step> {
    let (n, m) = (level.src.len(), level.tgt.len());
    if n == 0 || m == 0 {
        return (0..n)
            .map(|_| null_step(1, 0))
            .chain((0..m).map(|_| null_step(0, 1)))
            .collect();
    }
    let cells = (n + 1) * (m + 1);
    let exact = match options.search {
        SearchMode::Exact => true,
        SearchMode::Banded => false,
        SearchMode::Auto => cells <= options.exact_cells,
    };
    let prior = prior.filter(|p| p.first() == Some(&(0, 0)) && p.last() == Some(&(n, m)));
    let refine = prior.zip(options.lexicon.as_ref());
    match refine {
        Some((path, lexicon))
            if !exact || (options.search == SearchMode::Auto && cells > lexicon.exact_cells) =>
        {
            let width = if exact {
                lexicon.mid_band_width
            } else {
                lexicon.band_width
            };
            let band = search::Band::around_path(path, n, m, width);
            search::solve(level, &band, params, length)
        }
        _ if exact => search::solve(level, &search::Band::full(n, m), params, length),
        _ => search::coarse_to_fine(level, params, coarse, length, None),
    }
}

/// Nodes of the grid that a sequence of beads visits, from `(0, 0)`.
fn bead_path(beads: &[Bead]) -> Vec<(usize, usize)> {
    let mut nodes = Vec::with_capacity(beads.len() + 1);
    let (mut i, mut j) = (0, 0);
    nodes.push((i, j));
    for b in beads {
        i += b.source.len();
        j += b.target.len();
        nodes.push((i, j));
    }
    nodes
}

fn null_step(a: usize, b: usize) -> Step {
    Step {
        a,
        b,
        similarity: 0.0,
        length_cost: 0.0,
        best_alternative: 0.0,
    }
}

/// Beads for a side with no sentences: every sentence of the other side is a null bead.
fn trivial_beads(n: usize, m: usize) -> Vec<Bead> {
    let steps: Vec<Step> = (0..n)
        .map(|_| null_step(1, 0))
        .chain((0..m).map(|_| null_step(0, 1)))
        .collect();
    beads_from_steps(&steps)
}

fn beads_from_steps(steps: &[Step]) -> Vec<Bead> {
    let (mut i, mut j) = (0, 0);
    steps
        .iter()
        .enumerate()
        .map(|(id, s)| {
            let score = if s.a > 0 && s.b > 0 {
                0.5 * s.similarity + 0.5 * (-s.length_cost).exp()
            } else {
                1.0 - s.best_alternative
            };
            let bead = Bead::new(
                id,
                (i..i + s.a).collect(),
                (j..j + s.b).collect(),
                score.clamp(0.0, 1.0),
            );
            i += s.a;
            j += s.b;
            bead
        })
        .collect()
}

fn char_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Lengths of the source side in the units of the target: the MT's length when there is MT.
/// A sentence whose MT is missing or empty (the service failed on it) gets its source length
/// times the document's MT/source ratio, so that it does not look like an empty sentence.
fn comparable_source_lengths(input: &AlignInput<'_>) -> Vec<usize> {
    let source: Vec<usize> = input.source.iter().map(|s| char_len(s)).collect();
    let Some(mt) = input.mt else {
        return source;
    };
    let mt_len: Vec<usize> = (0..source.len())
        .map(|i| mt.get(i).map_or(0, |t| char_len(t)))
        .collect();
    let (mut translated, mut original) = (0usize, 0usize);
    for (&m, &s) in mt_len.iter().zip(&source) {
        if m > 0 {
            translated += m;
            original += s;
        }
    }
    let ratio = if original > 0 {
        translated as f64 / original as f64
    } else {
        1.0
    };
    mt_len
        .iter()
        .zip(&source)
        .map(|(&m, &s)| {
            if m > 0 {
                m
            } else {
                (s as f64 * ratio).round() as usize
            }
        })
        .collect()
}

/// The texts whose features make up one sentence's vector.
type Parts<'a> = Vec<(&'a str, Extract)>;

/// Sentence vectors of both sides (see the module docs for what goes in).
///
/// Without MT, a gloss by a learned lexicon plays the MT's part (lexical features against the
/// target's), next to the anchors.
/// With MT of the source, the source side is that MT (target language) and the target side the
/// target itself; with MT of the target (`target_mt`), the source text and the target's MT are
/// added (source language), so the similarity is measured in both languages at once.
fn vectors(input: &AlignInput<'_>, weights: &FeatureWeights) -> features::Vectors {
    let source_is_latin = features::latin_share(input.source) > 0.5;
    let anchors = anchors();
    let numbers_only = Extract {
        lexical: false,
        verbatim: false,
        verbatim_names_only: true,
        space: 0,
        unit: false,
    };
    if input.mt.is_none() && input.target_mt.is_none() {
        return features::build_vectors(
            &input
                .source
                .iter()
                .map(|&s| vec![(s, anchors)])
                .collect::<Vec<_>>(),
            &input
                .target
                .iter()
                .map(|&t| vec![(t, anchors)])
                .collect::<Vec<_>>(),
            weights,
        );
    }
    // Latin names in a non-Latin source are evidence the MT may have transliterated away.
    let source_anchor = if source_is_latin {
        numbers_only
    } else {
        anchors
    };
    // With both directions, each direction's vector is scaled to unit length, so that the
    // similarity is about the mean of the two directions' cosines.
    let both = input.mt.is_some() && input.target_mt.is_some();
    let unit = |e: Extract| Extract { unit: both, ..e };
    let target_lexical = unit(Extract {
        lexical: true,
        verbatim: !source_is_latin,
        verbatim_names_only: true,
        space: 0,
        unit: false,
    });
    let src_parts: Vec<Parts<'_>> = (0..input.source.len())
        .map(|i| {
            let mut parts = Vec::with_capacity(2);
            if let Some(mt) = input.mt {
                parts.push((mt.get(i).copied().unwrap_or(""), unit(mt_lexical())));
            }
            if input.target_mt.is_some() {
                parts.push((input.source[i], unit(source_lexical())));
            } else {
                parts.push((input.source[i], source_anchor));
            }
            parts
        })
        .collect();
    let tgt_parts: Vec<Parts<'_>> = (0..input.target.len())
        .map(|j| {
            let mut parts = Vec::with_capacity(2);
            if input.mt.is_some() {
                parts.push((input.target[j], target_lexical));
            } else {
                parts.push((input.target[j], anchors));
            }
            if let Some(back) = input.target_mt {
                parts.push((back.get(j).copied().unwrap_or(""), unit(source_lexical())));
            }
            parts
        })
        .collect();
    features::build_vectors(&src_parts, &tgt_parts, weights)
}

/// Anchors that need no MT: numbers, Latin-script names, quotes and brackets.
fn anchors() -> Extract {
    Extract {
        lexical: false,
        verbatim: true,
        verbatim_names_only: true,
        space: 0,
        unit: false,
    }
}

/// Lexical features of the MT, without verbatim tokens (the MT is in the target language).
fn mt_lexical() -> Extract {
    Extract {
        lexical: true,
        verbatim: false,
        verbatim_names_only: true,
        space: 0,
        unit: false,
    }
}

/// Lexical features of a text in the source language (the source, or the MT of the target).
fn source_lexical() -> Extract {
    Extract {
        space: 1,
        ..mt_lexical()
    }
}

/// Pairs of sentence ranges to align independently: one per paragraph when both sides have
/// the same number of paragraphs, else the whole document.
fn paragraph_blocks(
    input: &AlignInput<'_>,
    options: &AlignOptions,
) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let whole = vec![(0..input.source.len(), 0..input.target.len())];
    let (Some(sp), Some(tp)) = (input.source_paras, input.target_paras) else {
        return whole;
    };
    if !options.use_paragraphs || sp.len() != input.source.len() || tp.len() != input.target.len() {
        return whole;
    }
    let (sr, tr) = (runs(sp), runs(tp));
    if sr.len() != tr.len() || sr.len() < 2 {
        return whole;
    }
    sr.into_iter().zip(tr).collect()
}

/// Ranges of consecutive equal values.
fn runs(values: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for k in 1..=values.len() {
        if k == values.len() || values[k] != values[start] {
            out.push(start..k);
            start = k;
        }
    }
    out
}

#[cfg(test)]
mod tests;
