//! `tarjama translate`, `cache` and `providers` end to end: the real binary, a real LibreTranslate
//! stand-in on 127.0.0.1, a real SQLite cache, real SIGKILLs.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::mock_http::{MockServer, Reply, Request, Response};
use crate::util::{Workdir, stderr, stdout};

const ARTICLE: &str = "قال الوزير إن الزيارة مهمة. وأضاف أن المحادثات ستستمر غدا.\n\nوصل الوفد إلى بغداد صباح الثلاثاء. ثم التقى رئيس الوزراء!";

const PLANTED_KEY: &str = "PLANTED-7f3a9c1e-key-do-not-leak";

/// The texts of a LibreTranslate request's `q` (an array, or one string); `None` without `q`.
fn q_texts(request: &Request) -> Option<Vec<String>> {
    match &request.json()["q"] {
        Value::Array(items) => Some(
            items
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect(),
        ),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

/// LibreTranslate's success reply: `EN<text>` for every text.
fn translated(texts: &[String]) -> Reply {
    let out: Vec<String> = texts.iter().map(|t| format!("EN<{t}>")).collect();
    Response::json(200, &json!({"translatedText": out}))
}

/// A LibreTranslate stand-in: `EN<text>` for every `q`, after `delay`.
fn libretranslate(delay: Duration) -> MockServer {
    MockServer::start(move |req: &Request| {
        if req.method != "POST" || req.path != "/translate" {
            return Response::json(404, &json!({"error": "Not Found"}));
        }
        match q_texts(req) {
            Some(q) => translated(&q).delay(delay),
            None => Response::json(
                400,
                &json!({"error": "Invalid request: missing q parameter"}),
            ),
        }
    })
}

/// Every text the server was asked to translate, in arrival order.
fn requested_texts(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/translate")
        .flat_map(|r| q_texts(r).unwrap_or_default())
        .collect()
}

/// A work folder with [`ARTICLE`] and a config whose `lt` provider is a fresh, instant
/// LibreTranslate stand-in (see [`write_config`] for `chain` and `extra`).
fn article_with_libretranslate(chain: &str, extra: &str) -> (MockServer, Workdir) {
    let server = libretranslate(Duration::ZERO);
    let wd = Workdir::new();
    write_config(&wd, chain, &server.url(), extra);
    wd.write("article.txt", ARTICLE);
    (server, wd)
}

/// Points the `lt` provider's `api_key_env` (none by default) at the variable `var`.
fn use_key_variable(wd: &Workdir, var: &str) {
    let config = std::fs::read_to_string(wd.path().join("config.toml"))
        .unwrap()
        .replace("api_key_env = \"\"", &format!("api_key_env = \"{var}\""));
    wd.write("config.toml", config);
}

/// Asserts that no file of the work folder (but those named in `except`) holds `key`.
fn assert_no_file_holds(wd: &Workdir, key: &str, except: &[&str]) {
    for entry in std::fs::read_dir(wd.path()).unwrap() {
        let path = entry.unwrap().path();
        let excepted = except.iter().any(|name| path.file_name().unwrap() == *name);
        if path.is_file() && !excepted {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
            assert!(!found, "the key is in {}", path.display());
        }
    }
}

/// A config.toml with a LibreTranslate provider `lt` at `url`; `extra` goes into its table.
fn write_config(wd: &Workdir, chain: &str, url: &str, extra: &str) {
    wd.write(
        "config.toml",
        format!(
            "[translate]\nfrom = \"ar\"\nto = \"en\"\nchain = {chain}\ncache = \"cache.sqlite\"\nconcurrency = 2\n\n\
             [memory]\nfiles = [\"tm.tmx\"]\n\n\
             [providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{url}\"\napi_key_env = \"\"\n\
             requests_per_second = 0.0\nmax_retries = 1\nbackoff_base = \"10ms\"\ntimeout = \"5s\"\n{extra}\n"
        ),
    );
    wd.write(
        "tm.tmx",
        tmx(&[(
            "وصل الوفد إلى بغداد صباح الثلاثاء.",
            "The delegation arrived in Baghdad on Tuesday morning.",
        )]),
    );
}

fn tmx(pairs: &[(&str, &str)]) -> String {
    let tus: String = pairs
        .iter()
        .map(|(ar, en)| {
            format!("<tu><tuv xml:lang=\"ar\"><seg>{ar}</seg></tuv><tuv xml:lang=\"en\"><seg>{en}</seg></tuv></tu>\n")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"ar\" datatype=\"plaintext\"/><body>\n{tus}</body></tmx>\n"
    )
}

/// The JSONL records of a bitext.
fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn targets(records: &[Value]) -> Vec<&Value> {
    records
        .iter()
        .filter(|r| r["type"] == "sentence" && r["side"] == "target")
        .collect()
}

#[test]
fn translates_through_libretranslate_with_memory_first() {
    let (server, wd) = article_with_libretranslate("[\"memory\", \"lt\"]", "");
    let out = wd.run(&["translate", "article.txt", "--progress", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&stdout(&out));
    assert_eq!(recs[0]["type"], "header");
    assert_eq!(recs[0]["providers"], json!(["memory", "lt"]));
    assert_eq!(recs[0]["unit"], "sentence");
    let t = targets(&recs);
    assert_eq!(t.len(), 4);
    assert_eq!(t[0]["text"], "EN<قال الوزير إن الزيارة مهمة.>");
    assert_eq!(t[0]["origin"], "network");
    assert_eq!(t[0]["provider"], "lt");
    assert_eq!(
        t[2]["text"],
        "The delegation arrived in Baghdad on Tuesday morning."
    );
    assert_eq!(t[2]["origin"], "memory");
    assert_eq!(t[2]["memory_score"], 1.0);
    assert_eq!(t[2]["para"], 1);
    // The memory hit never reached the server; the others were asked for exactly once.
    let asked = requested_texts(&server);
    assert!(!asked.iter().any(|q| q.contains("الوفد")), "{asked:?}");
    assert_eq!(asked.len(), 3);
    let req = &server.requests()[0];
    assert!(
        req.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(req.json()["source"], "ar");
    assert_eq!(req.json()["target"], "en");
    // Source sentences carry their byte offsets into the input.
    let source0 = recs.iter().find(|r| r["side"] == "source").unwrap();
    let (s, e) = (
        source0["start"].as_u64().unwrap() as usize,
        source0["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&ARTICLE[s..e], source0["text"].as_str().unwrap());
    let summary = stderr(&out);
    assert!(
        summary.contains("1 from memory, 0 from cache, 3 translated, 0 failed"),
        "{summary}"
    );
}

#[test]
fn a_second_run_comes_from_the_cache_without_any_request() {
    let (server, wd) = article_with_libretranslate("[\"lt\"]", "");
    let first = wd.run(&["translate", "article.txt", "-o", "first.jsonl"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = server.requests().len();
    assert!(before > 0);
    let second = wd.run(&["translate", "article.txt", "-o", "second.jsonl"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        server.requests().len(),
        before,
        "the second run reached the server"
    );
    let text = std::fs::read_to_string(wd.path().join("second.jsonl")).unwrap();
    let recs = records(&text);
    assert!(
        targets(&recs)
            .iter()
            .all(|t| t["origin"] == "cache" && t["provider"] == "lt")
    );
    assert!(
        stderr(&second).contains("4 from cache"),
        "{}",
        stderr(&second)
    );
    // cache stats / export see the four entries.
    let stats = wd.run(&["cache", "stats"]);
    assert!(stdout(&stats).contains("4 entries"), "{}", stdout(&stats));
    let export = wd.run(&["cache", "export", "--format", "jsonl"]);
    assert_eq!(stdout(&export).lines().count(), 4);
    let tmx = wd.run(&["cache", "export", "--format", "tmx"]);
    assert!(
        stdout(&tmx).contains("<tuv xml:lang=\"ar\"><seg>قال الوزير إن الزيارة مهمة.</seg></tuv>"),
        "{}",
        stdout(&tmx)
    );
    let path = wd.run(&["cache", "path"]);
    assert!(stdout(&path).trim_end().ends_with("cache.sqlite"));
    let clear = wd.run(&["cache", "clear"]);
    assert!(
        stdout(&clear).contains("removed 4 entries"),
        "{}",
        stdout(&clear)
    );
    assert!(stdout(&wd.run(&["cache", "stats"])).contains("0 entries"));
}

/// Many sentences, each one request, so that a run can be killed half-way.
fn long_article(n: usize) -> String {
    (0..n)
        .map(|i| format!("هذه هي الجملة رقم {i} في المقال."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn normalised_output(text: &str) -> String {
    // A resumed run gets some sentences from the cache instead of the network: the only
    // difference allowed with an uninterrupted run.
    text.replace("\"origin\":\"cache\"", "\"origin\":\"network\"")
}

#[test]
fn a_run_killed_with_sigkill_resumes_without_asking_again() {
    let article = long_article(16);
    let slow = libretranslate(Duration::from_millis(120));
    let wd = Workdir::new();
    write_config(
        &wd,
        "[\"lt\"]",
        &slow.url(),
        "max_texts = 1\nconcurrency = 1",
    );
    wd.write("article.txt", &article);
    let run = |wd: &Workdir| {
        let mut command = wd.command(&[
            "translate",
            "article.txt",
            "-o",
            "out.jsonl",
            "--progress",
            "never",
        ]);
        command
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };
    let mut child = run(&wd).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while slow.requests().len() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(60));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !wd.path().join("out.jsonl").exists(),
        "a killed run left an output file"
    );
    let cached: Vec<String> = stdout(&wd.run(&["cache", "export", "--format", "jsonl"]))
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["source"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        cached.len() >= 3 && cached.len() < 16,
        "cached {} of 16",
        cached.len()
    );
    let asked_before = requested_texts(&slow).len();

    let resumed = run(&wd).output().unwrap();
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let asked_again: Vec<String> = requested_texts(&slow)[asked_before..].to_vec();
    for text in &asked_again {
        assert!(
            !cached.contains(text),
            "re-requested a cached sentence: {text}"
        );
    }
    assert_eq!(asked_again.len() + cached.len(), 16);

    // The same job, never interrupted, in a fresh folder with a fresh server.
    let fast = libretranslate(Duration::ZERO);
    let fresh = Workdir::new();
    write_config(
        &fresh,
        "[\"lt\"]",
        &fast.url(),
        "max_texts = 1\nconcurrency = 1",
    );
    fresh.write("article.txt", &article);
    let once = run(&fresh).output().unwrap();
    assert_eq!(once.status.code(), Some(0), "{}", stderr(&once));
    let read = |wd: &Workdir| std::fs::read_to_string(wd.path().join("out.jsonl")).unwrap();
    let (resumed_out, once_out) = (read(&wd), read(&fresh));
    assert!(resumed_out.contains("\"origin\":\"cache\""));
    // Same fingerprint: the URL differs, so compare everything but the header.
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(normalised_output(&body(&resumed_out)), body(&once_out));
}

#[test]
fn a_planted_key_never_appears_in_output_errors_or_cache() {
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&accepted);
    let server = MockServer::start(move |req: &Request| {
        let body = req.json();
        if body["api_key"] != PLANTED_KEY {
            return Response::json(403, &json!({"error": "Invalid API key"}));
        }
        seen.fetch_add(1, Ordering::SeqCst);
        translated(&q_texts(req).unwrap())
    });
    let wd = Workdir::new();
    write_config(&wd, "[\"lt\"]", &server.url(), "");
    use_key_variable(&wd, "TARJAMA_TEST_LT_KEY");
    wd.write("article.txt", ARTICLE);
    let mut outputs = Vec::new();
    for args in [
        &["translate", "article.txt", "-o", "out.jsonl"][..],
        &["translate", "article.txt", "--format", "tsv"],
        &["providers", "list"],
        &["cache", "export", "--format", "tsv"],
    ] {
        let out = wd
            .command(args)
            .env("TARJAMA_TEST_LT_KEY", PLANTED_KEY)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        outputs.push(out);
    }
    assert!(accepted.load(Ordering::SeqCst) > 0, "the key was not used");
    // A refused key: the error message must not quote it either.
    let wrong = wd
        .command(&["translate", "article.txt", "--cache", "other.sqlite"])
        .env("TARJAMA_TEST_LT_KEY", "WRONG-KEY-also-secret")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("authentication failed"),
        "{}",
        stderr(&wrong)
    );
    assert!(!stderr(&wrong).contains("WRONG-KEY-also-secret"));
    assert!(
        stdout(&outputs[2]).contains("$TARJAMA_TEST_LT_KEY"),
        "{}",
        stdout(&outputs[2])
    );
    for out in outputs.iter().chain([&wrong]) {
        assert!(!stdout(out).contains(PLANTED_KEY) && !stderr(out).contains(PLANTED_KEY));
    }
    assert_no_file_holds(&wd, PLANTED_KEY, &["config.toml"]);
}

#[test]
fn config_errors_name_file_and_line_and_exit_2() {
    let wd = Workdir::new();
    wd.write("config.toml", "[translate]\nfrom = \"ar\"\nfo = \"en\"\n");
    wd.write("article.txt", ARTICLE);
    let out = wd.run(&["translate", "article.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "tarjama: error: config.toml:3: unknown key 'fo' in [translate]; expected one of"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // --config names another file; its errors name it.
    wd.write(
        "other.toml",
        "[translate]\nchain = [\"memory\"]\n\n[memory]\nfuzzy_threshold = \"high\"\n",
    );
    let out = wd.run(&["--config", "other.toml", "translate", "article.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tarjama: error: other.toml:5: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_key_names_the_environment_variable() {
    let (server, wd) = article_with_libretranslate("[\"lt\"]", "");
    use_key_variable(&wd, "TARJAMA_TEST_MISSING_KEY");
    let out = wd.run(&["translate", "article.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("TARJAMA_TEST_MISSING_KEY"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
    let list = wd.run(&["providers"]);
    assert!(
        stdout(&list).contains("$TARJAMA_TEST_MISSING_KEY (not set)"),
        "{}",
        stdout(&list)
    );
}

#[test]
fn a_failing_sentence_is_flagged_and_the_others_keep_their_place() {
    let server = MockServer::start(|req: &Request| {
        let q = q_texts(req).unwrap();
        if q.iter().any(|t| t.contains("المحادثات")) {
            return Reply::Respond(crate::mock_http::Response {
                status: 500,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: b"<html><body>Internal Server Error</body></html>".to_vec(),
                delay: Duration::ZERO,
            });
        }
        translated(&q)
    });
    let wd = Workdir::new();
    write_config(&wd, "[\"lt\"]", &server.url(), "max_texts = 1");
    wd.write("article.txt", ARTICLE);
    let out = wd.run(&["translate", "article.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&stdout(&out));
    let t = targets(&recs);
    assert_eq!(t.len(), 3);
    assert_eq!(t[1]["text"], "EN<وصل الوفد إلى بغداد صباح الثلاثاء.>");
    let beads: Vec<&Value> = recs.iter().filter(|r| r["type"] == "bead").collect();
    assert_eq!(beads[1]["source"], json!([1]));
    assert_eq!(beads[1]["target"], json!([]));
    assert_eq!(beads[2]["target"], json!([1]));
    let flag = recs.iter().find(|r| r["type"] == "flag").unwrap();
    assert_eq!(flag["code"], "translation-failed");
    assert_eq!(flag["severity"], "error");
    assert_eq!(flag["source"], json!([1]));
    assert!(stderr(&out).contains("1 failed"), "{}", stderr(&out));
}

#[test]
fn paragraph_mode_sends_paragraphs_and_text_format_prints_the_translation() {
    let (server, wd) = article_with_libretranslate("[\"lt\"]", "");
    let out = wd.run(&[
        "translate",
        "article.txt",
        "--unit",
        "paragraph",
        "--format",
        "text",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let asked = requested_texts(&server);
    assert_eq!(asked.len(), 2);
    assert_eq!(
        asked[0],
        "قال الوزير إن الزيارة مهمة. وأضاف أن المحادثات ستستمر غدا."
    );
    let text = stdout(&out);
    assert_eq!(text.split("\n\n").count(), 2, "{text}");
}

#[test]
fn the_committed_config_translates_the_seed_article_from_memory() {
    let wd = Workdir::new();
    let config = crate::util::repo_file("config.toml");
    let article = crate::util::repo_file("corpora/austin-baghdad/ar.txt");
    let out = wd.run(&[
        "--config",
        config.to_str().unwrap(),
        "translate",
        article.to_str().unwrap(),
        "--cache",
        "c.sqlite",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&stdout(&out));
    let t = targets(&recs);
    assert!(!t.is_empty());
    assert!(t.iter().all(|s| s["origin"] == "memory"));
    assert!(
        t[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("(Baghdad) US Defense Secretary Lloyd Austin")
    );
    // The chain's network service (LibreTranslate on localhost) was never needed.
    assert!(stderr(&out).contains("0 requests"), "{}", stderr(&out));
    assert!(
        !Path::new(&wd.path().join("c.sqlite")).exists(),
        "a run the memory covered opened the cache"
    );
}

#[test]
fn providers_test_translates_one_text_and_stdin_works() {
    let server = libretranslate(Duration::ZERO);
    let wd = Workdir::new();
    write_config(&wd, "[\"lt\"]", &server.url(), "");
    let out = wd.run(&["providers", "test", "lt", "--text", "مرحبا."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("lt (libretranslate): EN<مرحبا.>"),
        "{}",
        stdout(&out)
    );
    let out = wd.run(&["providers", "test", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no [providers.nope] table"),
        "{}",
        stderr(&out)
    );
    let out = wd.run_with_stdin(
        &["translate", "-", "--format", "text"],
        "جملة واحدة.".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "EN<جملة واحدة.>\n");
}

/// A DeepL v2 stand-in: checks the auth header, answers `EN<text>` with billed characters, and
/// records the `context` of each request.
fn deepl(key: &'static str) -> MockServer {
    MockServer::start(move |req: &Request| {
        if req.header("authorization") != Some(&format!("DeepL-Auth-Key {key}")) {
            return Response::json(403, &json!({"message": "Forbidden"}));
        }
        let body = req.json();
        let items: Vec<Value> = body["text"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let t = t.as_str().unwrap();
                json!({"detected_source_language": "AR", "text": format!("EN<{t}>"), "billed_characters": t.chars().count()})
            })
            .collect();
        Response::json(200, &json!({ "translations": items }))
    })
}

#[test]
fn deepl_with_context_and_a_planted_key_that_never_leaks() {
    let server = deepl(PLANTED_KEY);
    let wd = Workdir::new();
    wd.write(
        "config.toml",
        format!(
            "[translate]\nchain = [\"deepl\"]\ncache = \"cache.sqlite\"\ncontext = true\n\n\
             [providers.deepl]\nkind = \"deepl\"\nbase_url = \"{}\"\napi_key_env = \"DEEPL_AUTH_KEY\"\n\
             split_sentences = \"0\"\nrequests_per_second = 0.0\n",
            server.url()
        ),
    );
    wd.write("article.txt", ARTICLE);
    let out = wd
        .command(&[
            "translate",
            "article.txt",
            "-o",
            "out.jsonl",
            "--format",
            "jsonl",
        ])
        .env("DEEPL_AUTH_KEY", PLANTED_KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // One sentence per request, with its paragraph neighbours as context.
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let first = requests
        .iter()
        .map(Request::json)
        .find(|b| b["text"][0] == "قال الوزير إن الزيارة مهمة.")
        .unwrap();
    assert_eq!(first["context"], "وأضاف أن المحادثات ستستمر غدا.");
    assert_eq!(first["target_lang"], "EN-US");
    assert!(stderr(&out).contains("characters billed"));
    let recs = records(&std::fs::read_to_string(wd.path().join("out.jsonl")).unwrap());
    assert_eq!(targets(&recs)[0]["provider"], "deepl");
    // Nothing the binary wrote or printed holds the key.
    assert!(!stdout(&out).contains(PLANTED_KEY) && !stderr(&out).contains(PLANTED_KEY));
    assert_no_file_holds(&wd, PLANTED_KEY, &[]);
    // Without the variable: a clear error naming it, and no request.
    let before = server.requests().len();
    let out = wd.run(&["translate", "article.txt", "--cache", "other.sqlite"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("DEEPL_AUTH_KEY"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), before);
}

#[test]
fn quota_exhausted_stops_the_run_keeps_the_cache_and_a_rerun_finishes() {
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    let limit = Arc::new(AtomicUsize::new(2));
    let allowed = Arc::clone(&limit);
    let server = MockServer::start(move |req: &Request| {
        if count.fetch_add(1, Ordering::SeqCst) >= allowed.load(Ordering::SeqCst) {
            return Response::json(456, &json!({"message": "Quota exceeded"}));
        }
        let t = req.json()["text"][0].as_str().unwrap().to_string();
        Response::json(
            200,
            &json!({"translations": [{"text": format!("EN<{t}>")}]}),
        )
    });
    let wd = Workdir::new();
    wd.write(
        "config.toml",
        format!(
            "[translate]\nchain = [\"deepl\"]\ncache = \"cache.sqlite\"\n\n\
             [providers.deepl]\nkind = \"deepl\"\nbase_url = \"{}\"\napi_key_env = \"TARJAMA_TEST_DEEPL_KEY\"\n\
             max_texts = 1\nconcurrency = 1\nrequests_per_second = 0.0\n",
            server.url()
        ),
    );
    wd.write("article.txt", ARTICLE);
    let out = wd
        .command(&["translate", "article.txt", "-o", "out.jsonl"])
        .env("TARJAMA_TEST_DEEPL_KEY", "k:fx")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("quota exhausted"), "{err}");
    assert!(err.contains("stopped after 2 of 4 units"), "{err}");
    assert_eq!(
        served.load(Ordering::SeqCst),
        3,
        "a quota error was retried"
    );
    assert!(!wd.path().join("out.jsonl").exists());
    // The quota is back: the rerun asks only for the two missing sentences.
    limit.store(usize::MAX, Ordering::SeqCst);
    served.store(0, Ordering::SeqCst);
    let out = wd
        .command(&["translate", "article.txt", "-o", "out.jsonl"])
        .env("TARJAMA_TEST_DEEPL_KEY", "k:fx")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(served.load(Ordering::SeqCst), 2);
    assert!(
        stderr(&out).contains("2 from cache, 2 translated"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn paragraph_mode_aligns_the_translated_sentences_with_their_sources() {
    let (_server, wd) = article_with_libretranslate("[\"lt\"]", "");
    let out = wd.run(&["translate", "article.txt", "--unit", "paragraph"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&stdout(&out));
    let beads: Vec<(Value, Value)> = recs
        .iter()
        .filter(|r| r["type"] == "bead")
        .map(|r| (r["source"].clone(), r["target"].clone()))
        .collect();
    // Two paragraphs of two sentences each: each source sentence gets its own bead instead of
    // two paragraph-wide beads (the stand-in's closing `>` may become a sentence of its own).
    assert_eq!(beads.len(), 4, "{beads:?}");
    for (k, (source, target)) in beads.iter().enumerate() {
        assert_eq!(source, &json!([k]), "{beads:?}");
        assert_eq!(target[0], json!(k), "{beads:?}");
    }
}

#[test]
fn a_run_where_every_unit_failed_exits_3_and_still_writes_its_output() {
    // A 5 MB error page with terminal escapes, for every request.
    let page = format!(
        "{{\"error\": \"\u{1b}[2J\u{7}down {}\"}}",
        "x".repeat(5 * 1024 * 1024)
    );
    let server = MockServer::start(move |_| Response::with_body(500, "application/json", &page));
    let wd = Workdir::new();
    write_config(&wd, "[\"lt\"]", &server.url(), "");
    wd.write("article.txt", ARTICLE);
    let out = wd.run(&["translate", "article.txt", "-o", "out.jsonl"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let written = std::fs::read_to_string(wd.path().join("out.jsonl")).unwrap();
    let recs = records(&written);
    let flags: Vec<&Value> = recs
        .iter()
        .filter(|r| r["code"] == "translation-failed")
        .collect();
    assert_eq!(flags.len(), 4, "{written:.2000}");
    // The server's text is cut and its control characters escaped, in the bitext and on stderr.
    assert!(
        written.len() < 64 * 1024,
        "bitext of {} bytes",
        written.len()
    );
    assert!(
        !written.contains('\u{1b}') && !written.contains("\\u001b"),
        "{written:.2000}"
    );
    let err = stderr(&out);
    assert!(err.len() < 4096 && !err.contains('\u{1b}'), "{err:.2000}");
    assert!(err.contains("4 failed"), "{err}");
}

#[test]
fn a_server_asking_to_wait_longer_than_any_clock_gives_up_at_once_without_panicking() {
    let server = MockServer::start(|_| {
        Response::json(429, &json!({"error": "Slow down"}))
            .header("Retry-After", "99999999999999999999")
    });
    let wd = Workdir::new();
    write_config(&wd, "[\"lt\"]", &server.url(), "");
    wd.write("article.txt", ARTICLE);
    let started = Instant::now();
    let out = wd.run(&["translate", "article.txt", "-o", "out.jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // One request per batch, none retried.
    let requests = server.requests().len();
    assert!(requests <= 4, "{requests} requests");
    let written = std::fs::read_to_string(wd.path().join("out.jsonl")).unwrap();
    assert!(written.contains("more than max_backoff"), "{written:.2000}");
}

#[test]
fn a_tiny_request_rate_is_refused_in_one_line_naming_the_setting() {
    let (_server, wd) = article_with_libretranslate("[\"lt\"]", "");
    let config = std::fs::read_to_string(wd.path().join("config.toml"))
        .unwrap()
        .replace("requests_per_second = 0.0", "requests_per_second = 1e-300");
    wd.write("config.toml", config);
    let out = wd.run(&["translate", "article.txt"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("requests_per_second"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn two_runs_creating_one_new_cache_at_once_both_succeed() {
    let (server, wd) = article_with_libretranslate("[\"lt\"]", "");
    for round in 0..3 {
        let cache = format!("race-{round}.sqlite");
        let children: Vec<_> = (0..2)
            .map(|_| {
                wd.command(&["translate", "article.txt", "--cache", &cache])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}",
                stderr(&out)
            );
        }
    }
    drop(server);
}

#[test]
fn ctrl_c_cancels_requests_in_flight_commits_what_arrived_and_exits_130() {
    // Texts with a number below 4 are answered at once; the others hang for 30 s. Two requests
    // in flight ([translate] concurrency): four answers, then two requests hanging.
    let server = MockServer::start(|req: &Request| {
        let q = q_texts(req).unwrap_or_default();
        let quick = q.iter().all(|t| {
            ["رقم 0 ", "رقم 1 ", "رقم 2 ", "رقم 3 "]
                .iter()
                .any(|n| t.contains(n))
        });
        if quick {
            translated(&q)
        } else {
            Reply::Hang(Duration::from_secs(30))
        }
    });
    let wd = Workdir::new();
    write_config(
        &wd,
        "[\"lt\"]",
        &server.url(),
        "max_texts = 1\nconcurrency = 4",
    );
    wd.write("article.txt", long_article(12));
    let child = wd
        .command(&["translate", "article.txt", "-o", "out.jsonl"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests().len() < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    let interrupted = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        interrupted.elapsed() < Duration::from_secs(5),
        "the requests in flight were not cancelled: {:?}",
        interrupted.elapsed()
    );
    assert!(!wd.path().join("out.jsonl").exists());
    // The four quick answers are in the cache; a re-run asks only for the rest.
    let cached = stdout(&wd.run(&["cache", "export", "--format", "jsonl"]));
    assert_eq!(cached.lines().count(), 4, "{cached}");
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
}

#[test]
fn the_adaptive_rate_finds_a_server_limit_without_losing_or_repaying_a_text() {
    // The server admits 20 requests/s (a bucket of 5), answers 429 beyond it, without
    // Retry-After; the client is configured with no rate at all.
    let bucket = Arc::new(std::sync::Mutex::new((5.0_f64, Instant::now())));
    let answered = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        usize,
    >::new()));
    let refused = Arc::new(AtomicUsize::new(0));
    let server = {
        let (bucket, answered, refused) = (bucket.clone(), answered.clone(), refused.clone());
        MockServer::start(move |req: &Request| {
            let mut b = bucket.lock().unwrap();
            let now = Instant::now();
            b.0 = (b.0 + now.duration_since(b.1).as_secs_f64() * 20.0).min(5.0);
            b.1 = now;
            if b.0 < 1.0 {
                refused.fetch_add(1, Ordering::SeqCst);
                return Response::json(429, &json!({"error": "Too many requests"}));
            }
            b.0 -= 1.0;
            drop(b);
            let q = q_texts(req).unwrap();
            for t in &q {
                *answered.lock().unwrap().entry(t.clone()).or_default() += 1;
            }
            translated(&q).delay(Duration::from_millis(20))
        })
    };
    let wd = Workdir::new();
    write_config(
        &wd,
        "[\"lt\"]",
        &server.url(),
        "max_texts = 1\nconcurrency = 8",
    );
    let config = std::fs::read_to_string(wd.path().join("config.toml"))
        .unwrap()
        .replace("max_retries = 1", "max_retries = 30")
        .replace("concurrency = 2\n", "concurrency = 8\n");
    wd.write("config.toml", config);
    wd.write("article.txt", long_article(60));
    let started = Instant::now();
    let out = wd.run(&["translate", "article.txt", "-o", "out.jsonl"]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 failed"), "{}", stderr(&out));
    let answered = answered.lock().unwrap();
    assert_eq!(answered.len(), 60, "every text answered");
    assert!(answered.values().all(|&n| n == 1), "a text was paid twice");
    // 55 requests beyond the bucket at 20/s take 2.75 s at least; the adaptive rate must not
    // fall far below the limit (8 in flight at 20 ms could go 400/s).
    assert!(elapsed >= Duration::from_millis(2500), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(9),
        "{elapsed:?}, {} refused",
        refused.load(Ordering::SeqCst)
    );
}

/// An OpenAI-compatible embeddings stand-in (`POST /v1/embeddings`): for each input, a
/// deterministic vector from its length and characters, in the documented reply shape.
fn openai_embeddings() -> MockServer {
    MockServer::start(|req: &Request| {
        if req.method != "POST" || req.path != "/v1/embeddings" {
            return Response::json(404, &json!({"error": {"message": "not found"}}));
        }
        let Some(input) = req.json()["input"].as_array().cloned() else {
            return Response::json(400, &json!({"error": {"message": "input must be a list"}}));
        };
        let data: Vec<Value> = input
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let text = text.as_str().unwrap_or("");
                let len = text.chars().count() as f32;
                let sum: u32 = text.chars().map(|c| c as u32).sum();
                let vector = [len, (sum % 1000) as f32, 1.0, -0.5];
                json!({"object": "embedding", "index": i, "embedding": vector})
            })
            .collect();
        Response::json(
            200,
            &json!({"object": "list", "data": data, "model": "m",
                    "usage": {"prompt_tokens": 1, "total_tokens": 1}}),
        )
    })
}

/// The texts of every embeddings request, in arrival order.
fn embedded_texts(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .flat_map(|r| {
            r.json()["input"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn paragraph_mode_aligns_with_the_embeddings_named_on_the_command_line() {
    let embedder = openai_embeddings();
    let table = format!(
        "\n[providers.e5]\nkind = \"openai-embeddings\"\nbase_url = \"{}/v1\"\napi_key_env = \"\"\n\
         model = \"multilingual-e5-small\"\nrequests_per_second = 0.0\ntimeout = \"5s\"\n",
        embedder.url()
    );
    let (_server, wd) = article_with_libretranslate("[\"lt\"]", &table);
    let args = [
        "translate",
        "article.txt",
        "--unit",
        "paragraph",
        "--embeddings",
        "e5",
    ];
    let out = wd.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // every source sentence and every translated sentence of both paragraphs was embedded
    let asked = embedded_texts(&embedder);
    assert!(
        asked.contains(&"قال الوزير إن الزيارة مهمة.".to_string()),
        "{asked:?}"
    );
    assert!(asked.iter().any(|t| t.starts_with("EN<")), "{asked:?}");
    let recs = records(&stdout(&out));
    let beads: Vec<&Value> = recs.iter().filter(|r| r["type"] == "bead").collect();
    let covered: Vec<u64> = beads
        .iter()
        .flat_map(|b| b["source"].as_array().unwrap().iter())
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(covered, vec![0, 1, 2, 3], "{beads:?}");
    // the summary says where the vectors came from
    let embedded = asked.len();
    assert!(
        stderr(&out).contains(&format!(
            "embeddings (e5): 0 from cache, {embedded} embedded in "
        )),
        "{}",
        stderr(&out)
    );
    // the vectors are cached: a second run asks the embeddings service nothing
    let requests = embedder.requests().len();
    let again = wd.run(&args);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(embedder.requests().len(), requests);
    // (every lookup now comes from the cache, a text asked twice counted twice)
    let again_err = stderr(&again);
    let from_cache: usize = again_err
        .split_once("embeddings (e5): ")
        .and_then(|(_, rest)| rest.split_once(" from cache, 0 embedded in "))
        .and_then(|(count, _)| count.parse().ok())
        .unwrap_or_else(|| panic!("{again_err}"));
    assert!(from_cache >= embedded, "{again_err}");
    let beads_of = |text: &str| -> Vec<Value> {
        records(text)
            .into_iter()
            .filter(|r| r["type"] == "bead")
            .collect()
    };
    assert_eq!(beads_of(&stdout(&again)), beads_of(&stdout(&out)));
    // the vectors joined the evidence: the scores differ from those of a run without them
    let plain = wd.run(&["translate", "article.txt", "--unit", "paragraph"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert_ne!(beads_of(&stdout(&plain)), beads_of(&stdout(&out)));
    assert_eq!(embedder.requests().len(), requests);

    // a sentence run needs no vectors
    let sentences = wd.run(&["translate", "article.txt", "--embeddings", "e5"]);
    assert_eq!(sentences.status.code(), Some(0), "{}", stderr(&sentences));
    assert_eq!(embedder.requests().len(), requests);

    // an unknown provider is one line naming it, exit 2, before anything is sent
    let nope = wd.run(&["run", "article.txt", "--out", "out", "--embeddings", "nope"]);
    assert_eq!(nope.status.code(), Some(2), "{}", stderr(&nope));
    let err = stderr(&nope);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--embeddings nope"), "{err}");
    assert!(err.contains("[providers.nope]"), "{err}");
    assert!(!wd.path().join("out").exists());
}

#[test]
fn a_failing_embeddings_service_stops_the_paragraph_run_in_one_line_and_keeps_the_cache() {
    let embedder = MockServer::start(|_: &Request| {
        Response::json(500, &json!({"error": {"message": "model not loaded"}}))
    });
    let table = format!(
        "\n[align]\nembeddings = \"e5\"\n\n[providers.e5]\nkind = \"openai-embeddings\"\n\
         base_url = \"{}/v1\"\napi_key_env = \"\"\nmodel = \"m\"\nrequests_per_second = 0.0\n\
         max_retries = 1\nbackoff_base = \"10ms\"\ntimeout = \"5s\"\n",
        embedder.url()
    );
    let (server, wd) = article_with_libretranslate("[\"lt\"]", &table);
    let out = wd.run(&["run", "article.txt", "--out", "out", "--unit", "paragraph"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let error_lines: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(error_lines.len(), 1, "{err}");
    assert!(error_lines[0].contains("embeddings provider 'e5'"), "{err}");
    assert!(!embedder.requests().is_empty());
    // the translations were paid for once and kept
    let translated = requested_texts(&server).len();
    assert_eq!(translated, 2);
    let out = wd.run(&["translate", "article.txt", "--unit", "paragraph"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 from cache"), "{}", stderr(&out));
    assert_eq!(requested_texts(&server).len(), translated);
}
