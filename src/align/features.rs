//! Sparse tf-idf feature vectors of sentences: the evidence the similarity is computed from.
//!
//! In the target language (MT of the source against the target): lowercased words, 5-character
//! word prefixes (a cheap stemmer that lets `montagne`/`montagnes` match) and numbers. Anchors
//! that need no MT, compared between the source itself and the target: numbers normalised across
//! digit sets and separators, Latin-script names and acronyms that a translation keeps verbatim,
//! and quotation marks / brackets.
//!
//! Features are hashed to 64 bits, then mapped to dense ids shared by both sides, so that a
//! vector is a short sorted list of `(id, weight)` pairs.

use super::fast_hash::FastMap;

/// Dense feature id, shared by both sides of one alignment.
pub(crate) type FeatureId = u32;

/// A sparse vector sorted by feature id, ids unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseVec {
    /// `(feature, weight)` pairs sorted by feature.
    pub entries: Vec<(FeatureId, f32)>,
}

impl SparseVec {
    /// Dot product by merging the two sorted lists.
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The sum of two vectors (the vector of a block of sentences).
    pub fn sum(&self, other: &SparseVec) -> SparseVec {
        let (a, b) = (&self.entries, &other.entries);
        let mut entries = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => {
                    entries.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    entries.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    entries.push((a[i].0, a[i].1 + b[j].1));
                    i += 1;
                    j += 1;
                }
            }
        }
        entries.extend_from_slice(&a[i..]);
        entries.extend_from_slice(&b[j..]);
        SparseVec { entries }
    }
}

/// Relative weights of the feature families (multiplied with tf-idf).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureWeights {
    /// Lowercased words (target language).
    pub word: f32,
    /// 5-character prefixes of longer words (target language).
    pub prefix: f32,
    /// Character 4-grams inside words (target language; tolerate OCR errors and inflection).
    pub char_gram: f32,
    /// Numbers, normalised across digit sets and separators.
    pub number: f32,
    /// Latin-script tokens kept verbatim (names, acronyms).
    pub verbatim: f32,
    /// Quotation marks and brackets.
    pub punctuation: f32,
}

impl Default for FeatureWeights {
    fn default() -> Self {
        FeatureWeights {
            word: 1.0,
            prefix: 0.0,
            char_gram: 0.3,
            number: 1.5,
            verbatim: 1.0,
            punctuation: 0.3,
        }
    }
}

/// Feature family tags, hashed with the token so that families never collide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Word,
    Prefix,
    CharGram,
    Number,
    Verbatim,
    Punctuation,
}

impl Family {
    fn tag(self) -> u8 {
        self as u8 + 1
    }

    fn weight(self, w: &FeatureWeights) -> f32 {
        match self {
            Family::Word => w.word,
            Family::Prefix => w.prefix,
            Family::CharGram => w.char_gram,
            Family::Number => w.number,
            Family::Verbatim => w.verbatim,
            Family::Punctuation => w.punctuation,
        }
    }
}

/// Which families to extract from one text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extract {
    /// Words, prefixes and char n-grams (text in the target language).
    pub lexical: bool,
    /// Latin-script verbatim tokens.
    pub verbatim: bool,
    /// Only verbatim tokens that look like names (capitalised or acronyms, or with a digit).
    pub verbatim_names_only: bool,
    /// Which language the lexical features are in (0 = target, 1 = source): words of one
    /// language never match words of the other.
    pub space: u8,
    /// Scale this part's vector to unit length before adding it to the sentence's (so that
    /// two views, e.g. both MT directions, count equally).
    pub unit: bool,
}

/// FNV-1a, 64 bits: stable and fast enough for short tokens.
fn hash(tag: u8, token: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(tag);
    h = h.wrapping_mul(0x0000_0100_0000_01b3);
    for &b in token.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// ASCII value of a decimal digit of the Arabic-Indic, extended Arabic-Indic or ASCII sets.
pub(crate) fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{660}'..='\u{669}' => Some((c as u32 - 0x660) as u8),
        '\u{6f0}'..='\u{6f9}' => Some((c as u32 - 0x6f0) as u8),
        _ => None,
    }
}

