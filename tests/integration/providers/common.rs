//! Shared fixtures and fault scenarios run against every provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tarjama::lang::Lang;
use tarjama::provider::{Batch, Provider, ProviderError, ProviderSettings, Translate, Translated};

use crate::mock_http::{MockServer, Reply, Request};

/// The key planted in every test: it must never show up in an error or a `Debug` output.
pub const KEY: &str = "PLANTED-k3y-5e7c2a91:fx";

/// Fast transport settings: millisecond backoff, no rate limit, short timeout.
pub const FAST: &str = "backoff_base = \"10ms\"\nmax_backoff = \"3s\"\nmax_retries = 2\n\
                        requests_per_second = 0.0\ntimeout = \"3s\"\n";

/// Arabic sentences used as input.
pub fn arabic(n: usize) -> Vec<String> {
    let base = [
        "ذهب الولد إلى المدرسة.",
        "ثم عاد إلى البيت.",
        "قال \"مرحبا\" وابتسم.",
        "بلغ عدد السكان ٣٫٥ مليون نسمة.",
    ];
    (0..n).map(|i| base[i % base.len()].to_string()).collect()
}

/// The fake translation the mock servers return for a source text.
pub fn fake(source: &str) -> String {
    format!("EN<{source}>")
}

/// Parses a provider table, with the server URL as `base_url` when `base` is given.
pub fn settings(kind: &str, base: Option<&str>, extra: &str) -> ProviderSettings {
    let mut text = format!("kind = \"{kind}\"\n");
    if let Some(base) = base {
        text.push_str(&format!("base_url = \"{base}\"\n"));
    }
    text.push_str(extra);
    toml::from_str(&text).unwrap_or_else(|e| panic!("settings {text}: {e}"))
}

/// Builds a provider whose key variable `TEST_KEY` holds [`KEY`].
pub fn build(settings: &ProviderSettings) -> Provider {
    Provider::from_settings_with_env("test", settings, &|var| {
        (var == "TEST_KEY").then(|| KEY.to_string())
    })
    .unwrap_or_else(|e| panic!("{e:#}"))
}

/// Arabic → English.
pub fn langs() -> (Lang, Lang) {
    (Lang::parse("ar").unwrap(), Lang::parse("en").unwrap())
}

/// Translates `texts` ar → en.
pub fn translate(
    provider: &Provider,
    texts: &[String],
) -> Result<Vec<Result<Translated, String>>, ProviderError> {
    let (from, to) = langs();
    block_on(provider.translate(Batch {
        texts,
        from: &from,
        to: &to,
        context: None,
    }))
}

/// Translates `texts` ar → en, on the caller's runtime.
pub async fn translate_async(
    provider: &Provider,
    texts: &[String],
) -> Result<Vec<Result<Translated, String>>, ProviderError> {
    let (from, to) = langs();
    provider
        .translate(Batch {
            texts,
            from: &from,
            to: &to,
            context: None,
        })
        .await
}

/// Runs a future on the tests' shared multi-threaded runtime (as the binary's `main` builds
/// one); several threads may block on it at once.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime")
        })
        .block_on(future)
}

/// A handler that answers the n-th request with `faults[n]`, then with `then` for the rest.
pub fn sequence(
    faults: Vec<Reply>,
    then: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let count = Arc::new(AtomicUsize::new(0));
    move |request| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        match faults.get(n) {
            Some(reply) => reply.clone(),
            None => then(request),
        }
    }
}

/// A request's query parameters, in order, as `(name, value)` pairs.
pub fn query_pairs(request: &Request) -> Vec<(&str, &str)> {
    request
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Asserts that neither the error's Display nor its Debug reveals the key.
pub fn assert_no_key(error: &ProviderError) {
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(KEY), "key leaked: {shown}");
        assert!(!shown.contains("5e7c2a91"), "key part leaked: {shown}");
    }
}

