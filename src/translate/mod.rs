//! Translation: the provider chain (memory, then services), the cache, request planning.
//!
//! [`Translator::translate_document`] segments the source, builds units (sentences or
//! paragraphs) and tries the chain in order for every unit still missing a translation:
//!
//! - `memory`: exact, then fuzzy matches from the TMX files (`origin: memory`, with its score);
//! - a service: first the cache (`origin: cache`), then the network for the rest
//!   (`origin: network`). Texts longer than the service allows are cut at clause punctuation
//!   ([`plan::split_for_limit`]) and their translations rejoined; pieces are packed into
//!   batches within the service's limits ([`plan::pack`]) and sent on `concurrency` threads.
//!   Each unit is committed to the cache the moment its last piece arrives, so a killed run
//!   loses nothing it paid for.
//!
//! A batch that fails after the provider's retries leaves its units to the next chain element;
//! a unit no element could translate gets no target sentence, a 1-0 bead and a
//! `translation-failed` flag (never a padded or shifted translation). An authentication or
//! quota error stops the run at once ([`RunError::Fatal`]) after every finished unit is saved.

pub mod plan;

use std::io::IsTerminal;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;

use crate::align;
use crate::bitext::{Bead, Bitext, Flag, Origin, Sentence, Severity, Side};
use crate::cache::{Cache, CacheError, Key};
use crate::config::{MEMORY, Settings, Unit};
use crate::lang::Lang;
use crate::memory::Memory;
use crate::provider::{Batch, Provider, ProviderError, Translate, Translated};
use crate::segment::{self, SentenceSpan};

/// The flag code of a unit no chain element could translate.
pub const TRANSLATION_FAILED: &str = "translation-failed";

/// One element of the chain.
pub enum Element {
    /// The translation memory.
    Memory(Memory),
    /// A translation service, under its configured name.
    Service {
        /// The `[providers.NAME]` name.
        name: String,
        /// The client.
        provider: Box<dyn Translate>,
    },
}

impl Element {
    /// The name written in the bitext (`memory` or the provider's configured name).
    pub fn name(&self) -> &str {
        match self {
            Element::Memory(_) => MEMORY,
            Element::Service { name, .. } => name,
        }
    }
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Show a progress bar on standard error when it is a terminal.
    pub progress: bool,
    /// The source file name, recorded in the bitext header.
    pub source_file: Option<String>,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Units (sentences or paragraphs) in the document.
    pub units: usize,
    /// Source sentences.
    pub sentences: usize,
    /// Units found in the translation memory.
    pub from_memory: usize,
    /// Units found in the cache.
    pub from_cache: usize,
    /// Units translated by a service during this run.
    pub from_network: usize,
    /// Units nobody translated.
    pub failed: usize,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Retries after transient failures.
    pub retries: u64,
    /// Characters billed by the services during this run.
    pub billed_chars: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} units ({} sentences): {} from memory, {} from cache, {} translated, {} failed; {} requests, {} retries, {} characters billed; {:.1} s",
            self.units,
            self.sentences,
            self.from_memory,
            self.from_cache,
            self.from_network,
            self.failed,
            self.requests,
            self.retries,
            self.billed_chars,
            self.elapsed.as_secs_f64()
        )
    }
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The bitext: header, source and target sentences, beads, `translation-failed` flags.
    pub bitext: Bitext,
    /// Counts.
    pub summary: Summary,
}