/// Separators allowed between digit groups (`1,000`, `1.5`, `٢٫٥`, `1'000`, `1 000`).
fn is_number_separator(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '\'' | '’' | '\u{66b}' | '\u{66c}' | '\u{a0}' | '\u{202f}'
    )
}

fn is_quote_or_bracket(c: char) -> bool {
    matches!(
        c,
        '"' | '«' | '»' | '“' | '”' | '„' | '‹' | '›' | '(' | ')' | '[' | ']'
    )
}

/// Calls `emit` for every hashed feature of `text`.
/// Buffers reused across sentences, so that feature extraction allocates almost nothing.
#[derive(Default)]
pub(crate) struct Scratch {
    chars: Vec<char>,
    token: String,
    lower: String,
    starts: Vec<usize>,
    digits: String,
}

#[cfg(test)]
fn for_each_feature(text: &str, what: Extract, emit: impl FnMut(Family, u64)) {
    for_each_feature_with(text, what, &mut Scratch::default(), emit);
}

fn for_each_feature_with(
    text: &str,
    what: Extract,
    scratch: &mut Scratch,
    mut emit: impl FnMut(Family, u64),
) {
    let Scratch {
        chars,
        token,
        lower,
        starts,
        digits,
    } = scratch;
    chars.clear();
    chars.extend(text.chars());
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if digit_value(c).is_some() {
            digits.clear();
            while k < chars.len() {
                if let Some(d) = digit_value(chars[k]) {
                    digits.push(char::from(b'0' + d));
                    k += 1;
                } else if is_number_separator(chars[k])
                    && chars.get(k + 1).is_some_and(|&n| digit_value(n).is_some())
                {
                    k += 1;
                } else {
                    break;
                }
            }
            emit(Family::Number, hash(Family::Number.tag(), digits));
            continue;
        }
        if c.is_alphabetic() {
            let start = k;
            while k < chars.len() && (chars[k].is_alphanumeric() || is_joiner(chars, k)) {
                k += 1;
            }
            token.clear();
            token.extend(&chars[start..k]);
            word_features(token, what, lower, starts, &mut emit);
            continue;
        }
        if is_quote_or_bracket(c) {
            let kind = if matches!(c, '(' | ')' | '[' | ']') {
                "()"
            } else {
                "\"\""
            };
            emit(Family::Punctuation, hash(Family::Punctuation.tag(), kind));
        }
        k += 1;
    }
}

/// An apostrophe or hyphen inside a word keeps it one token (`aujourd'hui`, `Saas-Fee`).
fn is_joiner(chars: &[char], k: usize) -> bool {
    matches!(chars[k], '-' | '\'' | '’')
        && k > 0
        && chars[k - 1].is_alphabetic()
        && chars.get(k + 1).is_some_and(|c| c.is_alphabetic())
}

fn word_features(
    token: &str,
    what: Extract,
    lower: &mut String,
    starts: &mut Vec<usize>,
    emit: &mut impl FnMut(Family, u64),
) {
    if what.verbatim && token.chars().any(|c| c.is_ascii_alphabetic()) {
        let first_upper = token.chars().next().is_some_and(char::is_uppercase);
        if (!what.verbatim_names_only || first_upper) && token.chars().count() >= 2 {
            emit(Family::Verbatim, hash(Family::Verbatim.tag(), token));
        }
    }
    if !what.lexical {
        return;
    }
    lower.clear();
    lower.extend(token.chars().flat_map(char::to_lowercase));
    emit(
        Family::Word,
        hash(Family::Word.tag() ^ (what.space << 4), lower),
    );
    starts.clear();
    starts.extend(lower.char_indices().map(|(i, _)| i));
    if starts.len() > 5 {
        let end = starts[5];
        emit(
            Family::Prefix,
            hash(Family::Prefix.tag() ^ (what.space << 4), &lower[..end]),
        );
    }
    if starts.len() >= 4 {
        for w in 0..=starts.len() - 4 {
            let start = starts[w];
            let end = starts.get(w + 4).copied().unwrap_or(lower.len());
            emit(
                Family::CharGram,
                hash(
                    Family::CharGram.tag() ^ (what.space << 4),
                    &lower[start..end],
                ),
            );
        }
    }
}

