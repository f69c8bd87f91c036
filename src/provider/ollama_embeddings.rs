//! Ollama embeddings (`POST {base_url}/api/embed`, Ollama ≥ 0.3): request
//! `{"model", "input": [texts], "truncate": true}`, reply `{"embeddings": [[floats], …]}` in
//! input order; errors are `{"error": "…"}` (404 for a model that is not pulled).
//! Ollama adds no prefix: e5's `query: ` is prepended here (`query_prefix`).

use serde_json::{Value, json};

use super::BoxFuture;
use super::embeddings::{Embed, InputKind, embed_batch, float_arrays};
use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, judge, service_settings,
};
use super::{Encoding, Limits, ProviderError, Stats, endpoint, root};

service_settings! {
    /// `[providers.NAME]` with `kind = "ollama-embeddings"`.
    pub struct OllamaEmbeddingsSettings {
        /// Server root (no `/v1`).
        pub base_url: String = "http://127.0.0.1:11434".into(),
        /// Model tag as pulled (`ollama pull …`).
        pub model: String = "multilingual-e5-small".into(),
        /// Prepended to each text embedded as a query (e5: `"query: "`).
        pub query_prefix: String = "query: ".into(),
        /// Prepended to each text embedded as a passage (e5: `"passage: "`).
        pub passage_prefix: String = "passage: ".into(),
        /// Expected dimension of the vectors (0 = whatever the model gives, checked consistent).
        pub dimensions: usize = 0,
    }
    api_key_env = "";
    transport = Transport {
        timeout: std::time::Duration::from_secs(120),
        requests_per_second: 0.0,
        concurrency: 1,
        max_texts: 64,
        max_text_bytes: 8_000,
        max_request_bytes: 256_000,
        ..Transport::standard()
    };
}

/// An Ollama embeddings client.
#[derive(Debug)]
pub struct OllamaEmbeddings {
    url: String,
    base_url: String,
    options: OllamaEmbeddingsSettings,
    http: Http,
}

impl OllamaEmbeddings {
    /// A client from settings and the key (Ollama has none; a proxy in front may).
    pub fn new(
        name: &str,
        settings: &OllamaEmbeddingsSettings,
        key: Option<Secret>,
    ) -> anyhow::Result<Self> {
        if settings.model.trim().is_empty() {
            anyhow::bail!("provider '{name}' (ollama-embeddings): model must name a pulled model");
        }
        Ok(OllamaEmbeddings {
            url: endpoint(&settings.base_url, "api/embed"),
            base_url: root(&settings.base_url),
            options: settings.clone(),
            http: Http::checked(name, settings.transport(), key)?,
        })
    }
}

/// The request body for `texts` (prefixes already applied).
pub(crate) fn request_body(model: &str, texts: &[String]) -> Value {
    json!({"model": model, "input": texts, "truncate": true})
}

/// Judges one reply: `{"embeddings": [[…], …]}`, or `{"error": "…"}`.
pub(crate) fn interpret(reply: &Reply) -> Verdict<Vec<Vec<f32>>> {
    judge(
        reply,
        |reply| {
            let message = reply.error_text(|v| v["error"].as_str().map(str::to_string));
            if reply.status == 404 {
                return Verdict::Fail(ProviderError::BadRequest(format!(
                    "{message}; pull the model first (`ollama pull …`) or fix `model`"
                )));
            }
            classify_status(reply, message)
        },
        |value| match value["embeddings"].as_array() {
            Some(items) => float_arrays(items, "embeddings holds an item that is not a vector"),
            None => Verdict::bad_response("no embeddings array in the response"),
        },
    )
}

impl Embed for OllamaEmbeddings {
    fn limits(&self) -> Limits {
        // room for the fixed fields and the prefixes added to the texts
        self.http.transport().limits(1024, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        let o = &self.options;
        format!(
            "ollama-embeddings|{}|{}|query_prefix={:?}|passage_prefix={:?}",
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
            |texts| request_body(&o.model, texts),
            interpret,
        ))
    }

    fn stats(&self) -> Stats {
        self.http.stats()
    }
}
