//! The HTTP layer every service shares: one [`reqwest::Client`] per provider (rustls, connection
//! pool, HTTP/2 where offered, gzip/brotli, timeouts), rate limits ([`limit`]: `governor` for the
//! configured ceilings, an adaptive AIMD rate on top), retries (`backon`: exponential backoff
//! with full jitter, where a `Retry-After` — seconds or an HTTP date, read with `httpdate` — wins
//! over the computed delay and one beyond `max_backoff` gives up at once), error classification
//! into [`ProviderError`] through a service's [`Verdict`], counters, and key redaction. Service
//! files only map requests, responses and language codes.

pub mod limit;

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{ProviderError, Stats};
use limit::Limiter;

/// An API key: readable only through [`Secret::expose`], redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(key: String) -> Secret {
        Secret(key)
    }

    /// The key itself, for the one place that puts it in a request.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every form of the key replaced: raw, JSON-escaped (a key with `"` or `\`),
    /// percent-encoded (strictly, and as a form/query value encodes it).
    pub fn scrub(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_string();
        }
        let json = serde_json::to_string(&self.0).unwrap_or_default();
        let json = json.trim_matches('"').to_string();
        let form: String = form_encode(&self.0);
        let mut out = text.to_string();
        for form in [self.0.clone(), json, percent_encode(&self.0), form] {
            if !form.is_empty() && out.contains(&form) {
                out = out.replace(&form, "[redacted]");
            }
        }
        out
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// A value as `application/x-www-form-urlencoded` (and reqwest's `.query`) encodes it.
fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Transport settings shared by every service (limits, timeouts, retries, rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    /// Timeout of one HTTP request, connection to last byte.
    pub timeout: Duration,
    /// Retries after a transient failure.
    pub max_retries: u32,
    /// First backoff delay (doubles each retry, full jitter).
    pub backoff_base: Duration,
    /// Cap of one backoff delay, and the longest `Retry-After` honoured.
    pub max_backoff: Duration,
    /// Most requests per second (0 = unlimited).
    pub requests_per_second: f64,
    /// Most source characters per minute (0 = unlimited).
    pub characters_per_minute: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Most texts per request.
    pub max_texts: usize,
    /// Most UTF-8 bytes per text (0 = unlimited).
    pub max_text_bytes: usize,
    /// Most bytes of one request body or query (0 = unlimited).
    pub max_request_bytes: usize,
}

impl Transport {
    /// The defaults every service starts from (deepl-python's retry policy: 5 retries from 1 s).
    pub const fn standard() -> Transport {
        Transport {
            timeout: super::DEFAULT_TIMEOUT,
            max_retries: 5,
            backoff_base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(120),
            requests_per_second: 5.0,
            characters_per_minute: 0,
            concurrency: 4,
            max_texts: 50,
            max_text_bytes: 0,
            max_request_bytes: 0,
        }
    }
}

impl Transport {
    /// What one request may carry under these settings: `0` means unlimited, and `reserved`
    /// bytes of `max_request_bytes` are kept for the request's fixed fields (languages, options).
    pub fn limits(&self, reserved: usize, encoding: super::Encoding) -> super::Limits {
        super::Limits {
            max_texts: self.max_texts,
            max_text_bytes: (self.max_text_bytes > 0).then_some(self.max_text_bytes),
            max_request_bytes: (self.max_request_bytes > 0)
                .then(|| self.max_request_bytes.saturating_sub(reserved)),
            encoding,
        }
    }
}