/// The vectors of both sides and what the coarse levels of the search may leave out.
pub(crate) struct Vectors {
    /// One vector per sentence of side A.
    pub side_a: Vec<SparseVec>,
    /// One vector per sentence of side B.
    pub side_b: Vec<SparseVec>,
    /// Per feature id: only useful at sentence level (character n-grams), dropped from the
    /// merged blocks of coarse levels to keep memory linear and small.
    pub fine_only: Vec<bool>,
}

/// Builds tf-idf vectors for the two sides of an alignment with shared dense feature ids.
///
/// `side_a[i]` and `side_b[j]` are lists of `(text, what to extract)` whose features are pooled
/// into one vector per sentence. The idf is computed over the sentences of both sides.
pub(crate) fn build_vectors(
    side_a: &[Vec<(&str, Extract)>],
    side_b: &[Vec<(&str, Extract)>],
    weights: &FeatureWeights,
) -> Vectors {
    let mut ids = FeatureIds::default();
    let mut scratch = Scratch::default();
    let mut list: Vec<FeatureId> = Vec::new();
    // Term counts per sentence: `(group, feature, count)`, grouped, each group sorted by feature.
    // Parts that are not scaled on their own are counted together (group `SHARED`, first), so
    // that without `unit` parts a sentence's counts are exactly those of its pooled text.
    let mut counted = |sentences: &[Vec<(&str, Extract)>]| -> Vec<Vec<(u8, FeatureId, u32)>> {
        sentences
            .iter()
            .map(|parts| {
                let mut tf: Vec<(u8, FeatureId, u32)> = Vec::new();
                let unit_parts = (0..parts.len()).filter(|&k| parts[k].1.unit);
                for group in std::iter::once(SHARED).chain(unit_parts.map(|k| k as u8)) {
                    list.clear();
                    for (k, &(text, what)) in parts.iter().enumerate() {
                        let member = if group == SHARED {
                            !what.unit
                        } else {
                            k == group as usize
                        };
                        if !member {
                            continue;
                        }
                        for_each_feature_with(text, what, &mut scratch, |family, h| {
                            if family.weight(weights) == 0.0 {
                                return;
                            }
                            list.push(ids.id(family, h));
                        });
                    }
                    push_counts(&mut list, group, &mut tf);
                }
                tf.shrink_to_fit();
                tf
            })
            .collect()
    };
    let a = counted(side_a);
    let b = counted(side_b);
    weighted(a, b, &ids.family_of, weights)
}

/// One hashed feature of a text: its family and its hash.
pub(crate) type Hashed = (Family, u64);

/// Appends the hashed features of `text` to `out`, in order, without the families `weights`
/// turns off: what [`build_vectors`] pools for one part of a sentence.
pub(crate) fn push_features(
    text: &str,
    what: Extract,
    weights: &FeatureWeights,
    scratch: &mut Scratch,
    out: &mut Vec<Hashed>,
) {
    for_each_feature_with(text, what, scratch, |family, h| {
        if family.weight(weights) != 0.0 {
            out.push((family, h));
        }
    });
}

/// [`build_vectors`] for sentences whose features are produced by a function (no `unit`
/// parts): `side_a(i, scratch, out)` appends the features of sentence `i` of side A to `out`,
/// in order. Gives exactly the vectors `build_vectors` gives for the texts they come from.
pub(crate) fn build_vectors_streamed(
    (a_len, mut side_a): (usize, impl FnMut(usize, &mut Scratch, &mut Vec<Hashed>)),
    (b_len, mut side_b): (usize, impl FnMut(usize, &mut Scratch, &mut Vec<Hashed>)),
    weights: &FeatureWeights,
) -> Vectors {
    let mut ids = FeatureIds::default();
    let mut scratch = Scratch::default();
    let mut features: Vec<Hashed> = Vec::new();
    let mut list: Vec<FeatureId> = Vec::new();
    let mut counted = |features: &[Hashed]| -> Vec<(u8, FeatureId, u32)> {
        list.clear();
        list.extend(features.iter().map(|&(family, h)| ids.id(family, h)));
        let mut tf: Vec<(u8, FeatureId, u32)> = Vec::new();
        push_counts(&mut list, SHARED, &mut tf);
        tf.shrink_to_fit();
        tf
    };
    let mut a = Vec::with_capacity(a_len);
    for i in 0..a_len {
        features.clear();
        side_a(i, &mut scratch, &mut features);
        a.push(counted(&features));
    }
    let mut b = Vec::with_capacity(b_len);
    for j in 0..b_len {
        features.clear();
        side_b(j, &mut scratch, &mut features);
        b.push(counted(&features));
    }
    weighted(a, b, &ids.family_of, weights)
}

