//! DeepL API v2 (`POST /v2/translate`, JSON body, `Authorization: DeepL-Auth-Key …`).
//! Research notes §1.2: ≤ 50 texts and 128 KiB per request; each text is translated on its
//! own, so neighbouring sentences go in `context` (not translated, not billed); 456 = quota
//! exhausted; free keys end in `:fx` and belong on `api-free.deepl.com`.

use serde_json::{Value, json};

use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, each_item, http_client_methods,
    judge, service_settings,
};
use super::{
    Answers, Batch, Encoding, Limits, ProviderError, Translate, Translated, admit, endpoint,
    finish, root, source_chars,
};
use crate::lang::Lang;

/// DeepL Pro host.
pub const PRO_URL: &str = "https://api.deepl.com";
/// DeepL Free host (keys ending in `:fx`).
pub const FREE_URL: &str = "https://api-free.deepl.com";

service_settings! {
    /// `[providers.NAME]` with `kind = "deepl"`.
    pub struct DeeplSettings {
        /// Server root; when absent, the Free host for keys ending in `:fx`, else the Pro host.
        pub base_url: Option<String> = None,
        /// `split_sentences`: `"nonewlines"` (default: split sentences inside a text but keep
        /// line breaks), `"0"` (each text is one sentence), or `"1"`.
        pub split_sentences: String = "nonewlines".into(),
        /// `formality` (`more`, `less`, `prefer_more`, `prefer_less`); empty = not sent.
        pub formality: String = String::new(),
        /// `model_type` (`quality_optimized`, `prefer_quality_optimized`, `latency_optimized`);
        /// empty = not sent.
        pub model_type: String = String::new(),
        /// `preserve_formatting`: keep punctuation and casing at sentence edges as in the source.
        pub preserve_formatting: bool = false,
        /// Send `Batch::context` (neighbouring sentences) as `context`.
        pub send_context: bool = true,
    }
    api_key_env = "DEEPL_AUTH_KEY";
    // 50 texts and 128 KiB per request; the official CLI keeps 5 requests in flight. DeepL
    // documents no request rate: none is set, and the adaptive rate backs off on 429/529.
    transport = Transport {
        requests_per_second: 0.0,
        concurrency: 5,
        max_texts: 50,
        max_request_bytes: 128 * 1024,
        ..Transport::standard()
    };
}

/// A DeepL client.
#[derive(Debug)]
pub struct Deepl {
    url: String,
    base_url: String,
    options: DeeplSettings,
    http: Http,
}

impl Deepl {
    /// A client from settings and the (required) key.
    pub fn new(name: &str, settings: &DeeplSettings, key: Option<Secret>) -> anyhow::Result<Self> {
        let http = Http::checked_with_key(name, "deepl", settings.transport(), key)?;
        if !["0", "1", "nonewlines"].contains(&settings.split_sentences.as_str()) {
            anyhow::bail!(
                "provider '{name}': split_sentences must be \"0\", \"1\" or \"nonewlines\", not \"{}\"",
                settings.split_sentences
            );
        }
        let free_key = http.secret().is_some_and(|k| k.expose().ends_with(":fx"));
        let base_url = match &settings.base_url {
            Some(url) => root(url),
            None if free_key => FREE_URL.to_string(),
            None => PRO_URL.to_string(),
        };
        Ok(Deepl {
            url: endpoint(&base_url, "v2/translate"),
            base_url,
            options: settings.clone(),
            http,
        })
    }

    fn request_body(&self, batch: &Batch<'_>) -> Value {
        let o = &self.options;
        let mut body = json!({
            "text": batch.texts,
            "source_lang": source_code(batch.from),
            "target_lang": target_code(batch.to),
            "split_sentences": o.split_sentences,
            "show_billed_characters": true,
        });
        if o.preserve_formatting {
            body["preserve_formatting"] = Value::Bool(true);
        }
        for (field, value) in [("formality", &o.formality), ("model_type", &o.model_type)] {
            if !value.is_empty() {
                body[field] = Value::String(value.clone());
            }
        }
        if let Some(context) = batch.context.filter(|c| o.send_context && !c.is_empty()) {
            body["context"] = Value::String(context.to_string());
            // The context counts towards the 128 KiB: drop it rather than be refused.
            if self.too_large(&body) {
                body.as_object_mut().map(|m| m.remove("context"));
            }
        }
        body
    }

