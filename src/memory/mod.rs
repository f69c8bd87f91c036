//! Translation memory read from TMX 1.4b files: exact and fuzzy matches.
//!
//! [`read_tmx`] parses `<tu>`/`<tuv xml:lang|lang>`/`<seg>` with quick-xml: entities and
//! character references are resolved, the text of `<hi>` is kept, and native codes (`<bpt>`,
//! `<ept>`, `<ph>`, `<it>`, `<ut>` and the `<sub>` inside them) are dropped. Languages match by
//! primary subtag (`ar-SA` is `ar`).
//!
//! [`Memory::lookup`] tries an exact match first (after NFC and whitespace normalisation, score
//! 1.0), then the most similar entry by normalised Levenshtein similarity on the comparison form
//! ([`comparison_form`]: digits, alef variants, tatweel, diacritics, case), accepted at or above
//! the threshold. Candidates are pre-filtered by length: a similarity `t` needs lengths within a
//! factor `t` of each other, so only a slice of the length-sorted entries is scored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use unicode_normalization::UnicodeNormalization;

use crate::lang::Lang;

/// A TMX file that cannot be read; displays as `FILE:LINE: what is wrong`.
pub type MemoryError = crate::input::FileError;

/// One translation unit: its variants as (language tag, segment text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TranslationUnit {
    /// `tuid`, when given.
    pub id: Option<String>,
    /// Variants in file order.
    pub variants: Vec<(String, String)>,
}

impl TranslationUnit {
    /// The first variant whose language has the primary subtag of `lang`.
    pub fn variant(&self, lang: &Lang) -> Option<&str> {
        self.variants
            .iter()
            .find(|(tag, _)| primary_subtag(tag).eq_ignore_ascii_case(lang.primary()))
            .map(|(_, text)| text.as_str())
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// A match found in the memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The stored translation.
    pub target: String,
    /// The stored source text that matched.
    pub source: String,
    /// Similarity in 0..=1; 1.0 for an exact match.
    pub score: f64,
}

#[derive(Debug, Clone)]
struct Entry {
    source: String,
    target: String,
    /// Comparison form, for the edit distance.
    form: String,
    /// Its length in characters.
    form_len: usize,
    /// Character counts per bucket, for a cheap lower bound of the edit distance.
    sketch: Sketch,
}

/// A loaded translation memory for one language pair.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    entries: Vec<Entry>,
    /// Exact key (NFC, whitespace collapsed) → entry index (the first wins).
    exact: HashMap<String, usize>,
    /// Entry indices sorted by the length of their comparison form.
    by_length: Vec<usize>,
    /// The longest exact key, in characters: a text with far more non-space characters cannot
    /// match exactly, so its key is never built (a 1 GB line must not cost gigabytes).
    longest_key: usize,
    threshold: f64,
}

/// Texts longer than this (in characters) get no fuzzy match: an edit distance costs the
/// product of the lengths, and a translation memory holds sentences, not pages. Exact matches
/// are still looked up (when the memory holds an entry that long).
pub const MAX_FUZZY_CHARS: usize = 4000;

impl Memory {
    /// Loads the `from`→`to` pairs of every TMX file.
    pub fn load(
        files: &[PathBuf],
        from: &Lang,
        to: &Lang,
        threshold: f64,
    ) -> Result<Memory, MemoryError> {
        let mut pairs = Vec::new();
        for file in files {
            let units = read_tmx_file(file)?;
            pairs.extend(
                units.iter().filter_map(|u| {
                    Some((u.variant(from)?.to_string(), u.variant(to)?.to_string()))
                }),
            );
        }
        Ok(Memory::from_pairs(pairs, threshold))
    }

