//! One service's turn in the chain: the cache first, then the network for the rest. Texts
//! longer than the service allows are cut at clause punctuation ([`plan::split_for_limit`]) and
//! their translations rejoined; pieces are packed into batches within the service's limits
//! ([`plan::pack`]) and kept in flight `concurrency` at a time (a buffered stream on the tokio
//! runtime). Answers are handled in completion order: each unit is handed to the cache writer
//! (one blocking task, so SQLite never blocks the runtime's workers) the moment its last piece
//! arrives, so a killed or interrupted run loses nothing it paid for.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;

use super::progress::Progress;
use super::{Done, WorkUnit, plan};
use crate::bitext::Origin;
use crate::cache::{Cache, CacheError, Hit, Key};
use crate::interrupt;
use crate::lang::Lang;
use crate::provider::http::{MAX_MESSAGE_CHARS, clean};
use crate::provider::{Answers, Batch, BoxFuture, ProviderError, Translate, Translated};

/// How many times one request is halved after "too large" answers before giving up.
const MAX_SPLITS: u32 = 8;

/// Why a service step stopped the run.
#[derive(Debug)]
pub(super) enum Stop {
    Fatal(ProviderError),
    Cache(CacheError),
    Interrupted,
}

/// One service's turn in the chain.
pub(super) struct ServiceRun<'a> {
    pub name: &'a str,
    pub provider: &'a dyn Translate,
    pub cache: Option<Arc<Cache>>,
    pub from: &'a Lang,
    pub to: &'a Lang,
    pub concurrency: usize,
    pub units: &'a [WorkUnit],
    pub progress: &'a dyn Progress,
}

/// A piece of a unit, as sent.
struct Piece {
    unit: usize,
    index: usize,
    text: String,
}

/// A translation to store, for the cache writer.
struct Put {
    source: String,
    context: Option<String>,
    target: String,
    billed: u64,
    lengths: Option<Vec<usize>>,
}

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

/// A cache key for one unit of `identity`.
fn key<'k>(
    identity: &'k str,
    from: &'k Lang,
    to: &'k Lang,
    source: &'k str,
    context: Option<&'k str>,
) -> Key<'k> {
    Key {
        identity,
        source_lang: from.as_str(),
        target_lang: to.as_str(),
        source,
        context,
    }
}

