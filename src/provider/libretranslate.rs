//! LibreTranslate (`POST {base_url}/translate`, JSON body, `q` as an array, optional `api_key`
//! in the body). Research notes §1.1: batch cost for the server's rate limiter is `len(q)`;
//! over-long texts or batches give 400 "exceeds text limit"; a bad key gives 403.

use serde_json::{Value, json};

use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, each_item, http_client_methods,
    judge, service_settings,
};
use super::{
    Answers, Batch, Encoding, Limits, ProviderError, Translate, admit, billed_by_source, endpoint,
    finish, root,
};

service_settings! {
    /// `[providers.NAME]` with `kind = "libretranslate"`.
    pub struct LibreTranslateSettings {
        /// Server root. A self-hosted server is usually `http://localhost:5000`.
        pub base_url: String = "https://libretranslate.com".into(),
    }
    api_key_env = "LIBRETRANSLATE_API_KEY";
    // libretranslate.com: 2,000 characters per text (2,000 bytes is never more characters).
    transport = Transport {
        requests_per_second: 2.0,
        concurrency: 2,
        max_texts: 50,
        max_text_bytes: 2000,
        ..Transport::standard()
    };
}

/// A LibreTranslate client.
#[derive(Debug)]
pub struct LibreTranslate {
    url: String,
    base_url: String,
    http: Http,
}

impl LibreTranslate {
    /// A client from settings and the key (if the server needs one).
    pub fn new(settings: &LibreTranslateSettings, key: Option<Secret>) -> anyhow::Result<Self> {
        Ok(LibreTranslate {
            http: Http::checked("libretranslate", settings.transport(), key)?,
            url: endpoint(&settings.base_url, "translate"),
            base_url: root(&settings.base_url),
        })
    }

    fn request_body(&self, batch: &Batch<'_>) -> Value {
        let mut body = json!({
            "q": batch.texts,
            "source": batch.from.as_str(),
            "target": batch.to.as_str(),
            "format": "text",
        });
        if let Some(key) = self.http.secret() {
            body["api_key"] = Value::String(key.expose().to_string());
        }
        body
    }
}

/// Judges one reply: `{"translatedText": [...]}` on success, `{"error": "..."}` otherwise.
fn interpret(reply: &Reply) -> Verdict<Vec<String>> {
    judge(
        reply,
        interpret_error,
        |value| match &value["translatedText"] {
            Value::Array(items) => each_item(
                items,
                |t| t.as_str().map(str::to_string),
                "translatedText holds a non-string item",
            ),
            Value::String(single) => Verdict::Done(vec![single.clone()]),
            _ => Verdict::bad_response("no translatedText in the response"),
        },
    )
}

/// A non-2xx reply: a key problem or the text limit arrive as 400 with an `error` text.
fn interpret_error<T>(reply: &Reply) -> Verdict<T> {
    let message = reply.error_text(|v| v["error"].as_str().map(str::to_string));
    let key_problem = message.to_ascii_lowercase().contains("api key");
    if reply.status == 400 && key_problem {
        return Verdict::Fail(ProviderError::Auth(message));
    }
    if reply.status == 400 && message.contains("exceeds text limit") {
        return Verdict::Fail(ProviderError::too_large(format!(
            "{message}; lower max_texts or max_text_bytes for this provider"
        )));
    }
    classify_status(reply, message)
}

impl LibreTranslate {
    /// One request for a batch (see [`Translate::translate`]).
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        let Some(chars) = admit(&self.limits(), batch.texts)? else {
            return Ok(Vec::new());
        };
        let body = self.request_body(&batch);
        let texts = self
            .http
            .call(
                chars,
                |client| client.post(&self.url).json(&body),
                interpret,
            )
            .await?;
        let translations = billed_by_source(batch.texts, texts);
        finish(&self.http, batch.texts, translations)
    }
}

impl Translate for LibreTranslate {
    fn limits(&self) -> Limits {
        // Room for the fixed fields (languages, format, key).
        self.http.transport().limits(512, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        format!("libretranslate|{}|format=text", self.base_url)
    }

    http_client_methods!();
}
