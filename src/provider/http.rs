//! The HTTP layer every service shares: one `ureq` agent per provider with timeouts, a
//! thread-safe rate limiter (requests per second and characters per minute, GCRA), a retry loop
//! (exponential backoff with full jitter, honouring `Retry-After`), error classification into
//! [`ProviderError`], counters, and key redaction. Service files only map requests, responses
//! and language codes.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{ProviderError, Stats};

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

    /// `text` with every occurrence of the key (raw or percent-encoded) replaced.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_string();
        }
        let mut out = text.replace(&self.0, "[redacted]");
        let encoded = percent_encode(&self.0);
        if encoded != self.0 {
            out = out.replace(&encoded, "[redacted]");
        }
        out
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

/// The two [`Translate`](super::Translate) methods a service answers from its `http` field (an
/// [`Http`]) alone: `concurrency`, the transport's, and `stats`, the client's counters. Used
/// inside `impl Translate for …` so that the service file holds only what is its own.
macro_rules! http_client_methods {
    () => {
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
    } else {
        None
    };
    match problem {
        Some(p) => anyhow::bail!("provider '{name}': {p}"),
        None => Ok(()),
    }
}

/// A GCRA ("virtual scheduling") limiter: each reservation of `units` pushes the theoretical
/// arrival time (TAT) by `units × emission`; a reservation may start as soon as the new TAT is
/// at most `tolerance` ahead of the clock, so `tolerance` is the burst budget.
#[derive(Debug)]
struct Gcra {
    emission: Duration,
    tolerance: Duration,
    tat: Mutex<Instant>,
}

impl Gcra {
    fn new(emission: Duration, tolerance: Duration) -> Gcra {
        Gcra {
            emission,
            tolerance,
            tat: Mutex::new(Instant::now()),
        }
    }

    /// Reserves `units` and returns when they may be used.
    fn reserve(&self, units: u64) -> Instant {
        let mut tat = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let cost = self
            .emission
            .saturating_mul(u32::try_from(units).unwrap_or(u32::MAX));
        // Conforming when the new theoretical arrival time is at most `tolerance` ahead.
        let start = (*tat + cost)
            .checked_sub(self.tolerance)
            .map_or(now, |t| t.max(now));
        *tat = (*tat).max(start) + cost;
        start
    }

    /// Nothing may start before `until` (a `Retry-After` applies to every thread).
    fn pause_until(&self, until: Instant) {
        let mut tat = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        let hold = (until + self.tolerance)
            .checked_sub(self.emission)
            .unwrap_or(until);
        *tat = (*tat).max(hold);
    }
}

/// Requests per second and characters per minute, shared by every thread using a provider.
#[derive(Debug)]
pub struct RateLimiter {
    requests: Gcra,
    characters: Option<Gcra>,
}

impl RateLimiter {
    /// A limiter for `requests_per_second` (0 = unlimited, no burst) and
    /// `characters_per_minute` (0 = unlimited; up to one minute's budget may be used at once).
    pub fn new(requests_per_second: f64, characters_per_minute: u64) -> RateLimiter {
        let interval = if requests_per_second > 0.0 {
            Duration::from_secs_f64(1.0 / requests_per_second)
        } else {
            Duration::ZERO
        };
        let characters = (characters_per_minute > 0).then(|| {
            let per_char = Duration::from_secs_f64(60.0 / characters_per_minute as f64);
            Gcra::new(per_char, Duration::from_secs(60))
        });
        RateLimiter {
            // Burst of one request: strictly spaced by `interval`.
            requests: Gcra::new(interval, interval),
            characters,
        }
    }

    /// Blocks until one request carrying `chars` characters may be sent.
    pub fn acquire(&self, chars: usize) {
        let mut start = self.requests.reserve(1);
        if let Some(c) = &self.characters {
            start = start.max(c.reserve(chars as u64));
        }
        let now = Instant::now();
        if start > now {
            std::thread::sleep(start - now);
        }
    }

    /// Holds every later request until `until`.
    pub fn pause_until(&self, until: Instant) {
        self.requests.pause_until(until);
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
                .or_else(|| (!self.body.trim().is_empty()).then(|| snippet(&self.body)))
        };
        match detail {
            Some(d) => format!("{}: {d}", self.describe()),
            None => self.describe(),
        }
    }
}

