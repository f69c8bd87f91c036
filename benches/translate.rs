//! Benchmark: the translation pipeline against a local LibreTranslate stand-in that behaves like
//! a loaded service: 50 ms latency, a 20 requests/s limit (token bucket; 429 + `Retry-After`
//! beyond it) and 10 % injected faults (429 or 5xx). The client is configured for 20 requests/s,
//! one sentence per request, so 1,000 sentences take about 50 s.
//!
//! Reports the achieved request rate against the allowed one (goal ≥ 90 %), lost and duplicated
//! sentences (goal 0: every sentence translated once, in its place, never paid twice), and the
//! time of a fully cached re-run (goal < 1 % of the first run).
//!
//! `cargo bench --bench translate [-- --sentences N] [-- --memory-only]` (default 1000; PUD Arabic sentences from
//! `shared/data/segmentation/ud_arabic_pud/sentences.tsv`, found next to the repository or in
//! `$TARJAMA_SHARED_DATA`).

#[path = "../tests/integration/mock_http.rs"]
mod mock_http;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mock_http::{MockServer, Reply, Request, Response};
use serde_json::{Value, json};
use tarjama::config::{ConfigOrigin, parse};
use tarjama::translate::{RunOptions, Translator};

const ALLOWED_PER_SECOND: f64 = 20.0;
const LATENCY: Duration = Duration::from_millis(50);
const FAULT_RATE: f64 = 0.10;

/// What the server saw and did.
#[derive(Default)]
struct Ledger {
    tokens: f64,
    last: Option<Instant>,
    requests: u64,
    rate_limited: u64,
    injected: u64,
    /// Successful answers per source text (more than one = paid twice).
    answered: HashMap<String, u64>,
}

impl Ledger {
    /// Token bucket: 20 tokens/s, capacity 20 (at most 20 + 20·t requests in any t seconds).
    fn admit(&mut self, now: Instant) -> bool {
        let elapsed = self
            .last
            .map_or(0.0, |l| now.duration_since(l).as_secs_f64());
        self.tokens = (self.tokens + elapsed * ALLOWED_PER_SECOND).min(ALLOWED_PER_SECOND);
        if self.last.is_none() {
            self.tokens = ALLOWED_PER_SECOND;
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn server(ledger: Arc<Mutex<Ledger>>) -> MockServer {
    MockServer::start(move |req: &Request| {
        let mut l = ledger.lock().unwrap();
        l.requests += 1;
        if !l.admit(Instant::now()) {
            l.rate_limited += 1;
            return Response::json(429, &json!({"error": "Slowdown: 20 per 1 second"}))
                .header("Retry-After", "1")
                .delay(LATENCY);
        }
        if fastrand::f64() < FAULT_RATE {
            l.injected += 1;
            return match fastrand::u8(0..3) {
                0 => Response::json(429, &json!({"error": "Too many requests"})).delay(LATENCY),
                1 => Response::json(500, &json!({"error": "Cannot translate text"})).delay(LATENCY),
                _ => Response::with_body(
                    503,
                    "text/html",
                    "<html><body>Service Unavailable</body></html>",
                )
                .delay(LATENCY),
            };
        }
        let q: Vec<String> = match &req.json()["q"] {
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => {
                return Response::json(
                    400,
                    &json!({"error": "Invalid request: missing q parameter"}),
                );
            }
        };
        for t in &q {
            *l.answered.entry(t.clone()).or_default() += 1;
        }
        let out: Vec<String> = q.iter().map(|t| format!("EN<{t}>")).collect();
        Reply::Respond(mock_http::Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&json!({ "translatedText": out })).unwrap(),
            delay: LATENCY,
        })
    })
}

fn shared_data() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TARJAMA_SHARED_DATA") {
        return Some(PathBuf::from(dir).join("segmentation/ud_arabic_pud/sentences.tsv"));
    }
    tarjama::eval::shared_file("data/segmentation/ud_arabic_pud/sentences.tsv")
}

