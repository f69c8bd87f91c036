//! Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp):
//! `POST {base_url}/chat/completions`, where `base_url` includes the version segment as in the
//! OpenAI SDKs (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
//!
//! Research notes §1.6 and §0.7: models merge and drop lines, so the texts go out as numbered
//! JSON segments and come back as `{"translations":[{"id":1,"text":"…"}]}`; every id 1..n must
//! appear exactly once or the whole batch is rejected. `temperature` is 0.

use serde_json::{Value, json};

use super::http::{Http, Reply, Secret, Transport, Verdict, classify_status, service_settings};
use super::{
    Answers, Batch, BoxFuture, Encoding, Limits, ProviderError, Stats, Translate, billed_by_source,
    check_fits, endpoint, finish,
};
use crate::lang::Lang;

service_settings! {
    /// `[providers.NAME]` with `kind = "openai"`.
    pub struct OpenAiSettings {
        /// API root including `/v1` (Ollama: `http://localhost:11434/v1`).
        pub base_url: String = "https://api.openai.com/v1".into(),
        /// Model name.
        pub model: String = "gpt-4o-mini".into(),
        /// `response_format`: `"json_schema"` (strict schema), `"json_object"`, or `"none"` for
        /// servers that support neither (the reply is then parsed from plain text).
        pub response_format: String = "json_schema".into(),
        /// `max_tokens` for the answer; 0 = not sent.
        pub max_tokens: u32 = 0,
        /// Replaces the built-in system prompt (which must still ask for the same JSON).
        pub system_prompt: String = String::new(),
    }
    api_key_env = "OPENAI_API_KEY";
    // Language models are slow and their limits are in tokens: small batches, patient timeout.
    transport = Transport {
        timeout: std::time::Duration::from_secs(120),
        requests_per_second: 2.0,
        concurrency: 2,
        max_texts: 20,
        max_request_bytes: 16_000,
        ..Transport::standard()
    };
}

/// An OpenAI-compatible chat completions client.
#[derive(Debug)]
pub struct OpenAi {
    url: String,
    base_url: String,
    options: OpenAiSettings,
    http: Http,
}

impl OpenAi {
    /// A client from settings and the key (optional for local servers).
    pub fn new(settings: &OpenAiSettings, key: Option<Secret>) -> anyhow::Result<Self> {
        super::http::validate("openai", &settings.transport())?;
        if !["json_schema", "json_object", "none"].contains(&settings.response_format.as_str()) {
            anyhow::bail!(
                "openai: response_format must be \"json_schema\", \"json_object\" or \"none\", not \"{}\"",
                settings.response_format
            );
        }
        if settings.model.trim().is_empty() {
            anyhow::bail!("openai: model must name a model (e.g. \"gpt-4o-mini\", \"llama3.1\")");
        }
        Ok(OpenAi {
            url: endpoint(&settings.base_url, "chat/completions"),
            base_url: settings.base_url.trim_end_matches('/').to_string(),
            options: settings.clone(),
            http: Http::new(settings.transport(), key),
        })
    }

    fn system_prompt(&self, from: &Lang, to: &Lang) -> String {
        if !self.options.system_prompt.is_empty() {
            return self.options.system_prompt.clone();
        }
        format!(
            "You are a professional {}-to-{} translator of news text. Translate each segment \
             faithfully and completely, keeping numbers, names and quotations exact; translate \
             garbled or ungrammatical passages as literally as they read. The optional \"context\" \
             is for understanding only: do not translate it. Return JSON only: \
             {{\"translations\":[{{\"id\":<same id>,\"text\":<translation>}}]}} with exactly one \
             entry per input id, in the same order. Never merge or split segments.",
            language_name(from),
            language_name(to)
        )
    }

    /// One chat completion: `system` and `user` messages to the configured model at
    /// temperature 0, the first choice's content back. Same transport as translation: rate
    /// limit, retries of transient failures, error classification, the key scrubbed from errors.
    /// `response_format` is `json_object` unless the provider is set to `"none"` (a judge's
    /// reply is JSON but not the translation schema).
    pub async fn chat(&self, system: &str, user: &str) -> Result<String, ProviderError> {
        let mut body = json!({
            "model": self.options.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        });
        if self.options.response_format != "none" {
            body["response_format"] = json!({"type": "json_object"});
        }
        if self.options.max_tokens > 0 {
            body["max_tokens"] = json!(self.options.max_tokens);
        }
        let chars = system.chars().count() + user.chars().count();
        self.post(&body, chars, |content| Ok(content.to_string()))
            .await
    }

