//! Sentence-embedding services: one trait ([`Embed`]), one file per wire format
//! (`openai_embeddings.rs`, `ollama_embeddings.rs`, `tei_embeddings.rs`), the shared HTTP layer.
//!
//! The aligner compares sentences of two languages by the cosine of their embeddings. A service
//! answers one request per batch ([`Embed::embed`], a batch within [`Embed::limits`]);
//! [`embed_all`] splits any list into such batches. Every reply is validated the same way
//! ([`check_vectors`]): one vector per text, in order, all of the same dimension (the configured
//! `dimensions` when set), every value finite. Nothing is padded, truncated or reordered.
//!
//! Request bodies and reply parsing are pure functions of each service file (no HTTP types), so
//! that only the `call` of each `embed` depends on the transport.

use serde_json::Value;

use super::http::{Http, Reply, Verdict, each_item};
use super::{EnvLookup, Limits, ProviderError, ProviderSettings, Stats};

/// What a text is, for models trained with asymmetric prefixes (e5: `query: ` / `passage: `).
/// Sentence alignment compares like with like, and e5's authors advise `query: ` on both sides
/// of a symmetric task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A short text compared with others of its kind (e5: `query: `).
    Query,
    /// A document to be retrieved (e5: `passage: `).
    Passage,
}

impl InputKind {
    /// `query` or `passage`, as the `input_type` field names it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Query => "query",
            InputKind::Passage => "passage",
        }
    }

    /// The prefix configured for this kind of text.
    pub fn prefix<'a>(self, query: &'a str, passage: &'a str) -> &'a str {
        match self {
            InputKind::Query => query,
            InputKind::Passage => passage,
        }
    }
}

/// A sentence-embedding service.
pub trait Embed: Send + Sync {
    /// What one request may carry.
    fn limits(&self) -> Limits;
    /// Everything that changes the vectors: kind, endpoint, model, prefixes, options (never the
    /// key). Part of every cache key.
    fn cache_identity(&self) -> String;
    /// Embeds one batch that fits [`Embed::limits`]: one vector per text, in order, validated by
    /// [`check_vectors`].
    fn embed<'a>(
        &'a self,
        texts: &'a [String],
        kind: InputKind,
    ) -> super::BoxFuture<'a, Result<Vec<Vec<f32>>, ProviderError>>;
    /// Counters so far.
    fn stats(&self) -> Stats;
}

/// Builds the embeddings service named `name` from its settings; reads its key from the
/// environment. A translation service's settings are refused, naming the embedding kinds.
pub fn from_settings(name: &str, settings: &ProviderSettings) -> anyhow::Result<Box<dyn Embed>> {
    from_settings_with_env(name, settings, &|var| std::env::var(var).ok())
}

/// Like [`from_settings`], with keys looked up through `env`.
pub fn from_settings_with_env(
    name: &str,
    settings: &ProviderSettings,
    env: EnvLookup<'_>,
) -> anyhow::Result<Box<dyn Embed>> {
    let key = super::read_key(name, settings, env)?;
    Ok(match settings {
        ProviderSettings::OpenaiEmbeddings(s) => Box::new(
            super::openai_embeddings::OpenAiEmbeddings::new(name, s, key)?,
        ),
        ProviderSettings::OllamaEmbeddings(s) => Box::new(
            super::ollama_embeddings::OllamaEmbeddings::new(name, s, key)?,
        ),
        ProviderSettings::TeiEmbeddings(s) => {
            Box::new(super::tei_embeddings::TeiEmbeddings::new(name, s, key)?)
        }
        other => anyhow::bail!(
            "provider '{name}' ({}) translates; embeddings need a provider of kind {}",
            other.kind(),
            ProviderSettings::EMBEDDING_KINDS.join(", ")
        ),
    })
}