    /// A memory from (source, target) pairs; empty sides are skipped.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>, threshold: f64) -> Memory {
        let mut memory = Memory {
            threshold,
            ..Memory::default()
        };
        for (source, target) in pairs {
            if source.trim().is_empty() || target.trim().is_empty() {
                continue;
            }
            let index = memory.entries.len();
            let key = exact_key(&source);
            memory.longest_key = memory.longest_key.max(key.chars().count());
            memory.exact.entry(key).or_insert(index);
            let form = comparison_form(&source);
            memory.entries.push(Entry {
                source,
                target,
                form_len: form.chars().count(),
                sketch: Sketch::of(&form),
                form,
            });
        }
        memory.by_length = (0..memory.entries.len()).collect();
        let entries = &memory.entries;
        memory.by_length.sort_by_key(|&i| (entries[i].form_len, i));
        memory
    }

    /// Number of usable pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the memory has no pairs.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best match for `text`: exact, else the most similar at or above the threshold.
    /// Texts too long for fuzzy matching ([`MAX_FUZZY_CHARS`]) and for any exact key of the
    /// memory are answered in one pass over the text, without allocating.
    pub fn lookup(&self, text: &str) -> Option<Match> {
        if self.entries.is_empty() {
            return None;
        }
        // NFC composes at most a few characters into one, so a text with more than 4× the
        // longest key's characters (spaces aside) cannot have that key.
        let solid = text.chars().filter(|c| !c.is_whitespace()).count();
        let may_match_exactly = solid <= self.longest_key.saturating_mul(4);
        if may_match_exactly && let Some(&i) = self.exact.get(&exact_key(text)) {
            return Some(self.found(i, 1.0));
        }
        if self.threshold >= 1.0 || self.skips_fuzzy(text) {
            return None;
        }
        let form = comparison_form(text);
        if form.is_empty() {
            return None;
        }
        let form_len = form.chars().count();
        let sketch = Sketch::of(&form);
        let (low, high) = length_window(form_len, self.threshold);
        let first = self
            .by_length
            .partition_point(|&i| self.entries[i].form_len < low);
        let mut best: Option<(f64, usize)> = None;
        for &i in &self.by_length[first..] {
            let candidate = &self.entries[i];
            if candidate.form_len > high {
                break;
            }
            // Skip candidates whose character counts alone rule out beating the best so far.
            let longest = form_len.max(candidate.form_len) as f64;
            let ceiling = 1.0 - sketch.distance_floor(&candidate.sketch) as f64 / longest;
            if ceiling < best.map_or(self.threshold, |(s, _)| s.max(self.threshold)) {
                continue;
            }
            let score = strsim::normalized_levenshtein(&form, &candidate.form);
            if score >= self.threshold
                && best.is_none_or(|(s, j)| score > s || (score == s && i < j))
            {
                best = Some((score, i));
            }
        }
        best.map(|(score, i)| self.found(i, score))
    }

    /// Whether `text` is too long for a fuzzy match ([`MAX_FUZZY_CHARS`]); the caller may say so.
    pub fn skips_fuzzy(&self, text: &str) -> bool {
        text.len() > MAX_FUZZY_CHARS && text.chars().nth(MAX_FUZZY_CHARS).is_some()
    }

    fn found(&self, index: usize, score: f64) -> Match {
        let entry = &self.entries[index];
        Match {
            target: entry.target.clone(),
            source: entry.source.clone(),
            score,
        }
    }
}

/// Character counts in 64 buckets. Each edit (insertion, deletion, substitution) changes at most
/// one count up and one down, so the edit distance is at least the larger of the total surplus
/// and the total deficit between two sketches.
#[derive(Debug, Clone)]
struct Sketch([u16; 64]);

impl Sketch {
    fn of(text: &str) -> Sketch {
        let mut counts = [0u16; 64];
        for c in text.chars() {
            let bucket = ((c as u32).wrapping_mul(0x9E37_79B1) >> 26) as usize;
            counts[bucket] = counts[bucket].saturating_add(1);
        }
        Sketch(counts)
    }

    /// A lower bound of the edit distance between the texts of two sketches.
    fn distance_floor(&self, other: &Sketch) -> usize {
        let (mut surplus, mut deficit) = (0usize, 0usize);
        for (&a, &b) in self.0.iter().zip(&other.0) {
            if a > b {
                surplus += usize::from(a - b);
            } else {
                deficit += usize::from(b - a);
            }
        }
        surplus.max(deficit)
    }
}

/// Lengths `l` of candidates that can reach similarity `t` with a text of length `n`:
/// `1 - |n - l| / max(n, l) >= t`, i.e. `t·n <= l <= n / t`.
fn length_window(n: usize, threshold: f64) -> (usize, usize) {
    let t = threshold.clamp(f64::EPSILON, 1.0);
    let low = (n as f64 * t).ceil() as usize;
    let high = (n as f64 / t).floor() as usize;
    (low, high.max(n))
}

/// The exact-match key: NFC with runs of whitespace collapsed to one space, trimmed.
pub fn exact_key(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    // Joined as it goes: a list of the words first would cost 16 bytes per word.
    let mut key = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// The form texts are compared in for fuzzy matching (never shown): the segmenter's comparison
/// normalisation ([`crate::segment::normalize::normalize_for_compare`]: digits, number
/// separators, tatweel, diacritics, alef variants, invisible characters), then Arabic
/// punctuation folded to Latin, `ى` → `ي`, `ة` → `ه` (often confused in news copy), lower case,
/// and whitespace collapsed.
pub fn comparison_form(text: &str) -> String {
    use crate::segment::normalize;
    let nfc: String = text.nfc().collect();
    let folded = normalize::normalize_for_compare(&nfc);
    let folded = normalize::fold_arabic_punctuation(&folded);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase).map(|c| match c {
            'ى' => 'ي',
            'ة' => 'ه',
            c => c,
        }));
    }
    out
}

