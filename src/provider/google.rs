//! Google Cloud Translation Basic (v2): `POST /language/translate/v2`, JSON body with `q` as an
//! array and `format: "text"` (the default `html` returns `&#39;` entities). Research notes
//! §1.3: ≤ 128 segments and 100 K bytes per request; quota and rate errors are 403/429 told
//! apart by `error.errors[].reason`.
//!
//! The key goes in the `X-Goog-Api-Key` header, which Google APIs accept exactly like the
//! `?key=` query parameter, so that it never appears in a URL (proxy and server logs).

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
    /// `[providers.NAME]` with `kind = "google"`.
    pub struct GoogleSettings {
        /// Server root.
        pub base_url: String = "https://translation.googleapis.com".into(),
        /// `model` (`nmt` or `base`); empty = not sent (the service's default, nmt).
        pub model: String = String::new(),
    }
    api_key_env = "GOOGLE_API_KEY";
    // 128 segments and 100 K bytes per request; default quota 6 M characters per minute.
    transport = Transport {
        requests_per_second: 10.0,
        characters_per_minute: 6_000_000,
        max_texts: 128,
        max_request_bytes: 100_000,
        ..Transport::standard()
    };
}

/// A Google Translate v2 client.
#[derive(Debug)]
pub struct Google {
    url: String,
    base_url: String,
    model: String,
    http: Http,
}

impl Google {
    /// A client from settings and the (required) key.
    pub fn new(name: &str, settings: &GoogleSettings, key: Option<Secret>) -> anyhow::Result<Self> {
        Ok(Google {
            http: Http::checked_with_key(name, "google", settings.transport(), key)?,
            url: endpoint(&settings.base_url, "language/translate/v2"),
            base_url: root(&settings.base_url),
            model: settings.model.clone(),
        })
    }
}

/// The `reason` of the first entry of `error.errors`, if any.
fn reason(value: &Value) -> Option<String> {
    value["error"]["errors"][0]["reason"]
        .as_str()
        .map(str::to_string)
}

/// Judges one reply: `{"data":{"translations":[{"translatedText"}]}}` or a Google API error.
fn interpret(reply: &Reply) -> Verdict<Vec<String>> {
    judge(reply, interpret_error, |value| {
        let Some(items) = value["data"]["translations"].as_array() else {
            return Verdict::bad_response("no data.translations array in the response");
        };
        each_item(
            items,
            |item| item["translatedText"].as_str().map(str::to_string),
            "a translation without translatedText",
        )
    })
}

/// A non-2xx reply: quota, rate and key errors are told apart by `error.errors[].reason`.
fn interpret_error<T>(reply: &Reply) -> Verdict<T> {
    let message = reply.error_text(|v| v["error"]["message"].as_str().map(str::to_string));
    let reason = reason(&reply.error_json()).unwrap_or_default();
    match reason.as_str() {
        "dailyLimitExceeded" | "quotaExceeded" => Verdict::Fail(ProviderError::Quota(message)),
        "rateLimitExceeded" | "userRateLimitExceeded" => {
            Verdict::Retry(ProviderError::RateLimited(message), reply.retry_after)
        }
        "keyInvalid" | "keyExpired" => Verdict::Fail(ProviderError::Auth(message)),
        _ if reply.status == 400 && message.contains("API key") => {
            Verdict::Fail(ProviderError::Auth(message))
        }
        _ => classify_status(reply, message),
    }
}

impl Google {
    /// One request for a batch (see [`Translate::translate`]).
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        let Some(chars) = admit(&self.limits(), batch.texts)? else {
            return Ok(Vec::new());
        };
        let mut body = json!({
            "q": batch.texts,
            "source": batch.from.as_str(),
            "target": batch.to.as_str(),
            "format": "text",
        });
        if !self.model.is_empty() {
            body["model"] = Value::String(self.model.clone());
        }
        let key = self.http.secret().map_or("", |s| s.expose());
        let texts = self
            .http
            .call(
                chars,
                |client| {
                    client
                        .post(&self.url)
                        .header("X-Goog-Api-Key", key)
                        .json(&body)
                },
                interpret,
            )
            .await?;
        finish(
            &self.http,
            batch.texts,
            billed_by_source(batch.texts, texts),
        )
    }
}

impl Translate for Google {
    fn limits(&self) -> Limits {
        // Room for the fixed fields (languages, format, model).
        self.http.transport().limits(512, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        format!("google|{}|format=text;model={}", self.base_url, self.model)
    }

    http_client_methods!();
}
