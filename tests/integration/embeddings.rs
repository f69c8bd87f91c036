//! Embeddings providers against real HTTP servers on 127.0.0.1: the exact request of each wire
//! format (OpenAI-compatible `/v1/embeddings`, Ollama `/api/embed`, TEI `/embed`), batch
//! splitting, and how faults are classified, retried and redacted. The same scenarios run for
//! every kind; only the request and reply shapes differ.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tarjama::provider::ProviderError;
use tarjama::provider::embeddings::{self, Embed, InputKind};

use crate::mock_http::{MockServer, Reply, Request, Response};

/// Runs one provider call to completion (the library's calls are async; these tests are not).
fn block<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
        .block_on(future)
}

/// The key planted in every test: it must never show up in an error.
const KEY: &str = "PLANTED-emb-k3y-77aa";

/// Fast transport settings: millisecond backoff, short timeout.
const FAST: &str = "backoff_base = \"10ms\"\nmax_backoff = \"2s\"\nmax_retries = 2\n\
                    requests_per_second = 0.0\ntimeout = \"1s\"\napi_key_env = \"TEST_KEY\"\n";

/// A deterministic 4-dimensional vector for a text (as the server received it).
fn vector_of(text: &str) -> Vec<f32> {
    let len = text.chars().count() as f32;
    let sum: u32 = text.chars().map(|c| c as u32).sum();
    vec![len, (sum % 1000) as f32, 1.0, -0.5]
}

/// One wire format.
#[derive(Clone, Copy)]
struct Kind {
    kind: &'static str,
    /// Path of the endpoint, below the server root.
    path: &'static str,
    /// `base_url` for a server at `root`.
    base: fn(&str) -> String,
    /// The texts a request carries.
    texts: fn(&Value) -> Vec<String>,
    /// A success reply with these vectors.
    reply: fn(Vec<Vec<f32>>) -> Value,
}