/// Dense ids for hashed features, in order of first appearance, with each id's family.
#[derive(Default)]
struct FeatureIds {
    ids: FastMap<u64, FeatureId>,
    family_of: Vec<Family>,
}

impl FeatureIds {
    /// The id of feature `h`, assigned on first sight.
    fn id(&mut self, family: Family, h: u64) -> FeatureId {
        let next = self.ids.len() as FeatureId;
        *self.ids.entry(h).or_insert_with(|| {
            self.family_of.push(family);
            next
        })
    }
}

/// Sorts `ids` and appends their counts to `tf` as `(group, id, count)` entries.
fn push_counts(ids: &mut [FeatureId], group: u8, tf: &mut Vec<(u8, FeatureId, u32)>) {
    ids.sort_unstable();
    for &id in ids.iter() {
        match tf.last_mut() {
            Some((g, last, count)) if *g == group && *last == id => *count += 1,
            _ => tf.push((group, id, 1)),
        }
    }
}

/// Tf-idf vectors from term counts per sentence (see [`build_vectors`]).
fn weighted(
    a: Vec<Vec<(u8, FeatureId, u32)>>,
    b: Vec<Vec<(u8, FeatureId, u32)>>,
    family_of: &[Family],
    weights: &FeatureWeights,
) -> Vectors {
    let mut df = vec![0u32; family_of.len()];
    let mut seen: Vec<FeatureId> = Vec::new();
    for sentence in a.iter().chain(&b) {
        seen.clear();
        seen.extend(sentence.iter().map(|e| e.1));
        if !single_group(sentence) {
            // the same feature may be in several groups: count the sentence once
            seen.sort_unstable();
            seen.dedup();
        }
        for &id in &seen {
            df[id as usize] += 1;
        }
    }
    let total = (a.len() + b.len()) as f32;
    let idf: Vec<f32> = df
        .iter()
        .zip(family_of)
        .map(|(&d, family)| {
            family.weight(weights) * ((total + 1.0) / (d as f32 + 0.5)).ln().max(0.01)
        })
        .collect();
    let weigh = |sentences: Vec<Vec<(u8, FeatureId, u32)>>| -> Vec<SparseVec> {
        sentences
            .into_iter()
            .map(|tf| {
                let mut entries: Vec<(FeatureId, f32)> = tf
                    .iter()
                    .map(|&(_, id, count)| (id, (1.0 + (count as f32).ln()) * idf[id as usize]))
                    .collect();
                if single_group(&tf) && tf.first().is_none_or(|e| e.0 == SHARED) {
                    // the usual case: already sorted and unique
                    return SparseVec { entries };
                }
                // Unit groups weigh the same whatever their length (one vote per view).
                let mut start = 0;
                while start < tf.len() {
                    let group = tf[start].0;
                    let end = start + tf[start..].iter().take_while(|e| e.0 == group).count();
                    let norm = entries[start..end]
                        .iter()
                        .map(|e| e.1 * e.1)
                        .sum::<f32>()
                        .sqrt();
                    if group != SHARED && norm > 0.0 {
                        entries[start..end].iter_mut().for_each(|e| e.1 /= norm);
                    }
                    start = end;
                }
                entries.sort_unstable_by_key(|e| e.0);
                let mut merged: Vec<(FeatureId, f32)> = Vec::with_capacity(entries.len());
                for (id, w) in entries {
                    match merged.last_mut() {
                        Some((last, sum)) if *last == id => *sum += w,
                        _ => merged.push((id, w)),
                    }
                }
                SparseVec { entries: merged }
            })
            .collect()
    };
    Vectors {
        side_a: weigh(a),
        side_b: weigh(b),
        fine_only: family_of.iter().map(|f| *f == Family::CharGram).collect(),
    }
}