    fn too_large(&self, body: &Value) -> bool {
        let max = self.http.transport().max_request_bytes;
        max > 0 && body.to_string().len() > max
    }
}

/// DeepL source codes are the bare language (`AR`, `EN`).
pub fn source_code(lang: &Lang) -> String {
    lang.primary().to_ascii_uppercase()
}

/// DeepL target codes: `EN` and `PT` need a variant (`EN-US`, `PT-PT` unless given), others
/// are the upper-cased tag (`AR`, `EN-GB`, `ZH-HANS`).
pub fn target_code(lang: &Lang) -> String {
    match lang.as_str().to_ascii_lowercase().as_str() {
        "en" => "EN-US".into(),
        "pt" => "PT-PT".into(),
        other => other.to_ascii_uppercase(),
    }
}

/// Judges one reply: `{"translations":[{"text","billed_characters"}]}` or `{"message"}`.
fn interpret(reply: &Reply) -> Verdict<Vec<(String, Option<usize>)>> {
    judge(reply, interpret_error, |value| {
        let Some(items) = value["translations"].as_array() else {
            return Verdict::bad_response("no translations array in the response");
        };
        each_item(
            items,
            |item| {
                let text = item["text"].as_str()?.to_string();
                let billed = item["billed_characters"]
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok());
                Some((text, billed))
            },
            "a translation without text in the response",
        )
    })
}

/// A non-2xx reply: 456 is the quota, 529 DeepL's "too many requests".
fn interpret_error<T>(reply: &Reply) -> Verdict<T> {
    let message = reply.error_text(|v| {
        let m = v["message"].as_str()?;
        Some(match v["detail"].as_str() {
            Some(d) => format!("{m} ({d})"),
            None => m.to_string(),
        })
    });
    match reply.status {
        456 => Verdict::Fail(ProviderError::Quota(format!(
            "{message}; the DeepL character quota is used up (see your account's usage page)"
        ))),
        529 => Verdict::Retry(ProviderError::RateLimited(message), reply.retry_after),
        _ => classify_status(reply, message),
    }
}

impl Deepl {
    /// One request for a batch (see [`Translate::translate`]).
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        let Some(chars) = admit(&self.limits(), batch.texts)? else {
            return Ok(Vec::new());
        };
        let body = self.request_body(&batch);
        let auth = format!(
            "DeepL-Auth-Key {}",
            self.http.secret().map_or("", |s| s.expose())
        );
        let items = self
            .http
            .call(
                chars,
                |client| {
                    client
                        .post(&self.url)
                        .header("Authorization", &auth)
                        .json(&body)
                },
                interpret,
            )
            .await?;
        let translations = items
            .into_iter()
            .enumerate()
            .map(|(i, (text, billed))| Translated {
                text,
                billed_chars: billed.unwrap_or_else(|| source_chars(batch.texts, i)),
                sentence_lengths: None,
            })
            .collect();
        finish(&self.http, batch.texts, translations)
    }
}

impl Translate for Deepl {
    fn limits(&self) -> Limits {
        // Room for the fixed fields; the context is dropped if it would not fit.
        self.http.transport().limits(1024, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        let o = &self.options;
        format!(
            "deepl|{}|split_sentences={};formality={};model_type={};preserve_formatting={}",
            self.base_url, o.split_sentences, o.formality, o.model_type, o.preserve_formatting
        )
    }

    http_client_methods!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        let l = |t: &str| Lang::parse(t).unwrap();
        assert_eq!(source_code(&l("ar")), "AR");
        assert_eq!(source_code(&l("en-GB")), "EN");
        assert_eq!(target_code(&l("en")), "EN-US");
        assert_eq!(target_code(&l("en-GB")), "EN-GB");
        assert_eq!(target_code(&l("pt")), "PT-PT");
        assert_eq!(target_code(&l("pt-BR")), "PT-BR");
        assert_eq!(target_code(&l("ar")), "AR");
        assert_eq!(target_code(&l("zh-Hans")), "ZH-HANS");
    }
}
