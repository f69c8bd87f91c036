//! Benchmark: the translation engine against local DeepL-protocol servers (`POST /v2/translate`,
//! JSON in and out, on 127.0.0.1), four scenarios:
//!
//! 1. **faults**: 50 ms latency, no documented limit, every 10th request answered 429 or 503;
//!    800 sentences (batches of 50) through tarjama, then through the official DeepL Python
//!    client (`deepl` on PyPI, `benches/deepl_client.py`: batches of 50, one after another) on
//!    the same server in the same run. Goal: tarjama finishes first.
//! 2. **server limit**: the server admits 20 requests/s (token bucket, 429 beyond it, no
//!    `Retry-After`), the client is configured with no limit (the adaptive rate finds it); 300
//!    single-text requests. Goals: ≥ 90 % of 20/s admitted, no text lost or paid twice.
//! 3. **latency**: 200 ms latency, 1,000 single-text requests, 20 in flight. Goal: throughput
//!    within 10 % of concurrency / latency (100 requests/s).
//! 4. **cached re-run** of scenario 3. Goal: < 1 % of the first run.
//!
//! `cargo bench --bench translate [-- --quick] [-- --memory-only]`. The DeepL client is installed
//! with `python3 -m venv target/deepl-venv && target/deepl-venv/bin/pip install deepl` when that
//! venv is missing (scenario 1's comparison is skipped, with a note, if it cannot be).
//! Sentences: PUD Arabic (`corpora/eval/ud_arabic_pud/sentences.tsv`).

#[path = "../tests/integration/mock_http.rs"]
mod mock_http;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mock_http::{MockServer, Reply, Request, Response};
use serde_json::{Value, json};
use tarjama::config::{ConfigOrigin, parse};
use tarjama::provider::Provider;
use tarjama::translate::{Element, Outcome, RunOptions, Translator};

/// How the DeepL stand-in behaves.
#[derive(Clone, Copy)]
struct Behaviour {
    latency: Duration,
    /// Every n-th request fails (alternately 429 and 503); 0 = never.
    fail_every: u64,
    /// Token-bucket limit in requests per second (capacity one second's worth); 0 = none.
    limit: f64,
}

/// What the server saw and did.
#[derive(Default)]
struct Ledger {
    tokens: f64,
    last: Option<Instant>,
    first: Option<Instant>,
    finished: Option<Instant>,
    requests: u64,
    rate_limited: u64,
    injected: u64,
    /// Successful answers per source text (more than one = paid twice).
    answered: HashMap<String, u64>,
}

impl Ledger {
    fn admit(&mut self, now: Instant, limit: f64) -> bool {
        if limit <= 0.0 {
            return true;
        }
        let elapsed = self
            .last
            .map_or(limit, |l| now.duration_since(l).as_secs_f64() * limit);
        self.tokens = (self.tokens + elapsed).min(limit);
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A DeepL v2 stand-in: `{"translations":[{"text":"EN<…>","detected_source_language":"AR"}]}`.
fn deepl_server(b: Behaviour, ledger: Arc<Mutex<Ledger>>) -> MockServer {
    MockServer::start(move |req: &Request| {
        let now = Instant::now();
        let mut l = ledger.lock().unwrap();
        l.requests += 1;
        l.first.get_or_insert(now);
        if req.path != "/v2/translate" || req.method != "POST" {
            return Response::json(404, &json!({"message": "Not found"}));
        }
        if !l.admit(now, b.limit) {
            l.rate_limited += 1;
            return Response::json(429, &json!({"message": "Too many requests"})).delay(b.latency);
        }
        if b.fail_every > 0 && l.requests.is_multiple_of(b.fail_every) {
            l.injected += 1;
            let status = if l.injected % 2 == 1 { 429 } else { 503 };
            return Response::json(status, &json!({"message": "Please try again later"}))
                .delay(b.latency);
        }
        let texts: Vec<String> = match &req.json()["text"] {
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => {
                return Response::json(400, &json!({"message": "Parameter 'text' not specified."}));
            }
        };
        for t in &texts {
            *l.answered.entry(t.clone()).or_default() += 1;
        }
        l.finished = Some(now + b.latency);
        let out: Vec<Value> = texts
            .iter()
            .map(|t| json!({"text": format!("EN<{t}>"), "detected_source_language": "AR", "billed_characters": t.chars().count()}))
            .collect();
        Reply::Respond(mock_http::Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&json!({ "translations": out })).unwrap(),
            delay: b.latency,
        })
    })
}