/// (Arabic, English) pairs of the PUD treebank.
fn pairs(n: usize) -> Vec<(String, String)> {
    let path = shared_data().expect("PUD sentences.tsv not found; set TARJAMA_SHARED_DATA");
    std::fs::read_to_string(&path)
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
    let n = args
        .iter()
        .position(|a| a == "--sentences")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    // One sentence per paragraph, so units are exactly the PUD sentences whatever the segmenter.
    if args.iter().any(|a| a == "--memory-only") {
        memory_lookups();
        return;
    }
    let text = sentences(n).join("\n\n");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = server(Arc::clone(&ledger));
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[translate]\nfrom = \"ar\"\nto = \"en\"\nunit = \"paragraph\"\nchain = [\"lt\"]\ncache = \"{}\"\nconcurrency = 8\n\n\
         [providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{}\"\napi_key_env = \"\"\n\
         requests_per_second = {ALLOWED_PER_SECOND}\nconcurrency = 8\nmax_texts = 1\nmax_retries = 8\n\
         backoff_base = \"100ms\"\nmax_backoff = \"2s\"\ntimeout = \"10s\"\n",
        dir.path().join("cache.sqlite").display(),
        server.url()
    );
    let settings = parse(&config, ConfigOrigin::BuiltIn).expect("bench config");
    let options = RunOptions::default();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");

    let started = Instant::now();
    let first = runtime
        .block_on(
            Translator::from_settings(&settings)
                .unwrap()
                .translate_document(&text, &options),
        )
        .expect("first run");
    let first_time = started.elapsed();

    let started = Instant::now();
    let second = runtime
        .block_on(
            Translator::from_settings(&settings)
                .unwrap()
                .translate_document(&text, &options),
        )
        .expect("cached run");
    let cached_time = started.elapsed();

    let l = ledger.lock().unwrap();
    let bitext = &first.bitext;
    let units = first.summary.units;
    let mut misplaced = 0;
    for bead in &bitext.beads {
        let source = bitext.text_of(tarjama::bitext::Side::Source, &bead.source);
        let target = bitext.text_of(tarjama::bitext::Side::Target, &bead.target);
        let expected = format!("EN<{source}>");
        // The translation was re-segmented (sentences rejoined with spaces): compare without
        // whitespace.
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        if squeeze(&target) != squeeze(&expected) {
            if misplaced < 3 {
                eprintln!("misplaced bead {}: {source:?} -> {target:?}", bead.id);
            }
            misplaced += 1;
        }
    }
    let lost = misplaced;
    let duplicated = l.answered.values().filter(|&&c| c > 1).count();
    let seconds = first_time.as_secs_f64();
    let rate = l.requests as f64 / seconds;
    let accepted = l.requests - l.rate_limited;
    println!(
        "translate pipeline vs local service (50 ms latency, {ALLOWED_PER_SECOND} req/s limit, {:.0} % faults)",
        FAULT_RATE * 100.0
    );
    println!("| metric | value | goal |");
    println!("|---|---|---|");
    println!("| sentences (1 per request) | {units} | |");
    println!("| first run | {seconds:.1} s | |");
    println!("| requests received by the server | {} | |", l.requests);
    println!(
        "| refused by the server's rate limit (429) | {} | |",
        l.rate_limited
    );
    println!("| injected faults (429/500/503) | {} | |", l.injected);
    println!("| retries (client) | {} | |", first.summary.retries);
    println!(
        "| achieved requests/s (all requests) | {rate:.2} ({:.0} % of allowed) | ≥ 90 % |",
        100.0 * rate / ALLOWED_PER_SECOND
    );
    println!(
        "| admitted requests/s | {:.2} | |",
        accepted as f64 / seconds
    );
    println!(
        "| sentences translated/s | {:.2} ({:.0} % of allowed; the rest went to retrying faults) | |",
        units as f64 / seconds,
        100.0 * units as f64 / seconds / ALLOWED_PER_SECOND
    );
    println!(
        "| lost or misplaced sentences | {lost} ({} failed) | 0 |",
        first.summary.failed
    );
    println!("| sentences paid twice | {duplicated} | 0 |");
    println!(
        "| fully cached re-run | {:.1} ms ({:.3} % of first run; {} from cache) | < 1 % |",
        cached_time.as_secs_f64() * 1000.0,
        100.0 * cached_time.as_secs_f64() / seconds,
        second.summary.from_cache
    );
    memory_lookups();
}
