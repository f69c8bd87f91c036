//! Assembly of the bitext: source sentences with offsets, target sentences with their origin,
//! beads (one per unit, or aligned inside a translated paragraph), `translation-failed` flags.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Done, TRANSLATION_FAILED, Translator, WorkUnit};
use crate::align::{self, EmbeddingLookup};
use crate::bitext::{Bead, Bitext, Flag, Sentence, Severity, Side};
use crate::config::Unit;
use crate::segment::{self, SentenceSpan};

use super::RunOptions;

impl Translator {
    /// The bitext of a finished run; with `embeddings` (provider name, lookup) the sentences of
    /// each translated paragraph are aligned with their vectors too, and a lookup that fails
    /// fails the assembly with the provider's name and its reason.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn build_bitext<'a>(
        &self,
        text: &str,
        sentences: &[SentenceSpan],
        units: &[WorkUnit],
        done: &[Option<Done>],
        errors: &[Option<String>],
        options: &RunOptions,
        embeddings: Option<(&'a str, &dyn EmbeddingLookup)>,
    ) -> Result<Bitext, (&'a str, String)> {
        let t = &self.settings.translate;
        let mut bitext = Bitext::new(t.from.clone(), t.to.clone());
        let header = &mut bitext.header;
        header.created = Some(created_now());
        header.source_file = options.source_file.clone();
        header.unit = Some(t.unit.to_string());
        header.providers = t.chain.clone();
        header.config_fingerprint = Some(self.fingerprint());
        bitext.source = sentences
            .iter()
            .map(|s| {
                let mut sentence = Sentence::new(Side::Source, s.id, s.para, &text[s.span.clone()]);
                sentence.start = Some(s.span.start);
                sentence.end = Some(s.span.end);
                sentence
            })
            .collect();
        let target_options = segment::Options::new(t.to.clone());
        for (i, unit) in units.iter().enumerate() {
            let first_target = bitext.target.len();
            let bead_id = bitext.beads.len();
            match &done[i] {
                Some(d) => {
                    let pieces: Vec<String> = match t.unit {
                        Unit::Sentence => vec![d.text.trim().to_string()],
                        Unit::Paragraph => d
                            .sentence_lengths
                            .as_deref()
                            .and_then(|lengths| split_by_lengths(&d.text, lengths))
                            .unwrap_or_else(|| {
                                segment::split(&d.text, &target_options)
                                    .into_iter()
                                    .map(|s| d.text[s.span].to_string())
                                    .collect()
                            }),
                    };
                    for piece in pieces {
                        let mut s =
                            Sentence::new(Side::Target, bitext.target.len(), unit.para, piece);
                        s.origin = Some(d.origin);
                        s.provider = Some(d.provider.clone());
                        s.memory_score = d.memory_score;
                        bitext.target.push(s);
                    }
                }
                None => {
                    let why = errors[i]
                        .clone()
                        .unwrap_or_else(|| "no chain element had a translation".to_string());
                    bitext.flags.push(Flag {
                        code: TRANSLATION_FAILED.to_string(),
                        severity: Severity::Error,
                        source: unit.sentences.clone().collect(),
                        target: Vec::new(),
                        bead: Some(bead_id),
                        message: format!(
                            "not translated: {why}; run again to retry, or translate it by hand"
                        ),
                        evidence: why,
                        extra: Default::default(),
                    });
                }
            }
            let sources: Vec<usize> = unit.sentences.clone().collect();
            let targets: Vec<usize> = (first_target..bitext.target.len()).collect();
            if !targets.is_empty() && (sources.len() > 1 || targets.len() > 1) {
                align_paragraph(&mut bitext, &sources, &targets, embeddings.map(|(_, l)| l))
                    .map_err(|reason| (embeddings.map_or("", |(name, _)| name), reason))?;
            } else {
                let score = if targets.is_empty() { 0.0 } else { 1.0 };
                bitext
                    .beads
                    .push(Bead::new(bead_id, sources, targets, score));
            }
        }
        Ok(bitext)
    }
}

/// Pairs the sentences of one translated paragraph with its source sentences (paragraph mode):
/// the translation is the MT of the whole paragraph, so the aligner works from length and
/// anchors (numbers, Latin names, quotes), and the sentence vectors of `embeddings` when
/// given, and its beads replace one paragraph-wide bead. Fails only when `embeddings` does.
fn align_paragraph(
    bitext: &mut Bitext,
    sources: &[usize],
    targets: &[usize],
    embeddings: Option<&dyn EmbeddingLookup>,
) -> Result<(), String> {
    let source: Vec<&str> = sources
        .iter()
        .map(|&i| bitext.source[i].text.as_str())
        .collect();
    let target: Vec<&str> = targets
        .iter()
        .map(|&i| bitext.target[i].text.as_str())
        .collect();
    let input = align::AlignInput::new(&source, &target);
    let options = align::AlignOptions::default();
    let beads = match embeddings {
        None => align::align(&input, &options),
        Some(lookup) => align::align_with_embeddings(&input, &options, lookup)?,
    };
    for bead in beads {
        let id = bitext.beads.len();
        let src = bead.source.iter().map(|&i| sources[i]).collect();
        let tgt = bead.target.iter().map(|&i| targets[i]).collect();
        bitext.beads.push(Bead::new(id, src, tgt, bead.score));
    }
    Ok(())
}

/// The translation cut into sentences by the lengths the service reported (characters, each
/// sentence with its trailing space); `None` when they do not add up to the text.
pub(super) fn split_by_lengths(text: &str, lengths: &[usize]) -> Option<Vec<String>> {
    if lengths.iter().sum::<usize>() != text.chars().count() {
        return None;
    }
    let mut chars = text.chars();
    let sentences: Vec<String> = lengths
        .iter()
        .map(|&n| {
            chars
                .by_ref()
                .take(n)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!sentences.is_empty()).then_some(sentences)
}

/// RFC 3339 time of creation: `SOURCE_DATE_EPOCH` when set (reproducible outputs), else now.
fn created_now() -> String {
    let time = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap_or_else(SystemTime::now);
    humantime::format_rfc3339_seconds(time).to_string()
}