/// The group of the parts that are not scaled on their own (see [`Extract::unit`]).
const SHARED: u8 = u8::MAX;

/// Whether a sentence's counts come from one group only (groups are contiguous).
fn single_group(tf: &[(u8, FeatureId, u32)]) -> bool {
    tf.first().zip(tf.last()).is_none_or(|(f, l)| f.0 == l.0)
}

/// Share of letters that are ASCII Latin: tells a Latin-script side from an Arabic one.
pub(crate) fn latin_share(texts: &[&str]) -> f64 {
    let (mut latin, mut letters) = (0usize, 0usize);
    for c in texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| c.is_alphabetic())
    {
        letters += 1;
        if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        latin as f64 / letters as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str, what: Extract) -> Vec<(Family, u64)> {
        let mut out = Vec::new();
        for_each_feature(text, what, |f, h| out.push((f, h)));
        out
    }

    const ANCHORS: Extract = Extract {
        lexical: false,
        verbatim: true,
        verbatim_names_only: true,
        space: 0,
        unit: false,
    };

    #[test]
    fn numbers_agree_across_digit_sets_and_separators() {
        let ar = features("بلغ ١٬٠٠٠ شخص عام ٢٠٢٣", ANCHORS);
        let en = features("1,000 people in 2023", ANCHORS);
        assert_eq!(ar, en);
        assert_eq!(features("2.5", ANCHORS), features("٢٫٥", ANCHORS));
    }

    #[test]
    fn latin_names_in_arabic_are_anchors() {
        let ar = features("قال مسؤول في NATO إن", ANCHORS);
        let en = features("An official at NATO said", ANCHORS);
        assert_eq!(ar.len(), 1);
        assert!(en.contains(&ar[0]));
    }

    #[test]
    fn dot_and_sum_of_sparse_vectors() {
        let a = SparseVec {
            entries: vec![(1, 1.0), (3, 2.0)],
        };
        let b = SparseVec {
            entries: vec![(2, 5.0), (3, 4.0)],
        };
        assert_eq!(a.dot(&b), 8.0);
        assert_eq!(a.sum(&b).entries, vec![(1, 1.0), (2, 5.0), (3, 6.0)]);
    }

    #[test]
    fn unit_parts_weigh_the_same_whatever_their_length() {
        let view = |space: u8| Extract {
            lexical: true,
            verbatim: false,
            verbatim_names_only: false,
            space,
            unit: true,
        };
        let long = "le glacier fond rapidement sous le soleil de juillet";
        let a = vec![vec![(long, view(0)), ("Gletscher", view(1))]];
        let b = vec![vec![("glacier", view(0))]];
        let v = build_vectors(&a, &b, &FeatureWeights::default());
        let norm = |v: &SparseVec| v.dot(v).sqrt();
        // two unit views with no feature in common: squared norm 2
        assert!((norm(&v.side_a[0]) - 2f32.sqrt()).abs() < 1e-4);
        assert!((norm(&v.side_b[0]) - 1.0).abs() < 1e-4);
    }

    #[test]
    fn vectors_share_ids_and_downweight_common_words() {
        let lexical = Extract {
            lexical: true,
            verbatim: false,
            verbatim_names_only: false,
            space: 0,
            unit: false,
        };
        let a = vec![
            vec![("le glacier fond", lexical)],
            vec![("le col", lexical)],
        ];
        let b = vec![vec![("le glacier", lexical)], vec![("le sommet", lexical)]];
        let v = build_vectors(&a, &b, &FeatureWeights::default());
        let (va, vb) = (v.side_a, v.side_b);
        assert!(va[0].dot(&vb[0]) > va[0].dot(&vb[1]));
        assert!(va[1].dot(&vb[1]) > 0.0);
    }
}