    /// POSTs `body` to the chat endpoint with the key as a Bearer token, and turns the first
    /// choice's content into `T` with `parse` (a parse failure is a bad response, not retried).
    async fn post<T>(
        &self,
        body: &Value,
        chars: usize,
        parse: impl Fn(&str) -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        let auth = self
            .http
            .secret()
            .map(|key| format!("Bearer {}", key.expose()));
        self.http
            .call(
                chars,
                |client| {
                    let mut request = client.post(&self.url);
                    if let Some(auth) = &auth {
                        request = request.header("Authorization", auth);
                    }
                    request.json(body)
                },
                |reply| match interpret(reply) {
                    Verdict::Done(content) => match parse(&content) {
                        Ok(value) => Verdict::Done(value),
                        Err(e) => Verdict::Fail(e),
                    },
                    Verdict::Retry(e, after) => Verdict::Retry(e, after),
                    Verdict::Fail(e) => Verdict::Fail(e),
                },
            )
            .await
    }

    fn request_body(&self, batch: &Batch<'_>) -> Value {
        let segments: Vec<Value> = batch
            .texts
            .iter()
            .enumerate()
            .map(|(i, text)| json!({"id": i + 1, "text": text}))
            .collect();
        let mut user = json!({
            "source_lang": batch.from.as_str(),
            "target_lang": batch.to.as_str(),
            "segments": segments,
        });
        if let Some(context) = batch.context.filter(|c| !c.is_empty()) {
            user["context"] = Value::String(context.to_string());
        }
        let mut body = json!({
            "model": self.options.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": self.system_prompt(batch.from, batch.to)},
                {"role": "user", "content": user.to_string()},
            ],
        });
        match self.options.response_format.as_str() {
            "json_schema" => body["response_format"] = response_schema(),
            "json_object" => body["response_format"] = json!({"type": "json_object"}),
            _ => {}
        }
        if self.options.max_tokens > 0 {
            body["max_tokens"] = json!(self.options.max_tokens);
        }
        body
    }
}

/// The strict JSON schema of the expected answer.
fn response_schema() -> Value {
    json!({
        "type": "json_schema",
        "json_schema": {
            "name": "translations",
            "strict": true,
            "schema": {
                "type": "object",
                "properties": {
                    "translations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "text": {"type": "string"}
                            },
                            "required": ["id", "text"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["translations"],
                "additionalProperties": false
            }
        }
    })
}

/// English name of a language for the prompt (the code itself when unknown).
fn language_name(lang: &Lang) -> String {
    let name = match lang.primary() {
        "ar" => "Arabic",
        "en" => "English",
        "fr" => "French",
        "es" => "Spanish",
        "de" => "German",
        "it" => "Italian",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "tr" => "Turkish",
        "fa" => "Persian",
        "ur" => "Urdu",
        "he" => "Hebrew",
        "zh" => "Chinese",
        "ja" => "Japanese",
        _ => return lang.as_str().to_string(),
    };
    name.to_string()
}

/// Judges the HTTP reply: the message content of the first choice, or an OpenAI-style error.
/// An OpenAI-style error reply (chat and embeddings alike): its `error.code`, and its message,
/// or the verdict itself when the code or type says the quota is spent.
pub(crate) fn read_error<T>(reply: &Reply) -> Result<(String, String), Verdict<T>> {
    let value: Value = reply.error_json();
    let code = value["error"]["code"].as_str().unwrap_or_default();
    let kind = value["error"]["type"].as_str().unwrap_or_default();
    let message = reply.error_text(|v| {
        v["error"]["message"]
            .as_str()
            .or_else(|| v["detail"].as_str())
            .or_else(|| v["error"].as_str())
            .map(str::to_string)
    });
    let quota = ["insufficient_quota", "credit_balance_exhausted"];
    if quota.contains(&code) || quota.contains(&kind) {
        return Err(Verdict::Fail(ProviderError::Quota(message)));
    }
    Ok((code.to_string(), message))
}

fn interpret(reply: &Reply) -> Verdict<String> {
    if !(200..300).contains(&reply.status) {
        let (code, message) = match read_error(reply) {
            Ok(read) => read,
            Err(verdict) => return verdict,
        };
        if code == "context_length_exceeded" {
            return Verdict::Fail(ProviderError::too_large(format!(
                "{message}; lower max_texts or max_request_bytes for this provider"
            )));
        }
        return classify_status(reply, message);
    }
    let value = match reply.json() {
        Ok(v) => v,
        Err(e) => return Verdict::Fail(e),
    };
    let choice = &value["choices"][0];
    if choice["finish_reason"] == "length" {
        return Verdict::Fail(ProviderError::too_large(
            "the answer was cut off (finish_reason \"length\"); lower max_texts or raise max_tokens",
        ));
    }
    match choice["message"]["content"].as_str() {
        Some(content) => Verdict::Done(content.to_string()),
        None => Verdict::Fail(ProviderError::BadResponse(
            "no choices[0].message.content in the response".into(),
        )),
    }
}

/// Parses the model's answer: JSON (inside ```json fences or not) with ids 1..=n exactly once.
/// Returns the texts ordered by id.
pub fn parse_translations(content: &str, n: usize) -> Result<Vec<String>, ProviderError> {
    let bad = |what: String| ProviderError::BadResponse(what);
    let json_text = strip_fences(content);
    let value: Value = serde_json::from_str(json_text).map_err(|e| {
        bad(format!(
            "the model's answer is not JSON ({e}): '{}'",
            super::http::snippet(content)
        ))
    })?;
    let items = value["translations"]
        .as_array()
        .ok_or_else(|| bad("the model's answer has no translations array".into()))?;
    if items.len() != n {
        return Err(bad(format!(
            "sent {n} texts but received {} translations",
            items.len()
        )));
    }
    let mut texts: Vec<Option<String>> = vec![None; n];
    for item in items {
        let id = item["id"]
            .as_u64()
            .or_else(|| item["id"].as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| bad("a translation without a numeric id".into()))?;
        let text = item["text"]
            .as_str()
            .ok_or_else(|| bad(format!("translation {id} has no text")))?;
        let slot = usize::try_from(id)
            .ok()
            .and_then(|id| id.checked_sub(1))
            .and_then(|i| texts.get_mut(i))
            .ok_or_else(|| bad(format!("unexpected id {id} (sent ids 1..={n})")))?;
        if slot.is_some() {
            return Err(bad(format!("id {id} appears twice")));
        }
        *slot = Some(text.to_string());
    }
    // n entries, all in range, none twice: every slot is filled.
    Ok(texts.into_iter().flatten().collect())
}

/// The text inside a ```json … ``` (or ``` … ```) fence, else the whole text.
fn strip_fences(content: &str) -> &str {
    let trimmed = content.trim();
    let Some(rest) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let rest = rest.split_once('\n').map_or("", |(_, body)| body);
    rest.trim_end().strip_suffix("```").unwrap_or(rest).trim()
}

impl OpenAi {
    /// One request for a batch (see [`Translate::translate`]).
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        if batch.texts.is_empty() {
            return Ok(Vec::new());
        }
        check_fits(&self.limits(), batch.texts)?;
        let body = self.request_body(&batch);
        let chars = batch.texts.iter().map(|t| t.chars().count()).sum();
        let n = batch.texts.len();
        let texts = self
            .post(&body, chars, |content| parse_translations(content, n))
            .await?;
        finish(
            &self.http,
            batch.texts,
            billed_by_source(batch.texts, texts),
        )
    }
}