const OPENAI: Kind = Kind {
    kind: "openai-embeddings",
    path: "/v1/embeddings",
    base: |root| format!("{root}/v1"),
    texts: |body| strings(&body["input"]),
    reply: |vectors| {
        // answered in reverse order: the client must sort by index
        let mut data: Vec<Value> = vectors
            .into_iter()
            .enumerate()
            .map(|(i, v)| json!({"object": "embedding", "index": i, "embedding": v}))
            .collect();
        data.reverse();
        json!({"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}})
    },
};

const OLLAMA: Kind = Kind {
    kind: "ollama-embeddings",
    path: "/api/embed",
    base: |root| root.to_string(),
    texts: |body| strings(&body["input"]),
    reply: |vectors| json!({"model": "m", "embeddings": vectors}),
};

const TEI: Kind = Kind {
    kind: "tei-embeddings",
    path: "/embed",
    base: |root| root.to_string(),
    texts: |body| strings(&body["inputs"]),
    reply: |vectors| json!(vectors),
};

const KINDS: [Kind; 3] = [OPENAI, OLLAMA, TEI];

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array of texts")
        .iter()
        .map(|t| t.as_str().expect("a string").to_string())
        .collect()
}

impl Kind {
    /// A handler answering like the service, each text's [`vector_of`].
    fn success(self) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
        move |request: &Request| {
            assert_eq!(request.path, self.path, "{}", self.kind);
            let texts = (self.texts)(&request.json());
            Response::json(
                200,
                &(self.reply)(texts.iter().map(|t| vector_of(t)).collect()),
            )
        }
    }

    fn build(self, server: &MockServer, extra: &str) -> Box<dyn Embed> {
        // `extra` overrides the fast defaults key by key
        let fast: String = FAST
            .lines()
            .filter(|l| {
                let key = l.split('=').next().unwrap_or("").trim();
                !extra
                    .lines()
                    .any(|e| e.split('=').next().unwrap_or("").trim() == key)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let text = format!(
            "kind = \"{}\"\nbase_url = \"{}\"\n{fast}{extra}",
            self.kind,
            (self.base)(&server.url())
        );
        let settings = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        embeddings::from_settings_with_env("test", &settings, &|var| {
            (var == "TEST_KEY").then(|| KEY.to_string())
        })
        .unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// The prefix the client adds to a query text by default.
    fn query_prefix(self) -> &'static str {
        if self.kind == "openai-embeddings" {
            ""
        } else {
            "query: "
        }
    }
}

fn texts(n: usize) -> Vec<String> {
    let base = [
        "Der Gletscher schmilzt.",
        "Le glacier fond.",
        "ذهب الولد إلى المدرسة.",
        "Wir stiegen um 5 Uhr auf.",
    ];
    (0..n).map(|i| format!("{} {i}", base[i % 4])).collect()
}

/// A handler answering the n-th request with `faults[n]`, then like `then`.
fn sequence(
    faults: Vec<Reply>,
    then: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let count = Arc::new(AtomicUsize::new(0));
    move |request| match faults.get(count.fetch_add(1, Ordering::SeqCst)) {
        Some(reply) => reply.clone(),
        None => then(request),
    }
}

#[test]
fn each_kind_sends_its_documented_request() {
    for k in KINDS {
        let server = MockServer::start(k.success());
        let provider = k.build(&server, "");
        let sent = texts(3);
        let vectors = block(provider.embed(&sent, InputKind::Query)).unwrap();
        let expected: Vec<Vec<f32>> = sent
            .iter()
            .map(|t| vector_of(&format!("{}{t}", k.query_prefix())))
            .collect();
        assert_eq!(vectors, expected, "{}", k.kind);
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{}", k.kind);
        let r = &requests[0];
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", k.path));
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        let prefixed: Vec<String> = sent
            .iter()
            .map(|t| format!("{}{t}", k.query_prefix()))
            .collect();
        let body = r.json();
        let expected_body = match k.kind {
            "openai-embeddings" => json!({"model": "multilingual-e5-small", "input": prefixed,
                "encoding_format": "float", "input_type": "query"}),
            "ollama-embeddings" => {
                json!({"model": "multilingual-e5-small", "input": prefixed, "truncate": true})
            }
            _ => json!({"inputs": prefixed, "normalize": true, "truncate": true}),
        };
        assert_eq!(body, expected_body, "{}", k.kind);
    }
}

#[test]
fn openai_base64_replies_and_configured_prefixes() {
    let server = MockServer::start(|request: &Request| {
        let body = request.json();
        let data: Vec<Value> = strings(&body["input"])
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let bytes: Vec<u8> = vector_of(t).iter().flat_map(|x| x.to_le_bytes()).collect();
                json!({"index": i, "embedding": base64(&bytes)})
            })
            .collect();
        Response::json(200, &json!({"data": data}))
    });
    let provider = OPENAI.build(
        &server,
        "encoding_format = \"base64\"\ninput_type = \"\"\nquery_prefix = \"query: \"\n",
    );
    let vectors = block(provider.embed(&texts(2), InputKind::Query)).unwrap();
    assert_eq!(vectors[1], vector_of(&format!("query: {}", texts(2)[1])));
    let body = server.requests()[0].json();
    assert_eq!(body["encoding_format"], "base64");
    assert!(body.get("input_type").is_none(), "{body}");
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let mut acc = 0u32;
        for (k, &b) in chunk.iter().enumerate() {
            acc |= u32::from(b) << (16 - 8 * k);
        }
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(acc >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn long_lists_are_split_into_batches_in_order() {
    for k in KINDS {
        let server = MockServer::start(k.success());
        let provider = k.build(&server, "max_texts = 4\n");
        let sent = texts(10);
        let vectors = block(embeddings::embed_all(
            provider.as_ref(),
            &sent,
            InputKind::Query,
        ))
        .unwrap();
        assert_eq!(vectors.len(), 10);
        for (t, v) in sent.iter().zip(&vectors) {
            assert_eq!(
                v,
                &vector_of(&format!("{}{t}", k.query_prefix())),
                "{}",
                k.kind
            );
        }
        let sizes: Vec<usize> = server
            .requests()
            .iter()
            .map(|r| (k.texts)(&r.json()).len())
            .collect();
        assert_eq!(sizes, [4, 4, 2], "{}", k.kind);
        // a single request over the limit is refused before it is sent
        let err = block(provider.embed(&texts(5), InputKind::Query)).unwrap_err();
        assert!(err.is_too_large(), "{err}");
        assert_eq!(server.requests().len(), 3);
    }
}

#[test]
fn wrong_dimension_and_wrong_count_fail_the_batch() {
    for k in KINDS {
        let server = MockServer::start(k.success());
        let provider = k.build(&server, "dimensions = 384\n");
        let err = block(provider.embed(&texts(2), InputKind::Query)).unwrap_err();
        assert!(
            matches!(&err, ProviderError::BadResponse(m) if m.contains("dimension 4") && m.contains("384")),
            "{}: {err}",
            k.kind
        );
        let short = MockServer::start(move |r: &Request| {
            let n = (k.texts)(&r.json()).len();
            Response::json(200, &(k.reply)(vec![vec![0.5; 4]; n - 1]))
        });
        let err = block(k.build(&short, "").embed(&texts(3), InputKind::Query)).unwrap_err();
        assert!(
            matches!(&err, ProviderError::BadResponse(m) if m.contains("sent 3 texts but received 2")),
            "{}: {err}",
            k.kind
        );
        let ragged = MockServer::start(move |_: &Request| {
            Response::json(200, &(k.reply)(vec![vec![0.5; 4], vec![0.5; 3]]))
        });
        let err = block(k.build(&ragged, "").embed(&texts(2), InputKind::Query)).unwrap_err();
        assert!(matches!(err, ProviderError::BadResponse(_)), "{err}");
    }
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    for k in KINDS {
        for fault in [
            Response::json(429, &json!({"error": "slow down"})).header("Retry-After", "0"),
            Response::json(503, &json!({"error": "overloaded"})),
            Reply::Drop,
        ] {
            let server = MockServer::start(sequence(vec![fault.clone()], k.success()));
            let provider = k.build(&server, "");
            let vectors = block(provider.embed(&texts(2), InputKind::Query)).unwrap();
            assert_eq!(vectors.len(), 2);
            assert_eq!(server.requests().len(), 2, "{}", k.kind);
            assert_eq!(provider.stats().retries, 1);
        }
        // still failing after every retry: one error naming the attempts
        let server = MockServer::start(|_: &Request| {
            Response::json(500, &json!({"error": "backend crashed"}))
        });
        let err = block(k.build(&server, "").embed(&texts(1), InputKind::Query)).unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("gave up after 3 attempts")),
            "{}: {err}",
            k.kind
        );
        assert_eq!(server.requests().len(), 3);
    }
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    for k in KINDS {
        let server = MockServer::start(|_: &Request| Reply::Hang(Duration::from_secs(3)));
        let provider = k.build(&server, "max_retries = 0\ntimeout = \"300ms\"\n");
        let started = std::time::Instant::now();
        let err = block(provider.embed(&texts(1), InputKind::Query)).unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("timeout")),
            "{}: {err}",
            k.kind
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}