/// Declares, in a provider's test module, one `#[test]` per fault scenario every service must
/// pass (429 with `Retry-After`, 5xx then success, persistent 5xx, timeout, malformed JSON and
/// HTML pages, key hidden in `Debug`), each run through [`Case`]. With `short_reply`, also the
/// wrong-count scenario: that reply (2xx, fewer translations than the 3 texts sent) must fail
/// the whole batch. The provider's file keeps only its request checks and its own errors.
macro_rules! fault_scenarios {
    ($case:expr) => {
        #[test]
        fn honours_retry_after() {
            $case.check_retry_after();
        }

        #[test]
        fn retries_server_errors() {
            $case.check_server_error_then_success();
            $case.check_gives_up();
        }

        #[test]
        fn times_out() {
            $case.check_timeout();
        }

        #[test]
        fn rejects_malformed_json_and_html() {
            $case.check_unusable_bodies();
        }

        #[test]
        fn debug_output_never_shows_the_key() {
            $case.check_debug_redacted();
        }
    };
    ($case:expr, short_reply: $reply:expr) => {
        $crate::providers::common::fault_scenarios!($case);

        #[test]
        fn wrong_count_fails_the_batch() {
            $case.check_wrong_count($reply);
        }
    };
}
pub(crate) use fault_scenarios;

/// How a provider is exercised by the generic fault scenarios.
pub struct Case {
    /// `kind` tag.
    pub kind: &'static str,
    /// Extra settings (key variable etc.) besides `base_url` and [`FAST`].
    pub extra: &'static str,
    /// Answers a request as the service would, translating every text with [`fake`].
    pub success: fn(&Request) -> Reply,
    /// The service's rate-limit reply (HTTP 429).
    pub rate_limited: fn() -> Reply,
}

impl Case {
    /// A provider talking to `server`, with extra settings appended.
    pub fn provider(&self, server: &MockServer, more: &str) -> Provider {
        // Settings in `more` replace the same keys of `extra` and FAST (TOML forbids duplicate keys).
        let overridden: Vec<&str> = more
            .lines()
            .filter_map(|l| l.split('=').next())
            .map(str::trim)
            .collect();
        let base: String = format!("{}{FAST}", self.extra)
            .lines()
            .filter(|l| !overridden.contains(&l.split('=').next().unwrap_or("").trim()))
            .map(|l| format!("{l}\n"))
            .collect();
        build(&settings(
            self.kind,
            Some(&server.url()),
            &format!("{base}{more}"),
        ))
    }

    /// The success path: every text translated, one request.
    pub fn check_success(&self, n: usize) -> Vec<Request> {
        let server = MockServer::start(self.success);
        let provider = self.provider(&server, "");
        let texts = arabic(n);
        let results = translate(&provider, &texts).expect("translate");
        let got: Vec<String> = results.into_iter().map(|r| r.unwrap().text).collect();
        let want: Vec<String> = texts.iter().map(|t| fake(t)).collect();
        assert_eq!(got, want);
        let stats = provider.stats();
        assert_eq!(stats.retries, 0);
        assert_eq!(
            stats.billed_chars as usize,
            texts.iter().map(|t| t.chars().count()).sum::<usize>()
        );
        server.requests()
    }

    /// A batch exactly at `max_texts` goes out in one request and comes back whole.
    pub fn check_batch_at_limit(&self, max_texts: usize) {
        let server = MockServer::start(self.success);
        let provider = self.provider(&server, &format!("max_texts = {max_texts}\n"));
        let limits = provider.limits();
        assert_eq!(limits.max_texts, max_texts);
        let texts = arabic(max_texts);
        assert!(limits.batch_fits(&texts));
        assert!(!limits.batch_fits(&arabic(max_texts + 1)));
        let results = translate(&provider, &texts).expect("translate");
        assert_eq!(results.len(), max_texts);
        assert!(results.iter().all(|r| r.is_ok()));
        let sent = server.requests().len();
        assert_eq!(
            sent,
            if self.kind == "mymemory" {
                max_texts
            } else {
                1
            }
        );
        // One text more is refused before any request.
        let err = translate(&provider, &arabic(max_texts + 1)).unwrap_err();
        assert!(err.is_too_large(), "{err:?}");
        assert_eq!(server.requests().len(), sent);
    }

    /// 429 with `Retry-After: 1`, then success: exactly one retry, after at least a second.
    pub fn check_retry_after(&self) {
        let reply = (self.rate_limited)().header("Retry-After", "1");
        let server = MockServer::start(sequence(vec![reply], self.success));
        let provider = self.provider(&server, "");
        let start = Instant::now();
        let results = translate(&provider, &arabic(1)).expect("translate after retry");
        let elapsed = start.elapsed();
        assert_eq!(results.len(), 1);
        assert!(
            elapsed >= Duration::from_millis(990),
            "waited only {elapsed:?}"
        );
        assert!(elapsed < Duration::from_secs(3), "waited {elapsed:?}");
        assert_eq!(server.requests().len(), 2);
        assert_eq!(provider.stats().retries, 1);
        assert_eq!(provider.stats().requests, 2);
    }