/// A translator whose chain is one DeepL provider on `url` (key from a lookup: no env change).
fn deepl_translator(
    url: &str,
    cache: &Path,
    provider_extra: &str,
    concurrency: usize,
) -> Translator {
    let config = format!(
        "[translate]\nfrom = \"ar\"\nto = \"en\"\nunit = \"sentence\"\nchain = [\"deepl\"]\ncache = \"{}\"\nconcurrency = {concurrency}\n\n\
         [providers.deepl]\nkind = \"deepl\"\nbase_url = \"{url}\"\napi_key_env = \"BENCH_KEY\"\nsend_context = false\n{provider_extra}\n",
        cache.display()
    );
    let settings = parse(&config, ConfigOrigin::BuiltIn).expect("bench config");
    let provider = Provider::from_settings_with_env("deepl", &settings.providers["deepl"], &|_| {
        Some("bench-key:fx".into())
    })
    .expect("deepl provider");
    let cache = tarjama::cache::Cache::open(cache).expect("cache");
    Translator::new(
        settings,
        vec![Element::Service {
            name: "deepl".into(),
            provider: Box::new(provider),
        }],
        Some(cache),
    )
}

/// One sentence per paragraph: units are exactly the sentences whatever the segmenter does.
fn article(sentences: &[String]) -> String {
    sentences.join("\n\n")
}

fn run(runtime: &tokio::runtime::Runtime, t: &Translator, text: &str) -> (Outcome, Duration) {
    let started = Instant::now();
    let outcome = runtime
        .block_on(t.translate_document(text, &RunOptions::default()))
        .expect("translation run");
    (outcome, started.elapsed())
}

/// Beads whose target is not `EN<source>` (lost, shifted or missing).
fn misplaced(outcome: &Outcome) -> usize {
    let b = &outcome.bitext;
    b.beads
        .iter()
        .filter(|bead| {
            let source = b.text_of(tarjama::bitext::Side::Source, &bead.source);
            let target = b.text_of(tarjama::bitext::Side::Target, &bead.target);
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            squeeze(&target) != squeeze(&format!("EN<{source}>"))
        })
        .count()
}

/// The venv's Python with `deepl` installed (creating it under target/ when missing).
fn deepl_python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let venv = target.join("deepl-venv");
    let python = venv.join("bin/python");
    let has_deepl = |p: &Path| {
        std::process::Command::new(p)
            .args(["-c", "import deepl"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has_deepl(&python) {
        return Some(python);
    }
    eprintln!(
        "installing the DeepL Python client into {} …",
        venv.display()
    );
    let ok = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && std::process::Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "deepl"])
            .status()
            .is_ok_and(|s| s.success());
    (ok && has_deepl(&python)).then_some(python)
}

