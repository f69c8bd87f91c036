//! Sentence embeddings in the cache: provider identity + input kind + exact text → vector,
//! stored as a little-endian `f32` BLOB (4 bytes a dimension: 1.5 KB for e5-small), so that a
//! re-run embeds nothing. Each batch the service answers is committed at once: an interrupted
//! run keeps every vector it was given.

use std::time::{Duration, Instant};

use rusqlite::{OptionalExtension, params};

use super::{Cache, CacheError};
use crate::provider::ProviderError;
use crate::provider::embeddings::{Embed, InputKind, plan_batches};

/// The migration that adds the table (schema 2 → 3).
pub(super) const MIGRATION: &str = "CREATE TABLE embedding (
        identity TEXT NOT NULL,
        kind     TEXT NOT NULL,
        text     TEXT NOT NULL,
        vector   BLOB NOT NULL,
        created  INTEGER NOT NULL,
        PRIMARY KEY (identity, kind, text)
    ) WITHOUT ROWID;";

/// Little-endian `f32`s.
fn to_blob(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The vector of a BLOB; `None` when its length is not a whole number of `f32`s.
fn from_blob(blob: &[u8]) -> Option<Vec<f32>> {
    blob.len().is_multiple_of(4).then(|| {
        blob.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    })
}

impl Cache {
    /// The cached vector of `text` embedded as `kind` by the service `identity`, if any.
    pub fn get_vector(
        &self,
        identity: &str,
        kind: InputKind,
        text: &str,
    ) -> Result<Option<Vec<f32>>, CacheError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT vector FROM embedding WHERE identity = ?1 AND kind = ?2 AND text = ?3",
            )
            .map_err(|e| self.sqlite(e))?;
        let blob: Option<Vec<u8>> = stmt
            .query_row(params![identity, kind.as_str(), text], |r| r.get(0))
            .optional()
            .map_err(|e| self.sqlite(e))?;
        // a damaged entry counts as missing: it is embedded again and overwritten
        Ok(blob.as_deref().and_then(from_blob))
    }

    /// Stores vectors of texts embedded as `kind` by `identity`, in one transaction.
    pub fn put_vectors(
        &self,
        identity: &str,
        kind: InputKind,
        entries: &[(&str, &[f32])],
    ) -> Result<(), CacheError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sqlite(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO embedding (identity, kind, text, vector, created)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| self.sqlite(e))?;
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            for (text, vector) in entries {
                stmt.execute(params![
                    identity,
                    kind.as_str(),
                    text,
                    to_blob(vector),
                    created
                ])
                .map_err(|e| self.sqlite(e))?;
            }
        }
        tx.commit().map_err(|e| self.sqlite(e))
    }
}

/// Why embedding through the cache failed.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The service failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The cache failed.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// An embeddings service behind the cache: only texts never seen are sent, in batches that fit
/// the service, and each answered batch is stored before the next is sent.
pub struct CachedEmbedder<'a> {
    embedder: &'a dyn Embed,
    cache: Option<&'a Cache>,
    kind: InputKind,
    /// Texts answered from the cache so far.
    pub from_cache: usize,
    /// Texts sent to the service so far.
    pub embedded: usize,
    /// Time spent waiting for the service.
    pub service_time: Duration,
}

impl<'a> CachedEmbedder<'a> {
    /// Embeds as `kind` with `embedder`, through `cache` when given.
    pub fn new(embedder: &'a dyn Embed, cache: Option<&'a Cache>, kind: InputKind) -> Self {
        CachedEmbedder {
            embedder,
            cache,
            kind,
            from_cache: 0,
            embedded: 0,
            service_time: Duration::ZERO,
        }
    }

