//! Microsoft Azure AI Translator v3.0: `POST /translate?api-version=3.0&from=ar&to=en&
//! includeSentenceLength=true`, body `[{"Text": …}]`, headers `Ocp-Apim-Subscription-Key` and
//! `Ocp-Apim-Subscription-Region`. Research notes §1.5: pinned to 3.0 because later versions
//! dropped `sentLen`; ≤ 1,000 texts and 50,000 characters per request; errors carry a 6-digit
//! code (403001 = free quota used up, 429xxx = rate limited).

use serde_json::{Value, json};

use super::http::{
    Http, Reply, Secret, Transport, Verdict, classify_status, each_item, http_client_methods,
    judge, service_settings,
};
use super::{
    Answers, Batch, Encoding, Limits, ProviderError, Translate, Translated, admit, endpoint,
    finish, root, source_chars,
};

service_settings! {
    /// `[providers.NAME]` with `kind = "azure"`.
    pub struct AzureSettings {
        /// Server root (or a geography: `https://api-eur.cognitive.microsofttranslator.com`).
        pub base_url: String = "https://api.cognitive.microsofttranslator.com".into(),
        /// Resource region (`westeurope`…), sent as `Ocp-Apim-Subscription-Region`; required for
        /// regional and multi-service resources; empty = not sent (global resource).
        pub region: String = String::new(),
        /// `category` (a Custom Translator model); empty = not sent (general model).
        pub category: String = String::new(),
    }
    api_key_env = "AZURE_TRANSLATOR_KEY";
    // 1,000 texts and 50,000 characters per request (bytes ≥ characters, so 50,000 bytes is
    // safe); F0's 2 M characters per hour, spread evenly, is 33,000 per minute.
    transport = Transport {
        requests_per_second: 10.0,
        characters_per_minute: 33_000,
        max_texts: 1000,
        max_request_bytes: 50_000,
        ..Transport::standard()
    };
}

/// An Azure Translator v3.0 client.
#[derive(Debug)]
pub struct Azure {
    url: String,
    base_url: String,
    region: String,
    category: String,
    http: Http,
}

impl Azure {
    /// A client from settings and the (required) key.
    pub fn new(name: &str, settings: &AzureSettings, key: Option<Secret>) -> anyhow::Result<Self> {
        Ok(Azure {
            http: Http::checked_with_key(name, "azure", settings.transport(), key)?,
            url: endpoint(&settings.base_url, "translate"),
            base_url: root(&settings.base_url),
            region: settings.region.clone(),
            category: settings.category.clone(),
        })
    }
}

/// One element of the response.
type Item = (String, Option<Vec<usize>>);

/// Judges one reply: `[{"translations":[{"text","sentLen":{"transSentLen"}}]}]` or
/// `{"error":{"code","message"}}`.
fn interpret(reply: &Reply) -> Verdict<Vec<Item>> {
    judge(reply, interpret_error, |value| {
        let Some(items) = value.as_array() else {
            return Verdict::bad_response("the response is not an array");
        };
        each_item(items, item, "an element without translations[0].text")
    })
}

/// One element: the first translation's text and its sentence lengths, if reported.
fn item(element: &Value) -> Option<Item> {
    let first = &element["translations"][0];
    let text = first["text"].as_str()?.to_string();
    let lengths = first["sentLen"]["transSentLen"].as_array().map(|l| {
        l.iter()
            .filter_map(|n| n.as_u64().and_then(|n| usize::try_from(n).ok()))
            .collect()
    });
    Some((text, lengths))
}

/// A non-2xx reply: the 6-digit `error.code` says more than the status.
fn interpret_error<T>(reply: &Reply) -> Verdict<T> {
    let code = reply.error_json()["error"]["code"].as_u64().unwrap_or(0);
    let message = reply.error_text(|v| {
        let m = v["error"]["message"].as_str()?;
        Some(format!("{} {m}", v["error"]["code"]))
    });
    match code {
        403001 => Verdict::Fail(ProviderError::Quota(message)),
        400050 | 400072 | 400077 => Verdict::Fail(ProviderError::too_large(message)),
        401000..=401999 => Verdict::Fail(ProviderError::Auth(message)),
        408000..=408999 => Verdict::Retry(ProviderError::Unavailable(message), reply.retry_after),
        _ => classify_status(reply, message),
    }
}

impl Azure {
    /// One request for a batch (see [`Translate::translate`]).
    async fn translate_batch(&self, batch: Batch<'_>) -> Answers {
        let Some(chars) = admit(&self.limits(), batch.texts)? else {
            return Ok(Vec::new());
        };
        let body: Vec<Value> = batch.texts.iter().map(|t| json!({ "Text": t })).collect();
        let key = self.http.secret().map_or("", |s| s.expose());
        let items = self
            .http
            .call(
                chars,
                |client| {
                    let mut request = client
                        .post(&self.url)
                        .query(&[("api-version", "3.0")])
                        .query(&[("from", batch.from.as_str())])
                        .query(&[("to", batch.to.as_str())])
                        .query(&[("includeSentenceLength", "true")])
                        .header("Ocp-Apim-Subscription-Key", key)
                        .header("Content-Type", "application/json; charset=UTF-8");
                    if !self.category.is_empty() {
                        request = request.query(&[("category", &self.category)]);
                    }
                    if !self.region.is_empty() {
                        request = request.header("Ocp-Apim-Subscription-Region", &self.region);
                    }
                    request.body(serde_json::to_vec(&body).unwrap_or_default())
                },
                interpret,
            )
            .await?;
        let translations = items
            .into_iter()
            .enumerate()
            .map(|(i, (text, sentence_lengths))| Translated {
                text,
                billed_chars: source_chars(batch.texts, i),
                sentence_lengths,
            })
            .collect();
        finish(&self.http, batch.texts, translations)
    }
}

impl Translate for Azure {
    fn limits(&self) -> Limits {
        // Azure's 50,000 counts the texts only: nothing to set aside.
        self.http.transport().limits(0, Encoding::Json)
    }

    fn cache_identity(&self) -> String {
        format!(
            "azure|{}|api-version=3.0;category={}",
            self.base_url, self.category
        )
    }

    http_client_methods!();
}