/// Embeds any number of texts in batches that fit `embedder`'s limits (greedy, in order), and
/// checks that every batch has the dimension of the first.
pub async fn embed_all(
    embedder: &dyn Embed,
    texts: &[String],
    kind: InputKind,
) -> Result<Vec<Vec<f32>>, ProviderError> {
    let limits = embedder.limits();
    let mut out: Vec<Vec<f32>> = Vec::with_capacity(texts.len());
    for range in plan_batches(&limits, texts)? {
        let vectors = embedder.embed(&texts[range], kind).await?;
        if let (Some(first), Some(v)) = (out.first(), vectors.first())
            && first.len() != v.len()
        {
            return Err(ProviderError::BadResponse(format!(
                "vectors of dimension {} after earlier ones of dimension {}",
                v.len(),
                first.len()
            )));
        }
        out.extend(vectors);
    }
    Ok(out)
}

/// Consecutive ranges of `texts`, each fitting `limits` (a text too long for any request is a
/// [`ProviderError::too_large`] naming it).
pub fn plan_batches(
    limits: &Limits,
    texts: &[String],
) -> Result<Vec<std::ops::Range<usize>>, ProviderError> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0usize;
    for (k, text) in texts.iter().enumerate() {
        if !limits.text_fits(text) {
            return Err(ProviderError::too_large(format!(
                "text {} has {} bytes; raise max_text_bytes / max_request_bytes or shorten it",
                k + 1,
                text.len()
            )));
        }
        let cost = limits.encoded_len(text);
        let full = k - start >= limits.max_texts
            || limits
                .max_request_bytes
                .is_some_and(|max| bytes + cost > max);
        if full && k > start {
            batches.push(start..k);
            start = k;
            bytes = 0;
        }
        bytes += cost;
    }
    if start < texts.len() {
        batches.push(start..texts.len());
    }
    Ok(batches)
}

/// Embeds one batch the way every embeddings kind does (they differ only in their body and
/// their reply): nothing is sent for no texts; the texts are checked against `limits`, get
/// `prefix`, and go as `body(texts)` to `url` (the key, if any, as a bearer token); the reply
/// is read with `interpret` and its vectors validated against the texts sent.
#[allow(clippy::too_many_arguments)] // one call per kind, each argument named there
pub(crate) async fn embed_batch(
    http: &Http,
    url: &str,
    limits: Limits,
    texts: &[String],
    prefix: &str,
    dimensions: usize,
    body: impl FnOnce(&[String]) -> Value,
    interpret: impl Fn(&Reply) -> Verdict<Vec<Vec<f32>>>,
) -> Result<Vec<Vec<f32>>, ProviderError> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    super::check_fits(&limits, texts)?;
    let texts = prefixed(prefix, texts);
    let body = body(&texts);
    let auth = http.secret().map(|key| format!("Bearer {}", key.expose()));
    let chars = texts.iter().map(|t| t.chars().count()).sum();
    let vectors = http
        .call(
            chars,
            |client| {
                let mut request = client.post(url);
                if let Some(auth) = &auth {
                    request = request.header("Authorization", auth);
                }
                request.json(&body)
            },
            interpret,
        )
        .await?;
    check_vectors(texts.len(), vectors, dimensions)
}

/// Checks a reply's vectors against the texts sent: the same count, one dimension for all
/// (equal to `expected` when it is not 0), finite values.
pub fn check_vectors(
    sent: usize,
    vectors: Vec<Vec<f32>>,
    expected: usize,
) -> Result<Vec<Vec<f32>>, ProviderError> {
    if vectors.len() != sent {
        return Err(ProviderError::BadResponse(format!(
            "sent {sent} texts but received {} vectors",
            vectors.len()
        )));
    }
    let dim = vectors.first().map_or(0, Vec::len);
    if sent > 0 && dim == 0 {
        return Err(ProviderError::BadResponse(
            "received an empty vector".into(),
        ));
    }
    if let Some((k, v)) = vectors.iter().enumerate().find(|(_, v)| v.len() != dim) {
        return Err(ProviderError::BadResponse(format!(
            "vector {} has dimension {}, the first has {dim}",
            k + 1,
            v.len()
        )));
    }
    if expected != 0 && dim != expected && sent > 0 {
        return Err(ProviderError::BadResponse(format!(
            "vectors have dimension {dim}, but this provider's `dimensions` is {expected}; \
             check the model or fix `dimensions`"
        )));
    }
    if vectors.iter().flatten().any(|x| !x.is_finite()) {
        return Err(ProviderError::BadResponse(
            "a vector holds a value that is not a finite number".into(),
        ));
    }
    Ok(vectors)
}

