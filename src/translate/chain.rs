//! The chain: the translation memory, then each service (its cache, then the network), tried in
//! order for every unit still missing a translation.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::Context;

use super::service::{ServiceRun, Stop};
use super::{
    Done, Element, EmbeddingCounts, Outcome, RunError, RunOptions, Summary, WorkUnit,
    progress::Progress, progress::Silent,
};
use crate::align::EmbeddingLookup;
use crate::bitext::Origin;
use crate::cache::{Cache, CacheError, CachedEmbedder};
use crate::config::{MEMORY, Settings, Unit};
use crate::lang::Lang;
use crate::memory::Memory;
use crate::provider::embeddings::{Embed, InputKind};
use crate::provider::{Provider, Translate};
use crate::segment::{self, SentenceSpan};

/// The chain, the cache and the settings, ready to translate documents.
pub struct Translator {
    pub(super) settings: Settings,
    elements: Vec<Element>,
    cache: OnceLock<Arc<Cache>>,
    /// Where to open the cache when first needed (none: run without a cache).
    cache_path: Option<PathBuf>,
    /// The embeddings provider (`[align] embeddings`, its name and client) whose vectors help
    /// align the sentences of a translated paragraph; none: length and anchors only.
    embedder: Option<(String, Box<dyn Embed>)>,
}

impl Translator {
    /// Builds the chain from the settings (loading TMX files, reading keys from the environment);
    /// the cache is opened when a unit first reaches a service.
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
        if let Some(name) = &settings.align.embeddings {
            let provider_settings = settings.providers.get(name).with_context(|| {
                format!(
                    "[align] embeddings names '{name}' but there is no [providers.{name}] table"
                )
            })?;
            let embedder = crate::provider::embeddings::from_settings(name, provider_settings)?;
            translator = translator.with_embeddings(name, embedder);
        }
        Ok(translator)
    }

    /// A translator from parts (tests and benchmarks plug in their own providers).
    pub fn new(settings: Settings, elements: Vec<Element>, cache: Option<Cache>) -> Translator {
        let opened = OnceLock::new();
        if let Some(cache) = cache {
            let _ = opened.set(Arc::new(cache));
        }
        Translator {
            settings,
            elements,
            cache: opened,
            cache_path: None,
            embedder: None,
        }
    }

    /// Aligns the sentences of each translated paragraph with the vectors of `embedder` too
    /// (through the cache), under the provider name `name` (used in errors).
    pub fn with_embeddings(mut self, name: &str, embedder: Box<dyn Embed>) -> Translator {
        self.embedder = Some((name.to_string(), embedder));
        self
    }

    /// The cache, opened (on a blocking thread) the first time a unit reaches a service: a
    /// document the memory covers entirely never creates a cache file.
    async fn cache(&self) -> Result<Option<Arc<Cache>>, CacheError> {
        if let Some(cache) = self.cache.get() {
            return Ok(Some(Arc::clone(cache)));
        }
        let Some(path) = self.cache_path.clone() else {
            return Ok(None);
        };
        let cache = match tokio::task::spawn_blocking(move || Cache::open(&path)).await {
            Ok(opened) => opened?,
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        };
        Ok(Some(Arc::clone(self.cache.get_or_init(|| Arc::new(cache)))))
    }

    /// The chain, in order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// Segments `text` and translates it through the chain (see the module docs). Ctrl-C
    /// ([`crate::interrupt`]) cancels the requests in flight and returns
    /// [`RunError::Interrupted`] once everything received is in the cache.
    pub async fn translate_document(
        &self,
        text: &str,
        options: &RunOptions,
    ) -> Result<Outcome, RunError> {
        let started = Instant::now();
        let t = &self.settings.translate;
        let sentences = split_blocking(text, &t.from).await;
        let units = build_units(text, &sentences, t.unit, t.context);
        let progress: &dyn Progress = options.progress.as_deref().unwrap_or(&Silent);
        progress.start(units.len());
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
                    let before = done.iter().flatten().count();
                    lookup_memory(memory, &units, &pending, &mut done);
                    progress.advance(done.iter().flatten().count() - before);
                    Ok(())
                }
                Element::Service { name, provider } => {
                    let cache = match self.cache().await {
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
                        progress,
                    };
                    run.run(&pending, &mut done, &mut errors).await
                }
            };
            let (requests, retries) = self.counters();
            progress.update(done.iter().flatten().count(), requests, retries);
            if let Err(stop) = result {
                progress.finish();
                self.tally(&mut summary, &done, started);
                return Err(match stop {
                    Stop::Cache(e) => RunError::Cache(e),
                    Stop::Interrupted => RunError::Interrupted {
                        done: done.iter().flatten().count(),
                        total: units.len(),
                        summary: Box::new(summary),
                    },
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
        // only paragraphs are aligned inside a unit: a sentence run needs no vectors (nor a
        // cache file opened for them)
        let embedder = match &self.embedder {
            Some((name, embedder)) if t.unit == Unit::Paragraph => {
                let cache = self.cache().await?;
                Some((name.as_str(), embedder.as_ref(), cache))
            }
            _ => None,
        };
        let lookup = embedder.as_ref().map(|(name, embedder, cache)| {
            let cached = CachedEmbedder::new(*embedder, cache.as_deref(), InputKind::Query);
            (*name, RefCell::new(cached))
        });
        let paragraph_lookup = lookup
            .as_ref()
            .map(|(name, l)| (*name, l as &dyn EmbeddingLookup));
        let bitext = self
            .build_bitext(
                text,
                &sentences,
                &units,
                &done,
                &errors,
                options,
                paragraph_lookup,
            )
            .map_err(|(name, reason)| RunError::Embeddings {
                provider: name.to_string(),
                reason,
                summary: Box::new(summary.clone()),
            })?;
        summary.embeddings =
            lookup.map(|(name, lookup)| EmbeddingCounts::of(name, &lookup.into_inner()));
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
}

/// Segments on a blocking thread: the runtime's workers keep serving requests meanwhile.
async fn split_blocking(text: &str, lang: &Lang) -> Vec<SentenceSpan> {
    let (text, options) = (text.to_string(), segment::Options::new(lang.clone()));
    match tokio::task::spawn_blocking(move || segment::split(&text, &options)).await {
        Ok(sentences) => sentences,
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

/// Units from sentences: one per sentence, or one per paragraph (its text from the first
/// sentence's start to the last one's end, as in the input).
pub(super) fn build_units(
    text: &str,
    sentences: &[SentenceSpan],
    unit: Unit,
    context: bool,
) -> Vec<WorkUnit> {
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