/// Declares a service's settings struct: its own fields (each with a default) followed by the
/// shared transport fields, with `#[serde(default, deny_unknown_fields)]`, a `Default` impl and
/// `transport()`. One macro so the six services cannot drift apart.
macro_rules! service_settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty = $default:expr, )*
        }
        api_key_env = $key_env:expr;
        transport = $transport:expr;
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// NAME of the environment variable holding the API key (never the key itself);
            /// `""` = no key, where the service allows it.
            pub api_key_env: String,
            /// Timeout of one HTTP request, e.g. `"30s"`.
            #[serde(deserialize_with = "crate::provider::http::deserialize_duration")]
            pub timeout: std::time::Duration,
            /// Retries after a transient failure (429, 5xx, timeout, connection error).
            pub max_retries: u32,
            /// First backoff delay, e.g. `"1s"`; doubles each retry, with full jitter.
            #[serde(deserialize_with = "crate::provider::http::deserialize_duration")]
            pub backoff_base: std::time::Duration,
            /// Longest backoff delay, and the longest `Retry-After` honoured, e.g. `"120s"`.
            #[serde(deserialize_with = "crate::provider::http::deserialize_duration")]
            pub max_backoff: std::time::Duration,
            /// Most requests per second (0 = unlimited).
            pub requests_per_second: f64,
            /// Most source characters per minute (0 = unlimited).
            pub characters_per_minute: u64,
            /// Requests in flight at once.
            pub concurrency: usize,
            /// Most texts in one request.
            pub max_texts: usize,
            /// Most UTF-8 bytes of one text (0 = unlimited).
            pub max_text_bytes: usize,
            /// Most bytes of one request body or query string (0 = unlimited).
            pub max_request_bytes: usize,
        }

        impl Default for $name {
            fn default() -> Self {
                let t: $crate::provider::http::Transport = $transport;
                $name {
                    $( $field: $default, )*
                    api_key_env: String::from($key_env),
                    timeout: t.timeout,
                    max_retries: t.max_retries,
                    backoff_base: t.backoff_base,
                    max_backoff: t.max_backoff,
                    requests_per_second: t.requests_per_second,
                    characters_per_minute: t.characters_per_minute,
                    concurrency: t.concurrency,
                    max_texts: t.max_texts,
                    max_text_bytes: t.max_text_bytes,
                    max_request_bytes: t.max_request_bytes,
                }
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .field(
                        "api_key_env",
                        &$crate::provider::http::KeyEnvDebug(&self.api_key_env),
                    )
                    .field("transport", &self.transport())
                    .finish()
            }
        }

        impl $name {
            /// The shared transport part of these settings.
            pub fn transport(&self) -> $crate::provider::http::Transport {
                $crate::provider::http::Transport {
                    timeout: self.timeout,
                    max_retries: self.max_retries,
                    backoff_base: self.backoff_base,
                    max_backoff: self.max_backoff,
                    requests_per_second: self.requests_per_second,
                    characters_per_minute: self.characters_per_minute,
                    concurrency: self.concurrency,
                    max_texts: self.max_texts,
                    max_text_bytes: self.max_text_bytes,
                    max_request_bytes: self.max_request_bytes,
                }
            }
        }
    };
}
pub(crate) use service_settings;

/// The three [`Translate`](super::Translate) methods a service answers from its `http` field (an
/// [`Http`]) and its own `async fn translate_batch` alone: `translate` (boxing that future),
/// `concurrency`, the transport's, and `stats`, the client's counters. Used inside
/// `impl Translate for …` so that the service file holds only what is its own.
macro_rules! http_client_methods {
    () => {
        fn translate<'a>(
            &'a self,
            batch: $crate::provider::Batch<'a>,
        ) -> $crate::provider::BoxFuture<'a, $crate::provider::Answers> {
            Box::pin(self.translate_batch(batch))
        }

        fn concurrency(&self) -> usize {
            self.http.transport().concurrency
        }

        fn stats(&self) -> $crate::provider::Stats {
            self.http.stats()
        }
    };
}
pub(crate) use http_client_methods;

/// Shows an `api_key_env` value in `Debug` only when it is a variable name: a key pasted there
/// by mistake stays hidden.
pub struct KeyEnvDebug<'a>(pub &'a str);

impl fmt::Debug for KeyEnvDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if super::is_env_var_name(self.0) || self.0.is_empty() {
            fmt::Debug::fmt(self.0, f)
        } else {
            f.write_str("[redacted: not a variable name]")
        }
    }
}

/// Reads a duration written like `"30s"`, `"250ms"`, `"2m"` (humantime).
pub fn deserialize_duration<'de, D>(deserializer: D) -> Result<Duration, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let text: String = serde::Deserialize::deserialize(deserializer)?;
    humantime::parse_duration(&text).map_err(|e| {
        serde::de::Error::custom(format!(
            "'{text}' is not a duration ({e}); write e.g. \"30s\" or \"250ms\""
        ))
    })
}

