//! A bilingual lexicon learned from the document itself (hunalign's "realign" idea).
//!
//! The first alignment pass gives beads; the confident 1-1 beads are a small parallel corpus.
//! IBM Model 1 (a few EM iterations, with a NULL source word that absorbs function words; see
//! [`super::model_one`]) trained on them gives `p(target word | source word)`. Each source sentence is then
//! "glossed": replaced by the likely translations of its words, a text in the target language
//! that the second pass compares with the target like a machine translation.
//!
//! Source words are keyed by a prefix (German inflection and OCR noise at word ends), target
//! words are kept whole so that the gloss is made of real target words.

use super::fast_hash::FastMap;
use super::model_one::{Bead, ModelOne, NULL, common_targets};

/// Settings of the lexicon pass.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconSettings {
    /// Passes with a lexicon after the first pass; each learns from the previous pass's beads.
    pub rounds: usize,
    /// Share of the previous pass's 1-1 beads, best scores first, used as training pairs.
    pub train_fraction: f64,
    /// EM iterations of IBM Model 1.
    pub iterations: usize,
    /// Source words are keyed by this many leading characters (0 = whole word).
    pub source_prefix: usize,
    /// A translation enters the gloss if its probability is at least this…
    pub min_probability: f32,
    /// …and it is among the word's this many best translations.
    pub translations_per_word: usize,
    /// Source words seen fewer times than this in the training pairs are not glossed.
    pub min_count: u32,
    /// Target words in more than this share of the training sentences are not glossed.
    pub max_target_share: f64,
    /// At most this many training pairs (spread evenly over the document): keeps time and
    /// memory bounded on very long documents.
    pub max_pairs: usize,
    /// Lexicon passes search grids of up to this many nodes exactly; larger ones only in a
    /// band around the previous pass's path (a long document's first pass is itself banded).
    pub exact_cells: usize,
    /// Half-width, in sentences, of that band for a grid that the first pass searched exactly
    /// (up to [`AlignOptions::exact_cells`](super::AlignOptions::exact_cells) nodes)…
    pub mid_band_width: usize,
    /// …and for a longer document, whose first pass was itself banded.
    pub band_width: usize,
}

impl Default for LexiconSettings {
    fn default() -> Self {
        LexiconSettings {
            rounds: 2,
            train_fraction: 1.0,
            iterations: 5,
            source_prefix: 5,
            min_probability: 0.1,
            translations_per_word: 2,
            min_count: 1,
            max_target_share: 0.3,
            max_pairs: 10_000,
            // measured (`cargo bench --bench align -- --no-mt 1000 1500`): the exact lexicon
            // passes took 2/3 of the time at 1.5k sentences; banded, strict F1 0.844 → 0.848
            // and 0.841 → 0.841, 2.4× faster. The Text+Berg documents (≤ 260k nodes) stay exact.
            exact_cells: 1_000_000,
            mid_band_width: 32,
            band_width: 8,
        }
    }
}

/// Lowercased words of a text (letters, with inner apostrophes and hyphens), numbers left out:
/// anchors already compare them.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 2 && !w.chars().any(|c| c.is_numeric()))
        .map(str::to_lowercase)
}

/// The first `prefix` characters of `word` (all of it for 0).
fn source_key(word: &str, prefix: usize) -> &str {
    match word.char_indices().nth(prefix) {
        Some((end, _)) if prefix > 0 => &word[..end],
        _ => word,
    }
}

/// Interns strings as dense ids.
#[derive(Default)]
struct Vocab {
    ids: FastMap<String, u32>,
    words: Vec<String>,
}

impl Vocab {
    fn id(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(w.to_string(), id);
        self.words.push(w.to_string());
        id
    }
}

/// `p(target word | source word)` learned by IBM Model 1, pruned to what the gloss uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    /// Source key → best translations, most probable first.
    translations: FastMap<String, Vec<(String, f32)>>,
}