#[test]
fn an_html_page_is_an_unusable_response() {
    for k in KINDS {
        let page = "<!DOCTYPE html><html><head><title>Captive portal</title></head></html>";
        let server = MockServer::start(move |_: &Request| {
            Response::with_body(200, "text/html; charset=utf-8", page)
        });
        let err = block(k.build(&server, "").embed(&texts(1), InputKind::Query)).unwrap_err();
        assert!(
            matches!(&err, ProviderError::BadResponse(m) if m.contains("HTML") && m.contains("Captive portal")),
            "{}: {err}",
            k.kind
        );
        assert_eq!(server.requests().len(), 1);
    }
}

#[test]
fn auth_failures_are_not_retried_and_never_show_the_key() {
    for k in KINDS {
        for status in [401, 403] {
            let server = MockServer::start(move |_: &Request| {
                Response::json(
                    status,
                    &json!({"error": {"message": format!("Incorrect API key provided: {KEY}")}}),
                )
            });
            let err = block(k.build(&server, "").embed(&texts(1), InputKind::Query)).unwrap_err();
            assert!(matches!(err, ProviderError::Auth(_)), "{}: {err}", k.kind);
            assert!(!err.to_string().contains(KEY), "{err}");
            assert_eq!(server.requests().len(), 1);
        }
    }
}

#[test]
fn translation_kinds_are_not_embedders_and_embedders_do_not_translate() {
    let settings = toml::from_str("kind = \"libretranslate\"\napi_key_env = \"\"\n").unwrap();
    let err = embeddings::from_settings_with_env("lt", &settings, &|_| None)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("openai-embeddings"), "{err}");
    let settings = toml::from_str("kind = \"tei-embeddings\"\n").unwrap();
    let err = tarjama::provider::Provider::from_settings_with_env("tei", &settings, &|_| None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("embeddings service"), "{err}");
}