/// The slowest configurable request rate: one request every 10,000 s (anything slower is a typo,
/// and `1e-300` would overflow every clock).
pub const MIN_REQUESTS_PER_SECOND: f64 = 1e-4;

/// Checks transport settings that would make the client useless.
pub fn validate(name: &str, t: &Transport) -> anyhow::Result<()> {
    let problem = if t.timeout.is_zero() {
        Some("timeout must be more than 0")
    } else if t.max_texts == 0 {
        Some("max_texts must be at least 1")
    } else if t.concurrency == 0 {
        Some("concurrency must be at least 1")
    } else if !t.requests_per_second.is_finite() || t.requests_per_second < 0.0 {
        Some("requests_per_second must be 0 (unlimited) or a positive number")
    } else if t.requests_per_second > 0.0 && t.requests_per_second < MIN_REQUESTS_PER_SECOND {
        Some(
            "requests_per_second must be 0 (unlimited) or at least 0.0001 (one request in under 3 hours)",
        )
    } else {
        None
    };
    match problem {
        Some(p) => anyhow::bail!("provider '{name}': {p}"),
        None => Ok(()),
    }
}

/// A response as the service layer sees it: status, content type, `Retry-After`, body text.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header (empty when absent).
    pub content_type: String,
    /// `Retry-After`, in seconds or as an HTTP date, turned into a wait.
    pub retry_after: Option<Duration>,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// `HTTP 502 (text/html)`: how error messages name a response.
    pub fn describe(&self) -> String {
        let ct = if self.content_type.is_empty() {
            "no content type"
        } else {
            self.content_type.as_str()
        };
        format!("HTTP {} ({ct})", self.status)
    }

    /// Whether the body is an HTML page rather than the JSON the API promises.
    pub fn is_html(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        let start = self
            .body
            .trim_start()
            .get(..15)
            .unwrap_or("")
            .to_lowercase();
        ct.contains("html") || start.starts_with("<!doctype html") || start.starts_with("<html")
    }

    /// The body as JSON; an HTML page or malformed JSON is a [`ProviderError::BadResponse`]
    /// naming the status and content type.
    pub fn json(&self) -> Result<serde_json::Value, ProviderError> {
        if self.is_html() {
            return Err(ProviderError::BadResponse(format!(
                "expected JSON, got an HTML page: {}{}",
                self.describe(),
                html_title(&self.body)
                    .map(|t| format!(" titled '{t}'"))
                    .unwrap_or_default()
            )));
        }
        serde_json::from_str(&self.body).map_err(|e| {
            ProviderError::BadResponse(format!(
                "malformed JSON in {}: {e}; body starts '{}'",
                self.describe(),
                snippet(&self.body)
            ))
        })
    }

    /// The body as JSON when it is JSON, else `Null`: for reading a service's error codes, where
    /// a body that is not JSON simply has none.
    pub fn error_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// A short description of an error body for messages: its JSON message when `message`
    /// finds one, else the start of the body.
    pub fn error_text(&self, message: impl Fn(&serde_json::Value) -> Option<String>) -> String {
        let detail = if self.is_html() {
            html_title(&self.body).map(|t| format!("HTML page '{t}'"))
        } else {
            serde_json::from_str(&self.body)
                .ok()
                .and_then(|v| message(&v))
                .map(|m| clean(&m, MAX_DETAIL_CHARS))
                .or_else(|| (!self.body.trim().is_empty()).then(|| snippet(&self.body)))
        };
        match detail {
            Some(d) => format!("{}: {d}", self.describe()),
            None => self.describe(),
        }
    }
}

/// The first 200 characters of a body, on one line, control characters escaped.
pub fn snippet(body: &str) -> String {
    clean(body.trim(), 200)
}