    /// One vector per text, in order.
    pub async fn embed(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let identity = self.embedder.cache_identity();
        let mut out: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        let mut missing: Vec<usize> = Vec::new();
        let mut first_of: std::collections::HashMap<&str, usize> = Default::default();
        for (k, text) in texts.iter().enumerate() {
            if let Some(cache) = self.cache
                && let Some(v) = cache.get_vector(&identity, self.kind, text)?
            {
                out[k] = Some(v);
                self.from_cache += 1;
                continue;
            }
            // a text repeated in one call is sent once
            if let std::collections::hash_map::Entry::Vacant(e) = first_of.entry(text.as_str()) {
                e.insert(k);
                missing.push(k);
            }
        }
        let to_send: Vec<String> = missing.iter().map(|&k| texts[k].clone()).collect();
        let limits = self.embedder.limits();
        let mut dim: Option<usize> = out.iter().flatten().map(Vec::len).next();
        for range in plan_batches(&limits, &to_send)? {
            let started = Instant::now();
            let vectors = self
                .embedder
                .embed(&to_send[range.clone()], self.kind)
                .await?;
            self.service_time += started.elapsed();
            self.embedded += range.len();
            if let Some(v) = vectors.first() {
                match dim {
                    Some(d) if d != v.len() => {
                        return Err(ProviderError::BadResponse(format!(
                            "vectors of dimension {} after earlier ones of dimension {d} \
                             (did the model change? clear the cache's embeddings or rename the provider)",
                            v.len()
                        ))
                        .into());
                    }
                    _ => dim = Some(v.len()),
                }
            }
            if let Some(cache) = self.cache {
                let entries: Vec<(&str, &[f32])> = range
                    .clone()
                    .zip(&vectors)
                    .map(|(k, v)| (to_send[k].as_str(), v.as_slice()))
                    .collect();
                cache.put_vectors(&identity, self.kind, &entries)?;
            }
            for (k, v) in range.zip(vectors) {
                out[missing[k]] = Some(v);
            }
        }
        // repeats take the vector of their first occurrence, which is filled by now
        for k in 0..texts.len() {
            if out[k].is_none() {
                out[k] = first_of
                    .get(texts[k].as_str())
                    .and_then(|&first| out[first].clone());
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }
}

/// The aligner's lookup ([`crate::align::EmbeddingLookup`]) served through the cache and the
/// service (`RefCell`: the aligner asks through a shared reference, the counters change).
///
/// The aligner is synchronous CPU work and asks once for every vector it needs, so this is the
/// one place that waits for the service from plain code: it blocks its own thread on the
/// runtime the caller runs in (`block_in_place`, so the runtime's other workers go on). Called
/// with no runtime, it answers with an error instead of panicking.
impl crate::align::EmbeddingLookup for std::cell::RefCell<CachedEmbedder<'_>> {
    fn vectors(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let owned: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| "embeddings: no async runtime to call the service on".to_string())?;
        if runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread {
            // block_in_place needs a worker that can hand its tasks over.
            return Err("embeddings: the aligner needs a multi-thread tokio runtime".into());
        }
        let mut embedder = self.borrow_mut();
        tokio::task::block_in_place(|| runtime.block_on(embedder.embed(&owned)))
            .map_err(|e| format!("embeddings: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Encoding, Limits, Stats};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An embedder that counts the texts it is sent: vector = [length, request number].
    #[derive(Default)]
    struct Counting(AtomicUsize, AtomicUsize);

    impl Embed for Counting {
        fn limits(&self) -> Limits {
            Limits {
                max_texts: 2,
                max_text_bytes: None,
                max_request_bytes: None,
                encoding: Encoding::Json,
            }
        }
        fn cache_identity(&self) -> String {
            "counting|v1".into()
        }
        fn embed<'a>(
            &'a self,
            texts: &'a [String],
            _: InputKind,
        ) -> crate::provider::BoxFuture<'a, Result<Vec<Vec<f32>>, ProviderError>> {
            self.0.fetch_add(texts.len(), Ordering::SeqCst);
            let request = self.1.fetch_add(1, Ordering::SeqCst) as f32;
            let vectors = texts
                .iter()
                .map(|t| vec![t.len() as f32, request])
                .collect();
            Box::pin(async move { Ok(vectors) })
        }
        fn stats(&self) -> Stats {
            Stats::default()
        }
    }

    #[tokio::test]
    async fn vectors_survive_as_little_endian_blobs_and_a_rerun_embeds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("c.sqlite")).unwrap();
        let service = Counting::default();
        let texts: Vec<String> = ["a", "bb", "a", "ccc", "dddd"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let mut first = CachedEmbedder::new(&service, Some(&cache), InputKind::Query);
        let vectors = first.embed(&texts).await.unwrap();
        // "a" twice in one call is sent once; 4 distinct texts in batches of 2
        assert_eq!(service.0.load(Ordering::SeqCst), 4);
        assert_eq!(vectors[0], vectors[2]);
        assert_eq!(vectors[3], vec![3.0, 1.0]);
        assert_eq!((first.embedded, first.from_cache), (4, 0));
        let mut again = CachedEmbedder::new(&service, Some(&cache), InputKind::Query);
        assert_eq!(again.embed(&texts).await.unwrap(), vectors);
        assert_eq!((again.embedded, again.from_cache), (0, 5));
        assert_eq!(service.0.load(Ordering::SeqCst), 4);
        // another input kind is another key
        let mut passage = CachedEmbedder::new(&service, Some(&cache), InputKind::Passage);
        passage.embed(&texts[..1]).await.unwrap();
        assert_eq!(passage.embedded, 1);
        assert_eq!(to_blob(&[1.0, -2.5]), [0, 0, 128, 63, 0, 0, 32, 192]);
        assert_eq!(from_blob(&to_blob(&[1.0, -2.5])), Some(vec![1.0, -2.5]));
        assert_eq!(from_blob(&[0, 0, 1]), None);
    }
}