fn scenario_faults(runtime: &tokio::runtime::Runtime, dir: &Path, sentences: &[String]) {
    let behaviour = Behaviour {
        latency: Duration::from_millis(50),
        fail_every: 10,
        limit: 0.0,
    };
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = deepl_server(behaviour, Arc::clone(&ledger));
    let t = deepl_translator(&server.url(), &dir.join("faults.sqlite"), "", 8);
    let (outcome, ours) = run(runtime, &t, &article(sentences));
    let (requests, injected) = {
        let l = ledger.lock().unwrap();
        (l.requests, l.injected)
    };
    println!(
        "## 1. faults: 50 ms latency, no limit, every 10th request 429/503, {} sentences, batches of 50",
        sentences.len()
    );
    println!("| client | time | requests | retries | lost |");
    println!("|---|---|---|---|---|");
    println!(
        "| tarjama (5 requests in flight, adaptive rate) | {:.2} s | {requests} ({injected} failed) | {} | {} |",
        ours.as_secs_f64(),
        outcome.summary.retries,
        misplaced(&outcome)
    );
    let Some(python) = deepl_python() else {
        println!(
            "| deepl-python | not run: `python3 -m venv` or `pip install deepl` failed | | | |"
        );
        return;
    };
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = deepl_server(behaviour, Arc::clone(&ledger));
    let file = dir.join("sentences.txt");
    std::fs::write(&file, sentences.join("\n")).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/deepl_client.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(server.url())
        .arg(&file)
        .output()
        .expect("run deepl_client.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut fields = stdout.split_whitespace();
    let theirs: Option<f64> = fields.next().and_then(|v| v.parse().ok());
    let l = ledger.lock().unwrap();
    match theirs {
        Some(seconds) => {
            let version = std::process::Command::new(&python)
                .args(["-c", "import deepl; print(deepl.__version__)"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default();
            println!(
                "| deepl-python {version} (sequential, its own retries) | {seconds:.2} s | {} ({} failed) | {} | {} |",
                l.requests,
                l.injected,
                l.injected,
                sentences.len()
                    - fields
                        .next()
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0)
            );
            println!(
                "\ntarjama / deepl-python: {:.2}× the time (goal < 1)",
                ours.as_secs_f64() / seconds
            );
        }
        None => println!(
            "| deepl-python | failed: {} | | | |",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
    }
}

fn scenario_server_limit(runtime: &tokio::runtime::Runtime, dir: &Path, sentences: &[String]) {
    let behaviour = Behaviour {
        latency: Duration::from_millis(50),
        fail_every: 0,
        limit: 20.0,
    };
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = deepl_server(behaviour, Arc::clone(&ledger));
    let t = deepl_translator(
        &server.url(),
        &dir.join("limit.sqlite"),
        "max_texts = 1\nmax_retries = 20\nbackoff_base = \"200ms\"\nmax_backoff = \"2s\"",
        8,
    );
    let (outcome, elapsed) = run(runtime, &t, &article(sentences));
    let l = ledger.lock().unwrap();
    let admitted = l.requests - l.rate_limited;
    let span = l
        .finished
        .zip(l.first)
        .map_or(elapsed, |(end, start)| end.duration_since(start));
    let rate = admitted as f64 / span.as_secs_f64();
    let twice = l.answered.values().filter(|&&c| c > 1).count();
    println!(
        "\n## 2. server limit: 20 requests/s (429 beyond, no Retry-After), client configured unlimited, {} single-text requests",
        sentences.len()
    );
    println!("| metric | value | goal |");
    println!("|---|---|---|");
    println!("| time | {:.2} s | |", elapsed.as_secs_f64());
    println!(
        "| requests received / refused (429) | {} / {} | |",
        l.requests, l.rate_limited
    );
    // The bucket starts full: one second's worth is admitted at once, then the limit holds.
    let sustained = (admitted as f64 - behaviour.limit) / span.as_secs_f64();
    println!(
        "| admitted requests/s, sustained (beyond the initial burst of 20) | {sustained:.2} ({:.0} % of the limit) | ≥ 90 % |",
        100.0 * sustained / behaviour.limit
    );
    println!("| admitted requests/s, all | {rate:.2} | |");
    println!(
        "| texts lost or misplaced | {} ({} failed) | 0 |",
        misplaced(&outcome),
        outcome.summary.failed
    );
    println!("| texts paid twice | {twice} | 0 |");
}

fn scenario_latency(runtime: &tokio::runtime::Runtime, dir: &Path, sentences: &[String]) {
    let behaviour = Behaviour {
        latency: Duration::from_millis(200),
        fail_every: 0,
        limit: 0.0,
    };
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = deepl_server(behaviour, Arc::clone(&ledger));
    let concurrency = 20;
    let t = deepl_translator(
        &server.url(),
        &dir.join("latency.sqlite"),
        &format!("max_texts = 1\nconcurrency = {concurrency}"),
        concurrency,
    );
    let text = article(sentences);
    let (outcome, first) = run(runtime, &t, &text);
    let ideal = concurrency as f64 / 0.2;
    let rate = outcome.summary.requests as f64 / first.as_secs_f64();
    println!(
        "\n## 3. latency: 200 ms, {} single-text requests, {concurrency} in flight",
        sentences.len()
    );
    println!("| metric | value | goal |");
    println!("|---|---|---|");
    println!("| time | {:.2} s | |", first.as_secs_f64());
    println!(
        "| requests/s | {rate:.1} ({:.1} % of concurrency/latency = {ideal:.0}) | ≥ 90 % |",
        100.0 * rate / ideal
    );
    println!("| texts lost or misplaced | {} | 0 |", misplaced(&outcome));
    let again = deepl_translator(
        &server.url(),
        &dir.join("latency.sqlite"),
        &format!("max_texts = 1\nconcurrency = {concurrency}"),
        concurrency,
    );
    let (cached, cached_time) = run(runtime, &again, &text);
    println!("\n## 4. fully cached re-run of 3");
    println!("| metric | value | goal |");
    println!("|---|---|---|");
    println!(
        "| time | {:.1} ms ({:.2} % of the first run; {} from cache, {} requests) | < 1 % |",
        cached_time.as_secs_f64() * 1000.0,
        100.0 * cached_time.as_secs_f64() / first.as_secs_f64(),
        cached.summary.from_cache,
        cached.summary.requests
    );
}

/// The PUD treebank's pairs, kept in the repository (corpora/eval/README.md).
const PUD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/corpora/eval/ud_arabic_pud/sentences.tsv"
);

/// (Arabic, English) pairs of the PUD treebank.
fn pairs(n: usize) -> Vec<(String, String)> {
    let path = PUD;
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut fields = l.split('\t').skip(2);
            Some((fields.next()?.to_string(), fields.next()?.to_string()))
        })
        .take(n)
        .collect()
}

