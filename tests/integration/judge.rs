//! The `llm-judge` signal against an OpenAI-compatible stand-in: the exact chat request, MQM
//! replies turned into flags, invalid replies into `not-checked`, the cache, retries, the key
//! kept out of every output; and `run --signals`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::mock_http::{MockServer, Request, Response};
use crate::util::{Workdir, flags, stderr, stdout};

const KEY: &str = "sk-judge-PLANTED-4242";

/// Five Arabic→English pairs; the judge stand-in answers by the day number in the translation.
fn judged_bitext() -> String {
    let mut out = String::from(
        "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n",
    );
    for i in 0..5 {
        let ar = format!("ذهب الوزير إلى بغداد في اليوم {i} من الزيارة.");
        out.push_str(&format!(
            "{}\n",
            json!({"type":"sentence","side":"source","id":i,"para":0,"text":ar})
        ));
    }
    for i in 0..5 {
        let en = format!("The minister went to Baghdad on day {i} of the visit.");
        out.push_str(&format!(
            "{}\n",
            json!({"type":"sentence","side":"target","id":i,"para":0,"text":en})
        ));
    }
    for i in 0..5 {
        out.push_str(&format!(
            "{{\"type\":\"bead\",\"id\":{i},\"source\":[{i}],\"target\":[{i}],\"score\":1.0}}\n"
        ));
    }
    out
}

/// A chat completions reply with `content`.
fn chat_reply(content: &str) -> crate::mock_http::Reply {
    Response::json(
        200,
        &json!({"id":"c1","object":"chat.completion","choices":[
            {"index":0,"finish_reason":"stop","message":{"role":"assistant","content":content}}
        ]}),
    )
}

/// The judge's answer for a prompt: day 1 a valid major error, day 2 a span not in the
/// translation, day 3 malformed JSON, day 4 a critical source error, others no error.
fn judge_answer(prompt: &str) -> String {
    let translation = prompt
        .rsplit("Translation (en): ")
        .next()
        .unwrap_or_default();
    let day: String = translation.chars().filter(|c| c.is_ascii_digit()).collect();
    match day.as_str() {
        "1" => r#"{"errors":[{"category":"accuracy/mistranslation","severity":"major","span":"went to Baghdad","side":"target"}]}"#.into(),
        "2" => r#"{"errors":[{"category":"accuracy/omission","severity":"major","span":"Paris","side":"target"}]}"#.into(),
        "3" => "Sure, here is my review: {errors".into(),
        "4" => "```json\n{\"errors\":[{\"category\":\"fluency/grammar\",\"severity\":\"critical\",\"span\":\"الوزير\",\"side\":\"source\"}]}\n```".into(),
        _ => r#"{"errors":[]}"#.into(),
    }
}

/// An OpenAI-compatible stand-in: the first request gets a 500 (to exercise the retry), then
/// judges (and translates, for `run`: a request with numbered segments).
fn chat_server() -> MockServer {
    let seen = Arc::new(AtomicUsize::new(0));
    MockServer::start(move |req: &Request| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            return Response::json(
                500,
                &json!({"error":{"message":"upstream hiccup","type":"server_error"}}),
            );
        }
        let body = req.json();
        let user = body["messages"][1]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Ok(request) = serde_json::from_str::<Value>(&user)
            && let Some(segments) = request["segments"].as_array()
        {
            let translations: Vec<Value> = segments
                .iter()
                .map(|s| {
                    let day: String = s["text"].as_str().unwrap().chars().filter(|c| c.is_ascii_digit()).collect();
                    json!({"id": s["id"], "text": format!("The minister went to Baghdad on day {day} of the visit.")})
                })
                .collect();
            return chat_reply(&json!({"translations": translations}).to_string());
        }
        chat_reply(&judge_answer(&user))
    })
}

fn judge_config(wd: &Workdir, url: &str, judge_kind_openai: bool) {
    let judge = if judge_kind_openai { "gpt" } else { "lt" };
    wd.write(
        "config.toml",
        format!(
            "[translate]\nfrom = \"ar\"\nto = \"en\"\nchain = [\"gpt\"]\ncache = \"cache.sqlite\"\n\n\
             [providers.gpt]\nkind = \"openai\"\nbase_url = \"{url}/v1\"\nmodel = \"judge-model-7\"\n\
             api_key_env = \"JUDGE_TEST_KEY\"\nrequests_per_second = 0.0\nmax_retries = 2\n\
             backoff_base = \"10ms\"\ntimeout = \"5s\"\n\n\
             [providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{url}\"\napi_key_env = \"\"\n\n\
             [checks.llm-judge]\nenabled = true\nprovider = \"{judge}\"\n"
        ),
    );
}

fn run(wd: &Workdir, args: &[&str]) -> std::process::Output {
    wd.command(args)
        .env("JUDGE_TEST_KEY", KEY)
        .output()
        .unwrap()
}