/// Server-provided text made safe for a message, a flag or a terminal: at most `max_chars`
/// characters (then `…`), line breaks and tabs as spaces, other control characters (ESC, BEL…)
/// escaped as `\u{1b}`, so a server can neither flood nor drive the terminal.
pub fn clean(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// The longest service-provided detail kept in an error message, in characters.
pub const MAX_DETAIL_CHARS: usize = 300;

fn html_title(body: &str) -> Option<String> {
    let lower = body.to_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    // `lower` and `body` have the same byte layout only for ASCII; fall back to lower-case text.
    let title = body.get(start..end).unwrap_or(&lower[start..end]);
    Some(snippet(title))
}

/// What a service makes of one reply.
#[derive(Debug)]
pub enum Verdict<T> {
    /// Success.
    Done(T),
    /// A transient failure: retry (after `Retry-After` when given).
    Retry(ProviderError, Option<Duration>),
    /// A failure retrying cannot fix.
    Fail(ProviderError),
}

/// The usual meaning of a non-2xx status, once the service has checked its own special codes:
/// 401/403 auth (never retried), 408/429 and 5xx retried, 413 too large, other 4xx rejected.
pub fn classify_status<T>(reply: &Reply, message: String) -> Verdict<T> {
    match reply.status {
        401 | 403 => Verdict::Fail(ProviderError::Auth(message)),
        429 => Verdict::Retry(ProviderError::RateLimited(message), reply.retry_after),
        408 | 500..=599 => Verdict::Retry(ProviderError::Unavailable(message), reply.retry_after),
        413 | 414 => Verdict::Fail(ProviderError::too_large(message)),
        200..=299 => Verdict::Fail(ProviderError::BadResponse(message)),
        _ if reply.is_html() => Verdict::Fail(ProviderError::BadResponse(message)),
        _ => Verdict::Fail(ProviderError::BadRequest(message)),
    }
}

impl<T> Verdict<T> {
    /// A failure because the response, though 2xx, is not what the API documents.
    pub fn bad_response(what: impl Into<String>) -> Verdict<T> {
        Verdict::Fail(ProviderError::BadResponse(what.into()))
    }
}

/// The shape every service's reply takes: a non-2xx reply goes to `on_error` (the service's own
/// codes, then [`classify_status`]); a 2xx body must be JSON ([`Reply::json`]) before `on_success`
/// reads the translations out of it.
pub fn judge<T>(
    reply: &Reply,
    on_error: impl FnOnce(&Reply) -> Verdict<T>,
    on_success: impl FnOnce(serde_json::Value) -> Verdict<T>,
) -> Verdict<T> {
    if !(200..300).contains(&reply.status) {
        return on_error(reply);
    }
    match reply.json() {
        Ok(value) => on_success(value),
        Err(e) => Verdict::Fail(e),
    }
}

/// Reads every element of a response array with `item`; one element it cannot read fails the
/// whole reply as `incomplete` (a [`ProviderError::BadResponse`]): nothing is skipped or shifted.
pub fn each_item<T>(
    items: &[serde_json::Value],
    item: impl Fn(&serde_json::Value) -> Option<T>,
    incomplete: &str,
) -> Verdict<Vec<T>> {
    match items.iter().map(item).collect::<Option<Vec<T>>>() {
        Some(parsed) => Verdict::Done(parsed),
        None => Verdict::bad_response(incomplete),
    }
}

/// Counters shared by the tasks using one provider.
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    billed_chars: AtomicU64,
}