fn sentences(n: usize) -> Vec<String> {
    pairs(n).into_iter().map(|(ar, _)| ar).collect()
}

/// Translation-memory lookups: every PUD sentence with one word dropped, against the 1,000 pairs.
fn memory_lookups() {
    let pairs = pairs(1000);
    let memory = tarjama::memory::Memory::from_pairs(pairs.clone(), 0.85);
    let queries: Vec<String> = pairs
        .iter()
        .map(|(ar, _)| {
            let words: Vec<&str> = ar.split(' ').collect();
            let drop = words.len() / 2;
            words
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != drop)
                .map(|(_, w)| *w)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let started = Instant::now();
    let mut right = 0;
    let mut found = 0;
    for (q, (_, en)) in queries.iter().zip(&pairs) {
        if let Some(m) = memory.lookup(q) {
            found += 1;
            right += usize::from(&m.target == en);
        }
    }
    let exact_started = Instant::now();
    let exact = pairs
        .iter()
        .filter(|(ar, _)| memory.lookup(ar).is_some_and(|m| m.score == 1.0))
        .count();
    let exact_time = exact_started.elapsed();
    let fuzzy_time = exact_started - started;
    println!();
    println!(
        "translation memory: {} PUD pairs, threshold 0.85",
        memory.len()
    );
    println!("| lookup | queries | found | correct | time | per lookup |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| exact (the sentences themselves) | {} | {exact} | {exact} | {:.1} ms | {:.1} µs |",
        pairs.len(),
        exact_time.as_secs_f64() * 1e3,
        exact_time.as_secs_f64() * 1e6 / pairs.len() as f64
    );
    println!(
        "| fuzzy (one word dropped) | {} | {found} | {right} | {:.1} ms | {:.1} µs |",
        queries.len(),
        fuzzy_time.as_secs_f64() * 1e3,
        fuzzy_time.as_secs_f64() * 1e6 / queries.len() as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--memory-only") {
        memory_lookups();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let all = sentences(1000);
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let n = |full: usize| if quick { full / 4 } else { full }.min(all.len());
    scenario_faults(&runtime, dir.path(), &all[..n(800)]);
    scenario_server_limit(&runtime, dir.path(), &all[..n(300)]);
    scenario_latency(&runtime, dir.path(), &all[..n(1000)]);
    memory_lookups();
}