impl Translate for OpenAi {
    fn limits(&self) -> Limits {
        let t = self.http.transport();
        Limits {
            max_texts: t.max_texts,
            max_text_bytes: (t.max_text_bytes > 0).then_some(t.max_text_bytes),
            max_request_bytes: (t.max_request_bytes > 0).then_some(t.max_request_bytes),
            encoding: Encoding::Json,
        }
    }

    fn concurrency(&self) -> usize {
        self.http.transport().concurrency
    }

    fn cache_identity(&self) -> String {
        let o = &self.options;
        format!(
            "openai|{}|model={};response_format={};prompt={:016x}",
            self.base_url,
            o.model,
            o.response_format,
            fnv1a(&o.system_prompt)
        )
    }

    fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers> {
        Box::pin(self.translate_batch(batch))
    }

    fn stats(&self) -> Stats {
        self.http.stats()
    }
}

/// A stable 64-bit FNV-1a hash (a fingerprint of the prompt for cache identities).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fenced_answers_in_any_order() {
        let content = "```json\n{\"translations\":[{\"id\":2,\"text\":\"b\"},{\"id\":1,\"text\":\"a\"}]}\n```";
        assert_eq!(parse_translations(content, 2).unwrap(), ["a", "b"]);
    }

    #[test]
    fn rejects_missing_duplicate_and_foreign_ids() {
        let answer = |items: &str| format!("{{\"translations\":[{items}]}}");
        for (items, expect) in [
            ("{\"id\":1,\"text\":\"a\"}", "received 1"),
            (
                "{\"id\":1,\"text\":\"a\"},{\"id\":1,\"text\":\"b\"}",
                "twice",
            ),
            (
                "{\"id\":1,\"text\":\"a\"},{\"id\":3,\"text\":\"b\"}",
                "unexpected id 3",
            ),
            (
                "{\"id\":0,\"text\":\"a\"},{\"id\":1,\"text\":\"b\"}",
                "unexpected id 0",
            ),
        ] {
            let err = parse_translations(&answer(items), 2)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expect), "{items}: {err}");
        }
        assert!(parse_translations("Sure! Here it is.", 1).is_err());
    }
}
