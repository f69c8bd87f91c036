//! Review benchmark: `tarjama serve` on a 14,000-bead bitext (the page's first requests, then
//! 100 decisions, each synced to disk), and the start-up of a terminal review on a bitext made
//! from a 16 MB article.
//!
//! Run: `cargo bench --bench serve`. The bitexts are the test fixture repeated (as
//! `tests/fixtures/repeat_bitext.py` does: ids shifted, flags and decisions repeated), written
//! to a temporary folder. The server runs in this process on 127.0.0.1; the client is a plain
//! HTTP/1.1 exchange over a `TcpStream`, one connection per request, like a browser's first
//! visit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use tarjama::bitext::{Bitext, Side};
use tarjama::review::session::{SessionOptions, run as run_session};
use tarjama::review::store::Store;
use tarjama::serve::{ServeConfig, bind};

const FIXTURE: &str = include_str!("../tests/fixtures/bitext.jsonl");

/// The fixture repeated `copies` times into one valid bitext.
fn repeated(copies: usize) -> Bitext {
    let one = Bitext::read_jsonl(FIXTURE.as_bytes(), "fixture").unwrap();
    let mut big = Bitext::new(
        one.header.source_lang.clone(),
        one.header.target_lang.clone(),
    );
    big.header = one.header.clone();
    let paras = one.source.iter().map(|s| s.para).max().unwrap_or(0) + 1;
    for k in 0..copies {
        let (ds, dt, db) = (
            one.source.len() * k,
            one.target.len() * k,
            one.beads.len() * k,
        );
        for (side, list, shift) in [
            (&one.source, &mut big.source, ds),
            (&one.target, &mut big.target, dt),
        ] {
            for s in side {
                let mut s = s.clone();
                s.id += shift;
                s.para += paras * k;
                s.start = None;
                s.end = None;
                list.push(s);
            }
        }
        for b in &one.beads {
            let mut b = b.clone();
            b.id += db;
            b.source.iter_mut().for_each(|i| *i += ds);
            b.target.iter_mut().for_each(|i| *i += dt);
            big.beads.push(b);
        }
        for f in &one.flags {
            let mut f = f.clone();
            f.source.iter_mut().for_each(|i| *i += ds);
            f.target.iter_mut().for_each(|i| *i += dt);
            f.bead = f.bead.map(|b| b + db);
            big.flags.push(f);
        }
        for d in &one.decisions {
            let mut d = d.clone();
            d.bead += db;
            big.decisions.push(d);
        }
    }
    big
}

fn write(bitext: &Bitext, path: &Path) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    bitext.write_jsonl(&mut file).unwrap();
    file.flush().unwrap();
}

/// One request; returns the status and the body length.
fn request(host: &str, method: &str, path: &str, headers: &str, body: &str) -> (u16, usize) {
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, rest.len())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();

    // --- tarjama serve on 14,000 beads ---
    let big = repeated(2000);
    assert_eq!(big.beads.len(), 14_000);
    let path = dir.path().join("bitext.jsonl");
    write(&big, &path);
    let size = std::fs::metadata(&path).unwrap().len();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let bound = runtime
        .block_on(bind(ServeConfig {
            files: vec![path.clone()],
            reviewer: Some("bench".into()),
            bind: "127.0.0.1".parse().unwrap(),
            port: 0,
        }))
        .unwrap();
    let load = started.elapsed();
    let host = bound
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    runtime.spawn(bound.run());

    let first = Instant::now();
    let (status, page) = request(&host, "GET", "/", "", "");
    assert_eq!(status, 200);
    let (_, script) = request(&host, "GET", "/app.js", "", "");
    let (_, style) = request(&host, "GET", "/app.css", "", "");
    let (_, summary) = request(&host, "GET", "/api/summary", "", "");
    let (status, beads) = request(&host, "GET", "/api/beads?limit=50", "", "");
    assert_eq!(status, 200);
    let first_page = first.elapsed();

    // The CSRF token, as the page gets it.
    let mut stream = TcpStream::connect(&host).unwrap();
    write!(
        stream,
        "GET /api/session HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let csrf = serde_json::from_str::<serde_json::Value>(json).unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let headers = format!("Content-Type: application/json\r\nX-CSRF-Token: {csrf}\r\n");
    let mut times = Vec::new();
    for k in 0..100 {
        let bead = 7 * k + 5;
        let body = format!(r#"{{"bead":{bead},"action":"accept"}}"#);
        let t = Instant::now();
        let (status, _) = request(&host, "POST", "/api/decisions", &headers, &body);
        times.push(t.elapsed());
        assert_eq!(status, 200);
    }
    times.sort();
    let saved = Bitext::read_path(&path).unwrap();
    assert_eq!(saved.decisions.len(), big.decisions.len() + 100);
    let (_, later) = request(&host, "GET", "/api/beads?limit=50&offset=5000", "", "");
    println!(
        "serve, 14000 beads ({:.1} MB): load {:.0} ms; first page (HTML {} B, script {} B, CSS {} B, summary {} B, 50 beads {} B) {:.1} ms; 100 decisions synced: median {:.1} ms, p95 {:.1} ms, max {:.1} ms; a later page ({later} B)",
        size as f64 / 1e6,
        ms(load),
        page,
        script,
        style,
        summary,
        beads,
        ms(first_page),
        ms(times[50]),
        ms(times[95]),
        ms(times[99]),
    );
    drop(runtime);

    // --- terminal review start-up on a 16 MB article ---
    let one = Bitext::read_jsonl(FIXTURE.as_bytes(), "fixture").unwrap();
    let per_copy: usize = one.source.iter().map(|s| s.text.len() + 1).sum();
    let copies = (16 << 20) / per_copy + 1;
    let huge = repeated(copies);
    let article: usize = huge.source.iter().map(|s| s.text.len() + 1).sum();
    let huge_path = dir.path().join("huge.jsonl");
    write(&huge, &huge_path);
    let started = Instant::now();
    let store = Store::open(&huge_path).unwrap();
    let mut shown = Vec::new();
    run_session(
        store.bitext(),
        &mut "q\n".as_bytes(),
        &mut shown,
        &SessionOptions::default(),
        &mut |_| Ok(()),
    )
    .unwrap();
    let startup = started.elapsed();
    let text = String::from_utf8(shown).unwrap();
    assert!(text.contains("[q]uit >"));
    println!(
        "review start-up (read + queue + first bead shown), article {:.1} MB, {} beads, {} flags, bitext {:.1} MB: {:.2} s",
        article as f64 / (1 << 20) as f64,
        huge.beads.len(),
        huge.flags.len(),
        std::fs::metadata(&huge_path).unwrap().len() as f64 / 1e6,
        startup.as_secs_f64()
    );
    let _ = huge.text_of(Side::Source, &[0]);
}
