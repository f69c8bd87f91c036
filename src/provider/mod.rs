//! Translation services: one trait, one file per service, a shared HTTP layer.
//!
//! CONTRACT (skeleton; the provider work fills in `http.rs` and one file per service):
//! - [`Translate::translate`] sends ONE request for a batch that fits [`Translate::limits`]
//!   (the caller plans batches), with rate limiting and retries done inside (shared `http.rs`).
//!   It returns one result per input text, in order, or a [`ProviderError`] for the whole batch.
//! - Implementations are `Send + Sync`: the translation stage calls them from several threads.

use std::time::Duration;

use crate::lang::Lang;

/// What one request to a service may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most texts in one request.
    pub max_texts: usize,
    /// Most bytes of one text, as the service measures it (e.g. MyMemory's 500 bytes), if limited.
    pub max_text_bytes: Option<usize>,
    /// Most bytes of one encoded request body (or query string), if limited.
    pub max_request_bytes: Option<usize>,
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
    /// The request was refused as invalid (HTTP 400, unsupported language…).
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
}

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

/// A translation service.
pub trait Translate: Send + Sync {
    /// What one request may carry.
    fn limits(&self) -> Limits;
    /// Everything that changes the output: kind, endpoint, model, options (never the key).
    /// Part of every cache key.
    fn cache_identity(&self) -> String;
    /// Translates one batch (see the module docs).
    fn translate(
        &self,
        batch: &Batch<'_>,
    ) -> Result<Vec<Result<Translated, String>>, ProviderError>;
    /// Counters so far.
    fn stats(&self) -> Stats;
}

/// Default timeout for one HTTP request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One `[providers.NAME]` table of `config.toml`, tagged by `kind`.
/// PLACEHOLDER: the provider work adds one variant per service (settings struct in its file).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ProviderSettings {}

/// A configured service, dispatching to its implementation.
/// PLACEHOLDER: the provider work adds one variant per service.
#[derive(Debug)]
pub enum Provider {}

impl Provider {
    /// Builds the provider named `name` from its settings; reads its key from the environment.
    pub fn from_settings(_name: &str, settings: &ProviderSettings) -> anyhow::Result<Provider> {
        match *settings {}
    }
}

impl Translate for Provider {
    fn limits(&self) -> Limits {
        match *self {}
    }
    fn cache_identity(&self) -> String {
        match *self {}
    }
    fn translate(
        &self,
        _batch: &Batch<'_>,
    ) -> Result<Vec<Result<Translated, String>>, ProviderError> {
        match *self {}
    }
    fn stats(&self) -> Stats {
        match *self {}
    }
}
