//! `tarjama serve`: the JSON API over real HTTP (tokens, origin, host, limits), and the page in a
//! real headless Chromium driven through WebDriver (chromedriver): decisions made with the
//! keyboard survive a reload and are on disk; hostile text stays text.
//!
//! The HTTP client is a few lines over `TcpStream` (HTTP/1.1, `Connection: close`), so these
//! tests need no client library. Without Chromium or chromedriver the browser tests say they were
//! skipped — unless `CI=true`, where they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tarjama::bitext::{Action, Bitext};

use crate::util::{Workdir, repo_file, stderr, stdout};

/// One HTTP answer.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A minimal HTTP/1.1 request to `url` (`http://host:port/path`).
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host).expect("connecting");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {host}\r\n"));
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || method == "POST" || method == "DELETE" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // A server may refuse (413) before reading everything: a failed write is fine then.
    let _ = stream.write_all(body);
    // Read the head, then exactly the body (some servers keep the connection open).
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let lower = head.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let mut body = Vec::new();
    if let Some(length) = length {
        body.resize(length, 0);
        reader.read_exact(&mut body).unwrap();
    } else if lower.contains("transfer-encoding: chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size =
                usize::from_str_radix(size.trim().split(';').next().unwrap(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        let _ = reader.read_to_end(&mut body);
    }
    Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A running `tarjama serve`, stopped on drop.
pub struct Server {
    child: Child,
    /// The URL it printed (ends with `/`).
    pub url: String,
}

impl Server {
    /// Starts `tarjama serve` on `bitext` in `wd` and waits for its URL.
    pub fn start(wd: &Workdir, bitext: &str, extra: &[&str]) -> Server {
        let mut args = vec!["serve", bitext, "--reviewer", "browser-test"];
        args.extend_from_slice(extra);
        let mut child = wd
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting tarjama serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Server { child, url }
    }

    /// The CSRF token, as a script gets it.
    pub fn csrf(&self) -> String {
        let answer = http("GET", &format!("{}api/session", self.url), &[], None);
        answer.json()["csrf"].as_str().unwrap().to_string()
    }

    /// `host:port`.
    pub fn host(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    /// POSTs a decision with the right token.
    pub fn decide(&self, body: &Value) -> Answer {
        let csrf = self.csrf();
        http(
            "POST",
            &format!("{}api/decisions", self.url),
            &[
                ("Content-Type", "application/json"),
                ("X-CSRF-Token", &csrf),
            ],
            Some(body.to_string().as_bytes()),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The seed article run through `tarjama run` (from the repository root, with the committed
/// configuration: offline, from the translation memory) into `wd/out/`; returns the bitext.
pub fn seed(wd: &Workdir) -> PathBuf {
    let out = run_seed(wd);
    assert!(out.status.success(), "{}", stderr(&out));
    wd.path().join("out/bitext.jsonl")
}

/// `tarjama run corpora/austin-baghdad/ar.txt --out WD/out` (also used to re-run).
pub fn run_seed(wd: &Workdir) -> std::process::Output {
    let out_dir = wd.path().join("out");
    let cache = wd.path().join("cache.sqlite");
    let mut cmd = wd.command(&[
        "run",
        "corpora/austin-baghdad/ar.txt",
        "--out",
        out_dir.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
    ]);
    cmd.current_dir(crate::util::repo());
    cmd.output().unwrap()
}

fn load(path: &Path) -> Bitext {
    Bitext::read_path(path).expect("the bitext stays valid")
}

// ---- the API over HTTP ----

#[test]
fn api_saves_decisions_and_refuses_foreign_requests() {
    let wd = Workdir::new();
    let path = seed(&wd);
    let server = Server::start(&wd, "out/bitext.jsonl", &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let url = &server.url;

    // The page: strict CSP, the token in a meta element, no inline script.
    let page = http("GET", url, &[], None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<meta name=\"csrf-token\" content=\""));
    assert!(
        page.body
            .contains("<script src=\"/app.js\" defer></script>")
    );

    // Paginated beads, riskiest first.
    let list = http("GET", &format!("{url}api/beads?limit=5"), &[], None).json();
    assert_eq!(list["beads"].as_array().unwrap().len(), 5);
    let total = list["total"].as_u64().unwrap();
    assert!(total >= 5);
    let risks: Vec<f64> = list["beads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["risk"].as_f64().unwrap())
        .collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    let all = http(
        "GET",
        &format!("{url}api/beads?order=doc&limit=500"),
        &[],
        None,
    )
    .json();
    assert_eq!(all["total"], 26);

    // A decision is on disk when the answer comes.
    let saved = server.decide(&json!({"bead": 3, "action": "reject", "note": "wrong sense"}));
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["bead"]["decision"]["action"], "reject");
    let on_disk = load(&path);
    let d = on_disk.latest_decisions()[&3].clone();
    assert_eq!(
        (d.action, d.note.as_deref(), d.reviewer.as_deref()),
        (Action::Reject, Some("wrong sense"), Some("browser-test"))
    );
    // Filters see it.
    let rejected = http(
        "GET",
        &format!("{url}api/beads?order=doc&decision=reject"),
        &[],
        None,
    );
    assert_eq!(rejected.json()["total"], 1);

    // Refused: no token, wrong token, foreign origin, foreign Host, bad bodies.
    let body = br#"{"bead":2,"action":"accept"}"#;
    let target = format!("{url}api/decisions");
    let csrf = server.csrf();
    let json_type = ("Content-Type", "application/json");
    let no_token = http("POST", &target, &[json_type], Some(body));
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    let wrong = http(
        "POST",
        &target,
        &[json_type, ("X-CSRF-Token", "0123")],
        Some(body),
    );
    assert_eq!(wrong.status, 403);
    let foreign = http(
        "POST",
        &target,
        &[
            json_type,
            ("X-CSRF-Token", &csrf),
            ("Origin", "http://evil.example"),
        ],
        Some(body),
    );
    assert_eq!(foreign.status, 403);
    assert!(foreign.body.contains("cross-origin"), "{}", foreign.body);
    let rebound = http(
        "GET",
        &format!("{url}api/session"),
        &[("Host", "evil.example")],
        None,
    );
    assert_eq!(
        rebound.status, 403,
        "DNS rebinding: a foreign Host is refused"
    );
    let same_origin = format!("http://{}", server.host());
    let ok = http(
        "POST",
        &target,
        &[json_type, ("X-CSRF-Token", &csrf), ("Origin", &same_origin)],
        Some(body),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let huge = format!(
        r#"{{"bead":2,"action":"edit","text":"{}"}}"#,
        "x".repeat(100_000)
    );
    let too_big = http(
        "POST",
        &target,
        &[json_type, ("X-CSRF-Token", &csrf)],
        Some(huge.as_bytes()),
    );
    assert_eq!(too_big.status, 413);
    for (bad, status) in [
        (json!({"bead": 2, "action": "edit"}), 400),
        (json!({"bead": 2, "action": "maybe"}), 400),
        (json!({"bead": 999, "action": "accept"}), 409),
        (
            json!({"bead": 2, "action": "accept", "basis": "fnv1a64:0"}),
            409,
        ),
    ] {
        let answer = server.decide(&bad);
        assert_eq!(answer.status, status, "{bad}: {}", answer.body);
        assert!(answer.json()["error"].is_string());
    }
    // Nothing refused reached the file: only the two decisions made.
    let after = load(&path);
    assert_eq!(after.decisions.len(), 2);

    // Undo, notes, exports with the decisions.
    assert_eq!(
        server.decide(&json!({"bead": 2, "action": "undo"})).status,
        200
    );
    assert!(!load(&path).latest_decisions().contains_key(&2));
    let note = server.decide(&json!({"bead": 3, "action": "note", "note": "ask the desk"}));
    assert_eq!(note.json()["bead"]["notes"][0]["note"], "ask the desk");
    assert_eq!(note.json()["bead"]["decision"]["action"], "reject");
    let tsv = http("GET", &format!("{url}export/tsv"), &[], None);
    assert_eq!(tsv.status, 200);
    assert!(tsv.body.contains("\treject\twrong sense"), "{}", tsv.body);
    let tmx = http("GET", &format!("{url}export/tmx"), &[], None);
    assert!(tmx.body.starts_with("<?xml"));
}

/// A browser tab and a terminal `review --import` on one bitext at once: both decisions land,
/// and the tab sees the terminal's decision without a restart.
#[test]
fn a_tab_and_the_terminal_share_one_bitext() {
    let wd = crate::output::workdir_with_fixture();
    let server = Server::start(&wd, "bitext.jsonl", &[]);
    let before = load(&wd.path().join("bitext.jsonl")).decisions.len();
    wd.write(
        "d.tsv",
        "bead\taction\ttext\tnote\n4\treject\t\tfrom the terminal\n",
    );
    let mut terminal = wd
        .command(&["review", "bitext.jsonl", "--import", "d.tsv"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let from_tab = server.decide(&json!({"bead": 1, "action": "accept"}));
    assert_eq!(from_tab.status, 200, "{}", from_tab.body);
    assert!(terminal.wait().unwrap().success());
    let seen = http("GET", &format!("{}api/beads/4", server.url), &[], None).json();
    assert_eq!(seen["decision"]["note"], "from the terminal");
    let second = server.decide(&json!({"bead": 0, "action": "garbled"}));
    assert_eq!(second.status, 200);
    let bitext = load(&wd.path().join("bitext.jsonl"));
    let latest = bitext.latest_decisions();
    assert_eq!(bitext.decisions.len(), before + 3);
    assert_eq!(latest[&4].action, Action::Reject);
    assert_eq!(latest[&1].action, Action::Accept);
    assert_eq!(latest[&0].action, Action::Garbled);
}

// ---- the page in a real browser ----

/// Chromium and chromedriver, or `None` with a note (a failure under CI=true).
fn browser() -> Option<(String, String)> {
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            Command::new(n)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
                .then(|| n.to_string())
        })
    };
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "Chromium and chromedriver are required under CI (Debian packages chromium and chromium-driver)"
                );
            }
            eprintln!(
                "SKIPPED: Chromium or chromedriver not installed (Debian packages chromium, chromium-driver); tarjama serve not tested in a browser"
            );
            None
        }
    }
}

/// A WebDriver session on a headless Chromium with a fresh profile.
pub struct Driver {
    process: Child,
    base: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    pub fn start(chromium: &str, chromedriver: &str) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let server = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(format!("127.0.0.1:{port}")).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let binary = which(chromium);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1400,1800",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let answer = http(
            "POST",
            &format!("{server}/session"),
            &[("Content-Type", "application/json")],
            Some(caps.to_string().as_bytes()),
        );
        let id = answer.json()["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {}", answer.body))
            .to_string();
        Driver {
            process,
            base: format!("{server}/session/{id}"),
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let answer = http(
            method,
            &format!("{}{path}", self.base),
            &[("Content-Type", "application/json")],
            body.as_deref().map(str::as_bytes),
        );
        let value = answer.json();
        assert_eq!(answer.status, 200, "{method} {path}: {}", answer.body);
        value["value"].clone()
    }

    pub fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn exec(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    pub fn exec_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    pub fn wait(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let script = format!("return Boolean({condition});");
        while self.exec(&script) != Value::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "waited for {condition}; status: {}",
                self.exec("return document.getElementById('status').textContent;")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types into an element (WebDriver "Element Send Keys").
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Presses keys on whatever has the focus (WebDriver actions: real key events).
    pub fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    pub fn screenshot(&self, path: &Path) {
        let data = self.call("GET", "/screenshot", None);
        std::fs::write(path, base64_decode(data.as_str().unwrap())).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http("DELETE", &self.base, &[], None);
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn which(name: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Standard base64 (for the screenshot WebDriver returns).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The issue's scenario: accept bead 1, edit bead 12, mark 14 garbled (with the keyboard),
/// reload: the three decisions are shown and on disk; requests without the token are refused.
#[test]
fn browser_review_survives_a_reload() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let wd = Workdir::new();
    let path = seed(&wd);
    let server = Server::start(&wd, "out/bitext.jsonl", &[]);
    let driver = Driver::start(&chromium, &chromedriver);
    driver.open(&server.url);
    driver.wait("document.body.dataset.ready === 'true'");
    // The review queue shows the Arabic side right to left, the English left to right.
    assert_eq!(
        driver.exec("return document.querySelector('#bead-1 .side.source').getAttribute('dir');"),
        "rtl"
    );
    assert_eq!(
        driver.exec("return document.querySelector('#bead-1 .side.target').getAttribute('dir');"),
        "ltr"
    );

    driver.click("#bead-1 .meta");
    driver.keys("a");
    driver
        .wait("document.querySelector('#bead-1 .decision').textContent.includes('saved: accept')");

    driver.click("#bead-12 .meta");
    driver.keys("e");
    driver.wait("document.querySelector('#bead-12 textarea')");
    driver.type_into(
        "#bead-12 textarea",
        "It was founded in Iraq in 2017 (edited in the browser).\u{E007}",
    );
    driver.wait("document.querySelector('#bead-12 .decision').textContent.includes('saved: edit')");

    driver.click("#bead-14 .meta");
    driver.keys("r");
    driver
        .wait("document.querySelector('#bead-14 .decision').textContent.includes('saved: reject')");
    // u takes the last decision back; g decides again.
    driver.keys("u");
    driver.wait("document.querySelector('#bead-14 .decision').textContent.includes('not decided')");
    driver.click("#bead-14 .meta");
    driver.keys("g");
    driver.wait(
        "document.querySelector('#bead-14 .decision').textContent.includes('saved: garbled')",
    );

    // Reload: the decisions come from the server, i.e. from the file.
    driver.open(&server.url);
    driver.wait("document.body.dataset.ready === 'true'");
    driver
        .wait("document.querySelector('#bead-1 .decision').textContent.includes('saved: accept')");
    driver.wait(
        "document.querySelector('#bead-12 .target').textContent.includes('edited in the browser')",
    );
    driver.wait("document.querySelector('#bead-12 .original')");
    driver.wait(
        "document.querySelector('#bead-14 .decision').textContent.includes('saved: garbled')",
    );

    let on_disk = load(&path);
    let latest = on_disk.latest_decisions();
    assert_eq!(latest[&1].action, Action::Accept);
    assert_eq!(latest[&12].action, Action::Edit);
    assert_eq!(
        latest[&12].text.as_deref(),
        Some("It was founded in Iraq in 2017 (edited in the browser).")
    );
    assert_eq!(latest[&14].action, Action::Garbled);
    let tsv = stdout(&wd.run(&["export", "out/bitext.jsonl", "-f", "tsv"]));
    assert!(tsv.contains("edited in the browser"), "{tsv}");

    // From the page itself: a POST without the CSRF token is refused.
    let status = driver.exec_async(
        "const done = arguments[arguments.length - 1];
         fetch('/api/decisions', {method: 'POST', headers: {'Content-Type': 'application/json'},
           body: JSON.stringify({bead: 2, action: 'accept'})}).then(r => done(r.status));",
    );
    assert_eq!(status, 403);
    assert!(!load(&path).latest_decisions().contains_key(&2));

    if std::env::var_os("TARJAMA_SCREENSHOT").is_some() {
        driver.open(&server.url);
        driver.wait("document.body.dataset.ready === 'true'");
        driver.screenshot(&repo_file("docs/serve.png"));
    }
}

/// Markup, script and a bidi override in the source stay text on the page.
#[test]
fn hostile_text_stays_text_in_the_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let wd = Workdir::new();
    let hostile = "</script><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> \u{202E}gnp.exe";
    let lines = [
        json!({"type":"header","schema":1,"source_lang":"ar","target_lang":"en"}),
        json!({"type":"sentence","side":"source","id":0,"para":0,"text": format!("قال {hostile}")}),
        json!({"type":"sentence","side":"target","id":0,"para":0,"text": format!("He said {hostile}")}),
        json!({"type":"bead","id":0,"source":[0],"target":[0],"score":1.0}),
        json!({"type":"flag","code":"number-mismatch","severity":"error","source":[0],"target":[0],"bead":0,
               "message": format!("«حزنت» {hostile}"), "evidence": hostile}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    wd.write("hostile.jsonl", text);
    let server = Server::start(&wd, "hostile.jsonl", &[]);
    let driver = Driver::start(&chromium, &chromedriver);
    driver.open(&server.url);
    driver.wait("document.body.dataset.ready === 'true'");
    assert_eq!(driver.exec("return window.pwned === undefined;"), true);
    assert_eq!(
        driver.exec("return document.querySelectorAll('#beads img, #beads script').length;"),
        0
    );
    let source = driver.exec("return document.querySelector('#bead-0 .source').textContent;");
    assert!(
        source.as_str().unwrap().contains(hostile),
        "the source is shown as it is: {source}"
    );
    let bdi = driver.exec(
        "return Array.from(document.querySelectorAll('#bead-0 .message bdi')).map(b => b.textContent);",
    );
    assert_eq!(bdi, json!(["حزنت"]), "the Arabic word is isolated");
    assert_eq!(driver.exec("return document.title;"), "tarjama review");
}