/// Why a run stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A service refused to go on (authentication, quota): nothing more can succeed now.
    #[error(
        "{provider}: {error}; stopped after {done} of {total} units (every finished one is saved in the cache {cache}); fix the cause and run the same command again to resume"
    )]
    Fatal {
        /// The provider's name.
        provider: String,
        /// What it said.
        error: ProviderError,
        /// Units done so far.
        done: usize,
        /// Units in the document.
        total: usize,
        /// The cache file.
        cache: String,
        /// Counts so far.
        summary: Box<Summary>,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// The chain, the cache and the settings, ready to translate documents.
pub struct Translator {
    settings: Settings,
    elements: Vec<Element>,
    cache: std::sync::OnceLock<Cache>,
    /// Where to open the cache when first needed (none: run without a cache).
    cache_path: Option<std::path::PathBuf>,
}

/// A unit to translate.
#[derive(Debug, Clone)]
struct WorkUnit {
    /// Source sentence ids.
    sentences: Range<usize>,
    para: usize,
    text: String,
    /// Neighbouring source sentences, when context is on.
    context: Option<String>,
}

/// A unit's translation.
#[derive(Debug, Clone)]
struct Done {
    text: String,
    origin: Origin,
    provider: String,
    memory_score: Option<f64>,
    /// Sentence lengths of `text` in characters, when the service reported them (Azure).
    sentence_lengths: Option<Vec<usize>>,
}

impl Translator {
    /// Builds the chain from the settings (loading TMX files, reading keys from the environment)
    /// and opens the cache.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Translator> {
        let mut elements = Vec::new();
        for name in &settings.translate.chain {
            if name == MEMORY {
                let memory = Memory::load(
                    &settings.memory.files,
                    &settings.translate.from,
                    &settings.translate.to,
                    settings.memory.fuzzy_threshold,
                )?;
                elements.push(Element::Memory(memory));
            } else {
                let provider_settings = settings.providers.get(name).with_context(|| {
                    format!("the chain names '{name}' but there is no [providers.{name}] table")
                })?;
                let provider = Provider::from_settings(name, provider_settings)?;
                elements.push(Element::Service {
                    name: name.clone(),
                    provider: Box::new(provider),
                });
            }
        }
        let mut translator = Translator::new(settings.clone(), elements, None);
        translator.cache_path = Some(settings.translate.cache.clone());
        Ok(translator)
    }

    /// A translator from parts (tests and benchmarks plug in their own providers).
    pub fn new(settings: Settings, elements: Vec<Element>, cache: Option<Cache>) -> Translator {
        let opened = std::sync::OnceLock::new();
        if let Some(cache) = cache {
            let _ = opened.set(cache);
        }
        Translator {
            settings,
            elements,
            cache: opened,
            cache_path: None,
        }
    }

    /// The cache, opened the first time a unit reaches a service (a document the memory covers
    /// entirely never creates a cache file).
    fn cache(&self) -> Result<Option<&Cache>, CacheError> {
        if let Some(cache) = self.cache.get() {
            return Ok(Some(cache));
        }
        let Some(path) = &self.cache_path else {
            return Ok(None);
        };
        let cache = Cache::open(path)?;
        Ok(Some(self.cache.get_or_init(|| cache)))
    }

    /// The chain, in order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// Segments `text` and translates it through the chain (see the module docs).
    pub fn translate_document(
        &self,
        text: &str,
        options: &RunOptions,
    ) -> Result<Outcome, RunError> {
        let started = Instant::now();
        let t = &self.settings.translate;
        let sentences = segment::split(text, &segment::Options::new(t.from.clone()));
        let units = build_units(text, &sentences, t.unit, t.context);
        let progress = Progress::new(options.progress, units.len());
        let mut done: Vec<Option<Done>> = vec![None; units.len()];
        let mut errors: Vec<Option<String>> = vec![None; units.len()];
        let mut summary = Summary {
            units: units.len(),
            sentences: sentences.len(),
            ..Summary::default()
        };
        for element in &self.elements {
            let pending: Vec<usize> = (0..units.len()).filter(|&i| done[i].is_none()).collect();
            if pending.is_empty() {
                break;
            }
            let result = match element {
                Element::Memory(memory) => {
                    lookup_memory(memory, &units, &pending, &mut done);
                    Ok(())
                }
                Element::Service { name, provider } => {
                    let cache = match self.cache() {
                        Ok(cache) => cache,
                        Err(e) => {
                            progress.finish();
                            return Err(RunError::Cache(e));
                        }
                    };
                    let run = ServiceRun {
                        name,
                        provider: provider.as_ref(),
                        cache,
                        from: &t.from,
                        to: &t.to,
                        concurrency: t.concurrency,
                        units: &units,
                        progress: &progress,
                    };
                    run.translate(&pending, &mut done, &mut errors)
                }
            };
            progress.set(done.iter().flatten().count(), self.counters());
            if let Err(stop) = result {
                progress.finish();
                self.tally(&mut summary, &done, started);
                return Err(match stop {
                    Stop::Cache(e) => RunError::Cache(e),
                    Stop::Fatal(error) => RunError::Fatal {
                        provider: element.name().to_string(),
                        error,
                        done: done.iter().flatten().count(),
                        total: units.len(),
                        cache: self
                            .cache
                            .get()
                            .map(|c| c.path().display().to_string())
                            .unwrap_or_default(),
                        summary: Box::new(summary),
                    },
                });
            }
        }
        progress.finish();
        self.tally(&mut summary, &done, started);
        let bitext = self.build_bitext(text, &sentences, &units, &done, &errors, options);
        Ok(Outcome { bitext, summary })
    }

    /// (requests, retries) over every service so far.
    fn counters(&self) -> (u64, u64) {
        self.services().fold((0, 0), |(req, ret), p| {
            let s = p.stats();
            (req + s.requests, ret + s.retries)
        })
    }

    fn services(&self) -> impl Iterator<Item = &dyn Translate> {
        self.elements.iter().filter_map(|e| match e {
            Element::Service { provider, .. } => Some(provider.as_ref()),
            Element::Memory(_) => None,
        })
    }

    fn tally(&self, summary: &mut Summary, done: &[Option<Done>], started: Instant) {
        let count = |o: Origin| done.iter().flatten().filter(|d| d.origin == o).count();
        summary.from_memory = count(Origin::Memory);
        summary.from_cache = count(Origin::Cache);
        summary.from_network = count(Origin::Network);
        summary.failed = done.iter().filter(|d| d.is_none()).count();
        for p in self.services() {
            let s = p.stats();
            summary.requests += s.requests;
            summary.retries += s.retries;
            summary.billed_chars += s.billed_chars;
        }
        summary.elapsed = started.elapsed();
    }

    /// The fingerprint of the settings and of the chain's services.
    pub fn fingerprint(&self) -> String {
        let identities: Vec<String> = self.services().map(|p| p.cache_identity()).collect();
        self.settings.fingerprint(&identities)
    }

    fn build_bitext(
        &self,
        text: &str,
        sentences: &[SentenceSpan],
        units: &[WorkUnit],
        done: &[Option<Done>],
        errors: &[Option<String>],
        options: &RunOptions,
    ) -> Bitext {
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
                align_paragraph(&mut bitext, &sources, &targets);
            } else {
                let score = if targets.is_empty() { 0.0 } else { 1.0 };
                bitext
                    .beads
                    .push(Bead::new(bead_id, sources, targets, score));
            }
        }
        bitext
    }
}