/// Reads a TMX file.
pub fn read_tmx_file(path: &Path) -> Result<Vec<TranslationUnit>, MemoryError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| MemoryError::Io {
        file: name.clone(),
        source,
    })?;
    read_tmx(&text, &name)
}

/// What the reader is inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Outside,
    InTu,
    InTuv,
    InSeg,
}

/// Parses TMX text (`name` is used in messages).
pub fn read_tmx(xml: &str, name: &str) -> Result<Vec<TranslationUnit>, MemoryError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let invalid = |position: u64, message: String| MemoryError::Invalid {
        file: name.to_string(),
        line: xml.as_bytes()[..(position as usize).min(xml.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
        message,
    };
    let mut units = Vec::new();
    let mut place = Place::Outside;
    let mut unit = TranslationUnit::default();
    let mut lang = String::new();
    let mut seg = String::new();
    let mut code_depth = 0usize; // inside native codes (<bpt>, <ph>…): not segment text
    let mut saw_tmx = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| invalid(reader.error_position(), format!("not well-formed XML: {e}")))?;
        let position = reader.buffer_position();
        match event {
            // An empty element (`<ph/>`) has no content and no end tag: nothing to count.
            Event::Start(e) if place == Place::InSeg => {
                code_depth += usize::from(is_code(e.local_name().as_ref()))
            }
            Event::End(e) if place == Place::InSeg => match e.local_name().as_ref() {
                "seg" => place = Place::InTuv,
                n if is_code(n) => code_depth = code_depth.saturating_sub(1),
                _ => {}
            },
            Event::Start(e) => match (place, e.local_name().as_ref()) {
                (Place::Outside, "tmx") => saw_tmx = true,
                (Place::Outside, "tu") => {
                    place = Place::InTu;
                    unit = TranslationUnit {
                        id: attribute(&e, "tuid"),
                        variants: Vec::new(),
                    };
                }
                (Place::InTu, "tuv") => {
                    place = Place::InTuv;
                    lang = attribute(&e, "xml:lang")
                        .or_else(|| attribute(&e, "lang"))
                        .ok_or_else(|| {
                            invalid(
                                position,
                                "<tuv> without xml:lang (or lang) attribute".into(),
                            )
                        })?;
                }
                (Place::InTuv, "seg") => {
                    place = Place::InSeg;
                    seg.clear();
                    code_depth = 0;
                }
                _ => {}
            },
            Event::End(e) => match (place, e.local_name().as_ref()) {
                (Place::InTuv, "tuv") => {
                    unit.variants
                        .push((std::mem::take(&mut lang), std::mem::take(&mut seg)));
                    place = Place::InTu;
                }
                (Place::InTu, "tu") => {
                    units.push(std::mem::take(&mut unit));
                    place = Place::Outside;
                }
                _ => {}
            },
            Event::Text(t) if place == Place::InSeg && code_depth == 0 => {
                seg.push_str(&t.xml10_content());
            }
            Event::CData(t) if place == Place::InSeg && code_depth == 0 => {
                seg.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if place == Place::InSeg && code_depth == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Cow::Owned(c.to_string()),
                    Ok(None) => {
                        Cow::Borrowed(quick_xml::escape::resolve_predefined_entity(&r).ok_or_else(
                            || invalid(position, format!("unknown entity &{};", &*r)),
                        )?)
                    }
                    Err(e) => {
                        return Err(invalid(position, format!("bad character reference: {e}")));
                    }
                };
                seg.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_tmx {
        return Err(invalid(0, "not a TMX file (no <tmx> element)".into()));
    }
    if place != Place::Outside {
        return Err(invalid(
            xml.len() as u64,
            "the file ends inside a <tu>".into(),
        ));
    }
    Ok(units)
}

/// Inline elements whose content is native code, not segment text.
fn is_code(name: &str) -> bool {
    matches!(name, "bpt" | "ept" | "ph" | "it" | "ut")
}

fn attribute(element: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TMX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/>
  <body>
    <tu tuid="1">
      <prop type="x-note">ignored</prop>
      <tuv xml:lang="ar-SA"><seg>ذهب الولد إلى المدرسة.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The boy went to &lt;school&gt; &amp; back&#x21;</seg></tuv>
    </tu>
    <tu>
      <tuv lang="AR"><seg>قال <hi>الوزير</hi><ph x="1">&lt;br/&gt;</ph> إن<bpt i="1">&lt;b&gt;</bpt>ها<ept i="1">&lt;/b&gt;</ept> مهمة.</seg></tuv>
      <tuv lang="EN"><seg><![CDATA[The minister said it is important.]]></seg></tuv>
    </tu>
    <tu><tuv xml:lang="fr"><seg>Bonjour</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu>
  </body>
</tmx>"#;

    fn ar() -> Lang {
        Lang::parse("ar").unwrap()
    }
    fn en() -> Lang {
        Lang::parse("en").unwrap()
    }

    #[test]
    fn reads_units_entities_inline_text_and_legacy_lang() {
        let units = read_tmx(TMX, "t.tmx").unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].id.as_deref(), Some("1"));
        assert_eq!(
            units[0].variant(&en()),
            Some("The boy went to <school> & back!")
        );
        assert_eq!(units[1].variant(&ar()), Some("قال الوزير إنها مهمة."));
        assert_eq!(
            units[1].variant(&en()),
            Some("The minister said it is important.")
        );
        assert_eq!(units[2].variant(&ar()), None);
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err = read_tmx(
            "<tmx>\n<body>\n<tu><tuv xml:lang=\"ar\"><seg>x</tuv>\n</body></tmx>",
            "bad.tmx",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("bad.tmx:3: not well-formed XML"), "{err}");
        let err = read_tmx(
            "<tmx><body><tu><tuv><seg>x</seg></tuv></tu></body></tmx>",
            "b.tmx",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("<tuv> without xml:lang"), "{err}");
        let err = read_tmx("<html/>", "c.tmx").unwrap_err().to_string();
        assert!(err.contains("not a TMX file"), "{err}");
    }

    #[test]
    fn exact_match_ignores_whitespace_and_normalisation_form() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tmx");
        std::fs::write(&path, TMX).unwrap();
        let memory = Memory::load(&[path], &ar(), &en(), 0.85).unwrap();
        assert_eq!(memory.len(), 2);
        let m = memory.lookup("  ذهب   الولد إلى\nالمدرسة. ").unwrap();
        assert_eq!(m.score, 1.0);
        assert_eq!(m.target, "The boy went to <school> & back!");
    }

    #[test]
    fn a_very_long_text_is_looked_up_without_fuzzy_matching_or_copies() {
        let memory = Memory::from_pairs(
            [(
                "وصل الوفد إلى بغداد.".to_string(),
                "The delegation arrived.".to_string(),
            )],
            0.5,
        );
        let long = "وصل الوفد إلى بغداد. ".repeat(2000);
        assert!(memory.skips_fuzzy(&long));
        assert!(memory.lookup(&long).is_none());
        // Whitespace runs collapse: a text that is mostly spaces can still match exactly.
        let spaced = format!("وصل {} الوفد إلى بغداد.", " ".repeat(100_000));
        assert_eq!(memory.lookup(&spaced).unwrap().score, 1.0);
        // Just above the fuzzy limit, a near copy gets no fuzzy match; the exact one still does.
        let memory = Memory::from_pairs([(long.trim().to_string(), "t".to_string())], 0.5);
        assert_eq!(memory.lookup(&long).unwrap().score, 1.0);
        let near = long.replacen("بغداد", "البصرة", 1);
        assert!(memory.lookup(&near).is_none());
    }

    #[test]
    fn fuzzy_match_above_threshold_only() {
        let memory = Memory::from_pairs(
            [
                (
                    "ذهب الولد إلى المدرسة يوم ٣ مارس.".to_string(),
                    "The boy went to school on 3 March.".to_string(),
                ),
                (
                    "قال الوزير إنها مهمة جدا.".to_string(),
                    "The minister said it is very important.".to_string(),
                ),
            ],
            0.85,
        );
        // Diacritics, hamza on alef and digit set do not count as differences.
        let m = memory.lookup("ذَهَبَ الولد الى المدرسة يوم 3 مارس.").unwrap();
        assert_eq!(m.score, 1.0, "{m:?}");
        // One word changed: a fuzzy match with a score below 1.
        let m = memory.lookup("ذهب الولد إلى المدرسة يوم ٤ مارس.").unwrap();
        assert!(m.score < 1.0 && m.score >= 0.85, "{m:?}");
        assert_eq!(m.target, "The boy went to school on 3 March.");
        assert!(memory.lookup("سافر الرئيس إلى باريس أمس.").is_none());
        let exact_only = Memory::from_pairs([("أ".to_string(), "a".to_string())], 1.0);
        assert!(exact_only.lookup("ا").is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_sketch_bound_never_exceeds_the_edit_distance(a in "[a-eا-ي ]{0,30}", b in "[a-eا-ي ]{0,30}") {
            let floor = Sketch::of(&a).distance_floor(&Sketch::of(&b));
            proptest::prop_assert!(floor <= strsim::levenshtein(&a, &b));
        }
    }

    #[test]
    fn length_window_keeps_every_candidate_that_can_reach_the_threshold() {
        for n in 1..200 {
            let (low, high) = length_window(n, 0.85);
            for l in 1..400 {
                let best = 1.0 - (n as f64 - l as f64).abs() / n.max(l) as f64;
                if best >= 0.85 {
                    assert!(low <= l && l <= high, "n={n} l={l}");
                }
            }
        }
    }
}