impl ServiceRun<'_> {
    /// Translates the `pending` units: cached ones first, then the network; fills `done` and,
    /// for units that failed, `errors`.
    pub async fn run(
        &self,
        pending: &[usize],
        done: &mut [Option<Done>],
        errors: &mut [Option<String>],
    ) -> Result<(), Stop> {
        let identity = self.provider.cache_identity();
        let hits = self.lookup(&identity, pending).await?;
        let mut missing = Vec::new();
        // A text repeated in the document is requested (and paid for) once; its copies follow.
        let mut first_of: HashMap<(&str, Option<&str>), usize> = HashMap::new();
        let mut copies: Vec<(usize, usize)> = Vec::new();
        let mut from_cache = 0;
        for (&i, hit) in pending.iter().zip(hits) {
            match hit {
                Some(hit) => {
                    done[i] = Some(Done {
                        text: hit.target,
                        origin: Origin::Cache,
                        provider: self.name.to_string(),
                        memory_score: None,
                        sentence_lengths: hit.sentence_lengths,
                    });
                    from_cache += 1;
                }
                None => {
                    let unit = &self.units[i];
                    match first_of.entry((&unit.text, unit.context.as_deref())) {
                        Entry::Occupied(first) => copies.push((i, *first.get())),
                        Entry::Vacant(slot) => {
                            slot.insert(i);
                            missing.push(i);
                        }
                    }
                }
            }
        }
        self.progress.advance(from_cache);
        if missing.is_empty() {
            return Ok(());
        }
        let stopped = self.fetch(&identity, &missing, done, errors).await;
        for (copy, first) in copies {
            done[copy] = done[first].clone();
            errors[copy] = errors[first].clone();
            if done[copy].is_some() {
                self.progress.advance(1);
            }
        }
        stopped
    }

    /// The cached translations of the `pending` units, read on a blocking thread.
    async fn lookup(&self, identity: &str, pending: &[usize]) -> Result<Vec<Option<Hit>>, Stop> {
        let Some(cache) = self.cache.clone() else {
            return Ok(vec![None; pending.len()]);
        };
        let wanted: Vec<(String, Option<String>)> = pending
            .iter()
            .map(|&i| (self.units[i].text.clone(), self.units[i].context.clone()))
            .collect();
        let (identity, from, to) = (identity.to_string(), self.from.clone(), self.to.clone());
        let lookup = tokio::task::spawn_blocking(move || {
            wanted
                .iter()
                .map(|(source, context)| {
                    cache.get(&key(&identity, &from, &to, source, context.as_deref()))
                })
                .collect::<Result<Vec<_>, CacheError>>()
        });
        match lookup.await {
            Ok(hits) => hits.map_err(Stop::Cache),
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        }
    }

    /// Sends the `missing` units (split, packed, `concurrency` requests in flight) and files the
    /// answers as they complete.
    async fn fetch(
        &self,
        identity: &str,
        missing: &[usize],
        done: &mut [Option<Done>],
        errors: &mut [Option<String>],
    ) -> Result<(), Stop> {
        let limits = self.provider.limits();
        let mut pieces = Vec::new();
        let mut counts = vec![0; self.units.len()];
        for &i in missing {
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
        // The service says how many requests it takes at once; [translate] concurrency caps it.
        let workers = self
            .provider
            .concurrency()
            .min(self.concurrency)
            .clamp(1, batches.len().max(1));
        let (puts, writer) = self.writer(identity);
        let mut parts: Vec<(Vec<Option<String>>, u64)> =
            counts.iter().map(|&n| (vec![None; n], 0)).collect();
        let stop_sending = AtomicBool::new(false);
        let mut stop: Option<Stop> = None;
        let _guard = interrupt::Guard::new();
        {
            let pieces = &pieces;
            let stop_sending = &stop_sending;
            let mut answers = futures_util::stream::iter(batches.iter())
                .take_while(|_| std::future::ready(!stop_sending.load(Ordering::SeqCst)))
                .map(|range| async move {
                    let batch = &pieces[range.clone()];
                    let texts: Vec<String> = batch.iter().map(|p| p.text.clone()).collect();
                    let context = self.units[batch[0].unit].context.as_deref();
                    (range.clone(), self.request(texts, context, 0).await)
                })
                .buffer_unordered(workers);
            loop {
                let next = tokio::select! {
                    biased;
                    () = interrupt::cancelled() => {
                        // Dropping the stream below cancels the requests in flight.
                        stop.get_or_insert(Stop::Interrupted);
                        break;
                    }
                    next = answers.next() => next,
                };
                let Some((range, answers)) = next else { break };
                let batch = &pieces[range];
                let filed = self.file(batch, answers, &mut parts, done, errors, puts.as_ref());
                if let Err(s) = filed {
                    stop_sending.store(true, Ordering::SeqCst);
                    stop.get_or_insert(s);
                }
                let s = self.provider.stats();
                self.progress
                    .update(done.iter().flatten().count(), s.requests, s.retries);
            }
        }
        // Every received translation is committed before this returns, interrupted or not.
        drop(puts);
        if let Some(writer) = writer {
            match writer.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    if matches!(stop, None | Some(Stop::Cache(CacheError::WriterGone))) {
                        stop = Some(Stop::Cache(e));
                    }
                }
                Err(join) => std::panic::resume_unwind(join.into_panic()),
            }
        }
        match stop {
            Some(s) => Err(s),
            None => Ok(()),
        }
    }

    /// The cache writer: one blocking task storing translations in the order they arrive.
    #[allow(clippy::type_complexity)]
    fn writer(
        &self,
        identity: &str,
    ) -> (
        Option<tokio::sync::mpsc::UnboundedSender<Put>>,
        Option<tokio::task::JoinHandle<Result<(), CacheError>>>,
    ) {
        let Some(cache) = self.cache.clone() else {
            return (None, None);
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Put>();
        let (identity, from, to) = (identity.to_string(), self.from.clone(), self.to.clone());
        let name = self.name.to_string();
        let handle = tokio::task::spawn_blocking(move || {
            while let Some(put) = rx.blocking_recv() {
                let k = key(&identity, &from, &to, &put.source, put.context.as_deref());
                cache.put_with_lengths(
                    &k,
                    &put.target,
                    &name,
                    put.billed,
                    put.lengths.as_deref(),
                )?;
            }
            Ok(())
        });
        (Some(tx), Some(handle))
    }

    /// Files one batch's answers: completed units go to `done` (and the cache writer), failed
    /// ones get their reason; a fatal error or a dead cache writer stops the run.
    fn file(
        &self,
        batch: &[Piece],
        answers: Answers,
        parts: &mut [(Vec<Option<String>>, u64)],
        done: &mut [Option<Done>],
        errors: &mut [Option<String>],
        puts: Option<&tokio::sync::mpsc::UnboundedSender<Put>>,
    ) -> Result<(), Stop> {
        let answers = match answers {
            Ok(a) if a.len() == batch.len() => a,
            Ok(a) => {
                let why = format!(
                    "{}: {} translations for {} texts",
                    self.name,
                    a.len(),
                    batch.len()
                );
                self.fail(batch, &why, errors);
                return Ok(());
            }
            Err(e) if e.is_fatal() => return Err(Stop::Fatal(e)),
            Err(e) => {
                self.fail(batch, &format!("{}: {e}", self.name), errors);
                return Ok(());
            }
        };
        for (piece, answer) in batch.iter().zip(answers) {
            let answer = match answer {
                Ok(t) if !t.text.trim().is_empty() => t,
                Ok(_) => {
                    let why = format!("{}: empty translation", self.name);
                    self.fail(std::slice::from_ref(piece), &why, errors);
                    continue;
                }
                Err(why) => {
                    let why = format!("{}: {why}", self.name);
                    self.fail(std::slice::from_ref(piece), &why, errors);
                    continue;
                }
            };
            let (unit_parts, billed) = &mut parts[piece.unit];
            unit_parts[piece.index] = Some(answer.text.trim().to_string());
            *billed += answer.billed_chars as u64;
            if !unit_parts.iter().all(Option::is_some) {
                continue;
            }
            let text = unit_parts
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            // Reported sentence lengths describe one text; a rejoined one has none.
            let lengths = (unit_parts.len() == 1)
                .then(|| answer.sentence_lengths.clone())
                .flatten();
            let unit = &self.units[piece.unit];
            if let Some(puts) = puts {
                let put = Put {
                    source: unit.text.clone(),
                    context: unit.context.clone(),
                    target: text.clone(),
                    billed: *billed,
                    lengths: lengths.clone(),
                };
                if puts.send(put).is_err() {
                    // The writer stopped on an error: it is reported when it is joined.
                    return Err(Stop::Cache(CacheError::WriterGone));
                }
            }
            done[piece.unit] = Some(Done {
                text,
                origin: Origin::Network,
                provider: self.name.to_string(),
                memory_score: None,
                sentence_lengths: lengths,
            });
            self.progress.advance(1);
        }
        Ok(())
    }

    /// Sends texts as one request; when the service says the request is too large (a limit the
    /// configuration underestimated), resends it as two halves, and a single text cut in two at
    /// clause punctuation (its halves' translations rejoined), up to [`MAX_SPLITS`] times.
    fn request<'b>(
        &'b self,
        texts: Vec<String>,
        context: Option<&'b str>,
        depth: u32,
    ) -> BoxFuture<'b, Answers> {
        Box::pin(async move {
            let batch = Batch {
                texts: &texts,
                from: self.from,
                to: self.to,
                context,
            };
            match self.provider.translate(batch).await {
                Err(e) if e.is_too_large() && depth < MAX_SPLITS => {
                    if texts.len() > 1 {
                        let mut left = texts;
                        let right = left.split_off(left.len() / 2);
                        let mut answers = self.request(left, context, depth + 1).await?;
                        answers.extend(self.request(right, context, depth + 1).await?);
                        return Ok(answers);
                    }
                    let text = &texts[0];
                    let spans = plan::split_for_limit(text, Some((text.len() / 2).max(1)));
                    if spans.len() < 2 {
                        return Err(e);
                    }
                    let parts: Vec<String> =
                        spans.into_iter().map(|r| text[r].to_string()).collect();
                    let answers = self.request(parts, context, depth + 1).await?;
                    Ok(vec![rejoin(answers)])
                }
                other => other,
            }
        })
    }

    /// Records why the units of these pieces got no translation from this service (the reason
    /// cut and its control characters escaped: it may quote the server).
    fn fail(&self, batch: &[Piece], why: &str, errors: &mut [Option<String>]) {
        let why = clean(why, MAX_MESSAGE_CHARS);
        for p in batch {
            errors[p.unit] = Some(why.clone());
        }
    }
}