/// Pairs the sentences of one translated paragraph with its source sentences (paragraph mode):
/// the translation is the MT of the whole paragraph, so the aligner works from length and
/// anchors (numbers, Latin names, quotes) and its beads replace one paragraph-wide bead.
fn align_paragraph(bitext: &mut Bitext, sources: &[usize], targets: &[usize]) {
    let source: Vec<&str> = sources
        .iter()
        .map(|&i| bitext.source[i].text.as_str())
        .collect();
    let target: Vec<&str> = targets
        .iter()
        .map(|&i| bitext.target[i].text.as_str())
        .collect();
    let input = align::AlignInput::new(&source, &target);
    let beads = align::align(&input, &align::AlignOptions::default());
    for bead in beads {
        let id = bitext.beads.len();
        let src = bead.source.iter().map(|&i| sources[i]).collect();
        let tgt = bead.target.iter().map(|&i| targets[i]).collect();
        bitext.beads.push(Bead::new(id, src, tgt, bead.score));
    }
}

/// The translation cut into sentences by the lengths the service reported (characters, each
/// sentence with its trailing space); `None` when they do not add up to the text.
fn split_by_lengths(text: &str, lengths: &[usize]) -> Option<Vec<String>> {
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

/// Loads the configuration's chain and translates `text` (the entry point for commands).
pub fn translate_document(
    text: &str,
    settings: &Settings,
    options: &RunOptions,
) -> anyhow::Result<Outcome> {
    let translator = Translator::from_settings(settings)?;
    Ok(translator.translate_document(text, options)?)
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

/// Units from sentences: one per sentence, or one per paragraph (its text from the first
/// sentence's start to the last one's end, as in the input).
fn build_units(text: &str, sentences: &[SentenceSpan], unit: Unit, context: bool) -> Vec<WorkUnit> {
    let mut units: Vec<WorkUnit> = Vec::new();
    for s in sentences {
        match units.last_mut() {
            Some(last) if unit == Unit::Paragraph && last.para == s.para => {
                last.sentences.end = s.id + 1;
            }
            _ => units.push(WorkUnit {
                sentences: s.id..s.id + 1,
                para: s.para,
                text: String::new(),
                context: None,
            }),
        }
    }
    for u in &mut units {
        let span = sentences[u.sentences.start].span.start..sentences[u.sentences.end - 1].span.end;
        u.text = text[span].to_string();
    }
    if context {
        let texts: Vec<(usize, String)> = units.iter().map(|u| (u.para, u.text.clone())).collect();
        for (i, u) in units.iter_mut().enumerate() {
            let neighbour = |j: Option<usize>| {
                j.and_then(|j| texts.get(j))
                    .filter(|(para, _)| *para == u.para)
                    .map(|(_, t)| t.as_str())
            };
            let parts: Vec<&str> = [neighbour(i.checked_sub(1)), neighbour(Some(i + 1))]
                .into_iter()
                .flatten()
                .collect();
            u.context = (!parts.is_empty()).then(|| parts.join(" "));
        }
    }
    units
}

fn lookup_memory(
    memory: &Memory,
    units: &[WorkUnit],
    pending: &[usize],
    done: &mut [Option<Done>],
) {
    for &i in pending {
        if let Some(m) = memory.lookup(&units[i].text) {
            done[i] = Some(Done {
                text: m.target,
                origin: Origin::Memory,
                provider: MEMORY.to_string(),
                memory_score: Some(m.score),
                sentence_lengths: None,
            });
        }
    }
}

/// How many times one request is halved after "too large" answers before giving up.
const MAX_SPLITS: u32 = 8;

/// What [`Translate::translate`] returns.
type Answers = Result<Vec<Result<Translated, String>>, ProviderError>;

/// The translations of a text's pieces, joined with a space (the first failure fails it all).
fn rejoin(answers: Vec<Result<Translated, String>>) -> Result<Translated, String> {
    let mut text = Vec::with_capacity(answers.len());
    let mut billed_chars = 0;
    for answer in answers {
        let answer = answer?;
        text.push(answer.text.trim().to_string());
        billed_chars += answer.billed_chars;
    }
    Ok(Translated {
        text: text.join(" "),
        billed_chars,
        sentence_lengths: None,
    })
}

/// Per unit: its translation, and why it has none (the last service's error).
type Results = Mutex<(Vec<Option<Done>>, Vec<Option<String>>)>;

/// Why a service step stopped the run.
enum Stop {
    Fatal(ProviderError),
    Cache(CacheError),
}

/// One service's turn in the chain.
struct ServiceRun<'a> {
    name: &'a str,
    provider: &'a dyn Translate,
    cache: Option<&'a Cache>,
    from: &'a Lang,
    to: &'a Lang,
    concurrency: usize,
    units: &'a [WorkUnit],
    progress: &'a Progress,
}

/// A piece of a unit, as sent.
struct Piece {
    unit: usize,
    index: usize,
    text: String,
}

/// Pieces of the units in flight, filled as answers arrive.
struct Assembly {
    /// Per unit: its pieces' translations so far, and billed characters.
    parts: Vec<(Vec<Option<String>>, u64)>,
    stop: Option<Stop>,
}

impl ServiceRun<'_> {
    fn key<'k>(&self, identity: &'k str, unit: &'k WorkUnit) -> Key<'k>
    where
        Self: 'k,
    {
        Key {
            identity,
            source_lang: self.from.as_str(),
            target_lang: self.to.as_str(),
            source: &unit.text,
            context: unit.context.as_deref(),
        }
    }

    fn translate(
        &self,
        pending: &[usize],
        done: &mut [Option<Done>],
        errors: &mut [Option<String>],
    ) -> Result<(), Stop> {
        let identity = self.provider.cache_identity();
        let mut missing = Vec::new();
        // A text repeated in the document is requested (and paid for) once; its copies follow.
        let mut first_of: std::collections::HashMap<(&str, Option<&str>), usize> =
            std::collections::HashMap::new();
        let mut copies: Vec<(usize, usize)> = Vec::new();
        for &i in pending {
            let hit = match self.cache {
                Some(cache) => cache
                    .get(&self.key(&identity, &self.units[i]))
                    .map_err(Stop::Cache)?,
                None => None,
            };
            match hit {
                Some(hit) => {
                    done[i] = Some(Done {
                        text: hit.target,
                        origin: Origin::Cache,
                        provider: self.name.to_string(),
                        memory_score: None,
                        sentence_lengths: hit.sentence_lengths,
                    });
                    self.progress.inc();
                }
                None => {
                    let unit = &self.units[i];
                    match first_of.entry((&unit.text, unit.context.as_deref())) {
                        std::collections::hash_map::Entry::Occupied(first) => {
                            copies.push((i, *first.get()));
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            slot.insert(i);
                            missing.push(i);
                        }
                    }
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let limits = self.provider.limits();
        let mut pieces = Vec::new();
        let mut counts = vec![0; self.units.len()];
        for &i in &missing {
            let text = &self.units[i].text;
            let spans = plan::split_for_limit(text, limits.max_text_bytes);
            counts[i] = spans.len();
            pieces.extend(spans.into_iter().enumerate().map(|(index, span)| Piece {
                unit: i,
                index,
                text: text[span].to_string(),
            }));
        }
        // With context on, a request carries one unit (DeepL's context is per request).
        let batches: Vec<Range<usize>> = if self.units.iter().any(|u| u.context.is_some()) {
            let mut batches = Vec::new();
            let mut start = 0;
            for end in 1..=pieces.len() {
                if end == pieces.len()
                    || pieces[end].unit != pieces[start].unit
                    || end - start >= limits.max_texts.max(1)
                {
                    batches.push(start..end);
                    start = end;
                }
            }
            batches
        } else {
            let lengths: Vec<usize> = pieces.iter().map(|p| limits.encoded_len(&p.text)).collect();
            plan::pack(&lengths, &limits)
        };
        let assembly = Mutex::new(Assembly {
            parts: counts.iter().map(|&n| (vec![None; n], 0)).collect(),
            stop: None,
        });
        let results = Mutex::new((done.to_vec(), errors.to_vec()));
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        // The service says how many requests it takes at once; [translate] concurrency caps it.
        let workers = self
            .provider
            .concurrency()
            .min(self.concurrency)
            .clamp(1, batches.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        let b = next.fetch_add(1, Ordering::SeqCst);
                        let Some(range) = batches.get(b) else { break };
                        let batch = &pieces[range.clone()];
                        if let Err(s) = self.send(&identity, batch, &assembly, &results) {
                            let mut a = assembly.lock().unwrap_or_else(|e| e.into_inner());
                            a.stop.get_or_insert(s);
                            stop.store(true, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        let (d, e) = results.into_inner().unwrap_or_else(|e| e.into_inner());
        done.clone_from_slice(&d);
        errors.clone_from_slice(&e);
        for (copy, first) in copies {
            done[copy] = done[first].clone();
            errors[copy] = errors[first].clone();
            if done[copy].is_some() {
                self.progress.inc();
            }
        }
        match assembly
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .stop
        {
            Some(s) => Err(s),
            None => Ok(()),
        }
    }

    /// Sends one batch and files its answers; a fatal error or a cache failure stops the run.
    fn send(
        &self,
        identity: &str,
        batch: &[Piece],
        assembly: &Mutex<Assembly>,
        results: &Results,
    ) -> Result<(), Stop> {
        let texts: Vec<String> = batch.iter().map(|p| p.text.clone()).collect();
        let context = self.units[batch[0].unit].context.as_deref();
        let answers = match self.request(&texts, context, 0) {
            Ok(a) if a.len() == texts.len() => a,
            Ok(a) => {
                let why = format!(
                    "{}: {} translations for {} texts",
                    self.name,
                    a.len(),
                    texts.len()
                );
                self.fail(batch, &why, results);
                return Ok(());
            }
            Err(e) if e.is_fatal() => return Err(Stop::Fatal(e)),
            Err(e) => {
                self.fail(batch, &format!("{}: {e}", self.name), results);
                return Ok(());
            }
        };
        for (piece, answer) in batch.iter().zip(answers) {
            let answer = match answer {
                Ok(t) if !t.text.trim().is_empty() => t,
                Ok(_) => {
                    let why = format!("{}: empty translation", self.name);
                    self.fail(std::slice::from_ref(piece), &why, results);
                    continue;
                }
                Err(why) => {
                    let why = format!("{}: {why}", self.name);
                    self.fail(std::slice::from_ref(piece), &why, results);
                    continue;
                }
            };
            let complete = {
                let mut a = assembly.lock().unwrap_or_else(|e| e.into_inner());
                let (parts, billed) = &mut a.parts[piece.unit];
                parts[piece.index] = Some(answer.text.trim().to_string());
                *billed += answer.billed_chars as u64;
                if parts.iter().all(Option::is_some) {
                    let joined = parts
                        .iter()
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ");
                    // Reported sentence lengths describe one text; a rejoined one has none.
                    let lengths = (parts.len() == 1)
                        .then(|| answer.sentence_lengths.clone())
                        .flatten();
                    Some((joined, *billed, lengths))
                } else {
                    None
                }
            };
            if let Some((text, billed, lengths)) = complete {
                let unit = &self.units[piece.unit];
                if let Some(cache) = self.cache {
                    let key = self.key(identity, unit);
                    cache
                        .put_with_lengths(&key, &text, self.name, billed, lengths.as_deref())
                        .map_err(Stop::Cache)?;
                }
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                r.0[piece.unit] = Some(Done {
                    text,
                    origin: Origin::Network,
                    provider: self.name.to_string(),
                    memory_score: None,
                    sentence_lengths: lengths,
                });
                drop(r);
                self.progress.inc();
                let s = self.provider.stats();
                self.progress.note_retries(s.retries);
            }
        }
        Ok(())
    }

    /// Sends texts as one request; when the service says the request is too large (a limit the
    /// configuration underestimated), resends it as two halves, and a single text cut in two at
    /// clause punctuation (its halves' translations rejoined), up to [`MAX_SPLITS`] times.
    fn request(&self, texts: &[String], context: Option<&str>, depth: u32) -> Answers {
        let batch = Batch {
            texts,
            from: self.from,
            to: self.to,
            context,
        };
        match self.provider.translate(&batch) {
            Err(e) if e.is_too_large() && depth < MAX_SPLITS => {
                if texts.len() > 1 {
                    let (left, right) = texts.split_at(texts.len() / 2);
                    let mut answers = self.request(left, context, depth + 1)?;
                    answers.extend(self.request(right, context, depth + 1)?);
                    return Ok(answers);
                }
                let text = &texts[0];
                let spans = plan::split_for_limit(text, Some((text.len() / 2).max(1)));
                if spans.len() < 2 {
                    return Err(e);
                }
                let parts: Vec<String> = spans.into_iter().map(|r| text[r].to_string()).collect();
                let answers = self.request(&parts, context, depth + 1)?;
                Ok(vec![rejoin(answers)])
            }
            other => other,
        }
    }

    /// Records why the units of these pieces got no translation from this service.
    fn fail(&self, batch: &[Piece], why: &str, results: &Results) {
        let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
        for p in batch {
            r.1[p.unit] = Some(why.to_string());
        }
    }
}

/// The progress bar: on a terminal only, hidden otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    retries: AtomicUsize,
}

impl Progress {
    fn new(wanted: bool, total: usize) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {pos}/{len} units {per_sec} · {msg} · {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            retries: AtomicUsize::new(0),
        }
    }

    fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn note_retries(&self, retries: u64) {
        if let Some(bar) = &self.bar {
            let previous = self.retries.swap(retries as usize, Ordering::Relaxed);
            if previous != retries as usize {
                bar.set_message(format!("{retries} retries"));
            }
        }
    }

    fn set(&self, done: usize, (requests, retries): (u64, u64)) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            bar.set_message(format!("{requests} requests, {retries} retries"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests;
