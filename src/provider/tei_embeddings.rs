//! Hugging Face Text Embeddings Inference (`POST {base_url}/embed`): request
//! `{"inputs": [texts], "normalize": true, "truncate": true}`, reply `[[floats], …]` in input
//! order; errors are `{"error": "…", "error_type": "…"}`: 413 for a batch above the server's
//! `--max-client-batch-size` (32 by default), 422 validation, 424 backend, 429 overloaded.
//! TEI adds no prefix unless started with prompts: e5's `query: ` is prepended here.

use serde_json::{Value, json};

use super::BoxFuture;
use super::embeddings::{Embed, InputKind, embed_batch, float_arrays};
use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, judge, service_settings,
};
use super::{Encoding, Limits, ProviderError, Stats, endpoint, root};

service_settings! {
    /// `[providers.NAME]` with `kind = "tei-embeddings"`.
    pub struct TeiEmbeddingsSettings {
        /// Server root.
        pub base_url: String = "http://127.0.0.1:8080".into(),
        /// The model the server was started with (TEI serves one; kept for the cache key).
        pub model: String = "intfloat/multilingual-e5-small".into(),
        /// Prepended to each text embedded as a query (e5: `"query: "`).
        pub query_prefix: String = "query: ".into(),
        /// Prepended to each text embedded as a passage (e5: `"passage: "`).
        pub passage_prefix: String = "passage: ".into(),
        /// Expected dimension of the vectors (0 = whatever the model gives, checked consistent).
        pub dimensions: usize = 0,
    }
    api_key_env = "";
    // TEI's default --max-client-batch-size is 32 and --max-batch-tokens 16384.
    transport = Transport {
        timeout: std::time::Duration::from_secs(120),
        requests_per_second: 0.0,
        concurrency: 1,
        max_texts: 32,
        max_text_bytes: 8_000,
        max_request_bytes: 128_000,
        ..Transport::standard()
    };
}

/// A Text Embeddings Inference client.
#[derive(Debug)]
pub struct TeiEmbeddings {
    url: String,
    base_url: String,
    options: TeiEmbeddingsSettings,
    http: Http,
}

impl TeiEmbeddings {
    /// A client from settings and the key (TEI started with `--api-key`, or a proxy).
    pub fn new(
        name: &str,
        settings: &TeiEmbeddingsSettings,
        key: Option<Secret>,
    ) -> anyhow::Result<Self> {
        Ok(TeiEmbeddings {
            url: endpoint(&settings.base_url, "embed"),
            base_url: root(&settings.base_url),
            options: settings.clone(),
            http: Http::checked(name, settings.transport(), key)?,
        })
    }
}

/// The request body for `texts` (prefixes already applied).
pub(crate) fn request_body(texts: &[String]) -> Value {
    json!({"inputs": texts, "normalize": true, "truncate": true})
}

/// Judges one reply: a bare array of vectors, or `{"error", "error_type"}`.
pub(crate) fn interpret(reply: &Reply) -> Verdict<Vec<Vec<f32>>> {
    judge(
        reply,
        |reply| {
            let message = reply.error_text(|v| v["error"].as_str().map(str::to_string));
            match reply.status {
                413 => Verdict::Fail(ProviderError::too_large(format!(
                    "{message}; lower max_texts to the server's --max-client-batch-size"
                ))),
                424 => Verdict::Retry(ProviderError::Unavailable(message), reply.retry_after),
                _ => classify_status(reply, message),
            }
        },
        |value| match value.as_array() {
            Some(items) => float_arrays(items, "the reply holds an item that is not a vector"),
            None => Verdict::bad_response("expected an array of vectors"),
        },
    )
}

impl Embed for TeiEmbeddings {
    fn limits(&self) -> Limits {
        // room for the fixed fields and the prefixes added to the texts
        self.http.transport().limits(1024, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        let o = &self.options;
        format!(
            "tei-embeddings|{}|{}|query_prefix={:?}|passage_prefix={:?}",
            self.base_url, o.model, o.query_prefix, o.passage_prefix
        )
    }

    fn embed<'a>(
        &'a self,
        texts: &'a [String],
        kind: InputKind,
    ) -> BoxFuture<'a, Result<Vec<Vec<f32>>, ProviderError>> {
        let o = &self.options;
        Box::pin(embed_batch(
            &self.http,
            &self.url,
            self.limits(),
            texts,
            kind.prefix(&o.query_prefix, &o.passage_prefix),
            o.dimensions,
            request_body,
            interpret,
        ))
    }

    fn stats(&self) -> Stats {
        self.http.stats()
    }
}
