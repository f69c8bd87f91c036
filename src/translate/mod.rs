//! Translation: the provider chain (memory, then services), the cache, request planning.
//!
//! [`Translator::translate_document`] segments the source, builds units (sentences or
//! paragraphs) and tries the chain in order for every unit still missing a translation:
//!
//! - `memory`: exact, then fuzzy matches from the TMX files (`origin: memory`, with its score);
//! - a service: first the cache (`origin: cache`), then the network for the rest
//!   (`origin: network`). Texts longer than the service allows are cut at clause punctuation
//!   ([`plan::split_for_limit`]) and their translations rejoined; pieces are packed into
//!   batches within the service's limits ([`plan::pack`]) and kept in flight `concurrency` at a
//!   time on the tokio runtime. Each unit is committed to the cache the moment its last piece
//!   arrives, so a killed or interrupted run loses nothing it paid for.
//!
//! Everything here is async and runs on the caller's tokio runtime (the binary builds one in
//! `main`); SQLite and the segmenter run on blocking threads. By role: [`chain`] (the
//! [`Translator`] and its loop over the chain), `service` (cache, planning and concurrent
//! requests for one service; [`translate_texts`] for callers with bare texts), `assemble`
//! (the bitext), [`progress`] (what a caller may draw).
//!
//! A batch that fails after the provider's retries leaves its units to the next chain element;
//! a unit no element could translate gets no target sentence, a 1-0 bead and a
//! `translation-failed` flag (never a padded or shifted translation). An authentication or
//! quota error stops the run at once ([`RunError::Fatal`]) after every finished unit is saved.

mod assemble;
pub mod chain;
pub mod plan;
pub mod progress;
mod service;

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

pub use chain::Translator;
pub use progress::{Progress, Silent};

use crate::bitext::{Bitext, Origin};
use crate::cache::{Cache, CacheError};
use crate::config::{MEMORY, Settings};
use crate::lang::Lang;
use crate::memory::Memory;
use crate::provider::{ProviderError, Translate};

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
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Where to report progress (none: nothing is reported).
    pub progress: Option<Arc<dyn Progress>>,
    /// The source file name, recorded in the bitext header.
    pub source_file: Option<String>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("progress", &self.progress.is_some())
            .field("source_file", &self.source_file)
            .finish()
    }
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
    /// The sentence vectors of a paragraph run aligned with embeddings, if it was.
    pub embeddings: Option<EmbeddingCounts>,
}

/// Where a run's sentence vectors came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbeddingCounts {
    /// The embeddings provider's name.
    pub provider: String,
    /// Texts whose vector was in the cache.
    pub from_cache: usize,
    /// Texts sent to the service.
    pub embedded: usize,
    /// Time spent waiting for the service.
    pub service_time: Duration,
}

impl EmbeddingCounts {
    /// What `embedder` (of provider `provider`) counted.
    pub fn of(provider: &str, embedder: &crate::cache::CachedEmbedder) -> EmbeddingCounts {
        EmbeddingCounts {
            provider: provider.to_string(),
            from_cache: embedder.from_cache,
            embedded: embedder.embedded,
            service_time: embedder.service_time,
        }
    }
}

impl std::fmt::Display for EmbeddingCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "embeddings ({}): {} from cache, {} embedded in {:.1} s",
            self.provider,
            self.from_cache,
            self.embedded,
            self.service_time.as_secs_f64()
        )
    }
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
        )?;
        match &self.embeddings {
            Some(counts) => write!(f, "; {counts}"),
            None => Ok(()),
        }
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
    /// The embeddings provider of the paragraph alignment (`[align] embeddings`) failed.
    #[error(
        "embeddings provider '{provider}': {reason}; every translation is saved in the cache: fix the provider (or drop [align] embeddings / --embeddings) and run the same command again"
    )]
    Embeddings {
        /// The provider's name.
        provider: String,
        /// Why it gave no vectors.
        reason: String,
        /// Counts of the translation, which finished.
        summary: Box<Summary>,
    },
    /// Ctrl-C: the requests in flight were cancelled, everything received is in the cache.
    #[error(
        "interrupted after {done} of {total} units (every finished one is saved in the cache); run the same command again to resume"
    )]
    Interrupted {
        /// Units done so far.
        done: usize,
        /// Units in the document.
        total: usize,
        /// Counts so far.
        summary: Box<Summary>,
    },
}

/// A unit to translate.
#[derive(Debug, Clone)]
pub(crate) struct WorkUnit {
    /// Source sentence ids.
    pub(crate) sentences: Range<usize>,
    pub(crate) para: usize,
    pub(crate) text: String,
    /// Neighbouring source sentences, when context is on.
    pub(crate) context: Option<String>,
}

/// A unit's translation.
#[derive(Debug, Clone)]
pub(crate) struct Done {
    pub(crate) text: String,
    pub(crate) origin: Origin,
    pub(crate) provider: String,
    pub(crate) memory_score: Option<f64>,
    /// Sentence lengths of `text` in characters, when the service reported them (Azure).
    pub(crate) sentence_lengths: Option<Vec<usize>>,
}

/// Loads the configuration's chain and translates `text` (the entry point for commands).
pub async fn translate_document(
    text: &str,
    settings: &Settings,
    options: &RunOptions,
) -> anyhow::Result<Outcome> {
    let translator = Translator::from_settings(settings)?;
    Ok(translator.translate_document(text, options).await?)
}

/// Translates bare texts (no context) through one service behind the cache, with the same
/// engine as documents: cached texts cost nothing, the others are split and packed within the
/// service's limits, sent `concurrency` at a time and stored the moment they arrive. One
/// result per text, in order (`Err`: why that text got none); the outer error is a fatal
/// service error (authentication, quota), a cache failure or an interruption.
pub async fn translate_texts(
    name: &str,
    provider: &dyn Translate,
    cache: Option<Arc<Cache>>,
    texts: &[String],
    from: &Lang,
    to: &Lang,
    concurrency: usize,
) -> Result<Vec<Result<String, String>>, String> {
    let units: Vec<WorkUnit> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| WorkUnit {
            sentences: i..i + 1,
            para: 0,
            text: text.clone(),
            context: None,
        })
        .collect();
    let run = service::ServiceRun {
        name,
        provider,
        cache,
        from,
        to,
        concurrency,
        units: &units,
        progress: &Silent,
    };
    let pending: Vec<usize> = (0..units.len()).collect();
    let mut done: Vec<Option<Done>> = vec![None; units.len()];
    let mut errors: Vec<Option<String>> = vec![None; units.len()];
    match run.run(&pending, &mut done, &mut errors).await {
        Ok(()) => {}
        Err(service::Stop::Fatal(e)) => return Err(format!("{name}: {e}")),
        Err(service::Stop::Cache(e)) => return Err(e.to_string()),
        Err(service::Stop::Interrupted) => return Err(crate::interrupt::Interrupted.to_string()),
    }
    Ok(done
        .into_iter()
        .zip(errors)
        .map(|(d, e)| match d {
            Some(d) => Ok(d.text),
            None => Err(e.unwrap_or_else(|| format!("{name}: no translation"))),
        })
        .collect())
}

#[cfg(test)]
mod tests;