impl Lexicon {
    /// Trains on `(source sentence, target sentence)` pairs.
    pub fn train(pairs: &[(&str, &str)], settings: &LexiconSettings) -> Lexicon {
        let mut src_vocab = Vocab::default();
        src_vocab.id(""); // NULL
        let mut tgt_vocab = Vocab::default();
        let mut seen: Vec<u32> = vec![0];
        let corpus: Vec<Bead> = pairs
            .iter()
            .enumerate()
            .map(|(at, (s, t))| {
                let mut src = vec![NULL];
                for w in words(s) {
                    let id = src_vocab.id(source_key(&w, settings.source_prefix));
                    if id as usize >= seen.len() {
                        seen.resize(id as usize + 1, 0);
                    }
                    seen[id as usize] += 1;
                    src.push(id);
                }
                let tgt: Vec<u32> = words(t).map(|w| tgt_vocab.id(&w)).collect();
                (at, src, tgt)
            })
            .collect();
        let model = ModelOne::train(&corpus, src_vocab.words.len(), settings.iterations);
        // Target words found in many training sentences (function words) would make every
        // gloss resemble every sentence: they are left out.
        let common = common_targets(&corpus, tgt_vocab.words.len(), settings.max_target_share);
        let mut best: FastMap<u32, Vec<(u32, f32)>> = FastMap::default();
        for (&(s, t), &p) in model.pairs.iter().zip(&model.prob) {
            if s == NULL
                || p < settings.min_probability
                || seen[s as usize] < settings.min_count
                || common[t as usize]
            {
                continue;
            }
            best.entry(s).or_default().push((t, p));
        }
        let translations = best
            .into_iter()
            .map(|(s, mut list)| {
                list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(settings.translations_per_word);
                let list = list
                    .into_iter()
                    .map(|(t, p)| (tgt_vocab.words[t as usize].clone(), p))
                    .collect();
                (src_vocab.words[s as usize].clone(), list)
            })
            .collect();
        Lexicon { translations }
    }

    /// Calls `f` with the key under which each word of `source` is looked up, in order.
    pub fn for_each_source_key(source: &str, settings: &LexiconSettings, mut f: impl FnMut(&str)) {
        for w in words(source) {
            f(source_key(&w, settings.source_prefix));
        }
    }

    /// The translations of one source key (see [`Lexicon::for_each_source_key`]), most probable first:
    /// the words its gloss is made of.
    pub fn translations_of(&self, key: &str) -> impl Iterator<Item = &str> {
        self.translations
            .get(key)
            .into_iter()
            .flat_map(|list| list.iter().map(|(t, _)| t.as_str()))
    }

    /// Every target word that some gloss may contain.
    pub fn target_words(&self) -> impl Iterator<Item = &str> {
        self.translations
            .values()
            .flat_map(|list| list.iter().map(|(t, _)| t.as_str()))
    }

    /// The likely translations of the words of `source`, as a text in the target language
    /// (the aligner pools the features of [`Lexicon::translations_of`] directly).
    #[cfg(test)]
    pub fn gloss(&self, source: &str, settings: &LexiconSettings) -> String {
        let mut words: Vec<&str> = Vec::new();
        Lexicon::for_each_source_key(source, settings, |k| {
            words.extend(self.translations_of(k));
        });
        words.join(" ")
    }

    /// Number of source words with at least one translation.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.translations.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_keys_are_character_prefixes() {
        assert_eq!(source_key("gletscher", 5), "glets");
        assert_eq!(source_key("brücken", 3), "brü");
        assert_eq!(source_key("hü", 5), "hü");
        assert_eq!(source_key("hütte", 5), "hütte");
        assert_eq!(source_key("hütte", 0), "hütte");
        let mut keys = Vec::new();
        let settings = LexiconSettings::default();
        Lexicon::for_each_source_key("Die Gletscher, 1953 schmelzen", &settings, |k| {
            keys.push(k.to_string())
        });
        assert_eq!(keys, ["die", "glets", "schme"]);
    }

    #[test]
    fn model_one_learns_word_translations_from_sentence_pairs() {
        let pairs = [
            ("der Gletscher schmilzt", "le glacier fond"),
            ("der Gletscher ist gross", "le glacier est grand"),
            ("die Hütte ist klein", "la cabane est petite"),
            ("die Hütte schmilzt nicht", "la cabane ne fond pas"),
            ("der Berg ist hoch", "le sommet est haut"),
            ("die Brücke ist alt", "la passerelle est vieille"),
        ];
        let settings = LexiconSettings {
            source_prefix: 0,
            translations_per_word: 1,
            ..LexiconSettings::default()
        };
        let lexicon = Lexicon::train(&pairs, &settings);
        assert!(lexicon.len() > 0);
        assert_eq!(lexicon.gloss("Gletscher", &settings), "glacier");
        assert_eq!(lexicon.gloss("Hütte", &settings), "cabane");
        assert_eq!(lexicon.gloss("1953 unbekannt", &settings), "");
    }
}