#[test]
fn judge_flags_mqm_errors_rejects_bad_replies_caches_and_retries() {
    let server = chat_server();
    let wd = Workdir::new();
    judge_config(&wd, &server.url(), true);
    wd.write("b.jsonl", judged_bitext());
    let args = ["--config", "config.toml", "check", "b.jsonl", "--signals"];
    let out = run(&wd, &args);
    assert!(out.status.success(), "{}", stderr(&out));

    // The exact request: one per bead after the retried 500.
    let requests = server.requests();
    assert_eq!(requests.len(), 6, "5 judgements + 1 retry");
    assert_eq!(
        requests[0].json(),
        requests[1].json(),
        "the retry resends the same body"
    );
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/v1/chat/completions");
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        let body = r.json();
        assert_eq!(body["model"], "judge-model-7");
        assert_eq!(body["temperature"], 0);
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][1]["role"], "user");
        let user = body["messages"][1]["content"].as_str().unwrap();
        assert!(
            user.contains("MQM") && user.contains("Source (ar): ذهب الوزير"),
            "{user}"
        );
        assert!(user.contains("Translation (en): The minister went to Baghdad on day"));
    }

    let found = flags(&stdout(&out));
    let judged: Vec<&Value> = found.iter().filter(|f| f["code"] == "llm-judge").collect();
    assert_eq!(judged.len(), 2, "{judged:?}");
    assert_eq!(
        judged.iter().find(|f| f["bead"] == 1).unwrap()["severity"],
        "warning"
    );
    let day1 = judged.iter().find(|f| f["bead"] == 1).unwrap();
    assert!(
        day1["message"]
            .as_str()
            .unwrap()
            .contains("major accuracy/mistranslation error in the target")
    );
    assert_eq!(day1["evidence"], "«went to Baghdad»");
    let day4 = judged.iter().find(|f| f["bead"] == 4).unwrap();
    assert_eq!(day4["severity"], "error", "critical is at least error");
    assert!(
        day4["message"]
            .as_str()
            .unwrap()
            .contains("fluency/grammar error in the source")
    );
    let unchecked: Vec<&Value> = found
        .iter()
        .filter(|f| f["code"] == "not-checked")
        .collect();
    assert_eq!(unchecked.len(), 2, "{unchecked:?}");
    assert!(unchecked.iter().all(|f| f["severity"] == "info"));
    assert!(unchecked.iter().any(|f| {
        f["bead"] == 2
            && f["message"]
                .as_str()
                .unwrap()
                .contains("«Paris» does not occur")
    }));
    assert!(unchecked.iter().any(|f| {
        f["bead"] == 3
            && f["message"]
                .as_str()
                .unwrap()
                .contains("not valid MQM JSON")
    }));

    // A second run is served by the cache: same flags, no request.
    let again = run(&wd, &args);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests().len(), 6, "the cache was not used");
    assert_eq!(stdout(&again), stdout(&out));
    for o in [&out, &again] {
        assert!(!stdout(o).contains(KEY) && !stderr(o).contains(KEY));
    }
    let cache = std::fs::read(wd.path().join("cache.sqlite")).unwrap();
    assert!(
        !String::from_utf8_lossy(&cache).contains(KEY),
        "the key is in the cache"
    );
}

#[test]
fn judge_must_be_an_openai_provider_and_a_dead_one_gives_not_checked() {
    let server = chat_server();
    let wd = Workdir::new();
    judge_config(&wd, &server.url(), false);
    wd.write("b.jsonl", judged_bitext());
    let out = run(
        &wd,
        &["--config", "config.toml", "check", "b.jsonl", "--signals"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("[checks.llm-judge] provider = \"lt\" is not an openai-kind provider"),
        "{err}"
    );
    assert!(server.requests().is_empty());

    // Nothing listens on the port: every bead is `not-checked`, the command succeeds.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let wd = Workdir::new();
    judge_config(&wd, &dead, true);
    wd.write("b.jsonl", judged_bitext());
    let out = run(
        &wd,
        &[
            "--config",
            "config.toml",
            "check",
            "b.jsonl",
            "--signals",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found = flags(&stdout(&out));
    assert_eq!(
        found.iter().filter(|f| f["code"] == "not-checked").count(),
        5
    );
    assert!(found.iter().all(|f| f["code"] != "llm-judge"));
    assert!(!stdout(&out).contains(KEY) && !stderr(&out).contains(KEY));
}

#[test]
fn run_signals_judges_the_fresh_translation() {
    let server = chat_server();
    let wd = Workdir::new();
    judge_config(&wd, &server.url(), true);
    wd.write(
        "article.txt",
        "ذهب الوزير إلى بغداد في اليوم 0 من الزيارة. ذهب الوزير إلى بغداد في اليوم 1 من الزيارة.\n",
    );
    let out = run(
        &wd,
        &[
            "--config",
            "config.toml",
            "run",
            "article.txt",
            "--out",
            "o",
            "--formats",
            "jsonl",
            "--signals",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bitext = std::fs::read_to_string(wd.path().join("o/bitext.jsonl")).unwrap();
    let found = flags(&bitext);
    let judged: Vec<&Value> = found.iter().filter(|f| f["code"] == "llm-judge").collect();
    assert_eq!(judged.len(), 1, "{found:?}");
    assert_eq!(judged[0]["evidence"], "«went to Baghdad»");
    assert!(
        stderr(&out).contains("llm-judge"),
        "the summary counts the judge's flags"
    );

    // Without --signals, no judgement is requested.
    let before = server.requests().len();
    let wd2 = Workdir::new();
    judge_config(&wd2, &server.url(), true);
    wd2.write(
        "article.txt",
        "ذهب الوزير إلى بغداد في اليوم 7 من الزيارة.\n",
    );
    let out = run(
        &wd2,
        &[
            "--config",
            "config.toml",
            "run",
            "article.txt",
            "--out",
            "o",
            "--formats",
            "jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let judge_requests = server.requests()[before..]
        .iter()
        .filter(|r| r.text().contains("MQM"))
        .count();
    assert_eq!(judge_requests, 0);
}