/// The most bytes of a successful body read (a translation reply is a few hundred KiB at most).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The most bytes of an error body read: enough for any JSON error, the rest is never copied.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The longest message a [`ProviderError`] leaving [`Http::call`] may have, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// One provider's HTTP client: connection pool, limiter, retry policy, counters and key.
pub struct Http {
    client: reqwest::Client,
    transport: Transport,
    limiter: Limiter,
    counters: Counters,
    secret: Option<Secret>,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("transport", &self.transport)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// One failed attempt, as the retry loop sees it.
struct Failure {
    error: ProviderError,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Http {
    /// A client for one provider (no runtime needed: the pool starts with the first request).
    pub fn new(transport: Transport, secret: Option<Secret>) -> Http {
        let client = reqwest::Client::builder()
            .user_agent(concat!("tarjama/", env!("CARGO_PKG_VERSION")))
            .timeout(transport.timeout)
            .connect_timeout(transport.timeout)
            .pool_max_idle_per_host(transport.concurrency.max(1) * 2)
            .build()
            // Building fails only when TLS cannot initialise; a client without the pool's
            // settings still works (and fails clearly on its first request).
            .unwrap_or_else(|_| reqwest::Client::new());
        Http {
            client,
            limiter: Limiter::new(
                transport.requests_per_second,
                transport.characters_per_minute,
            ),
            transport,
            counters: Counters::default(),
            secret,
        }
    }

    /// A client for the provider `name`, once [`validate`] accepts its transport settings.
    pub fn checked(name: &str, transport: Transport, key: Option<Secret>) -> anyhow::Result<Http> {
        validate(name, &transport)?;
        Ok(Http::new(transport, key))
    }

    /// [`Http::checked`] for a service (`kind`) that cannot work without a key: a missing key
    /// is refused first, naming the setting.
    pub fn checked_with_key(
        name: &str,
        kind: &str,
        transport: Transport,
        key: Option<Secret>,
    ) -> anyhow::Result<Http> {
        let key = super::require_key(name, kind, key)?;
        Http::checked(name, transport, Some(key))
    }

    /// The key, if the service has one.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// The transport settings.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The shared rate limiter (for its adaptive rate).
    pub fn limiter(&self) -> &Limiter {
        &self.limiter
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            retries: self.counters.retries.load(Ordering::Relaxed),
            billed_chars: self.counters.billed_chars.load(Ordering::Relaxed),
        }
    }

    /// Adds characters the service billed.
    pub fn add_billed(&self, chars: usize) {
        self.counters
            .billed_chars
            .fetch_add(chars as u64, Ordering::Relaxed);
    }

    /// Sends a request (built by `send` on the pooled client) under the rate limits, reads the
    /// reply, lets `interpret` judge it, and retries transient failures with backoff. `chars` is
    /// the number of source characters the request carries (for the characters-per-minute
    /// limit). Every error message leaving here has the key scrubbed and is at most
    /// [`MAX_MESSAGE_CHARS`] long, control characters escaped. Dropping the future cancels the
    /// request in flight.
    pub async fn call<T>(
        &self,
        chars: usize,
        send: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        interpret: impl Fn(&Reply) -> Verdict<T>,
    ) -> Result<T, ProviderError> {
        let attempts = AtomicU32::new(0);
        let asked_too_long: Mutex<Option<Duration>> = Mutex::new(None);
        let max_backoff = self.transport.max_backoff;
        let policy = ExponentialBuilder::default()
            .with_min_delay(self.transport.backoff_base)
            .with_max_delay(max_backoff)
            .with_factor(2.0)
            .with_max_times(self.transport.max_retries as usize);
        let attempt = || async {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(chars, &send, &interpret).await
        };
        let result = attempt
            .retry(policy)
            .sleep(tokio::time::sleep)
            .when(|f: &Failure| f.retry)
            .adjust(|f: &Failure, computed: Option<Duration>| {
                // No retries left: give up whatever the service asked.
                computed?;
                match f.retry_after {
                    Some(asked) if asked > max_backoff => {
                        *asked_too_long.lock().unwrap_or_else(|e| e.into_inner()) = Some(asked);
                        None
                    }
                    Some(asked) => {
                        if let Some(until) = Instant::now().checked_add(asked) {
                            self.limiter.pause_until(until);
                        }
                        Some(asked)
                    }
                    // Full jitter (uniform in [0, delay]), as AWS recommends: retries of many
                    // tasks spread out instead of coming back together. backon's own jitter
                    // only adds up to one delay more.
                    None => computed.map(|d| d.min(max_backoff).mul_f64(fastrand::f64())),
                }
            })
            .notify(|_, _| {
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
            })
            .await;
        let failure = match result {
            Ok(value) => return Ok(value),
            Err(failure) => failure,
        };
        let attempts = attempts.load(Ordering::Relaxed);
        let asked = *asked_too_long.lock().unwrap_or_else(|e| e.into_inner());
        let error = match (failure.retry, asked) {
            (true, Some(asked)) => failure.error.map_message(|m| {
                format!(
                    "{m} (the service asked to wait {}, more than max_backoff {})",
                    describe_wait(asked),
                    humantime::format_duration(max_backoff)
                )
            }),
            (true, None) => failure
                .error
                .map_message(|m| format!("{m} (gave up after {attempts} attempts)")),
            (false, _) => failure.error,
        };
        Err(self.scrub(error))
    }

