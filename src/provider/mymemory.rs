//! MyMemory (`GET /get?q=…&langpair=ar|en&de=…`): one text per request, at most 500 bytes.
//! Research notes §1.4: failures arrive inside HTTP 200 bodies (`quotaFinished`,
//! `responseStatus` as a number or a string, warning texts in `translatedText`), so the body is
//! always checked before a translation is believed.

use serde_json::Value;

use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, http_client_methods, judge,
    service_settings,
};
use super::{
    Answers, Batch, Encoding, Limits, ProviderError, Translate, admit, billed_by_source, endpoint,
    finish, root,
};

service_settings! {
    /// `[providers.NAME]` with `kind = "mymemory"`.
    pub struct MyMemorySettings {
        /// Server root.
        pub base_url: String = "https://api.mymemory.translated.net".into(),
        /// E-mail sent as `de`, which raises the free daily allowance; empty = not sent.
        pub email: String = String::new(),
    }
    api_key_env = "";
    // One text of at most 500 bytes per request; the free service is shared, so go gently.
    transport = Transport {
        requests_per_second: 2.0,
        concurrency: 2,
        max_texts: 1,
        max_text_bytes: 500,
        ..Transport::standard()
    };
}

/// A MyMemory client.
#[derive(Debug)]
pub struct MyMemory {
    url: String,
    base_url: String,
    email: String,
    http: Http,
}

impl MyMemory {
    /// A client from settings and the optional key.
    pub fn new(settings: &MyMemorySettings, key: Option<Secret>) -> anyhow::Result<Self> {
        Ok(MyMemory {
            http: Http::checked("mymemory", settings.transport(), key)?,
            url: endpoint(&settings.base_url, "get"),
            base_url: root(&settings.base_url),
            email: settings.email.clone(),
        })
    }

    /// One GET for one text: the translation, or a per-text error for over-long input.
    async fn translate_one(&self, text: &str, langpair: &str) -> Result<Outcome, ProviderError> {
        self.http
            .call(
                text.chars().count(),
                |client| {
                    let mut request = client
                        .get(&self.url)
                        .query(&[("q", text)])
                        .query(&[("langpair", langpair)]);
                    if !self.email.is_empty() {
                        request = request.query(&[("de", &self.email)]);
                    }
                    if let Some(key) = self.http.secret() {
                        request = request.query(&[("key", key.expose())]);
                    }
                    request
                },
                interpret,
            )
            .await
    }
}

/// What one MyMemory answer means for its text.
#[derive(Debug)]
enum Outcome {
    Translated(String),
    TooLong(String),
}

/// `responseStatus` as a number, whether it came as `200` or `"200"`.
fn response_status(value: &Value) -> Option<u64> {
    match &value["responseStatus"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Judges one reply, HTTP 200 bodies included.
fn interpret(reply: &Reply) -> Verdict<Outcome> {
    judge(
        reply,
        |reply| {
            let message = reply.error_text(|v| v["responseDetails"].as_str().map(str::to_string));
            classify_status(reply, message)
        },
        |value| interpret_body(reply, &value),
    )
}

/// A 2xx body, which may still carry a quota, rate or language error.
fn interpret_body(reply: &Reply, value: &Value) -> Verdict<Outcome> {
    let text = value["responseData"]["translatedText"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let details = value["responseDetails"]
        .as_str()
        .filter(|d| !d.is_empty())
        .unwrap_or(&text)
        .to_string();
    let upper = text.to_ascii_uppercase();
    let status = response_status(value).unwrap_or(200);
    if value["quotaFinished"] == Value::Bool(true)
        || upper.starts_with("MYMEMORY WARNING")
        || upper.contains("YOU USED ALL AVAILABLE FREE TRANSLATIONS")
    {
        return Verdict::Fail(ProviderError::Quota(super::http::snippet(&details)));
    }
    if upper.starts_with("QUERY LENGTH LIMIT") {
        return Verdict::Done(Outcome::TooLong(text));
    }
    if status == 429 {
        return Verdict::Retry(
            ProviderError::RateLimited(super::http::snippet(&details)),
            reply.retry_after,
        );
    }
    if status != 200
        || upper.starts_with("INVALID")
        || upper == "PLEASE SELECT TWO DISTINCT LANGUAGES"
    {
        return Verdict::Fail(ProviderError::BadRequest(format!(
            "responseStatus {status} in {}: {}",
            reply.describe(),
            super::http::snippet(&details)
        )));
    }
    if value["responseData"]["translatedText"].is_string() {
        Verdict::Done(Outcome::Translated(text))
    } else {
        Verdict::bad_response("no responseData.translatedText in the response")
    }
}

impl MyMemory {
    /// One request per text (MyMemory has no batch form); `max_texts` is 1 by default.
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        if admit(&self.limits(), batch.texts)?.is_none() {
            return Ok(Vec::new());
        }
        let langpair = format!("{}|{}", batch.from, batch.to);
        let mut texts = Vec::with_capacity(batch.texts.len());
        let mut too_long = Vec::new();
        for (i, text) in batch.texts.iter().enumerate() {
            match self.translate_one(text, &langpair).await? {
                Outcome::Translated(t) => texts.push(t),
                Outcome::TooLong(message) => {
                    too_long.push((i, message));
                    texts.push(String::new());
                }
            }
        }
        let mut results = finish(
            &self.http,
            batch.texts,
            billed_by_source(batch.texts, texts),
        )?;
        for (i, message) in too_long {
            results[i] = Err(format!(
                "{message} (the text is {} bytes; split it below max_text_bytes)",
                batch.texts[i].len()
            ));
        }
        Ok(results)
    }
}

impl Translate for MyMemory {
    fn limits(&self) -> Limits {
        // The limits apply to the `q` parameter alone.
        self.http.transport().limits(0, Encoding::Query)
    }

    fn cache_identity(&self) -> String {
        // A key adds the account's private memories to the matches, which changes output.
        let private = if self.http.secret().is_some() {
            "private"
        } else {
            "public"
        };
        format!("mymemory|{}|memories={private}", self.base_url)
    }

    http_client_methods!();
}
