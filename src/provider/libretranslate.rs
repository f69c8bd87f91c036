//! LibreTranslate (`POST {base_url}/translate`, JSON body, `q` as an array, optional `api_key`
//! in the body). Research notes §1.1: batch cost for the server's rate limiter is `len(q)`;
//! over-long texts or batches give 400 "exceeds text limit"; a bad key gives 403.

use serde_json::{Value, json};

use super::http::{Http, Reply, Secret, Transport, Verdict, classify_status, service_settings};
use super::{
    Batch, Encoding, Limits, ProviderError, Stats, Translate, Translated, billed_by_source,
    check_fits, endpoint, finish,
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
        super::http::validate("libretranslate", &settings.transport())?;
        Ok(LibreTranslate {
            url: endpoint(&settings.base_url, "translate"),
            base_url: settings.base_url.trim_end_matches('/').to_string(),
            http: Http::new(settings.transport(), key),
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
    if !(200..300).contains(&reply.status) {
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
        return classify_status(reply, message);
    }
    let value = match reply.json() {
        Ok(v) => v,
        Err(e) => return Verdict::Fail(e),
    };
    match &value["translatedText"] {
        Value::Array(items) => items
            .iter()
            .map(|t| t.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Verdict::Done)
            .unwrap_or_else(|| bad("translatedText holds a non-string item")),
        Value::String(single) => Verdict::Done(vec![single.clone()]),
        _ => bad("no translatedText in the response"),
    }
}

fn bad<T>(what: &str) -> Verdict<T> {
    Verdict::Fail(ProviderError::BadResponse(what.to_string()))
}

impl Translate for LibreTranslate {
    fn limits(&self) -> Limits {
        let t = self.http.transport();
        Limits {
            max_texts: t.max_texts,
            max_text_bytes: (t.max_text_bytes > 0).then_some(t.max_text_bytes),
            // Room for the fixed fields (languages, format, key).
            max_request_bytes: (t.max_request_bytes > 0)
                .then(|| t.max_request_bytes.saturating_sub(512)),
            encoding: Encoding::Json,
        }
    }

    fn concurrency(&self) -> usize {
        self.http.transport().concurrency
    }

    fn cache_identity(&self) -> String {
        format!("libretranslate|{}|format=text", self.base_url)
    }

    fn translate(
        &self,
        batch: &Batch<'_>,
    ) -> Result<Vec<Result<Translated, String>>, ProviderError> {
        if batch.texts.is_empty() {
            return Ok(Vec::new());
        }
        check_fits(&self.limits(), batch.texts)?;
        let body = self.request_body(batch);
        let chars = batch.texts.iter().map(|t| t.chars().count()).sum();
        let texts = self.http.call(
            chars,
            |agent| agent.post(&self.url).send_json(&body),
            interpret,
        )?;
        let translations = billed_by_source(batch.texts, texts);
        finish(&self.http, batch.texts, translations)
    }

    fn stats(&self) -> Stats {
        self.http.stats()
    }
}