/// The first 200 characters of a body, on one line.
pub fn snippet(body: &str) -> String {
    let one_line: String = body
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    one_line
}

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

/// Counters shared by the threads using one provider.
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    billed_chars: AtomicU64,
}

/// One provider's HTTP client: agent, limiter, retry policy, counters and key.
pub struct Http {
    agent: ureq::Agent,
    transport: Transport,
    limiter: RateLimiter,
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

impl Http {
    /// A client for one provider.
    pub fn new(transport: Transport, secret: Option<Secret>) -> Http {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(transport.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("tarjama/", env!("CARGO_PKG_VERSION")))
            .max_idle_connections_per_host(transport.concurrency.max(1) * 2)
            .build();
        Http {
            agent: config.into(),
            limiter: RateLimiter::new(
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

    /// Sends a request (built by `send` on the agent) under the rate limit, reads the reply,
    /// lets `interpret` judge it, and retries transient failures with backoff. `chars` is the
    /// number of source characters the request carries (for the characters-per-minute limit).
    /// Every error message leaving here has the key scrubbed.
    pub fn call<T>(
        &self,
        chars: usize,
        send: impl Fn(&ureq::Agent) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        interpret: impl Fn(&Reply) -> Verdict<T>,
    ) -> Result<T, ProviderError> {
        let mut attempt: u32 = 0;
        loop {
            self.limiter.acquire(chars);
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let verdict = match send(&self.agent) {
                Ok(response) => match read_reply(response) {
                    Ok(reply) => interpret(&reply),
                    Err(e) => self.transport_verdict(&e),
                },
                Err(e) => self.transport_verdict(&e),
            };
            let (error, retry_after) = match verdict {
                Verdict::Done(value) => return Ok(value),
                Verdict::Fail(error) => return Err(self.scrub(error)),
                Verdict::Retry(error, retry_after) => (error, retry_after),
            };
            if attempt >= self.transport.max_retries {
                return Err(self
                    .scrub(error)
                    .map_message(|m| format!("{m} (gave up after {} attempts)", attempt + 1)));
            }
            let wait = match retry_after {
                Some(asked) if asked > self.transport.max_backoff => {
                    return Err(self.scrub(error).map_message(|m| {
                        format!(
                            "{m} (the service asked to wait {}, more than max_backoff {})",
                            humantime::format_duration(asked),
                            humantime::format_duration(self.transport.max_backoff)
                        )
                    }));
                }
                Some(asked) => {
                    self.limiter.pause_until(Instant::now() + asked);
                    asked
                }
                None => self.backoff(attempt),
            };
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            attempt += 1;
            std::thread::sleep(wait);
        }
    }

    /// Full jitter: a uniform wait in [0, min(max_backoff, base × 2^attempt)].
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .transport
            .backoff_base
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .min(self.transport.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }

    fn transport_verdict<T>(&self, error: &ureq::Error) -> Verdict<T> {
        let timed_out = match error {
            ureq::Error::Timeout(_) => true,
            ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
            _ => false,
        };
        if timed_out {
            return Verdict::Retry(
                ProviderError::Unavailable(format!(
                    "no complete answer within the {} timeout",
                    humantime::format_duration(self.transport.timeout)
                )),
                None,
            );
        }
        match error {
            ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled => Verdict::Retry(
                ProviderError::Unavailable(format!("connection failed: {error}")),
                None,
            ),
            other => Verdict::Fail(ProviderError::BadRequest(format!(
                "could not send the request: {other}"
            ))),
        }
    }

    fn scrub(&self, error: ProviderError) -> ProviderError {
        match &self.secret {
            Some(secret) => error.map_message(|m| secret.scrub(m)),
            None => error,
        }
    }
}

/// Reads status, headers and body (as text, lossily) of a response.
fn read_reply(mut response: ureq::http::Response<ureq::Body>) -> Result<Reply, ureq::Error> {
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
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()?;
    Ok(Reply {
        status,
        content_type,
        retry_after,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// `Retry-After` as delay-seconds (`"2"`, also `"1.5"` as some servers send) or an HTTP date
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`), relative to `now`. A past date means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (RFC 9110 §5.6.7), the only HTTP date form servers may send today.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u32 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u32
        + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn civil_days_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 29), 20_786);
    }

    #[test]
    fn request_limiter_spaces_requests() {
        let limiter = RateLimiter::new(100.0, 0);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire(0);
        }
        // 11 requests at 100/s: the 11th starts 100 ms after the first.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(95), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");
    }

    #[test]
    fn character_limiter_allows_a_minute_burst_then_waits() {
        let gcra = Gcra::new(Duration::from_millis(1), Duration::from_millis(100));
        let now = Instant::now();
        assert!(gcra.reserve(100) <= now + Duration::from_millis(5));
        // The budget is spent: 50 more units are earned back after 50 ms.
        let next = gcra.reserve(50);
        assert!(next >= now + Duration::from_millis(45), "{:?}", next - now);
        assert!(next <= now + Duration::from_millis(60), "{:?}", next - now);
    }

    #[test]
    fn pause_holds_later_requests() {
        let limiter = RateLimiter::new(0.0, 0);
        limiter.pause_until(Instant::now() + Duration::from_millis(60));
        let start = Instant::now();
        limiter.acquire(10);
        assert!(start.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn secrets_are_scrubbed_raw_and_encoded() {
        let s = Secret::new("abc:fx".into());
        assert_eq!(
            s.scrub("key abc:fx and abc%3Afx"),
            "key [redacted] and [redacted]"
        );
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
    }

    #[test]
    fn html_and_malformed_json_are_bad_responses() {
        let html = Reply {
            status: 200,
            content_type: "text/html".into(),
            retry_after: None,
            body: "<html><head><title>Gateway</title></head></html>".into(),
        };
        let err = html.json().unwrap_err().to_string();
        assert!(
            err.contains("HTTP 200 (text/html)") && err.contains("Gateway"),
            "{err}"
        );
        let broken = Reply {
            content_type: "application/json".into(),
            body: "{\"a\":".into(),
            ..html
        };
        assert!(matches!(broken.json(), Err(ProviderError::BadResponse(_))));
    }

    #[test]
    fn judge_routes_by_status_and_each_item_fails_whole() {
        let reply = |status: u16, body: &str| Reply {
            status,
            content_type: "application/json".into(),
            retry_after: None,
            body: body.into(),
        };
        let read = |v: serde_json::Value| {
            each_item(
                v.as_array().map_or(&[][..], Vec::as_slice),
                |x| x.as_str().map(str::to_string),
                "not text",
            )
        };
        let refused = |_: &Reply| Verdict::Fail(ProviderError::Auth("no".into()));
        assert!(matches!(
            judge(&reply(200, "[\"a\",\"b\"]"), refused, read),
            Verdict::Done(v) if v == ["a", "b"]
        ));
        assert!(matches!(
            judge(&reply(200, "[\"a\",1]"), refused, read),
            Verdict::Fail(ProviderError::BadResponse(m)) if m == "not text"
        ));
        assert!(matches!(
            judge(&reply(200, "[\"a\""), refused, read),
            Verdict::Fail(ProviderError::BadResponse(m)) if m.contains("malformed JSON")
        ));
        assert!(matches!(
            judge(&reply(403, "[\"a\"]"), refused, read),
            Verdict::Fail(ProviderError::Auth(_))
        ));
    }

    #[test]
    fn transport_limits_treat_zero_as_unlimited_and_set_aside_reserved_bytes() {
        let t = Transport {
            max_texts: 3,
            max_text_bytes: 0,
            max_request_bytes: 1000,
            ..Transport::standard()
        };
        let l = t.limits(200, super::super::Encoding::Json);
        assert_eq!(
            (l.max_texts, l.max_text_bytes, l.max_request_bytes),
            (3, None, Some(800))
        );
        let unlimited = Transport {
            max_request_bytes: 0,
            ..t
        };
        assert_eq!(
            unlimited
                .limits(200, super::super::Encoding::Query)
                .max_request_bytes,
            None
        );
    }

    #[test]
    fn backoff_is_capped_full_jitter() {
        let t = Transport {
            backoff_base: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            ..Transport::standard()
        };
        let http = Http::new(t, None);
        for attempt in 0..30 {
            let wait = http.backoff(attempt);
            let cap = Duration::from_millis(10 << attempt.min(3)).min(Duration::from_millis(50));
            assert!(wait <= cap, "attempt {attempt}: {wait:?} > {cap:?}");
        }
    }
}