    /// 500 then 503 then success: retried with backoff.
    pub fn check_server_error_then_success(&self) {
        let faults = vec![
            crate::mock_http::Response::json(500, &serde_json::json!({"error": "boom"})),
            crate::mock_http::Response::with_body(
                503,
                "text/html",
                "<html><title>503 Service Unavailable</title></html>",
            ),
        ];
        let server = MockServer::start(sequence(faults, self.success));
        let provider = self.provider(&server, "");
        let results = translate(&provider, &arabic(1)).expect("translate after 5xx");
        assert_eq!(results[0].as_ref().unwrap().text, fake(&arabic(1)[0]));
        assert_eq!(server.requests().len(), 3);
        assert_eq!(provider.stats().retries, 2);
    }

    /// Persistent 500s: given up after max_retries + 1 attempts, as Unavailable.
    pub fn check_gives_up(&self) {
        let server = MockServer::start(|_| {
            crate::mock_http::Response::json(500, &serde_json::json!({"error": "boom"}))
        });
        let provider = self.provider(&server, "max_retries = 1\n");
        let err = translate(&provider, &arabic(1)).unwrap_err();
        assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");
        assert_eq!(server.requests().len(), 2);
    }

    /// A server that never answers: a timeout per attempt, then Unavailable.
    pub fn check_timeout(&self) {
        let server = MockServer::start(|_| Reply::Hang(Duration::from_secs(3)));
        let provider = self.provider(&server, "timeout = \"200ms\"\nmax_retries = 1\n");
        let start = Instant::now();
        let err = translate(&provider, &arabic(1)).unwrap_err();
        assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");
        assert!(err.to_string().contains("200ms"), "{err}");
        assert!(start.elapsed() < Duration::from_millis(2500));
        assert_eq!(server.requests().len(), 2);
    }

    /// A 2xx answer that is not JSON / is an HTML page: BadResponse, not retried.
    pub fn check_unusable_bodies(&self) {
        for (content_type, body, expect) in [
            ("application/json", "{\"translations\": [", "malformed JSON"),
            (
                "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>Login required</title></head></html>",
                "HTTP 200 (text/html; charset=utf-8)",
            ),
        ] {
            let server = MockServer::start(move |_| {
                crate::mock_http::Response::with_body(200, content_type, body)
            });
            let provider = self.provider(&server, "");
            let err = translate(&provider, &arabic(2)).unwrap_err();
            assert!(matches!(err, ProviderError::BadResponse(_)), "{err:?}");
            assert!(err.to_string().contains(expect), "{err}");
            assert_eq!(server.requests().len(), 1, "not retried");
        }
    }

    /// A reply the service sends for a failure that must not be retried (auth, quota):
    /// the expected class, exactly one request, no key in the message.
    pub fn check_not_retried(&self, reply: Reply, is_expected: fn(&ProviderError) -> bool) {
        let server = MockServer::start(move |_| reply.clone());
        let provider = self.provider(&server, "");
        let err = translate(&provider, &arabic(2)).unwrap_err();
        assert!(is_expected(&err), "{err:?}");
        assert!(err.is_fatal() || !matches!(err, ProviderError::Auth(_) | ProviderError::Quota(_)));
        assert_eq!(server.requests().len(), 1, "must not be retried");
        assert_eq!(provider.stats().retries, 0);
        assert_no_key(&err);
    }

    /// A reply with the wrong number of translations: the whole batch fails, nothing shifted.
    pub fn check_wrong_count(&self, reply: Reply) {
        let server = MockServer::start(move |_| reply.clone());
        let provider = self.provider(&server, "");
        let err = translate(&provider, &arabic(3)).unwrap_err();
        assert!(matches!(err, ProviderError::BadResponse(_)), "{err:?}");
        assert!(err.to_string().contains("3 texts"), "{err}");
        assert_eq!(server.requests().len(), 1);
    }

    /// A reply whose translations do not match the ids/count sent: whole batch rejected.
    pub fn check_wrong_count_or_ids(&self, reply: Reply) {
        let server = MockServer::start(move |_| reply.clone());
        let provider = self.provider(&server, "");
        let err = translate(&provider, &arabic(3)).unwrap_err();
        assert!(matches!(err, ProviderError::BadResponse(_)), "{err:?}");
        assert_eq!(server.requests().len(), 1);
    }

    /// The provider's Debug output never shows the key.
    pub fn check_debug_redacted(&self) {
        let server = MockServer::start(self.success);
        let provider = self.provider(&server, "");
        let shown = format!("{provider:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }
}