    /// One attempt: wait for the limiter, send, read, judge.
    async fn attempt<T>(
        &self,
        chars: usize,
        send: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        interpret: &impl Fn(&Reply) -> Verdict<T>,
    ) -> Result<T, Failure> {
        self.limiter.acquire(chars).await;
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let verdict = match send(&self.client).send().await {
            Ok(response) => match read_reply(response).await {
                Ok(reply) => {
                    let throttled = matches!(reply.status, 429 | 503);
                    let verdict = interpret(&reply);
                    if throttled {
                        self.limiter.throttled();
                    }
                    verdict
                }
                Err(ReadError::Http(e)) => self.transport_verdict(&e),
                Err(ReadError::TooLarge) => Verdict::Fail(ProviderError::BadResponse(format!(
                    "the response is larger than {} MiB",
                    MAX_BODY_BYTES / (1024 * 1024)
                ))),
            },
            Err(e) => self.transport_verdict(&e),
        };
        match verdict {
            Verdict::Done(value) => {
                self.limiter.succeeded();
                Ok(value)
            }
            Verdict::Fail(error) => Err(Failure {
                error,
                retry: false,
                retry_after: None,
            }),
            Verdict::Retry(error, retry_after) => Err(Failure {
                error,
                retry: true,
                retry_after,
            }),
        }
    }

    fn transport_verdict<T>(&self, error: &reqwest::Error) -> Verdict<T> {
        if error.is_timeout() {
            return Verdict::Retry(
                ProviderError::Unavailable(format!(
                    "no complete answer within the {} timeout",
                    humantime::format_duration(self.transport.timeout)
                )),
                None,
            );
        }
        let detail = error_chain(error);
        if error.is_builder() {
            return Verdict::Fail(ProviderError::BadRequest(format!(
                "could not send the request: {detail}"
            )));
        }
        Verdict::Retry(
            ProviderError::Unavailable(format!("connection failed: {detail}")),
            None,
        )
    }

    fn scrub(&self, error: ProviderError) -> ProviderError {
        error.map_message(|m| {
            let m = match &self.secret {
                Some(secret) => secret.scrub(m),
                None => m.to_string(),
            };
            clean(&m, MAX_MESSAGE_CHARS)
        })
    }
}

/// A wait for messages: humantime's form, or "forever" past what a clock can hold.
fn describe_wait(wait: Duration) -> String {
    if wait >= Duration::from_secs(u64::MAX / 2) {
        "practically forever".to_string()
    } else {
        humantime::format_duration(wait).to_string()
    }
}

/// An error and its causes on one line, without the request URL (it may hold a key).
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

enum ReadError {
    Http(reqwest::Error),
    TooLarge,
}

/// Reads status, headers and body (as text, lossily) of a response. A successful body is read
/// up to [`MAX_BODY_BYTES`] (more is an error); an error body only up to
/// [`MAX_ERROR_BODY_BYTES`], and the rest is never downloaded.
async fn read_reply(mut response: reqwest::Response) -> Result<Reply, ReadError> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let status = response.status().as_u16();
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let success = (200..300).contains(&status);
    let limit = if success {
        MAX_BODY_BYTES
    } else {
        MAX_ERROR_BODY_BYTES
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            if success {
                return Err(ReadError::TooLarge);
            }
            bytes.extend_from_slice(&chunk[..room]);
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        content_type,
        retry_after,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// `Retry-After` as delay-seconds (`"2"`, also `"1.5"` as some servers send) or an HTTP date
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`, read by `httpdate`), relative to `now`. A past date
/// means "now"; a number too large for a clock saturates (and then exceeds any `max_backoff`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds >= 0.0 && !seconds.is_nan())
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