/// Reads a JSON array of numbers as a vector (`None` if anything else is in it).
pub(crate) fn float_array(value: &Value) -> Option<Vec<f32>> {
    value
        .as_array()?
        .iter()
        .map(|x| x.as_f64().map(|f| f as f32))
        .collect()
}

/// Reads a JSON array of arrays of numbers (`[[0.1, …], …]`) as vectors.
pub(crate) fn float_arrays(items: &[Value], what: &str) -> Verdict<Vec<Vec<f32>>> {
    each_item(items, float_array, what)
}

/// Decodes standard base64 (with or without padding) holding little-endian `f32`s, as OpenAI's
/// `encoding_format: "base64"` sends them.
pub(crate) fn base64_floats(text: &str) -> Option<Vec<f32>> {
    let bytes = base64_decode(text)?;
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Standard base64 (RFC 4648 §4) to bytes; `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let data = text.trim().trim_end_matches('=').as_bytes();
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let mut acc = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * k);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// A text as sent: the configured prefix, then the text.
fn prefixed(prefix: &str, texts: &[String]) -> Vec<String> {
    texts.iter().map(|t| format!("{prefix}{t}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Encoding;

    fn b64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut acc = 0u32;
            for (k, &b) in chunk.iter().enumerate() {
                acc |= u32::from(b) << (16 - 8 * k);
            }
            for k in 0..=chunk.len() {
                out.push(ALPHABET[(acc >> (18 - 6 * k) & 63) as usize] as char);
            }
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn base64_floats_round_trip(values in proptest::collection::vec(-1e6f32..1e6, 0..40)) {
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            proptest::prop_assert_eq!(base64_floats(&b64(&bytes)), Some(values));
        }

        #[test]
        fn batches_cover_every_text_once_and_fit(
            lens in proptest::collection::vec(1usize..60, 0..50),
            max_texts in 1usize..8,
        ) {
            let limits = Limits {
                max_texts,
                max_text_bytes: Some(60),
                max_request_bytes: Some(200),
                encoding: Encoding::Json,
            };
            let texts: Vec<String> = lens.iter().map(|&n| "x".repeat(n)).collect();
            let batches = plan_batches(&limits, &texts).unwrap();
            let mut next = 0;
            for b in &batches {
                proptest::prop_assert_eq!(b.start, next);
                proptest::prop_assert!(limits.batch_fits(&texts[b.clone()]));
                next = b.end;
            }
            proptest::prop_assert_eq!(next, texts.len());
        }
    }

    #[test]
    fn bad_base64_is_refused() {
        assert_eq!(base64_floats("not base64!"), None);
        // 3 bytes: not a whole number of floats
        assert_eq!(base64_floats("AAAA"), None);
    }

    #[test]
    fn vectors_are_checked_for_count_dimension_and_finiteness() {
        let ok = vec![vec![0.1, 0.2], vec![0.3, 0.4]];
        assert!(check_vectors(2, ok.clone(), 2).is_ok());
        assert!(check_vectors(2, ok.clone(), 0).is_ok());
        let e = check_vectors(3, ok.clone(), 0).unwrap_err().to_string();
        assert!(e.contains("sent 3 texts but received 2"), "{e}");
        let e = check_vectors(2, ok, 384).unwrap_err().to_string();
        assert!(e.contains("dimension 2") && e.contains("384"), "{e}");
        let ragged = vec![vec![0.1, 0.2], vec![0.3]];
        assert!(check_vectors(2, ragged, 0).is_err());
        assert!(check_vectors(1, vec![vec![f32::NAN]], 0).is_err());
    }
}
